"""Where "now" comes from for a running process: the machine's clock, or COFFEECHAT_NOW.

The domain never reads the clock itself (it takes ``now`` as an argument);
the CLI builds one clock here and hands it to the commands and the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from coffeechat.domain.clock import Clock, frozen_clock
from coffeechat.domain.dates import parse_when

NOW_VARIABLE = "COFFEECHAT_NOW"


def system_clock() -> datetime:
    """The real time, in the machine's local time zone."""
    return datetime.now().astimezone()


def clock_from_environment(environ: Mapping[str, str]) -> Clock:
    """The frozen clock COFFEECHAT_NOW asks for, else the system clock.

    Raises DateParseError when the variable holds something unreadable.
    """
    text = environ.get(NOW_VARIABLE, "").strip()
    if not text:
        return system_clock
    return frozen_clock(parse_when(text, system_clock()))
