"""Fixtures shared by every test: an isolated machine, a frozen clock, a temp database."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

# The suite tests the source in src/, never a copy installed in site-packages
# (`pip install '.[test]'` installs one). pyproject's `pythonpath = ["src"]` puts
# src/ first; this guard fails loudly if anything imported another copy first,
# and PYTHONPATH hands src/ to every child process (`python -m coffeechat`, writers).
SRC = Path(__file__).resolve().parents[1] / "src"
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(SRC), *os.environ.get("PYTHONPATH", "").split(os.pathsep)])
)
import coffeechat  # noqa: E402

if not Path(coffeechat.__file__).resolve().is_relative_to(SRC):
    pytest.exit(
        f"the tests imported {coffeechat.__file__}, not the source under {SRC}", returncode=4
    )

from coffeechat.storage.repository import Repository  # noqa: E402

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # a Sunday


@pytest.fixture(autouse=True)
def isolated_machine(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads the real home, the real data folder or the local time zone."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("COFFEECHAT_DB", raising=False)
    monkeypatch.delenv("COFFEECHAT_NOW", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    time.tzset()


@pytest.fixture
def now() -> datetime:
    """The frozen "now" of every test: Sunday 22 Nov 2026, 10:00 UTC."""
    return NOW


def counting_ids(prefix: str = "") -> Callable[[], str]:
    """Predictable ids (000…001, 000…002, …) so snapshots and orderings are stable."""
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter):032x}"[-32:]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where this test's database lives."""
    return tmp_path / "data" / "contacts.json"


@pytest.fixture
def repo(db_path: Path) -> Repository:
    """A fresh repository with predictable ids."""
    return Repository(db_path, id_factory=counting_ids())


def file_bytes(path: Path) -> bytes:
    """The file's exact content (to prove nothing was written over)."""
    return path.read_bytes()


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


STORAGE_GROUP = "storage"  # coffeechat.ui.app.STORAGE: the thread workers that touch the file


async def settle_storage(pilot: Any) -> None:
    """Let every database thread the last keys started finish, and the app take its result.

    Saves run in thread workers; a thread blocked in fsync is not "busy" to
    Pilot's idle check, so a test asserting on the file right after a key
    could run before the save.  Waiting for the workers (not the wall clock)
    makes it exact.
    """
    app = pilot.app
    for _ in range(50):  # a flow may start a second save once the first is done
        running = [w for w in app.workers if w.group == STORAGE_GROUP and not w.is_finished]
        if not running:
            return
        await app.workers.wait_for_complete(running)
        await _ORIGINAL_PAUSE(pilot)


_ORIGINAL_PRESS = Pilot.press
_ORIGINAL_PAUSE = Pilot.pause


@pytest.fixture(autouse=True)
def pilot_waits_for_saves(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot's press and pause also wait for database threads (see ``settle_storage``).

    A test marked ``unsettled`` drives the app while a save is still under way.
    """
    if request.node.get_closest_marker("unsettled"):
        return

    async def press(self: Pilot[Any], *keys: str) -> None:
        await _ORIGINAL_PRESS(self, *keys)
        await settle_storage(self)

    async def pause(self: Pilot[Any], delay: float | None = None) -> None:
        await _ORIGINAL_PAUSE(self, delay)
        await settle_storage(self)

    monkeypatch.setattr(Pilot, "press", press)
    monkeypatch.setattr(Pilot, "pause", pause)
