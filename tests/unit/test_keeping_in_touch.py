"""Follow-up cadence, nudges and snoozes, at their edges."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.events import Advance
from coffeechat.domain.meetings import Meeting
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.rules import (
    DueKind,
    Section,
    Settings,
    Urgency,
    due_items,
    follow_up_item,
    nudge_item,
)
from coffeechat.domain.stages import Stage

DEFAULT = Settings()
NEW_YORK = ZoneInfo("America/New_York")
_ids = itertools.count(1)


def _id() -> str:
    return f"k{next(_ids)}"


def thanked_at(touch: datetime, **fields: str) -> Contact:
    """A contact whose thank-you went out at ``touch``."""
    start = touch - timedelta(days=10)
    contact = pipeline.new_contact({"name": "Ada", **fields}, start, _id(), _id())
    for at in (start + timedelta(days=1), start + timedelta(days=2), touch):
        contact = contact.with_event(pipeline.advance(contact, touch, _id(), at=at))
    assert contact.stage is Stage.THANKED
    return contact


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# -- follow-up cadence -----------------------------------------------------------


@pytest.mark.parametrize(
    ("touch", "cadence", "due"),
    [
        (utc(2026, 1, 31, 12), "1", utc(2026, 2, 28, 12)),  # month end
        (utc(2028, 1, 31, 12), "1", utc(2028, 2, 29, 12)),  # leap year
        (utc(2027, 11, 30, 9), "3", utc(2028, 2, 29, 9)),  # into a leap February
        (utc(2026, 8, 31, 9), "", utc(2026, 11, 30, 9)),  # the default: 3 months
        (utc(2026, 5, 15, 9), "12", utc(2027, 5, 15, 9)),
    ],
)
def test_follow_up_due_in_calendar_months(touch, cadence, due) -> None:
    contact = thanked_at(touch, cadence=cadence)
    item = follow_up_item(contact, due, DEFAULT)
    assert item is not None
    assert item.due_at == due
    assert item.section is Section.FOLLOW_UPS_DUE


@pytest.mark.parametrize(
    ("after_touch", "section", "urgency"),
    [
        (timedelta(days=83), None, None),  # more than a week before it's due
        (timedelta(days=85), Section.UPCOMING, Urgency.DUE),
        (timedelta(days=91) - timedelta(seconds=1), Section.UPCOMING, Urgency.DUE),
        (timedelta(days=91), Section.FOLLOW_UPS_DUE, Urgency.DUE),  # 1 Sep + 3 months = 1 Dec
        (timedelta(days=136, hours=12) - timedelta(seconds=1), Section.FOLLOW_UPS_DUE, Urgency.DUE),
        (timedelta(days=136, hours=12), Section.FOLLOW_UPS_OVERDUE, Urgency.OVERDUE),  # 1.5 × 91
    ],
)
def test_follow_up_thresholds(after_touch, section, urgency) -> None:
    touch = utc(2026, 9, 1, 10)
    item = follow_up_item(thanked_at(touch), touch + after_touch, DEFAULT)
    if section is None:
        assert item is None
    else:
        assert item is not None
        assert (item.section, item.urgency) == (section, urgency)


def test_overdue_factor_is_a_setting() -> None:
    touch = utc(2026, 9, 1, 10)
    strict = replace(DEFAULT, follow_up_overdue_factor=1.0)
    item = follow_up_item(thanked_at(touch), touch + timedelta(days=91), strict)
    assert item is not None
    assert item.section is Section.FOLLOW_UPS_OVERDUE


def test_follow_up_keeps_wall_clock_time_across_dst() -> None:
    touch = datetime(2026, 9, 1, 9, 0, tzinfo=NEW_YORK)  # EDT
    item = follow_up_item(thanked_at(touch), datetime(2026, 12, 1, 12, tzinfo=NEW_YORK), DEFAULT)
    assert item is not None
    assert item.due_at == datetime(2026, 12, 1, 9, 0, tzinfo=NEW_YORK)  # EST, still 09:00
    assert item.due_at.utcoffset() == timedelta(hours=-5)


def test_a_back_filled_touch_counts_from_its_own_date_not_when_typed() -> None:
    touch = utc(2026, 6, 1, 10)
    contact = thanked_at(touch)
    now = utc(2026, 11, 22, 10)
    # Typed today, but the call was on 15 October: due 15 January, not 22 February.
    event = pipeline.follow_up(contact, utc(2026, 10, 15, 10), "call", "", now, _id())
    contact = contact.with_event(event)
    assert event.recorded_at == now
    assert contact.last_touch_at == utc(2026, 10, 15, 10)
    item = follow_up_item(contact, utc(2027, 1, 15, 10), DEFAULT)
    assert item is not None
    assert item.due_at == utc(2027, 1, 15, 10)


def test_back_filling_an_older_touch_never_moves_the_date_earlier() -> None:
    contact = thanked_at(utc(2026, 11, 1, 10))
    now = utc(2026, 11, 22, 10)
    moved = pipeline.follow_up(contact, utc(2026, 11, 5, 10), "email", "", now, _id())
    contact = contact.with_event(moved)
    older = pipeline.follow_up(contact, utc(2026, 8, 1, 10), "email", "", now, _id())
    assert contact.with_event(older).last_touch_at == utc(2026, 11, 5, 10)


def test_f_from_thanked_moves_to_follow_up_and_records_the_channel() -> None:
    contact = thanked_at(utc(2026, 11, 1, 10))
    now = utc(2026, 11, 22, 10)
    event = pipeline.follow_up(contact, now, "coffee", "  caught up \\x1b ", now, _id())
    updated = contact.with_event(event)
    assert updated.stage is Stage.FOLLOW_UP
    assert isinstance(event.data, Advance)
    assert (event.data.to_stage, event.data.channel) == (Stage.FOLLOW_UP, "coffee")
    again = pipeline.follow_up(updated, now, "email", "", now, _id())
    assert updated.with_event(again).stage is Stage.FOLLOW_UP


@pytest.mark.parametrize(
    ("channel", "at", "message"),
    [
        ("carrier pigeon", utc(2026, 11, 22, 9), "not a channel"),
        ("email", utc(2026, 11, 23, 9), "in the future"),
    ],
)
def test_follow_up_refuses_bad_input(channel, at, message) -> None:
    contact = thanked_at(utc(2026, 11, 1, 10))
    with pytest.raises(pipeline.MoveError, match=message):
        pipeline.follow_up(contact, at, channel, "", utc(2026, 11, 22, 10), _id())


def test_a_held_meeting_is_a_touch() -> None:
    contact = thanked_at(utc(2026, 6, 1, 10))
    held = pipeline.hold(
        replace(contact, meetings=(Meeting("m1"),)),
        "m1",
        utc(2026, 9, 1, 10),
        utc(2026, 9, 1, 11),
        _id,
    )
    for event in held:
        contact = replace(contact, meetings=(Meeting("m1"),)).with_event(event)
    assert contact.last_touch_at == utc(2026, 9, 1, 10)


# -- nudges ----------------------------------------------------------------------


def requested_at(sent: datetime) -> Contact:
    contact = pipeline.new_contact({"name": "Raj"}, sent - timedelta(days=1), _id(), _id())
    return contact.with_event(pipeline.advance(contact, sent, _id(), at=sent))


SENT = utc(2026, 11, 1, 9)


@pytest.mark.parametrize(
    ("days", "nudges", "section", "detail"),
    [
        (0, 0, Section.UPCOMING, "first nudge"),  # shows a week ahead
        (6.9, 0, Section.UPCOMING, "first nudge"),
        (7, 0, Section.NUDGES, "first nudge"),
        (10, 1, Section.UPCOMING, "second nudge"),
        (14, 1, Section.NUDGES, "second nudge"),
        (14, 0, Section.NUDGES, "first nudge"),  # never nudged: still the first
        (16, 2, Section.UPCOMING, "give up"),
        (21, 0, Section.NUDGES, "give up"),  # three weeks: suggest archiving
        (40, 1, Section.NUDGES, "give up"),
    ],
)
def test_nudge_steps(days, nudges, section, detail) -> None:
    contact = requested_at(SENT)
    for step in range(nudges):
        at = SENT + timedelta(days=7 + step * 7)
        contact = contact.with_event(pipeline.follow_up(contact, at, "email", "", at, _id()))
    item = nudge_item(contact, SENT + timedelta(days=days), DEFAULT)
    assert item is not None
    assert (item.section, item.detail) == (section, detail)


def test_nudge_days_are_settings() -> None:
    quick = replace(DEFAULT, nudge_days=3, second_nudge_days=5, give_up_days=8)
    item = nudge_item(requested_at(SENT), SENT + timedelta(days=3), quick)
    assert item is not None
    assert item.section is Section.NUDGES


def test_no_nudge_once_a_meeting_is_scheduled() -> None:
    contact = replace(requested_at(SENT), meetings=(Meeting("m", scheduled_at=SENT),))
    assert nudge_item(contact, SENT + timedelta(days=8), DEFAULT) is None


@pytest.mark.parametrize("bad", [{"nudge_days": 0}, {"second_nudge_days": 3, "nudge_days": 5}])
def test_settings_refuse_impossible_nudges(bad) -> None:
    with pytest.raises(ValueError, match="nudge"):
        Settings(**bad)


# -- snoozes ---------------------------------------------------------------------


def test_a_snooze_hides_an_item_until_it_ends_then_it_is_back() -> None:
    touch = utc(2026, 9, 1, 10)
    now = touch + timedelta(days=95)  # due, not yet overdue
    contact = thanked_at(touch)
    (item,) = due_items([contact], now, DEFAULT)
    until = now + timedelta(weeks=1)
    contact = contact.with_event(
        pipeline.snooze(contact, item.kind.value, item.ref, until, now, _id())
    )
    assert due_items([contact], now, DEFAULT) == []
    assert due_items([contact], until - timedelta(seconds=1), DEFAULT) == []
    (back,) = due_items([contact], until, DEFAULT)
    assert back.key == item.key


def test_a_snooze_that_crosses_the_overdue_line_brings_it_back_overdue() -> None:
    touch = utc(2026, 9, 1, 10)
    now = touch + timedelta(days=95)
    contact = thanked_at(touch)
    (item,) = due_items([contact], now, DEFAULT)
    assert item.urgency is Urgency.DUE
    until = now + timedelta(days=60)
    contact = contact.with_event(
        pipeline.snooze(contact, item.kind.value, item.ref, until, now, _id())
    )
    (back,) = due_items([contact], until, DEFAULT)
    assert (back.urgency, back.section) == (Urgency.OVERDUE, Section.FOLLOW_UPS_OVERDUE)


def test_a_snooze_does_not_hide_the_next_cycle() -> None:
    touch = utc(2026, 9, 1, 10)
    now = touch + timedelta(days=95)
    contact = thanked_at(touch)
    (item,) = due_items([contact], now, DEFAULT)
    long = now + timedelta(days=365)
    contact = contact.with_event(
        pipeline.snooze(contact, item.kind.value, item.ref, long, now, _id())
    )
    contact = contact.with_event(pipeline.follow_up(contact, now, "call", "", now, _id()))
    later = now + timedelta(days=92)
    (next_cycle,) = due_items([contact], later, DEFAULT)
    assert next_cycle.kind is DueKind.FOLLOW_UP
    assert next_cycle.key != item.key


def test_undoing_a_snooze_brings_the_item_back() -> None:
    touch = utc(2026, 9, 1, 10)
    now = touch + timedelta(days=95)
    contact = thanked_at(touch)
    (item,) = due_items([contact], now, DEFAULT)
    event = pipeline.snooze(contact, item.kind.value, item.ref, now + timedelta(days=7), now, _id())
    snoozed = contact.with_event(event)
    assert due_items([snoozed], now, DEFAULT) == []
    undone = snoozed.with_event(pipeline.undo(snoozed, event.id, now, _id()))
    assert due_items([undone], now, DEFAULT) == [item]


def test_a_snooze_must_end_in_the_future() -> None:
    contact = thanked_at(SENT)
    with pytest.raises(pipeline.MoveError, match="not in the future"):
        pipeline.snooze(contact, "follow-up", "x", SENT, SENT, _id())


def test_archiving_clears_everything_due() -> None:
    contact = requested_at(SENT)
    now = SENT + timedelta(days=30)
    assert due_items([contact], now, DEFAULT)
    archived = contact.with_event(pipeline.archive(contact, ArchiveReason.NO_RESPONSE, now, _id()))
    assert due_items([archived], now, DEFAULT) == []


def test_sections_in_the_daily_order() -> None:
    now = utc(2026, 11, 22, 10)
    overdue_follow_up = thanked_at(now - timedelta(days=200))
    due_follow_up = thanked_at(now - timedelta(days=93))
    nudge = requested_at(now - timedelta(days=8))
    met = pipeline.new_contact({"name": "Met"}, now - timedelta(days=5), _id(), _id())
    met = met.with_event(pipeline.advance(met, now, _id(), at=now - timedelta(days=4)))
    met = met.with_event(pipeline.advance(met, now, _id(), at=now - timedelta(hours=30)))
    items = due_items([nudge, due_follow_up, met, overdue_follow_up], now, DEFAULT)
    assert [i.section for i in items] == [
        Section.THANK_YOUS,
        Section.FOLLOW_UPS_OVERDUE,
        Section.FOLLOW_UPS_DUE,
        Section.NUDGES,
    ]


def test_a_nudge_logged_after_a_snooze_clears_the_line_until_the_next_is_due() -> None:
    """Issue 10 #14: snooze the first nudge a week, log it then: no "second nudge now"."""
    contact = requested_at(SENT)
    first = nudge_item(contact, SENT + timedelta(days=7), DEFAULT)
    assert first is not None
    until = SENT + timedelta(days=14)
    contact = contact.with_event(
        pipeline.snooze(contact, first.kind.value, first.ref, until, SENT, _id())
    )
    contact = contact.with_event(pipeline.follow_up(contact, until, "email", "", until, _id()))
    for later in (until, until + timedelta(days=6, hours=23)):
        item = nudge_item(contact, later, DEFAULT)
        assert item is not None
        assert (item.section, item.detail) == (Section.UPCOMING, "second nudge")
        assert item.due_at == until + timedelta(days=7)  # the settings' gap after the first
        assert [i.section for i in due_items([contact], later, DEFAULT)] == [Section.UPCOMING]
    due = nudge_item(contact, until + timedelta(days=7), DEFAULT)
    assert due is not None
    assert (due.section, due.detail) == (Section.NUDGES, "second nudge")
    give_up = nudge_item(contact, until + timedelta(days=14), DEFAULT)
    assert give_up is not None
    assert (give_up.section, give_up.detail) == (Section.NUDGES, "give up")


