"""Bad database files, through the real entry point: the CLI commands and the TUI launch.

Each bad file must stop coffeechat with exit status 1 and exactly one line on
stderr, ``coffeechat: …``, naming the file; no traceback; and the file (and
everything beside it) is left exactly as it was.  The TUI must refuse the
file before it launches.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import coffeechat.cli
import coffeechat.storage.atomic
from coffeechat.cli import main
from coffeechat.storage.atomic import serialise
from coffeechat.storage.errors import DatabaseWriteError
from coffeechat.storage.repository import SCHEMA_VERSION, Repository

NOW_TEXT = "2026-11-22 10:00"
AS_ROOT = os.geteuid() == 0

# -- a valid file to start from, built by hand so no write (and no backup) happens ---------

CREATED = {
    "id": "e0000000000000000000000000000001",
    "kind": "created",
    "at": "2026-11-12T10:00:00+00:00",
    "recorded_at": "2026-11-12T10:00:00+00:00",
    "from": None,
    "to": "identified",
    "note": "",
}


def contact_record(**overrides: Any) -> dict[str, Any]:
    """A well-formed stored contact named Ada, with ``overrides`` applied."""
    record: dict[str, Any] = {
        "id": "c0000000000000000000000000000001",
        "name": "Ada Lovelace",
        "company": "Engines",
        "role": "",
        "email": "",
        "phone": "",
        "linkedin": "",
        "source": "",
        "referred_by": "",
        "notes": "",
        "events": [dict(CREATED)],
    }
    record.update(overrides)
    return record


def database(
    contacts: dict[str, Any] | None = None, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The tables of a file holding ``contacts`` (default: Ada) and a schema-1 meta."""
    return {
        "contacts": {"1": contact_record()} if contacts is None else contacts,
        "meta": {"1": {"schema": SCHEMA_VERSION}} if meta is None else meta,
        "questions": {},
    }


def good_bytes() -> bytes:
    return serialise(database())


def as_json(data: Any) -> bytes:
    return json.dumps(data, indent=2).encode()


# -- running the program -------------------------------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str
    launched: list[Repository] = field(default_factory=list)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "contacts.json"


