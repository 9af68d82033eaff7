"""What the Due rules need, read straight from stored records (``coffeechat due``).

``due_items`` (domain/rules.py) alone decides what is due; it reads a few
things of each contact (``DueSubject``).  Building whole contacts for it —
every event, every meeting's agenda and notes — was most of the time ``due``
took.  Here each stored record becomes:

* nothing, when it provably has nothing due: archived or removed (the
  repository leaves those out of the board too), or still "identified" with
  no meeting (no rule looks at that stage; meetings and promises need one);
* else a ``DueView``: the stage, the moments the rules read and the meetings
  (thin: no agenda or notes), found in one pass over the history.  Plain
  "created" and "advance" events are read in place; every other event is
  read by ``event_from_record``, the same reader the repository uses;
* or, for a record not in today's plain shape (an undo in its history, an
  event from before schema 3, an event without an id), the ``Contact``
  ``contact_from_record`` builds, with only the fields the rules read.

What is read is checked as the repository checks it: a malformed record
raises ``RecordError`` (``due`` then reads the file the usual way, which names
it).  A flaw in a part of a record the Due list never reads (say, a field of
a contact with nothing due) is not looked for here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from coffeechat.domain.events import (
    Advance,
    Archive,
    Edit,
    Event,
    MeetingAction,
    MeetingChange,
    Merge,
    PromiseDone,
    Remove,
    Restore,
    Snooze,
    Touch,
)
from coffeechat.domain.fields import CONTACT_FIELDS
from coffeechat.domain.meetings import Meeting
from coffeechat.domain.records import (
    clean_field,
    contact_from_record,
    event_from_record,
    meeting_from_record,
)
from coffeechat.domain.rules import DueSubject
from coffeechat.domain.stages import Stage

#: The contact fields the Due rules read (a built contact leaves the rest empty).
DUE_FIELDS = frozenset({"name", "company", "cadence"})

_STAGES: dict[Any, Stage] = {stage.value: stage for stage in Stage}
# Moves that mean you were in touch (as ``Contact.last_touch_at`` counts them).
_TOUCH_STAGES = frozenset({Stage.MET, Stage.THANKED, Stage.FOLLOW_UP})
# Payloads that change nothing the rules read: fields and meetings are stored
# as they end up, and moves are read on their own.
_QUIET_PAYLOADS: frozenset[type] = frozenset({Advance, Edit, Merge, PromiseDone, MeetingChange})
# Kinds read in place: most of any history.  The rest go through ``event_from_record``.
_PLAIN_KINDS = frozenset({"created", "advance", "touch"})
_TOUCH = Touch()  # stands for any touch: only that it is one counts here


class DuplicateIdsError(ValueError):
    """Two records are one contact: the repository's own read names them."""


class DueView:
    """One stored contact as the Due rules read it (a ``DueSubject``).

    For a record with no undo in its history, so every event counts: the
    stage is the latest move, archived is the latest archive or restore, as
    ``Contact`` derives them.
    """

    __slots__ = (
        "_events",
        "_history",
        "archived",
        "cadence",
        "company",
        "has_snoozes",
        "id",
        "last_touch_at",
        "meetings",
        "met_at",
        "name",
        "stage",
        "stage_changed_at",
    )

    def __init__(
        self,
        record: dict[str, Any],
        stage: Stage,
        stage_changed_at: datetime,
        met_at: datetime | None,
        last_touch_at: datetime,
        has_snoozes: bool,
        meetings: tuple[Meeting, ...],
    ) -> None:
        self.id: str = record["id"]
        self.name = clean_field("name", record.get("name", ""))
        self.company = clean_field("company", record.get("company", ""))
        self.cadence = clean_field("cadence", record.get("cadence", ""))
        self.stage = stage
        self.stage_changed_at = stage_changed_at
        self.archived = False  # archived contacts get no view
        self.met_at = met_at
        self.last_touch_at = last_touch_at
        self.has_snoozes = has_snoozes
        self.meetings = meetings
        self._events: list[Any] = record["events"]
        self._history: tuple[Event, ...] | None = None

    @property
    def effective_events(self) -> tuple[Event, ...]:
        """The whole history, read when a rule first asks (the nudge rule)."""
        if self._history is None:
            self._history = tuple([event_from_record(event) for event in self._events])
        return self._history

    def snoozed_until(self, due: str, ref: str) -> datetime | None:
        """Until when the due item is snoozed (the latest wins), as ``Contact.snoozed_until``."""
        for event in reversed(self.effective_events):
            data = event.data
            if type(data) is Snooze and data.due == due and data.ref == ref:
                return data.until
        return None


class _Unusual(Exception):
    """The record is not in today's plain shape: build the whole contact instead."""


