"""Hostile text through every way in and every way out (issue 10, items 16 and 17).

ESC sequences, BEL, NUL, C1 controls, bidi overrides and odd line breaks are
put in every field of every import format, and straight into the database
file (a synced or hand-edited copy).  Whatever comes out — the database as
read back, every export format, and the CLI's ``list`` and ``due`` — carries
none of them raw.  The CLI's own output escaping is another layer; this test
shows the text is clean before it gets there.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.cli import main
from coffeechat.domain.model import CONTACT_FIELDS, Contact
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.transfer import EXPORT_FORMATS, export_bytes, import_file

NOW_TEXT = "2026-11-22T10:00:00+00:00"
NOW = datetime.fromisoformat(NOW_TEXT)

# Each is something a terminal or a reader could be fooled by.
HOSTILE = (
    "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window title (ESC … BEL)
    "\x00\x08\x7f"  # NUL, backspace, DEL
    "\x9b31m\x85"  # C1 CSI, NEL
    "\u202e\u2066\u2069"  # bidi override and isolates
    "\x1c\x1f\u2028\u2029\r"  # separators, Unicode line breaks, a lone CR
)
#: Never raw in any output: every control character but tab and newline, DEL,
#: C1, the bidi overrides and isolates, and the Unicode line breaks.
RAW = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
)
# What each field gets: a usable value with the hostile text inside.
VALUES = {
    "name": f"Ada{HOSTILE}Lovelace",
    "company": f"Engines{HOSTILE}Ltd",
    "role": f"Engineer{HOSTILE}",
    "email": "ada@example.com",  # checked fields stay valid: hostile text there is refused
    "phone": f"+44{HOSTILE}20",
    "linkedin": "https://www.linkedin.com/in/ada",
    "source": f"friend{HOSTILE}",
    "referred_by": f"Grace{HOSTILE}",
    "connected_on": "2026-11-20",
    "cadence": "3",
    "notes": f"line one{HOSTILE}\nline two{HOSTILE}",
}


def raw_in(text: str) -> list[str]:
    """The hostile characters found in ``text``, for a readable failure."""
    return sorted({repr(c) for c in text if c in RAW})


def strings(value: object) -> list[str]:
    """Every string inside a parsed JSON value (JSON escapes controls as \\u001b)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return []


def assert_clean_outputs(outputs: dict[str, str]) -> None:
    for source_name, text in outputs.items():
        assert not raw_in(text), (source_name, raw_in(text))
        if source_name == "json" or source_name.endswith("--json"):
            for value in strings(json.loads(text)):
                assert not raw_in(value), (source_name, value)


def assert_clean_contact(contact: Contact) -> None:
    for name in CONTACT_FIELDS:
        assert not raw_in(getattr(contact, name)), (name, getattr(contact, name))
    for meeting in contact.meetings:
        for text in (meeting.place, meeting.goals, meeting.notes, *meeting.takeaways):
            assert not raw_in(text), text
    for event in contact.events:
        for text in vars(event.data).values() if hasattr(event.data, "__dict__") else ():
            assert not (isinstance(text, str) and raw_in(text)), text


