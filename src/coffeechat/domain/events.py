"""What a contact's history is made of: one event per change, each with a typed payload.

The history only grows.  Taking a change back appends an ``Undo`` that names
the event it reverses; every reader (stage, fields, snoozes, meetings, the
timeline) leaves undone events out.  Readers learn what happened from the
payload's type and fields, never by parsing text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from coffeechat.domain.stages import Stage


class EventKind(StrEnum):
    """What an entry in a contact's history records (the ``kind`` stored with it)."""

    CREATED = "created"
    ADVANCE = "advance"
    TOUCH = "touch"  # in touch without a stage move: a follow-up, a nudge, a message
    ARCHIVE = "archive"
    RESTORE = "restore"
    EDIT = "edit"
    MEETING = "meeting"  # a meeting scheduled, rescheduled or held
    PROMISE = "promise"  # a promise from a meeting ticked off, or back on
    SNOOZE = "snooze"  # a due item hidden until a date
    UNDO = "undo"  # an earlier event taken back
    REMOVE = "remove"  # deleted, or merged into another contact: shown nowhere
    MERGE = "merge"  # another contact (a duplicate) merged into this one


class ArchiveReason(StrEnum):
    """Why a contact left the board."""

    NO_RESPONSE = "no response"
    DECLINED = "declined"
    NOT_A_FIT = "not a fit"
    DUPLICATE = "duplicate"
    OTHER = "other"


class MeetingAction(StrEnum):
    """What a meeting event did to its meeting."""

    SCHEDULED = "scheduled"  # the meeting was created
    RESCHEDULED = "rescheduled"  # its time, format, place or plans changed
    HELD = "held"
    CANCELLED = "cancelled"  # called off: kept (with what was typed for it), but not planned


# (old, new) as the text stored for each changed field.
FieldChanges = Mapping[str, tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Created:
    """The contact was added (in "identified")."""

    KIND: ClassVar[EventKind] = EventKind.CREATED


@dataclass(frozen=True, slots=True)
class Advance:
    """A move one stage on.  ``message`` names the draft whose sending moved it."""

    KIND: ClassVar[EventKind] = EventKind.ADVANCE
    from_stage: Stage
    to_stage: Stage
    channel: str = ""  # how, when it was a follow-up: email, call, coffee, message
    message: str = ""  # "request", "thank-you"… when sending a message moved it
    note: str = ""  # what the person wrote about it


@dataclass(frozen=True, slots=True)
class Touch:
    """In touch without a stage move: another follow-up, a nudge, a message sent again."""

    KIND: ClassVar[EventKind] = EventKind.TOUCH
    channel: str = ""
    message: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Archive:
    """Taken off the board; ``from_stage`` is where it was."""

    KIND: ClassVar[EventKind] = EventKind.ARCHIVE
    reason: ArchiveReason
    from_stage: Stage | None = None
    note: str = ""  # text an older file gave as its reason, when it was not one of ours


@dataclass(frozen=True, slots=True)
class Restore:
    """Put back on the board, in the stage it left."""

    KIND: ClassVar[EventKind] = EventKind.RESTORE


@dataclass(frozen=True, slots=True)
class Edit:
    """Contact fields changed: ``fields`` maps each to its (old, new) text.

    ``referrer`` is the (old, new) referral link when the edit changed it
    (retyping "referred by" drops a link the text no longer describes).
    """

    KIND: ClassVar[EventKind] = EventKind.EDIT
    fields: FieldChanges = field(default_factory=dict)
    referrer: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class MeetingChange:
    """A meeting scheduled, changed or held: its schedule fields' (old, new) text."""

    KIND: ClassVar[EventKind] = EventKind.MEETING
    meeting_id: str
    action: MeetingAction
    fields: FieldChanges = field(default_factory=dict)

    @property
    def created(self) -> bool:
        """True when this event brought the meeting into being."""
        return self.action is MeetingAction.SCHEDULED


@dataclass(frozen=True, slots=True)
class PromiseDone:
    """A promise made in a meeting ticked off (``done``) or back on."""

    KIND: ClassVar[EventKind] = EventKind.PROMISE
    meeting_id: str
    promise_id: str
    done: bool = True


@dataclass(frozen=True, slots=True)
class Snooze:
    """One due item hidden until ``until``: its kind ("follow-up") and which one (a date, an id)."""

    KIND: ClassVar[EventKind] = EventKind.SNOOZE
    due: str
    ref: str
    until: datetime


@dataclass(frozen=True, slots=True)
class Undo:
    """The event ``event_id`` taken back.

    ``whole`` marks an undo of "created" that takes the contact off every list
    with all the history it had then (undoing a backup restore).
    """

    KIND: ClassVar[EventKind] = EventKind.UNDO
    event_id: str
    whole: bool = False


@dataclass(frozen=True, slots=True)
class Remove:
    """Deleted: off every list, like an undone add, with its history kept in the file.

    ``merged_into`` names the contact it was merged into, when a merge removed it.
    """

    KIND: ClassVar[EventKind] = EventKind.REMOVE
    merged_into: str = ""


@dataclass(frozen=True, slots=True)
class Merge:
    """The contact ``other_id`` (a duplicate) merged into this one.

    ``fields`` are the (old, new) values this contact took from it (blanks
    filled, conflicts chosen, notes joined); ``referrer`` the (old, new)
    referral link when that changed; ``meetings`` the ids of the meetings
    that moved here with it (undoing the merge takes them off again: the
    other contact still holds them).
    """

    KIND: ClassVar[EventKind] = EventKind.MERGE
    other_id: str
    fields: FieldChanges = field(default_factory=dict)
    referrer: tuple[str, str] | None = None
    meetings: tuple[str, ...] = ()


Payload = (
    Created
    | Advance
    | Touch
    | Archive
    | Restore
    | Edit
    | MeetingChange
    | PromiseDone
    | Snooze
    | Undo
    | Remove
    | Merge
)


@dataclass(frozen=True, slots=True)
class Event:
    """One time-stamped change to a contact.

    ``at`` is when it happened in the world (the meeting time, say);
    ``recorded_at`` is when the user told us, so back-filled entries keep
    both facts.  ``data`` says what happened.
    """

    id: str
    at: datetime
    recorded_at: datetime
    data: Payload

    @property
    def kind(self) -> EventKind:
        """The payload's kind (what is stored as ``kind``)."""
        return self.data.KIND

    @property
    def to_stage(self) -> Stage | None:
        """The stage this event moved the contact into, if it moved it."""
        data = self.data
        if type(data) is Advance:
            return data.to_stage
        if type(data) is Created:
            return Stage.IDENTIFIED
        return None
