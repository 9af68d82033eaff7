"""The board starts lean: what it does not draw is not loaded, and the collector waits.

Run in a fresh interpreter (``sys.modules`` here holds what other tests loaded):
``coffeechat`` as the CLI starts it, headless, until the board has drawn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from coffeechat.storage.repository import Repository
from tests.conftest import NOW

CHILD = """
import gc, json, sys
import textual.app

seen = {}
run = textual.app.App.run

async def look(pilot):
    await pilot.pause()
    seen["board"] = type(pilot.app.screen).__name__
    seen["collecting"] = gc.isenabled()
    seen["modules"] = sorted(sys.modules)
    pilot.app.exit()

def headless(self, *args, **kwargs):
    return run(self, headless=True, size=(80, 24), auto_pilot=look)

textual.app.App.run = headless
from coffeechat.cli import main
status = main(["--db", sys.argv[1]], {"COFFEECHAT_NOW": "2026-11-22 10:00", "HOME": sys.argv[2]})
seen["after"] = gc.isenabled()
print(json.dumps(seen))
"""


def _start(tmp_path: Path) -> dict[str, object]:
    db = tmp_path / "contacts.json"
    Repository(db).add({"name": "Ada Lovelace", "company": "ACME"}, NOW)
    src = str(Path(__file__).parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=120,
        env={"PYTHONPATH": src, "HOME": str(tmp_path), "TERM": "xterm-256color"},
    )  # fmt: skip
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_board_draws_without_loading_the_other_screens_or_the_file_formats(
    tmp_path: Path,
) -> None:
    seen = _start(tmp_path)
    assert seen["board"] == "PipelineScreen"
    modules = seen["modules"]
    assert isinstance(modules, list)
    assert "coffeechat.ui.screens.pipeline" in modules
    for name in ("due", "meeting", "questions", "draft", "contact", "archive", "network", "help"):
        assert f"coffeechat.ui.screens.{name}" not in modules
    for name in ("coffeechat.transfer", "coffeechat.ui.transfer_actions", "coffeechat.interchange"):
        assert name not in modules


def test_the_collector_waits_for_the_first_paint_then_collects(tmp_path: Path) -> None:
    seen = _start(tmp_path)
    assert seen["collecting"] is True  # resumed once the board had drawn
    assert seen["after"] is True
