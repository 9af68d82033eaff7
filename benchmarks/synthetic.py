"""Realistic synthetic databases for the benchmarks, built through coffeechat's own domain.

What a year or two of real use looks like: 3.7 events per contact on
average; one contact in five has had a meeting, held and typed up (10–15
questions with answers, notes, takeaways, promises, referrals), and the
people it referred are contacts linked to it; names, companies, roles,
e-mails and notes vary.  About 3.3 KB per contact on disk: 33 MB at 10,000
contacts, 330 MB at 100,000.

Every contact is made by the domain's own moves (``pipeline.new_contact``,
``advance``, ``schedule``, ``hold``, ``follow_up``…) and written with
``contact_to_record`` and the storage's ``serialise``, so the file is exactly
what the app writes and opens without migration.  Which coffeechat is used
is whichever ``coffeechat`` is importable: ``run.py --src`` picks the tree.

Generation is seeded, and files are cached by size, seed, generator version
and a hash of the code that shapes the file (``cached_database``).
"""

from __future__ import annotations

import hashlib
import os
import random
import tempfile
import uuid
from collections import deque
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from coffeechat.domain import pipeline
from coffeechat.domain.meetings import AgendaItem, Meeting, MeetingFormat, Promise
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.questions import BUILTIN_QUESTIONS
from coffeechat.domain.records import contact_to_record

GENERATOR_VERSION = 3
SEED = 12
#: The moment the data ends at, and the app's clock (COFFEECHAT_NOW with TZ=UTC).
NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
NOW_TEXT = "2026-11-22 10:00"

# -- word pools --------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    """Priya Marcus Elena Tomás Hannah Kenji Aisha Liam Sofia Daniel Grace Noah Yara Owen
Mei Rafael Isabel Ahmed Chloe Viktor Nadia Ben Laura Samuel Fatima Jonas Ruth Peter Zoe Arjun
Amara Lucas Ingrid Mateo Leila Oliver Svetlana Diego Hana Felix Ananya Theo Camila Dmitri
Eleanor Kwame Beatriz Henrik Naomi Ravi Clara Emeka Julia Sebastián Ayumi Patrick Lucía Omar
Freya Jin Maya Tobias Zainab Gabriel Ines Kofi Astrid Pablo Yusuf Charlotte Wei Anika Malik
Rosa Callum Sakura Hugo Nia Stefan Alicia Tariq Elif Joaquín Maren Samir Olivia Luca Farah
Connor Esther Andrés Keiko Miriam Idris Signe Ethan Adaeze Marta Rohan Vera Thabo Lena Arash
Paloma Erik Chiara Bilal Harper Nikolai Ama Jasper Noor Valentina Isaac Lina Mateus Ada"""
)
LAST = _words(
    """Raman Oyelaran Petrova Herrera Schultz Watanabe Bello O'Connor Rossi Kim Mbeki Fischer
Haddad Price Chen Souza Duarte Farouk Martin Novak Karim Adeyemi Jensen Whitfield Zahra Berg
Abebe Lindqvist Campbell Mehta Okafor Moreau Nakamura Sørensen García Kowalski Hassan Ivanova
Müller Tanaka Osei Fernández Larsen Singh Dubois Yilmaz Almeida Park Nguyen Andersson Mensah
Romero Kaur Lefebvre Ito Costa Schmidt Achebe Castillo Bianchi Morales Gupta Lindgren Asante
Vargas Horvat Cohen Sato Ortiz Hughes Reyes Nilsen Patel Delgado Kruger Sánchez Byrne Rahman
Walsh Ferreira Suzuki Mwangi Ali Gallagher Nieminen Bakker Torres Eriksson Kovač Diallo Shah
Murphy Vasquez Brennan Okonkwo Hoffmann Lopes Marsh Yamamoto Quinn Santos Wagner Idowu Ahmadi
Novotný Jovanović Bergström Li Wong Baptiste Kapoor Dimitrov Laine Ramos Carter Hale"""
)
COMPANY_HEADS = _words(
    """Northwind Fjord Bluebird Cobalt Meridian Lumen GreenLoop Quanta Civic Oasis
