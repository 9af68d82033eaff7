"""Pilot tests for f (log a follow-up), z (snooze) and a on follow-up and nudge lines."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from coffeechat.domain.events import Advance, Snooze, Touch
from coffeechat.domain.rules import DueKind
from coffeechat.domain.stages import Stage
from coffeechat.ui.dialogs.touch import FollowUpDialog, SnoozeDialog
from coffeechat.ui.screens.due import DueScreen
from tests.ui.conftest import SIZE, seed


def kinds(screen: DueScreen) -> list[tuple[str, DueKind]]:
    return [(item.name, item.kind) for item in screen.items.values()]


async def test_f_logs_a_follow_up_at_the_typed_time(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Theo Thanked", Stage.THANKED, met_hours_ago=24 * 200)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert kinds(pilot.app.screen) == [("Theo Thanked", DueKind.FOLLOW_UP)]
        await pilot.press("f")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FollowUpDialog)
        dialog.query_one("#field-when", Input).value = "yesterday 4pm"
        dialog.query_one("#field-note", Input).value = "Coffee, talked about the new team"
        await pilot.press("ctrl+s")
        await pilot.pause()
        updated = repo.get(contact.id)
        assert updated.stage is Stage.FOLLOW_UP
        event = updated.events[-1]
        assert event.at == now.replace(hour=16) - timedelta(days=1)
        assert isinstance(event.data, Advance)
        assert event.data.note == "Coffee, talked about the new team"
        assert kinds(pilot.app.screen) == []  # the cadence starts again
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.THANKED


async def test_f_refuses_a_future_time_on_its_field(app_factory, repo, now) -> None:
    seed(repo, now, "Theo Thanked", Stage.THANKED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#field-when", Input).value = "tomorrow"
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog
        assert "future" in str(dialog.query_one("#error-when").render())


async def test_z_snoozes_a_line_for_a_week_and_u_brings_it_back(app_factory, repo, now) -> None:
    seed(repo, now, "Theo Thanked", Stage.THANKED, met_hours_ago=24 * 200)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d", "z")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SnoozeDialog)
        await pilot.press("enter")  # 1 week
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        assert kinds(screen) == []
        await pilot.press("u")
        await pilot.pause()
        assert kinds(screen) == [("Theo Thanked", DueKind.FOLLOW_UP)]


async def test_z_until_a_typed_date(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Theo Thanked", Stage.THANKED, met_hours_ago=24 * 200)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d", "z", "end", "enter")  # "Until a date…"
        await pilot.pause()
        box = pilot.app.screen.query_one("#snooze-date", Input)
        box.value = "yesterday"
        await pilot.press("enter")
        await pilot.pause()
        assert "future" in str(pilot.app.screen.query_one("#error-snooze").render())
        box.value = "2027-01-15 09:00"
        await pilot.press("enter")
        await pilot.pause()
        (snooze,) = [e.data for e in repo.get(contact.id).events if isinstance(e.data, Snooze)]
        assert snooze.due == "follow-up"
        until = repo.get(contact.id).snoozed_until(snooze.due, snooze.ref)
        assert until is not None
        assert until.date().isoformat() == "2027-01-15"


async def test_a_on_a_nudge_logs_it_and_a_on_give_up_archives(app_factory, repo, now) -> None:
    waiting = seed(repo, now, "Wendy Waiting", Stage.REQUESTED)  # asked 9 days ago
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert kinds(screen) == [("Wendy Waiting", DueKind.NUDGE)]
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(waiting.id).events[-1].data == Touch("email", note="nudge")
        nudge = next(iter(screen.items.values()))
        assert nudge.detail == "second nudge"  # coming up, in Upcoming
    old = seed(repo, now - timedelta(days=20), "Olly Old", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        table_keys = list(screen.items)
        olly = [k for k in table_keys if k.startswith(old.id)]
        assert screen.items[olly[0]].detail == "give up"
        while screen.selected_contact_id() != old.id:
            await pilot.press("j")
        await pilot.press("a")
        await pilot.pause()
        assert not repo.get(old.id).archived  # it asks first, on "no response"
        await pilot.press("enter")
        await pilot.pause()
        assert repo.get(old.id).archived
        assert repo.get(old.id).archive_reason == "no response"


async def test_contact_page_shows_the_next_follow_up_and_what_was_logged(
    app_factory, repo, now
) -> None:
    from coffeechat.ui.screens.contact import ContactScreen
    from coffeechat.ui.widgets.keyed_table import KeyedTable

    contact = seed(repo, now, "Theo Thanked", Stage.THANKED, met_hours_ago=24 * 200)
    repo.follow_up(contact.id, now - timedelta(days=1), "coffee", "talked shop", now)
    repo.snooze(contact.id, "follow-up", "2027-02-21", now + timedelta(days=7), now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        heading = str(page.query_one("#contact-heading").render())
        assert "next follow-up 21 Feb 2027 (every 3 months" in heading
        timeline = page.query_one("#timeline", KeyedTable)
        said = [str(timeline.get_row_at(i)[1]) for i in range(timeline.row_count)]
        assert said[0] == "Snoozed the follow-up until Sun 29 Nov"
        assert said[1] == "thanked → follow-up (coffee): talked shop"
