"""Red-team findings on the append-only history: undo, hand-made files, migration, two writers.

Each test is a way someone could lose or misfile data, found by attacking the
typed history; each one failed before its fix.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coffeechat.domain.events import Created, Snooze, Touch
from coffeechat.domain.pipeline import EditConflict, MoveError
from coffeechat.domain.stages import Stage
from coffeechat.storage.errors import CorruptDatabaseError
from coffeechat.storage.repository import Repository

NOW = datetime(2026, 11, 1, 10, tzinfo=UTC)
AT = NOW.isoformat()


def _write(path: Path, schema: int, *records: dict[str, Any]) -> None:
    contacts = {str(n): record for n, record in enumerate(records, start=1)}
    path.write_text(json.dumps({"meta": {"1": {"schema": schema}}, "contacts": contacts}))


def _legacy_event(event_id: str, kind: str, **rest: Any) -> dict[str, Any]:
    return {"id": event_id, "kind": kind, "at": AT, "recorded_at": AT, **rest}


def _legacy_contact(*events: dict[str, Any]) -> dict[str, Any]:
    return {"id": "c1", "name": "Ada Lovelace", "events": list(events)}


CREATED = _legacy_event("e1", "created", to="identified")


# -- undo against another window ---------------------------------------------------


def test_undoing_a_meetings_scheduling_keeps_notes_typed_into_it_elsewhere(
    tmp_path: Path,
) -> None:
    """Window A schedules; window B takes notes in meeting mode; A's undo must not drop them.

    Saving typed notes appends no event, so "nothing happened since" held and
    the undo removed the meeting, notes and all, with nothing to bring it back.
    """
    path = tmp_path / "contacts.json"
    first, second = Repository(path), Repository(path)
    contact = first.add({"name": "Ada Lovelace"}, NOW)
    contact, event = first.schedule_meeting(
        contact.id, None, {"scheduled_at": NOW + timedelta(days=2)}, NOW
    )
    assert event is not None
    meeting = second.get(contact.id).meetings[0]
    second.save_meeting(contact.id, replace(meeting, notes="what she said about the team"))

    with pytest.raises(MoveError, match="nothing was undone"):
        first.undo(contact.id, event.id, NOW)

    assert Repository(path).get(contact.id).meetings[0].notes == "what she said about the team"


def test_undoing_a_scheduling_nothing_was_typed_into_still_works(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "contacts.json")
    contact = repository.add({"name": "Ada Lovelace"}, NOW)
    contact, event = repository.schedule_meeting(
        contact.id, None, {"scheduled_at": NOW + timedelta(days=2)}, NOW
    )
    assert event is not None
    assert repository.undo(contact.id, event.id, NOW).meetings == ()


# -- hand-edited / merged schema-3 files ---------------------------------------------


def test_a_file_repeating_an_event_id_is_refused_unwritten(tmp_path: Path) -> None:
    """Two events sharing an id (a careless merge): undoing "it" reversed one, hid both.

    The name went back while the company kept the value of an event the
    history no longer counted.  Refuse the file, naming the record.
    """
    path = tmp_path / "contacts.json"
    record = {
        "id": "c1",
        "name": "B",
        "company": "Y",
        "events": [
            {"id": "e1", "kind": "created", "at": AT, "recorded_at": AT, "data": {}},
            {
                "id": "e2",
                "kind": "edit",
                "at": AT,
                "recorded_at": AT,
                "data": {"fields": {"name": ["A", "B"]}},
            },
            {
                "id": "e2",
                "kind": "edit",
                "at": AT,
                "recorded_at": AT,
                "data": {"fields": {"company": ["X", "Y"]}},
            },
        ],
    }
    _write(path, 3, record)
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError, match=r"record 1 .*event id 'e2' appears twice"):
        Repository(path)
    assert path.read_bytes() == before


# -- schema 2 records the old coffeechat read ------------------------------------------


@pytest.mark.parametrize(
    ("label", "event"),
    [
        ("a move to no stage", _legacy_event("e2", "advance", to=None, note="typed by hand")),
        ("a meeting event naming no meeting", _legacy_event("e2", "meeting", note="held")),
        ("a snooze with no end", _legacy_event("e2", "snooze", note="follow-up/2026-12-01")),
        ("changes as an empty list", _legacy_event("e2", "touch", changes=[])),
        ("a note that is a number", _legacy_event("e2", "touch", note=5)),
    ],
)
def test_schema_2_records_the_old_version_read_still_open(
    tmp_path: Path, label: str, event: dict[str, Any]
) -> None:
    """Before schema 3 these read fine; the migration refused the whole file over them."""
    path = tmp_path / "contacts.json"
    _write(path, 2, _legacy_contact(CREATED, event))

    contact = Repository(path).get("c1")

    assert len(contact.events) == 2, label
    assert contact.stage is Stage.IDENTIFIED
    assert Repository(path).get("c1") == contact  # the migrated file reads back the same


def test_old_events_keep_their_text_when_read(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    _write(
        path,
        2,
        _legacy_contact(
            CREATED,
            _legacy_event("e2", "advance", to=None, note="typed by hand"),
            _legacy_event("e3", "meeting", note="held"),
            _legacy_event("e4", "snooze", note="follow-up/2026-12-01"),
        ),
    )
    contact = Repository(path).get("c1")
    assert [e.data for e in contact.events[1:3]] == [
        Touch(note="typed by hand"),
        Touch(note="held"),
    ]
    snooze = contact.events[3].data
    assert type(snooze) is Snooze
    assert snooze.until <= NOW  # hides nothing, as a snooze with no end did
    assert contact.snoozed_until("follow-up", "2026-12-01") is not None
    assert not contact.snoozed_until("follow-up", "2026-12-01") > NOW  # type: ignore[operator]


@pytest.mark.parametrize(
    "events",
    [
        [_legacy_event("e2", "advance", **{"from": "identified"}, to="requested")],
        [_legacy_event("e2", "advance", **{"from": "identified"}, to="requested"), CREATED],
    ],
    ids=["no created event", "created event not first"],
)
def test_a_schema_2_history_not_starting_with_created_still_opens(
    tmp_path: Path, events: list[dict[str, Any]]
) -> None:
    """The old version derived the stage from whatever events there were; keep them all."""
    path = tmp_path / "contacts.json"
    _write(path, 2, _legacy_contact(*events))

    contact = Repository(path).get("c1")

    assert type(contact.events[0].data) is Created
    assert [e.id for e in contact.events[1:]] == [e["id"] for e in events]
    expected = Stage.REQUESTED if len(events) == 1 else Stage.IDENTIFIED  # the latest move wins
    assert contact.stage is expected
    assert Repository(path).get("c1") == contact


def test_a_schema_2_history_repeating_an_id_opens_with_fresh_ids(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    _write(
        path,
        2,
        _legacy_contact(CREATED, _legacy_event("e2", "touch"), _legacy_event("e2", "touch")),
    )
    contact = Repository(path).get("c1")
    assert len({e.id for e in contact.events}) == 3
    assert contact.events[1].id == "e2"


# -- the migration's private copy ------------------------------------------------------


def test_a_second_migration_keeps_the_first_migrations_copy(tmp_path: Path) -> None:
    """Put an old schema-2 file back after migrating once: the first copy must survive.

    The copy was made with ``shutil.copy2`` straight over any earlier
    ``.schema-2.bak`` (and was readable by all until the chmod after it).
    """
    path = tmp_path / "contacts.json"
    _write(path, 2, _legacy_contact(CREATED))
    first = path.read_bytes()
    Repository(path)
    _write(path, 2, _legacy_contact(CREATED, _legacy_event("e2", "touch", note="second")))
    second = path.read_bytes()
    Repository(path)

    copies = sorted(tmp_path.glob("contacts.json.schema-2*.bak"))
    assert sorted(c.read_bytes() for c in copies) == sorted([first, second])
    assert all(c.stat().st_mode & 0o777 == 0o600 for c in copies)


# -- recovering from an undo ------------------------------------------------------------


def test_restoring_a_backup_brings_back_a_contact_whose_adding_was_undone(
    tmp_path: Path,
) -> None:
    """One `u` too many removes a contact; the backup made before it brings her back.

    The restore plans Ann as new (the lists leave removed contacts out) and
    restores her under a new id: the removed record keeps its history.
    """
    from coffeechat.transfer import EXPORT_FORMATS, IMPORT_FORMATS, ExportOptions, ImportOptions

    repository = Repository(tmp_path / "contacts.json")
    ann = repository.add({"name": "Ann Lee", "notes": "years of notes"}, NOW)
    repository.add({"name": "Bob Stone"}, NOW)
    writer = EXPORT_FORMATS["json"].writer
    reader = IMPORT_FORMATS["json"].reader
    assert writer is not None
    assert reader is not None
    backup = tmp_path / "backup.json"
    backup.write_bytes(writer(repository, NOW, ExportOptions()))
    repository.undo(ann.id, ann.events[0].id, NOW)

    reader(repository, backup, NOW, ImportOptions())

    assert "Ann Lee" in [c.name for c in repository.contacts()]


def test_a_file_holding_one_contact_twice_is_refused_unwritten(tmp_path: Path) -> None:
    """Two records with one contact id (a merged or synced file): one was silently hidden.

    The later record won, the earlier one's changes never showed, and every
    write went to the later one only.
    """
    path = tmp_path / "contacts.json"

    def copy(name: str) -> dict[str, Any]:
        created = {"id": "e1", "kind": "created", "at": AT, "recorded_at": AT, "data": {}}
        return {"id": "same", "name": name, "events": [created]}

    _write(path, 3, copy("Ada (phone copy)"), copy("Ada (laptop copy)"))
    before = path.read_bytes()
    with pytest.raises(CorruptDatabaseError, match=r"records 1 and 2 .* both contact same"):
        Repository(path)
    assert path.read_bytes() == before


def test_a_merged_undo_of_adding_does_not_hide_work_done_since(tmp_path: Path) -> None:
    """One copy undid adding Ada; the other moved her on meanwhile; a sync merged both.

    Undo only takes back the latest change, so coffeechat never writes this
    history itself; hiding her would hide the move (and every later change)
    from every list and every backup.
    """
    path = tmp_path / "contacts.json"

    def event(key: str, kind: str, **data: str) -> dict[str, Any]:
        return {"id": key, "kind": kind, "at": AT, "recorded_at": AT, "data": data}

    advance = event("e2", "advance", from_stage="identified", to_stage="requested")
    record = {
        "id": "c1",
        "name": "Ada Lovelace",
        "events": [event("e1", "created"), advance, event("e3", "undo", event_id="e1")],
    }
    _write(path, 3, record)

    repository = Repository(path)

    assert [c.name for c in repository.contacts()] == ["Ada Lovelace"]
    assert repository.get("c1").stage is Stage.REQUESTED
    with pytest.raises(MoveError):
        repository.undo("c1", "e1", NOW)  # already undone: a sentence, not an IndexError


# -- attacks that held: kept as regression tests ------------------------------------------


def test_undoing_a_finished_meeting_after_a_referral_was_edited_elsewhere_changes_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.json"
    mine, theirs = Repository(path), Repository(path)
    ada = mine.add({"name": "Ada Lovelace"}, NOW)
    ada, scheduled = mine.schedule_meeting(ada.id, None, {"scheduled_at": NOW}, NOW)
    meeting = ada.meetings[0]
    mine.save_meeting(ada.id, replace(meeting, referrals=("Grace Hopper, Navy", "Alan Turing")))
    later = NOW + timedelta(hours=2)
    ada, events, added = mine.finish_meeting(ada.id, meeting.id, NOW + timedelta(hours=1), later)
    steps = [(ada.id, e.id) for e in reversed(events)] + [(c.id, c.events[0].id) for c in added]
    theirs.edit(added[0].id, {"email": "grace@navy.mil"}, later)
    before = path.read_bytes()

    with pytest.raises(MoveError, match="nothing was undone"):
        mine.undo_all(steps, later)

    assert path.read_bytes() == before
    assert Repository(path).get(added[0].id).email == "grace@navy.mil"
    assert scheduled is not None


def test_undoing_twice_from_two_windows_is_refused_the_second_time(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    first, second = Repository(path), Repository(path)
    ada = first.add({"name": "Ada Lovelace"}, NOW)
    ada, advance = first.advance(ada.id, NOW)
    first.undo(ada.id, advance.id, NOW)
    with pytest.raises(MoveError, match="already undone"):
        second.undo(ada.id, advance.id, NOW)
    assert len(Repository(path).get(ada.id).events) == 3


def test_undoing_an_import_after_one_person_was_moved_on_elsewhere_keeps_everyone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.json"
    mine, theirs = Repository(path), Repository(path)
    old = mine.add({"name": "Ada Lovelace"}, NOW)
    added, updated = mine.apply_import(
        [{"name": "Grace Hopper"}, {"name": "Alan Turing"}], [(old.id, {"phone": "1"})], NOW
    )
    steps = [(c.id, c.events[-1].id) for c in (*updated, *added)]
    theirs.advance(added[1].id, NOW)
    with pytest.raises(MoveError):
        mine.undo_all(steps, NOW)
    names = sorted(c.name for c in Repository(path).contacts())
    assert names == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert Repository(path).get(old.id).phone == "1"


def test_the_edit_form_keeps_outside_changes_and_same_values_are_no_conflict(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.json"
    form, elsewhere = Repository(path), Repository(path)
    ada = form.add({"name": "Ada Lovelace", "company": "Analytical"}, NOW)
    base = ada.fields()
    elsewhere.edit(ada.id, {"company": "Babbage & Co", "role": "Engineer"}, NOW)

    saved, _ = form.edit(ada.id, {"email": "ada@x.io", "role": "Engineer"}, NOW, base=base)
    assert (saved.company, saved.role, saved.email) == ("Babbage & Co", "Engineer", "ada@x.io")

    elsewhere.edit(ada.id, {"phone": "1"}, NOW)
    with pytest.raises(EditConflict) as conflict:
        form.edit(ada.id, {"phone": "2", "notes": "mine"}, NOW, base=saved.fields())
    assert conflict.value.conflicts == {"phone": ("1", "2")}
    assert Repository(path).get(ada.id).notes == ""  # nothing half-saved: the form keeps both
