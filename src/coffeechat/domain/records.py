"""How contacts look on disk: plain JSON-able dicts, and back.

Pure Python (no TinyDB), so the repository and import/export share one shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from coffeechat.domain.errors import UserError
from coffeechat.domain.meetings import AgendaItem, Meeting, MeetingFormat, Promise
from coffeechat.domain.model import CONTACT_FIELDS, Contact, Event, EventKind
from coffeechat.domain.questions import Category, Question
from coffeechat.domain.stages import Stage


class RecordError(UserError, ValueError):
    """A stored record that does not have the shape coffeechat writes."""


def event_to_record(event: Event) -> dict[str, Any]:
    """An event as stored: ``{id, kind, at, recorded_at, from, to, note[, changes]}``."""
    record: dict[str, Any] = {
        "id": event.id,
        "kind": event.kind.value,
        "at": event.at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(),
        "from": event.from_stage.value if event.from_stage else None,
        "to": event.to_stage.value if event.to_stage else None,
        "note": event.note,
    }
    if event.changes:
        record["changes"] = {name: list(pair) for name, pair in event.changes.items()}
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


def _stage(value: Any, what: str) -> Stage | None:
    if value is None:
        return None
    try:
        return _STAGES[value]
    except (KeyError, TypeError):
        raise RecordError(f"{what} {value!r} is not a stage") from None


def _changes(raw: Any) -> Mapping[str, tuple[str, str]]:
    if not isinstance(raw, dict) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
        for pair in raw.values()
    ):
        raise RecordError("an edit's changes are malformed")
    return {name: (pair[0], pair[1]) for name, pair in raw.items()}


_NO_CHANGES: Mapping[str, tuple[str, str]] = MappingProxyType({})


def event_from_record(record: Any) -> Event:
    """The Event a stored dict describes; RecordError if it is malformed.

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
    changes_raw = get("changes")
    note = get("note")
    return Event(
        str(get("id", "")),
        kind,
        at,
        recorded_at,
        _stage(get("from"), "stage"),
        _stage(get("to"), "stage"),
        note if type(note) is str else str(note or ""),
        _changes(changes_raw) if changes_raw else _NO_CHANGES,
    )


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


def meeting_from_record(record: Any) -> Meeting:
    """The Meeting a stored dict describes; RecordError if it is malformed."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise RecordError("a meeting is not an object with an id")
    what = f"meeting {record['id']}"
    try:
        meeting_format = MeetingFormat(record.get("format", MeetingFormat.VIDEO.value))
    except ValueError:
        raise RecordError(f"{what}: format {record.get('format')!r} is unknown") from None
    minutes = record.get("minutes", 15)
    if type(minutes) is not int or minutes < 1:
        raise RecordError(f"{what}: minutes {minutes!r} is not a positive whole number")
    agenda = []
    for item in _objects(record, "agenda", what):
        if not isinstance(item.get("asked", False), bool):
            raise RecordError(f"{what}: a question's 'asked' is not true/false")
        agenda.append(
            AgendaItem(
                question_id=_text(item, "question_id", what),
                text=_text(item, "text", what),
                category=_text(item, "category", what),
                asked=item.get("asked", False),
                answer=_text(item, "answer", what),
            )
        )
    promises = [
        Promise(
            id=_text(item, "id", what),
            text=_text(item, "text", what),
            due=_moment(item.get("due"), f"{what}: promise due date"),
            done_at=_optional_moment(item.get("done_at"), f"{what}: promise done time"),
        )
        for item in _objects(record, "promises", what)
    ]
    return Meeting(
        id=record["id"],
        scheduled_at=_optional_moment(record.get("scheduled_at"), f"{what}: time"),
        format=meeting_format,
        minutes=minutes,
        place=_text(record, "place", what),
        research=_text(record, "research", what),
        goals=_text(record, "goals", what),
        agenda=tuple(agenda),
        notes=_text(record, "notes", what),
        takeaways=_texts(record, "takeaways", what),
        promises=tuple(promises),
        referrals=_texts(record, "referrals", what),
        started_at=_optional_moment(record.get("started_at"), f"{what}: start"),
        held_at=_optional_moment(record.get("held_at"), f"{what}: held time"),
    )


def question_from_record(record: Any, builtins: Mapping[str, Question]) -> Question:
    """A stored question: the user's own, or what they changed about a built-in."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        raise RecordError("a question is not an object with an id")
    what = f"question {record['id']}"
    hidden = record.get("hidden", False)
    if not isinstance(hidden, bool):
        raise RecordError(f"{what}: 'hidden' is not true/false")
    tags = _texts(record, "tags", what)
    builtin = builtins.get(record["id"])
    if builtin is not None:
        return Question(builtin.id, builtin.text, builtin.category, tags, True, hidden)
    try:
        category = Category(str(record.get("category")))
    except ValueError:
        raise RecordError(f"{what}: category {record.get('category')!r} is unknown") from None
    text = _text(record, "text", what)
    if not text.strip():
        raise RecordError(f"{what} has no text")
    return Question(record["id"], text, category, tags, False, hidden)


def contact_from_record(record: Any) -> Contact:
    """The Contact a stored dict describes; RecordError if it is malformed."""
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
        fields[name] = value
    events_raw = record.get("events")
    if not isinstance(events_raw, list) or not events_raw:
        raise RecordError(f"contact {contact_id} has no history")
    try:
        events = tuple([event_from_record(event) for event in events_raw])
        referrer_id = _text(record, "referrer_id", f"contact {contact_id}")
        meetings_raw = record.get("meetings", [])
        if not isinstance(meetings_raw, list):
            raise RecordError("meetings is not a list")
        meetings = tuple(meeting_from_record(m) for m in meetings_raw)
    except RecordError as error:
        raise RecordError(f"contact {contact_id}: {error}") from None
    return Contact(
        id=contact_id, events=events, referrer_id=referrer_id, meetings=meetings, **fields
    )
