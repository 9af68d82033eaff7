"""Meetings: when and how, the prepared questions, and what came out of them.

A contact holds its meetings as plain values.  Scheduling and holding a
meeting are also recorded as ``meeting`` events in the contact's history, so
they show on the timeline and can be undone; the notes typed *during* a
meeting are saved as they are typed and are not events (the text box has its
own undo).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from coffeechat.domain.fields import ValidationError
from coffeechat.domain.text import printable

DEFAULT_MINUTES = 15
MAX_MINUTES = 8 * 60
WRAP_UP_WARNING = timedelta(minutes=2)


class MeetingFormat(StrEnum):
    """How the two of you meet."""

    PHONE = "phone"
    VIDEO = "video"
    COFFEE = "coffee"
    LUNCH = "lunch"
    IN_PERSON = "in person"


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """A question picked for one meeting.

    A snapshot of the text, so later edits to the bank don't rewrite a meeting.
    """

    question_id: str
    text: str
    category: str
    asked: bool = False
    answer: str = ""


@dataclass(frozen=True, slots=True)
class Promise:
    """Something promised in a meeting (a name, a document, an intro): a to-do until ticked off."""

    id: str
    text: str
    due: datetime
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        """True once ticked off."""
        return self.done_at is not None


@dataclass(frozen=True, slots=True)
class Meeting:
    """One conversation with a contact, planned or held."""

    id: str
    scheduled_at: datetime | None = None
    format: MeetingFormat = MeetingFormat.VIDEO
    minutes: int = DEFAULT_MINUTES
    place: str = ""  # an address, or a call link
    research: str = ""  # what I learned about them and their company beforehand
    goals: str = ""
    agenda: tuple[AgendaItem, ...] = ()
    notes: str = ""
    takeaways: tuple[str, ...] = ()
    promises: tuple[Promise, ...] = ()
    referrals: tuple[str, ...] = ()  # "Name" or "Name, Company", one per person offered
    started_at: datetime | None = None  # when meeting mode first opened
    held_at: datetime | None = None

    @property
    def held(self) -> bool:
        """True once the meeting was recorded as held."""
        return self.held_at is not None

    @property
    def length(self) -> timedelta:
        """The planned length."""
        return timedelta(minutes=self.minutes)

    def when(self) -> datetime | None:
        """The best answer to "when is/was it": held, else started, else scheduled."""
        return self.held_at or self.started_at or self.scheduled_at


# The fields a schedule form sets; a "meeting" event records their old and new
# values as text, exactly as an edit event does for contact fields.
SCHEDULE_FIELDS: tuple[str, ...] = (
    "scheduled_at",
    "format",
    "minutes",
    "place",
    "research",
    "goals",
    "held_at",
)
MEETING_KEY = "meeting"  # the change that names the meeting: ("" when created, id)


def next_meeting(meetings: Sequence[Meeting]) -> Meeting | None:
    """The first meeting not yet held (the soonest scheduled), or None."""
    open_ = [m for m in meetings if not m.held]
    if not open_:
        return None
    return min(open_, key=lambda m: (m.scheduled_at is None, m.scheduled_at or datetime.min))


def field_text(meeting: Meeting | None, name: str) -> str:
    """A schedule field as the text an event stores ("" for none)."""
    if meeting is None:
        return ""
    value = getattr(meeting, name)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def with_field_texts(meeting: Meeting, values: Mapping[str, str]) -> Meeting:
    """``meeting`` with schedule fields set from their stored text."""
    parsed: dict[str, object] = {}
    for name, text in values.items():
        if name in ("scheduled_at", "held_at", "started_at"):
            parsed[name] = datetime.fromisoformat(text) if text else None
        elif name == "format":
            parsed[name] = MeetingFormat(text)
        elif name == "minutes":
            parsed[name] = int(text)
        elif name in SCHEDULE_FIELDS:
            parsed[name] = text
        else:
            raise KeyError(f"not a schedule field: {name}")
    return replace(meeting, **parsed)  # type: ignore[arg-type]


def clean_schedule(
    *,
    scheduled_at: datetime | None,
    format: str,
    minutes: str,
    place: str,
    research: str,
    goals: str,
) -> dict[str, object]:
    """Check a schedule form; ValidationError names every bad field."""
    errors: dict[str, str] = {}
    try:
        meeting_format = MeetingFormat(format.strip().lower())
    except ValueError:
        known = ", ".join(f.value for f in MeetingFormat)
        errors["format"] = f"{format!r} is not a format; choose one of {known}"
        meeting_format = MeetingFormat.VIDEO
    text = minutes.strip().removesuffix("min").strip() or str(DEFAULT_MINUTES)
    length = 0
    if not text.isdigit() or not 1 <= (length := int(text)) <= MAX_MINUTES:
        errors["minutes"] = f"{minutes!r} is not a length in minutes (1 to {MAX_MINUTES})"
    if errors:
        raise ValidationError(errors)
    return {
        "scheduled_at": scheduled_at,
        "format": meeting_format,
        "minutes": length,
        "place": " ".join(printable(place).split()),
        "research": printable(research).strip(),
        "goals": printable(goals).strip(),
    }


def schedule_changes(old: Meeting | None, new: Meeting) -> dict[str, tuple[str, str]]:
    """The (old, new) text of every schedule field that differs, plus which meeting it is."""
    changes = {
        name: (field_text(old, name), field_text(new, name))
        for name in SCHEDULE_FIELDS
        if field_text(old, name) != field_text(new, name)
    }
    if not changes:
        return {}
    return {MEETING_KEY: (old.id if old else "", new.id), **changes}


def replace_meeting(meetings: Sequence[Meeting], meeting: Meeting) -> tuple[Meeting, ...]:
    """``meetings`` with the one of the same id replaced (or ``meeting`` appended)."""
    found = False
    result = []
    for existing in meetings:
        if existing.id == meeting.id:
            result.append(meeting)
            found = True
        else:
            result.append(existing)
    if not found:
        result.append(meeting)
    return tuple(result)


def apply_meeting_change(
    meetings: Sequence[Meeting], changes: Mapping[str, tuple[str, str]], *, undo: bool
) -> tuple[Meeting, ...]:
    """Replay (or, with ``undo``, take back) a meeting event's changes."""
    old_id, meeting_id = changes[MEETING_KEY]
    values = {name: pair[0 if undo else 1] for name, pair in changes.items() if name != MEETING_KEY}
    if undo and not old_id:
        return tuple(m for m in meetings if m.id != meeting_id)
    current = next((m for m in meetings if m.id == meeting_id), None)
    if current is None:
        current = Meeting(id=meeting_id)
    return replace_meeting(meetings, with_field_texts(current, values))


