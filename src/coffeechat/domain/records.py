"""How contacts look on disk: plain JSON-able dicts, and back.

Pure Python (no TinyDB), so the repository and import/export share one shape.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar

from coffeechat.domain.errors import UserError
from coffeechat.domain.events import (
    Advance,
    Archive,
    ArchiveReason,
    Created,
    Edit,
    Event,
    EventKind,
    FieldChanges,
    MeetingAction,
    MeetingChange,
    Merge,
    Payload,
    PromiseDone,
    Remove,
    Restore,
    Snooze,
    Touch,
    Undo,
)
from coffeechat.domain.fields import FIELDS
from coffeechat.domain.meetings import (
    DEFAULT_MINUTES,
    SCHEDULE_FIELDS,
    AgendaItem,
    Meeting,
    MeetingFormat,
    Promise,
)
from coffeechat.domain.model import CONTACT_FIELDS, Contact
from coffeechat.domain.questions import Category, Question
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.domain.text import one_line, printable

# Text read from a file is cleaned with the rule typed text follows
# (domain/text.py): a synced or hand-edited file must not put ESC, BEL or a
# bidi override on the screen, nor fail to load for it.  Single-line fields
# are cleaned as one line; notes and the like keep their line breaks.
_ONE_LINE = frozenset({*(f.name for f in FIELDS if not f.multiline), "place"})


def _clean(name: str, value: str) -> str:
    return one_line(value) if name in _ONE_LINE else printable(value)


def clean_field(name: str, value: str) -> str:
    """A contact field's stored text as it is read in (one line, or printable)."""
    return _clean(name, value)


class RecordError(UserError, ValueError):
    """A stored record that does not have the shape coffeechat writes."""


def event_to_record(event: Event) -> dict[str, Any]:
    """An event as stored: ``{id, kind, at, recorded_at, data}``, ``data`` per kind."""
    return {
        "id": event.id,
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(),
        "data": payload_to_record(event.data),
    }


_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in dataclass_fields(kind))
    for kind in (
        Created, Advance, Touch, Archive, Restore, Edit, MeetingChange, PromiseDone, Snooze, Undo,
        Remove, Merge,
    )
}  # fmt: skip


def payload_to_record(data: Payload) -> dict[str, Any]:
    """An event's payload as a JSON object (empty text fields left out)."""
    record: dict[str, Any] = {}
    for name in _FIELD_NAMES[type(data)]:
        value = getattr(data, name)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Mapping):
            value = {key: list(pair) for key, pair in value.items()}
        elif isinstance(value, tuple):
            value = list(value)
        if value in ("", None) or value == {} or value == []:
            continue
        record[name] = value
    return record


def contact_to_record(contact: Contact) -> dict[str, Any]:
    """A contact as stored in the ``contacts`` table."""
    record: dict[str, Any] = {"id": contact.id}
    record.update(contact.fields())
    record["events"] = [event_to_record(event) for event in contact.events]
    # Written only when present: most contacts have neither, and a 10,000-contact
    # file should not grow by two empty keys each.
    if contact.referrer_id:
        record["referrer_id"] = contact.referrer_id
    if contact.meetings:
        record["meetings"] = [meeting_to_record(meeting) for meeting in contact.meetings]
    return record


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def meeting_to_record(meeting: Meeting) -> dict[str, Any]:
    """A meeting as stored inside its contact."""
    return {
        "id": meeting.id,
        "scheduled_at": _iso(meeting.scheduled_at),
        "format": meeting.format.value,
        "minutes": meeting.minutes,
        "place": meeting.place,
        "research": meeting.research,
        "goals": meeting.goals,
        "agenda": [
            {
                "question_id": item.question_id,
                "text": item.text,
                "category": item.category,
                "asked": item.asked,
                "answer": item.answer,
            }
            for item in meeting.agenda
        ],
        "notes": meeting.notes,
        "takeaways": list(meeting.takeaways),
        "promises": [
            {"id": p.id, "text": p.text, "due": p.due.isoformat(), "done_at": _iso(p.done_at)}
            for p in meeting.promises
        ],
        "referrals": list(meeting.referrals),
        "started_at": _iso(meeting.started_at),
        "held_at": _iso(meeting.held_at),
        **({"cancelled_at": _iso(meeting.cancelled_at)} if meeting.cancelled_at else {}),
    }


