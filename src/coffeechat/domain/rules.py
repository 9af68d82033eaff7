"""Reminder rules: what is due, and how late it is.

A thank-you is due ``thank_you_due_hours`` after the meeting and overdue
from then until the contact reaches "thanked"; past ``thank_you_late_hours``
it is *late* (shown in a stronger colour).  Hours are elapsed time, so a
meeting the evening before a DST change is still due 24 real hours later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from coffeechat.domain.model import Contact
from coffeechat.domain.stages import Stage


@dataclass(frozen=True, slots=True)
class Settings:
    """The user's reminder limits (stored in the database's meta table)."""

    thank_you_due_hours: int = 24
    thank_you_late_hours: int = 48
    my_name: str = ""  # signs the message drafts

    def __post_init__(self) -> None:
        if not 0 < self.thank_you_due_hours <= self.thank_you_late_hours <= 24 * 365:
            raise ValueError("thank-you hours must satisfy 0 < due ≤ late ≤ 8760 (a year)")
        if not isinstance(self.my_name, str):
            raise ValueError("my_name must be text")


class DueKind(StrEnum):
    """The kind of thing that is due; the value is what `due --json` prints."""

    THANK_YOU = "thank-you"
    MEETING = "meeting"
    PROMISE = "promise"


class Section(StrEnum):
    """The Due list's sections, in the order they are shown."""

    THANK_YOUS = "Thank-yous"
    MEETINGS_TODAY = "Meetings today"
    PROMISES_OVERDUE = "Promised items overdue"
    UPCOMING = "Upcoming (next 7 days)"


SECTION_ORDER = {section: index for index, section in enumerate(Section)}
UPCOMING_DAYS = 7


class Urgency(StrEnum):
    """How pressing a due item is, most pressing first."""

    LATE = "late"  # past the hard limit (48 h for a thank-you)
    OVERDUE = "overdue"  # past the due time
    DUE = "due"  # coming up


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing the person should do for one contact."""

    contact_id: str
    name: str
    company: str
    kind: DueKind
    due_at: datetime
    since: datetime  # the moment that started the clock (the meeting)
    urgency: Urgency
    section: Section = Section.THANK_YOUS
    ref: str = ""  # the meeting or promise this is about
    detail: str = ""  # the promise's text, the meeting's format

    @property
    def overdue(self) -> bool:
        """True once the due time has passed."""
        return self.urgency is not Urgency.DUE

    @property
    def key(self) -> str:
        """Unique on the Due list (a contact can have several items)."""
        return f"{self.contact_id}/{self.kind.value}/{self.ref}"


def _elapsed(start: datetime, hours: int) -> datetime:
    # Add real elapsed hours (through UTC), not wall-clock hours.
    return start.astimezone(UTC) + timedelta(hours=hours)


def thank_you_item(contact: Contact, now: datetime, settings: Settings) -> DueItem | None:
    """The thank-you this contact is waiting for, or None if none is."""
    if contact.archived or contact.stage is not Stage.MET:
        return None
    met_at = contact.met_at
    if met_at is None:
        return None
    due_at = _elapsed(met_at, settings.thank_you_due_hours)
    late_at = _elapsed(met_at, settings.thank_you_late_hours)
    if now > late_at:
        urgency = Urgency.LATE
    elif now > due_at:
        urgency = Urgency.OVERDUE
    else:
        urgency = Urgency.DUE
    return DueItem(
        contact_id=contact.id,
        name=contact.name,
        company=contact.company,
        kind=DueKind.THANK_YOU,
        due_at=due_at.astimezone(now.tzinfo),
        since=met_at,
        urgency=urgency,
    )


def meeting_items(contact: Contact, now: datetime) -> list[DueItem]:
    """Meetings not yet held: today's (and earlier ones never recorded), then the next 7 days."""
    if contact.archived:
        return []
    items = []
    today = now.date()
    for meeting in contact.meetings:
        if meeting.held or meeting.scheduled_at is None:
            continue
        local = meeting.scheduled_at.astimezone(now.tzinfo)
        if local.date() > today + timedelta(days=UPCOMING_DAYS):
            continue
        if local.date() > today:
            section, urgency = Section.UPCOMING, Urgency.DUE
        else:
            section = Section.MEETINGS_TODAY
            urgency = Urgency.OVERDUE if local.date() < today else Urgency.DUE
        items.append(
            DueItem(
                contact_id=contact.id,
                name=contact.name,
                company=contact.company,
                kind=DueKind.MEETING,
                due_at=local,
                since=local,
                urgency=urgency,
                section=section,
                ref=meeting.id,
                detail=meeting.format.value,
            )
        )
    return items


def promise_items(contact: Contact, now: datetime) -> list[DueItem]:
    """Promises not ticked off: overdue ones, then those due in the next 7 days."""
    if contact.archived:
        return []
    items = []
    horizon = now + timedelta(days=UPCOMING_DAYS)
    for meeting in contact.meetings:
        for promise in meeting.promises:
            if promise.done or promise.due > horizon:
                continue
            overdue = promise.due <= now
            items.append(
                DueItem(
                    contact_id=contact.id,
                    name=contact.name,
                    company=contact.company,
                    kind=DueKind.PROMISE,
                    due_at=promise.due.astimezone(now.tzinfo),
                    since=meeting.when() or promise.due,
                    urgency=Urgency.OVERDUE if overdue else Urgency.DUE,
                    section=Section.PROMISES_OVERDUE if overdue else Section.UPCOMING,
                    ref=promise.id,
                    detail=promise.text,
                )
            )
    return items


def due_items(
    contacts: Iterable[Contact],
    now: datetime,
    settings: Settings,
    horizon: timedelta = timedelta(hours=24),
) -> list[DueItem]:
    """Everything on the Due list, section by section, most urgent first in each.

    Thank-yous: overdue first, the longest-overdue at the top, then those
    coming due within ``horizon``, the soonest first.  Meetings and promises:
    overdue ones in their sections, the rest of the next 7 days in Upcoming.
    """
    items = []
    for contact in contacts:
        item = thank_you_item(contact, now, settings)
        if item is not None and (item.overdue or item.due_at <= now + horizon):
            items.append(item)
        if contact.meetings:
            items.extend(meeting_items(contact, now))
            items.extend(promise_items(contact, now))
    return sorted(
        items,
        key=lambda item: (
            SECTION_ORDER[item.section],
            not item.overdue,
            item.due_at,
            item.name.lower(),
        ),
    )
