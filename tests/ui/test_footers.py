"""At 80×24 every footer fits: the keys that matter on that screen, whole, nothing under the
palette hint, and a dialog's footer shows the dialog's keys, not the screen's behind it."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from coffeechat.ui.dialogs.base import Dialog
from coffeechat.ui.dialogs.conflict import ConflictDialog
from coffeechat.ui.dialogs.duplicates import ExistingContactDialog
from coffeechat.ui.screens.archive import ArchiveScreen
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.draft import DraftScreen
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.help import HelpScreen
from coffeechat.ui.screens.meeting import MeetingScreen
from coffeechat.ui.screens.network import NetworkScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from coffeechat.ui.screens.questions import QuestionPicker

SMALL = (80, 24)


def footer_line(app: App[None]) -> str:
    """The bottom line of the screen as drawn (the compositor's own output)."""
    return app.screen._compositor.render_strips()[-1].text


def assert_footer_fits(app: App[None], *must_have: str) -> str:
    """Every key shown whole, none scrolled off or under the palette hint; the line drawn."""
    footer = app.screen.query(Footer).last()
    line = footer_line(app)
    assert footer.region.bottom == app.screen.size.height, "the footer is the bottom line"
    keys = list(footer.query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    limit = palette[0].region.x if palette else footer.region.right
    for key in keys:
        label = key.render().plain
        assert label in line, f"{label!r} is cut in {line!r}"
        if key not in palette:
            assert key.region.right <= limit, f"{label!r} runs under the palette: {line!r}"
    if palette:
        assert line.rstrip().endswith("^p Palette"), line  # nothing after the hint
    for label in must_have:
        assert label in line, f"{label!r} missing from {line!r}"
    return line


async def test_the_board_shows_its_keys_and_the_way_to_due_help_and_out(
    app_factory, demo_repo
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        assert_footer_fits(
            pilot.app, "n New", "a Advance", "s Schedule", "/ Filter", "d Due", "? Keys", "q Quit"
        )


async def test_while_filtering_the_board_says_how_to_clear_the_filter(
    app_factory, demo_repo
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "esc Clear filter" not in footer_line(pilot.app)  # nothing to clear yet
        await pilot.press("slash", "a")
        await pilot.pause()
        assert_footer_fits(pilot.app, "esc Clear filter")
        await pilot.press("escape")
        await pilot.pause()
        assert "esc Clear filter" not in assert_footer_fits(pilot.app, "/ Filter")


async def test_due_shows_its_keys_and_the_way_to_the_board_help_and_out(
    app_factory, demo_repo
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)
        assert_footer_fits(pilot.app, "a Done", "z Snooze", "p Pipeline", "? Keys", "q Quit")


async def test_the_contact_page_the_network_and_the_archive(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactScreen)
        assert_footer_fits(pilot.app, "e Edit", "a Advance", "esc Back", "? Keys")
        await pilot.press("escape", "w")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NetworkScreen)
        assert_footer_fits(pilot.app, "esc Back", "? Keys")
        await pilot.press("escape", "A")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArchiveScreen)
        assert_footer_fits(pilot.app, "esc Back", "? Keys")


async def test_meeting_mode_and_the_question_picker(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        pilot.app.show_screen("questions", None)
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuestionPicker)
        assert_footer_fits(pilot.app, "esc Done", "/ Filter", "e Edit", "? Keys")  # the bank alone
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        assert_footer_fits(pilot.app, "^s Finish", "t Takeaway", "p Promise", "r Referral")


async def test_the_draft_and_while_editing_it_the_editing_keys(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DraftScreen)
        line = assert_footer_fits(pilot.app, "esc Back", "i Edit", "c Copy", "s Mark sent")
        await pilot.press("i")
        await pilot.pause()
        line = assert_footer_fits(pilot.app, "esc Done editing")
        assert "s Mark sent" not in line  # letters are text now
        assert "esc Back" not in line
        await pilot.press("escape")  # stops editing, stays on the draft
        await pilot.pause()
        assert isinstance(pilot.app.screen, DraftScreen)
        assert_footer_fits(pilot.app, "esc Back", "s Mark sent")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)


async def test_dialogs_show_their_own_keys(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        for key, must_have in [
            ("n", ("esc Cancel", "^s Save")),  # new contact
            ("e", ("esc Cancel", "^s Save")),  # edit
            ("x", ("esc Cancel", "^s Archive")),  # archive
            ("s", ("esc Close", "^s Save")),  # schedule (a "Cancel meeting" button: not "Cancel")
            ("f", ("esc Cancel", "^s Log it")),  # follow-up
            ("D", ("esc Cancel", "^s Confirm")),  # delete
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(pilot.app.screen, Dialog), key
            line = assert_footer_fits(pilot.app, *must_have)
            assert "a Advance" not in line  # not the board's
            assert "q Quit" not in line
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(pilot.app.screen, PipelineScreen)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(pilot.app.screen, Dialog)
        assert_footer_fits(pilot.app, "esc Cancel")


async def test_the_help_screen_says_how_to_close_it(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        assert_footer_fits(pilot.app, "esc Close")


async def test_a_wider_terminal_shows_more_keys_and_a_narrower_one_fewer(
    app_factory, demo_repo
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "f Follow-up" not in assert_footer_fits(pilot.app)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert_footer_fits(pilot.app, "e Edit", "f Follow-up", "t Draft", "d Due", "q Quit")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert "f Follow-up" not in assert_footer_fits(pilot.app, "d Due", "? Keys", "q Quit")


async def test_at_120_columns_every_screens_footer_fits(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert_footer_fits(pilot.app, "e Edit", "f Follow-up", "t Draft", "u Undo")
        for key in ("enter", "t", "w", "A"):
            await pilot.press(key)
            await pilot.pause()
            assert_footer_fits(pilot.app, "? Keys")
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert_footer_fits(pilot.app, "a Done", "f Follow-up", "q Quit")
        await pilot.press("p", "m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        assert_footer_fits(pilot.app, "^s Finish", "esc Leave", "n Notes")
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.show_screen("questions", None)
        await pilot.pause()
        assert_footer_fits(pilot.app, "e Edit", "h Hide")


async def test_choice_dialogs_show_their_choices_not_save(app_factory, repo, now) -> None:
    existing = repo.add({"name": "Ada Lovelace", "company": "Engines"}, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        for dialog, must_have in [
            (ExistingContactDialog(existing), ("esc Back", "o Open", "a Add anyway")),
            (ConflictDialog("Ada", {"company": ("X", "Y")}), ("m Keep mine", "t Keep theirs")),
        ]:
            pilot.app.push_screen(dialog)
            await pilot.pause()
            line = assert_footer_fits(pilot.app, *must_have)
            assert "^s Save" not in line
            pilot.app.pop_screen()
            await pilot.pause()