@pytest.fixture
def run(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run ``coffeechat ARGV`` in-process; with no ARGV the TUI launch is faked."""
    launched: list[Repository] = []
    on_launch: list[Callable[[Repository], None]] = []

    def fake_launch(repository: Repository, clock: object, config: object = None) -> int:
        launched.append(repository)
        for hook in on_launch:
            hook(repository)
        return 0

    monkeypatch.setattr(coffeechat.cli, "_launch", fake_launch)
    capsys.readouterr()

    def run_(*argv: str, when_launched: Callable[[Repository], None] | None = None) -> Result:
        on_launch[:] = [when_launched] if when_launched else []
        launched.clear()
        environ = {"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": NOW_TEXT}
        code = main(list(argv), environ)
        out, err = capsys.readouterr()
        return Result(code, out, err, list(launched))

    return run_


def snapshot(folder: Path) -> dict[str, tuple[str, bytes | None, int]]:
    """Every entry under ``folder`` with its kind, bytes and mode (lock files aside).

    The ``.lock`` file is created by the first write attempt and is meant to stay.
    """
    entries: dict[str, tuple[str, bytes | None, int]] = {}
    for path in sorted(folder.rglob("*")):
        if path.name.endswith(".lock"):
            continue
        st = path.lstat()
        if stat.S_ISDIR(st.st_mode):
            entries[str(path.relative_to(folder))] = ("dir", None, stat.S_IMODE(st.st_mode))
        else:
            entries[str(path.relative_to(folder))] = (
                "file",
                path.read_bytes(),
                stat.S_IMODE(st.st_mode),
            )
    return entries


def assert_one_clear_line(result: Result, db: Path, *phrases: str) -> None:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert result.err.endswith("\n")
    assert lines[0].startswith("coffeechat: "), lines[0]
    assert str(db) in lines[0], lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    assert result.out == ""  # nothing claimed as done
    assert result.launched == []


def no_temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# -- files that are not a coffeechat database ------------------------------------------------

BAD_EDIT = {**CREATED, "id": "e2", "kind": "edit", "to": None, "changes": {"name": "Ada"}}

BAD_FILES: dict[str, tuple[bytes, str]] = {
    # id: (content, a phrase the message must contain)
    "empty": (b"", "empty"),
    "only-whitespace": (b" \n\t\n", "empty"),
    "truncated-json": (good_bytes()[:-40], "invalid JSON at line"),
    "cut-after-first-brace": (b"{", "invalid JSON at line 1"),
    "binary-garbage": (b"\xff\xfe\x00\x01PK\x03\x04", "invalid JSON"),
    "json-list": (b"[]\n", "not tables of records"),
    "json-list-of-records": (as_json([contact_record()]), "not tables of records"),
    "json-null": (b"null", "not tables of records"),
    "json-number": (b"42", "not tables of records"),
    "table-is-a-list": (as_json({"contacts": [contact_record()]}), "not tables of records"),
    "table-is-a-string": (as_json({"contacts": "Ada"}), "not tables of records"),
    "record-is-a-number": (as_json({"contacts": {"1": 5}}), "not tables of records"),
    "contact-name-not-text": (
        as_json(database({"1": contact_record(name=5)})),
        "record 1 in 'contacts' is malformed",
    ),
    "contact-without-id": (
        as_json(database({"1": contact_record(id=None)})),
        "record 1 in 'contacts' is malformed",
    ),
    "contact-without-history": (
        as_json(database({"1": contact_record(events=[])})),
        "record 1 in 'contacts' is malformed",
    ),
    "contact-history-not-a-list": (
        as_json(database({"1": contact_record(events={"0": CREATED})})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-date-unreadable": (
        as_json(database({"1": contact_record(events=[{**CREATED, "at": "last tuesday"}])})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-date-without-offset": (
        as_json(database({"1": contact_record(events=[{**CREATED, "at": "2026-11-12T10:00"}])})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-unknown-stage": (
        as_json(database({"1": contact_record(events=[{**CREATED, "to": "married"}])})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-unknown-kind": (
        as_json(database({"1": contact_record(events=[{**CREATED, "kind": "teleport"}])})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-time-is-a-number": (
        as_json(database({"1": contact_record(events=[{**CREATED, "at": 1763805600}])})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-stage-is-a-list": (
        as_json(database({"1": contact_record(events=[{**CREATED, "to": ["met"]}])})),
        "record 1 in 'contacts' is malformed",
    ),
    "event-is-a-string": (
        as_json(database({"1": contact_record(events=["created"])})),
        "record 1 in 'contacts' is malformed",
    ),
    "edit-changes-malformed": (
        as_json(database({"1": contact_record(events=[dict(CREATED), BAD_EDIT])})),
        "record 1 in 'contacts' is malformed",
    ),
    "newer-schema": (
        as_json(database(meta={"1": {"schema": SCHEMA_VERSION + 1}})),
        f"newer coffeechat (schema {SCHEMA_VERSION + 1}",
    ),
    "far-newer-schema": (as_json(database(meta={"1": {"schema": 10**6}})), "newer coffeechat"),
    "schema-is-text": (as_json(database(meta={"1": {"schema": "1"}})), "schema version '1'"),
    "schema-is-zero": (as_json(database(meta={"1": {"schema": 0}})), "schema version 0"),
    "schema-is-a-boolean": (as_json(database(meta={"1": {"schema": True}})), "schema version"),
}

# Record keys TinyDB cannot use ("ada", "01" beside "1") are renumbered, every
# record kept: see tests/reliability/test_record_keys.py.
UNHASHABLE_KIND = {
    "event-kind-is-a-list": (
        as_json(database({"1": contact_record(events=[{**CREATED, "kind": ["created"]}])})),
        "record 1 in 'contacts' is malformed",
    ),
}

COMMANDS: dict[str, tuple[str, ...]] = {
    "list": ("list",),
    "due": ("due", "--json"),
    "add": ("add", "Grace Hopper", "--company", "Navy"),
    "advance": ("advance", "Ada"),
    "tui": (),
}

BAD_FILE_PARAMS = [
    pytest.param(content, phrase, id=name) for name, (content, phrase) in BAD_FILES.items()
] + [pytest.param(content, phrase, id=name) for name, (content, phrase) in UNHASHABLE_KIND.items()]


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
@pytest.mark.parametrize(("content", "phrase"), BAD_FILE_PARAMS)
def test_a_bad_file_stops_every_command_with_one_line_and_is_left_alone(
    run: Callable[..., Result], db: Path, content: bytes, phrase: str, command: tuple[str, ...]
) -> None:
    db.write_bytes(content)
    before = snapshot(db.parent)

    result = run(*command)

    assert_one_clear_line(result, db, phrase)
    assert snapshot(db.parent) == before


def test_a_bad_file_with_backups_names_the_newest_backup(
    run: Callable[..., Result], db: Path
) -> None:
    backups = db.parent / "backups"
    backups.mkdir()
    for day in ("2026-11-01", "2026-11-20", "2026-11-03"):
        (backups / f"contacts-{day}.json").write_bytes(good_bytes())
    db.write_bytes(good_bytes()[:100])
    before = snapshot(db.parent)

    for command in COMMANDS.values():
        result = run(*command)
        assert_one_clear_line(result, db, "invalid JSON at line")
        assert f"The newest backup is {backups / 'contacts-2026-11-20.json'}" in result.err
        assert snapshot(db.parent) == before


@pytest.mark.parametrize("command", list(COMMANDS.values()), ids=list(COMMANDS))
def test_a_directory_where_the_file_should_be(
    run: Callable[..., Result], db: Path, command: tuple[str, ...]
) -> None:
    db.mkdir()
    (db / "keep.txt").write_text("mine")
    before = snapshot(db.parent)

    result = run(*command)

    assert_one_clear_line(result, db, "is a directory")
    assert snapshot(db.parent) == before


# -- files we may read but must not write ------------------------------------------------------

WRITES = {"add": COMMANDS["add"], "advance": COMMANDS["advance"]}


@pytest.mark.parametrize("mode", [0o400, 0o444, 0o000], ids=oct)
@pytest.mark.parametrize("command", list(WRITES.values()), ids=list(WRITES))
def test_a_read_only_file_refuses_changes_with_one_line(
    run: Callable[..., Result], db: Path, mode: int, command: tuple[str, ...]
) -> None:
    db.write_bytes(good_bytes())
    db.chmod(mode)
    before = snapshot(db.parent)

    result = run(*command)

    if mode & stat.S_IRUSR:
        assert_one_clear_line(result, db, "Could not save", "permission denied", "Nothing was")
    else:  # may be refused already when reading it
        assert_one_clear_line(result, db, "permission denied")
    assert snapshot(db.parent) == before


@pytest.mark.parametrize("command", list(WRITES.values()), ids=list(WRITES))
def test_a_read_only_folder_refuses_changes_with_one_line(
    run: Callable[..., Result], db: Path, command: tuple[str, ...]
) -> None:
    db.write_bytes(good_bytes())
    db.parent.chmod(0o500)
    try:
        before = snapshot(db.parent)
        result = run(*command)
        after = snapshot(db.parent)
    finally:
        db.parent.chmod(0o700)
    assert_one_clear_line(result, db, "Could not save", "permission denied")
    assert after == before


@pytest.mark.parametrize("mode", [0o400, 0o444], ids=oct)
def test_a_read_only_file_can_still_be_listed(
    run: Callable[..., Result], db: Path, mode: int
) -> None:
    db.write_bytes(good_bytes())
    db.chmod(mode)
    before = snapshot(db.parent)

    result = run("list", "--json")

    assert (result.code, result.err) == (0, "")
    assert [row["name"] for row in json.loads(result.out)] == ["Ada Lovelace"]
    assert snapshot(db.parent) == before


@pytest.mark.parametrize("mode", [0o400, 0o444], ids=oct)
def test_the_tui_opens_a_read_only_file_but_a_change_is_refused(
    run: Callable[..., Result], db: Path, mode: int
) -> None:
    """Read-only is not broken: the board opens, and a save fails clearly (a toast)."""
    db.write_bytes(good_bytes())
    db.chmod(mode)
    before = snapshot(db.parent)
    refused: list[Exception] = []

    def try_to_add(repository: Repository) -> None:
        assert [c.name for c in repository.contacts()] == ["Ada Lovelace"]
        with pytest.raises(DatabaseWriteError) as error:
            repository.add({"name": "Grace Hopper"}, repository.contacts()[0].created_at)
        refused.append(error.value)
        assert [c.name for c in repository.contacts()] == ["Ada Lovelace"]

    result = run(when_launched=try_to_add)

    assert (result.code, result.err) == (0, "")
    assert len(result.launched) == 1
    [error] = refused
    assert str(db) in str(error)
    assert "permission denied" in str(error)
    assert snapshot(db.parent) == before


# A file with mode 0o000 means "hands off", but root (which the test machine may
# be) can read anything, and the storage checks the mode bits only for writing.


@pytest.mark.parametrize("command", [COMMANDS["list"], COMMANDS["due"], COMMANDS["tui"]],
                         ids=["list", "due", "tui"])  # fmt: skip
def test_an_unreadable_file_stops_reading_commands_with_one_line(
    run: Callable[..., Result], db: Path, command: tuple[str, ...]
) -> None:
    db.write_bytes(good_bytes())
    db.chmod(0o000)
    before = snapshot(db.parent)

    result = run(*command)

    assert_one_clear_line(result, db, "permission denied")
    assert snapshot(db.parent) == before


# -- a full disk ---------------------------------------------------------------------------------


class FullDisk:
    """Makes the storage's writes to files fail with ENOSPC while ``full``; counts them."""

    def __init__(self) -> None:
        self.full = True
        self.attempts: list[int] = []
        self._write = os.write

    def write(self, fd: int, data: bytes) -> int:
        if not self.full:
            return self._write(fd, data)
        self.attempts.append(len(data))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    disk = FullDisk()
    monkeypatch.setattr("coffeechat.storage.atomic.os.write", disk.write)
    return disk


@pytest.mark.parametrize("command", [COMMANDS["add"], COMMANDS["tui"]], ids=["add", "tui"])
def test_a_full_disk_when_creating_the_database(
    run: Callable[..., Result], db: Path, full_disk: FullDisk, command: tuple[str, ...]
) -> None:
    result = run(*command)

    assert full_disk.attempts, "the write was never attempted"
    assert_one_clear_line(result, db, "the disk is full", "Nothing was changed")
    assert not db.exists()
    assert snapshot(db.parent) == {}
    assert no_temp_files(db.parent) == []


@pytest.mark.parametrize("command", list(WRITES.values()), ids=list(WRITES))
@pytest.mark.parametrize("backup_done_today", [False, True], ids=["in-backup", "in-save"])
def test_a_full_disk_changes_nothing_and_leaves_no_temp_file(
    run: Callable[..., Result],
    db: Path,
    full_disk: FullDisk,
    command: tuple[str, ...],
    backup_done_today: bool,
) -> None:
    full_disk.full = False
    db.write_bytes(good_bytes())
    if backup_done_today:  # then the daily backup is skipped and the save itself fails
        backups = db.parent / "backups"
        backups.mkdir()
        (backups / f"contacts-{date.today():%Y-%m-%d}.json").write_bytes(b"{}\n")
    before = snapshot(db.parent)
    full_disk.full = True

    result = run(*command)

    assert full_disk.attempts
    if backup_done_today:
        assert full_disk.attempts[0] > len(good_bytes())  # the new, longer file
    else:
        assert full_disk.attempts[0] == len(good_bytes())  # the backup copy of the old file
    assert_one_clear_line(result, db, "the disk is full", "Nothing was changed")
    assert no_temp_files(db.parent) == []
    after = snapshot(db.parent)
    after.pop("backups", None)  # an empty folder made for the backup is harmless
    before.pop("backups", None)
    assert after == before
    # and the failed attempt poisoned nothing: with space again the same change succeeds
    full_disk.full = False
    again = run(*command)
    assert (again.code, again.err) == (0, "")
    assert db.read_bytes() != good_bytes()


# -- settings no code can use ------------------------------------------------------------------


def met_record() -> dict[str, Any]:
    """Ada, met 30 hours before NOW_TEXT: a thank-you is due under any sane settings."""
    moves = [
        ("identified", "requested", "2026-11-13T10:00:00+00:00"),
        ("requested", "met", "2026-11-21T04:00:00+00:00"),
    ]
    events = [dict(CREATED)] + [
        {**CREATED, "id": f"e{n:031d}", "kind": "advance", "from": a, "to": b, "at": at,
         "recorded_at": at}
        for n, (a, b, at) in enumerate(moves, start=2)
    ]  # fmt: skip
    return contact_record(events=events)


@pytest.mark.parametrize("hours", [10**30, 1e300], ids=["huge-int", "huge-float"])
def test_stored_reminder_hours_too_large_to_use_fall_back_to_defaults(
    run: Callable[..., Result], db: Path, hours: float
) -> None:
    settings = {"thank_you_due_hours": hours, "thank_you_late_hours": hours}
    db.write_bytes(
        as_json(database({"1": met_record()}, meta={"1": {"schema": 1, "settings": settings}}))
    )
    before = snapshot(db.parent)

    result = run("due", "--json")

    assert (result.code, result.err) == (0, "")
    [item] = json.loads(result.out)
    assert (item["name"], item["overdue"]) == ("Ada Lovelace", True)  # the default 24 h
    assert snapshot(db.parent) == before
