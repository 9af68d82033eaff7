"""vCard import/export and the iCalendar export.

The fixtures in tests/data/interchange/ are shaped like what Google Contacts,
Apple Contacts and Outlook really write (CRLF, folding, quoted-printable,
item groups, photos), plus a file of awkward cases.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from coffeechat.domain import pipeline
from coffeechat.domain.meetings import Meeting, MeetingFormat, Promise
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.rules import DueItem, DueKind, Section, Settings, Urgency, due_items
from coffeechat.domain.stages import Stage
from coffeechat.interchange.calendar import write_calendar
from coffeechat.interchange.errors import InterchangeError
from coffeechat.interchange.matching import Incoming, plan_import
from coffeechat.interchange.vcard import contact_uid, read_vcards, write_vcards

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def by_name(people: list[Incoming]) -> dict[str, Incoming]:
    return {person.fields["name"]: person for person in people}


def contact(number: int, name: str, **fields: str) -> Contact:
    return pipeline.new_contact({"name": name, **fields}, NOW, f"{number:032x}", f"ev{number}")


# --- reading --------------------------------------------------------------------------------


def test_google_export() -> None:
    people, errors = read_vcards(DATA / "vcard_google.vcf")
    assert errors == []
    assert [p.line for p in people] == [1, 17]
    priya = by_name(people)["Priya Raman"]
    assert dict(priya.fields) == {
        "name": "Priya Raman",
        "company": "Northwind Traders",
        "role": "Director of Data Science",
        "email": "priya.raman@northwind.example",
        "phone": "+1 415-555-0134",  # the cell, though the work number comes first
        "linkedin": "https://www.linkedin.com/in/priya-raman",  # Google's "https\:" unescaped
        "notes": "Met at the PyData meetup. Knows the hiring manager.",
        "source": "vCard",
    }
    assert priya.emails == ("priya.raman@northwind.example", "priya.r@gmail.example")
    assert by_name(people)["Tomás Ortega"].fields["company"] == "Fabrikam"  # ORG's first part


def test_apple_export_groups_social_profiles_and_a_broken_photo() -> None:
    path = DATA / "vcard_apple.vcf"
    # The photo in this card is cut short (not valid base64): vobject alone gives up on it.
    first_card = path.read_text(encoding="utf-8").split("END:VCARD")[0] + "END:VCARD\r\n"
    with pytest.raises(Exception, match="base64"):
        vobject.readOne(first_card)

    people, errors = read_vcards(path)
    assert errors == []
    ada, wei = by_name(people)["Ada Lovelace"], by_name(people)["Wei Chen"]
    assert ada.line == 1
    assert ada.fields["company"] == "Analytical Engines Ltd"
    assert ada.emails == ("ada@home.example", "ada@engines.example")  # type=pref first
    assert ada.fields["email"] == "ada@home.example"
    assert ada.fields["phone"] == "+44 7700 900123"  # item3 labelled "Mobile (UK)"
    assert ada.fields["linkedin"] == "https://www.linkedin.com/in/adalovelace"
    assert (
        ada.fields["notes"] == "Prefers mornings.\nAsk about the Difference Engine, and the notes."
    )
    assert wei.fields["phone"] == "+1 (206) 555-0199"
    assert wei.fields["linkedin"] == "https://www.linkedin.com/in/weichen"  # from x-user
    assert "email" not in wei.fields


def test_outlook_vcard_2_1_with_crlf_and_quoted_printable() -> None:
    path = DATA / "vcard_outlook.vcf"
    assert b"\r\n" in path.read_bytes()
    people, errors = read_vcards(path)
    assert errors == []
    chidi, renee = people
    assert (chidi.line, renee.line) == (1, 26)
    assert chidi.fields["notes"] == "Introduced by Ada.\nFollow up about the research grant."
    assert chidi.fields["phone"] == "+1 (425) 555-0177"  # TEL;CELL
    assert chidi.emails == ("chidi.okafor@contoso.example", "c.okafor@personal.example")
    assert chidi.fields["linkedin"] == "http://www.linkedin.com/in/chidi-okafor"
    assert chidi.fields["company"] == "Contoso Ltd."
    assert renee.fields["name"] == "Renée Fischer"
    assert renee.fields["company"] == "Müller & Söhne GmbH"


def test_vcard_4_pref_parameters_and_tel_uris() -> None:
    people, errors = read_vcards(DATA / "vcard_v4.vcf")
    assert errors == []
    [sofia] = people
    assert sofia.emails == ("sofia.marino@mail.example", "sofia@globex.example")  # PREF=1
    assert sofia.fields["phone"] == "+39-333-555-0123"  # TYPE="voice,cell" beats PREF=1 work
    assert sofia.fields["linkedin"] == "https://www.linkedin.com/in/sofia-marino/"
    assert (sofia.fields["company"], sofia.fields["role"]) == ("Globex", "VP Engineering")


def test_awkward_file_reports_bad_cards_and_imports_the_rest() -> None:
    path = DATA / "vcard_awkward.vcf"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    people, errors = read_vcards(path)
    zoe, kenji = people
    assert zoe.line == 1
    assert zoe.fields["name"] == "Zoë Adebayo-Kowalczyk 🌱"  # no BOM stuck to the first card
    assert zoe.fields["role"] == "Head of 🚀 Launches"
    assert zoe.fields["company"].endswith("Certainly Needs Folding Across Lines")
    assert zoe.fields["notes"] == (
        "This note is long enough that the exporter folded it across two physical lines,"
        " and it keeps going."
    )
    assert zoe.emails == ("zoe@first.example", "zoe@second.example")  # the repeat dropped
    assert kenji.fields["name"] == "Kenji Nakamura"  # no FN: made from N
    unreadable = "the card could not be read (line 21: Failed to parse line: {})"
    assert [(e.line, e.message) for e in errors] == [
        (15, "the card has no name (no FN or N)"),
        (18, unreadable.format("this line has no colon at all")),
        (23, "the card has no name (no FN or N)"),
    ]


def test_cards_without_end_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "cut.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Cut Short\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Whole Card\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Truncated\n",
        encoding="utf-8",
    )
    people, errors = read_vcards(path)
    assert [p.fields["name"] for p in people] == ["Whole Card"]
    assert [str(e) for e in errors] == [
        "line 1: the card has no END:VCARD before the next card (line 4)",
        "line 8: the file ends before this card's END:VCARD",
    ]


def test_bytes_that_are_not_utf8_reject_only_their_card(tmp_path: Path) -> None:
    path = tmp_path / "mixed.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Ren\xe9e Latin\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:3.0\nFN:Fine Person\nEND:VCARD\n"
    )
    people, errors = read_vcards(path)
    # The card is skipped where the byte is: line 3, byte 30 of the file.
    assert [(e.line, e.message.split(",")[0]) for e in errors] == [
        (3, "byte 30 (0xe9) is not UTF-8 text")
    ]
    plan = plan_import([], people)
    assert [added["name"] for added in plan.add] == ["Fine Person"]


@pytest.mark.parametrize("name", ["vcard_google.vcf", "vcard_apple.vcf", "vcard_outlook.vcf"])
def test_fixtures_plan_as_new_contacts(name: str) -> None:
    people, _ = read_vcards(DATA / name)
    plan = plan_import([], people)
    assert plan.errors == []
    assert len(plan.add) == len(people) == 2
    assert all(added["source"] == "vCard" for added in plan.add)


def test_a_file_without_cards_or_unreadable_is_one_clear_error(tmp_path: Path) -> None:
    csv = tmp_path / "contacts.csv"
    csv.write_text("First Name,Last Name\nAda,Lovelace\n", encoding="utf-8")
    with pytest.raises(InterchangeError, match=r"contacts\.csv holds no vCard"):
        read_vcards(csv)
    with pytest.raises(InterchangeError, match=r"Cannot read .*missing\.vcf"):
        read_vcards(tmp_path / "missing.vcf")


# --- writing --------------------------------------------------------------------------------


def people_to_export() -> list[Contact]:
    priya = contact(
        0xA1,
        "Priya Raman",
        company="Northwind; Traders, Inc.",
        role="Director, Data",
        email="priya@northwind.example",
        phone="+1 415-555-0134",
        linkedin="https://www.linkedin.com/in/priya-raman",
        notes="Private: knows the hiring manager.\nDon't share.",
    )
    cher = contact(0xB2, "Chér", role="🎤 Singer")
    return [priya, cher]


def written(contacts: list[Contact], **options: object) -> str:
    out = io.StringIO(newline="")
    write_vcards(contacts, out, **options)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_round_trip_keeps_every_exported_field(tmp_path: Path, version: str) -> None:
    contacts = people_to_export()
    text = written(contacts, version=version)
    path = tmp_path / "out.vcf"
    path.write_text(text, encoding="utf-8", newline="")

    people, errors = read_vcards(path)
    assert errors == []
    fields = ("name", "company", "role", "email", "phone", "linkedin")
    for original, back in zip(contacts, people, strict=True):
        assert {f: back.fields.get(f, "") for f in fields} == {
            f: getattr(original, f) for f in fields
        }
        assert "notes" not in back.fields

    cards = list(vobject.readComponents(text))
    assert [card.version.value for card in cards] == [version, version]
    assert cards[0].n.value.family == "Raman"
    assert cards[0].n.value.given == "Priya"
    assert cards[0].org.value == ["Northwind; Traders, Inc."]
    assert cards[1].n.value.given == "Chér"  # one name: a given name, no family name
    assert cards[1].n.value.family == ""
    assert cards[0].uid.value == f"urn:uuid:{uuid.UUID(int=0xA1)}"


def test_written_cards_use_crlf_and_fold_long_lines() -> None:
    long = contact(0xC3, "Ada Lovelace", role="Head of " + "very " * 30 + "long titles")
    text = written([long])
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert "\n" not in "".join(lines)
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)


def test_notes_stay_private_unless_asked_for(tmp_path: Path) -> None:
    contacts = people_to_export()
    assert "hiring manager" not in written(contacts)
    assert "NOTE" not in written(contacts)

    path = tmp_path / "with-notes.vcf"
    path.write_text(written(contacts, include_notes=True), encoding="utf-8", newline="")
    people, _ = read_vcards(path)
    assert people[0].fields["notes"] == "Private: knows the hiring manager.\nDon't share."


def test_archived_contacts_only_when_asked_for() -> None:
    active, gone = contact(1, "Still Here"), contact(2, "Long Gone")
    gone = gone.with_event(pipeline.archive(gone, ArchiveReason.NO_RESPONSE, NOW, "ev-a"))
    assert "Long Gone" not in written([active, gone])
    assert "Still Here" in written([active, gone])
    assert "Long Gone" in written([active, gone], include_archived=True)


def test_uids_are_stable_and_uuid_shaped() -> None:
    priya = people_to_export()[0]
    first = re.findall(r"UID:(.*)\r\n", written([priya]))
    assert first == re.findall(r"UID:(.*)\r\n", written([priya]))
    assert first == [f"urn:uuid:{uuid.UUID(hex=priya.id)}"]
    # Ids that are not uuid hex still get a stable, valid one.
    assert contact_uid("id0001") == contact_uid("id0001") != contact_uid("id0002")
    assert uuid.UUID(contact_uid("id0001").removeprefix("urn:uuid:"))


def test_unknown_vcard_version_is_refused() -> None:
    with pytest.raises(InterchangeError, match=r"2\.1"):
        write_vcards(people_to_export(), io.StringIO(), version="2.1")


# --- calendar -------------------------------------------------------------------------------

PLUS_ONE = timezone(timedelta(hours=1))


def with_meetings(c: Contact, *meetings: Meeting) -> Contact:
    return replace(c, meetings=meetings)


def calendar_people() -> list[Contact]:
    priya = with_meetings(
        contact(1, "Priya Raman", company="Northwind"),
        Meeting(
            id="m-coffee",
            scheduled_at=datetime(2026, 11, 24, 14, 0, tzinfo=PLUS_ONE),
            format=MeetingFormat.COFFEE,
            minutes=45,
            place="Blue Bottle, 66 Mint St",
            research="SECRET-RESEARCH: her team lost funding",
            goals="Ask how she moved into data science",
            notes="SECRET-NOTES: said the manager is difficult",
            promises=(Promise("p1", "send the deck", NOW + timedelta(days=2)),),
        ),
        Meeting(id="m-someday"),  # never scheduled: not in a calendar
    )
    ada = with_meetings(
        contact(2, "Ada Lovelace"),
        Meeting(
            id="m-held",
            scheduled_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC),
            format=MeetingFormat.PHONE,
            held_at=datetime(2026, 11, 10, 9, 20, tzinfo=UTC),
        ),
    )
    gone = contact(3, "Long Gone")
    gone = with_meetings(
        gone.with_event(pipeline.archive(gone, ArchiveReason.OTHER, NOW, "ev-a")),
        Meeting(id="m-archived", scheduled_at=NOW + timedelta(days=1)),
    )
    return [priya, ada, gone]


def item(kind: DueKind, ref: str, due_at: datetime, detail: str = "") -> DueItem:
    return DueItem(
        contact_id=f"{1:032x}",
        name="Priya Raman",
        company="Northwind",
        kind=kind,
        due_at=due_at,
        since=due_at,
        urgency=Urgency.DUE,
        section=Section.UPCOMING,
        ref=ref,
        detail=detail,
    )


def calendar_items() -> list[DueItem]:
    return [
        item(DueKind.THANK_YOU, "2026-11-21", datetime(2026, 11, 22, 15, 0, tzinfo=PLUS_ONE)),
        item(DueKind.PROMISE, "p1", NOW + timedelta(days=2), "send the deck"),
        item(DueKind.FOLLOW_UP, "2026-11-25", NOW + timedelta(days=3), "every 3 months"),
        item(DueKind.NUDGE, "2026-11-15-first-nudge", NOW, "first nudge"),
        item(DueKind.MEETING, "m-coffee", datetime(2026, 11, 24, 14, 0, tzinfo=PLUS_ONE)),
    ]


def exported(now: datetime = NOW, items: list[DueItem] | None = None) -> bytes:
    out = io.BytesIO()
    write_calendar(calendar_people(), calendar_items() if items is None else items, now, out)
    return out.getvalue()


def test_calendar_events_for_scheduled_meetings() -> None:
    calendar = Calendar.from_ical(exported())
    assert str(calendar["prodid"]) == "-//coffeechat//EN"
    assert str(calendar["version"]) == "2.0"
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == ["meeting-m-coffee@coffeechat", "meeting-m-held@coffeechat"]

    coffee = events["meeting-m-coffee@coffeechat"]
    assert str(coffee["summary"]) == "Coffee with Priya Raman (Northwind)"
    assert coffee.decoded("dtstart") == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert coffee.decoded("dtend") - coffee.decoded("dtstart") == timedelta(minutes=45)
    assert str(coffee["location"]) == "Blue Bottle, 66 Mint St"
    assert str(coffee["description"]) == "Ask how she moved into data science"
    assert coffee.decoded("dtstamp") == NOW

    held = events["meeting-m-held@coffeechat"]
    assert str(held["summary"]) == "Call with Ada Lovelace"  # no company, no brackets
    assert held.decoded("dtend") == datetime(2026, 11, 10, 9, 15, tzinfo=UTC)
    assert "description" not in held
    assert "location" not in held


def test_calendar_never_leaks_notes_or_research() -> None:
    data = exported()
    assert b"SECRET" not in data
    assert b"Long Gone" not in data  # archived: nothing of theirs


def test_calendar_todos_for_due_items() -> None:
    calendar = Calendar.from_ical(exported())
    todos = {str(t["uid"]): t for t in calendar.walk("VTODO")}
    prefix = f"{1:032x}"
    assert {uid: str(t["summary"]) for uid, t in todos.items()} == {
        f"{prefix}-thank-you@coffeechat": "Thank-you to Priya Raman",
        f"{prefix}-promise-p1@coffeechat": "Promise: send the deck (Priya Raman)",
        f"{prefix}-follow-up@coffeechat": "Follow up with Priya Raman",
        f"{prefix}-nudge@coffeechat": "Nudge Priya Raman",
    }  # the meeting item is not a to-do: it is already an event
    thank_you = todos[f"{prefix}-thank-you@coffeechat"]
    assert thank_you.decoded("due") == datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert thank_you["due"].to_ical() == b"20261122T140000Z"
    assert all(str(t["status"]) == "NEEDS-ACTION" for t in todos.values())
    assert str(todos[f"{prefix}-nudge@coffeechat"]["description"]) == ("first nudge")


def test_unknown_due_kinds_get_a_generic_summary() -> None:
    class FutureKind(StrEnum):
        CALL_BACK = "call-back"

    odd = replace(item(DueKind.NUDGE, "x", NOW), kind=FutureKind.CALL_BACK)  # type: ignore[arg-type]
    [todo] = Calendar.from_ical(exported(items=[odd])).walk("VTODO")
    assert str(todo["summary"]) == "call-back — Priya Raman"
    assert str(todo["uid"]) == f"{1:032x}-call-back-x@coffeechat"


@pytest.mark.parametrize(
    ("meeting_format", "title"),
    [
        (MeetingFormat.COFFEE, "Coffee with"),
        (MeetingFormat.LUNCH, "Lunch with"),
        (MeetingFormat.PHONE, "Call with"),
        (MeetingFormat.VIDEO, "Video call with"),
        (MeetingFormat.IN_PERSON, "Meeting with"),
    ],
)
def test_event_titles_follow_the_meeting_format(meeting_format: MeetingFormat, title: str) -> None:
    person = with_meetings(
        contact(9, "Wei Chen", company="Globex"),
        Meeting(id="m", scheduled_at=NOW, format=meeting_format),
    )
    out = io.BytesIO()
    write_calendar([person], [], NOW, out)
    [event] = Calendar.from_ical(out.getvalue()).walk("VEVENT")
    assert str(event["summary"]) == f"{title} Wei Chen (Globex)"


def test_uids_are_stable_across_exports_only_dtstamp_moves() -> None:
    first, second = exported(NOW), exported(NOW + timedelta(days=3, hours=5))
    assert first != second

    def uids(data: bytes) -> list[str]:
        return [str(c["uid"]) for c in Calendar.from_ical(data).walk() if "uid" in c]

    assert uids(first) == uids(second)
    assert len(uids(first)) == 6

    def without_stamps(data: bytes) -> bytes:
        return re.sub(rb"DTSTAMP:[0-9TZ]+\r\n", b"", data)

    assert without_stamps(first) == without_stamps(second)


def test_calendar_from_the_real_due_list() -> None:
    met = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)
    person = pipeline.new_contact({"name": "Tomás Ortega"}, met - timedelta(days=9), "c5", "e1")
    for step, stage_at in enumerate((met - timedelta(days=8), met)):  # requested, then met
        person = person.with_event(pipeline.advance(person, NOW, f"adv{step}", at=stage_at))
    assert person.stage is Stage.MET
    items = due_items([person], NOW, Settings())
    out = io.BytesIO()
    write_calendar([person], items, NOW, out)
    [todo] = Calendar.from_ical(out.getvalue()).walk("VTODO")
    assert str(todo["summary"]) == "Thank-you to Tomás Ortega"
    assert todo.decoded("due") == met + timedelta(hours=24)


def test_a_superscript_pref_is_read_as_no_preference_not_a_crash(tmp_path: Path) -> None:
    """'²'.isdigit() is true but int('²') fails: an untrusted PREF must not crash the import."""
    card = tmp_path / "odd.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Lovelace\r\n"
        "EMAIL;PREF=²:ada@example.com\r\nEMAIL;PREF=1:lovelace@example.com\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    [ada], errors = read_vcards(card)
    assert errors == []
    assert ada.emails == ("lovelace@example.com", "ada@example.com")
