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

    def __post_init__(self) -> None:
        if not 0 < self.thank_you_due_hours <= self.thank_you_late_hours <= 24 * 365:
            raise ValueError("thank-you hours must satisfy 0 < due ≤ late ≤ 8760 (a year)")


class DueKind(StrEnum):
    """The kind of thing that is due; the value is what `due --json` prints."""

    THANK_YOU = "thank-you"


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

    @property
    def overdue(self) -> bool:
        """True once the due time has passed."""
        return self.urgency is not Urgency.DUE


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


def due_items(
    contacts: Iterable[Contact],
    now: datetime,
    settings: Settings,
    horizon: timedelta = timedelta(hours=24),
) -> list[DueItem]:
    """Everything overdue, then everything due within ``horizon``, most urgent first.

    Overdue thank-yous come first, the longest-overdue at the top; then
    those coming due, the soonest first.
    """
    items = []
    for contact in contacts:
        item = thank_you_item(contact, now, settings)
        if item is not None and (item.overdue or item.due_at <= now + horizon):
            items.append(item)
    return sorted(items, key=lambda item: (not item.overdue, item.due_at, item.name.lower()))
