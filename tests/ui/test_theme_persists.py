"""Issue 10 #27: the theme picked in the palette is stored and opens again next time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coffeechat.storage.repository import Repository
from coffeechat.ui.app import CoffeechatApp
from tests.conftest import settle_storage
from tests.ui.conftest import SIZE


async def test_a_chosen_theme_is_saved_and_applied_at_the_next_start(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        default = pilot.app.theme
        assert default != "nord"
        pilot.app.theme = "nord"  # what the palette's "Change theme" does
        await pilot.pause()
        await settle_storage(pilot)
    assert Repository(db_path).settings().theme == "nord"

    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.theme == "nord"


async def test_an_unknown_stored_theme_falls_back_to_the_default(
    app_factory: Callable[[], CoffeechatApp], repo: Repository
) -> None:
    from dataclasses import replace

    repo.save_settings(replace(repo.settings(), theme="no-such-theme"))
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.theme == "textual-dark"
    assert repo.settings().theme == "no-such-theme"  # not written over by opening
