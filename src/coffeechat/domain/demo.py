"""Sample contacts for ``coffeechat --demo``: realistic, spread over every stage.

Built relative to ``now`` so the demo always has overdue thank-yous, fresh
requests and long-running follow-ups, whatever the date.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

from coffeechat.domain import pipeline
from coffeechat.domain.model import ArchiveReason, Contact
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
        contacts.append(contact)
    return contacts
