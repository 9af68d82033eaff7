"""Meetings: when and how, the prepared questions, and what came out of them.

A contact holds its meetings as plain values.  Scheduling and holding a
meeting are also recorded as ``meeting`` events in the contact's history, so
they show on the timeline and can be undone; the notes typed *during* a
meeting are saved as they are typed and are not events (the text box has its
own undo).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from enum import StrEnum
from typing import TypeVar

from coffeechat.domain.dates import parse_deadline, working_days_ahead
from coffeechat.domain.events import MeetingChange
from coffeechat.domain.text import one_line

T = TypeVar("T")

DEFAULT_MINUTES = 15
MAX_MINUTES = 8 * 60
LONGEST_MINUTES = 7 * 24 * 60  # what a stored length is read as, at most (no overflow)
WRAP_UP_WARNING = timedelta(minutes=2)
DEFAULT_PROMISE_DAYS = 2  # a promise with no "@ when" is due two working days on


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
    started_at: datetime | None = None  # when meeting mode was opened before the scheduled start
    held_at: datetime | None = None
    cancelled_at: datetime | None = None  # called off then (its time is cleared)

    @property
    def held(self) -> bool:
        """True once the meeting was recorded as held."""
        return self.held_at is not None

    @property
    def planned(self) -> bool:
        """True for a meeting with a time, neither held nor cancelled.

        Cancelling clears the time, but a hand-edited file (or two synced
        copies, one cancelling, one moving it) can hold both: cancelled wins.
        """
        return self.scheduled_at is not None and not self.held and self.cancelled_at is None

    @property
    def length(self) -> timedelta:
        """The planned length (a hand-edited file's 2**62 minutes counts as a week)."""
        return timedelta(minutes=min(max(self.minutes, 0), LONGEST_MINUTES))

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
    "cancelled_at",
)


def next_meeting(meetings: Sequence[Meeting]) -> Meeting | None:
    """The first meeting not yet held nor cancelled (the soonest scheduled), or None."""
    open_ = [m for m in meetings if not m.held and m.cancelled_at is None]
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
        if name in ("scheduled_at", "held_at", "started_at", "cancelled_at"):
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


def schedule_changes(old: Meeting | None, new: Meeting) -> dict[str, tuple[str, str]]:
    """The (old, new) text of every schedule field that differs."""
    return {
        name: (field_text(old, name), field_text(new, name))
        for name in SCHEDULE_FIELDS
        if field_text(old, name) != field_text(new, name)
    }


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
    meetings: Sequence[Meeting], change: MeetingChange, *, undo: bool
) -> tuple[Meeting, ...]:
    """Replay (or, with ``undo``, take back) a meeting event's changes."""
    if undo and change.created:
        return tuple(m for m in meetings if m.id != change.meeting_id)
    values = {name: pair[1 if not undo else 0] for name, pair in change.fields.items()}
    current = next((m for m in meetings if m.id == change.meeting_id), None)
    if current is None:
        current = Meeting(id=change.meeting_id)
    return replace_meeting(meetings, with_field_texts(current, values))


def has_typed(meeting: Meeting) -> bool:
    """True when anything was typed into the meeting (what ``typed_into`` takes)."""
    return bool(
        meeting.agenda
        or meeting.notes
        or meeting.takeaways
        or meeting.promises
        or meeting.referrals
        or meeting.started_at
    )


def typed_into(stored: Meeting, typed: Meeting, base: Meeting | None = None) -> Meeting:
    """``stored`` with what is typed during a meeting taken from ``typed``.

    ``base`` is the meeting as the typist last saw it stored (what ``typed``
    grew from).  Given it, the merge is three-way, so two windows typing into
    one meeting keep each other's words: a part changed only here is taken
    from ``typed``, a part changed only elsewhere stays as ``stored``, and
    where both changed, lines and list items added on either side are all
    kept (removing one here removes it).  Without ``base``, ``typed`` wins.

    The schedule stays as stored (it changes only through meeting events), and
    so does whether each promise is ticked off (that is a promise event).
    """
    if base is None:
        base = stored
    done = {p.id: p.done_at for p in stored.promises}
    typed_promises = tuple(replace(p, done_at=done.get(p.id, p.done_at)) for p in typed.promises)
    base_promises = tuple(replace(p, done_at=done.get(p.id, p.done_at)) for p in base.promises)
    notes = merge_lines(
        tuple(stored.notes.split("\n")),
        tuple(base.notes.split("\n")),
        tuple(typed.notes.split("\n")),
    )
    return replace(
        stored,
        agenda=merge_items(stored.agenda, base.agenda, typed.agenda, key=_question_of),
        notes="\n".join(notes),
        takeaways=merge_lines(stored.takeaways, base.takeaways, typed.takeaways),
        promises=merge_items(stored.promises, base_promises, typed_promises, key=_promise_id),
        referrals=merge_lines(stored.referrals, base.referrals, typed.referrals),
        started_at=stored.started_at if typed.started_at == base.started_at else typed.started_at,
    )


