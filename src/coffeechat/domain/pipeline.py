"""The moves a person makes: add, advance, archive, restore, edit.

Each function checks the move against the contact's state and returns the
Event to append; the caller (the repository) stores it.  ``new_id`` is passed
in so tests can predict ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from coffeechat.domain import meetings
from coffeechat.domain.errors import UserError
from coffeechat.domain.model import (
    ArchiveReason,
    Contact,
    Event,
    EventKind,
    ValidationError,
    clean_fields,
    printable,
)
from coffeechat.domain.stages import PIPELINE, Stage


class MoveError(UserError, ValueError):
    """A move that does not apply to the contact as it is now."""


def _require_active(contact: Contact) -> None:
    if contact.archived:
        raise MoveError(f"{contact.name} is archived; restore them first")


def _require_past(when: datetime, now: datetime) -> None:
    if when > now:
        raise MoveError(f"{when:%Y-%m-%d %H:%M} is in the future")


def new_contact(raw: Mapping[str, str], now: datetime, contact_id: str, event_id: str) -> Contact:
    """A contact in "identified", created now from person-typed fields."""
    if "name" not in raw:
        raise ValidationError({"name": "a name is required"})
    cleaned = clean_fields(raw)
    created = Event(
        id=event_id,
        kind=EventKind.CREATED,
        at=now,
        recorded_at=now,
        to_stage=Stage.IDENTIFIED,
    )
    fields: dict[str, Any] = cleaned
    return Contact(id=contact_id, events=(created,), **fields)


def advance(
    contact: Contact, now: datetime, event_id: str, at: datetime | None = None, note: str = ""
) -> Event:
    """Move the contact one stage on, at ``at`` (default now).

    From follow-up there is no next stage: it logs another follow-up touch.
    """
    _require_active(contact)
    when = now if at is None else at
    _require_past(when, now)
    target = contact.stage.next
    if target is None:
        return Event(
            id=event_id,
            kind=EventKind.TOUCH,
            at=when,
            recorded_at=now,
            from_stage=Stage.FOLLOW_UP,
            to_stage=Stage.FOLLOW_UP,
            note=note,
        )
    return Event(
        id=event_id,
        kind=EventKind.ADVANCE,
        at=when,
        recorded_at=now,
        from_stage=contact.stage,
        to_stage=target,
        note=note,
    )


def archive(contact: Contact, reason: ArchiveReason, now: datetime, event_id: str) -> Event:
    """Take the contact off the board, remembering why."""
    if contact.archived:
        raise MoveError(f"{contact.name} is already archived")
    return Event(
        id=event_id,
        kind=EventKind.ARCHIVE,
        at=now,
        recorded_at=now,
        from_stage=contact.stage,
        note=reason.value,
    )


def restore(contact: Contact, now: datetime, event_id: str) -> Event:
    """Put an archived contact back on the board in the stage it left."""
    if not contact.archived:
        raise MoveError(f"{contact.name} is not archived")
    return Event(id=event_id, kind=EventKind.RESTORE, at=now, recorded_at=now)


def edit(contact: Contact, raw: Mapping[str, str], now: datetime, event_id: str) -> Event | None:
    """An edit event for the fields that really change, or None if none do."""
    cleaned = clean_fields(raw)
    current = contact.fields()
    changes = {
        name: (current[name], value) for name, value in cleaned.items() if current[name] != value
    }
    if not changes:
        return None
    if "referred_by" in changes and contact.referrer_id:
        # The link to the referrer follows the text: retyping who referred
        # them drops a link the text no longer describes.
        changes["referrer_id"] = (contact.referrer_id, "")
    return Event(id=event_id, kind=EventKind.EDIT, at=now, recorded_at=now, changes=changes)


# The stage each message moves a contact to once it is sent.
SENT_MOVES_TO: Mapping[str, Stage] = {
    "request": Stage.REQUESTED,
    "referral": Stage.REQUESTED,
    "thank-you": Stage.THANKED,
    "follow-up": Stage.FOLLOW_UP,
}


def message_sent(
    contact: Contact, message: str, at: datetime, now: datetime, event_id: str
) -> Event:
    """The event for sending a message: a move when it is the next step, else a touch.

    A thank-you sent in "met" moves to "thanked"; a request sent again while
    already "requested" is only noted, so the stage never jumps backwards.
    """
    _require_active(contact)
    _require_past(at, now)
    target = SENT_MOVES_TO[message]
    note = f"sent {message}"
    if contact.stage.next is target:
        return advance(contact, now, event_id, at=at, note=note)
    if contact.stage is Stage.FOLLOW_UP and target is Stage.FOLLOW_UP:
        return advance(contact, now, event_id, at=at, note=note)
    return Event(id=event_id, kind=EventKind.TOUCH, at=at, recorded_at=now, note=note)


CHANNELS: tuple[str, ...] = ("email", "call", "coffee", "message")


def follow_up(
    contact: Contact,
    at: datetime,
    channel: str,
    note: str,
    now: datetime,
    event_id: str,
) -> Event:
    """Log a follow-up touch at ``at`` (which resets the follow-up cadence).

    From "thanked" it moves the contact to "follow-up"; in "follow-up" it is
    another touch; earlier (a nudge to an unanswered request, say) it is a
    touch that leaves the stage alone.
    """
    _require_active(contact)
    _require_past(at, now)
    if channel not in CHANNELS:
        raise MoveError(f"{channel!r} is not a channel; choose one of {', '.join(CHANNELS)}")
    text = " ".join(printable(note).split())
    changes = {"channel": ("", channel)}
    if contact.stage in (Stage.THANKED, Stage.FOLLOW_UP):
        event = advance(contact, now, event_id, at=at, note=text)
        return replace(event, changes=changes)
    return Event(
        id=event_id, kind=EventKind.TOUCH, at=at, recorded_at=now, note=text, changes=changes
    )


def snooze(contact: Contact, key: str, until: datetime, now: datetime, event_id: str) -> Event:
    """Hide the due item ``key`` ("follow-up/2026-12-01") until ``until``."""
    if until <= now:
        raise MoveError(f"{until:%Y-%m-%d %H:%M} is not in the future")
    return Event(
        id=event_id,
        kind=EventKind.SNOOZE,
        at=now,
        recorded_at=now,
        note=key,
        changes={"until": ("", until.isoformat())},
    )


def schedule(
    contact: Contact,
    meeting_id: str | None,
    fields: Mapping[str, object],
    now: datetime,
    new_id: Callable[[], str],
) -> Event | None:
    """A meeting event that schedules a new meeting or changes one (None if nothing changes).

    ``fields`` are the checked values from ``meetings.clean_schedule``.
    """
    _require_active(contact)
    old = contact.meeting(meeting_id) if meeting_id else None
    if meeting_id and old is None:
        raise MoveError(f"{contact.name} has no such meeting (perhaps undone elsewhere)")
    base = old or meetings.Meeting(id=new_id())
    new = replace(base, **fields)  # type: ignore[arg-type]
    changes = meetings.schedule_changes(old, new)
    if not changes:
        return None
    if old is None:
        # A new meeting records every schedule field, even empty ones, so undo is exact.
        changes.setdefault("scheduled_at", ("", meetings.field_text(new, "scheduled_at")))
    when = "rescheduled" if old else "scheduled"
    return Event(
        id=new_id(), kind=EventKind.MEETING, at=now, recorded_at=now, note=when, changes=changes
    )


def hold(
    contact: Contact, meeting_id: str, held_at: datetime, now: datetime, new_id: Callable[[], str]
) -> list[Event]:
    """Record a meeting as held at ``held_at``, and move the contact to "met" then.

    A contact already at "met" or beyond keeps its stage (a second meeting).
    """
    _require_active(contact)
    meeting = contact.meeting(meeting_id)
    if meeting is None:
        raise MoveError(f"{contact.name} has no such meeting (perhaps undone elsewhere)")
    if meeting.held:
        raise MoveError(f"the meeting with {contact.name} is already recorded as held")
    _require_past(held_at, now)
    held = replace(meeting, held_at=held_at)
    events = [
        Event(
            id=new_id(),
            kind=EventKind.MEETING,
            at=held_at,
            recorded_at=now,
            note="held",
            changes=meetings.schedule_changes(meeting, held),
        )
    ]
    if PIPELINE.index(contact.stage) < PIPELINE.index(Stage.MET):
        events.append(
            Event(
                id=new_id(),
                kind=EventKind.ADVANCE,
                at=held_at,
                recorded_at=now,
                from_stage=contact.stage,
                to_stage=Stage.MET,
            )
        )
    return events
