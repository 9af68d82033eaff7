"""Contacts and their append-only stage history.

A contact's current stage, whether it is archived and every "when did X
happen" are derived from its events; nothing stores them twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from coffeechat.domain.stages import Stage

if TYPE_CHECKING:
    from coffeechat.domain.meetings import Meeting

# The editable text fields of a contact, in the order forms show them.
CONTACT_FIELDS: tuple[str, ...] = (
    "name",
    "company",
    "role",
    "email",
    "phone",
    "linkedin",
    "source",
    "referred_by",
    "connected_on",
    "cadence",
    "notes",
)

FIELD_LABELS: Mapping[str, str] = {
    "name": "Name",
    "company": "Company",
    "role": "Role",
    "email": "Email",
    "phone": "Phone",
    "linkedin": "LinkedIn URL",
    "source": "Source",
    "referred_by": "Referred by",
    "connected_on": "Connected on",
    "cadence": "Follow up every",
    "notes": "Notes",
}


class EventKind(StrEnum):
    """What an entry in a contact's history records."""

    CREATED = "created"
    ADVANCE = "advance"
    TOUCH = "touch"  # another follow-up while already in follow-up
    ARCHIVE = "archive"
    RESTORE = "restore"
    EDIT = "edit"
    MEETING = "meeting"  # a meeting scheduled, rescheduled or held
    SNOOZE = "snooze"  # a due item hidden until a date: note = its key, changes["until"]


