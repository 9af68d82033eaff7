"""Meeting mode at 80×24: every list and its box on screen, the countdown always in sight."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from coffeechat.domain.meetings import Promise
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.screens.meeting import MeetingScreen
from coffeechat.ui.widgets.lists import ItemList
from tests.ui.test_meeting_mode import MovableClock, with_meeting

SMALL = (80, 24)
LISTS = ("takeaways", "promises", "referrals")
BOXES = ("takeaway-input", "promise-input", "referral-input")


def shown_whole(screen: Screen[Any], widget: Widget) -> bool:
    """True if every cell of ``widget`` is drawn on the screen (not clipped or scrolled away)."""
    placed = screen._compositor.visible_widgets.get(widget)
    if placed is None:
        return False
    region, clip = placed
    return bool(region.height) and clip.contains_region(region)


def full_meeting(repo: Repository, now, count: int = 4):
    due = now + timedelta(days=3)
    return with_meeting(
        repo,
        now,
        notes="Team of 6 PMs.",
        takeaways=tuple(f"Takeaway {n}" for n in range(1, count + 1)),
        promises=tuple(Promise(f"p{n}", f"Send CV {n}", due) for n in range(1, count + 1)),
        referrals=tuple(f"Sam Lee {n}, Acme" for n in range(1, count + 1)),
    )


async def open_meeting(pilot) -> MeetingScreen:
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MeetingScreen)
    return screen


async def test_at_80x24_every_list_and_box_shows_with_the_countdown(repo, now, app_factory) -> None:
    full_meeting(repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        screen = await open_meeting(pilot)
        await pilot.pause()
        for widget_id in ("countdown", "questions", "notes", *LISTS, *BOXES):
            assert shown_whole(screen, screen.query_one(f"#{widget_id}")), widget_id
        for list_id in LISTS:  # at least a few lines of each list, not one
            assert screen.query_one(f"#{list_id}").region.height >= 2, list_id


async def test_at_80x24_tab_reaches_every_box_and_list_and_each_shows_with_the_countdown(
    repo, now, app_factory
) -> None:
    full_meeting(repo, now, count=8)
    async with app_factory().run_test(size=SMALL) as pilot:
        screen = await open_meeting(pilot)
        seen: set[str] = set()
        for _ in range(12):
            await pilot.press("tab")
            await pilot.pause()
            focused = screen.focused
            assert focused is not None
            seen.add(focused.id or "")
            assert shown_whole(screen, focused), focused.id
            assert shown_whole(screen, screen.query_one("#countdown")), focused.id
        assert {"questions", "notes", *LISTS, *BOXES} <= seen


async def test_the_jump_keys_show_their_box_at_80x24(repo, now, app_factory) -> None:
    full_meeting(repo, now, count=8)
    async with app_factory().run_test(size=SMALL) as pilot:
        screen = await open_meeting(pilot)
        for key, box in (("r", "referral-input"), ("t", "takeaway-input"), ("p", "promise-input")):
            await pilot.press(key)
            await pilot.pause()
            assert screen.focused is screen.query_one(f"#{box}", Input)
            assert shown_whole(screen, screen.focused), box
            await pilot.press("escape")


async def test_the_lists_are_taller_at_120x40_and_side_by_side_with_the_notes_at_200x50(
    repo, now, app_factory
) -> None:
    full_meeting(repo, now, count=8)
    heights = {}
    for size in ((80, 24), (120, 40), (200, 50)):
        async with app_factory().run_test(size=size) as pilot:
            screen = await open_meeting(pilot)
            await pilot.pause()
            heights[size] = screen.query_one("#promises", ItemList).region.height
            notes = screen.query_one("#notes").region
            takeaways = screen.query_one("#takeaways").region
            if size == (200, 50):
                assert takeaways.x > notes.right  # a column each
                assert takeaways.y < notes.bottom
            else:
                assert takeaways.y >= notes.bottom  # stacked
    assert heights[(80, 24)] < heights[(120, 40)] < heights[(200, 50)]


async def test_the_countdown_reads_in_words_and_overrun_is_plus_over(repo, now) -> None:
    with_meeting(repo, now)  # 15 minutes from 10:00
    clock = MovableClock(now + timedelta(minutes=40))
    async with make_app(repo, clock).run_test(size=SMALL) as pilot:
        screen = await open_meeting(pilot)
        shown = str(screen.query_one("#countdown").render())
        assert "⏱" not in shown
        assert shown.endswith("+25:00 over")
        assert "of 15 min" not in shown
        clock.now = now + timedelta(minutes=5)
        screen.tick()
        assert str(screen.query_one("#countdown").render()).endswith("10:00 left of 15 min")


async def test_delete_keeps_the_cursor_where_it_was(repo, now, app_factory) -> None:
    contact, meeting_id = full_meeting(repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        screen = await open_meeting(pilot)
        takeaways = screen.query_one("#takeaways", ItemList)
        takeaways.focus()
        await pilot.press("j", "j", "j")  # from no highlight: the third
        assert takeaways.highlighted == 2
        await pilot.press("delete")
        await pilot.pause()
        meeting = repo.get(contact.id).meeting(meeting_id)
        assert meeting is not None
        assert meeting.takeaways == ("Takeaway 1", "Takeaway 2", "Takeaway 4")
        assert takeaways.highlighted == 2  # the next one moved up under the cursor
        await pilot.press("delete")  # the last: the cursor stays on the new last line
        await pilot.pause()
        assert takeaways.highlighted == 1
        await pilot.press("delete", "delete")
        await pilot.pause()
        assert repo.get(contact.id).meeting(meeting_id).takeaways == ()
        assert screen.focused is screen.query_one("#takeaway-input")  # on to adding one


async def test_a_promise_at_friday_is_due_at_the_end_of_its_working_day(
    repo, now, app_factory
) -> None:
    contact, meeting_id = with_meeting(repo, now)  # now is a Sunday morning
    async with app_factory().run_test(size=SMALL) as pilot:
        await open_meeting(pilot)
        await pilot.press("p", *"Send CV @ friday", "enter")
        await pilot.press("p", *"Intro to Sam", "enter")
        await pilot.pause()
        meeting = repo.get(contact.id).meeting(meeting_id)
        assert meeting is not None
        assert [(p.text, p.due) for p in meeting.promises] == [
            ("Send CV", datetime(2026, 11, 27, 17, 0, tzinfo=now.tzinfo)),
            ("Intro to Sam", datetime(2026, 11, 24, 17, 0, tzinfo=now.tzinfo)),  # 2 days on
        ]
