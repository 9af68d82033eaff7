"""The question picker at 80×24: #category search, an empty result said, T/B, P, all in sight."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList

from coffeechat.domain.meetings import AgendaItem, Meeting
from coffeechat.domain.questions import BUILTIN_QUESTIONS, Category
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.screens.questions import QuestionPicker
from tests.ui.conftest import seed

SMALL = (80, 24)


def shown_whole(screen: Screen[Any], widget: Widget) -> bool:
    """True if every cell of ``widget`` is drawn on the screen (not clipped or scrolled away)."""
    placed = screen._compositor.visible_widgets.get(widget)
    if placed is None:
        return False
    region, clip = placed
    return bool(region.height) and clip.contains_region(region)


def items(*indexes: int) -> tuple[AgendaItem, ...]:
    picked = [BUILTIN_QUESTIONS[i] for i in indexes]
    return tuple(AgendaItem(q.id, q.text, q.category.value) for q in picked)


def planned(
    repo: Repository,
    now: datetime,
    name: str,
    agenda: tuple[AgendaItem, ...],
    *,
    held: int = 0,
    contact_id: str = "",
) -> Meeting:
    """A meeting with ``name`` (a new contact, unless ``contact_id``) ``held`` days ago,
    or planned for tomorrow."""
    contact = repo.get(contact_id) if contact_id else seed(repo, now, name, Stage.REQUESTED)
    when = now - timedelta(days=held) if held else now + timedelta(days=1)
    fields = clean_schedule(scheduled_at=when, format="video", minutes="15", place="",
                            research="", goals="")  # fmt: skip
    contact, _ = repo.schedule_meeting(contact.id, None, fields, now)
    meeting = contact.meetings[-1]
    repo.save_meeting(contact.id, replace(meeting, agenda=agenda))
    if held:
        repo.record_meeting(contact.id, meeting.id, when, now)
    saved = repo.get(contact.id).meeting(meeting.id)
    assert saved is not None
    return saved


async def open_picker(pilot, meeting: Meeting | None) -> QuestionPicker:
    picker = QuestionPicker(meeting, "Priya Raman")
    pilot.app.push_screen(picker)
    await pilot.pause()
    return picker


def agenda_ids(picker: QuestionPicker) -> list[str]:
    return [item.question_id for item in picker.agenda]


def rendered(picker: QuestionPicker, selector: str) -> str:
    return str(picker.query_one(selector).render())


async def test_hash_network_finds_the_category_and_no_match_is_said(repo, now, app_factory) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        picker = await open_picker(pilot, planned(repo, now, "Priya Raman", items(0)))
        empty = picker.query_one("#bank-empty")
        assert not empty.display
        await pilot.press("slash", *"#network")
        await pilot.pause()
        network = [q for q in BUILTIN_QUESTIONS if q.category is Category.NETWORK]
        assert [q.id for q in picker.shown] == [q.id for q in network]
        assert rendered(picker, "#bank-title").startswith(f"Question bank · {len(network)} of ")
        await pilot.press(*" #xyz")
        await pilot.pause()
        assert picker.shown == []
        assert empty.display
        assert rendered(picker, "#bank-empty") == "No questions match '#network #xyz'."
        assert shown_whole(picker, empty)
        for _ in range(len(" #xyz")):
            await pilot.press("backspace")
        await pilot.pause()
        assert not empty.display
        await pilot.press("enter", "c")  # one category only: the message says which
        await pilot.press("slash", *"salary")  # the filter's text is selected: replaced
        await pilot.pause()
        assert rendered(picker, "#bank-empty") == (
            "No questions match 'salary' in career path (c: all categories)."
        )


async def test_T_and_B_move_a_picked_question_to_the_top_or_the_bottom(
    repo, now, app_factory
) -> None:
    first, second, third = (BUILTIN_QUESTIONS[i].id for i in (0, 1, 2))
    async with app_factory().run_test(size=SMALL) as pilot:
        picker = await open_picker(pilot, planned(repo, now, "Priya Raman", items(0, 1, 2)))
        await pilot.press("tab")
        agenda = picker.query_one("#agenda", OptionList)
        assert pilot.app.focused is agenda
        await pilot.press("j", "j", "T")
        assert agenda_ids(picker) == [third, first, second]
        assert agenda.highlighted == 0  # the cursor goes with it
        await pilot.press("B")
        assert agenda_ids(picker) == [first, second, third]
        assert agenda.highlighted == 2
        await pilot.press("shift+tab")  # in the bank: the highlighted bank question, if picked
        assert pilot.app.focused is picker.query_one("#bank")
        await pilot.press("j", "B")  # the bank's second question is picked second
        assert agenda_ids(picker) == [first, third, second]
        await pilot.press("j", "j", "j", "T")  # not picked: says so, moves nothing
        assert agenda_ids(picker) == [first, third, second]
        assert any("Pick the question first" in n.message for n in pilot.app._notifications)


async def test_P_adds_the_questions_of_this_persons_last_meeting(repo, now, app_factory) -> None:
    planned(repo, now, "Sam Lee", items(7, 8), held=3)  # someone else's, more recent
    asked = tuple(replace(i, asked=True, answer="yes") for i in items(0, 1, 2))
    old = planned(repo, now, "Priya Raman", asked, held=40)
    contact = next(c for c in repo.contacts() if c.name == "Priya Raman")
    coming = planned(repo, now, "Priya Raman", items(0), contact_id=contact.id)
    assert old.id != coming.id
    async with app_factory().run_test(size=SMALL) as pilot:
        picker = await open_picker(pilot, coming)
        await pilot.press("P")
        await pilot.pause()
        assert agenda_ids(picker) == [BUILTIN_QUESTIONS[i].id for i in (0, 1, 2)]
        assert not any(item.asked or item.answer for item in picker.agenda)
        said = [n.message for n in pilot.app._notifications]
        assert any(m.startswith("Added 2 questions from the meeting with Priya") for m in said)
        await pilot.press("P")  # again: nothing new to add, and it says so
        await pilot.pause()
        assert len(picker.agenda) == 3
        assert any("is on the list already" in n.message for n in pilot.app._notifications)


async def test_P_starts_from_anyones_last_list_when_this_person_has_none(
    repo, now, app_factory
) -> None:
    planned(repo, now, "Sam Lee", items(7, 8), held=3)
    planned(repo, now, "Ann Lee", items(9), held=10)
    coming = planned(repo, now, "Priya Raman", ())
    async with app_factory().run_test(size=SMALL) as pilot:
        picker = await open_picker(pilot, coming)
        assert "P starts from the questions of an earlier meeting." in rendered(
            picker, "#agenda-warnings"
        )
        await pilot.press("P")
        await pilot.pause()
        assert agenda_ids(picker) == [BUILTIN_QUESTIONS[i].id for i in (7, 8)]
        said = [n.message for n in pilot.app._notifications]
        assert any(m.startswith("Added 2 questions from the meeting with Sam Lee (") for m in said)


async def test_P_with_no_earlier_questions_says_so(repo, now, app_factory) -> None:
    coming = planned(repo, now, "Priya Raman", items(0))
    async with app_factory().run_test(size=SMALL) as pilot:
        picker = await open_picker(pilot, coming)
        await pilot.press("P")
        await pilot.pause()
        assert len(picker.agenda) == 1
        said = [n.message for n in pilot.app._notifications]
        assert "No earlier meeting has questions to start from." in said


async def test_every_part_of_the_picker_and_the_bank_shows_when_focused_at_80x24(
    repo, now, app_factory
) -> None:
    coming = planned(repo, now, "Priya Raman", items(*range(12)))
    for meeting in (coming, None):  # the picker, then the bank alone (from the palette)
        async with app_factory().run_test(size=SMALL) as pilot:
            picker = await open_picker(pilot, meeting)
            seen = set()
            for _ in range(4):
                await pilot.press("tab")
                await pilot.pause()
                focused = pilot.app.focused
                assert focused is not None
                seen.add(focused.id)
                assert shown_whole(picker, focused), focused.id
                if isinstance(focused, OptionList) and focused.highlighted is not None:
                    await pilot.press("end")  # the last question too
                    await pilot.pause()
                    assert shown_whole(picker, focused)
            expected = {"question-filter", "bank"} | ({"agenda"} if meeting else set())
            assert seen == expected
            for widget_id in ("#bank-title", "#picker-category") + (
                ("#agenda-title", "#agenda-warnings") if meeting else ()
            ):
                assert shown_whole(picker, picker.query_one(widget_id)), widget_id