class ArchiveReason(StrEnum):
    """Why a contact left the board."""

    NO_RESPONSE = "no response"
    DECLINED = "declined"
    NOT_A_FIT = "not a fit"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Event:
    """One time-stamped change to a contact.

    ``at`` is when it happened in the world (the meeting time, say);
    ``recorded_at`` is when the user told us, so back-filled entries keep
    both facts.  ``changes`` maps field name to (old, new) for edits.
    """

    id: str
    kind: EventKind
    at: datetime
    recorded_at: datetime
    from_stage: Stage | None = None
    to_stage: Stage | None = None
    note: str = ""
    changes: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Contact:
    """A person in the pipeline with their full history."""

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
    stage: Stage = field(init=False, compare=False, repr=False)
    stage_changed_at: datetime = field(init=False, compare=False, repr=False)
    archived_at: datetime | None = field(init=False, compare=False, repr=False)
    archive_reason: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.events:
            raise ValueError("a contact needs at least its 'created' event")
        stage_event: Event | None = None
        archive_event: Event | None = None
        for event in reversed(self.events):
            if stage_event is None and event.kind in _STAGE_KINDS and event.to_stage is not None:
                stage_event = event
            if archive_event is None and event.kind in _ARCHIVE_KINDS:
                archive_event = event
            if stage_event is not None and archive_event is not None:
                break
        archived = archive_event is not None and archive_event.kind is EventKind.ARCHIVE
        derived = {
            "stage": stage_event.to_stage if stage_event else Stage.IDENTIFIED,
            "stage_changed_at": stage_event.at if stage_event else self.events[0].at,
            "archived_at": archive_event.at if archived and archive_event else None,
            "archive_reason": archive_event.note if archived and archive_event else "",
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
        for event in reversed(self.events):
            if event.to_stage is Stage.MET and event.kind is not EventKind.EDIT:
                return event.at
        return None

    @property
    def last_touch_at(self) -> datetime:
        """When you were last in touch: a meeting, the thank-you, a follow-up, a message.

        The event's own date counts, not when it was typed, and the latest wins,
        so back-filling an old follow-up never moves the next one earlier.
        Before any of those, it is when the contact was added.
        """
        moments = [
            e.at
            for e in self.events
            if e.kind is EventKind.TOUCH
            or (e.kind is EventKind.ADVANCE and e.to_stage in _TOUCH_STAGES)
            or (e.kind is EventKind.MEETING and e.note == "held")
        ]
        return max(moments, default=self.created_at)

    def days_in_stage(self, now: datetime) -> int:
        """Whole days since the contact entered its stage (never negative)."""
        return max(0, (now - self.stage_changed_at).days)

    @property
    def next_meeting(self) -> Meeting | None:
        """The first meeting not yet held, or None."""
        from coffeechat.domain.meetings import next_meeting

        return next_meeting(self.meetings)

    @property
    def has_snoozes(self) -> bool:
        """True if any item was ever snoozed (most contacts: no, and cheaply)."""
        return any(e.kind is EventKind.SNOOZE for e in self.events)

    def snoozed_until(self, key: str) -> datetime | None:
        """Until when the due item ``key`` is snoozed (the latest snooze wins), or None."""
        for event in reversed(self.events):
            if event.kind is EventKind.SNOOZE and event.note == key:
                until = event.changes.get("until", ("", ""))[1]
                return datetime.fromisoformat(until) if until else None
        return None

    def meeting(self, meeting_id: str) -> Meeting | None:
        """The meeting with this id, or None."""
        return next((m for m in self.meetings if m.id == meeting_id), None)

    def with_event(self, event: Event) -> Contact:
        """A copy with ``event`` appended (and an edit's or meeting's new values applied)."""
        return _apply(replace(self, events=(*self.events, event)), event, undo=False)

    def without_last_event(self) -> Contact:
        """A copy with the last event removed (and an edit's or meeting's old values back)."""
        if len(self.events) < 2:
            raise ValueError("a contact's first event cannot be undone on its own")
        return _apply(replace(self, events=self.events[:-1]), self.events[-1], undo=True)

    def fields(self) -> dict[str, str]:
        """The editable text fields as a plain dict."""
        return {name: getattr(self, name) for name in CONTACT_FIELDS}


def _apply(contact: Contact, event: Event, *, undo: bool) -> Contact:
    """Set (or, undoing, reset) the values an edit or meeting event changed."""
    if event.kind is EventKind.EDIT:
        side = 0 if undo else 1
        values: dict[str, Any] = {name: pair[side] for name, pair in event.changes.items()}
        return replace(contact, **values)
    if event.kind is EventKind.MEETING:
        from coffeechat.domain.meetings import apply_meeting_change

        meetings = apply_meeting_change(contact.meetings, event.changes, undo=undo)
        return replace(contact, meetings=meetings)
    return contact


# Moves that mean you were in touch (sending the first request is not yet a relationship).
_TOUCH_STAGES = frozenset({Stage.MET, Stage.THANKED, Stage.FOLLOW_UP})
_STAGE_KINDS = frozenset({EventKind.CREATED, EventKind.ADVANCE})
_ARCHIVE_KINDS = frozenset({EventKind.ARCHIVE, EventKind.RESTORE})


class ValidationError(ValueError):
    """User input that can't be saved; ``errors`` maps field name to a sentence."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in errors.items()))


def printable(text: str) -> str:
    """``text`` without control characters other than whitespace.

    Typed text is cleaned on the way in; this guards what is *drawn*, since a
    synced or hand-edited file could still carry terminal escape sequences.
    """
    if text.isprintable():
        return text
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SINGLE_LINE = tuple(name for name in CONTACT_FIELDS if name != "notes")


def clean_fields(raw: Mapping[str, str]) -> dict[str, str]:
    """Normalise and check contact fields typed by a person.

    Returns the cleaned values; raises ValidationError naming every bad field.
    Unknown keys are a programming error and raise KeyError.
    """
    unknown = set(raw) - set(CONTACT_FIELDS)
    if unknown:
        raise KeyError(f"unknown contact fields: {sorted(unknown)}")
    cleaned = {name: printable(str(value)).strip() for name, value in raw.items()}
    for name in _SINGLE_LINE:
        if name in cleaned:
            cleaned[name] = " ".join(cleaned[name].split())
    errors: dict[str, str] = {}
    for name, value in cleaned.items():
        if any("\ud800" <= c <= "\udfff" for c in value):
            errors[name] = "contains bytes that are not valid UTF-8 text"
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = "a name is required"
    email = cleaned.get("email", "")
    if email and not _EMAIL.match(email):
        errors["email"] = f"{email!r} does not look like an email address"
    linkedin = cleaned.get("linkedin", "")
    if linkedin:
        if not re.match(r"^https?://", linkedin, re.IGNORECASE):
            linkedin = "https://" + linkedin
        if " " in linkedin or "." not in linkedin:
            errors["linkedin"] = f"{cleaned['linkedin']!r} does not look like a web address"
        cleaned["linkedin"] = linkedin
    if cleaned.get("connected_on"):
        try:
            cleaned["connected_on"] = _calendar_date(cleaned["connected_on"])
        except ValueError:
            errors["connected_on"] = f"{cleaned['connected_on']!r} is not a date like 2026-11-20"
    if cleaned.get("cadence"):
        months = cleaned["cadence"].lower().removesuffix("months").removesuffix("month")
        months = months.removesuffix("m").strip()
        if not months.isdecimal() or not 1 <= int(months) <= MAX_CADENCE_MONTHS:
            errors["cadence"] = (
                f"{cleaned['cadence']!r} is not a number of months from 1 to {MAX_CADENCE_MONTHS}"
            )
        else:
            cleaned["cadence"] = str(int(months))
    if errors:
        raise ValidationError(errors)
    return cleaned


MAX_CADENCE_MONTHS = 24


def _calendar_date(text: str) -> str:
    """A typed or imported date as YYYY-MM-DD ("20 Nov 2026", "2026-11-20")."""
    from dateutil import parser

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        # A fixed default (not today) so a missing day or month is obvious.
        parsed = parser.parse(text, default=datetime(2000, 1, 1), dayfirst=True)
    except (ValueError, OverflowError, parser.ParserError):
        raise ValueError(text) from None
    return parsed.date().isoformat()
