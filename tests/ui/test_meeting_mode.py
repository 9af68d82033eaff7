"""Pilot tests for scheduling (s), meeting mode (m), finishing, and the Due list's new lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from textual.app import App
from textual.widgets import Input, TextArea

from coffeechat.domain.meetings import AgendaItem, Promise
from coffeechat.domain.questions import BUILTIN_QUESTIONS
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.dialogs.finish import FinishDialog
from coffeechat.ui.dialogs.schedule import ScheduleDialog
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.meeting import MeetingScreen
from coffeechat.ui.widgets.lists import ItemList
from tests.conftest import settle_storage
from tests.ui.conftest import SIZE, highlighted_name, seed


class MovableClock:
    """A frozen clock the test moves by hand (meeting mode reads it every tick)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def agenda(count: int = 3) -> tuple[AgendaItem, ...]:
    return tuple(AgendaItem(q.id, q.text, q.category.value) for q in BUILTIN_QUESTIONS[:count])


def with_meeting(repo: Repository, now: datetime, name: str = "Priya Raman", **meeting: object):
    contact = seed(repo, now, name, Stage.REQUESTED, company="Northwind")
    fields = clean_schedule(scheduled_at=now, format="video", minutes="15", place="",
                            research="", goals="Learn how PMs work with clinicians")  # fmt: skip
    contact, _ = repo.schedule_meeting(contact.id, None, fields, now)
    planned = contact.next_meeting
    assert planned is not None
    repo.save_meeting(contact.id, replace(planned, agenda=agenda(), **meeting))  # type: ignore[arg-type]
    return repo.get(contact.id), planned.id


async def test_s_schedules_a_meeting_and_it_shows_on_due(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Priya Raman", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("s")  # the board opens on the first column with cards
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ScheduleDialog)
        dialog.query_one("#field-when", Input).value = "tomorrow 3pm"
        dialog.query_one("#field-place", Input).value = "https://meet.example/abc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        meeting = repo.get(contact.id).next_meeting
        assert meeting is not None
        assert meeting.scheduled_at == datetime(2026, 11, 23, 15, 0, tzinfo=now.tzinfo)
        assert meeting.place == "https://meet.example/abc"
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        keys = list(screen.items)
        assert keys == [f"{contact.id}/meeting/{meeting.id}"]
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).meetings == ()


