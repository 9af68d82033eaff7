"""Calling a planned meeting off: kept with what was typed for it, no longer planned, undoable."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.domain.events import MeetingAction, MeetingChange
from coffeechat.domain.meetings import AgendaItem
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import MoveError
from coffeechat.domain.rules import Settings, due_items
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository


def planned(repo: Repository, now: datetime) -> tuple[Contact, str]:
    """A requested contact with a meeting tomorrow and one question picked for it."""
    contact = repo.add({"name": "Priya Raman"}, now - timedelta(days=3))
    contact, _ = repo.advance(contact.id, now - timedelta(days=2))
    assert contact.stage is Stage.REQUESTED
    fields = clean_schedule(scheduled_at=now + timedelta(days=1), format="video", minutes="30",
                            place="", research="", goals="Learn how they hire")  # fmt: skip
    contact, _ = repo.schedule_meeting(contact.id, None, fields, now)
    meeting = contact.next_meeting
    assert meeting is not None
    repo.save_meeting(
        contact.id, replace(meeting, agenda=(AgendaItem("q1", "How did you start?", "career"),))
    )
    return repo.get(contact.id), meeting.id


def test_cancelling_keeps_the_meeting_but_it_is_no_longer_planned(repo, now) -> None:
    contact, meeting_id = planned(repo, now)
    cancelled, event = repo.cancel_meeting(contact.id, meeting_id, now)
    assert cancelled.next_meeting is None
    kept = cancelled.meeting(meeting_id)
    assert kept is not None
    assert kept.cancelled_at == now
    assert kept.scheduled_at is None
    assert kept.goals == "Learn how they hire"
    assert len(kept.agenda) == 1
    assert isinstance(event.data, MeetingChange)
    assert event.data.action is MeetingAction.CANCELLED
    # no longer a meeting on Due, and the request is nudged again
    items = due_items([cancelled], now + timedelta(days=1), Settings())
    assert all(item.kind.value != "meeting" for item in items)


def test_undo_brings_the_meeting_back_as_it_was(repo, now) -> None:
    contact, meeting_id = planned(repo, now)
    before = contact.meeting(meeting_id)
    _cancelled, event = repo.cancel_meeting(contact.id, meeting_id, now)
    restored = repo.undo(contact.id, event.id, now)
    assert restored.meeting(meeting_id) == before
    assert restored.next_meeting == before


def test_a_cancelled_meeting_survives_a_reopen(db_path: Path, repo, now) -> None:
    contact, meeting_id = planned(repo, now)
    repo.cancel_meeting(contact.id, meeting_id, now)
    again = Repository(db_path).get(contact.id)
    kept = again.meeting(meeting_id)
    assert kept is not None
    assert kept.cancelled_at == now
    assert again.next_meeting is None


def test_a_cancelled_meeting_cannot_be_changed_or_cancelled_again(repo, now) -> None:
    contact, meeting_id = planned(repo, now)
    repo.cancel_meeting(contact.id, meeting_id, now)
    with pytest.raises(MoveError, match="cancelled"):
        repo.cancel_meeting(contact.id, meeting_id, now)
    with pytest.raises(MoveError, match="cancelled"):
        repo.schedule_meeting(contact.id, meeting_id, {"minutes": 45}, now)


def test_a_cancelled_meeting_held_after_all_is_recorded_and_undone_is_cancelled_again(
    repo, now
) -> None:
    """Meeting mode open while another window cancelled: the meeting took place."""
    contact, meeting_id = planned(repo, now)
    repo.cancel_meeting(contact.id, meeting_id, now)
    recorded = repo.record_meeting(contact.id, meeting_id, now, now)
    meeting = recorded.contact.meeting(meeting_id)
    assert meeting is not None
    assert meeting.held
    assert meeting.cancelled_at is None
    assert recorded.contact.stage is Stage.MET
    undone = [c for c in repo.undo_all(recorded.undo_steps, now) if c.id == contact.id][-1]
    again = undone.meeting(meeting_id)
    assert again is not None
    assert again.cancelled_at == now
    assert not again.held
    assert undone.stage is Stage.REQUESTED


def test_a_held_meeting_cannot_be_cancelled(repo, now) -> None:
    contact, meeting_id = planned(repo, now)
    repo.record_meeting(contact.id, meeting_id, now, now)
    with pytest.raises(MoveError, match="held"):
        repo.cancel_meeting(contact.id, meeting_id, now)


def test_scheduling_after_a_cancel_plans_a_new_meeting(repo, now) -> None:
    contact, meeting_id = planned(repo, now)
    repo.cancel_meeting(contact.id, meeting_id, now)
    fields = clean_schedule(scheduled_at=now + timedelta(days=7), format="coffee", minutes="30",
                            place="", research="", goals="")  # fmt: skip
    updated, _ = repo.schedule_meeting(contact.id, None, fields, now)
    assert updated.next_meeting is not None
    assert updated.next_meeting.id != meeting_id
    assert len(updated.meetings) == 2
