"""Reminder rules: the thank-you clock at its boundaries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.rules import (
    DueKind,
    Settings,
    Urgency,
    due_items,
    thank_you_item,
)
from coffeechat.domain.stages import Stage

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
DEFAULT = Settings()
_ids = itertools.count(1)


def _id() -> str:
    return f"r{next(_ids)}"


def met(
    meeting: datetime,
    *,
    recorded: datetime | None = None,
    name: str = "Ada Lovelace",
    company: str = "Acme",
) -> Contact:
    """A contact who reached "met" at ``meeting`` (logged at ``recorded``)."""
    created = meeting - timedelta(days=5)
    contact = pipeline.new_contact({"name": name, "company": company}, created, _id(), _id())
    contact = contact.with_event(pipeline.advance(contact, created + timedelta(days=1), _id()))
    contact = contact.with_event(pipeline.advance(contact, recorded or meeting, _id(), at=meeting))
    assert contact.stage is Stage.MET
    return contact


H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("elapsed", "urgency"),
    [
        (timedelta(0), Urgency.DUE),
        (10 * H, Urgency.DUE),
        (23 * H + 59 * M, Urgency.DUE),
        (24 * H, Urgency.DUE),
        (24 * H + M, Urgency.OVERDUE),
        (36 * H, Urgency.OVERDUE),
        (47 * H + 59 * M, Urgency.OVERDUE),
        (48 * H, Urgency.OVERDUE),
        (48 * H + M, Urgency.LATE),
        (timedelta(days=30), Urgency.LATE),
    ],
    ids=lambda value: str(value),
)
def test_thank_you_boundaries(elapsed: timedelta, urgency: Urgency) -> None:
    meeting = NOW - elapsed
    contact = met(meeting)
    item = thank_you_item(contact, NOW, DEFAULT)
    assert item is not None
    assert item.urgency is urgency
    assert item.overdue is (urgency is not Urgency.DUE)
    assert item.due_at == meeting + 24 * H
    assert item.since == meeting
    assert item.kind is DueKind.THANK_YOU
    assert item.contact_id == contact.id
    assert (item.name, item.company) == ("Ada Lovelace", "Acme")


def test_a_meeting_logged_late_counts_from_the_meeting_time() -> None:
    meeting = NOW - timedelta(days=3)
    contact = met(meeting, recorded=NOW)
    assert contact.events[-1].recorded_at == NOW
    item = thank_you_item(contact, NOW, DEFAULT)
    assert item is not None
    assert item.urgency is Urgency.LATE
    assert item.since == meeting
    assert item.due_at == meeting + 24 * H


def test_thank_you_is_due_24_elapsed_hours_later_across_spring_dst() -> None:
    # UK clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    meeting = datetime(2026, 3, 28, 20, 0, tzinfo=LONDON)
    contact = met(meeting)
    now = datetime(2026, 3, 29, 12, 0, tzinfo=LONDON)
    item = thank_you_item(contact, now, DEFAULT)
    assert item is not None
    assert item.due_at.astimezone(UTC) == meeting.astimezone(UTC) + 24 * H
    assert item.due_at == datetime(2026, 3, 29, 20, 0, tzinfo=UTC)
    wall = item.due_at.astimezone(LONDON)
    assert (wall.day, wall.hour, wall.minute) == (29, 21, 0)
    assert item.due_at.tzinfo is LONDON  # shown in now's zone
    # 20:30 on the wall clock is past "same time tomorrow" but not 24 real hours
    at_2030 = thank_you_item(contact, datetime(2026, 3, 29, 20, 30, tzinfo=LONDON), DEFAULT)
    assert at_2030 is not None
    assert at_2030.urgency is Urgency.DUE
    at_2101 = thank_you_item(contact, datetime(2026, 3, 29, 21, 1, tzinfo=LONDON), DEFAULT)
    assert at_2101 is not None
    assert at_2101.urgency is Urgency.OVERDUE


def test_thank_you_is_due_24_elapsed_hours_later_across_autumn_dst() -> None:
    # UK clocks go back at 01:00 UTC on Sunday 25 October 2026.
    meeting = datetime(2026, 10, 24, 20, 0, tzinfo=LONDON)
    contact = met(meeting)
    now = datetime(2026, 10, 25, 19, 30, tzinfo=LONDON)
    item = thank_you_item(contact, now, DEFAULT)
    assert item is not None
    assert item.due_at.astimezone(UTC) == meeting.astimezone(UTC) + 24 * H
    wall = item.due_at.astimezone(LONDON)
    assert (wall.day, wall.hour) == (25, 19)
    assert item.urgency is Urgency.OVERDUE


@pytest.mark.parametrize("stage", [s for s in Stage if s is not Stage.MET])
def test_contacts_outside_met_have_no_thank_you(stage: Stage) -> None:
    start = NOW - timedelta(days=10)
    contact = pipeline.new_contact({"name": "Ada"}, start, _id(), _id())
    while contact.stage is not stage:
        contact = contact.with_event(pipeline.advance(contact, NOW, _id(), at=start))
    assert thank_you_item(contact, NOW, DEFAULT) is None
    kinds = {item.kind for item in due_items([contact], NOW, DEFAULT)}
    assert DueKind.THANK_YOU not in kinds


def test_archived_met_contact_has_no_thank_you_until_restored() -> None:
    contact = met(NOW - timedelta(days=4))
    archived = contact.with_event(pipeline.archive(contact, ArchiveReason.OTHER, NOW, _id()))
    assert thank_you_item(archived, NOW, DEFAULT) is None
    assert due_items([archived], NOW, DEFAULT) == []
    restored = archived.with_event(pipeline.restore(archived, NOW, _id()))
    item = thank_you_item(restored, NOW, DEFAULT)
    assert item is not None
    assert item.urgency is Urgency.LATE


def test_due_items_order_overdue_first_most_overdue_first_then_soonest_due() -> None:
    contacts = [
        met(NOW - 2 * H, name="Cleo"),  # due in 22 h
        met(NOW - 30 * H, name="Bea"),  # overdue by 6 h
        met(NOW - 10 * H, name="Dan"),  # due in 14 h
        met(NOW - 60 * H, name="Abe"),  # late: overdue by 36 h
        met(NOW - 25 * H, name="Eve"),  # overdue by 1 h
    ]
    items = due_items(contacts, NOW, DEFAULT)
    assert [item.name for item in items] == ["Abe", "Bea", "Eve", "Dan", "Cleo"]
    assert [item.urgency for item in items] == [
        Urgency.LATE,
        Urgency.OVERDUE,
        Urgency.OVERDUE,
        Urgency.DUE,
        Urgency.DUE,
    ]


def test_due_items_ties_break_by_name_case_insensitively() -> None:
    meeting = NOW - 30 * H
    contacts = [met(meeting, name="bob"), met(meeting, name="Alice"), met(meeting, name="Carl")]
    assert [i.name for i in due_items(contacts, NOW, DEFAULT)] == ["Alice", "bob", "Carl"]


def test_due_items_horizon_drops_items_not_due_soon_but_keeps_overdue() -> None:
    contacts = [
        met(NOW - 30 * H, name="Overdue"),
        met(NOW - 20 * H, name="Due in 4h"),
        met(NOW - 2 * H, name="Due in 22h"),
    ]
    within_6h = due_items(contacts, NOW, DEFAULT, horizon=6 * H)
    assert [i.name for i in within_6h] == ["Overdue", "Due in 4h"]
    exactly = due_items(contacts, NOW, DEFAULT, horizon=22 * H)
    assert [i.name for i in exactly] == ["Overdue", "Due in 4h", "Due in 22h"]
    nothing_ahead = due_items(contacts, NOW, DEFAULT, horizon=timedelta(0))
    assert [i.name for i in nothing_ahead] == ["Overdue"]


def test_due_items_skips_contacts_that_are_not_waiting() -> None:
    waiting = met(NOW - 30 * H, name="Waiting")
    thanked = met(NOW - 30 * H, name="Thanked")
    thanked = thanked.with_event(pipeline.advance(thanked, NOW, _id()))
    assert [i.name for i in due_items([waiting, thanked], NOW, DEFAULT)] == ["Waiting"]


@pytest.mark.parametrize(
    ("due", "late"),
    [(0, 48), (-1, 48), (49, 48), (24, 0), (0, 0)],
)
def test_settings_reject_impossible_limits(due: int, late: int) -> None:
    with pytest.raises(ValueError, match="0 < due"):
        Settings(thank_you_due_hours=due, thank_you_late_hours=late)


@pytest.mark.parametrize(("due", "late"), [(1, 1), (48, 48), (12, 36), (24, 48)])
def test_settings_accept_sensible_limits(due: int, late: int) -> None:
    settings = Settings(thank_you_due_hours=due, thank_you_late_hours=late)
    assert (settings.thank_you_due_hours, settings.thank_you_late_hours) == (due, late)


def test_default_settings_are_24_and_48_hours() -> None:
    assert (DEFAULT.thank_you_due_hours, DEFAULT.thank_you_late_hours) == (24, 48)


@pytest.mark.parametrize(
    ("elapsed", "urgency"),
    [
        (11 * H + 59 * M, Urgency.DUE),
        (12 * H, Urgency.DUE),
        (12 * H + M, Urgency.OVERDUE),
        (36 * H, Urgency.OVERDUE),
        (36 * H + M, Urgency.LATE),
    ],
    ids=lambda value: str(value),
)
def test_custom_settings_move_the_boundaries(elapsed: timedelta, urgency: Urgency) -> None:
    custom = Settings(thank_you_due_hours=12, thank_you_late_hours=36)
    meeting = NOW - elapsed
    item = thank_you_item(met(meeting), NOW, custom)
    assert item is not None
    assert item.urgency is urgency
    assert item.due_at == meeting + 12 * H