def question_to_record(question: Question) -> dict[str, Any]:
    """A question as stored in the ``questions`` table (built-ins: only what the user changed)."""
    record: dict[str, Any] = {"id": question.id, "hidden": question.hidden}
    record["tags"] = list(question.tags)
    if not question.builtin:
        record["text"] = question.text
        record["category"] = question.category.value
    return record


def _moment(value: Any, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (ValueError, TypeError):
        raise RecordError(f"{what} {value!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        raise RecordError(f"{what} {value!r} has no UTC offset")
    return moment


# Plain dict look-ups: calling an Enum class costs ~1 µs, and a 10,000-contact
# file has ~100,000 of these to read.
_KINDS: dict[Any, EventKind] = {kind.value: kind for kind in EventKind}
_STAGES: dict[Any, Stage] = {stage.value: stage for stage in Stage}
_REASONS: dict[Any, ArchiveReason] = {reason.value: reason for reason in ArchiveReason}
_ACTIONS: dict[Any, MeetingAction] = {action.value: action for action in MeetingAction}
_CREATED = Created()
_RESTORE = Restore()


def _stage(value: Any, what: str) -> Stage:
    try:
        return _STAGES[value]
    except (KeyError, TypeError):
        raise RecordError(f"{what} {value!r} is not a stage") from None


def _optional_stage(value: Any, what: str) -> Stage | None:
    return None if value is None else _stage(value, what)


def _str(value: Any, what: str) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        raise RecordError(f"{what} is not text")
    return value


def _changes(raw: Any, what: str) -> FieldChanges:
    if raw is None:
        return _NO_CHANGES
    if not isinstance(raw, dict) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        for pair in raw.values()
    ):
        raise RecordError(f"{what} are malformed")
    return {name: (_clean(name, pair[0]), _clean(name, pair[1])) for name, pair in raw.items()}


def _known(changes: FieldChanges, names: Sequence[str], what: str) -> FieldChanges:
    """``changes``, if every field it names is one of ``names`` (undo would set them)."""
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise RecordError(f"{what} names fields coffeechat does not have: {', '.join(unknown)}")
    return changes


def _pair(raw: Any, what: str) -> tuple[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(v, str) for v in raw):
        raise RecordError(f"{what} is malformed")
    return raw[0], raw[1]


_NO_CHANGES: FieldChanges = MappingProxyType({})
T = TypeVar("T")


def _lookup(table: Mapping[Any, T], value: Any) -> T | None:
    """``table[value]``, or None when absent or not even hashable (a list from a bad file)."""
    try:
        return table.get(value)
    except TypeError:
        return None


# Most events are plain moves with nothing typed: one shared payload per pair of
# stages saves building ~30,000 of them when a 10,000-contact file opens.
_PLAIN_ADVANCES: dict[tuple[str, str], Advance] = {
    (before.value, after.value): Advance(before, after) for before in Stage for after in Stage
}


def _payload(kind: EventKind, data: dict[str, Any]) -> Payload:
    """The typed payload of a stored event (today's shape)."""
    get = data.get
    if kind is EventKind.ADVANCE:
        if len(data) == 2:
            plain = _lookup(_PLAIN_ADVANCES, (get("from_stage"), get("to_stage")))
            if plain is not None:
                return plain
        return Advance(
            _stage(get("from_stage"), "stage"),
            _stage(get("to_stage"), "stage"),
            printable(_str(get("channel"), "a channel")),
            printable(_str(get("message"), "a message")),
            printable(_str(get("note"), "a note")),
        )
    if kind is EventKind.CREATED:
        return _CREATED
    if kind is EventKind.TOUCH:
        return Touch(
            printable(_str(get("channel"), "a channel")),
            printable(_str(get("message"), "a message")),
            printable(_str(get("note"), "a note")),
        )
    if kind is EventKind.ARCHIVE:
        reason = _lookup(_REASONS, get("reason"))
        if reason is None:
            raise RecordError(f"archive reason {get('reason')!r} is unknown")
        note = printable(_str(get("note"), "a note"))
        return Archive(reason, _optional_stage(get("from_stage"), "stage"), note)
    if kind is EventKind.RESTORE:
        return _RESTORE
    if kind is EventKind.EDIT:
        return Edit(
            _known(_changes(get("fields"), "an edit's changes"), CONTACT_FIELDS, "an edit"),
            _pair(get("referrer"), "referrer"),
        )
    if kind is EventKind.MEETING:
        action = _lookup(_ACTIONS, get("action"))
        if action is None:
            raise RecordError(f"meeting action {get('action')!r} is unknown")
        meeting_id = _str(get("meeting_id"), "a meeting id")
        if not meeting_id:
            raise RecordError("a meeting event names no meeting")
        fields = _changes(get("fields"), "a meeting's changes")
        return MeetingChange(meeting_id, action, _known(fields, SCHEDULE_FIELDS, "a meeting event"))
    if kind is EventKind.PROMISE:
        done = get("done", False)
        if type(done) is not bool:
            raise RecordError("a promise's 'done' is not true/false")
        return PromiseDone(
            _str(get("meeting_id"), "a meeting id"), _str(get("promise_id"), "a promise id"), done
        )
    if kind is EventKind.SNOOZE:
        return Snooze(
            _str(get("due"), "a snoozed item's kind"),
            _str(get("ref"), "which item was snoozed"),
            _moment(get("until"), "snooze end"),
        )
    if kind is EventKind.REMOVE:
        return Remove(_str(get("merged_into"), "a merged-into id"))
    if kind is EventKind.MERGE:
        other_id = _str(get("other_id"), "a merged contact id")
        if not other_id:
            raise RecordError("a merge names no contact")
        meetings = get("meetings", [])
        if not isinstance(meetings, list) or not all(type(m) is str for m in meetings):
            raise RecordError("a merge's meetings are malformed")
        return Merge(
            other_id,
            _known(_changes(get("fields"), "a merge's changes"), CONTACT_FIELDS, "a merge"),
            _pair(get("referrer"), "referrer"),
            tuple(meetings),
        )
    target = _str(get("event_id"), "an undone event id")
    if not target:
        raise RecordError("an undo names no event")
    whole = get("whole", False)
    if type(whole) is not bool:
        raise RecordError("an undo's 'whole' is not true/false")
    return Undo(target, whole)


def _legacy_payload(kind: EventKind, record: dict[str, Any], at: datetime) -> Payload:
    """The typed payload of an event written before schema 3.

    Those kept meaning in free text: ``note`` held an archive reason, a
    snoozed item's key, "sent thank-you" or "held"; ``changes`` mixed field
    edits with a channel, a snooze's end and the meeting's id.  Whatever
    coffeechat before schema 3 read (a note that is not text, empty
    ``changes`` of any type, a move to no stage, a meeting event naming no
    meeting, a snooze with no end) is read here too, as that version read it.
    """
    get = record.get
    raw_note = get("note")
    note = printable(raw_note if type(raw_note) is str else str(raw_note or ""))
    raw_changes = get("changes")
    changes = _changes(raw_changes, "an event's changes") if raw_changes else _NO_CHANGES
    to_stage = _optional_stage(get("to"), "stage")
    from_stage = _optional_stage(get("from"), "stage")
    channel = changes.get("channel", ("", ""))[1]
    message = ""
    if note.startswith("sent ") and note[5:] in LEGACY_MESSAGES:
        message, note = note[5:], ""
    if kind is EventKind.ADVANCE:
        if to_stage is None or from_stage is to_stage:
            # A move to no stage never moved anything; nor did an older
            # follow-up logged as a move to where it was.
            return Touch(channel, message, note)
        if from_stage is None:  # not written by coffeechat; the stage before is the best guess
            from_stage = PIPELINE[max(0, PIPELINE.index(to_stage) - 1)]
        return Advance(from_stage, to_stage, channel, message, note)
    if kind is EventKind.TOUCH:
        return Touch(channel, message, note)
    if kind is EventKind.ARCHIVE:
        reason = _lookup(_REASONS, note)
        if reason is None:
            return Archive(ArchiveReason.OTHER, from_stage, note)
        return Archive(reason, from_stage)
    if kind is EventKind.EDIT:
        referrer = changes.get("referrer_id")
        # Only contact fields: anything else an old file names was never applied
        # (the .schema-2.bak copy keeps it), and undo must not set it.
        return Edit({k: v for k, v in changes.items() if k in CONTACT_FIELDS}, referrer)
    if kind is EventKind.MEETING:
        fields = dict(changes)
        old_id, meeting_id = fields.pop("meeting", ("", ""))
        if not meeting_id:
            # Nothing to apply it to (the old version ignored it too); keep its note.
            return Touch(channel, message, note)
        if note == "held":
            action = MeetingAction.HELD
        elif old_id:
            action = MeetingAction.RESCHEDULED
        else:
            action = MeetingAction.SCHEDULED
        known = {k: v for k, v in fields.items() if k in SCHEDULE_FIELDS}
        return MeetingChange(meeting_id, action, known)
    if kind is EventKind.SNOOZE:
        due, _, ref = note.partition("/")  # the key was "follow-up/2026-12-01"
        until = changes.get("until", ("", ""))[1]
        # No end hid nothing; ending when it was made hides nothing either.
        return Snooze(due, ref, _moment(until, "snooze end") if until else at)
    if kind is EventKind.CREATED:
        return _CREATED
    if kind is EventKind.RESTORE:
        return _RESTORE
    raise RecordError(f"event kind {kind.value!r} is not one an older file could hold")


#: The messages whose sending an older file recorded as "sent <message>".
LEGACY_MESSAGES = frozenset({"request", "referral", "thank-you", "follow-up"})


def event_from_record(record: Any) -> Event:
    """The Event a stored dict describes; RecordError if it is malformed.

    Reads today's shape (``data``) and the shape files had before schema 3
    (``from``/``to``/``note``/``changes``), so old files and old backups read.
    This runs once per event when a file is opened (hundreds of thousands
    of times for a large file), so it does the checks and nothing more.
    """
    if type(record) is not dict:
        raise RecordError("an event is not an object")
    get = record.get
    kind_raw = get("kind")
    kind = _KINDS.get(kind_raw) if isinstance(kind_raw, str) else None
    if kind is None:
        raise RecordError(f"unknown event kind {get('kind')!r}")
    at_text = get("at")
    at = _moment(at_text, "event time")
    recorded_text = get("recorded_at", at_text)
    recorded_at = at if recorded_text == at_text else _moment(recorded_text, "recorded time")
    data = get("data")
    if data is None:
        payload = _legacy_payload(kind, record, at)
    elif type(data) is dict:
        payload = _payload(kind, data)
    else:
        raise RecordError("an event's data is not an object")
    event_id = get("id")
    if not isinstance(event_id, str):
        # An older, hand-made file may lack ids; contact_from_record gives them one.
        event_id = "" if event_id is None else str(event_id)
    return Event(event_id, at, recorded_at, payload)


def _text(record: dict[str, Any], name: str, what: str) -> str:
    value = record.get(name, "")
    if not isinstance(value, str):
        raise RecordError(f"{what}: {name} is not text")
    return value


def _texts(record: dict[str, Any], name: str, what: str) -> tuple[str, ...]:
    values = record.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RecordError(f"{what}: {name} is not a list of text")
    return tuple(values)


def _optional_moment(value: Any, what: str) -> datetime | None:
    return None if value is None else _moment(value, what)


def _objects(record: dict[str, Any], name: str, what: str) -> list[dict[str, Any]]:
    values = record.get(name, [])
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise RecordError(f"{what}: {name} is not a list of objects")
    return values


def meeting_from_record(record: Any, *, thin: bool = False) -> Meeting:
    """The Meeting a stored dict describes; RecordError if it is malformed.

    ``thin``: only what the Due rules read (its time, format, promises,
    whether held or cancelled) is read in and checked; the agenda, notes and
    the like are left empty, and not looked at.
    """
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise RecordError("a meeting is not an object with an id")
    what = f"meeting {record['id']}"
    try:
        meeting_format = MeetingFormat(record.get("format", MeetingFormat.VIDEO.value))
    except ValueError:
        raise RecordError(f"{what}: format {record.get('format')!r} is unknown") from None
    minutes = record.get("minutes", DEFAULT_MINUTES)
    if type(minutes) is not int or minutes < 1:
        raise RecordError(f"{what}: minutes {minutes!r} is not a positive whole number")
    agenda = []
    for item in () if thin else _objects(record, "agenda", what):
        if not isinstance(item.get("asked", False), bool):
            raise RecordError(f"{what}: a question's 'asked' is not true/false")
        agenda.append(
            AgendaItem(
                question_id=_text(item, "question_id", what),
                text=one_line(_text(item, "text", what)),
                category=one_line(_text(item, "category", what)),
                asked=item.get("asked", False),
                answer=printable(_text(item, "answer", what)),
            )
        )
    promises = [
        Promise(
            id=_text(item, "id", what),
            text=one_line(_text(item, "text", what)),
            due=_moment(item.get("due"), f"{what}: promise due date"),
            done_at=_optional_moment(item.get("done_at"), f"{what}: promise done time"),
        )
        for item in _objects(record, "promises", what)
    ]
    scheduled_at = _optional_moment(record.get("scheduled_at"), f"{what}: time")
    if thin:
        return Meeting(
            id=record["id"],
            scheduled_at=scheduled_at,
            format=meeting_format,
            minutes=minutes,
            promises=tuple(promises),
            started_at=_optional_moment(record.get("started_at"), f"{what}: start"),
            held_at=_optional_moment(record.get("held_at"), f"{what}: held time"),
            cancelled_at=_optional_moment(record.get("cancelled_at"), f"{what}: cancelled time"),
        )
    return Meeting(
        id=record["id"],
        scheduled_at=scheduled_at,
        format=meeting_format,
        minutes=minutes,
        place=one_line(_text(record, "place", what)),
        research=printable(_text(record, "research", what)),
        goals=printable(_text(record, "goals", what)),
        agenda=tuple(agenda),
        notes=printable(_text(record, "notes", what)),
        takeaways=tuple(one_line(t) for t in _texts(record, "takeaways", what)),
        promises=tuple(promises),
        referrals=tuple(one_line(r) for r in _texts(record, "referrals", what)),
        started_at=_optional_moment(record.get("started_at"), f"{what}: start"),
        held_at=_optional_moment(record.get("held_at"), f"{what}: held time"),
        cancelled_at=_optional_moment(record.get("cancelled_at"), f"{what}: cancelled time"),
    )


def question_from_record(record: Any, builtins: Mapping[str, Question]) -> Question:
    """A stored question: the user's own, or what they changed about a built-in."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise RecordError("a question is not an object with an id")
    what = f"question {record['id']}"
    hidden = record.get("hidden", False)
    if not isinstance(hidden, bool):
        raise RecordError(f"{what}: 'hidden' is not true/false")
    tags = tuple(one_line(t) for t in _texts(record, "tags", what))
    builtin = builtins.get(record["id"])
    if builtin is not None:
        return Question(builtin.id, builtin.text, builtin.category, tags, True, hidden)
    try:
        category = Category(str(record.get("category")))
    except ValueError:
        raise RecordError(f"{what}: category {record.get('category')!r} is unknown") from None
    text = one_line(_text(record, "text", what))
    if not text:
        raise RecordError(f"{what} has no text")
    return Question(record["id"], text, category, tags, False, hidden)


def _legacy_history(contact_id: str, events: tuple[Event, ...]) -> tuple[Event, ...]:
    """A history written before schema 3, with the ids and first event undo relies on.

    Older files could lack ids or repeat one (hand-merged); each such event gets
    a stable id from its position.  Coffeechat before schema 3 did not insist on
    a "created" event first: one is put in front, at the earliest time, and the
    history after it reads as that version read it.
    """
    seen: set[str] = set()
    fixed = []
    for index, event in enumerate(events):
        if not event.id or event.id in seen:
            event = replace(event, id=f"{contact_id}-{index}")
        seen.add(event.id)
        fixed.append(event)
    if type(fixed[0].data) is not Created:
        first = min(fixed, key=lambda e: e.at)
        created_id = f"{contact_id}-created"
        while created_id in seen:
            created_id += "-"
        fixed.insert(0, Event(created_id, first.at, first.at, _CREATED))
    return tuple(fixed)


def contact_from_record(record: Any, *, keep: Collection[str] | None = None) -> Contact:
    """The Contact a stored dict describes; RecordError if it is malformed.

    Every field is checked; with ``keep``, only those fields are read in (the
    rest left empty): ``coffeechat due`` keeps the few its rules read.
    """
    if not isinstance(record, dict):
        raise RecordError("a contact is not an object")
    contact_id = record.get("id")
    if not isinstance(contact_id, str) or not contact_id:
        raise RecordError("a contact has no id")
    fields = {}
    for name in CONTACT_FIELDS:
        value = record.get(name, "")
        if not isinstance(value, str):
            raise RecordError(f"contact {contact_id}: {name} is not text")
        if keep is None or name in keep:
            fields[name] = _clean(name, value)
    events_raw = record.get("events")
    if not isinstance(events_raw, list) or not events_raw:
        raise RecordError(f"contact {contact_id} has no history")
    try:
        events = tuple([event_from_record(event) for event in events_raw])
        legacy = not isinstance(events_raw[0], dict) or "data" not in events_raw[0]
        if legacy:
            events = _legacy_history(contact_id, events)
        elif not all(event.id for event in events):
            # Ids are what undo and merging name; a stable one per position will do.
            events = tuple(
                e if e.id else replace(e, id=f"{contact_id}-{index}")
                for index, e in enumerate(events)
            )
        if len({event.id for event in events}) != len(events):
            # An undo names its event by id: two events sharing one would
            # leave the history saying one thing and the fields another.
            ids = [event.id for event in events]
            twice = next(i for n, i in enumerate(ids) if i in ids[:n])
            raise RecordError(f"event id {twice!r} appears twice")
        referrer_id = _text(record, "referrer_id", f"contact {contact_id}")
        meetings_raw = record.get("meetings", [])
        if not isinstance(meetings_raw, list):
            raise RecordError("meetings is not a list")
        meetings = tuple(meeting_from_record(m) for m in meetings_raw)
    except RecordError as error:
        raise RecordError(f"contact {contact_id}: {error}") from None
    try:
        return Contact(
            id=contact_id, events=events, referrer_id=referrer_id, meetings=meetings, **fields
        )
    except ValueError as error:
        raise RecordError(f"contact {contact_id}: {error}") from None
