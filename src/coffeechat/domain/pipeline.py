"""The moves a person makes: add, advance, archive, restore, edit.

Each function checks the move against the contact's state and returns the
Event to append; the caller (the repository) stores it.  ``new_id`` is passed
in so tests can predict ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import Any

from coffeechat.domain import meetings
from coffeechat.domain.errors import UserError
from coffeechat.domain.events import (
    Advance,
    Archive,
    ArchiveReason,
    Created,
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
    Undo,
)
from coffeechat.domain.model import FIELD_LABELS, Contact, ValidationError, clean_fields
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.domain.text import matched_text, one_line


class MoveError(UserError, ValueError):
    """A move that does not apply to the contact as it is now."""


def _require_active(contact: Contact) -> None:
    if contact.archived:
        raise MoveError(f"{contact.name} is archived; restore them first")


def _require_past(when: datetime, now: datetime) -> None:
    if when > now:
        raise MoveError(f"{when:%Y-%m-%d %H:%M} is in the future")


def new_contact(raw: Mapping[str, str], now: datetime, contact_id: str, event_id: str) -> Contact:
    """A contact in "identified", created now from person-typed fields."""
    if "name" not in raw:
        raise ValidationError({"name": "a name is required"})
    cleaned = clean_fields(raw)
    created = Event(event_id, now, now, Created())
    fields: dict[str, Any] = cleaned
    return Contact(id=contact_id, events=(created,), **fields)


def advance(
    contact: Contact,
    now: datetime,
    event_id: str,
    at: datetime | None = None,
    note: str = "",
    *,
    channel: str = "",
    message: str = "",
    expected: Stage | None = None,
) -> Event:
    """Move the contact one stage on, at ``at`` (default now).

    From follow-up there is no next stage: it logs another follow-up touch.
    ``expected``: the stage the person saw when they asked; a contact that has
    moved since (a second key of a burst, another window) is not moved again.
    """
    _require_active(contact)
    if expected is not None and contact.stage is not expected:
        raise MoveError(
            f"{contact.name} is already {contact.stage.label} (moved a moment ago or "
            "elsewhere), so nothing was changed"
        )
    when = now if at is None else at
    _require_past(when, now)
    target = contact.stage.next
    if target is not None and contact.stage is not Stage.IDENTIFIED:
        _require_after_last_move(contact, when)
    if target is None:
        return Event(event_id, when, now, Touch(channel, message, note))
    return Event(event_id, when, now, Advance(contact.stage, target, channel, message, note))


def _require_after_last_move(contact: Contact, when: datetime) -> None:
    """A move dated before the move that put the contact where it is would read backwards.

    Before the contact was *added* is fine (people are often added late), and
    so is back-filling an older follow-up touch.
    """
    moved = contact.stage_changed_at
    if when < moved:
        # A date at the calendar's edge (a hand-edited file) can't always be
        # shown in another zone; then it is shown in its own.
        with suppress(OverflowError):
            moved = moved.astimezone(when.tzinfo)
        raise MoveError(
            f"{when:%Y-%m-%d %H:%M} is before {contact.name} moved to {contact.stage}"
            f" ({moved:%Y-%m-%d %H:%M})"
        )


def archive(contact: Contact, reason: ArchiveReason, now: datetime, event_id: str) -> Event:
    """Take the contact off the board, remembering why."""
    if contact.archived:
        raise MoveError(f"{contact.name} is already archived")
    return Event(event_id, now, now, Archive(reason, contact.stage))


def restore(contact: Contact, now: datetime, event_id: str) -> Event:
    """Put an archived contact back on the board in the stage it left."""
    if not contact.archived:
        raise MoveError(f"{contact.name} is not archived")
    return Event(event_id, now, now, Restore())


class EditConflict(MoveError):
    """Fields changed elsewhere since the form opened, to something else than typed here.

    ``conflicts`` maps each such field to (the value stored now, the value typed).
    """

    def __init__(self, name: str, conflicts: Mapping[str, tuple[str, str]]) -> None:
        self.conflicts = dict(conflicts)
        labels = ", ".join(FIELD_LABELS.get(f, f) for f in conflicts)
        super().__init__(f"{labels} of {name} changed elsewhere while you were editing")


def edit(
    contact: Contact,
    raw: Mapping[str, str],
    now: datetime,
    event_id: str,
    base: Mapping[str, str] | None = None,
) -> Event | None:
    """An edit event for the fields that really change, or None if none do.

    ``raw`` should hold only the fields the person changed.  ``base`` is what
    they saw when they started editing: a field that changed since (in another
    window, by an import) to something other than what they typed raises
    EditConflict rather than being overwritten.
    """
    cleaned = clean_fields(raw)
    current = contact.fields()
    changes = {
        name: (current[name], value) for name, value in cleaned.items() if current[name] != value
    }
    if base is not None:
        conflicts = {
            name: (current[name], value)
            for name, (_, value) in changes.items()
            if name in base and base[name] != current[name]
        }
        if conflicts:
            raise EditConflict(contact.name, conflicts)
    if not changes:
        return None
    referrer = None
    if "referred_by" in changes and contact.referrer_id:
        # The link to the referrer follows the text: retyping who referred
        # them drops a link the text no longer describes.
        referrer = (contact.referrer_id, "")
    return Event(event_id, now, now, Edit(changes, referrer))


def undo(contact: Contact, event_id: str, now: datetime, new_id: str, latest: str = "") -> Event:
    """The event that takes ``event_id`` back.

    Only the latest change that still counts can be undone: if anything
    happened to the contact since (here or in another window), undoing an
    earlier step would leave the history contradicting itself.  ``latest``
    names that change when it is not ``event_id`` itself: undoing a restored
    contact's "created" takes its whole restored history off the board, as
    long as nothing was added to it since.
    """
    target = contact.event(event_id)
    if target is None or type(target.data) is Undo:
        raise MoveError(f"{contact.name} has no such change to undo")
    if contact.is_undone(event_id):
        raise MoveError(f"that change to {contact.name} was already undone (perhaps elsewhere)")
    effective = contact.effective_events
    if not effective or effective[-1].id != (latest or event_id):
        raise MoveError(
            f"{contact.name} has changed since (perhaps in another window); nothing was undone"
        )
    data = target.data
    if type(data) is MeetingChange and data.created:
        meeting = contact.meeting(data.meeting_id)
        if meeting is not None and meetings.has_typed(meeting):
            # Undoing the scheduling removes the meeting, and what was typed
            # into it (here or in another window) has no event to bring it back.
            raise MoveError(
                f"the meeting with {contact.name} has notes or an agenda since it was"
                " scheduled; nothing was undone"
            )
    whole = bool(latest) and type(data) is Created
    return Event(new_id, now, now, Undo(event_id, whole))


# The stage each message moves a contact to once it is sent.
SENT_MOVES_TO: Mapping[str, Stage] = {
    "request": Stage.REQUESTED,
    "referral": Stage.REQUESTED,
    "thank-you": Stage.THANKED,
    "follow-up": Stage.FOLLOW_UP,
}


def message_sent(
    contact: Contact, message: str, at: datetime, now: datetime, event_id: str
) -> Event:
    """The event for sending a message: a move when it is the next step, else a touch.

    A thank-you sent in "met" moves to "thanked"; a request sent again while
    already "requested" is only noted, so the stage never jumps backwards.
    """
    _require_active(contact)
    _require_past(at, now)
    target = SENT_MOVES_TO[message]
    if contact.stage.next is target or (
        contact.stage is Stage.FOLLOW_UP and target is Stage.FOLLOW_UP
    ):
        return advance(contact, now, event_id, at=at, message=message)
    return Event(event_id, at, now, Touch(message=message))


CHANNELS: tuple[str, ...] = ("email", "call", "coffee", "message")


def follow_up(
    contact: Contact,
    at: datetime,
    channel: str,
    note: str,
    now: datetime,
    event_id: str,
) -> Event:
    """Log a follow-up touch at ``at`` (which resets the follow-up cadence).

    From "thanked" it moves the contact to "follow-up"; in "follow-up" it is
    another touch; earlier (a nudge to an unanswered request, say) it is a
    touch that leaves the stage alone.
    """
    _require_active(contact)
    _require_past(at, now)
    if channel not in CHANNELS:
        raise MoveError(f"{channel!r} is not a channel; choose one of {', '.join(CHANNELS)}")
    text = one_line(note)
    if contact.stage in (Stage.THANKED, Stage.FOLLOW_UP):
        return advance(contact, now, event_id, at=at, note=text, channel=channel)
    return Event(event_id, at, now, Touch(channel, note=text))


def snooze(
    contact: Contact, due: str, ref: str, until: datetime, now: datetime, event_id: str
) -> Event:
    """Hide one due item (its kind, "follow-up", and which one, "2026-12-01") until ``until``."""
    if until <= now:
        raise MoveError(f"{until:%Y-%m-%d %H:%M} is not in the future")
    return Event(event_id, now, now, Snooze(due, ref, until))


def unsnooze(contact: Contact, due: str, ref: str, now: datetime, event_id: str) -> Event:
    """Show a snoozed item again: a snooze that ends now (the latest snooze counts).

    Not for an archived contact: nothing of theirs is on the list to come back.
    """
    _require_active(contact)
    until = contact.snoozed_until(due, ref)
    if until is None or until <= now:
        raise MoveError(f"the {due} for {contact.name} is not snoozed")
    return Event(event_id, now, now, Snooze(due, ref, now))


def schedule(
    contact: Contact,
    meeting_id: str | None,
    fields: Mapping[str, object],
    now: datetime,
    new_id: Callable[[], str],
) -> Event | None:
    """A meeting event that schedules a new meeting or changes one (None if nothing changes).

    ``fields`` are the checked values from ``scheduling.clean_schedule``.
    """
    _require_active(contact)
    old = contact.meeting(meeting_id) if meeting_id else None
    if meeting_id and old is None:
        raise MoveError(f"{contact.name} has no such meeting (perhaps undone elsewhere)")
    if old is not None and old.cancelled_at is not None:
        raise MoveError(f"the meeting with {contact.name} was cancelled (perhaps elsewhere)")
    base = old or meetings.Meeting(id=new_id())
    new = replace(base, **fields)  # type: ignore[arg-type]
    changes = meetings.schedule_changes(old, new)
    if old is not None and not changes:
        return None
    if old is None:
        # A new meeting records every schedule field, even empty ones, so undo is exact.
        changes.setdefault("scheduled_at", ("", meetings.field_text(new, "scheduled_at")))
    action = MeetingAction.RESCHEDULED if old else MeetingAction.SCHEDULED
    return Event(new_id(), now, now, MeetingChange(new.id, action, changes))


def _unheld_meeting(contact: Contact, meeting_id: str) -> meetings.Meeting:
    """The active contact's meeting ``meeting_id``, not yet held (else MoveError)."""
    _require_active(contact)
    meeting = contact.meeting(meeting_id)
    if meeting is None:
        raise MoveError(f"{contact.name} has no such meeting (perhaps undone elsewhere)")
    if meeting.held:
        raise MoveError(f"the meeting with {contact.name} is already recorded as held")
    return meeting


