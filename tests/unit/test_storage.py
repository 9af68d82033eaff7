"""The repository and its atomic JSON storage, on real files in tmp_path."""

from __future__ import annotations

import errno
import itertools
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pytest

from coffeechat.domain.events import Advance, ArchiveReason, Edit, EventKind, Undo
from coffeechat.domain.meetings import AgendaItem, Promise
from coffeechat.domain.model import ValidationError
from coffeechat.domain.pipeline import EditConflict, MoveError
from coffeechat.domain.questions import Category, Question
from coffeechat.domain.records import contact_to_record
from coffeechat.domain.rules import Settings
from coffeechat.domain.stages import Stage
from coffeechat.storage import atomic
from coffeechat.storage.atomic import AtomicJSONStorage, serialise
from coffeechat.storage.errors import (
    CorruptDatabaseError,
    DatabaseWriteError,
    NewerSchemaError,
    NotFoundError,
    StorageError,
)
from coffeechat.storage.repository import SCHEMA_VERSION, Repository

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
TODAY = date(2026, 11, 22)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A folder for the database; its permissions are put back afterwards."""
    path = tmp_path / "data"
    path.mkdir()
    yield path
    for item in [path, *path.rglob("*")]:
        if not item.is_symlink():
            item.chmod(0o700 if item.is_dir() else 0o600)


@pytest.fixture
def db(folder: Path) -> Path:
    return folder / "contacts.json"


def make_repo(path: Path, today: Callable[[], date] = lambda: TODAY) -> Repository:
    return Repository(path, today=today)


def add(repo: Repository, name: str, when: datetime = NOW, **fields: str) -> str:
    return repo.add({"name": name, **fields}, when).id


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def temp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*.tmp")]


# -- the file on disk -----------------------------------------------------------


def test_new_file_is_private_sorted_indented_json_with_schema(db: Path) -> None:
    assert not db.exists()
    repo = make_repo(db)
    assert db.is_file()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.with_name("contacts.json.lock").stat().st_mode) == 0o600

    add(repo, "Zoë Ångström", company="Ünïcode Ltd")
    raw = db.read_bytes()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    data = json.loads(raw)
    expected = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert raw.decode("utf-8") == expected
    assert "Zoë Ångström".encode() in raw  # UTF-8, not \u escapes
    assert raw.startswith(b'{\n  "contacts": {\n')
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert data["meta"]["1"]["settings"]["thank_you_due_hours"] == 24
    assert data["meta"]["1"]["settings"]["thank_you_late_hours"] == 48
    assert data["meta"]["1"]["settings"]["follow_up_months"] == 3
    [record] = data["contacts"].values()
    assert record["name"] == "Zoë Ångström"
    assert record["events"][0]["kind"] == "created"
    assert record["events"][0]["at"] == "2026-11-22T10:30:00+00:00"
    assert listing(db.parent) == {"contacts.json", "contacts.json.lock", "backups"}


def test_serialise_is_sorted_two_space_utf8_with_final_newline() -> None:
    assert serialise({"b": {"1": {"z": 1, "a": "é"}}, "a": {}}) == (
        b'{\n  "a": {},\n  "b": {\n    "1": {\n      "a": "\xc3\xa9",\n'
        b'      "z": 1\n    }\n  }\n}\n'
    )


def test_opening_an_existing_file_does_not_rewrite_it(db: Path) -> None:
    add(make_repo(db), "Ada")
    before = db.read_bytes()
    inode = db.stat().st_ino
    repo = make_repo(db)
    assert [c.name for c in repo.contacts()] == ["Ada"]
    assert db.read_bytes() == before
    assert db.stat().st_ino == inode


def test_missing_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "contacts.json"
    add(make_repo(path), "Ada")
    assert [c.name for c in make_repo(path).contacts()] == ["Ada"]


def test_storage_refuses_to_write_outside_a_transaction(db: Path) -> None:
    storage = AtomicJSONStorage(db)
    with pytest.raises(RuntimeError, match="outside transaction"):
        storage.write({})
    assert not db.exists()


# -- round trips through a second repository --------------------------------------


def test_every_move_round_trips_through_a_second_repository(db: Path) -> None:
    london = ZoneInfo("Europe/London")
    ids = (f"id{n:03d}" for n in itertools.count(1))
    first = Repository(db, id_factory=lambda: next(ids), today=lambda: TODAY)
    meeting = datetime(2026, 7, 1, 15, 0, tzinfo=london)  # BST, +01:00
    contact = first.add(
        {"name": "Ada Lovelace", "company": "Acme", "email": "ada@example.com"}, NOW
    )
    assert (contact.id, contact.events[0].id) == ("id001", "id002")
    first.advance(contact.id, NOW, at=meeting - timedelta(days=7))
    first.advance(contact.id, NOW, at=meeting, note="coffee at the library")
    first.archive(contact.id, ArchiveReason.NO_RESPONSE, NOW)
    first.restore(contact.id, NOW)
    contact, edit = first.edit(contact.id, {"role": "Analyst", "company": "Initech"}, NOW)
    assert edit is not None

    second = make_repo(db)
    loaded = second.get(contact.id)
    assert loaded == contact
    assert loaded.stage is Stage.MET
    assert loaded.met_at == meeting
    assert loaded.events[2].data == Advance(
        Stage.REQUESTED, Stage.MET, note="coffee at the library"
    )
    assert loaded.events[2].at.utcoffset() == timedelta(hours=1)
    assert loaded.events[2].recorded_at == NOW
    assert (loaded.company, loaded.role) == ("Initech", "Analyst")
    assert [e.kind for e in loaded.events] == [
        EventKind.CREATED,
        EventKind.ADVANCE,
        EventKind.ADVANCE,
        EventKind.ARCHIVE,
        EventKind.RESTORE,
        EventKind.EDIT,
    ]
    assert not loaded.archived

    # undo the edit in the second repository; the first sees the old fields
    reverted = second.undo(contact.id, edit.id, NOW)
    assert (reverted.company, reverted.role) == ("Acme", "")
    seen = first.get(contact.id)
    assert (seen.company, seen.role) == ("Acme", "")
    assert seen == reverted
    assert make_repo(db).get(contact.id) == reverted


def test_archive_and_restore_on_disk(db: Path) -> None:
    repo = make_repo(db)
    older = add(repo, "Older")
    newer = add(repo, "Newer")
    kept = add(repo, "Kept")
    repo.archive(older, ArchiveReason.DECLINED, NOW - timedelta(days=2))
    repo.archive(newer, ArchiveReason.NOT_A_FIT, NOW - timedelta(days=1))

    other = make_repo(db)
    assert [c.id for c in other.contacts()] == [kept]
    assert {c.id for c in other.contacts(include_archived=True)} == {older, newer, kept}
    assert [c.id for c in other.archived()] == [newer, older]
    assert other.get(newer).archive_reason == "not a fit"
    with pytest.raises(MoveError, match="archived"):
        other.advance(older, NOW)

    other.restore(older, NOW)
    assert {c.id for c in repo.contacts()} == {older, kept}
    with pytest.raises(MoveError, match="not archived"):
        repo.restore(older, NOW)


def test_edit_with_no_change_writes_nothing(db: Path) -> None:
    repo = make_repo(db)
    contact_id = add(repo, "Ada", company="Acme")
    before = db.read_bytes()
    contact, event = repo.edit(contact_id, {"name": " Ada ", "company": "Acme"}, NOW)
    assert event is None
    assert contact.company == "Acme"
    assert db.read_bytes() == before


def test_invalid_fields_write_nothing(db: Path) -> None:
    repo = make_repo(db)
    contact_id = add(repo, "Ada")
    before = db.read_bytes()
    with pytest.raises(ValidationError):
        repo.add({"name": "  "}, NOW)
    with pytest.raises(ValidationError):
        repo.edit(contact_id, {"email": "nope"}, NOW)
    with pytest.raises(MoveError):
        repo.advance(contact_id, NOW, at=NOW + timedelta(hours=1))
    assert db.read_bytes() == before
    assert len(repo.contacts()) == 1


def test_unknown_id_is_not_found(db: Path) -> None:
    repo = make_repo(db)
    with pytest.raises(NotFoundError, match="nope"):
        repo.get("nope")
    with pytest.raises(NotFoundError):
        repo.advance("nope", NOW)


def test_settings_round_trip(db: Path) -> None:
    repo = make_repo(db)
    assert repo.settings() == Settings()
    repo.save_settings(Settings(thank_you_due_hours=12, thank_you_late_hours=36))
    assert make_repo(db).settings() == Settings(12, 36)
    assert json.loads(db.read_text())["meta"]["1"]["schema"] == SCHEMA_VERSION


def test_impossible_stored_settings_fall_back_to_defaults(db: Path) -> None:
    make_repo(db)
    data = json.loads(db.read_text())
    data["meta"]["1"]["settings"] = {"thank_you_due_hours": 50, "thank_you_late_hours": 10}
    db.write_text(json.dumps(data))
    assert make_repo(db).settings() == Settings()


# -- undo -------------------------------------------------------------------------


def test_undo_refuses_when_another_event_was_added_since(db: Path) -> None:
    mine = make_repo(db)
    theirs = make_repo(db)
    contact_id = add(mine, "Ada")
    _, my_event = mine.advance(contact_id, NOW)
    _, their_event = theirs.advance(contact_id, NOW)
    before = db.read_bytes()
    with pytest.raises(MoveError, match="changed since"):
        mine.undo(contact_id, my_event.id, NOW)
    assert db.read_bytes() == before
    assert mine.get(contact_id).stage is Stage.MET
    # the newest event can still be undone
    after = mine.undo(contact_id, their_event.id, NOW)
    assert after.stage is Stage.REQUESTED
    assert theirs.get(contact_id).stage is Stage.REQUESTED


def test_undo_of_the_created_event_removes_the_contact_but_keeps_its_history(db: Path) -> None:
    repo = make_repo(db)
    keep = add(repo, "Keep")
    contact = repo.add({"name": "Oops"}, NOW)
    other = make_repo(db)
    assert len(other.contacts()) == 2
    removed = repo.undo(contact.id, contact.events[0].id, NOW)
    assert removed.removed
    with pytest.raises(NotFoundError):
        repo.get(contact.id)
    assert [c.id for c in other.contacts()] == [keep]
    assert [c.id for c in make_repo(db).contacts(include_archived=True)] == [keep]
    assert make_repo(db).archived() == []
    # nothing is deleted: the file still holds the contact, its history ending in the undo
    stored = json.loads(db.read_text())["contacts"]
    assert len(stored) == 2
    assert [e["kind"] for e in stored["2"]["events"]] == ["created", "undo"]


def test_undo_appends_an_event_naming_the_undone_one(db: Path) -> None:
    repo = make_repo(db)
    contact_id = add(repo, "Ada")
    _, advance = repo.advance(contact_id, NOW)
    before = repo.get(contact_id).events
    after = repo.undo(contact_id, advance.id, NOW + timedelta(minutes=1))
    assert after.events[: len(before)] == before
    assert after.events[-1].data == Undo(advance.id)
    assert after.events[-1].at == NOW + timedelta(minutes=1)
    assert make_repo(db).get(contact_id).stage is Stage.IDENTIFIED


# -- corrupt files ------------------------------------------------------------------

_VALID_META = {"1": {"schema": 1, "settings": {}}}


def _db_with_contact(record: object) -> bytes:
    return orjson.dumps({"contacts": {"1": record}, "meta": _VALID_META})


def _good_record() -> dict[str, object]:
    return {
        "id": "abc123",
        "name": "Ada",
        "events": [
            {
                "id": "e1",
                "kind": "created",
                "at": "2026-11-22T10:30:00+00:00",
                "recorded_at": "2026-11-22T10:30:00+00:00",
                "from": None,
                "to": "identified",
                "note": "",
            }
        ],
    }


def _record_with(**changes: object) -> dict[str, object]:
    record = _good_record()
    record.update(changes)
    return record


def _event_with(**changes: object) -> dict[str, object]:
    record = _good_record()
    event: dict[str, object]
    [event] = record["events"]  # type: ignore[misc]
    event.update(changes)
    return record


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b'{\n  "contacts": {\n    "1": {\n', "invalid JSON at line 4, column 1"),
        (b'{\n  "meta": {\n    "1": {"schema": 1,}\n  }\n}\n', "invalid JSON at line 3, column 22"),
        (b"\xff\xfe\x00garbage", "byte 0xff at line 1, column 1 (byte offset 0) is not UTF-8"),
        (b"[]", "not tables of records"),
        (b"42", "not tables of records"),
        (b'{"contacts": []}', "not tables of records"),
        (b'{"contacts": {"1": "Ada"}}', "not tables of records"),
        (_db_with_contact(_record_with(events=[])), "record 1 in 'contacts' is malformed"),
        (_db_with_contact(_record_with(id="")), "a contact has no id"),
        (_db_with_contact(_record_with(name=7)), "name is not text"),
        (_db_with_contact(_event_with(kind="teleport")), "unknown event kind 'teleport'"),
        (_db_with_contact(_event_with(at="yesterday")), "is not an ISO 8601 date"),
        (_db_with_contact(_event_with(at="2026-11-22T10:30:00")), "has no UTC offset"),
        (_db_with_contact(_event_with(to="lunch")), "'lunch' is not a stage"),
        (_db_with_contact(_event_with(changes={"name": ["a"]})), "changes are malformed"),
        (
            b'{"meta": {"1": {"schema": "one"}}}',
            "schema version 'one' is not a version coffeechat wrote",
        ),
    ],
    ids=itertools.count(),
)
def test_corrupt_file_is_reported_and_never_written_over(
    db: Path, content: bytes, problem: str
) -> None:
    db.write_bytes(content)
    before = listing(db.parent)
    with pytest.raises(CorruptDatabaseError) as caught:
        make_repo(db)
    message = str(caught.value)
    assert str(db) in message
    assert problem in message
    assert "will not write over it" in message  # no backup to offer yet
    assert caught.value.path == db
    assert db.read_bytes() == content
    assert listing(db.parent) - before <= {"contacts.json.lock"}


def test_a_directory_where_the_file_should_be(db: Path) -> None:
    db.mkdir()
    (db / "keep.txt").write_text("mine")
    with pytest.raises(StorageError) as caught:
        make_repo(db)
    assert isinstance(caught.value, CorruptDatabaseError)
    assert str(db) in str(caught.value)
    assert "directory" in str(caught.value)
    assert db.is_dir()
    assert listing(db) == {"keep.txt"}


def test_file_corrupted_while_open_is_not_written_over(db: Path) -> None:
    repo = make_repo(db)
    add(repo, "Ada")
    broken = db.read_bytes()[:-20]
    db.write_bytes(broken)
    with pytest.raises(CorruptDatabaseError, match="invalid JSON at line"):
        repo.contacts()
    with pytest.raises(CorruptDatabaseError):
        add(repo, "Grace")
    assert db.read_bytes() == broken
    assert temp_files(db.parent) == []


def test_newer_schema_is_refused_and_left_alone(db: Path) -> None:
    make_repo(db)
    data = json.loads(db.read_text())
    data["meta"]["1"]["schema"] = SCHEMA_VERSION + 1
    content = json.dumps(data).encode()
    db.write_bytes(content)
    with pytest.raises(NewerSchemaError) as caught:
        make_repo(db)
    message = str(caught.value)
    assert str(db) in message
    assert f"schema {SCHEMA_VERSION + 1}" in message
    assert db.read_bytes() == content
    assert not list(db.parent.glob("*.bak"))


@pytest.mark.parametrize("schema", [0, -3])
def test_impossible_old_schema_is_reported_as_corrupt(db: Path, schema: int) -> None:
    content = orjson.dumps({"meta": {"1": {"schema": schema}}})
    db.write_bytes(content)
    with pytest.raises(CorruptDatabaseError, match=str(schema)):
        make_repo(db)
    assert db.read_bytes() == content
    assert not list(db.parent.glob("*.bak"))


@pytest.mark.parametrize("stored", [[1], "24h"])
def test_settings_of_the_wrong_type_fall_back_to_defaults(db: Path, stored: object) -> None:
    db.write_bytes(orjson.dumps({"meta": {"1": {"schema": 1, "settings": stored}}}))
    assert make_repo(db).settings() == Settings()


# -- files we may not write -----------------------------------------------------------


def test_read_only_file_refuses_writes_but_can_be_read(db: Path) -> None:
    repo = make_repo(db)
    ada = add(repo, "Ada")
    db.chmod(0o400)
    before = db.read_bytes()

    with pytest.raises(DatabaseWriteError) as caught:
        add(repo, "Grace")
    message = str(caught.value)
    assert str(db) in message
    assert "read-only" in message
    assert "Nothing was changed" in message
    with pytest.raises(DatabaseWriteError):
        repo.advance(ada, NOW)
    with pytest.raises(DatabaseWriteError):
        repo.save_settings(Settings(12, 36))

    assert db.read_bytes() == before
    assert stat.S_IMODE(db.stat().st_mode) == 0o400
    assert [c.name for c in repo.contacts()] == ["Ada"]
    assert repo.get(ada).stage is Stage.IDENTIFIED
    assert repo.settings() == Settings()

    reader = make_repo(db)
    assert [c.name for c in reader.contacts()] == ["Ada"]
    with pytest.raises(DatabaseWriteError):
        add(reader, "Grace")
    assert db.read_bytes() == before
    assert temp_files(db.parent) == []


def test_read_only_folder_refuses_writes_but_can_be_read(db: Path) -> None:
    repo = make_repo(db)
    add(repo, "Ada")
    before = db.read_bytes()
    names = listing(db.parent)
    db.parent.chmod(0o500)

    with pytest.raises(DatabaseWriteError, match="read-only"):
        add(repo, "Grace")
    assert db.read_bytes() == before
    assert listing(db.parent) == names
    assert [c.name for c in repo.contacts()] == ["Ada"]
    reader = make_repo(db)
    assert [c.name for c in reader.contacts()] == ["Ada"]


def _full_disk(fd: int, data: object) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_full_disk_keeps_the_file_and_forgets_the_unsaved_contact(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(db)
    add(repo, "Ada")
    add(repo, "Bea")  # today's backup now exists; the next write goes to the file
    assert (db.parent / "backups" / "contacts-2026-11-22.json").exists()
    before = db.read_bytes()
    changed = repo.refresh()

    monkeypatch.setattr(atomic.os, "write", _full_disk)  # type: ignore[attr-defined]
    with pytest.raises(DatabaseWriteError) as caught:
        add(repo, "Grace")
    with pytest.raises(DatabaseWriteError, match="disk is full"):
        repo.edit(repo.contacts()[0].id, {"company": "Initech"}, NOW)
    monkeypatch.undo()

    assert "disk is full" in str(caught.value)
    assert str(db) in str(caught.value)
    assert db.read_bytes() == before
    assert temp_files(db.parent) == []
    assert [c.name for c in repo.contacts()] == ["Ada", "Bea"]
    assert repo.contacts()[0].company == ""
    assert changed is False

    # once there is room again, writing works and nothing was lost
    add(repo, "Grace")
    assert [c.name for c in make_repo(db).contacts()] == ["Ada", "Bea", "Grace"]


def test_full_disk_during_the_daily_backup_changes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = [TODAY]
    repo = make_repo(db, today=lambda: day[0])
    add(repo, "Ada")
    before = db.read_bytes()
    backups = listing(db.parent / "backups")
    day[0] = TODAY + timedelta(days=1)

    monkeypatch.setattr(atomic.os, "write", _full_disk)  # type: ignore[attr-defined]
    with pytest.raises(DatabaseWriteError, match="disk is full"):
        add(repo, "Grace")
    monkeypatch.undo()

    assert db.read_bytes() == before
    assert listing(db.parent / "backups") == backups
    assert temp_files(db.parent) == []
    assert [c.name for c in repo.contacts()] == ["Ada"]


# -- daily backups --------------------------------------------------------------------


def test_daily_backups_keep_fourteen_days_and_are_named_when_the_file_breaks(db: Path) -> None:
    day = [TODAY]
    repo = make_repo(db, today=lambda: day[0])
    days = [TODAY + timedelta(days=n) for n in range(16)]
    for n, today in enumerate(days):
        day[0] = today
        add(repo, f"Person {n}")
        add(repo, f"Person {n} again")  # a second write that day makes no new backup

    folder = db.parent / "backups"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    backups = sorted(folder.iterdir())
    assert [p.name for p in backups] == [f"contacts-{d:%Y-%m-%d}.json" for d in days[2:]]
    for path in backups:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # each backup is the file as it was before that day's first write
    for n, path in enumerate(backups, start=2):
        data = json.loads(path.read_bytes())
        assert len(data["contacts"]) == 2 * n
    assert temp_files(db.parent) == []

    db.write_bytes(db.read_bytes()[:100])
    newest = folder / f"contacts-{days[-1]:%Y-%m-%d}.json"
    with pytest.raises(CorruptDatabaseError) as caught:
        make_repo(db)
    message = str(caught.value)
    assert str(db) in message
    assert f"The newest backup is {newest}" in message
    with pytest.raises(CorruptDatabaseError, match=str(newest)):
        repo.contacts()

    # the backup really recovers the data
    newest_copy = newest.read_bytes()
    db.write_bytes(newest_copy)
    assert len(make_repo(db).contacts()) == 30


# -- outside changes --------------------------------------------------------------------


def test_changes_from_another_repository_are_picked_up(db: Path) -> None:
    tui = make_repo(db)
    cli = make_repo(db)
    assert tui.refresh() is False

    ada = add(cli, "Ada")
    assert cli.refresh() is False  # its own write is not an outside change
    assert tui.refresh() is True
    assert tui.refresh() is False
    assert [c.id for c in tui.contacts()] == [ada]

    cli.advance(ada, NOW)
    assert tui.get(ada).stage is Stage.REQUESTED  # reading syncs without refresh()


def test_moves_are_checked_against_the_file_not_a_stale_cache(db: Path) -> None:
    tui = make_repo(db)
    cli = make_repo(db)
    ada = add(tui, "Ada")
    assert tui.get(ada).stage is Stage.IDENTIFIED  # cached

    cli.edit(ada, {"company": "Acme"}, NOW)
    tui.advance(ada, NOW)  # must not drop the edit
    final = make_repo(db).get(ada)
    assert final.company == "Acme"
    assert final.stage is Stage.REQUESTED
    assert [e.kind for e in final.events] == [EventKind.CREATED, EventKind.EDIT, EventKind.ADVANCE]

    cli.archive(ada, ArchiveReason.DECLINED, NOW)
    with pytest.raises(MoveError, match="archived"):
        tui.advance(ada, NOW)
    assert make_repo(db).get(ada).stage is Stage.REQUESTED


def test_contact_added_by_another_repository_keeps_both(db: Path) -> None:
    first = make_repo(db)
    second = make_repo(db)
    a = add(first, "Ada")
    b = add(second, "Bea")
    c = add(first, "Cleo")
    assert [x.id for x in first.contacts()] == [a, b, c]
    assert [x.id for x in second.contacts()] == [a, b, c]
    data = json.loads(db.read_text())
    assert sorted(r["id"] for r in data["contacts"].values()) == sorted([a, b, c])


def test_contacts_are_oldest_first_after_reloading_the_file(db: Path) -> None:
    # Doc ids are stored as text keys, and sorted keys put "10" before "2".
    repo = make_repo(db)
    names = [f"Person {n}" for n in range(12)]
    for n, name in enumerate(names):
        add(repo, name, NOW + timedelta(minutes=n))
    assert [c.name for c in repo.contacts()] == names
    assert [c.name for c in make_repo(db).contacts()] == names


def test_file_deleted_from_outside_is_noticed(db: Path) -> None:
    repo = make_repo(db)
    add(repo, "Ada")
    db.unlink()
    assert repo.refresh() is True
    assert repo.contacts() == []


def test_records_round_trip_exactly(db: Path) -> None:
    repo = make_repo(db)
    contact = repo.add({"name": "Ada", "notes": "line one\nline two"}, NOW)
    repo.advance(contact.id, NOW, note="asked by email")
    stored = json.loads(db.read_text())["contacts"]["1"]
    assert stored == contact_to_record(make_repo(db).get(contact.id))
    assert stored["notes"] == "line one\nline two"
    assert stored["events"][1]["data"] == {
        "from_stage": "identified",
        "to_stage": "requested",
        "note": "asked by email",
    }


# -- field-level edits: an open form never reverts what was written elsewhere -----


def test_an_edit_carries_only_the_changed_fields_so_outside_changes_survive(db: Path) -> None:
    form = make_repo(db)
    contact = form.add({"name": "Ada", "company": "Acme"}, NOW)
    base = contact.fields()  # what the form showed when it opened
    # meanwhile, another process (an import, say) fills in the phone
    make_repo(db).apply_import([], [(contact.id, {"phone": "+44 20 7946 0000"})], NOW)
    saved, event = form.edit(contact.id, {"role": "CTO"}, NOW, base=base)
    assert event is not None
    assert isinstance(event.data, Edit)
    assert dict(event.data.fields) == {"role": ("", "CTO")}
    assert (saved.role, saved.phone) == ("CTO", "+44 20 7946 0000")
    assert make_repo(db).get(contact.id).phone == "+44 20 7946 0000"


def test_the_same_field_changed_elsewhere_is_a_conflict_not_an_overwrite(db: Path) -> None:
    form = make_repo(db)
    contact = form.add({"name": "Ada", "role": "Engineer"}, NOW)
    base = contact.fields()
    make_repo(db).edit(contact.id, {"role": "Head of Data"}, NOW)
    before = db.read_bytes()
    with pytest.raises(EditConflict) as caught:
        form.edit(contact.id, {"role": "CTO", "company": "Initech"}, NOW, base=base)
    assert caught.value.conflicts == {"role": ("Head of Data", "CTO")}
    assert "Role" in str(caught.value)
    assert db.read_bytes() == before  # nothing written, not even the company
    # choosing their value: the form drops the field, and the rest saves
    saved, _ = form.edit(contact.id, {"company": "Initech"}, NOW, base=base)
    assert (saved.role, saved.company) == ("Head of Data", "Initech")


def test_the_same_value_typed_in_both_places_is_no_conflict(db: Path) -> None:
    form = make_repo(db)
    contact = form.add({"name": "Ada"}, NOW)
    base = contact.fields()
    make_repo(db).edit(contact.id, {"role": "CTO"}, NOW)
    saved, event = form.edit(contact.id, {"role": "CTO"}, NOW, base=base)
    assert event is None
    assert saved.role == "CTO"


def test_every_table_gives_out_doc_ids_the_same_way(db: Path) -> None:
    repo = make_repo(db)
    add(repo, "Ada")
    data = json.loads(db.read_text())
    data["contacts"]["7"] = data["contacts"].pop("1")  # a hand edit left a gap
    db.write_text(json.dumps(data))
    repo = make_repo(db)
    grace = repo.add({"name": "Grace"}, NOW)
    mine = Question("q-mine", "What surprised you?", Category.CAREER_PATH, (), False, False)
    repo.save_question(mine)
    repo.save_question(replace(mine, text="What surprised you most?"))
    stored = json.loads(db.read_text())
    assert sorted(stored["contacts"], key=int) == ["7", "8"]
    assert stored["contacts"]["8"]["id"] == grace.id
    assert list(stored["questions"]) == ["1"]  # the edit replaced the record in place
    assert stored["questions"]["1"]["text"] == "What surprised you most?"


def test_undoing_a_restored_contact_whole_stays_undone_when_read_back(db: Path) -> None:
    """A restored contact arrives with history; undoing the restore takes it off whole."""
    other = make_repo(db.with_name("other.json"))
    ada = other.add({"name": "Ada"}, NOW)
    ada, _ = other.advance(ada.id, NOW)
    repo = make_repo(db)
    (restored,) = repo.restore_backup([ada])
    after = repo.undo(restored.id, restored.events[0].id, NOW, latest=restored.events[-1].id)
    assert after.removed
    assert after.events[-1].data == Undo(restored.events[0].id, whole=True)
    assert make_repo(db).contacts() == []
    stored = json.loads(db.read_text())["contacts"]["1"]["events"][-1]
    assert stored["data"] == {"event_id": restored.events[0].id, "whole": True}


def test_restoring_again_under_new_ids_keeps_introductions_to_the_new_referrer(db: Path) -> None:
    """Restored twice (the first restore undone), the referrer comes back under a new id:
    the person they introduced must point at that id, not at the removed copy."""
    other = make_repo(db.with_name("other.json"))
    ann = other.add({"name": "Ann Ref"}, NOW)
    bo = replace(other.add({"name": "Bo Intro"}, NOW), referrer_id=ann.id)
    repo = make_repo(db)
    first = repo.restore_backup([ann, bo])
    repo.undo_all([(c.id, c.events[0].id, c.events[-1].id) for c in first], NOW)
    again = {c.name: c for c in repo.restore_backup([ann, bo])}
    assert again["Ann Ref"].id != ann.id
    assert again["Bo Intro"].referrer_id == again["Ann Ref"].id
    assert [c.name for c in make_repo(db).referrals_of(again["Ann Ref"].id)] == ["Bo Intro"]


def test_restoring_again_after_an_undo_never_adds_a_second_copy(db: Path) -> None:
    """Restore, undo, restore, restore: the ids now name removed contacts, so the second
    restore must not bring the people back a third time under yet another id."""
    other = make_repo(db.with_name("other.json"))
    people = [
        other.add({"name": "Rita Ref", "company": "Foo"}, NOW),
        other.add({"name": "Xena X"}, NOW),
    ]
    repo = make_repo(db)
    first = repo.restore_backup(people)
    repo.undo_all([(c.id, c.events[0].id, c.events[-1].id) for c in first], NOW)
    assert len(repo.restore_backup(people)) == 2  # back, under new ids
    assert repo.restore_backup(people) == []  # already there
    assert sorted(c.name for c in make_repo(db).contacts()) == ["Rita Ref", "Xena X"]


def test_saving_the_picked_questions_keeps_notes_saved_elsewhere_meanwhile(db: Path) -> None:
    """The picker used to save the whole meeting as read before it opened."""
    picker, meeting_mode = make_repo(db), make_repo(db)
    contact = picker.add({"name": "Ada"}, NOW)
    contact, _ = picker.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    meeting = contact.meetings[0]
    meeting_mode.save_meeting(contact.id, replace(meeting, notes="typed in the other window"))
    item = AgendaItem("q1", "What surprised you?", "career path")
    saved = picker.save_agenda(contact.id, meeting.id, [item])
    assert saved.meetings[0].agenda == (item,)
    assert make_repo(db).get(contact.id).meetings[0].notes == "typed in the other window"


def test_undoing_a_promise_reopened_brings_back_when_it_was_ticked_off(db: Path) -> None:
    repo = make_repo(db)
    contact = repo.add({"name": "Ada"}, NOW)
    contact, _ = repo.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    meeting = contact.meetings[0]
    promise = Promise("p1", "Send the deck", NOW)
    repo.save_meeting(contact.id, replace(meeting, promises=(promise,)))
    ticked_at = NOW + timedelta(hours=1)
    repo.tick_promise(contact.id, "p1", ticked_at)
    _, reopened = repo.tick_promise(contact.id, "p1", ticked_at + timedelta(hours=1), done=False)
    back = repo.undo(contact.id, reopened.id, ticked_at + timedelta(hours=2))
    assert back.meetings[0].promises[0].done_at == ticked_at


# -- backups after a wrong clock, and what the file's bytes may hold ----------------------


def test_future_dated_backups_never_push_out_the_one_just_written(db: Path) -> None:
    """A clock that ran ahead left 14 backups named for days to come: today's is kept."""
    add(make_repo(db), "Ada")
    folder = db.parent / "backups"
    for made_today in folder.iterdir():
        made_today.unlink()
    future = [TODAY + timedelta(days=400 + n) for n in range(atomic.BACKUPS_KEPT)]
    for n, day in enumerate(future):
        path = folder / f"contacts-{day:%Y-%m-%d}.json"
        path.write_bytes(db.read_bytes())
        os.utime(path, ns=(n * 10**9, n * 10**9))  # written in this order, long ago
    before = db.read_bytes()

    add(make_repo(db), "Grace")

    today = folder / f"contacts-{TODAY:%Y-%m-%d}.json"
    assert today.read_bytes() == before
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == atomic.BACKUPS_KEPT
    # the one really written first went, not today's
    assert f"contacts-{future[0]:%Y-%m-%d}.json" not in names
    assert f"contacts-{future[1]:%Y-%m-%d}.json" in names