def merge_items(
    stored: tuple[T, ...], base: tuple[T, ...], typed: tuple[T, ...], *, key: Callable[[T], object]
) -> tuple[T, ...]:
    """A three-way merge of a list of keyed items (questions, promises).

    When only one side changed, that side is the answer (so the common case
    keeps the typed order exactly).  When both did: ``stored`` less what
    ``typed`` removed — unless ``stored`` changed it meanwhile — with what
    both changed merged field by field, then what ``typed`` added (or
    changed, where ``stored`` removed it: typed words are never dropped).
    If only ``typed`` reordered, its order is kept.
    """
    if stored == base:
        return typed
    if typed == base:
        return stored
    base_by_key = {key(item): item for item in base}
    typed_by_key = {key(item): item for item in typed}
    stored_by_key = {key(item): item for item in stored}
    removed = {
        k
        for k, was in base_by_key.items()
        if k not in typed_by_key and stored_by_key.get(k, was) == was
    }
    changed = {k: v for k, v in typed_by_key.items() if k in base_by_key and base_by_key[k] != v}

    def taken(item: T) -> T:
        mine = changed.get(key(item))
        if mine is None:
            return item
        return _fields_merged(item, base_by_key[key(item)], mine)

    merged = [taken(item) for item in stored if key(item) not in removed]
    present = {key(item) for item in merged}
    for item in typed:
        if key(item) not in present and (key(item) not in base_by_key or key(item) in changed):
            merged.append(item)
            present.add(key(item))
    kept = [k for k in (key(item) for item in base) if k in typed_by_key]
    reordered = [k for k in (key(item) for item in typed) if k in base_by_key] != kept
    stored_kept = [k for k in (key(item) for item in stored) if k in base_by_key and k in kept]
    if reordered and stored_kept == [k for k in kept if k in stored_by_key]:
        rank = {k: i for i, k in enumerate(key(item) for item in typed)}
        merged.sort(key=lambda item: rank.get(key(item), len(rank)))  # stable: the rest last
    return tuple(merged)