def csv_file(path: Path) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CONTACT_FIELDS)
    writer.writerow([VALUES[name] for name in CONTACT_FIELDS])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def linkedin_file(path: Path) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["First Name", "Last Name", "URL", "Email Address", "Company", "Position"])
    writer.writerow(
        [
            f"Ada{HOSTILE}",
            f"Lovelace{HOSTILE}",
            VALUES["linkedin"],
            VALUES["email"],
            VALUES["company"],
            VALUES["role"],
        ]
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def vcard_file(path: Path) -> Path:
    def escaped(text: str) -> str:
        return (
            text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")
        )

    # The separators and line breaks can't sit raw in a vCard line (they would
    # end it); everything else goes in as is.
    inline = HOSTILE.replace("\r", "").replace("\u2028", "").replace("\u2029", "")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{escaped('Ada' + inline + 'Lovelace')}",
        f"ORG:{escaped('Engines' + inline)}",
        f"TITLE:{escaped('Engineer' + inline)}",
        f"EMAIL:{VALUES['email']}",
        f"TEL:{escaped('+44' + inline)}",
        f"NOTE:{escaped('line one' + inline + chr(10) + 'line two')}",
        "END:VCARD",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def backup_file(path: Path, tmp_path: Path) -> Path:
    source = Repository(tmp_path / "source.json")
    contact = source.add({"name": "Ada Lovelace"}, NOW - timedelta(days=3))
    source.schedule_meeting(
        contact.id, None, {"scheduled_at": NOW + timedelta(days=1), "minutes": 30}, NOW
    )
    document = json.loads(export_bytes(source, "json", NOW))
    record = document["contacts"][0]
    record.update({name: VALUES[name] for name in CONTACT_FIELDS})
    record["meetings"][0].update(place=f"Cafe{HOSTILE}", goals=f"goal{HOSTILE}\nmore")
    record["events"][0]["data"] = {}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def every_output(repo: Repository, db: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Every export format and the CLI's list and due, as text."""
    said = {
        # CR LF ends the lines of CSV, vCard and iCalendar files: the one CR allowed.
        kind: export_bytes(repo, kind, NOW, include_notes=True, include_archived=True)
        .decode()
        .replace("\r\n", "\n")
        for kind in EXPORT_FORMATS
    }
    environ = {"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": NOW_TEXT}
    for argv in (["list"], ["list", "--json"], ["due"], ["due", "--json"], ["due", "--quiet"]):
        assert main(argv, environ) == 0
        out, err = capsys.readouterr()
        said[" ".join(argv)] = out + err
    return said


@pytest.mark.parametrize("kind", ["csv", "linkedin", "vcard", "json"])
def test_hostile_text_in_every_import_reaches_no_output_raw(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    makers = {"csv": csv_file, "linkedin": linkedin_file, "vcard": vcard_file}
    source = tmp_path / f"people.{kind}"
    path = backup_file(source, tmp_path) if kind == "json" else makers[kind](source)
    db = tmp_path / "contacts.json"
    repo = Repository(db)

    report = import_file(repo, kind, path, NOW)

    assert report.added, report.lines()
    [contact] = repo.contacts()
    assert contact.name.startswith("Ada")
    assert_clean_contact(contact)
    if kind != "linkedin":  # LinkedIn has no notes
        assert "\n" in contact.notes  # the note keeps its lines
    outputs = every_output(repo, db, capsys)
    assert "Ada" in outputs["list"]
    assert_clean_outputs(outputs)


def test_hostile_text_written_into_the_database_reaches_no_output_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "contacts.json"
    repo = Repository(db)
    contact = repo.add({"name": "Ada Lovelace"}, NOW - timedelta(days=3))
    contact, _ = repo.advance(contact.id, NOW - timedelta(days=2))
    contact, _ = repo.advance(contact.id, NOW - timedelta(hours=30))  # met: a thank-you is due
    assert contact.stage is Stage.MET
    repo.schedule_meeting(
        contact.id, None, {"scheduled_at": NOW + timedelta(days=1), "minutes": 30}, NOW
    )
    data = json.loads(db.read_text(encoding="utf-8"))
    [record] = data["contacts"].values()
    record.update({name: VALUES[name] for name in CONTACT_FIELDS})
    record["meetings"][0].update(place=f"Cafe{HOSTILE}", goals=f"goal{HOSTILE}")
    record["events"][-1]["data"]["note"] = f"note{HOSTILE}"
    db.write_text(json.dumps(data), encoding="utf-8")

    fresh = Repository(db)
    [read] = fresh.contacts()
    assert_clean_contact(read)
    # NEL, U+001C, U+2028, U+2029 and CR (LF) are line breaks; the rest is dropped.
    assert read.notes == "line one[2J]0;owned31m\n\n\n\n\nline two[2J]0;owned31m\n\n\n\n\n"
    outputs = every_output(fresh, db, capsys)
    assert "Ada" in outputs["due"]
    assert_clean_outputs(outputs)
