"""The draft at 80×24: the text in sight; while editing in place, letters are text and the
footer shows the editing keys."""

from __future__ import annotations

from typing import Any

from textual.widgets import TextArea

from coffeechat.domain.stages import Stage
from coffeechat.ui.screens.draft import DraftScreen
from tests.ui.conftest import seed

SMALL = (80, 24)


def shown_keys(screen: Any) -> set[str]:
    """The descriptions of the bindings the footer shows now."""
    return {
        active.binding.description
        for active in screen.active_bindings.values()
        if active.binding.show and active.enabled
    }


async def open_draft(pilot: Any) -> DraftScreen:
    await pilot.press("t")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DraftScreen)
    return screen


async def test_the_draft_and_its_hint_are_in_sight(app_factory, repo, now) -> None:
    seed(repo, now, "Ann Long-Surname-For-Wrapping", Stage.IDENTIFIED, company="Acme")
    async with app_factory().run_test(size=SMALL) as pilot:
        screen = await open_draft(pilot)
        area = screen.query_one(TextArea)
        assert area.region.height >= 8
        for widget in (area, screen.query_one("#draft-hint"), screen.query_one("#draft-title")):
            assert screen.region.contains_region(widget.region), widget


async def test_editing_in_place_letters_are_text_and_the_footer_says_so(
    app_factory, repo, now
) -> None:
    contact = seed(repo, now, "Ann", Stage.IDENTIFIED)
    async with app_factory().run_test(size=SMALL) as pilot:
        screen = await open_draft(pilot)
        assert {"Mark sent", "Edit", "Back"} <= shown_keys(screen)
        assert "Done editing" not in shown_keys(screen)
        await pilot.press("i")
        await pilot.pause()
        keys = shown_keys(screen)
        assert "Done editing" in keys
        assert not keys & {"Mark sent", "Edit", "Copy", "Save file", "Other message", "Back"}
        area = screen.query_one(TextArea)
        await pilot.press("ctrl+home", *"sk")
        await pilot.pause()
        assert pilot.app.screen is screen  # s did not mark it sent, k did not switch drafts
        assert area.text.startswith("sk")
        assert repo.get(contact.id).stage is Stage.IDENTIFIED
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen  # the first escape stops editing
        assert area.read_only
        assert area.text.startswith("sk")
        assert "Mark sent" in shown_keys(screen)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is not screen
