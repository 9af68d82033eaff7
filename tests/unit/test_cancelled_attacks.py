"""Red-team attacks on cancelled meetings (issue 11) that need no terminal.

The app's own cancel clears the meeting's time, but a hand-edited file, or
two synced copies where one cancelled and the other moved the meeting, can
hold a meeting with both a time and ``cancelled_at``.  Cancelled is
cancelled: no calendar event, no "meeting today", and the request is
nudged again as if nothing were planned.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.domain.meetings import Meeting
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import MoveError
from coffeechat.domain.records import RecordError, meeting_from_record
from coffeechat.domain.rules import Settings, due_items, meeting_items, nudge_item
from coffeechat.domain.stages import Stage
from coffeechat.interchange.backup import export_json, read_backup
from coffeechat.interchange.calendar import write_calendar
from coffeechat.storage.repository import Repository

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def requested_with_a_cancelled_meeting(repo: Repository) -> Contact:
    """Requested 10 days ago; a meeting tomorrow that is also marked cancelled."""
    contact = repo.add({"name": "Priya Raman"}, NOW - timedelta(days=11))
    contact, _ = repo.advance(contact.id, NOW - timedelta(days=10))
    assert contact.stage is Stage.REQUESTED
    meeting = Meeting("m1", scheduled_at=NOW + timedelta(days=1), cancelled_at=NOW)
    return replace(contact, meetings=(meeting,))


def test_a_cancelled_meeting_with_a_time_is_not_exported_to_the_calendar(repo) -> None:
    contact = requested_with_a_cancelled_meeting(repo)
    out = io.BytesIO()
    write_calendar([contact], [], NOW, out)
    assert b"BEGIN:VEVENT" not in out.getvalue()


def test_a_cancelled_meeting_with_a_time_is_not_due_and_does_not_stop_the_nudge(repo) -> None:
    contact = requested_with_a_cancelled_meeting(repo)
    assert meeting_items(contact, NOW + timedelta(days=1)) == []
    assert nudge_item(contact, NOW, Settings()) is not None
    kinds = {str(item.kind) for item in due_items([contact], NOW, Settings())}
    assert "meeting" not in kinds


@pytest.mark.parametrize("garbage", ["yesterday-ish", 3, [], {"at": 1}, "2026-13-45T99:00"])
def test_a_garbage_cancelled_time_is_one_sentence_naming_the_meeting(garbage: object) -> None:
    with pytest.raises(RecordError, match=r"^meeting m1: cancelled time"):
        meeting_from_record({"id": "m1", "cancelled_at": garbage})


def test_a_cancelled_meeting_round_trips_through_a_json_backup(repo, tmp_path) -> None:
    contact = repo.add({"name": "Priya Raman"}, NOW - timedelta(days=3))
    contact, _ = repo.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    contact, _ = repo.cancel_meeting(contact.id, contact.meetings[0].id, NOW)
    path = tmp_path / "backup.json"
    with path.open("w", encoding="utf-8") as out:
        export_json([contact], [], {}, NOW, out)
    (back,) = read_backup(path).contacts
    assert back.meetings[0].cancelled_at == NOW
    assert back.next_meeting is None


def test_a_garbage_cancelled_time_in_a_backup_skips_that_contact_in_one_sentence(
    repo, tmp_path
) -> None:
    contact = repo.add({"name": "Priya Raman"}, NOW - timedelta(days=3))
    contact, _ = repo.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    path = tmp_path / "backup.json"
    with path.open("w", encoding="utf-8") as out:
        export_json([contact], [], {}, NOW, out)
    head, tail = path.read_text(encoding="utf-8").rsplit('"minutes"', 1)  # the meeting's own
    text = head + '"cancelled_at": "the day before never", "minutes"' + tail
    path.write_text(text, encoding="utf-8")
    backup = read_backup(path)
    assert backup.contacts == []
    (error,) = backup.errors
    assert "cancelled time" in str(error)


def test_undoing_a_cancel_after_another_window_changed_the_contact_is_refused(
    db_path,
) -> None:
    here, there = Repository(db_path), Repository(db_path)
    contact = here.add({"name": "Priya Raman"}, NOW - timedelta(days=3))
    contact, _ = here.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    meeting_id = contact.meetings[0].id
    _, cancelled = here.cancel_meeting(contact.id, meeting_id, NOW)
    there.schedule_meeting(contact.id, None, {"scheduled_at": NOW + timedelta(days=2)}, NOW)
    with pytest.raises(MoveError, match="changed since"):
        here.undo(contact.id, cancelled.id, NOW)
    stored = Repository(db_path).get(contact.id)
    assert stored.meeting(meeting_id).cancelled_at == NOW  # type: ignore[union-attr]
    assert len([m for m in stored.meetings if m.planned]) == 1


def test_undoing_an_unsnooze_after_the_item_was_done_is_refused(db_path) -> None:
    here, there = Repository(db_path), Repository(db_path)
    contact = here.add({"name": "Priya Raman"}, NOW - timedelta(days=3))
    contact, _ = here.advance(contact.id, NOW - timedelta(days=2))
    contact, _ = here.advance(contact.id, NOW - timedelta(days=1), at=NOW - timedelta(hours=30))
    (item,) = due_items([contact], NOW, Settings())
    here.snooze(contact.id, item.kind.value, item.ref, NOW + timedelta(days=3), NOW)
    _, unsnoozed = here.unsnooze(contact.id, item.kind.value, item.ref, NOW)
    there.message_sent(contact.id, "thank-you", NOW, NOW)  # the thank-you went out
    with pytest.raises(MoveError, match="changed since"):
        here.undo(contact.id, unsnoozed.id, NOW)
    assert Repository(db_path).get(contact.id).stage is Stage.THANKED
