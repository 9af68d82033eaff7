"""Where "now" comes from: the real clock, or one frozen for demos and tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from coffeechat.domain.dates import parse_when

Clock = Callable[[], datetime]

NOW_VARIABLE = "COFFEECHAT_NOW"


def system_clock() -> datetime:
    """The real time, in the machine's local time zone."""
    return datetime.now().astimezone()


def frozen_clock(moment: datetime) -> Clock:
    """A clock that always answers ``moment``."""
    if moment.tzinfo is None:
        raise ValueError("a frozen clock needs a timezone-aware moment")

    def clock() -> datetime:
        return moment

    return clock


def clock_from_environment(environ: Mapping[str, str]) -> Clock:
    """The frozen clock COFFEECHAT_NOW asks for, else the system clock.

    Raises DateParseError when the variable holds something unreadable.
    """
    text = environ.get(NOW_VARIABLE, "").strip()
    if not text:
        return system_clock
    return frozen_clock(parse_when(text, system_clock()))
