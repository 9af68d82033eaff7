"""What a walk through the installed app at 80×24 found, each fixed: one test per defect."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.screen import ModalScreen
from textual.widgets import Input, TextArea

from coffeechat.domain.meetings import Promise
from coffeechat.domain.rules import DueItem, DueKind, Urgency
from coffeechat.domain.stages import Stage
from coffeechat.domain.templates import BUILTIN_TEMPLATES, MessageKind, render, template_values
from coffeechat.ui.dialogs.schedule import ScheduleDialog
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.help import HelpScreen
from coffeechat.ui.screens.meeting import MeetingScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from coffeechat.ui.screens.questions import QuestionPicker
from coffeechat.ui.widgets.cards import badge_forms
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import seed
from tests.ui.test_footers import assert_footer_fits, footer_line
from tests.ui.test_meeting_layout import shown_whole
from tests.ui.test_meeting_mode import with_meeting

SMALL = (80, 24)


def _item(kind: DueKind, due_at, detail: str = "") -> DueItem:
    return DueItem(
        contact_id="c1",
        name="Priya Raman",
        company="Northwind",
        kind=kind,
        due_at=due_at,
        since=due_at - timedelta(days=7),
        urgency=Urgency.DUE,
        detail=detail,
    )


def test_a_badge_a_week_ahead_names_the_date_not_a_weekday_that_reads_as_today(now) -> None:
    # Sunday 22 Nov: a nudge next Sunday said "nudge Sun" on a Sunday.
    week = badge_forms(_item(DueKind.NUDGE, now + timedelta(days=7), "first nudge"), now)
    assert "nudge 29 Nov" in week
    assert not any("Sun" in form for form in week)
    soon = badge_forms(_item(DueKind.NUDGE, now + timedelta(days=3), "first nudge"), now)
    assert "nudge Wed" in soon  # within the week the weekday is clear
    today = badge_forms(_item(DueKind.PROMISE, now + timedelta(hours=7)), now)
    assert "promise today" in today  # not "promise Sun" on the Sunday itself


async def test_the_timeline_gives_back_room_a_hidden_column_freed(repo, now, app_factory) -> None:
    # Once "Recorded" hid, "What" stayed cut ("Meeting scheduled for Fri 04 …")
    # though the cells to its right were blank.
    contact = seed(repo, now, "Tom Li", Stage.REQUESTED)
    long_what = "Meeting scheduled for Fri 04 Dec 15:00"
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ContactScreen)
        table = screen.query_one("#timeline", KeyedTable)
        table.show_rows(
            [
                ("a", ("Fri 04 Dec 2026 15:00", long_what, "undone 04 Dec 15:00, elsewhere")),
                ("b", ("Wed 02 Dec 2026 10:00", "Added (identified)", "")),
            ]
        )
        await pilot.pause()
        widths = {column.label.plain: column.width for column in table.ordered_columns}
        assert widths["Recorded"] == 0  # no room for all three: "Recorded" goes
        assert widths["What"] >= len(long_what) + 2  # and "What" takes the room back
        assert sum(widths.values()) <= table.size.width
    assert contact.name == "Tom Li"


async def test_meeting_footer_shows_only_keys_that_act_where_the_focus_is(
    repo, now, app_factory
) -> None:
    # With a list focused the footer ran "… space Asked ? Ke▏^p Palette".
    with_meeting(repo, now, takeaways=("On-call is 1 week in 6", "Team grows"))
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        assert "space Asked" in assert_footer_fits(pilot.app, "t Takeaway", "? Keys")
        screen.query_one("#takeaways").focus()
        await pilot.pause()
        line = assert_footer_fits(pilot.app, "del Remove", "^s Finish", "? Keys")
        assert "space Asked" not in line  # space does nothing in a list
        await pilot.press("t")  # in the box t, p and r are letters
        await pilot.pause()
        assert isinstance(screen.focused, Input)
        line = assert_footer_fits(pilot.app, "^s Finish")
        assert "t Takeaway" not in line
        assert "space Asked" not in line
        await pilot.press("p", "escape")  # back to the questions: the keys are back
        await pilot.pause()
        assert screen.query_one("#takeaway-input", Input).value == "p"
        assert "space Asked" in footer_line(pilot.app)


async def test_after_a_resize_the_field_being_typed_in_stays_in_sight(
    repo, now, app_factory
) -> None:
    # Goals focused at 120×40, then the terminal shrank: typing went on out of sight.
    contact = seed(repo, now, "Tom Li", Stage.REQUESTED)
    async with app_factory().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        dialog = ScheduleDialog(contact, None, now)
        pilot.app.push_screen(dialog)
        await pilot.pause()
        goals = dialog.query_one("#field-goals", TextArea)
        goals.focus()
        await pilot.pause()
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        await pilot.pause()
        assert dialog.focused is goals
        assert shown_whole(dialog, goals)


async def test_help_lists_no_key_for_the_screen_you_are_on(app_factory, demo_repo) -> None:
    # "d  Due" on Due and "p  Pipeline" on the board, each with nothing after it.
    for key, screen_type, name in (("p", PipelineScreen, "Pipeline"), ("d", DueScreen, "Due")):
        async with app_factory().run_test(size=SMALL) as pilot:
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(pilot.app.screen, screen_type)
            await pilot.press("question_mark")
            await pilot.pause()
            help_screen = pilot.app.screen
            assert isinstance(help_screen, HelpScreen)
            listed = [row.what for _, rows in help_screen.sections for row in rows]
            assert name not in listed
            other = "Due" if name == "Pipeline" else "Pipeline"
            assert other in listed  # the way to the other home screen stays


def test_the_request_reads_your_path_to_becoming_a_role(now) -> None:
    # "your path to Copywriter at Inkwell Agency" lacked a verb and an article.
    filled = template_values(
        name="Zoe Campbell", company="Inkwell Agency", role="Copywriter", now=now
    )
    draft = render(MessageKind.REQUEST, BUILTIN_TEMPLATES[MessageKind.REQUEST], filled)
    assert "your path to becoming a Copywriter at Inkwell Agency" in " ".join(draft.body.split())


async def test_an_empty_due_list_shows_only_keys_that_act_and_focus_returns_after_undo(
    repo, now, app_factory
) -> None:
    # Ticking off the last line left "a Done ⏎ Open s Schedule … ? Keys q▏^p Palette":
    # keys with no line to act on, and "Quit" cut.  Undo brought the line back unfocused.
    contact, meeting_id = with_meeting(repo, now)
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    held = replace(
        meeting,
        promises=(Promise("p1", "Send my CV", now + timedelta(hours=3)),),
    )
    repo.save_meeting(contact.id, held)
    repo.record_meeting(contact.id, meeting_id, now - timedelta(days=1), now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        for _ in range(len(screen.items)):  # tick every line off, as a user would
            await pilot.press("a")
            await pilot.pause()
            while isinstance(pilot.app.screen, ModalScreen):
                await pilot.press("enter")
                await pilot.pause()
        assert not screen.items
        line = assert_footer_fits(pilot.app, "p Pipeline", "? Keys", "q Quit")
        for gone in ("a Done", "Open", "s Schedule", "m Meet", "z Snooze"):
            assert gone not in line
        await pilot.press("u")
        await pilot.pause()
        assert screen.items
        assert screen.focused is screen.query_one(KeyedTable)
        assert "a Done" in assert_footer_fits(pilot.app, "a Done", "q Quit")


async def test_the_bank_alone_shows_its_own_keys_not_the_pickers(repo, now, app_factory) -> None:
    # From the palette (no meeting) the footer offered "space Pick K Up J Down",
    # which only answer "Open the picker on a contact (Q)…"; e and h were in `?` only.
    async with app_factory().run_test(size=SMALL) as pilot:
        pilot.app.action_question_bank()
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuestionPicker)
        line = assert_footer_fits(pilot.app, "/ Filter", "n New", "e Edit", "h Hide", "? Keys")
        for gone in ("space Pick", "K Up", "J Down"):
            assert gone not in line
    with_meeting(repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("Q")  # for a meeting the picker's keys are back
        await pilot.pause()
        assert isinstance(pilot.app.screen, QuestionPicker)
        assert_footer_fits(pilot.app, "space Pick", "K Up", "J Down")


async def test_on_a_snoozed_line_the_footer_says_z_unsnoozes(repo, now, app_factory) -> None:
    # The footer said "z Snooze" on a snoozed line, where z puts it back on the list.
    contact, meeting_id = with_meeting(repo, now)
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    promise = Promise("p1", "Send my CV", now + timedelta(hours=3))
    repo.save_meeting(contact.id, replace(meeting, promises=(promise,)))
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        for _ in range(10):
            item = screen.selected_item()
            if item is not None and item.kind is DueKind.PROMISE:
                break
            await pilot.press("j")
            await pilot.pause()
        item = screen.selected_item()
        assert item is not None
        assert item.kind is DueKind.PROMISE
        await pilot.press("z", "enter")  # a week
        await pilot.pause()
        assert "z Snooze" in assert_footer_fits(pilot.app)
        await pilot.press("Z")  # open the section: the cursor is on the snoozed line
        await pilot.pause()
        assert screen.query_one(KeyedTable).selected_key in screen.snoozed
        line = assert_footer_fits(pilot.app, "z Unsnooze", "q Quit")
        assert "z Snooze " not in line


async def test_the_schedule_forms_escape_is_close_not_cancel(repo, now, app_factory) -> None:
    # "esc Cancel" under a "Cancel meeting" button read as calling the meeting off.
    contact, _ = with_meeting(repo, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        pilot.app.push_screen(ScheduleDialog(repo.get(contact.id), contact.next_meeting, now))
        await pilot.pause()
        line = assert_footer_fits(pilot.app, "esc Close", "^s Save")
        assert "Cancel" not in line
