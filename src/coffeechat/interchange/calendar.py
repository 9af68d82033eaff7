"""Meetings and due items as an iCalendar file (RFC 5545) for any calendar app.

Every meeting with a time becomes an event and every other due item a to-do.
UIDs come from ids that never change, so importing a newer export updates
the entries already there instead of adding copies.  Only what a calendar
needs leaves the app: a meeting's goals, never its notes or research.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from icalendar import Calendar, Event, Todo

from coffeechat.domain.meetings import Meeting, MeetingFormat
from coffeechat.domain.model import Contact
from coffeechat.domain.rules import DueItem
from coffeechat.domain.text import printable

PRODID = "-//coffeechat//EN"
UID_DOMAIN = "coffeechat"

_MEETING_TITLES = {
    MeetingFormat.COFFEE: "Coffee with",
    MeetingFormat.LUNCH: "Lunch with",
    MeetingFormat.PHONE: "Call with",
    MeetingFormat.VIDEO: "Video call with",
    MeetingFormat.IN_PERSON: "Meeting with",
}
# Due items whose detail is safe and useful in a calendar ("first nudge", "every 3 months").
_DETAIL_AS_DESCRIPTION = frozenset({"follow-up", "nudge"})


def write_calendar(
    contacts: Iterable[Contact], items: Iterable[DueItem], now: datetime, out: BinaryIO
) -> None:
    """Write a VCALENDAR of meetings (events) and due items (to-dos) to ``out``.

    Meetings of archived contacts are left out, as are meeting items in
    ``items`` (the meetings are already there as events).  ``now`` stamps
    every entry (DTSTAMP); nothing else depends on it.  A time no calendar
    can hold (year 9999 west of UTC, in a hand-edited file) leaves its entry
    out, and a length past the year 9999 is cut there: the rest still exports.
    """
    stamp = _utc(now)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "coffeechat")
    events = [
        meeting_event(contact, meeting, stamp)
        for contact in contacts
        if not contact.archived
        for meeting in contact.meetings
        if meeting.scheduled_at is not None
        and meeting.cancelled_at is None  # a hand-edited file may keep a cancelled one's time
        and _writable(meeting.scheduled_at)
    ]
    # A stable order keeps successive exports diff-friendly.
    events.sort(key=lambda event: (event.decoded("dtstart"), str(event["uid"])))
    for event in events:
        calendar.add_component(event)
    for item in items:
        if str(item.kind) != "meeting" and _writable(item.due_at):
            calendar.add_component(due_todo(item, stamp))
    out.write(calendar.to_ical())


def meeting_event(contact: Contact, meeting: Meeting, stamp: datetime) -> Event:
    """One meeting as a VEVENT: when, how long, where, and the goals."""
    if meeting.scheduled_at is None:
        raise ValueError(f"meeting {meeting.id} has no time to put in a calendar")
    start = _utc(meeting.scheduled_at)
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    # timedelta(minutes=2**62) overflows; so does a long meeting late in 9999.
    minutes = min(meeting.minutes, (_LAST - start) // _MINUTE)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", printable(meeting_summary(contact, meeting)))
    if meeting.place:
        event.add("location", printable(meeting.place))
    if meeting.goals:
        event.add("description", printable(meeting.goals))
    return event


def meeting_summary(contact: Contact, meeting: Meeting) -> str:
    """ "Coffee with Priya Raman (Northwind)", "Call with Ada Lovelace"."""
    title = _MEETING_TITLES.get(meeting.format, "Meeting with")
    company = f" ({contact.company})" if contact.company else ""
    return f"{title} {contact.name}{company}"


def due_todo(item: DueItem, stamp: datetime) -> Todo:
    """One due item as a VTODO, due at its due time (in UTC)."""
    todo = Todo()
    todo.add("uid", todo_uid(item))
    todo.add("dtstamp", stamp)
    todo.add("due", _utc(item.due_at))
    todo.add("summary", printable(todo_summary(item)))
    todo.add("status", "NEEDS-ACTION")
    if str(item.kind) in _DETAIL_AS_DESCRIPTION and item.detail:
        todo.add("description", printable(item.detail))
    return todo


# A contact has at most one of these at a time; keying them by contact (not by
# cycle) means the next follow-up or nudge updates the same to-do in a calendar
# app instead of leaving the last one behind.
_ONE_PER_CONTACT = frozenset({"thank-you", "follow-up", "nudge"})


def todo_uid(item: DueItem) -> str:
    """A UID that stays the same across exports, and across cycles where it can."""
    kind = str(item.kind)
    if kind in _ONE_PER_CONTACT:
        return f"{item.contact_id}-{kind}@{UID_DOMAIN}"
    return f"{item.key.replace('/', '-')}@{UID_DOMAIN}"


def todo_summary(item: DueItem) -> str:
    """ "Thank-you to Priya Raman", "Promise: send the deck (Priya Raman)"."""
    kind = str(item.kind)
    if kind == "thank-you":
        return f"Thank-you to {item.name}"
    if kind == "follow-up":
        return f"Follow up with {item.name}"
    if kind == "nudge":
        return f"Nudge {item.name}"
    if kind == "promise":
        return f"Promise: {item.detail} ({item.name})" if item.detail else f"Promise ({item.name})"
    return f"{kind} — {item.name}"


_LAST = datetime.max.replace(tzinfo=UTC)
_MINUTE = timedelta(minutes=1)


def _writable(moment: datetime) -> bool:
    """True if ``moment`` has a UTC time (9999-12-31 23:00 -05:00 has none)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def _utc(moment: datetime) -> datetime:
    # UTC ("Z") times need no VTIMEZONE; calendar apps show them in local time.
    return moment.astimezone(UTC)
