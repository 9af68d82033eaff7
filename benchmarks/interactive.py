"""Child process for the keystroke figures: advance and filter, and TinyDB's own update.

``python benchmarks/interactive.py DB RUNS`` prints one JSON object of
lists of milliseconds.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.widgets import Input
from tinydb import TinyDB

from benchmarks.startup import NOW
from coffeechat.domain.clock import frozen_clock
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.screens.pipeline import PipelineScreen


async def until_painted(app: App[None], action: Callable[[], object]) -> float:
    """Milliseconds from running ``action`` to the first paint after what it caused.

    The key's action runs synchronously (it saves, fsync included); the board
    reloads in a message posted right after; ``call_after_refresh`` queued
    behind that message fires once the reloaded board has been painted.
    Pilot's own press()/pause() would add ~40 ms of waiting to every figure.
    """
    painted = asyncio.Event()
    start = time.perf_counter()
    action()
    app.call_next(lambda: app.call_after_refresh(painted.set))
    await painted.wait()
    return (time.perf_counter() - start) * 1000


async def keystrokes(path: Path, runs: int) -> dict[str, list[float]]:
    """Time `a` (board updated and the write fsync'd) and one typed filter character."""
    app = make_app(Repository(path), frozen_clock(NOW))
    advance: list[float] = []
    filtering: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, PipelineScreen)
        await pilot.press("a")  # the day's first save also takes the daily backup
        await pilot.pause()
        for _ in range(runs):
            board.action_column(-1)  # the cursor followed the last one to Requested: back
            advance.append(await until_painted(app, board.action_advance))
            await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        box = board.query_one("#filter", Input)
        for character in "ae" * ((runs + 1) // 2):
            filtering.append(
                await until_painted(app, lambda c=character: box.insert_text_at_cursor(c))
            )
            await pilot.pause()
            box.value = ""
            await pilot.pause()
    return {"advance": advance, "filter": filtering}


def tinydb_update(path: Path, runs: int) -> list[float]:
    """The same one-document update through TinyDB's default JSONStorage, on a copy."""
    folder = Path(tempfile.mkdtemp())
    copy = folder / path.name
    shutil.copy(path, copy)
    timings = []
    try:
        db = TinyDB(copy)  # JSONStorage: re-reads and rewrites the whole file in place
        table = db.table("contacts")
        doc_ids = [doc.doc_id for doc in table.all()[:runs]]
        for doc_id in doc_ids:
            document = table.get(doc_id=doc_id)
            assert isinstance(document, dict)
            events = [*document["events"], dict(document["events"][-1])]
            start = time.perf_counter()  # only the update call itself is timed
            table.update({"events": events}, doc_ids=[doc_id])
            timings.append((time.perf_counter() - start) * 1000)
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return timings


def main() -> None:
    path, runs = Path(sys.argv[1]), int(sys.argv[2])
    result = asyncio.run(keystrokes(path, runs))
    result["tinydb"] = tinydb_update(path, runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
