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
from coffeechat.domain.records import RecordError, meeting_from_record
from coffeechat.domain.rules import Settings, due_items, meeting_items, nudge_item
from coffeechat.domain.stages import Stage
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
