"""ctrl+s reads the form after every key typed before it (issue 10 item 6)."""

from __future__ import annotations

from datetime import datetime

from textual import events
from textual.app import App
from textual.widgets import Input

from coffeechat.ui.dialogs.contact_form import ContactForm
from coffeechat.ui.dialogs.finish import FinishDialog
from coffeechat.ui.screens.questions import QuestionPicker
from tests.ui.conftest import SIZE
from tests.ui.test_meeting_mode import with_meeting


def burst(app: App[None], *keys: str) -> None:
    """Queue key events the way a fast typist's terminal does: all at once, no waiting."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_ctrl_s_right_after_typing_saves_the_whole_name(app_factory, repo) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactForm)
        burst(pilot.app, *"Ada Lovelace", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert [c.name for c in repo.contacts()] == ["Ada Lovelace"]


async def test_ctrl_s_in_meeting_mode_keeps_the_last_keys_typed(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "j", "enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.query_one("#answer", Input).has_focus
        burst(pilot.app, *"Started in nursing", "ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        dialog.query_one("#when", Input).value = ""
        burst(pilot.app, *"today 9:30", "ctrl+s")
        await pilot.pause()
        await screen.saved()
        await pilot.pause()
        updated = repo.get(contact.id)
        assert updated.met_at == datetime(2026, 11, 22, 9, 30, tzinfo=now.tzinfo)
        meeting = updated.meeting(meeting_id)
        assert meeting is not None
        assert meeting.agenda[1].answer == "Started in nursing"


async def test_ctrl_s_in_the_question_picker_keeps_a_pick_typed_just_before(
    repo, now, app_factory
) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("Q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuestionPicker)
        burst(pilot.app, "j", "j", "j", "space", "ctrl+s")  # pick career-path-04, then save
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuestionPicker)
        meeting = repo.get(contact.id).meeting(meeting_id)
        assert meeting is not None
        assert [item.question_id[-2:] for item in meeting.agenda] == ["01", "02", "03", "04"]


async def test_ctrl_s_in_the_question_picker_works_from_the_filter(repo, now, app_factory) -> None:
    with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("Q")
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuestionPicker)
        await pilot.press("slash", *"mentor", "ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuestionPicker)
