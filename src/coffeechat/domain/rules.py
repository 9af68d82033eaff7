"""Reminder rules: what is due, and how late it is.  Pure functions of contacts, now, settings.

* A thank-you is due ``thank_you_due_hours`` after the meeting and overdue
  from then until the contact reaches "thanked"; past ``thank_you_late_hours``
  it is *late*.  Hours are elapsed time, so a meeting the evening before a
  DST change is still due 24 real hours later.
* A follow-up is due ``follow_up_months`` (or the contact's own cadence) after
  the last touch, counted from the touch's event date with calendar months
  (31 Jan + 1 month = 28/29 Feb), and overdue at ``follow_up_overdue_factor``
  times that interval.
* A request with no meeting scheduled gets a nudge after ``nudge_days``,
  a second after ``second_nudge_days``, and after ``give_up_days`` a
  suggestion to archive it as "no response".  A logged nudge puts the next
  step off by at least the settings' gap between the two (a day at least):
  a first nudge sent late (it was snoozed) does not bring the second at once.
* Scheduled meetings and promises show on their day and in the week before.
* A snoozed item is hidden until its snooze ends (``snoozed_items`` lists
  them); archived contacts have nothing due.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from typing import Protocol

from dateutil.relativedelta import relativedelta

from coffeechat.domain.events import Event
from coffeechat.domain.meetings import Meeting
from coffeechat.domain.model import EventKind
from coffeechat.domain.settings import Settings as Settings  # re-exported: its old home
from coffeechat.domain.stages import Stage
from coffeechat.domain.words import every


class DueSubject(Protocol):
    """What the rules read of a contact: a ``Contact``, or ``due``'s thin view of a stored one."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def cadence(self) -> str: ...
    @property
    def stage(self) -> Stage: ...
    @property
    def stage_changed_at(self) -> datetime: ...
    @property
    def archived(self) -> bool: ...
    @property
    def met_at(self) -> datetime | None: ...
    @property
    def last_touch_at(self) -> datetime: ...
    @property
    def meetings(self) -> Sequence[Meeting]: ...
    @property
    def effective_events(self) -> Sequence[Event]: ...
    @property
    def has_snoozes(self) -> bool: ...
    def snoozed_until(self, due: str, ref: str) -> datetime | None: ...


class DueKind(StrEnum):
    """The kind of thing that is due; the value is what `due --json` prints."""

    THANK_YOU = "thank-you"
    MEETING = "meeting"
    PROMISE = "promise"
    FOLLOW_UP = "follow-up"
    NUDGE = "nudge"


class Section(StrEnum):
    """The Due list's sections, in the order they are shown."""

    THANK_YOUS = "Overdue thank-yous"
    MEETINGS_TODAY = "Meetings today"
    PROMISES_OVERDUE = "Promised items overdue"
    FOLLOW_UPS_OVERDUE = "Follow-ups overdue"
    FOLLOW_UPS_DUE = "Follow-ups due"
    NUDGES = "Nudges"
    UPCOMING = "Next 7 days"


SECTION_ORDER = {section: index for index, section in enumerate(Section)}
UPCOMING_DAYS = 7


class Urgency(StrEnum):
    """How pressing a due item is, most pressing first."""

    LATE = "late"  # past the hard limit (thank_you_late_hours for a thank-you)
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

    @classmethod
    def about(
        cls,
        contact: DueSubject,
        kind: DueKind,
        due_at: datetime,
        since: datetime,
        urgency: Urgency,
        section: Section,
        ref: str = "",
        detail: str = "",
    ) -> DueItem:
        """An item for ``contact`` (its id, name and company copied in)."""
        return cls(
            contact.id, contact.name, contact.company, kind, due_at, since, urgency, section, ref,
            detail,
        )  # fmt: skip

    @property
    def key(self) -> str:
        """Unique on the Due list (a contact can have several items)."""
        return f"{self.contact_id}/{self.kind.value}/{self.ref}"


def _snoozed(contact: DueSubject, item: DueItem, now: datetime) -> bool:
    until = contact.snoozed_until(item.kind.value, item.ref)
    return until is not None and until > now


# -- the ends of the calendar ----------------------------------------------------
# A synced or hand-edited file may hold 9999-12-31 (or year 1, or an offset that
# puts a moment past what UTC can hold).  Arithmetic on those would overflow;
# here it stops at the calendar's last (or first) moment instead, so such an
# item sorts last (first) and says so, and nothing raises.


def _end(moment: datetime, zone: tzinfo | None) -> datetime:
    """The calendar's last moment (for a moment near its end), else its first, in ``zone``."""
    edge = datetime.max if moment.year > 5000 else datetime.min
    return edge.replace(tzinfo=zone)


