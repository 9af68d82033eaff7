"""Child process for the cold-start and memory figures.

``python benchmarks/startup.py coffeechat|bare DB`` starts an app headless,
waits until the first screen is painted, exits, and prints its peak RSS in
KiB.  The parent times the whole process from start to exit.
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Header

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)


class BareApp(App[None]):
    """The baseline: Header + DataTable + Footer showing the same contacts."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        records = json.loads(self.path.read_bytes())["contacts"].values()
        table = self.query_one(DataTable)
        table.add_columns("Name", "Company", "Stage")
        table.add_rows((r["name"], r["company"], r["events"][-1].get("to") or "") for r in records)


async def _paint_then_exit(pilot: Pilot[None]) -> None:
    await pilot.pause()
    pilot.app.exit()


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    app: App[None]
    if kind == "bare":
        app = BareApp(path)
    else:
        from coffeechat.domain.clock import frozen_clock
        from coffeechat.storage.repository import Repository
        from coffeechat.ui.app import make_app

        app = make_app(Repository(path), frozen_clock(NOW))
    app.run(headless=True, size=(120, 40), auto_pilot=_paint_then_exit)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    main()
