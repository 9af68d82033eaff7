"""The TUI and the CLI on one file at the same time.

The TUI must notice another process's changes by itself (it polls the file),
without disturbing what the person is typing, and neither side may lose the
other's writes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

import coffeechat
from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.model import EventKind
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.dialogs.contact_form import ContactForm
from coffeechat.ui.screens.pipeline import PipelineScreen
from coffeechat.ui.widgets.cards import CardColumn
from tests.conftest import NOW, counting_ids
from tests.ui.conftest import SIZE, card_ids, seed

# The children import the same coffeechat the tests do.
SRC = Path(coffeechat.__file__).resolve().parents[1]
# The app polls the file every second; this bound only keeps a broken poll from
# hanging the test (a loaded CI machine can take a few seconds), not a speed target.
NOTICE_WITHIN = 15.0

# Waits for "go", runs `coffeechat add` COUNT times (each a fresh Repository, as
# separate commands would be), then prints its start and end on the monotonic clock.
CLI_ADDER = """
import sys, time
from coffeechat.cli import main

path, count = sys.argv[1], int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
start = time.monotonic()
for n in range(count):
    code = main(["add", f"CLI {n:02d}", "--db", path], {})
    sys.stdout.flush()
    if code:
        sys.exit(code)
    time.sleep(0.03)
print(f"times {start} {time.monotonic()}", flush=True)
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


async def cli_add(path: Path, name: str) -> str:
    """Run `python -m coffeechat add NAME --db PATH` in another process; the id it prints."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "coffeechat", "add", name, "--db", str(path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=child_env(),
    )  # fmt: skip
    out, err = await asyncio.wait_for(child.communicate(), timeout=30)
    assert child.returncode == 0, err.decode()
    assert err == b""
    return out.decode().strip()


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float) -> float:
    """Let the app run until ``condition`` holds; how long it took (AssertionError if never)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s")
        await pilot.pause(0.1)
    return time.monotonic() - start


def board_of(app: App[None]) -> PipelineScreen:
    """The board, even while a dialog is open over it."""
    return next(s for s in app.screen_stack if isinstance(s, PipelineScreen))


def ids_on(screen: Screen[Any], stage: Stage) -> list[str]:
    """card_ids for a screen that need not be the active one."""
    return list(screen.query_one(f"#cards-{stage.value}", CardColumn).ids)


async def test_the_board_shows_a_contact_added_elsewhere_without_being_asked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.json"
    repo = Repository(path, id_factory=counting_ids())
    ada = seed(repo, NOW, "Ada Lovelace")
    app = make_app(repo, frozen_clock(NOW))
    async with app.run_test(size=SIZE) as pilot:
        assert card_ids(pilot.app, Stage.IDENTIFIED) == [ada.id]
        assert pilot.app.screen.selected_contact_id() == ada.id  # type: ignore[attr-defined]

        grace = await cli_add(path, "Grace Hopper")
        # (No "not there yet" check here: the poll runs every second in a thread,
        # and on a loaded machine the child takes longer than that to add her.)
        await wait_until(
            pilot, lambda: grace in card_ids(pilot.app, Stage.IDENTIFIED), NOTICE_WITHIN
        )
        assert sorted(card_ids(pilot.app, Stage.IDENTIFIED)) == sorted([ada.id, grace])
        # the cursor stayed on the contact it was on
        assert pilot.app.screen.selected_contact_id() == ada.id  # type: ignore[attr-defined]

        # A half-typed new contact survives another process's change to the board.
        await pilot.press("n", *"Half Na", "tab", *"Some")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        name_box = form.query_one("#field-name", Input)
        company_box = form.query_one("#field-company", Input)
        assert (name_box.value, company_box.value) == ("Half Na", "Some")
        board = board_of(pilot.app)

        katherine = await cli_add(path, "Katherine Johnson")
        await wait_until(pilot, lambda: katherine in ids_on(board, Stage.IDENTIFIED), NOTICE_WITHIN)
        assert pilot.app.screen is form, "the form was closed by the refresh"
        assert form.focused is company_box
        assert (name_box.value, company_box.value) == ("Half Na", "Some")
        assert company_box.cursor_position == len("Some")

        await pilot.press(*"thing", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)

    by_name = {c.name: c for c in Repository(path).contacts()}
    assert set(by_name) == {"Ada Lovelace", "Grace Hopper", "Katherine Johnson", "Half Na"}
    assert (by_name["Grace Hopper"].id, by_name["Katherine Johnson"].id) == (grace, katherine)
    assert by_name["Half Na"].company == "Something"