def cancel_meeting(
    contact: Contact, meeting_id: str, now: datetime, new_id: Callable[[], str]
) -> Event:
    """Call off a planned meeting: its time is cleared and it is marked cancelled.

    The meeting stays (with any questions picked or notes typed for it), so
    undoing the event brings it back whole; it is no longer the next meeting.
    """
    meeting = _unheld_meeting(contact, meeting_id)
    if meeting.cancelled_at is not None:
        raise MoveError(f"the meeting with {contact.name} is already cancelled")
    changes = meetings.schedule_changes(
        meeting, replace(meeting, scheduled_at=None, cancelled_at=now)
    )
    return Event(new_id(), now, now, MeetingChange(meeting_id, MeetingAction.CANCELLED, changes))


def hold(
    contact: Contact, meeting_id: str, held_at: datetime, now: datetime, new_id: Callable[[], str]
) -> list[Event]:
    """Record a meeting as held at ``held_at``, and move the contact to "met" then.

    A contact already at "met" or beyond keeps its stage (a second meeting).
    A meeting cancelled (say in another window while meeting mode was open)
    is held all the same, and no longer cancelled: it took place, and its
    thank-you must come due.  Undoing the event cancels it again.
    """
    meeting = _unheld_meeting(contact, meeting_id)
    _require_past(held_at, now)
    held = replace(meeting, held_at=held_at, cancelled_at=None)
    changes = meetings.schedule_changes(meeting, held)
    events = [Event(new_id(), held_at, now, MeetingChange(meeting_id, MeetingAction.HELD, changes))]
    if PIPELINE.index(contact.stage) < PIPELINE.index(Stage.MET):
        events.append(Event(new_id(), held_at, now, Advance(contact.stage, Stage.MET)))
    return events