def test_a_nudge_logged_in_the_same_minute_as_the_request_counts() -> None:
    """Logged right after the request (same minute), the nudge was ignored: still "first"."""
    contact = requested_at(SENT)
    contact = contact.with_event(pipeline.follow_up(contact, SENT, "email", "", SENT, _id()))
    assert nudge_item(contact, SENT, DEFAULT) is None  # the line clears
    item = nudge_item(contact, SENT + timedelta(days=8), DEFAULT)
    assert item is not None
    assert item.detail == "second nudge"


def test_a_late_second_nudge_puts_off_the_give_up_by_the_settings_gap() -> None:
    contact = requested_at(SENT)
    for at in (SENT + timedelta(days=7), SENT + timedelta(days=20)):
        contact = contact.with_event(pipeline.follow_up(contact, at, "email", "", at, _id()))
    item = nudge_item(contact, SENT + timedelta(days=21), DEFAULT)
    assert item is not None
    assert (item.section, item.detail) == (Section.UPCOMING, "give up")
    assert item.due_at == SENT + timedelta(days=27)


def test_nudges_a_day_apart_at_least_when_the_settings_make_them_equal() -> None:
    same = replace(DEFAULT, nudge_days=7, second_nudge_days=7, give_up_days=7)
    contact = requested_at(SENT)
    at = SENT + timedelta(days=7)
    contact = contact.with_event(pipeline.follow_up(contact, at, "email", "", at, _id()))
    item = nudge_item(contact, at, same)
    assert item is not None
    assert item.section is Section.UPCOMING
