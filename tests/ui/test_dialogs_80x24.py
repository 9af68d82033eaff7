"""Every dialog at 80×24: each field and button can be reached with Tab, and is in sight then.

The body scrolls (``DialogBody``) and the buttons under it stay on the screen,
so Tab never lands on something nobody can see.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Label

from coffeechat.domain.meetings import Meeting
from coffeechat.domain.model import Contact
from coffeechat.domain.questions import BUILTIN_QUESTIONS
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.dialogs.base import DialogBody
from coffeechat.ui.dialogs.conflict import ConflictDialog
from coffeechat.ui.dialogs.prompts import ConfirmDialog
from coffeechat.ui.dialogs.question_form import QuestionForm
from coffeechat.ui.dialogs.schedule import ScheduleDialog
from coffeechat.ui.dialogs.when import MeetingTimeDialog
from tests.ui.conftest import seed

SMALL = (80, 24)

MakeDialog = Callable[[Repository, datetime], Screen[Any]]


def _scheduled(repo: Repository, now: datetime) -> tuple[Contact, Meeting]:
    contact = seed(repo, now, "Priya Raman", Stage.REQUESTED, company="Northwind Health")
    fields = clean_schedule(scheduled_at=now, format="video", minutes="30",
                            place="https://meet.example/abc", research="Their team ships weekly.",
                            goals="Learn how they hire.")  # fmt: skip
    contact, _ = repo.schedule_meeting(contact.id, None, fields, now)
    assert contact.next_meeting is not None
    return contact, contact.next_meeting


#: Every dialog with ordinary content is a route in ``test_every_screen_in_sight``;
#: here only what those routes do not show: overlong text, and a built-in question.
DIALOGS: dict[str, MakeDialog] = {
    "confirm": lambda repo, now: ConfirmDialog(
        "Delete Ann?", "Ann leaves every list. " * 40, "Delete"
    ),
    "question (built-in)": lambda repo, now: QuestionForm(BUILTIN_QUESTIONS[0]),
    "conflict": lambda repo, now: ConflictDialog(
        "Ann",
        dict.fromkeys(
            ("name", "company", "role", "email", "phone", "notes"),
            ("saved elsewhere " * 3, "typed here " * 3),
        ),
    ),
}


def in_sight(widget: Widget, screen: Screen[Any]) -> None:
    """The widget lies on the screen, and inside its dialog body's visible window if in one."""
    region = widget.region
    assert region.area > 0, f"{widget!r} takes no room"
    assert screen.region.contains_region(region), f"{widget!r} at {region} is off the screen"
    for ancestor in widget.ancestors:
        if isinstance(ancestor, DialogBody):
            window = ancestor.content_region
            assert window.contains_region(region), (
                f"{widget!r} at {region} is outside its scroll window {window}"
            )


@pytest.mark.parametrize("name", list(DIALOGS))
async def test_tab_reaches_every_field_and_button_in_sight(app_factory, repo, now, name) -> None:
    dialog = DIALOGS[name](repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        pilot.app.push_screen(dialog)
        await pilot.pause()
        screen = pilot.app.screen
        assert screen is dialog
        for button in screen.query(Button):
            in_sight(button, screen)  # the actions are on the screen from the start
        chain = list(screen.focus_chain)
        assert chain, "nothing to focus"
        seen: list[Widget] = []
        for _ in range(len(chain)):
            focused = screen.focused
            assert focused is not None
            in_sight(focused, screen)
            seen.append(focused)
            await pilot.press("tab")
            await pilot.pause()
        assert set(seen) == set(chain), "Tab skipped something"


async def test_the_schedule_form_keeps_save_and_cancel_in_sight_while_scrolled(
    app_factory, repo, now
) -> None:
    contact, meeting = _scheduled(repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        pilot.app.push_screen(ScheduleDialog(contact, meeting, now))
        await pilot.pause()
        screen = pilot.app.screen
        body = screen.query_one(DialogBody)
        assert body.max_scroll_y > 0  # too tall for 24 rows: it scrolls
        screen.query_one("#field-goals").focus()
        await pilot.pause()
        assert body.scroll_y > 0
        for button in ("#save", "#cancel"):
            in_sight(screen.query_one(button), screen)


async def test_a_short_dialog_is_not_stretched_at_120x40(app_factory, repo, now) -> None:
    async with app_factory().run_test(size=(120, 40)) as pilot:
        pilot.app.push_screen(MeetingTimeDialog(seed(repo, now, "Ann"), now))
        await pilot.pause()
        dialog = pilot.app.screen.query_one("#dialog")
        assert dialog.outer_size.height < 20


async def test_the_schedule_form_shows_whole_at_120x40(app_factory, repo, now) -> None:
    contact, meeting = _scheduled(repo, now)
    async with app_factory().run_test(size=(120, 40)) as pilot:
        pilot.app.push_screen(ScheduleDialog(contact, meeting, now))
        await pilot.pause()
        assert pilot.app.screen.query_one(DialogBody).max_scroll_y == 0


async def test_an_error_wraps_instead_of_being_cut(app_factory, repo, now) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        pilot.app.push_screen(ScheduleDialog(seed(repo, now, "Ann"), None, now))
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#field-when", Input).value = "blah"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = screen.query_one("#error-when", Label)
        said = str(error.render())
        assert "blah" in said
        lines = [line.text.strip() for line in error.render_lines(error.region.reset_offset)]
        shown = " ".join(line for line in lines if line)
        assert " ".join(said.split()) == " ".join(shown.split()), "the sentence was cut"
        assert error.region.height > 1  # it wrapped
        in_sight(error, screen)
