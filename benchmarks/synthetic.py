"""Realistic synthetic databases for the benchmarks: names, companies, 1–6 events, notes."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from coffeechat.domain import pipeline
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.records import contact_to_record
from coffeechat.storage.atomic import serialise
from coffeechat.storage.repository import SCHEMA_VERSION

FIRST = (
    "Priya",
    "Marcus",
    "Elena",
    "Tomás",
    "Hannah",
    "Kenji",
    "Aisha",
    "Liam",
    "Sofia",
    "Daniel",
    "Grace",
    "Noah",
    "Yara",
    "Owen",
    "Mei",
    "Rafael",
    "Isabel",
    "Ahmed",
    "Chloe",
    "Viktor",
    "Nadia",
    "Ben",
    "Laura",
    "Samuel",
    "Fatima",
    "Jonas",
    "Ruth",
    "Peter",
    "Zoe",
    "Arjun",
)
LAST = (
    "Raman",
    "Oyelaran",
    "Petrova",
    "Herrera",
    "Schultz",
    "Watanabe",
    "Bello",
    "O'Connor",
    "Rossi",
    "Kim",
    "Mbeki",
    "Fischer",
    "Haddad",
    "Price",
    "Chen",
    "Souza",
    "Duarte",
    "Farouk",
    "Martin",
    "Novak",
    "Karim",
    "Adeyemi",
    "Jensen",
    "Whitfield",
    "Zahra",
    "Berg",
    "Abebe",
    "Lindqvist",
    "Campbell",
    "Mehta",
)
COMPANIES = (
    "Northwind Health",
    "Fjord Analytics",
    "Bluebird Labs",
    "Cobalt Energy",
    "Meridian Bank",
    "Lumen Robotics",
    "GreenLoop",
    "Quanta Cloud",
    "Civic Data Trust",
    "Oasis Media",
    "Keystone Legal",
    "Tessellate AI",
    "Verde Foods",
    "Helix Bio",
)
ROLES = (
    "Product Manager",
    "Data Scientist",
    "UX Researcher",
    "Engineer",
    "Analyst",
    "Designer",
    "Director",
    "Founder",
    "Consultant",
    "Recruiter",
)
WORDS = (
    "met",
    "at",
    "the",
    "alumni",
    "mixer;",
    "hiring",
    "next",
    "spring;",
    "prefers",
    "mornings;",
    "ask",
    "about",
    "the",
    "transition",
    "from",
    "teaching;",
    "recommended",
    "two",
    "books;",
    "follow",
    "up",
    "about",
    "the",
    "data",
    "team;",
    "mentioned",
    "a",
    "mentorship",
    "programme;",
    "knows",
    "the",
    "VP",
    "of",
    "engineering",
)


def synthetic_contacts(count: int, now: datetime, seed: int = 7) -> list[Contact]:
    """``count`` contacts with 1–6 events each, spread over every stage."""
    rng = random.Random(seed)
    contacts = []
    for _ in range(count):
        start = now - timedelta(days=rng.uniform(1, 720))
        company = rng.choice(COMPANIES)
        fields = {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "company": company,
            "role": rng.choice(ROLES),
            "email": f"{uuid.UUID(int=rng.getrandbits(128)).hex[:10]}@example.com",
            "source": rng.choice(("LinkedIn", "Friend", "Alumni list", "Article")),
            "notes": " ".join(rng.choices(WORDS, k=rng.randint(20, 60))),
        }
        contact = pipeline.new_contact(fields, start, _id(rng), _id(rng))
        for _ in range(rng.randint(0, 5)):
            at = contact.events[-1].at + timedelta(hours=rng.uniform(1, 24 * 20))
            if at >= now:
                break
            contact = contact.with_event(pipeline.advance(contact, now, _id(rng), at=at))
        if rng.random() < 0.05:
            event = pipeline.archive(contact, ArchiveReason.NO_RESPONSE, now, _id(rng))
            contact = contact.with_event(event)
        contacts.append(contact)
    return contacts


def _id(rng: random.Random) -> str:
    return uuid.UUID(int=rng.getrandbits(128)).hex


def write_database(path: Path, count: int, now: datetime) -> Path:
    """Write a coffeechat database of ``count`` contacts at ``path``."""
    records = {
        str(i): contact_to_record(c) for i, c in enumerate(synthetic_contacts(count, now), 1)
    }
    data = {"contacts": records, "meta": {"1": {"schema": SCHEMA_VERSION}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(serialise(data))
    path.chmod(0o600)
    return path
