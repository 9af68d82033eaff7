"""The TUI saves to the journal, folds it into the file once idle, and at exit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.app import App

from coffeechat import cli
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui import app as app_module
from coffeechat.ui.app import CoffeechatApp
from tests.ui.conftest import SIZE, seed


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


async def idle_poll(app: App[None]) -> None:
    """One poll for outside changes, as the 1-second timer runs it, waited for."""
    assert isinstance(app, CoffeechatApp)
    app.check_for_outside_changes()
    await app.workers.wait_for_complete()


async def test_a_change_is_journaled_then_folded_into_the_file_once_idle(
    app_factory: Callable[[], CoffeechatApp],
    repo: Repository,
    now: datetime,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contact = seed(repo, now, "Edsger Dijkstra")
    repo.compact()
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert journal_of(db_path).exists()
        assert b'"requested"' not in db_path.read_bytes()
        assert Repository(db_path).get(contact.id).stage is Stage.REQUESTED

        await idle_poll(pilot.app)  # not idle long enough yet: the journal stays
        assert journal_of(db_path).exists()

        monkeypatch.setattr(app_module, "COMPACT_AFTER_IDLE_SECONDS", 0.0)
        await idle_poll(pilot.app)
        assert not journal_of(db_path).exists()
        assert b'"requested"' in db_path.read_bytes()


async def test_a_file_that_cannot_be_rewritten_keeps_every_change_in_the_journal_and_says_so(
    app_factory: Callable[[], CoffeechatApp],
    repo: Repository,
    now: datetime,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    contact = seed(repo, now, "Edsger Dijkstra")
    repo.compact()
    monkeypatch.setattr(app_module, "COMPACT_AFTER_IDLE_SECONDS", 0.0)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        db_path.chmod(0o400)
        try:
            await idle_poll(pilot.app)
            await pilot.pause()
            app = pilot.app
            assert isinstance(app, CoffeechatApp)
            said = [str(toast.message) for toast in app.toasts]
            assert any(
                "read-only" in s and str(journal_of(db_path)) in s and s.endswith(".") for s in said
            ), said
            assert journal_of(db_path).exists()
            assert Repository(db_path).get(contact.id).stage is Stage.REQUESTED
        finally:
            db_path.chmod(0o600)


async def test_a_journal_left_by_a_crash_is_folded_soon_after_the_app_opens(
    app_factory: Callable[[], CoffeechatApp],
    repo: Repository,
    now: datetime,
    db_path: Path,
) -> None:
    seed(repo, now, "Edsger Dijkstra", Stage.REQUESTED)  # journaled, never folded
    assert journal_of(db_path).exists()
    async with app_factory().run_test(size=SIZE) as pilot:
        await idle_poll(pilot.app)  # nothing changed in this session: it is idle
        assert not journal_of(db_path).exists()
        assert b"Edsger Dijkstra" in db_path.read_bytes()


def test_leaving_the_app_folds_the_journal_and_a_failure_says_where_the_changes_are(
    repo: Repository, now: datetime, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(repo, now, "Edsger Dijkstra")
    cli._fold_journal(repo)
    assert not journal_of(db_path).exists()
    assert b"Edsger Dijkstra" in db_path.read_bytes()

    seed(repo, now, "Barbara Liskov")
    db_path.chmod(0o400)
    try:
        cli._fold_journal(repo)
    finally:
        db_path.chmod(0o600)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "read-only" in err
    assert f"Every change is kept in {journal_of(db_path)}" in err
    assert "Barbara Liskov" in {c.name for c in Repository(db_path).contacts()}


async def test_the_app_says_when_its_journal_was_put_onto_a_file_replaced_meanwhile(
    app_factory: Callable[[], CoffeechatApp],
    repo: Repository,
    now: datetime,
    db_path: Path,
) -> None:
    seed(repo, now, "Edsger Dijkstra")
    repo.compact()
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        # A sync tool puts another version of the file in place meanwhile.
        incoming = db_path.with_name("incoming")
        incoming.write_bytes(db_path.read_bytes().replace(b"Dijkstra", b"W. Dijkstra"))
        incoming.replace(db_path)
        await idle_poll(pilot.app)
        await pilot.pause()
        app = pilot.app
        assert isinstance(app, CoffeechatApp)
        said = [str(toast.message) for toast in app.toasts]
        assert any("replaced while they waited" in s for s in said), said


def test_leaving_with_nothing_in_the_journal_touches_nothing(
    repo: Repository, now: datetime, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(repo, now, "Edsger Dijkstra")
    repo.compact()
    (db_path.parent / "contacts.json.lock").unlink()
    before = sorted(p.name for p in db_path.parent.iterdir())
    db_path.parent.chmod(0o500)
    try:
        cli._fold_journal(repo)
    finally:
        db_path.parent.chmod(0o700)
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in db_path.parent.iterdir()) == before


async def test_a_bad_line_appended_to_the_journal_is_said_once_and_never_stops_the_app(
    app_factory: Callable[[], CoffeechatApp],
    repo: Repository,
    now: datetime,
    db_path: Path,
) -> None:
    seed(repo, now, "Edsger Dijkstra")
    seed(repo, now, "Barbara Liskov")
    async with app_factory().run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, CoffeechatApp)
        with journal_of(db_path).open("ab") as journal:  # a hand edit, or a broken sync
            journal.write(b'{"puts":[["contacts","1",{"id":"x"}]]}\n')
        before = db_path.read_bytes(), journal_of(db_path).read_bytes()
        await idle_poll(app)
        for key in ("d", "p", "d", "p"):  # every screen reads the contacts again
            await pilot.press(key)
            await pilot.pause()
        assert app.is_running
        problems = [str(t.message) for t in app.toasts if t.title == "Database problem"]
        assert len(problems) == 1, problems
        assert "line 4 of its journal" in problems[0]
        assert (db_path.read_bytes(), journal_of(db_path).read_bytes()) == before
