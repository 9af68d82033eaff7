"""An unhandled error in the TUI: no locals on the screen, a private report, exit status 1."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from coffeechat import cli
from coffeechat.ui.app import CoffeechatApp
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.ui.conftest import SIZE, seed

SECRET = "PRIVATE NOTE: salary 123k"


def crashing_open(self: PipelineScreen) -> None:
    """`enter` on the board, broken: a local holds a contact's note."""
    note = SECRET
    raise RuntimeError(f"could not open {len(note)}")


async def press_enter(app: CoffeechatApp) -> None:
    """Run the app and press enter on the board (Pilot re-raises the app's error)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()


def report_path(said: str) -> Path:
    """The path on the line after the one that announces the report."""
    lines = said.splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith("The report")]
    return Path(lines[index + 1].strip())


async def test_a_crash_prints_no_locals_and_writes_a_private_report(
    app_factory, repo, now, monkeypatch, capsys
) -> None:
    seed(repo, now, "Ada Lovelace")
    monkeypatch.setattr(PipelineScreen, "action_open", crashing_open)
    app = app_factory()
    with pytest.raises(RuntimeError, match="could not open"):
        await press_enter(app)
    assert app.return_code == 1
    said = capsys.readouterr()
    shown = said.err + said.out
    assert SECRET not in shown
    assert "note =" not in shown
    assert "locals" not in shown.lower()
    assert "RuntimeError in test_crash.py" in shown
    report = report_path(shown)
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert "crashing_open" in text
    assert "RuntimeError: could not open 25" in text
    assert SECRET not in text  # the local's value is not in the report either


async def test_a_crash_in_a_worker_is_reported_the_same_way(
    app_factory, repo, now, monkeypatch, capsys
) -> None:
    seed(repo, now, "Ada Lovelace")

    async def crashing_flow() -> None:
        note = SECRET
        raise ValueError(f"flow failed {len(note)}")

    def run_broken(self: PipelineScreen) -> None:
        self.run_flow(crashing_flow())

    monkeypatch.setattr(PipelineScreen, "action_open", run_broken)
    app = app_factory()
    with pytest.raises(WorkerFailed, match="flow failed"):
        await press_enter(app)
    assert app.return_code == 1
    said = capsys.readouterr()
    shown = said.err + said.out
    assert SECRET not in shown
    assert "ValueError in test_crash.py" in shown
    assert "ValueError: flow failed 25" in report_path(shown).read_text()


def test_the_tui_exits_non_zero_after_a_crash(db_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(PipelineScreen, "reload", crashing_open)  # the board cannot draw
    original_run = CoffeechatApp.run

    def run_headless(self: CoffeechatApp, **_: object) -> None:
        original_run(self, headless=True, size=SIZE)

    monkeypatch.setattr(CoffeechatApp, "run", run_headless)
    status = cli.main(["--db", str(db_path)], environ={"COFFEECHAT_NOW": "2026-11-22 10:00"})
    assert status == 1
    shown = capsys.readouterr().err
    assert SECRET not in shown
    assert report_path(shown).is_file()


@pytest.mark.parametrize("key", ["t", "e", "s", "n", "Q", "m"])
async def test_a_key_arriving_with_q_quits_cleanly(app_factory, repo, now, key: str) -> None:
    """`qt` in one read: the draft screen was pushed while the app shut down, and crashed."""
    from textual import events

    seed(repo, now, "Ann Lee")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        for sent in ("q", key):
            app.post_message(events.Key(sent, sent))
        await pilot.pause()
    assert app.return_code in (0, None)
    assert app._crash_said is None
