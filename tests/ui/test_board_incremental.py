"""A key on the board costs what it changed: one card re-filed, nothing laid out, no toast."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Static

from coffeechat.domain.model import Contact
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import CoffeechatApp
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.conftest import settle_storage
from tests.ui.conftest import SIZE, card_ids, seed, status_line

SMALL = (80, 24)


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The screens Textual lays out (whole-screen layouts), by class name, as they happen."""
    seen: list[str] = []
    real = Screen._refresh_layout

    def counting(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        seen.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counting)
    return seen


@pytest.fixture
def no_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """No check for other processes' changes but the one a save makes first."""
    monkeypatch.setattr(CoffeechatApp, "check_for_outside_changes", lambda self: None)


def board(app: Any) -> PipelineScreen:
    screen = app.screen
    assert isinstance(screen, PipelineScreen)
    return screen


async def test_an_advance_refiles_only_the_card_it_touched(
    app_factory, repo, now, monkeypatch, made: list[str]
) -> None:
    for i in range(4):
        seed(repo, now, f"Ida {i}")
    for i in range(3):
        seed(repo, now, f"Rex {i}", Stage.REQUESTED)
    seed(repo, now, "Max", Stage.MET, met_hours_ago=30)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = board(pilot.app)
        moved = screen.selected_contact_id()
        assert moved is not None
        before = {id(card) for stage in PIPELINE for card in screen.board.cards(stage)}
        made.clear()
        walks: list[int] = []
        everyone: Callable[..., list[Contact]] = repo.contacts

        def walking(**options: bool) -> list[Contact]:
            walks.append(1)
            return everyone(**options)

        monkeypatch.setattr(repo, "contacts", walking)
        await pilot.press("a")
        await settle_storage(pilot)
        assert walks == []  # the board did not go through everyone
        assert repo.get(moved).stage is Stage.REQUESTED
        assert moved in card_ids(pilot.app, Stage.REQUESTED)
        assert made == [repo.get(moved).name]  # nobody else's due items worked out again
        after = [card for stage in PIPELINE for card in screen.board.cards(stage)]
        assert len(after) == 8
        # Every other card is the very object it was: re-filed, not remade.
        assert [c.contact.id for c in after if id(c) not in before] == [moved]


async def test_another_processs_change_read_in_by_a_save_reaches_the_board(
    app_factory, repo, db_path, now, no_poll
) -> None:
    seed(repo, now, "Ann")
    seed(repo, now, "Bo")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.pause()
        mine = board(pilot.app).selected_contact_id()
        assert mine is not None
        theirs = next(c.id for c in repo.contacts() if c.id != mine)
        Repository(db_path).advance(theirs, now)  # another window, just before the key
        await pilot.press("a")
        await settle_storage(pilot)
        # The save read their change in with the file; the board files it too.
        assert sorted(card_ids(pilot.app, Stage.REQUESTED)) == sorted([mine, theirs])
        assert card_ids(pilot.app, Stage.IDENTIFIED) == []


async def test_a_filter_keystroke_and_an_advance_lay_nothing_out(
    app_factory, repo, now, layouts
) -> None:
    for i in range(12):
        seed(repo, now, f"Ida {i}", company="Acme" if i % 2 else "Globex")
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert layouts  # showing the filter box moves things: the counter sees layouts
        layouts.clear()
        await pilot.press("g")
        await pilot.pause()
        assert card_ids(pilot.app, Stage.IDENTIFIED)  # the filter did filter ...
        assert len(card_ids(pilot.app, Stage.IDENTIFIED)) == 6
        assert status_line(pilot.app) == "Filter “g”: 6 of 12 contacts."
        assert layouts == []  # ... without a layout
        await pilot.press("enter")  # back to the cards
        await pilot.pause()
        layouts.clear()
        await pilot.press("a")
        await settle_storage(pilot)
        assert len(card_ids(pilot.app, Stage.REQUESTED)) == 1
        assert status_line(pilot.app).startswith("Moved ")
        assert layouts == []  # the card moved, the focus followed, the line said so


async def test_the_status_line_says_what_a_did_where_a_toast_was(app_factory, repo, now) -> None:
    seed(repo, now, "Ana Ruiz")
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert status_line(pilot.app) == ""
        await pilot.press("a")
        await settle_storage(pilot)
        said = "Moved Ana Ruiz to Requested.  (u to undo)"
        assert status_line(pilot.app) == said
        assert not any("Moved" in toast.message for toast in pilot.app.toasts)
        line = pilot.app.screen.query_one("#status", Static)
        # One whole line above the footer at 80x24, wide enough for all of it.
        assert line.region.height == 1
        assert line.region.y == SMALL[1] - 2
        assert line.content_region.width >= len(said)
        await pilot.press("u")
        await settle_storage(pilot)
        assert status_line(pilot.app) == "Undid: moved Ana Ruiz to Requested."


async def test_errors_stay_toasts(app_factory, repo, now) -> None:
    seed(repo, now, "Ana Ruiz")
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        for _ in range(2):  # one burst from the same card: the second key is refused
            board(pilot.app).action_advance()
        await pilot.pause()
        await settle_storage(pilot)
        assert any("already Requested" in t.message for t in pilot.app.toasts)
        assert "already" not in status_line(pilot.app)


async def test_the_due_list_catches_up_with_the_board_when_shown_again(
    app_factory, repo, now
) -> None:
    met = seed(repo, now, "Max Met", Stage.MET, met_hours_ago=30)  # a thank-you is due
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        due = pilot.app.screen
        assert isinstance(due, DueScreen)
        assert any(item.contact_id == met.id for item in due.items.values())
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("a", "enter")  # into thanked: the thank-you is sent
        await settle_storage(pilot)
        assert repo.get(met.id).stage is Stage.THANKED
        await pilot.press("d")
        await pilot.pause()
        assert pilot.app.screen is due
        assert not any(item.contact_id == met.id for item in due.items.values())


async def test_the_board_is_refiled_in_the_same_step_as_the_filter_box_takes_the_key(
    app_factory: Callable[[], CoffeechatApp], repo: Repository, now: Any
) -> None:
    """No message in between: the box and the cards are repainted in one frame."""
    seed(repo, now, "Ana Ruiz")
    seed(repo, now, "Ben Okafor")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PipelineScreen)
        box = screen.query_one("#filter")
        box.value = "ana"  # type: ignore[attr-defined]
        # Checked before anything else runs: no pause, no message handled.
        assert screen.filter_text == "ana"
        assert [c.contact.name for c in screen.board.cards(Stage.IDENTIFIED)] == ["Ana Ruiz"]
        assert status_line(pilot.app).startswith("Filter “ana”: 1 of 2")