def _in_zone(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` in ``zone``, or the calendar's end there when the zone cannot hold it."""
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return _end(moment, zone)


def _after(moment: datetime, step: timedelta | relativedelta) -> datetime:
    """``moment`` plus a step forward, stopping at the calendar's last moment."""
    try:
        return moment + step
    except (OverflowError, ValueError):  # relativedelta says "year 10000 is out of range"
        return datetime.max.replace(tzinfo=moment.tzinfo)


def _elapsed(start: datetime, hours: int) -> datetime:
    # Add real elapsed hours (through UTC), not wall-clock hours.
    return _after(_in_zone(start, UTC), timedelta(hours=hours))


def thank_you_item(contact: DueSubject, now: datetime, settings: Settings) -> DueItem | None:
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
    return DueItem.about(
        contact,
        kind=DueKind.THANK_YOU,
        due_at=_in_zone(due_at, now.tzinfo),
        since=_in_zone(met_at, now.tzinfo),
        urgency=urgency,
        section=Section.UPCOMING if urgency is Urgency.DUE else Section.THANK_YOUS,
        ref=met_at.date().isoformat(),
    )


def cadence_months(contact: DueSubject, settings: Settings) -> int:
    """The contact's own follow-up interval, else the default."""
    return int(contact.cadence) if contact.cadence.isdecimal() else settings.follow_up_months


def _follow_up(
    contact: DueSubject, now: datetime, settings: Settings
) -> tuple[datetime, datetime] | None:
    """(last touch, next check-in due) in ``now``'s zone, for someone thanked or in follow-up."""
    if contact.archived or contact.stage not in (Stage.THANKED, Stage.FOLLOW_UP):
        return None
    touch = _in_zone(contact.last_touch_at, now.tzinfo)
    return touch, _after(touch, _months(cadence_months(contact, settings)))


@cache
def _months(count: int) -> relativedelta:
    """``relativedelta(months=count)``, made once per count (``due`` asks thousands of times)."""
    return relativedelta(months=count)


def next_follow_up(contact: DueSubject, now: datetime, settings: Settings) -> datetime | None:
    """When the next check-in is due (in ``now``'s zone), for someone thanked or in follow-up."""
    found = _follow_up(contact, now, settings)
    return found[1] if found else None


def follow_up_item(contact: DueSubject, now: datetime, settings: Settings) -> DueItem | None:
    """The next check-in for someone thanked or in follow-up, if due within a week."""
    found = _follow_up(contact, now, settings)
    if found is None:
        return None
    touch, due_at = found
    overdue_at = _after(touch, (due_at - touch) * settings.follow_up_overdue_factor)
    if now >= overdue_at:
        urgency, section = Urgency.OVERDUE, Section.FOLLOW_UPS_OVERDUE
    elif now >= due_at:
        urgency, section = Urgency.DUE, Section.FOLLOW_UPS_DUE
    elif due_at <= _after(now, timedelta(days=UPCOMING_DAYS)):
        urgency, section = Urgency.DUE, Section.UPCOMING
    else:
        return None
    return DueItem.about(
        contact,
        kind=DueKind.FOLLOW_UP,
        due_at=due_at,
        since=touch,
        urgency=urgency,
        section=section,
        ref=due_at.date().isoformat(),
        detail=every(cadence_months(contact, settings), "month"),
    )


GIVE_UP = "give up"  # the nudge item's detail when it suggests archiving


def nudge_item(contact: DueSubject, now: datetime, settings: Settings) -> DueItem | None:
    """A nudge for a request with no meeting yet (or, after ``give_up_days``, "archive it?")."""
    if contact.archived or contact.stage is not Stage.REQUESTED:
        return None
    if any(m.planned for m in contact.meetings):
        return None  # they answered: a meeting is planned
    sent = contact.stage_changed_at
    # Nudges are the touches logged after the request, even in the same minute
    # (``e.at > sent`` ignored a nudge sent straight after the request).
    history = contact.effective_events
    asked = max((i for i, e in enumerate(history) if e.to_stage is Stage.REQUESTED), default=-1)
    logged = [e.at for e in history[asked + 1 :] if e.kind is EventKind.TOUCH and e.at >= sent]
    # Days after the request: first nudge, second nudge, give up.  Once a nudge
    # is logged, the steps after it wait at least the settings' gap from it (a
    # day at the least), however late it went out (a snoozed first nudge, say).
    days = (0, settings.nudge_days, settings.second_nudge_days, settings.give_up_days)
    done = min(len(logged), 2)
    step = done + 1
    last = max(logged, default=None)

    def step_due(index: int) -> datetime:
        due = _after(sent, timedelta(days=days[index]))
        if last is None:
            return due
        gap = max(timedelta(days=days[index] - days[done]), timedelta(days=1))
        return max(due, _after(last, gap))

    give_up_at = step_due(3)
    if now >= give_up_at or step == 3:
        due_at, detail = give_up_at, GIVE_UP
    else:
        due_at, detail = step_due(step), ("first nudge", "second nudge")[step - 1]
    if due_at > _after(now, timedelta(days=UPCOMING_DAYS)):
        return None
    return DueItem.about(
        contact,
        kind=DueKind.NUDGE,
        due_at=_in_zone(due_at, now.tzinfo),
        since=_in_zone(sent, now.tzinfo),
        urgency=Urgency.DUE,
        section=Section.NUDGES if due_at <= now else Section.UPCOMING,
        ref=f"{sent.date().isoformat()}-{detail.replace(' ', '-')}",
        detail=detail,
    )


def meeting_items(contact: DueSubject, now: datetime) -> list[DueItem]:
    """Meetings not yet held: today's (and earlier ones never recorded), then the next 7 days."""
    if contact.archived:
        return []
    items = []
    today = now.date()
    last_day = _after(now, timedelta(days=UPCOMING_DAYS)).date()
    for meeting in contact.meetings:
        if not meeting.planned or meeting.scheduled_at is None:  # (None: for mypy)
            continue
        local = _in_zone(meeting.scheduled_at, now.tzinfo)
        if local.date() > last_day:
            continue
        if local.date() > today:
            section, urgency = Section.UPCOMING, Urgency.DUE
        else:
            section = Section.MEETINGS_TODAY
            urgency = Urgency.OVERDUE if local.date() < today else Urgency.DUE
        items.append(
            DueItem.about(
                contact,
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


def promise_items(contact: DueSubject, now: datetime) -> list[DueItem]:
    """Promises not ticked off: overdue ones, then those due in the next 7 days."""
    if contact.archived:
        return []
    items = []
    horizon = _after(now, timedelta(days=UPCOMING_DAYS))
    for meeting in contact.meetings:
        for promise in meeting.promises:
            if promise.done or promise.due > horizon:
                continue
            overdue = promise.due <= now
            items.append(
                DueItem.about(
                    contact,
                    kind=DueKind.PROMISE,
                    due_at=_in_zone(promise.due, now.tzinfo),
                    since=_in_zone(meeting.when() or promise.due, now.tzinfo),
                    urgency=Urgency.OVERDUE if overdue else Urgency.DUE,
                    section=Section.PROMISES_OVERDUE if overdue else Section.UPCOMING,
                    ref=promise.id,
                    detail=promise.text,
                )
            )
    return items


def _candidates(
    contact: DueSubject, now: datetime, settings: Settings, horizon: timedelta
) -> list[DueItem]:
    """Everything due for one contact, snoozed or not."""
    if contact.archived:
        return []
    found: list[DueItem] = []
    item = thank_you_item(contact, now, settings)
    if item is not None and (item.overdue or item.due_at <= _after(now, horizon)):
        found.append(item)
    for rule in (follow_up_item, nudge_item):
        item = rule(contact, now, settings)
        if item is not None:
            found.append(item)
    if contact.meetings:
        found.extend(meeting_items(contact, now))
        found.extend(promise_items(contact, now))
    return found


def due_items(
    contacts: Iterable[DueSubject],
    now: datetime,
    settings: Settings,
    horizon: timedelta = timedelta(hours=24),
) -> list[DueItem]:
    """Everything on the Due list, section by section, most urgent first in each.

    Thank-yous: overdue first, the longest-overdue at the top, then those
    coming due within ``horizon``, the soonest first.  Meetings and promises:
    overdue ones in their sections, the rest of the next 7 days in Upcoming.
    """
    items: list[DueItem] = []
    for contact in contacts:
        found = _candidates(contact, now, settings, horizon)
        if found and contact.has_snoozes:
            found = [i for i in found if not _snoozed(contact, i, now)]
        items.extend(found)
    return sorted(
        items,
        key=lambda item: (
            SECTION_ORDER[item.section],
            not item.overdue,
            item.due_at,
            item.name.lower(),
        ),
    )


@dataclass(frozen=True, slots=True)
class SnoozedItem:
    """A due item the person put off, and until when."""

    item: DueItem
    until: datetime


def snoozed_items(
    contacts: Iterable[DueSubject],
    now: datetime,
    settings: Settings,
    horizon: timedelta = timedelta(hours=24),
) -> list[SnoozedItem]:
    """What would be on the Due list but for a snooze, the soonest back first."""
    snoozed: list[SnoozedItem] = []
    for contact in contacts:
        if not contact.has_snoozes:
            continue
        for item in _candidates(contact, now, settings, horizon):
            until = contact.snoozed_until(item.kind.value, item.ref)
            if until is not None and until > now:
                snoozed.append(SnoozedItem(item, until))
    return sorted(snoozed, key=lambda s: (s.until, s.item.name.lower(), s.item.key))