def promise_done(
    contact: Contact, promise_id: str, done: bool, now: datetime, event_id: str
) -> Event:
    """Tick a promise off (``done``) or back on."""
    found = meetings.find_promise(contact.meetings, promise_id)
    if found is None:
        raise MoveError(f"{contact.name} has no such promise (removed elsewhere?)")
    meeting, promise = found
    if promise.done == done:
        state = "ticked off" if done else "open"
        raise MoveError(f"that promise to {contact.name} is already {state}")
    return Event(event_id, now, now, PromiseDone(meeting.id, promise_id, done))


def delete(contact: Contact, now: datetime, event_id: str) -> Event:
    """Take the contact off every list (undoable; its history stays in the file)."""
    if contact.removed:
        raise MoveError(f"{contact.name} is already deleted")
    return Event(event_id, now, now, Remove())


def _same_text(a: str, b: str) -> bool:
    return matched_text(a) == matched_text(b)


def merge_conflicts(keep: Contact, other: Contact) -> dict[str, tuple[str, str]]:
    """Fields both contacts fill in differently: name -> (keep's value, other's value).

    Notes are not among them: merging joins both contacts' notes.
    """
    return {
        name: (mine, theirs)
        for name, mine in keep.fields().items()
        if name != "notes"
        and mine
        and (theirs := getattr(other, name))
        and not _same_text(mine, theirs)
    }


