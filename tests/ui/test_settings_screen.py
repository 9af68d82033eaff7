"""Issue 11: the Settings form, opened from the palette, usable at 80×24."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Input, Label, Select

from coffeechat.storage.repository import Repository
from coffeechat.ui.app import CoffeechatApp
from coffeechat.ui.dialogs.base import DiscardChanges
from coffeechat.ui.dialogs.settings import NUMBERS, ORDER, SettingsDialog
from tests.ui.conftest import palette_answered

SMALL = (80, 24)


async def open_settings(pilot: Pilot[None]) -> SettingsDialog:
    """Through the palette, as a person would: ctrl+p, "Settings", enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Settings")
    await palette_answered(pilot)
    await pilot.press("enter")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SettingsDialog)
    return dialog


async def retype(pilot: Pilot[None], field: str, text: str) -> None:
    """Focus a field, empty it and type ``text``."""
    box = pilot.app.screen.query_one(f"#field-{field}", Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)
    await pilot.pause()


def visible(dialog: SettingsDialog, selector: str) -> bool:
    """Whether the widget is drawn inside the terminal, and a field inside the scrolled part."""
    region = dialog.query_one(selector).region
    inside = dialog.query_one("#fields").region if selector.startswith("#field-") else None
    return (
        bool(region.area)
        and dialog.region.contains_region(region)
        and (inside is None or inside.contains_region(region))
    )


async def test_the_palette_opens_settings_showing_what_is_stored(
    app_factory: Callable[[], CoffeechatApp], repo: Repository
) -> None:
    repo.save_settings(replace(repo.settings(), my_name="Ada", nudge_days=5))
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        assert dialog.query_one("#field-my_name", Input).value == "Ada"
        assert dialog.query_one("#field-nudge_days", Input).value == "5"
        assert dialog.query_one("#field-follow_up_overdue_factor", Input).value == "1.5"


async def test_save_and_cancel_stay_visible_at_80x24_and_every_field_scrolls_into_view(
    app_factory: Callable[[], CoffeechatApp],
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        for name in NUMBERS:  # every error line shown: the form is taller than the terminal
            await retype(pilot, name, "0")
        assert len(dialog.query(".field-error.shown")) == len(NUMBERS)
        assert dialog.query_one("#fields").max_scroll_y > 0  # the fields scroll…
        frame = dialog.query_one("#dialog").content_region
        assert frame.contains_region(dialog.query_one(".hint").region)  # …the rest stays whole
        for name in ORDER:
            dialog.query_one(f"#field-{name}").focus()
            await pilot.wait_for_scheduled_animations()  # the scroll to it
            await pilot.pause()
            assert visible(dialog, f"#field-{name}"), name
            assert visible(dialog, "#save"), name
            assert visible(dialog, "#cancel"), name
            assert visible(dialog, "#dialog"), name  # its frame and key hint too


async def test_a_changed_value_is_saved_to_the_file(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        await retype(pilot, "follow_up_months", "6")
        await retype(pilot, "my_name", "Grace Hopper")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, SettingsDialog)
        assert dialog not in pilot.app.screen_stack
        app = pilot.app
        assert isinstance(app, CoffeechatApp)
        assert app.toasts[-1].message == "Settings saved."
    stored = Repository(db_path).settings()
    assert stored.follow_up_months == 6
    assert stored.my_name == "Grace Hopper"
    assert stored.nudge_days == 7  # untouched


async def test_a_bad_value_shows_one_sentence_under_its_field_and_is_not_saved(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        await retype(pilot, "nudge_days", "400")
        error = dialog.query_one("#error-nudge_days", Label)
        assert error.has_class("shown")  # while typing, before any save
        assert str(error.render()) == "Enter a whole number of days from 1 to 365."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is dialog  # still open, nothing lost
        assert dialog.query_one("#field-nudge_days", Input).value == "400"
        await retype(pilot, "nudge_days", "8")
        assert not error.has_class("shown")  # right again: the sentence goes
    assert Repository(db_path).settings().nudge_days == 7


async def test_limits_out_of_order_are_refused_with_a_sentence(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        await retype(pilot, "thank_you_late_hours", "12")  # before the 24 h it is due
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is dialog
        error = dialog.query_one("#error-thank_you_late_hours", Label)
        assert str(error.render()) == "A thank-you can't be late before it is due."
        assert dialog.focused is dialog.query_one("#field-thank_you_late_hours")
    assert Repository(db_path).settings().thank_you_late_hours == 48


async def test_escape_with_changes_asks_and_keeps_editing_by_default(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        await retype(pilot, "give_up_days", "30")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DiscardChanges)
        assert str(pilot.app.screen.query_one("#dialog-title", Label).render()) == (
            "Discard changes?"
        )
        await pilot.press("enter")  # the safe choice: back to the form
        await pilot.pause()
        assert dialog.is_current
        assert dialog.query_one("#field-give_up_days", Input).value == "30"
        await pilot.press("escape")
        await pilot.pause()
        pilot.app.screen.query_one("#discard", Button).press()
        await pilot.pause()
        assert dialog not in pilot.app.screen_stack
    assert Repository(db_path).settings().give_up_days == 21


async def test_escape_without_changes_just_closes(
    app_factory: Callable[[], CoffeechatApp],
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert dialog not in pilot.app.screen_stack
        assert not isinstance(pilot.app.screen, DiscardChanges)


async def test_another_windows_change_is_not_reverted(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await open_settings(pilot)
        elsewhere = Repository(db_path)  # another window, while the form is open
        elsewhere.save_settings(replace(elsewhere.settings(), my_name="Set Elsewhere"))
        await retype(pilot, "nudge_days", "3")
        await pilot.press("ctrl+s")
        await pilot.pause()
    stored = Repository(db_path).settings()
    assert stored.nudge_days == 3
    assert stored.my_name == "Set Elsewhere"


async def test_a_theme_picked_here_is_applied_and_stored(
    app_factory: Callable[[], CoffeechatApp], db_path: Path
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        dialog = await open_settings(pilot)
        assert pilot.app.theme != "nord"
        dialog.query_one("#field-theme", Select).value = "nord"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.theme == "nord"
    assert Repository(db_path).settings().theme == "nord"
