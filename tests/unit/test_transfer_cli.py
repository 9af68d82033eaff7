"""coffeechat import / export end to end: idempotent, additive, private, never a traceback."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar

from coffeechat.domain.questions import Category, Question
from coffeechat.storage.repository import Repository
from tests.unit.cli_support import NOW, Run
from tests.unit.test_cli import add, assert_user_error

DATA = Path(__file__).parent.parent / "data" / "interchange"


def test_linkedin_import_is_idempotent_and_reports_bad_rows_with_lines(run: Run, db: Path) -> None:
    first = run("import", "linkedin", str(DATA / "linkedin_connections.csv"))
    assert first.code == 0
    assert first.out.startswith("Added 5 · 2 skipped\n")
    assert "linkedin_connections.csv:9: no name" in first.err
    assert "linkedin_connections.csv:10:" in first.err
    people = {c.name: c for c in Repository(db).contacts()}
    grace = people["Grace Hopper"]
    assert (grace.source, grace.company, grace.connected_on) == (
        "LinkedIn",
        "Navy, United States",
        "2021-02-03",
    )
    again = run("import", "linkedin", str(DATA / "linkedin_connections.csv"))
    assert again.out.startswith("Added 0 · 5 already there")
    assert len(Repository(db).contacts()) == 5


def test_import_fills_blanks_but_never_overwrites_what_you_typed(run: Run, db: Path) -> None:
    add(run, "Grace Hopper", "--company", "My own words", "--linkedin",
        "linkedin.com/in/grace-hopper/")  # fmt: skip
    result = run("import", "linkedin", str(DATA / "linkedin_connections.csv"))
    assert result.out.startswith("Added 4 · updated 1 ·")
    grace = next(c for c in Repository(db).contacts() if c.name == "Grace Hopper")
    assert grace.company == "My own words"  # kept
    assert grace.role == "Rear Admiral"  # was blank: filled
    assert grace.events[-1].kind.value == "edit"  # filling in is an undoable edit


def test_dry_run_changes_nothing_and_creates_no_file(run: Run, db: Path) -> None:
    result = run("import", "vcard", str(DATA / "vcard_google.vcf"), "--dry-run")
    assert result.code == 0
    assert result.out.startswith("Dry run: ")
    assert "Would add:" in result.out
    assert not db.exists()


def test_linkedin_filters(run: Run, db: Path) -> None:
    result = run("import", "linkedin", str(DATA / "linkedin_connections.csv"), "--company", "navy")
    assert result.out.startswith("Added 1\n")
    assert [c.name for c in Repository(db).contacts()] == ["Grace Hopper"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["import", "csv", "missing.csv"], "missing.csv is not a file"),
        (["import", "csv", "{data}/csv_google_sheets.csv", "--map", "Org=employer"], "--map"),
        (["import", "json", "{data}/linkedin_connections.csv"], "linkedin_connections.csv"),
    ],
)
def test_unusable_files_are_one_line_errors(run: Run, db: Path, argv, fragment) -> None:
    result = run(*[a.format(data=DATA) for a in argv])
    assert_user_error(result)
    assert fragment in result.err


def test_exports_are_private_and_parse_back(run: Run, db: Path, tmp_path: Path) -> None:
    run("import", "vcard", str(DATA / "vcard_google.vcf"))
    add(run, "Secret Sam", "--note", "TOP SECRET note")
    for kind in ("ics", "vcard", "csv", "json"):
        target = tmp_path / f"out.{kind}"
        result = run("export", kind, "-o", str(target))
        assert result.code == 0, result
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert b"TOP SECRET" not in (tmp_path / "out.vcard").read_bytes()  # notes only if asked
    assert b"TOP SECRET" not in (tmp_path / "out.csv").read_bytes()
    assert b"TOP SECRET" in (tmp_path / "out.json").read_bytes()  # a backup is everything
    cards = list(vobject.readComponents((tmp_path / "out.vcard").read_text()))
    assert "Secret Sam" in [card.fn.value for card in cards]
    Calendar.from_ical((tmp_path / "out.ics").read_bytes())
    with_notes = run("export", "vcard", "--include-notes")
    assert "TOP SECRET" in with_notes.out


def test_a_json_backup_restores_everything_on_another_machine(
    run: Run, db: Path, tmp_path: Path
) -> None:
    run("import", "linkedin", str(DATA / "linkedin_connections.csv"))
    add(run, "Ada Byron", "--note", "met at the library")
    Repository(db).save_question(Question("mine1", "What surprised you?", Category.ADVICE))
    run("advance", "byron")
    backup = tmp_path / "backup.json"
    assert run("export", "json", "-o", str(backup)).code == 0
    other = tmp_path / "other" / "contacts.json"
    environ = {"COFFEECHAT_DB": str(other), "COFFEECHAT_NOW": NOW.isoformat()}
    restored = run("import", "json", str(backup), environ=environ)
    assert restored.out.startswith("Restored 6 · 1 question\n")
    assert Repository(other).contacts() == Repository(db).contacts()  # events and all
    assert Repository(other).questions() == Repository(db).questions()
    again = run("import", "json", str(backup), environ=environ)
    assert again.out.startswith("Restored 0 · 6 already there")
    assert Repository(other).questions() == Repository(db).questions()  # not twice
    assert json.loads(backup.read_text())["format"] == "coffeechat-backup"


def test_ics_uids_stay_put_so_calendars_update(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    for _ in range(3):
        run("advance", "ada")  # thanked: a follow-up is coming
    first = Calendar.from_ical(run("export", "ics", "--at", "2027-02-20").out.encode())
    second = Calendar.from_ical(run("export", "ics", "--at", "2027-02-21").out.encode())

    def uids(calendar: Calendar) -> list[str]:
        return [str(todo["uid"]) for todo in calendar.walk("VTODO")]

    assert uids(first) == uids(second)
    assert len(uids(first)) == 1