Keystone Tessellate Verde Helix Harbor Atelier Brightpath Pulse Sandstone Paperkite Ironclad
Skyline Nordic Orbit Crescent Fieldnote Kindred Arctic Inkwell Stackline Juniper Redwood
Silverline Beacon Mosaic Granite Tidewater Aurora Summit Evergreen Copperleaf Lighthouse
Riverbend Blue Harbor Falcon Prairie Solstice Westbrook"""
)
COMPANY_TAILS = _words(
    """Health Analytics Labs Energy Bank Robotics Cloud Data Media Legal AI Foods Bio
Freight Schools Fitness Capital Press Security Architects Wind Games Hospital Logistics Agency
Partners Systems Insurance Studios Consulting Pharma Mobility Foundation Retail Networks
Ventures Learning Software"""
)
SENIORITY = ("", "", "", "Senior ", "Lead ", "Principal ", "Junior ", "Staff ", "Head of ")
FUNCTIONS = """Product Manager|Data Scientist|UX Researcher|Software Engineer|Financial Analyst|
Product Designer|Engineering Manager|Marketing Manager|Consultant|Recruiter|Policy Analyst|
Operations Manager|Account Executive|Site Reliability Engineer|Nurse Educator|Program Director|
Content Strategist|Supply Chain Analyst|Research Scientist|Brand Manager|Solutions Architect|
Customer Success Manager|Editor|Business Analyst|Data Engineer|Controller|Economist""".replace(
    "\n", ""
).split("|")
SOURCES = ("LinkedIn", "Alumni list", "Friend", "Conference", "Meetup", "Article", "Podcast")
NOTE_SENTENCES = (
    "Switched careers from teaching five years ago and is happy to talk about the jump.",
    "Her team hires two or three juniors every spring; the posting usually goes up in March.",
    "Prefers a short call before 9am or a coffee near the office on Fridays.",
    "Spoke at the regional data meetup about forecasting demand with messy sales records.",
    "We were in the same graduate cohort; she remembered the capstone project.",
    "Wrote a long post on moving from agencies to in-house work; worth rereading before we talk.",
    "Mentioned the company is opening an office in Rotterdam next year.",
    "Very responsive on LinkedIn, slow on e-mail; mention the alumni newsletter.",
    "Volunteers as a mentor for the women-in-tech programme at the university.",
    "Recommended two books on negotiation and one on writing clearly.",
    "Her manager used to work with my former professor; a warm introduction might help.",
    "Runs the hiring for the analytics guild; knows every team lead by name.",
    "Moved from Lagos to Berlin in 2021 and leads a distributed team across three time zones.",
    "Knows the VP of engineering well and offered to pass my name on if there is an opening.",
    "Asked me to send a short summary of what I am looking for before we meet.",
)
RESEARCH = (
    "Joined {company} four years ago from a consultancy; promoted twice since. Led the "
    "rebuild of the customer onboarding flow, which cut drop-off by a third according to "
    "the company's engineering blog. Studied economics, then a part-time master's in data "
    "science while working. Posts on LinkedIn about mentoring and hiring for potential."
)
GOALS = (
    "Understand how the {role} role really splits its week, what the hiring bar is for "
    "someone switching fields, and who else at {company} I should talk to."
)
ANSWER_OPENERS = (
    "She said",
    "He explained that",
    "They mentioned",
    "Short answer:",
    "Interesting:",
    "In their experience,",
    "Their view is that",
)
ANSWER_CLAUSES = (
    "most of the week goes to discovery interviews and writing specs with engineers",
    "the first two years were mostly support tickets, which taught them the product",
    "hiring managers care more about a portfolio of small shipped things than certificates",
    "the team moved to a four-day in-office week last spring and nobody loves it",
    "the industry is consolidating, so the mid-sized firms are where the interesting work is",
    "a bootcamp helped, but the real learning came from the first on-call rotation",
    "they would start with SQL and a solid statistics course before any machine learning",
    "referrals account for about half of all hires, job ads for the rest",
    "the interview loop is four rounds including a take-home case of about three hours",
    "newcomers underestimate how much writing the job involves",
    "decisions get made in a weekly review with the director and two senior leads",
    "the budget cycle drives everything from September to December",
    "I should talk to someone on the platform team, and to a former colleague now at a startup",
    "the hardest problem was migrating a ten-year-old billing system without downtime",
)
NOTE_LINES = (
    "Warm, generous with time; ran ten minutes over and offered a second chat.",
    "Their team is growing: two openings in Q1, one of them junior.",
    "Recommended the book Working Backwards and the newsletter Lenny's.",
    "Said my teaching background is an asset for stakeholder work.",
    "Suggested I tighten the CV to one page and lead with the data project.",
    "Asked about my timeline; I said within the next six months.",
    "Mentioned a community Slack for people moving into the field.",
    "Follow up in about three months with what I have done since.",
)
TAKEAWAYS = (
    "Portfolio beats certificates for career changers",
    "Learn SQL properly before anything else",
    "Referrals are half of hiring here: keep meeting people",
    "The spring graduate intake is the easiest way in",
    "Write one short case study of the data project",
    "Budget season is the wrong time to apply; aim for January",
    "Join the analytics guild meetups; the hiring managers go",
)
PROMISES = (
    "Send her my case study",
    "Share the draft CV for comments",
    "She sends the job description for the Q1 opening",
    "Introduce me to the platform team lead",
    "Send the article on demand forecasting",
    "Forward the meetup invitation",
)
PLACES = (
    "https://meet.example/{slug}",
    "Blue Bottle, Market St",
    "Café Central, 2nd floor",
    "their office, reception on the 4th floor",
    "https://zoom.example/j/{digits}",
)
EDITED_ROLES = ("Director of Product", "Group Product Manager", "Engineering Director")


@dataclass
class Summary:
    """What the generator made, for the table's heading."""

    contacts: int = 0
    events: int = 0
    held_meetings: int = 0
    referred: int = 0
    bytes: int = 0

    def line(self) -> str:
        """One line of facts about the data."""
        held = self.held_meetings / max(self.contacts, 1)
        return (
            f"{self.events / max(self.contacts, 1):.1f} events per contact, "
            f"{held:.0%} with a held meeting, {self.referred:,} referred by another contact, "
            f"{self.bytes / max(self.contacts, 1) / 1000:.1f} KB per contact"
        )