SEEDED = 25
CLI_ADDS = 50


async def test_tui_advances_and_cli_adds_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    repo = Repository(path, id_factory=counting_ids())
    seeded = [seed(repo, NOW, f"Seed {n:02d}").id for n in range(SEEDED)]
    app = make_app(repo, frozen_clock(NOW))
    advanced: list[str] = []
    press_times: list[float] = []

    async with app.run_test(size=SIZE) as pilot:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI_ADDER, str(path), str(CLI_ADDS),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=child_env(),
        )  # fmt: skip
        assert child.stdin is not None
        assert child.stdout is not None
        try:
            assert await asyncio.wait_for(child.stdout.readline(), 30) == b"ready\n"
            child.stdin.write(b"go\n")
            await child.stdin.drain()
            communicate = asyncio.ensure_future(child.communicate())

            # Advance whatever is highlighted in Identified, again and again,
            # for as long as the other process is adding (and a little after).
            while len(advanced) < SEEDED + CLI_ADDS - 1:
                if communicate.done() and len(advanced) >= 10:
                    break
                chosen = pilot.app.screen.selected_contact_id()  # type: ignore[attr-defined]
                assert chosen is not None
                before = len(app.undo_stack)
                press_times.append(time.monotonic())
                await pilot.press("a")
                assert len(app.undo_stack) == before + 1, "the advance was not saved"
                advanced.append(chosen)
                await pilot.press("left")  # the cursor followed them to Requested: back
            out, err = await asyncio.wait_for(communicate, 60)
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        assert child.returncode == 0, err.decode()

        *printed, times = out.decode().split("\n")[:-1]
        _, start, end = times.split()
        assert len(printed) == CLI_ADDS
        # the two really overlapped: TUI advances before and after some CLI adds
        assert press_times[0] < float(end)
        assert press_times[-1] > float(start)
        during = [t for t in press_times if float(start) < t < float(end)]
        # (at least one inside the window: how many depends on the machine's load)
        assert during, "no TUI advance landed while the CLI was adding"

        # the TUI's board catches up with everything by itself
        everyone = set(seeded) | set(printed)

        def board_complete() -> bool:
            shown = card_ids(pilot.app, Stage.IDENTIFIED) + card_ids(pilot.app, Stage.REQUESTED)
            return set(shown) == everyone and len(shown) == len(everyone)

        await wait_until(pilot, board_complete, NOTICE_WITHIN)
        assert set(card_ids(pilot.app, Stage.REQUESTED)) == set(advanced)

    assert len(advanced) == len(set(advanced)), "the same contact was advanced twice"
    contacts = Repository(path).contacts(include_archived=True)
    ids = [c.id for c in contacts]
    assert len(ids) == len(set(ids)) == SEEDED + CLI_ADDS
    assert set(ids) == everyone
    by_id = {c.id: c for c in contacts}
    assert sorted(by_id[i].name for i in printed) == [f"CLI {n:02d}" for n in range(CLI_ADDS)]
    for contact in contacts:
        moves = [e for e in contact.events if e.kind is EventKind.ADVANCE]
        if contact.id in advanced:
            assert contact.stage is Stage.REQUESTED, contact.name
            assert len(moves) == 1, contact.name
        else:
            assert contact.stage is Stage.IDENTIFIED, contact.name
            assert moves == [], contact.name
    event_ids = [e.id for c in contacts for e in c.events]
    assert len(event_ids) == len(set(event_ids))
    # and the raw file agrees: one record per contact, doc ids unique
    table = json.loads(path.read_bytes())["contacts"]
    assert sorted(record["id"] for record in table.values()) == sorted(ids)