async def test_schedule_form_shows_a_bad_date_on_its_field(app_factory, repo, now) -> None:
    seed(repo, now, "Priya Raman")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        dialog = pilot.app.screen
        dialog.query_one("#field-when", Input).value = "the 45th of Smarch"
        dialog.query_one("#field-minutes", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is dialog
        assert "When:" in str(dialog.query_one("#error-when").render())
        assert "Minutes:" in str(dialog.query_one("#error-minutes").render())


async def test_meeting_mode_counts_down_by_the_app_clock(repo, now) -> None:
    contact, _ = with_meeting(repo, now)
    clock = MovableClock(now)
    async with make_app(repo, clock).run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        countdown = screen.query_one("#countdown")
        assert "15:00 left" in str(countdown.render())
        assert not screen.query_one("#wrap-up").display
        clock.now = now + timedelta(minutes=13, seconds=30)
        screen.tick()
        assert "1:30 left" in str(countdown.render())
        assert countdown.has_class("-wrapping-up")
        assert "Two minutes left" in str(screen.query_one("#wrap-up").render())
        clock.now = now + timedelta(minutes=16)
        screen.tick()
        assert "+1:00 over" in str(countdown.render())
        assert "you promised 15 minutes" in str(screen.query_one("#wrap-up").render())
    del contact


async def test_enter_marks_asked_and_saves_the_answer(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("j", "enter")
        await pilot.pause()
        answer = pilot.app.screen.query_one("#answer", Input)
        assert answer.display
        assert answer.has_focus
        answer.value = "Started in nursing, moved to product"
        await pilot.press("enter")
        await pilot.pause()
        meeting = repo.get(contact.id).meeting(meeting_id)
        assert meeting is not None
        second = meeting.agenda[1]
        assert second.asked
        assert second.answer == "Started in nursing, moved to product"
        assert not meeting.agenda[0].asked  # unasked questions stay
        await pilot.press("k", "k", "space")  # the answer moved on to question 3
        await pilot.pause()
        assert repo.get(contact.id).meeting(meeting_id).agenda[0].asked


async def test_lists_save_as_typed_and_promises_need_a_readable_date(
    repo, now, app_factory
) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.screen
        await pilot.press("t")
        screen.query_one("#takeaway-input", Input).value = "Clinicians need fewer clicks"
        await pilot.press("enter", "p")  # enter goes back to the questions
        screen.query_one("#promise-input", Input).value = "Send my portfolio @ someday"
        await pilot.press("enter")
        await pilot.pause()
        assert "Promise:" in str(screen.query_one("#error-promise").render())
        screen.query_one("#promise-input", Input).value = "Send my portfolio @ 20 nov"
        await pilot.press("enter")
        await pilot.pause()
        assert "is already past" in str(screen.query_one("#error-promise").render())
        screen.query_one("#promise-input", Input).value = "Send my portfolio @ tuesday 9am"
        await pilot.press("enter", "r")
        screen.query_one("#referral-input", Input).value = "Sam Lee, Acme"
        await pilot.press("enter", "n")
        screen.query_one("#notes", TextArea).insert("Ask about the data team")
        screen.flush_notes()
        await pilot.pause()
        meeting = repo.get(contact.id).meeting(meeting_id)
        assert meeting is not None
        assert meeting.takeaways == ("Clinicians need fewer clicks",)
        assert [(p.text, p.due) for p in meeting.promises] == [
            ("Send my portfolio", datetime(2026, 11, 24, 9, 0, tzinfo=now.tzinfo))
        ]
        assert meeting.referrals == ("Sam Lee, Acme",)
        assert meeting.notes == "Ask about the data team"


async def test_finishing_confirms_the_time_moves_to_met_and_adds_referrals(
    repo, now, app_factory
) -> None:
    contact, _ = with_meeting(repo, now, referrals=("Sam Lee, Acme",))
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        assert "Adds 1 referral: Sam Lee" in str(dialog.query_one("#dialog-explanation").render())
        dialog.query_one("#when", Input).value = "today 9:30"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, MeetingScreen)
        updated = repo.get(contact.id)
        assert updated.stage is Stage.MET
        assert updated.met_at == datetime(2026, 11, 22, 9, 30, tzinfo=now.tzinfo)
        (sam,) = repo.referrals_of(contact.id)
        assert (sam.name, sam.company, sam.stage) == ("Sam Lee", "Acme", Stage.IDENTIFIED)
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.REQUESTED
        assert repo.referrals_of(contact.id) == []


async def test_leaving_can_keep_the_meeting_as_a_draft(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "space")  # the first question asked
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FinishDialog)
        await pilot.press("escape")  # back to the meeting
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        await pilot.press("escape", "ctrl+d")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, (MeetingScreen, FinishDialog))
        updated = repo.get(contact.id)
        meeting = updated.meeting(meeting_id)
        assert updated.stage is Stage.REQUESTED
        assert meeting is not None
        assert not meeting.held
        assert meeting.agenda[0].asked  # the draft keeps what was noted


async def test_m_without_a_meeting_starts_one_now(repo, now, app_factory) -> None:
    contact = seed(repo, now, "Walk-in Wes")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        meeting = repo.get(contact.id).next_meeting
        assert meeting is not None
        assert meeting.scheduled_at == now
        hint = str(pilot.app.screen.query_one("#questions-hint").render())
        assert "No questions picked" in hint