def _moment(value: Any) -> datetime:
    """An event's time, as ``event_from_record`` reads it (else that reader says why not)."""
    if type(value) is not str:
        raise _Unusual
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Unusual from None
    if moment.tzinfo is None:
        raise _Unusual
    return moment


def _view(record: dict[str, Any]) -> DueView | None:
    """The record's view, or None if it has nothing due; _Unusual if it needs the full read."""
    contact_id = record.get("id")
    if type(contact_id) is not str or not contact_id:
        raise _Unusual
    for name in CONTACT_FIELDS:
        if type(record.get(name, "")) is not str:
            raise _Unusual
    if type(record.get("referrer_id", "")) is not str:
        raise _Unusual
    events = record.get("events")
    if type(events) is not list or not events:
        raise _Unusual
    meetings = record.get("meetings", [])
    if type(meetings) is not list:
        raise _Unusual
    ids = set()
    stage, stage_changed_at = Stage.IDENTIFIED, datetime.min
    met_at = touched = None
    archived = removed = snoozes = False
    for index, event in enumerate(events):
        if type(event) is not dict:
            raise _Unusual
        event_id = event.get("id")
        if type(event_id) is not str or not event_id or event_id in ids:
            raise _Unusual  # ids made up from positions, or repeated: the full read decides
        ids.add(event_id)
        kind, data = event.get("kind"), cast(Any, event.get("data"))
        if index == 0 and (kind != "created" or type(data) is not dict):
            raise _Unusual  # an older history, or not one coffeechat writes: the full read
        payload: object = None
        if type(data) is dict and kind in _PLAIN_KINDS:
            # Read in place, checked as ``event_from_record`` checks these kinds.
            at = _moment(event.get("at"))
            recorded = event.get("recorded_at", event["at"])
            if recorded != event["at"]:
                _moment(recorded)
            to_stage: Stage | None = None
            if kind == "created":
                to_stage = Stage.IDENTIFIED
            else:
                if kind == "advance":
                    to, before = data.get("to_stage"), data.get("from_stage")
                    if type(to) is not str or type(before) is not str:
                        raise _Unusual
                    if to not in _STAGES or before not in _STAGES:
                        raise _Unusual
                    to_stage = _STAGES[to]
                else:
                    payload = _TOUCH
                for text in (data.get("channel"), data.get("message"), data.get("note")):
                    if text is not None and type(text) is not str:
                        raise _Unusual
        else:
            parsed = event_from_record(event)  # RecordError if malformed
            at, payload = parsed.at, parsed.data
            to_stage = payload.to_stage if type(payload) is Advance else None
        kind_of = type(payload)
        if to_stage is not None:
            stage, stage_changed_at = to_stage, at
            if to_stage is Stage.MET:
                met_at = at
        if (
            to_stage in _TOUCH_STAGES
            or kind_of is Touch
            or (kind_of is MeetingChange and payload.action is MeetingAction.HELD)  # type: ignore[attr-defined]
        ):
            touched = at if touched is None or at > touched else touched
        elif kind_of is Archive:
            archived = True
        elif kind_of is Restore:
            archived = False
        elif kind_of is Remove:
            removed = True
        elif kind_of is Snooze:
            snoozes = True
        elif payload is not None and kind_of not in _QUIET_PAYLOADS:
            raise _Unusual  # an undo (it can take any of the above back), a later "created"
    if archived or removed or (stage is Stage.IDENTIFIED and not meetings):
        return None
    created_at = _moment(events[0]["at"])
    thin = tuple([meeting_from_record(meeting, thin=True) for meeting in meetings])
    return DueView(
        record,
        stage,
        stage_changed_at,
        met_at,
        created_at if touched is None else touched,
        snoozes,
        thin,
    )


def due_subjects(records: Sequence[Any]) -> list[DueSubject]:
    """What ``due_items`` needs, in the order given (the repository's, by doc id).

    The contacts ``Repository.contacts()`` gives, less those that cannot have
    anything due, each as a ``DueView`` or a ``Contact`` with only
    ``DUE_FIELDS`` filled in.  RecordError for a malformed record it reads;
    DuplicateIdsError if two records share an id (the repository refuses
    such a file).
    """
    ids = [record.get("id") for record in records if type(record) is dict]
    try:
        distinct = len(set(ids))
    except TypeError:  # an id that is a list: malformed, the repository says which
        raise DuplicateIdsError("a contact id is not text") from None
    if distinct != len(ids):
        raise DuplicateIdsError("two records share a contact id")
    subjects: list[DueSubject] = []
    for record in records:
        try:
            if type(record) is not dict:
                raise _Unusual
            view = _view(record)
        except _Unusual:
            contact = contact_from_record(record, keep=DUE_FIELDS)
            if not contact.archived and not contact.removed:
                subjects.append(contact)
            continue
        if view is not None:
            subjects.append(view)
    return subjects
