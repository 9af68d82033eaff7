"""What "now" is to the domain: a function the caller passes in, never the machine's clock.

The real clock and the COFFEECHAT_NOW override live outside the domain, in
``coffeechat.environment``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]


def frozen_clock(moment: datetime) -> Clock:
    """A clock that always answers ``moment``."""
    if moment.tzinfo is None:
        raise ValueError("a frozen clock needs a timezone-aware moment")

    def clock() -> datetime:
        return moment

    return clock