def referral_fields(line: str) -> dict[str, str] | None:
    """The contact fields a referral line names: "Sam Lee, Acme" -> name and company."""
    text = " ".join(printable(line).split())
    if not text:
        return None
    name, _, company = text.partition(",")
    name, company = name.strip(), company.strip()
    if not name:
        return None
    return {"name": name, "company": company} if company else {"name": name}


@dataclass(frozen=True, slots=True)
class Countdown:
    """Where a meeting stands against the length you asked for."""

    remaining: timedelta  # negative once over time
    planned: timedelta

    @property
    def over(self) -> bool:
        """True once the promised time is up."""
        return self.remaining <= timedelta(0)

    @property
    def wrapping_up(self) -> bool:
        """True in the last two minutes (and after)."""
        return self.remaining <= WRAP_UP_WARNING

    def clock(self) -> str:
        """ "12:34 left", or "+3:05 over"."""
        seconds = int(abs(self.remaining.total_seconds()))
        text = f"{seconds // 60}:{seconds % 60:02d}"
        return f"+{text} over" if self.remaining < timedelta(0) else f"{text} left"

    def warning(self) -> str:
        """The sentence shown as time runs out, or "" before then."""
        minutes = int(self.planned.total_seconds() // 60)
        if self.over:
            return f"Time's up: you promised {minutes} minutes — offer to wrap up."
        if self.wrapping_up:
            return "Two minutes left: ask who else you should talk to, then wrap up."
        return ""


def countdown(meeting: Meeting, now: datetime) -> Countdown:
    """The countdown for ``meeting`` at ``now`` (full length if it hasn't started)."""
    started = meeting.started_at or now
    return Countdown(remaining=meeting.length - (now - started), planned=meeting.length)