class _Ids:
    """Seeded ids, the app's shape (32 hex digits)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return uuid.UUID(int=self._rng.getrandbits(128)).hex


def synthetic_contacts(count: int, now: datetime = NOW, seed: int = SEED) -> list[Contact]:
    """``count`` contacts with plausible histories, every stage, meetings and referrals."""
    rng = random.Random(seed)
    new_id = _Ids(rng)
    contacts: list[Contact] = []
    # People named as referrals in a held meeting, waiting to be added: (name, company, referrer).
    referrals: deque[tuple[str, str, Contact, datetime]] = deque()
    latest = now - timedelta(hours=1)
    while len(contacts) < count:
        referrer: Contact | None = None
        if referrals and rng.random() < 0.8:
            name, company, referrer, start = referrals.popleft()
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            company = f"{rng.choice(COMPANY_HEADS)} {rng.choice(COMPANY_TAILS)}"
            start = now - timedelta(days=rng.uniform(0.5, 730), minutes=rng.randint(0, 600))
        role = rng.choice(SENIORITY) + rng.choice(FUNCTIONS)
        first, last = name.split(" ", 1)
        domain = company.split()[0].lower() + company.split()[-1].lower()
        fields = {
            "name": name,
            "company": company,
            "role": role.strip(),
            "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}@{domain}.example",
            "phone": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            if rng.random() < 0.3
            else "",
            "linkedin": f"https://www.linkedin.com/in/{first.lower()}-{rng.randint(10, 9999)}"
            if rng.random() < 0.6
            else "",
            "source": "Referral" if referrer else rng.choice(SOURCES),
            "referred_by": referrer.name if referrer else "",
            "notes": " ".join(rng.sample(NOTE_SENTENCES, rng.choice((0, 1, 1, 2, 2, 3)))),
        }
        contact = pipeline.new_contact(fields, start, new_id(), new_id())
        if referrer is not None:
            contact = replace(contact, referrer_id=referrer.id)
        contact = _story(contact, rng, new_id, latest, referrals)
        contacts.append(contact)
    return contacts


def _story(
    contact: Contact,
    rng: random.Random,
    new_id: _Ids,
    latest: datetime,
    referrals: deque[tuple[str, str, Contact, datetime]],
) -> Contact:
    """Move ``contact`` along as a person using the app would, stopping at ``latest``."""
    at = contact.created_at

    def later(days: float) -> datetime | None:
        nonlocal at
        step = at + timedelta(days=rng.uniform(0.2, days), minutes=rng.randint(1, 300))
        if step > latest:
            return None
        at = step
        return at

    def add(event: Any) -> None:
        nonlocal contact
        contact = contact.with_event(event)

    if rng.random() < 0.08 and (when := later(60)):  # a field corrected later
        edited = pipeline.edit(contact, {"role": rng.choice(EDITED_ROLES)}, when, new_id())
        if edited is not None:
            add(edited)
    roll = rng.random()
    if roll < 0.22:  # still only identified
        return _maybe_archived(contact, rng, new_id, later)
    if (when := later(20)) is None:
        return contact
    add(pipeline.message_sent(contact, "request", when, when, new_id()))
    if roll < 0.5:  # requested; nudged once or twice, perhaps given up on
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            if when := later(10):
                add(pipeline.follow_up(contact, when, "email", "Gentle nudge.", when, new_id()))
        return _maybe_archived(contact, rng, new_id, later)
    if roll < 0.795:  # met without a meeting typed up, then thanked and followed up
        if (when := later(14)) is None:
            return contact
        add(pipeline.advance(contact, when, new_id(), at=when))
        return _after_meeting(contact, rng, new_id, later)
    # A meeting scheduled, prepared, held and typed up: one contact in five.
    if (when := later(7)) is None:
        return contact
    meeting_at = when + timedelta(days=rng.uniform(1, 10))
    if meeting_at > latest:
        return contact
    fields = {
        "scheduled_at": meeting_at,
        "format": rng.choice(list(MeetingFormat)),
        "minutes": rng.choice((15, 20, 30, 30, 45)),
        "place": rng.choice(PLACES).format(
            slug=contact.id[:8], digits=rng.randint(10**9, 10**10 - 1)
        ),
        "research": RESEARCH.format(company=contact.company),
        "goals": GOALS.format(role=contact.role, company=contact.company),
    }
    event = pipeline.schedule(contact, None, fields, when, new_id)
    assert event is not None
    add(event)
    meeting = contact.meetings[-1]
    typed = _typed_up(meeting, meeting_at, rng, new_id)
    contact = replace(contact, meetings=(*contact.meetings[:-1], typed))
    at = meeting_at
    for event in pipeline.hold(contact, meeting.id, meeting_at, meeting_at, new_id):
        add(event)
    for line in typed.referrals:
        name, _, company = line.partition(", ")
        referrals.append((name, company, contact, meeting_at + timedelta(hours=1)))
    for promise in typed.promises:
        if rng.random() < 0.3 and (when := later(5)):
            add(pipeline.promise_done(contact, promise.id, True, when, new_id()))
    return _after_meeting(contact, rng, new_id, later)


def _after_meeting(contact: Contact, rng: random.Random, new_id: _Ids, later: Any) -> Contact:
    """Thanked (mostly), then followed up every few months."""
    if rng.random() < 0.15 or (when := later(2)) is None:
        return contact
    contact = contact.with_event(pipeline.message_sent(contact, "thank-you", when, when, new_id()))
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        if (when := later(100)) is None:
            break
        event = pipeline.follow_up(contact, when, rng.choice(pipeline.CHANNELS), "", when, new_id())
        contact = contact.with_event(event)
    return contact


def _maybe_archived(contact: Contact, rng: random.Random, new_id: _Ids, later: Any) -> Contact:
    if rng.random() < 0.15 and (when := later(30)):
        reason = rng.choice((ArchiveReason.NO_RESPONSE, ArchiveReason.NOT_A_FIT))
        return contact.with_event(pipeline.archive(contact, reason, when, new_id()))
    return contact


def _typed_up(meeting: Meeting, held_at: datetime, rng: random.Random, new_id: _Ids) -> Meeting:
    """What a person types into meeting mode: questions answered, notes, lists."""
    questions = rng.sample(BUILTIN_QUESTIONS, rng.randint(10, 15))
    agenda = tuple(
        AgendaItem(
            q.id,
            q.text,
            q.category.value,
            asked=(asked := rng.random() < 0.8),
            answer=" ".join(
                f"{rng.choice(ANSWER_OPENERS)} {rng.choice(ANSWER_CLAUSES)}."
                for _ in range(rng.randint(1, 2))
            )
            if asked
            else "",
        )
        for q in questions
    )
    promises = tuple(
        Promise(new_id(), text, held_at + timedelta(days=rng.randint(1, 7)))
        for text in rng.sample(PROMISES, rng.randint(0, 3))
    )
    referrals = tuple(
        f"{rng.choice(FIRST)} {rng.choice(LAST)}, "
        f"{rng.choice(COMPANY_HEADS)} {rng.choice(COMPANY_TAILS)}"
        for _ in range(rng.choice((0, 1, 1, 2)))
    )
    return replace(
        meeting,
        agenda=agenda,
        notes="\n".join(rng.sample(NOTE_LINES, rng.randint(3, 6))),
        takeaways=tuple(rng.sample(TAKEAWAYS, rng.randint(2, 4))),
        promises=promises,
        referrals=referrals,
        started_at=held_at - timedelta(minutes=rng.randint(2, 15)),
    )


# -- writing -----------------------------------------------------------------------------


def _serialise() -> Any:
    """The storage's own serialiser when this coffeechat has one, else its documented options."""
    try:
        from coffeechat.storage.atomic import serialise
    except ImportError:
        options = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
        return lambda data: orjson.dumps(data, option=options)
    return serialise


