"""The real clock's time zone: its rules (daylight saving), not one fixed offset."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from coffeechat.domain.dates import parse_deadline, parse_when
from coffeechat.environment import clock_from_environment, local_zone, system_clock

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def in_berlin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()


@pytest.mark.usefixtures("in_berlin")
def test_the_local_zone_is_the_named_zone_with_its_rules() -> None:
    assert local_zone() == BERLIN
    assert system_clock().tzinfo == BERLIN


@pytest.mark.usefixtures("in_berlin")
@pytest.mark.parametrize(
    ("now", "text", "local"),
    [
        # Friday before the clocks go forward (29 March 2026): Monday 9am is 9am.
        ("2026-03-27 10:00", "monday 9am", datetime(2026, 3, 30, 9, 0)),
        ("2026-03-27 10:00", "in 3 days", datetime(2026, 3, 30, 10, 0)),
        # Friday before they go back (25 October 2026).
        ("2026-10-23 10:00", "monday 9am", datetime(2026, 10, 26, 9, 0)),
        ("2026-10-23 10:00", "3 dec 10pm", datetime(2026, 12, 3, 22, 0)),
    ],
)
def test_a_time_across_a_daylight_saving_change_keeps_its_wall_clock_time(
    now: str, text: str, local: datetime
) -> None:
    """With a fixed offset from today, these came out an hour early or late."""
    moment = clock_from_environment({"COFFEECHAT_NOW": now})()
    parsed = parse_when(text, moment, prefer="future")
    assert parsed.astimezone(BERLIN).replace(tzinfo=None) == local


@pytest.mark.usefixtures("in_berlin")
def test_a_promise_due_on_a_day_after_the_change_is_due_at_its_local_end_of_work() -> None:
    moment = clock_from_environment({"COFFEECHAT_NOW": "2026-10-23 10:00"})()
    due = parse_deadline("3 dec", moment)
    assert due.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 12, 3, 17, 0)
