"""How contacts look on disk: plain JSON-able dicts, and back.

Kept separate from the repository so import/export can use the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from coffeechat.domain.model import CONTACT_FIELDS, Contact, Event, EventKind
from coffeechat.domain.stages import Stage


class RecordError(ValueError):
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
    except RecordError as error:
        raise RecordError(f"contact {contact_id}: {error}") from None
    return Contact(id=contact_id, events=events, **fields)
