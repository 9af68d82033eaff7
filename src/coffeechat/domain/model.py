"""Contacts and their append-only stage history.

A contact's current stage, whether it is archived and every "when did X
happen" are derived from its events; nothing stores them twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

# The event types live in domain/events.py, the fields in domain/fields.py and
# printable in domain/text.py; the "X as X" imports re-export them for code
# that still imports them from here.
from coffeechat.domain.events import (
    Advance,
    Archive,
    Created,
    Edit,
    MeetingAction,
    MeetingChange,
    Merge,
    PromiseDone,
    Remove,
    Restore,
    Snooze,
    Touch,
    Undo,
)
from coffeechat.domain.events import ArchiveReason as ArchiveReason
from coffeechat.domain.events import Event as Event
from coffeechat.domain.events import EventKind as EventKind
from coffeechat.domain.fields import CONTACT_FIELDS as CONTACT_FIELDS
from coffeechat.domain.fields import FIELD_LABELS as FIELD_LABELS
from coffeechat.domain.fields import ValidationError as ValidationError
from coffeechat.domain.fields import clean_fields as clean_fields
from coffeechat.domain.meetings import (
    Meeting,
    apply_meeting_change,
    next_meeting,
    set_promise_done,
)
from coffeechat.domain.stages import Stage
from coffeechat.domain.text import printable as printable


@dataclass(frozen=True, slots=True)
class Contact:
    """A person in the pipeline with their full history.

    The text fields and meetings are kept as they stand after the history;
    the stage, archiving and removal are derived from the history, with
    undone events left out.
    """

    id: str
    name: str
    company: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    linkedin: str = ""
    source: str = ""
    referred_by: str = ""
    connected_on: str = ""  # ISO date you connected (LinkedIn's "Connected On")
    cadence: str = ""  # months between follow-ups; "" = the default setting
    notes: str = ""
    events: tuple[Event, ...] = ()
    # Set when the contact came from a referral recorded in meeting mode;
    # ``referred_by`` stays the text people read and edit.
    referrer_id: str = ""
    meetings: tuple[Meeting, ...] = ()
    # Derived from ``events`` once, in __post_init__: the board asks for them
    # thousands of times per redraw.  Not init arguments, not compared.
    #: The events that still count: neither undone nor an undo.
    effective_events: tuple[Event, ...] = field(init=False, compare=False, repr=False)
    stage: Stage = field(init=False, compare=False, repr=False)
    stage_changed_at: datetime = field(init=False, compare=False, repr=False)
    archived_at: datetime | None = field(init=False, compare=False, repr=False)
    archive_reason: str = field(init=False, compare=False, repr=False)
    #: True once adding the contact was undone: kept in the file, shown nowhere.
    removed: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        events = self.events
        if not events:
            raise ValueError("a contact needs at least its 'created' event")
        if type(events[0].data) is not Created:
            raise ValueError("a contact's history starts with its 'created' event")
        undone = {e.data.event_id for e in events if type(e.data) is Undo}
        effective = (
            tuple(e for e in events if e.id not in undone and type(e.data) is not Undo)
            if undone
            else events
        )
        stage_event: Event | None = None
        archive_data: Archive | None = None
        archive_event: Event | None = None
        for event in reversed(effective):
            data = event.data
            if stage_event is None and type(data) in _STAGE_PAYLOADS:
                stage_event = event
            if archive_event is None and type(data) in _ARCHIVE_PAYLOADS:
                archive_event = event
                archive_data = data if type(data) is Archive else None
            if stage_event is not None and archive_event is not None:
                break
        derived = {
            "effective_events": effective,
            "stage": stage_event.to_stage if stage_event else Stage.IDENTIFIED,
            "stage_changed_at": stage_event.at if stage_event else events[0].at,
            "archived_at": archive_event.at if archive_data and archive_event else None,
            "archive_reason": (archive_data.note or archive_data.reason.value)
            if archive_data
            else "",
            # Adding undone, with nothing since (only the latest change can be
            # undone, so anything still counting after it came from a merge or
            # a hand edit: someone's work to show, not to hide), or undone
            # whole, with the history it had then (a backup restore undone).
            "removed": (
                events[0].id in undone and (not effective or _undone_whole(events, events[0].id))
            )
            or any(type(e.data) is Remove for e in effective),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def archived(self) -> bool:
        """True when the latest archive/restore event is an archive."""
        return self.archived_at is not None

    @property
    def created_at(self) -> datetime:
        """When the contact was first recorded."""
        return self.events[0].at

    @property
    def met_at(self) -> datetime | None:
        """The time of the latest move into "met" (the meeting time)."""
        for event in reversed(self.effective_events):
            data = event.data
            if type(data) is Advance and data.to_stage is Stage.MET:
                return event.at
        return None

    @property
    def last_touch_at(self) -> datetime:
        """When you were last in touch: a meeting, the thank-you, a follow-up, a message.

        The event's own date counts, not when it was typed, and the latest wins,
        so back-filling an old follow-up never moves the next one earlier.
        Before any of those, it is when the contact was added.
        """
        moments = [e.at for e in self.effective_events if _is_touch(e.data)]
        return max(moments, default=self.created_at)

    def days_in_stage(self, now: datetime) -> int:
        """Whole days since the contact entered its stage (never negative)."""
        return max(0, (now - self.stage_changed_at).days)

    @property
    def next_meeting(self) -> Meeting | None:
        """The first meeting not yet held, or None."""
        return next_meeting(self.meetings)

    @property
    def has_snoozes(self) -> bool:
        """True if any item is snoozed, now or once (most contacts: no, and cheaply)."""
        return any(type(e.data) is Snooze for e in self.effective_events)

    def snoozed_until(self, due: str, ref: str) -> datetime | None:
        """Until when the due item (its kind, which one) is snoozed (the latest wins), or None."""
        for event in reversed(self.effective_events):
            data = event.data
            if type(data) is Snooze and data.due == due and data.ref == ref:
                return data.until
        return None

    def meeting(self, meeting_id: str) -> Meeting | None:
        """The meeting with this id, or None."""
        return next((m for m in self.meetings if m.id == meeting_id), None)

    def event(self, event_id: str) -> Event | None:
        """The event with this id, or None."""
        return next((e for e in self.events if e.id == event_id), None)

    def is_undone(self, event_id: str) -> bool:
        """True when a later event took ``event_id`` back."""
        return any(type(e.data) is Undo and e.data.event_id == event_id for e in self.events)

    def with_event(self, event: Event) -> Contact:
        """A copy with ``event`` appended and its changes to fields and meetings applied.

        An ``Undo`` applies the reverse of the event it names.
        """
        contact = replace(self, events=(*self.events, event))
        data = event.data
        if type(data) is Undo:
            target = self.event(data.event_id)
            if target is None:
                raise ValueError(f"no event {data.event_id} to undo")
            return _apply(contact, target, undo=True)
        return _apply(contact, event, undo=False)

    @property
    def removal(self) -> Event | None:
        """The event that deleted this contact (or merged it away), if one still counts."""
        return next((e for e in reversed(self.effective_events) if type(e.data) is Remove), None)

    @property
    def merged_into(self) -> str:
        """The id of the contact this one was merged into ("" if it was not)."""
        removal = self.removal
        return removal.data.merged_into if removal and type(removal.data) is Remove else ""

    def fields(self) -> dict[str, str]:
        """The editable text fields as a plain dict."""
        return {name: getattr(self, name) for name in CONTACT_FIELDS}


def _apply(contact: Contact, event: Event, *, undo: bool) -> Contact:
    """Set (or, undoing, reset) the values an event changed in fields or meetings."""
    data = event.data
    if type(data) is Edit or type(data) is Merge:
        side = 0 if undo else 1
        values: dict[str, Any] = {name: pair[side] for name, pair in data.fields.items()}
        if data.referrer is not None:
            values["referrer_id"] = data.referrer[side]
        if type(data) is Merge and undo:
            # The moved meetings go back: the merged-away contact still holds them.
            moved = set(data.meetings)
            values["meetings"] = tuple(m for m in contact.meetings if m.id not in moved)
        return replace(contact, **values)
    if type(data) is MeetingChange:
        meetings = apply_meeting_change(contact.meetings, data, undo=undo)
        return replace(contact, meetings=meetings)
    if type(data) is PromiseDone:
        done_at = event.at if data.done else None
        if undo:
            # Back to the latest tick of this promise that still counts; the
            # undone one no longer does (``contact`` already holds the undo).
            done_at = None
            for earlier in reversed(contact.effective_events):
                tick = earlier.data
                if type(tick) is PromiseDone and tick.promise_id == data.promise_id:
                    done_at = earlier.at if tick.done else None
                    break
        meetings = set_promise_done(contact.meetings, data.meeting_id, data.promise_id, done_at)
        return replace(contact, meetings=meetings)
    return contact


def _undone_whole(events: tuple[Event, ...], created_id: str) -> bool:
    """True when an undo took the contact back whole (see ``Undo.whole``)."""
    return any(
        type(e.data) is Undo and e.data.whole and e.data.event_id == created_id for e in events
    )


def _is_touch(data: object) -> bool:
    """True for events that mean you were in touch with the person."""
    kind = type(data)
    if kind is Touch:
        return True
    if kind is Advance:
        return data.to_stage in _TOUCH_STAGES  # type: ignore[attr-defined]
    return kind is MeetingChange and data.action is MeetingAction.HELD  # type: ignore[attr-defined]


# Moves that mean you were in touch (sending the first request is not yet a relationship).
_TOUCH_STAGES = frozenset({Stage.MET, Stage.THANKED, Stage.FOLLOW_UP})
_STAGE_PAYLOADS: frozenset[type] = frozenset({Created, Advance})
_ARCHIVE_PAYLOADS: frozenset[type] = frozenset({Archive, Restore})