def merge(
    keep: Contact,
    other: Contact,
    take_other: Iterable[str],
    now: datetime,
    new_id: Callable[[], str],
) -> tuple[Contact, Contact]:
    """``keep`` with ``other`` merged in, and ``other`` removed, pointing at ``keep``.

    Blank fields of ``keep`` are filled from ``other``; of the fields both
    fill in differently, those named in ``take_other`` take ``other``'s value
    and the rest keep ``keep``'s; notes are joined.  ``other``'s meetings move
    to ``keep``; its history stays in the file with it.  Both changes are
    events, so undoing both (``other``'s first) restores the two contacts.
    """
    if keep.id == other.id:
        raise MoveError(f"{keep.name} cannot be merged with themselves")
    for contact in (keep, other):
        if contact.removed:
            raise MoveError(f"{contact.name} is deleted (perhaps elsewhere)")
    chosen = set(take_other)
    conflicts = merge_conflicts(keep, other)
    changes: dict[str, tuple[str, str]] = {}
    for name, mine in keep.fields().items():
        theirs = getattr(other, name)
        if name == "notes":
            if theirs and theirs not in mine:
                changes[name] = (mine, f"{mine}\n\n{theirs}" if mine else theirs)
        elif (not mine and theirs) or (name in conflicts and name in chosen):
            changes[name] = (mine, theirs)
    # Never one's own referrer: a link to either of the two (a hand edit can
    # leave one naming itself) counts as none, and is filled from the other's.
    own = {keep.id, other.id}
    link = keep.referrer_id if keep.referrer_id not in own else ""
    taken = "referred_by" in changes and (other.referrer_id or keep.referred_by)
    if (not link or taken) and other.referrer_id not in own:
        # Their "referred by" taken (a blank filled, or chosen): their link goes with it,
        # or the text would name one introducer and the link another.
        link = other.referrer_id
    referrer = (keep.referrer_id, link) if link != keep.referrer_id else None
    known = {m.id for m in keep.meetings}
    moved = tuple(m for m in other.meetings if m.id not in known)
    event = Event(
        new_id(), now, now, Merge(other.id, changes, referrer, tuple(m.id for m in moved))
    )
    merged = keep.with_event(event)
    merged = replace(merged, meetings=(*merged.meetings, *moved))
    removed = other.with_event(Event(new_id(), now, now, Remove(merged_into=keep.id)))
    return merged, removed


def repoint_referral(
    contact: Contact, old: Contact, new: Contact, now: datetime, event_id: str
) -> Event:
    """An edit linking ``contact`` to ``new`` instead of ``old`` as who introduced them."""
    fields = {}
    renamed = contact.referred_by != new.name
    if contact.referred_by and _same_text(contact.referred_by, old.name) and renamed:
        fields["referred_by"] = (contact.referred_by, new.name)
    return Event(event_id, now, now, Edit(fields, (contact.referrer_id, new.id)))


def link_referral(contact: Contact, referrer: Contact, now: datetime, event_id: str) -> Event:
    """An edit linking ``contact`` (already there) to ``referrer``, who introduced them.

    A link this replaces (to someone deleted since) takes its "referred by" text with it.
    """
    fields = {}
    if not contact.referred_by or (contact.referrer_id and contact.referred_by != referrer.name):
        fields["referred_by"] = (contact.referred_by, referrer.name)
    return Event(event_id, now, now, Edit(fields, (contact.referrer_id, referrer.id)))
