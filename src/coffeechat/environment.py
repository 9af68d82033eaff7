"""Where "now" comes from for a running process: the machine's clock, or COFFEECHAT_NOW.

The domain never reads the clock itself (it takes ``now`` as an argument);
the CLI builds one clock here and hands it to the commands and the app.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.tz import tzlocal

from coffeechat.domain.clock import Clock, frozen_clock
from coffeechat.domain.dates import parse_when

NOW_VARIABLE = "COFFEECHAT_NOW"


def local_zone() -> tzinfo:
    """The machine's time zone with its rules (daylight saving), not just today's offset.

    ``datetime.now().astimezone()`` carries a fixed offset: "monday 9am" read
    on a Friday before the clocks change came out an hour wrong.  The zone is
    $TZ, else what /etc/localtime links to; failing both, dateutil's view of
    the C library's local time (which also knows daylight saving).
    """
    names = [os.environ.get("TZ", "").removeprefix(":")]
    with suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    for name in filter(None, names):
        with suppress(ValueError, OSError, ZoneInfoNotFoundError):
            return ZoneInfo(name)
    return tzlocal()


def system_clock() -> datetime:
    """The real time, in the machine's local time zone."""
    return datetime.now(local_zone())


def clock_from_environment(environ: Mapping[str, str]) -> Clock:
    """The frozen clock COFFEECHAT_NOW asks for, else the system clock.

    Raises DateParseError when the variable holds something unreadable.
    """
    text = environ.get(NOW_VARIABLE, "").strip()
    zone = local_zone()  # once: the app asks for "now" on every redraw
    if not text:
        return lambda: datetime.now(zone)
    return frozen_clock(parse_when(text, datetime.now(zone)))
