"""`?` shows every key full screen, this screen's first; the palette keeps proper nouns."""

from __future__ import annotations

from textual.widgets import Static

from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.help import EVERYWHERE, MOVING, THIS_SCREEN, HelpScreen
from coffeechat.ui.screens.pipeline import PipelineScreen

SMALL = (80, 24)


def help_text(screen: HelpScreen) -> str:
    """The help list as plain text, one line per row."""
    static = screen.query_one("#help-list", Static)
    lines = static.render_lines(static.region.reset_offset)
    return "\n".join(line.text.rstrip() for line in lines)


async def test_question_mark_opens_a_full_screen_list_and_closes_it_again(
    app_factory, demo_repo
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        # The whole width, not a side panel squeezing the board into half of it.
        assert screen.query_one("#help").region.width == 80
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        await pilot.press("question_mark", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)


async def test_the_screens_keys_come_first_then_the_apps_then_moving_and_typing(
    app_factory, demo_repo
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        titles = [title for title, _ in screen.sections]
        assert titles == [THIS_SCREEN, EVERYWHERE, MOVING]
        sections = {title: {row.what for row in rows} for title, rows in screen.sections}
        assert {"New", "Advance", "Schedule", "Archive", "Filter"} <= sections[THIS_SCREEN]
        assert {"Undo", "Network"} <= sections[EVERYWHERE]
        # Textual's own keys (focus, copy, scrolling) are last, not among the app's.
        assert "Focus Next" in sections[MOVING]
        assert "Focus Next" not in sections[THIS_SCREEN]
        text = help_text(screen)
        assert text.index(THIS_SCREEN) < text.index(EVERYWHERE) < text.index(MOVING)
        assert "Move the selected contact one stage on" in text  # the tooltips explain


async def test_help_lists_the_due_lists_own_keys(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        own = {row.what: row.keys for row in dict(screen.sections)[THIS_SCREEN]}
        assert own["Done"] == "a"
        assert own["Snooze"] == "z"


async def test_the_palettes_keys_command_opens_the_help_screen(app_factory) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        commands = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Keys" not in commands  # Textual's side panel; `?` is in the palette instead
        pilot.app.action_show_help_panel()
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_palette_descriptions_keep_proper_nouns(app_factory) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        helps = {c.help for c in pilot.app.get_system_commands(pilot.app.screen)}
        assert "LinkedIn's Connections.csv (from its data export)" in helps
        assert "A .vcf from Google Contacts, Apple Contacts or Outlook" in helps
