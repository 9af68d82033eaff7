"""The schedule form: a cleared time says "unscheduled"; "Cancel meeting" calls it off."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.widgets import Button, Input

from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.dialogs.schedule import ScheduleDialog
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.ui.conftest import seed, status_line

SMALL = (80, 24)


def with_meeting(repo: Repository, now: datetime) -> str:
    contact = seed(repo, now, "Priya Raman", Stage.REQUESTED)
    fields = clean_schedule(scheduled_at=now + timedelta(days=1), format="video", minutes="30",
                            place="", research="", goals="Learn how they hire")  # fmt: skip
    repo.schedule_meeting(contact.id, None, fields, now)
    return contact.id


def toasts(pilot) -> list[str]:
    return [str(toast.message) for toast in pilot.app.toasts]


async def open_schedule(pilot) -> ScheduleDialog:
    assert isinstance(pilot.app.screen, PipelineScreen)
    await pilot.press("s")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, ScheduleDialog)
    return form


async def test_clearing_the_time_says_the_meeting_was_unscheduled(app_factory, repo, now) -> None:
    contact_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        form = await open_schedule(pilot)
        form.query_one("#field-when", Input).value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status_line(pilot.app).startswith("Unscheduled a meeting with Priya Raman.")
        meeting = repo.get(contact_id).next_meeting
        assert meeting is not None
        assert meeting.scheduled_at is None


async def test_cancel_meeting_calls_it_off_and_u_brings_it_back(app_factory, repo, now) -> None:
    contact_id = with_meeting(repo, now)
    before = repo.get(contact_id).next_meeting
    assert before is not None
    async with app_factory().run_test(size=SMALL) as pilot:
        form = await open_schedule(pilot)
        button = form.query_one("#cancel-meeting", Button)
        button.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        assert status_line(pilot.app).startswith("Cancelled the meeting with Priya Raman.")
        cancelled = repo.get(contact_id)
        assert cancelled.next_meeting is None
        kept = cancelled.meeting(before.id)
        assert kept is not None
        assert kept.cancelled_at is not None
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact_id).next_meeting == before


async def test_a_new_meeting_has_no_cancel_button(app_factory, repo, now) -> None:
    seed(repo, now, "Ann")
    async with app_factory().run_test(size=SMALL) as pilot:
        form = await open_schedule(pilot)
        assert not form.query("#cancel-meeting")
