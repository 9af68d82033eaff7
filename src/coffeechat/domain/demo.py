"""Sample contacts for ``coffeechat --demo``: realistic, spread over every stage.

Built relative to ``now`` so the demo always has overdue thank-yous, fresh
requests and long-running follow-ups, whatever the date.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from coffeechat.domain import pipeline
from coffeechat.domain.meetings import AgendaItem, Meeting, MeetingFormat, Promise
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.questions import BUILTIN_QUESTIONS
from coffeechat.domain.stages import Stage

# name, company, role, source, referred by, stage, days in the past it reached that stage
# fmt: off
_PEOPLE: tuple[tuple[str, str, str, str, str, Stage, float], ...] = (
    ("Priya Raman", "Northwind Health", "Product Manager", "Alumni list", "", Stage.MET, 3.2),
    ("Marcus Oyelaran", "Fjord Analytics", "Data Scientist", "LinkedIn", "", Stage.MET, 1.6),
    ("Elena Petrova", "Bluebird Labs", "UX Researcher", "Friend", "Samuel Whitfield", Stage.MET, 1.1),
    ("Tomás Herrera", "Cobalt Energy", "Grid Engineer", "Article", "", Stage.MET, 0.3),
    ("Hannah Schultz", "Meridian Bank", "Risk Analyst", "Alumni list", "", Stage.MET, 0.1),
    ("Kenji Watanabe", "Lumen Robotics", "Robotics Engineer", "Conference", "", Stage.IDENTIFIED, 2),
    ("Aisha Bello", "GreenLoop", "Sustainability Lead", "LinkedIn", "", Stage.IDENTIFIED, 5),
    ("Liam O'Connor", "Harbor Freight Co", "Operations Manager", "Friend", "", Stage.IDENTIFIED, 9),
    ("Sofia Rossi", "Atelier Nova", "Design Director", "Article", "", Stage.IDENTIFIED, 1),
    ("Daniel Kim", "Quanta Cloud", "Site Reliability Eng.", "Meetup", "Priya Raman", Stage.IDENTIFIED, 0.5),
    ("Grace Mbeki", "Civic Data Trust", "Policy Analyst", "Alumni list", "", Stage.IDENTIFIED, 14),
    ("Noah Fischer", "Brightpath Schools", "Curriculum Lead", "Friend", "Elena Petrova", Stage.IDENTIFIED, 3),
    ("Yara Haddad", "Oasis Media", "Producer", "LinkedIn", "", Stage.REQUESTED, 2),
    ("Owen Price", "Keystone Legal", "Paralegal", "Alumni list", "", Stage.REQUESTED, 6),
    ("Mei Chen", "Tessellate AI", "ML Engineer", "Conference", "", Stage.REQUESTED, 9),
    ("Rafael Souza", "Verde Foods", "Supply Chain Lead", "Friend", "", Stage.REQUESTED, 16),
    ("Isabel Duarte", "Pulse Fitness", "Brand Manager", "LinkedIn", "", Stage.REQUESTED, 22),
    ("Ahmed Farouk", "Sandstone Capital", "Associate", "Alumni list", "Owen Price", Stage.REQUESTED, 1),
    ("Chloe Martin", "Paperkite Press", "Editor", "Article", "", Stage.THANKED, 4),
    ("Viktor Novak", "Ironclad Security", "Security Architect", "Meetup", "", Stage.THANKED, 12),
    ("Nadia Karim", "Helix Bio", "Lab Manager", "Friend", "Chloe Martin", Stage.THANKED, 20),
    ("Ben Adeyemi", "Skyline Architects", "Architect", "Alumni list", "", Stage.THANKED, 35),
    ("Laura Jensen", "Nordic Wind", "Project Engineer", "LinkedIn", "", Stage.THANKED, 2),
    ("Samuel Whitfield", "Orbit Games", "Game Designer", "Friend", "", Stage.FOLLOW_UP, 40),
    ("Fatima Zahra", "Crescent Hospital", "Nurse Educator", "Alumni list", "", Stage.FOLLOW_UP, 75),
    ("Jonas Berg", "Fieldnote", "Founder", "Conference", "Viktor Novak", Stage.FOLLOW_UP, 110),
    ("Ruth Abebe", "Kindred Nonprofit", "Program Director", "Friend", "", Stage.FOLLOW_UP, 20),
    ("Peter Lindqvist", "Arctic Logistics", "Fleet Planner", "LinkedIn", "", Stage.FOLLOW_UP, 150),
    ("Zoe Campbell", "Inkwell Agency", "Copywriter", "LinkedIn", "", Stage.REQUESTED, 30),
    ("Arjun Mehta", "Stackline", "Engineering Manager", "Meetup", "", Stage.IDENTIFIED, 25),
)
# fmt: on

_ARCHIVED = {"Zoe Campbell": ArchiveReason.NO_RESPONSE, "Arjun Mehta": ArchiveReason.NOT_A_FIT}

_NOTES = (
    "Switched careers from teaching; happy to talk about the jump.",
    "Mentioned their team hires juniors every spring.",
    "Prefers a short call before 9am.",
    "",
)


def demo_contacts(now: datetime, new_id: Callable[[], str]) -> list[Contact]:
    """About 30 sample contacts with plausible histories ending at their stage."""
    contacts = []
    notes = itertools.cycle(_NOTES)
    for name, company, role, source, referred_by, stage, days_ago in _PEOPLE:
        reached = now - timedelta(days=days_ago)
        first_name = name.split()[0].lower()
        fields = {
            "name": name,
            "company": company,
            "role": role,
            "email": f"{first_name}@{company.split()[0].lower()}.example",
            "source": source,
            "referred_by": referred_by,
            "notes": next(notes),
        }
        steps = list(Stage).index(stage)
        start = reached - timedelta(days=6 * steps + 2)
        contact = pipeline.new_contact(fields, start, new_id(), new_id())
        for step in range(steps):
            at = reached if step == steps - 1 else start + timedelta(days=6 * (step + 1))
            if contact.stage.next is Stage.MET:
                at = at.replace(hour=14, minute=0, second=0, microsecond=0)
                at = min(at, now - timedelta(minutes=30))
            contact = contact.with_event(pipeline.advance(contact, now, new_id(), at=at))
        if name in _ARCHIVED:
            event = pipeline.archive(contact, _ARCHIVED[name], now, new_id())
            contact = contact.with_event(event)
        contacts.append(_with_meetings(contact, now, new_id))
    return contacts


def _agenda(count: int, asked: int = 0) -> tuple[AgendaItem, ...]:
    # Every seventh question walks through the categories, so the list is varied.
    picked = [BUILTIN_QUESTIONS[(i * 7) % len(BUILTIN_QUESTIONS)] for i in range(count - 1)]
    picked.append(next(q for q in BUILTIN_QUESTIONS if q.category.value == "network"))
    return tuple(
        AgendaItem(q.id, q.text, q.category.value, asked=i < asked) for i, q in enumerate(picked)
    )


def _with_meetings(contact: Contact, now: datetime, new_id: Callable[[], str]) -> Contact:
    """Meetings for a few demo people: one held with takeaways, two coming up."""
    today = now.replace(minute=0, second=0, microsecond=0)
    if contact.name == "Priya Raman" and contact.met_at is not None:
        held = Meeting(
            id=new_id(),
            scheduled_at=contact.met_at,
            format=MeetingFormat.COFFEE,
            place="Blue Bottle, Market St",
            goals="How product managers work with clinicians",
            agenda=_agenda(12, asked=10),
            takeaways=(
                "Shadowing a clinic day taught her more than any course",
                "Product teams there hire from support roles",
            ),
            promises=(
                Promise(new_id(), "Send her my case study", contact.met_at + timedelta(days=2)),
            ),
            referrals=("Daniel Kim, Quanta Cloud",),
            started_at=contact.met_at,
            held_at=contact.met_at,
        )
        return replace(contact, meetings=(held,))
    if contact.name == "Yara Haddad":
        soon = Meeting(
            id=new_id(),
            scheduled_at=(today + timedelta(days=2)).replace(hour=10),
            format=MeetingFormat.VIDEO,
            place="https://meet.example/yara",
            research="Produced the Oasis climate series; started in local radio.",
            goals="What a producer's week looks like",
            agenda=_agenda(11),
        )
        return replace(contact, meetings=(soon,))
    if contact.name == "Mei Chen":
        later_today = Meeting(
            id=new_id(),
            scheduled_at=max(today + timedelta(hours=3), now + timedelta(minutes=30)),
            format=MeetingFormat.PHONE,
            agenda=_agenda(10),
        )
        return replace(contact, meetings=(later_today,))
    return contact