def merge_lines(
    stored: tuple[str, ...], base: tuple[str, ...], typed: tuple[str, ...]
) -> tuple[str, ...]:
    """A three-way merge of lines (notes, takeaways, referrals), as ``diff3`` would.

    ``typed``'s changes to ``base`` (lines removed, lines added or rewritten)
    are applied to ``stored`` at the same places; a line ``stored`` rewrote
    is kept beside ``typed``'s version of it.  Repeated and blank lines are
    lines like any other, so nothing typed on either side is lost.
    """
    if stored in (base, typed):
        return typed
    if typed == base:
        return stored
    to_stored: dict[int, int] = {}
    for a, b, size in SequenceMatcher(None, base, stored, autojunk=False).get_matching_blocks():
        to_stored.update({a + i: b + i for i in range(size)})
    # Lines the other side added too (the same words typed in both windows) are kept once.
    matched = set(to_stored.values())
    also_added = Counter(line for j, line in enumerate(stored) if j not in matched)
    deleted: set[int] = set()
    inserted: dict[int, list[str]] = {}
    ops = SequenceMatcher(None, base, typed, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        deleted.update(to_stored[i] for i in range(i1, i2) if i in to_stored)
        if j2 > j1:
            before = [to_stored[i] for i in range(i1) if i in to_stored]
            at = len(stored) - 1 if i1 == len(base) else (before[-1] if before else -1)
            for line in typed[j1:j2]:
                if also_added[line]:
                    also_added[line] -= 1
                else:
                    inserted.setdefault(at, []).append(line)
    merged = list(inserted.get(-1, []))
    for index, line in enumerate(stored):
        if index not in deleted:
            merged.append(line)
        merged.extend(inserted.get(index, []))
    return tuple(merged)


def _fields_merged(stored: T, base: T, typed: T) -> T:
    """One item both sides changed, merged field by field (an answer here, "asked" there).

    A field changed only here is taken from ``typed``; text both sides
    changed differently keeps both, joined by " / ", so neither is lost.
    """
    if stored == base or not is_dataclass(stored) or isinstance(stored, type):
        return typed
    values = {}
    for spec in fields(stored):
        ours, was, theirs = (getattr(x, spec.name) for x in (typed, base, stored))
        if ours == was:
            continue
        if isinstance(ours, str) and theirs != was and theirs and ours and theirs != ours:
            values[spec.name] = f"{theirs} / {ours}"
        else:
            values[spec.name] = ours
    return replace(stored, **values)


def _question_of(item: AgendaItem) -> object:
    return item.question_id


def _promise_id(item: Promise) -> object:
    return item.id


def set_promise_done(
    meetings: Sequence[Meeting], meeting_id: str, promise_id: str, done_at: datetime | None
) -> tuple[Meeting, ...]:
    """``meetings`` with one promise ticked off at ``done_at`` (or back on, with None)."""
    result = []
    for meeting in meetings:
        if meeting.id == meeting_id:
            promises = tuple(
                replace(p, done_at=done_at) if p.id == promise_id else p for p in meeting.promises
            )
            meeting = replace(meeting, promises=promises)
        result.append(meeting)
    return tuple(result)


def find_promise(meetings: Sequence[Meeting], promise_id: str) -> tuple[Meeting, Promise] | None:
    """The meeting holding the promise ``promise_id``, and the promise; None if none does."""
    for meeting in meetings:
        for promise in meeting.promises:
            if promise.id == promise_id:
                return meeting, promise
    return None


def promise_due(when: str, now: datetime) -> datetime:
    """When a promise is due: the "@ when" typed after it, read as a deadline, or,
    with nothing typed, the end of the working day ``DEFAULT_PROMISE_DAYS`` on
    (skipping a weekend).  DateParseError for a "when" that can't be read."""
    if when.strip():
        return parse_deadline(when, now)
    return working_days_ahead(now, DEFAULT_PROMISE_DAYS)


def earlier_agenda(
    meetings: Sequence[Meeting], others: Sequence[Meeting], current: Meeting
) -> Meeting | None:
    """The meeting whose questions a new list can start from: the latest of this
    contact's other ``meetings`` that had questions, else the latest of anyone's
    (``others``); None when no meeting had any."""

    def latest(candidates: Sequence[Meeting]) -> Meeting | None:
        with_questions = [m for m in candidates if m.id != current.id and m.agenda]
        dated = [(when, m) for m in with_questions if (when := m.when()) is not None]
        if dated:
            return max(dated, key=lambda pair: pair[0])[1]
        return with_questions[-1] if with_questions else None

    return latest(meetings) or latest(others)


def fresh_questions(
    agenda: Sequence[AgendaItem], earlier: Sequence[AgendaItem]
) -> tuple[AgendaItem, ...]:
    """``agenda`` followed by the questions of an earlier list it lacks, each not yet
    asked and with no answer (the earlier meeting keeps its own)."""
    have = {item.question_id for item in agenda}
    added = [
        replace(item, asked=False, answer="") for item in earlier if item.question_id not in have
    ]
    return (*agenda, *added)


def referral_fields(line: str) -> dict[str, str] | None:
    """The contact fields a referral line names: "Sam Lee, Acme" -> name and company."""
    text = one_line(line)
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


def meeting_start(meeting: Meeting, now: datetime) -> datetime:
    """When the meeting began, as far as the app can tell at ``now``.

    The scheduled start once it has passed (whenever meeting mode was first
    opened: to prepare early, or to catch up late); before it, when meeting
    mode was opened (``started_at``: you started early), else ``now``.
    """
    if meeting.scheduled_at is not None and meeting.scheduled_at <= now:
        return meeting.scheduled_at
    if meeting.started_at is not None and meeting.started_at <= now:
        return meeting.started_at
    return now


def countdown(meeting: Meeting, now: datetime) -> Countdown:
    """The countdown for ``meeting`` at ``now``, from the start of the meeting."""
    elapsed = now - meeting_start(meeting, now)
    return Countdown(remaining=meeting.length - elapsed, planned=meeting.length)


def noted(meeting: Meeting) -> bool:
    """True once anything came out of the meeting: a question asked, a note, a list line."""
    return bool(
        any(item.asked or item.answer for item in meeting.agenda)
        or meeting.notes.strip()
        or meeting.takeaways
        or meeting.promises
        or meeting.referrals
    )
