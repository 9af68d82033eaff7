"""The moves a person makes: add, advance, archive, restore, edit.

Each function checks the move against the contact's state and returns the
Event to append; the caller (the repository) stores it.  ``new_id`` is passed
in so tests can predict ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from coffeechat.domain.model import (
    ArchiveReason,
    Contact,
    Event,
    EventKind,
    ValidationError,
    clean_fields,
)
from coffeechat.domain.stages import Stage


class MoveError(ValueError):
    """A move that does not apply to the contact as it is now."""


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
    return Contact(id=contact_id, events=(created,), **cleaned)


def advance(
    contact: Contact, now: datetime, event_id: str, at: datetime | None = None, note: str = ""
) -> Event:
    """Move the contact one stage on, at ``at`` (default now).

    From follow-up there is no next stage: it logs another follow-up touch.
    """
    if contact.archived:
        raise MoveError(f"{contact.name} is archived; restore them first")
    when = now if at is None else at
    if when > now:
        raise MoveError(f"{when:%Y-%m-%d %H:%M} is in the future")
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
    return Event(id=event_id, kind=EventKind.EDIT, at=now, recorded_at=now, changes=changes)