def test_the_database_may_start_with_a_utf8_bom(db: Path) -> None:
    add(make_repo(db), "Ada")
    db.write_bytes(b"\xef\xbb\xbf" + db.read_bytes())
    before = db.read_bytes()

    assert [c.name for c in make_repo(db).contacts()] == ["Ada"]
    assert db.read_bytes() == before  # reading rewrites nothing
    add(make_repo(db), "Grace")
    assert [c.name for c in make_repo(db).contacts()] == ["Ada", "Grace"]


def test_invalid_utf8_is_reported_at_its_real_place(db: Path) -> None:
    add(make_repo(db), "Ada")
    good = db.read_bytes()
    at = good.index(b"Ada")
    db.write_bytes(good[:at] + b"Ad\xe9" + good[at + 3 :])  # Latin-1 from a hand edit
    before = listing(db.parent), db.read_bytes()
    line = good.count(b"\n", 0, at) + 1
    column = at - good.rfind(b"\n", 0, at) + 2

    with pytest.raises(CorruptDatabaseError) as caught:
        make_repo(db)

    assert f"byte 0xe9 at line {line}, column {column} (byte offset {at + 2}) is not UTF-8" in (
        str(caught.value)
    )
    assert (listing(db.parent), db.read_bytes()) == before


def test_a_failed_read_writes_nothing_even_for_a_write(db: Path) -> None:
    add(make_repo(db), "Ada")
    repo = make_repo(db)
    db.write_bytes(db.read_bytes().replace(b"Ada", b"\xff\xfe\xfd"))
    before = listing(db.parent), db.read_bytes()

    with pytest.raises(CorruptDatabaseError):
        add(repo, "Grace")

    assert (listing(db.parent), db.read_bytes()) == before