def _schema_version() -> int:
    """The schema this coffeechat writes (wherever its storage keeps the number)."""
    import importlib
    import pkgutil

    import coffeechat.storage as storage

    names = ["repository"] + [m.name for m in pkgutil.iter_modules(storage.__path__)]
    for name in dict.fromkeys(names):
        try:
            module = importlib.import_module(f"coffeechat.storage.{name}")
        except ImportError:
            continue
        if isinstance(version := getattr(module, "SCHEMA_VERSION", None), int):
            return version
    raise SystemExit("no SCHEMA_VERSION in coffeechat.storage: teach benchmarks/synthetic.py")


def _settings() -> dict[str, Any]:
    from coffeechat.domain.settings import Settings

    return asdict(Settings())


def write_database(path: Path, count: int, now: datetime = NOW, seed: int = SEED) -> Summary:
    """Write a coffeechat database of ``count`` contacts at ``path``; what it holds."""
    contacts = synthetic_contacts(count, now, seed)
    records = {str(i): contact_to_record(c) for i, c in enumerate(contacts, 1)}
    meta = {"schema": _schema_version(), "settings": _settings()}
    payload = _serialise()({"contacts": records, "meta": {"1": meta}})
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_bytes(payload)
    part.chmod(0o600)
    os.replace(part, path)
    return Summary(
        contacts=len(contacts),
        events=sum(len(c.events) for c in contacts),
        held_meetings=sum(any(m.held for m in c.meetings) for c in contacts),
        referred=sum(bool(c.referrer_id) for c in contacts),
        bytes=len(payload),
    )


def _code_stamp() -> str:
    """A hash of the code that decides the file's bytes, so a changed format regenerates."""
    import coffeechat.domain.records as records

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(records.__file__).read_bytes())
    digest.update(str(_schema_version()).encode())
    return digest.hexdigest()[:10]


def cache_folder() -> Path:
    """Where generated databases are kept between runs ($COFFEECHAT_BENCH_CACHE to move it)."""
    chosen = os.environ.get("COFFEECHAT_BENCH_CACHE")
    return Path(chosen) if chosen else Path(tempfile.gettempdir()) / "coffeechat-bench-cache"


def cached_database(count: int, seed: int = SEED) -> tuple[Path, Summary]:
    """The database of ``count`` contacts, generated once per size, seed and code stamp."""
    folder = cache_folder()
    stem = f"contacts-{count}-seed{seed}-v{GENERATOR_VERSION}-{_code_stamp()}"
    path, facts = folder / f"{stem}.json", folder / f"{stem}.summary.json"
    if path.exists() and facts.exists():
        return path, Summary(**orjson.loads(facts.read_bytes()))
    summary = write_database(path, count, NOW, seed)
    facts.write_bytes(orjson.dumps(asdict(summary)))
    return path, summary
