"""Escape on a form with changes asks "Discard changes?"; on an unchanged form it closes at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, TextArea

from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.dialogs.base import DiscardChanges
from coffeechat.ui.dialogs.contact_form import ContactForm
from coffeechat.ui.dialogs.prompts import TextPrompt
from coffeechat.ui.dialogs.question_form import QuestionForm
from coffeechat.ui.dialogs.schedule import ScheduleDialog
from coffeechat.ui.dialogs.touch import FollowUpDialog, SnoozeDialog
from coffeechat.ui.dialogs.when import MeetingTimeDialog
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.ui.conftest import seed

SMALL = (80, 24)

FORMS: dict[str, Callable[[Repository, datetime], Screen[Any]]] = {
    "schedule": lambda repo, now: ScheduleDialog(seed(repo, now, "Ann"), None, now),
    "contact": lambda repo, now: ContactForm(None),
    "follow-up": lambda repo, now: FollowUpDialog(seed(repo, now, "Ann", Stage.THANKED), now),
    "when": lambda repo, now: MeetingTimeDialog(seed(repo, now, "Ann"), now),
    "question": lambda repo, now: QuestionForm(None),
    "text prompt": lambda repo, now: TextPrompt("Your name", "Drafts are signed with it."),
}


async def open_form(pilot, form: Screen[Any]) -> list[object]:
    """Push ``form``; the list gets what it dismisses with."""
    results: list[object] = []
    pilot.app.push_screen(form, results.append)
    await pilot.pause()
    assert pilot.app.screen is form
    return results


def asking(pilot) -> bool:
    """True when "Discard changes?" is on top."""
    return isinstance(pilot.app.screen, DiscardChanges)


@pytest.mark.parametrize("name", list(FORMS))
async def test_escape_on_an_unchanged_form_closes_at_once(app_factory, repo, now, name) -> None:
    form = FORMS[name](repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        results = await open_form(pilot, form)
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is not form
        assert not isinstance(pilot.app.screen, DiscardChanges)
        assert results == [None]


@pytest.mark.parametrize("name", list(FORMS))
async def test_escape_on_a_changed_form_asks_first(app_factory, repo, now, name) -> None:
    form = FORMS[name](repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        results = await open_form(pilot, form)
        await pilot.press("end", *"xy")  # into the field the form starts in
        await pilot.press("escape")
        await pilot.pause()
        question = pilot.app.screen
        assert isinstance(question, DiscardChanges)
        assert question.focused is question.query_one("#keep", Button)  # the safe one
        assert results == []


async def test_keep_editing_returns_to_the_form_with_the_text_intact(
    app_factory, repo, now
) -> None:
    form = ScheduleDialog(seed(repo, now, "Ann"), None, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        results = await open_form(pilot, form)
        form.query_one("#field-research", TextArea).focus()
        await pilot.press(*"Read their blog")
        await pilot.press("escape")
        await pilot.pause()
        assert asking(pilot)
        await pilot.press("enter")  # keep editing: the default
        await pilot.pause()
        assert pilot.app.screen is form
        assert form.query_one("#field-research", TextArea).text == "Read their blog"
        assert results == []
        # escape on the question is "keep editing" too
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is form
        assert form.query_one("#field-research", TextArea).text == "Read their blog"


async def test_discard_drops_what_was_typed_and_saves_nothing(app_factory, repo, now) -> None:
    ann = seed(repo, now, "Ann")
    async with app_factory().run_test(size=SMALL) as pilot:
        assert isinstance(pilot.app.screen, PipelineScreen)
        await pilot.press("s")  # the schedule flow, on the selected (only) contact
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ScheduleDialog)
        form.query_one("#field-when", Input).value = "tomorrow 3pm"
        form.query_one("#field-goals", TextArea).focus()
        await pilot.press(*"Learn how they hire")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DiscardChanges)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        assert repo.get(ann.id).meetings == ()


async def test_discard_button_drops_the_form(app_factory, repo, now) -> None:
    form = ContactForm(None)
    async with app_factory().run_test(size=SMALL) as pilot:
        results = await open_form(pilot, form)
        await pilot.press(*"Bo")
        await pilot.press("escape")
        await pilot.pause()
        question = pilot.app.screen
        assert isinstance(question, DiscardChanges)
        await pilot.click("#discard")
        await pilot.pause()
        assert pilot.app.screen is not form
        assert results == [None]


async def test_snooze_asks_only_once_a_date_is_typed(app_factory, repo, now) -> None:
    form = SnoozeDialog("the thank-you for Ann", now)
    async with app_factory().run_test(size=SMALL) as pilot:
        results = await open_form(pilot, form)
        await pilot.press("j", "escape")  # moving the highlight is not typing
        await pilot.pause()
        assert results == [None]
        form = SnoozeDialog("the thank-you for Ann", now)
        results = await open_form(pilot, form)
        form.query_one("#periods", OptionList).highlighted = 4  # "Until a date…"
        await pilot.press("enter", *"friday", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DiscardChanges)
