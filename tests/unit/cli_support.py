"""Running ``coffeechat`` in-process for the CLI tests: the result type and the clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

NOW_TEXT = "2026-11-22T10:00:00+00:00"
NOW = datetime.fromisoformat(NOW_TEXT)


@dataclass(frozen=True)
class Result:
    """What one run printed, and its exit status."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]