async def test_due_a_ticks_off_a_promise_and_u_brings_it_back(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    late = Promise("p1", "Send CV", now - timedelta(hours=3))
    repo.save_meeting(contact.id, replace(meeting, scheduled_at=None, promises=(late,)))
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        promises = [key for key in screen.items if "/promise/" in key]
        assert promises == [f"{contact.id}/promise/p1"]
        while screen.selected_item().kind.value != "promise":
            await pilot.press("j")
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(contact.id).meeting(meeting_id).promises[0].done
        assert not [key for key in screen.items if "/promise/" in key]
        await pilot.press("u")
        await pilot.pause()
        assert not repo.get(contact.id).meeting(meeting_id).promises[0].done


async def test_contact_page_lists_meetings_and_referrals(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now, referrals=("Sam Lee",))
    repo.finish_meeting(contact.id, meeting_id, now, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # Sam, in Identified
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        assert "Priya Raman" in str(page.query_one("#contact-referrals").render())
        await pilot.press("escape", "l", "l", "enter")
        await pilot.pause()
        page = pilot.app.screen
        meetings = str(page.query_one("#contact-meetings").render())
        assert "video · 15 min · held" in meetings
        assert "3 questions" in meetings
        assert "Introduced   Sam Lee" in str(page.query_one("#contact-referrals").render())


async def test_delete_removes_a_takeaway_typed_by_mistake(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "t", *"Keep", "enter", "t", *"Oops", "enter")
        assert repo.get(contact.id).meeting(meeting_id).takeaways == ("Keep", "Oops")
        pilot.app.screen.query_one("#takeaways").focus()
        await pilot.press("j", "j", "delete")  # from no highlight: first, then second
        assert repo.get(contact.id).meeting(meeting_id).takeaways == ("Keep",)


async def test_enter_in_a_list_goes_back_to_the_questions_so_p_and_r_work(
    repo, now, app_factory
) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "t", *"Fewer clicks", "enter")
        await pilot.press("p", *"Send CV @ tuesday 9am", "enter")
        await pilot.press("r", *"Sam Lee, Acme", "enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        assert screen.focused is screen.query_one("#questions")
        meeting = repo.get(contact.id).meeting(meeting_id)
        assert meeting is not None
        assert meeting.takeaways == ("Fewer clicks",)
        assert [p.text for p in meeting.promises] == ["Send CV"]
        assert meeting.referrals == ("Sam Lee, Acme",)


def screen_text(app: App[None]) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_a_new_line_in_a_short_list_is_scrolled_into_sight(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        for number in range(1, 8):
            await pilot.press("t", *f"point {number}", "enter")
        await pilot.pause()
        listing = pilot.app.screen.query_one("#takeaways", ItemList)
        assert listing.max_scroll_y > 0  # the list is too short for all seven
        assert "point 7" in screen_text(pilot.app)
        await pilot.press("r", *"Sam Lee, Acme", "enter")  # the lowest list, at 80×24
        await pilot.pause()
        shown = screen_text(pilot.app)
        assert "Sam Lee, Acme" in shown
        assert "point 7" in shown  # drawing one list does not scroll back another
        assert repo.get(contact.id).meeting(meeting_id).takeaways[-1] == "point 7"


async def test_with_nothing_noted_escape_leaves_and_records_nothing(repo, now, app_factory) -> None:
    contact = seed(repo, now, "Walk-in Wes", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        hint = str(pilot.app.screen.query_one("#questions-hint").render())
        assert "escape leaves without recording anything" in hint
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, (MeetingScreen, FinishDialog))
        await settle_storage(pilot)
        updated = repo.get(contact.id)
        assert updated.stage is Stage.REQUESTED
        assert not updated.meetings  # the meeting `m` started is taken back: none held


async def test_once_something_is_noted_the_hint_says_escape_asks(repo, now, app_factory) -> None:
    seed(repo, now, "Walk-in Wes", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "t", *"Hire for curiosity", "enter")
        await pilot.pause()
        hint = str(pilot.app.screen.query_one("#questions-hint").render())
        assert "escape asks whether to record" in hint
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FinishDialog)


async def test_finishing_with_nothing_noted_enter_keeps_the_draft(repo, now, app_factory) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        assert "Nothing was noted" in str(dialog.query_one("#dialog-explanation").render())
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, (MeetingScreen, FinishDialog))
        updated = repo.get(contact.id)
        assert updated.stage is Stage.REQUESTED
        meeting = updated.meeting(meeting_id)
        assert meeting is not None
        assert not meeting.held


async def test_opened_early_the_meeting_still_starts_at_its_scheduled_time(repo, now) -> None:
    contact, _ = with_meeting(repo, now)  # scheduled at 10:00
    clock = MovableClock(now - timedelta(minutes=20))  # opened at 9:40 to prepare
    async with make_app(repo, clock).run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")  # nothing noted: out
        await pilot.pause()
        clock.now = now + timedelta(minutes=5)  # back at 10:05, the meeting is on
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        assert "10:00 left" in str(screen.query_one("#countdown").render())
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        assert dialog.query_one("#when", Input).value == "2026-11-22 10:00"
        await pilot.press("enter")
        await pilot.pause()
        assert repo.get(contact.id).met_at == now


async def test_opened_late_the_held_time_is_the_scheduled_start(repo, now) -> None:
    _contact, _ = with_meeting(repo, now)  # scheduled at 10:00
    clock = MovableClock(now + timedelta(minutes=40))  # notes typed up at 10:40
    async with make_app(repo, clock).run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.screen
        assert "+25:00 over" in str(screen.query_one("#countdown").render())
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        assert dialog.query_one("#when", Input).value == "2026-11-22 10:00"


async def test_contact_page_shows_a_held_meetings_questions_with_answers(
    repo, now, app_factory
) -> None:
    contact, meeting_id = with_meeting(repo, now)
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    first, second, third = meeting.agenda
    answered = (replace(first, asked=True, answer="Nursing, then product"), second,
                replace(third, asked=True))  # fmt: skip
    repo.save_meeting(contact.id, replace(meeting, agenda=answered, takeaways=("Fewer clicks",)))
    repo.finish_meeting(contact.id, meeting_id, now, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # Priya, alone on the board
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        lines = str(page.query_one("#contact-meetings").render()).splitlines()
        assert f"  ✓ {first.text}" in lines
        assert "      ↳ Nursing, then product" in lines
        assert f"  ○ {second.text}" in lines  # not asked, still shown
        assert f"  ✓ {third.text}" in lines
        assert "  • Fewer clicks" in lines


async def test_extreme_stored_values_open_everywhere_without_a_crash(
    repo, now, app_factory
) -> None:
    """A hand-edited file: a meeting of 2**62 minutes in the year 9999, a promise due then."""
    contact, meeting_id = with_meeting(repo, now)
    far = datetime(9999, 12, 31, 23, 59, tzinfo=now.tzinfo)
    repo.schedule_meeting(contact.id, meeting_id, {"scheduled_at": far, "minutes": 2**62}, now)
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    repo.save_meeting(contact.id, replace(meeting, promises=(Promise("p1", "Send CV", far),)))
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, MeetingScreen)
        assert "left of" in str(screen.query_one("#countdown").render())
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FinishDialog)
        await pilot.press("ctrl+d", "enter")  # keep the draft; open the contact page
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        assert "Send CV" in str(page.query_one("#contact-meetings").render())
        await pilot.press("s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ScheduleDialog)
        await pilot.press("ctrl+s")  # the stored minutes are refused, on their field
        await pilot.pause()
        assert pilot.app.screen is dialog
        assert "Minutes:" in str(dialog.query_one("#error-minutes").render())


async def test_a_takeaway_typed_but_not_entered_is_kept_when_leaving(
    repo, now, app_factory
) -> None:
    """escape (to the questions), escape again: the typed line used to be dropped unsaid."""
    contact = seed(repo, now, "Walk-in Wes", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m", "t", *"Hire for curiosity", "escape", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, FinishDialog)  # something was noted: it asks
        (meeting,) = repo.get(contact.id).meetings
        assert meeting.takeaways == ("Hire for curiosity",)


async def test_typing_on_after_enter_neither_finishes_nor_undoes(app_factory, repo, now) -> None:
    """Enter in a box puts the focus back on the questions; letters typed on are not keys
    that leave ("q" opened Finish, and the next enter recorded the meeting) or undo."""
    contact, meeting_id = with_meeting(repo, now)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("t", *"Pay is fine", "enter")  # focus: the questions again
        await pilot.pause()
        await pilot.press("q", "u", "d", "w", "q", "enter")  # typing on, as into the box
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        updated = repo.get(contact.id)
        assert updated.stage is Stage.REQUESTED  # not recorded as held
        meeting = updated.meeting(meeting_id)
        assert meeting is not None
        assert not meeting.held
        assert meeting.takeaways == ("Pay is fine",)
        assert any("escape leaves" in str(toast.message) for toast in app.toasts)


async def test_leaving_a_meeting_m_started_with_nothing_noted_takes_the_start_back(
    app_factory, repo, now
) -> None:
    """`m` on someone with no meeting planned starts one; left untouched, it must not stay
    on Due and the board as a meeting "today" that never happened."""
    tom = seed(repo, now, "Tom Li", Stage.REQUESTED)
    async with app_factory().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert highlighted_name(pilot.app, repo) == "Tom Li"  # the only card
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        assert repo.get(tom.id).next_meeting is not None  # started
        await pilot.press("escape")
        await pilot.pause()
        await settle_storage(pilot)
        assert not isinstance(pilot.app.screen, MeetingScreen)
        assert repo.get(tom.id).next_meeting is None  # taken back, not left for "today"
        assert repo.get(tom.id).stage is Stage.REQUESTED


async def test_a_planned_meeting_left_untouched_stays_planned(app_factory, repo, now) -> None:
    contact, meeting_id = with_meeting(repo, now + timedelta(hours=2))
    async with app_factory().run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingScreen)
        await pilot.press("escape")
        await pilot.pause()
        await settle_storage(pilot)
        planned = repo.get(contact.id).next_meeting
        assert planned is not None
        assert planned.id == meeting_id
