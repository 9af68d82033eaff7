"""The first real migration: schema 2 (meaning in free text) to 3 (typed event payloads).

A schema-2 file as coffeechat 0.1 wrote it, with every kind of event whose
meaning lived in ``note`` or ``changes``, must open with nothing lost and
nothing misread, keep a private copy of the original, and refuse (not
rewrite) a record it cannot read.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from coffeechat.domain.events import (
    Advance,
    Archive,
    ArchiveReason,
    Edit,
    MeetingAction,
    MeetingChange,
    Restore,
    Snooze,
    Touch,
)
from coffeechat.domain.stages import Stage
from coffeechat.storage.errors import CorruptDatabaseError
from coffeechat.storage.repository import SCHEMA_VERSION, Repository

AT = "2026-11-01T10:00:00+00:00"


def _event(event_id: str, kind: str, **rest: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "kind": kind,
        "at": AT,
        "recorded_at": AT,
        "from": None,
        "to": None,
        "note": "",
        **rest,
    }


def schema_2_contact() -> dict[str, Any]:
    """Priya, through every event kind schema 2 had, as 0.1 wrote them."""
    return {
        "id": "priya",
        "name": "Priya Raman",
        "company": "Initech",
        "role": "",
        "email": "",
        "phone": "",
        "linkedin": "",
        "source": "",
        "referred_by": "Sam",
        "connected_on": "",
        "cadence": "",
        "notes": "",
        "referrer_id": "",
        "events": [
            _event("e1", "created", to="identified"),
            _event("e2", "advance", **{"from": "identified"}, to="requested", note="sent request"),
            _event("e3", "touch", note="nudge", changes={"channel": ["", "email"]}),
            _event(
                "e4",
                "meeting",
                note="scheduled",
                changes={
                    "meeting": ["", "m1"],
                    "scheduled_at": ["", AT],
                    "format": ["", "video"],
                    "minutes": ["", "15"],
                },
            ),
            _event(
                "e5", "meeting", note="held", changes={"meeting": ["m1", "m1"], "held_at": ["", AT]}
            ),
            _event("e6", "advance", **{"from": "requested"}, to="met"),
            _event("e7", "advance", **{"from": "met"}, to="thanked", note="sent thank-you"),
            _event(
                "e8",
                "advance",
                **{"from": "thanked"},
                to="follow-up",
                changes={"channel": ["", "coffee"]},
                note="caught up",
            ),
            _event(
                "e9",
                "touch",
                **{"from": "follow-up"},
                to="follow-up",
                changes={"channel": ["", "call"]},
            ),
            _event(
                "e10",
                "snooze",
                note="follow-up/2027-02-01",
                changes={"until": ["", "2027-02-15T09:00:00+00:00"]},
            ),
            _event(
                "e11", "edit", changes={"company": ["Acme", "Initech"], "referrer_id": ["sam", ""]}
            ),
            _event("e12", "archive", **{"from": "follow-up"}, note="declined"),
            _event("e13", "restore"),
            _event("e14", "archive", **{"from": "follow-up"}, note="moved abroad"),
        ],
        "meetings": [
            {
                "id": "m1",
                "scheduled_at": AT,
                "format": "video",
                "minutes": 15,
                "place": "",
                "research": "",
                "goals": "",
                "agenda": [],
                "notes": "n",
                "takeaways": [],
                "promises": [],
                "referrals": [],
                "started_at": None,
                "held_at": AT,
            },
        ],
    }


def schema_2_bytes(contact: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps(
        {
            "contacts": {"1": contact or schema_2_contact()},
            "meta": {"1": {"schema": 2, "settings": {}}},
            "questions": {},
        }
    )


def test_every_event_kind_keeps_its_meaning(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    db.write_bytes(schema_2_bytes())
    db.chmod(0o600)
    contact = Repository(db).get("priya")
    data = {event.id: event.data for event in contact.events}
    assert data["e2"] == Advance(Stage.IDENTIFIED, Stage.REQUESTED, message="request")
    assert data["e3"] == Touch("email", note="nudge")
    assert data["e4"] == MeetingChange(
        "m1",
        MeetingAction.SCHEDULED,
        {"scheduled_at": ("", AT), "format": ("", "video"), "minutes": ("", "15")},
    )
    assert data["e5"] == MeetingChange("m1", MeetingAction.HELD, {"held_at": ("", AT)})
    assert data["e7"] == Advance(Stage.MET, Stage.THANKED, message="thank-you")
    assert data["e8"] == Advance(Stage.THANKED, Stage.FOLLOW_UP, "coffee", note="caught up")
    assert data["e9"] == Touch("call")
    until = datetime(2027, 2, 15, 9, tzinfo=UTC)
    assert data["e10"] == Snooze("follow-up", "2027-02-01", until)
    assert data["e11"] == Edit({"company": ("Acme", "Initech")}, ("sam", ""))
    assert data["e12"] == Archive(ArchiveReason.DECLINED, Stage.FOLLOW_UP)
    assert data["e13"] == Restore()
    # a reason typed by hand is kept word for word
    assert data["e14"] == Archive(ArchiveReason.OTHER, Stage.FOLLOW_UP, "moved abroad")
    assert contact.archive_reason == "moved abroad"
    assert contact.stage is Stage.FOLLOW_UP
    assert contact.snoozed_until("follow-up", "2027-02-01") == until


def test_the_file_is_rewritten_typed_with_a_private_backup_of_the_original(
    tmp_path: Path,
) -> None:
    db = tmp_path / "contacts.json"
    original = schema_2_bytes()
    db.write_bytes(original)
    before = Repository(db).get("priya")
    on_disk = json.loads(db.read_text())
    assert on_disk["meta"]["1"]["schema"] == SCHEMA_VERSION == 4
    events = on_disk["contacts"]["1"]["events"]
    assert all(set(e) == {"id", "kind", "at", "recorded_at", "data"} for e in events)
    assert events[1]["data"] == {
        "from_stage": "identified",
        "to_stage": "requested",
        "message": "request",
    }
    # everything outside the events stays as it was
    old = schema_2_contact()
    assert {k: v for k, v in on_disk["contacts"]["1"].items() if k != "events"} == {
        k: v for k, v in old.items() if k != "events"
    }
    backup = db.with_name("contacts.json.schema-2.bak")
    assert backup.read_bytes() == original
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    # reading the typed file back gives the same contact
    assert Repository(db).get("priya") == before


def test_a_record_that_does_not_read_refuses_the_file_and_leaves_it_alone(
    tmp_path: Path,
) -> None:
    broken = schema_2_contact()
    broken["events"][9]["changes"] = {"until": ["", "next week"]}  # not a date
    db = tmp_path / "contacts.json"
    original = schema_2_bytes(broken)
    db.write_bytes(original)
    with pytest.raises(CorruptDatabaseError, match="record 1 in 'contacts' is malformed"):
        Repository(db)
    assert db.read_bytes() == original
    assert not db.with_name("contacts.json.schema-2.bak").exists()


def test_reading_commands_upgrade_in_memory_only(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    original = schema_2_bytes()
    db.write_bytes(original)
    contact = Repository(db, create=False).get("priya")
    assert contact.archive_reason == "moved abroad"
    assert db.read_bytes() == original


def test_undo_after_migration_appends_and_reads_back(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    db.write_bytes(schema_2_bytes())
    repo = Repository(db)
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    restored, event = repo.restore("priya", now)
    after = repo.undo("priya", event.id, now)
    assert after.archived
    assert len(after.events) == len(restored.events) + 1
    assert Repository(db).get("priya") == after


def _typed_file(event: dict[str, Any]) -> bytes:
    created = {"id": "e1", "kind": "created", "at": AT, "recorded_at": AT, "data": {}}
    record = {"id": "c1", "name": "Ada", "events": [created, event]}
    return orjson.dumps({"contacts": {"1": record}, "meta": {"1": {"schema": 3}}})


@pytest.mark.parametrize(
    ("data", "kind", "problem"),
    [
        ([], "advance", "an event's data is not an object"),
        ({"from_stage": "met", "to_stage": "lunch"}, "advance", "'lunch' is not a stage"),
        ({"from_stage": "met"}, "advance", "None is not a stage"),
        ({"reason": "bored"}, "archive", "archive reason 'bored' is unknown"),
        ({"reason": ["declined"]}, "archive", "archive reason ['declined'] is unknown"),
        ({"meeting_id": "m1", "action": {}}, "meeting", "meeting action {} is unknown"),
        ({"from_stage": ["met"], "to_stage": "thanked"}, "advance", "is not a stage"),
        ({"action": "held"}, "meeting", "a meeting event names no meeting"),
        ({"meeting_id": "m1", "action": "teleported"}, "meeting", "meeting action"),
        ({"meeting_id": "m1", "action": "held", "fields": {"x": ["a"]}}, "meeting", "malformed"),
        ({"due": "follow-up", "ref": "x", "until": "soon"}, "snooze", "is not an ISO 8601 date"),
        ({"meeting_id": "m", "promise_id": "p", "done": "yes"}, "promise", "not true/false"),
        ({}, "undo", "an undo names no event"),
        ({"event_id": 7}, "undo", "is not text"),
        ({"fields": {"role": ["a", 1]}}, "edit", "malformed"),
        ({"fields": {"id": ["c1", "c2"]}}, "edit", "fields coffeechat does not have: id"),
        (
            {"meeting_id": "m", "action": "held", "fields": {"x": ["", "y"]}},
            "meeting",
            "fields coffeechat does not have: x",
        ),
        ({"channel": ["email"]}, "touch", "is not text"),
    ],
)
def test_a_malformed_typed_event_refuses_the_file_naming_the_record(
    tmp_path: Path, data: object, kind: str, problem: str
) -> None:
    """A hand-edited or synced schema-3 file is untrusted: one sentence, nothing written."""
    db = tmp_path / "contacts.json"
    original = _typed_file({"id": "e2", "kind": kind, "at": AT, "recorded_at": AT, "data": data})
    db.write_bytes(original)
    with pytest.raises(CorruptDatabaseError) as caught:
        Repository(db)
    message = str(caught.value)
    assert "record 1 in 'contacts' is malformed" in message
    assert problem in message
    assert db.read_bytes() == original


def test_an_undo_naming_no_event_of_the_contact_changes_nothing(tmp_path: Path) -> None:
    """An undo pointing nowhere (a merge, a hand edit) is harmless, not a crash."""
    db = tmp_path / "contacts.json"
    stray = {"id": "e2", "kind": "undo", "at": AT, "recorded_at": AT,
             "data": {"event_id": "not-here"}}  # fmt: skip
    db.write_bytes(_typed_file(stray))
    contact = Repository(db).get("c1")
    assert contact.stage is Stage.IDENTIFIED
    assert not contact.removed


def test_an_old_edit_naming_a_field_coffeechat_lacks_opens_without_it(tmp_path: Path) -> None:
    """The old version read it (it never applied the field); undo must never set it."""
    contact = schema_2_contact()
    contact["events"][10]["changes"]["id"] = ["priya", "someone-else"]
    db = tmp_path / "contacts.json"
    db.write_bytes(schema_2_bytes(contact))
    edit = Repository(db).get("priya").event("e11")
    assert edit is not None
    assert edit.data == Edit({"company": ("Acme", "Initech")}, ("sam", ""))
