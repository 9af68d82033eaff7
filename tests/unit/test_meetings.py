"""Meetings: scheduling, holding, undo, referrals, the countdown, and their due items."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.dates import DateParseError
from coffeechat.domain.events import EventKind, MeetingAction, MeetingChange
from coffeechat.domain.humanize import due_reason
from coffeechat.domain.meetings import (
    AgendaItem,
    Meeting,
    MeetingFormat,
    Promise,
    countdown,
    earlier_agenda,
    fresh_questions,
    meeting_start,
    next_meeting,
    noted,
    promise_due,
    referral_fields,
)
from coffeechat.domain.model import ValidationError
from coffeechat.domain.rules import DueKind, Section, Settings, Urgency, due_items
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from tests.conftest import NOW


def schedule_fields(when: datetime | None = None, **overrides: str) -> dict[str, object]:
    values = {"format": "video", "minutes": "15", "place": "", "research": "", "goals": ""}
    values.update(overrides)
    return clean_schedule(scheduled_at=when, **values)


# -- the schedule form's checks ---------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [("15", 15), (" 30 min ", 30), ("", 15), ("480", 480), ("1", 1)],
)
def test_clean_schedule_reads_minutes(minutes: str, expected: int) -> None:
    assert schedule_fields(minutes=minutes)["minutes"] == expected


@pytest.mark.parametrize("minutes", ["0", "481", "-5", "quarter hour", "1.5", "²", "1²"])
def test_clean_schedule_rejects_bad_minutes_naming_the_field(minutes: str) -> None:
    with pytest.raises(ValidationError) as caught:
        schedule_fields(minutes=minutes)
    assert set(caught.value.errors) == {"minutes"}


def test_clean_schedule_names_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        schedule_fields(format="carrier pigeon", minutes="zero")
    assert set(caught.value.errors) == {"format", "minutes"}
    assert "in person" in caught.value.errors["format"]


def test_clean_schedule_tidies_text() -> None:
    fields = schedule_fields(format=" Coffee ", place="  Blue   Bottle\n", goals=" learn \x1b[31m")
    assert fields["format"] is MeetingFormat.COFFEE
    assert fields["place"] == "Blue Bottle"
    assert fields["goals"] == "learn [31m"


# -- scheduling, rescheduling, undo ---------------------------------------------


def test_schedule_then_reschedule_then_undo_each(repo: Repository, now: datetime) -> None:
    contact = repo.add({"name": "Priya Raman"}, now)
    when = now + timedelta(days=2)
    contact, first = repo.schedule_meeting(contact.id, None, schedule_fields(when), now)
    assert first is not None
    assert first.kind is EventKind.MEETING
    assert isinstance(first.data, MeetingChange)
    assert first.data.action is MeetingAction.SCHEDULED
    meeting = contact.next_meeting
    assert meeting is not None
    assert meeting.scheduled_at == when
    assert meeting.minutes == 15

    later = when + timedelta(hours=3)
    fields = schedule_fields(later, format="coffee", minutes="30", place="Blue Bottle")
    contact, second = repo.schedule_meeting(contact.id, meeting.id, fields, now)
    assert second is not None
    assert isinstance(second.data, MeetingChange)
    assert second.data.action is MeetingAction.RESCHEDULED
    moved = contact.meeting(meeting.id)
    assert moved is not None
    assert (moved.scheduled_at, moved.format, moved.minutes) == (later, MeetingFormat.COFFEE, 30)

    restored = repo.undo(contact.id, second.id, now)
    assert restored is not None
    assert restored.meeting(meeting.id) == meeting
    gone = repo.undo(contact.id, first.id, now)
    assert gone is not None
    assert gone.meetings == ()


def test_schedule_with_no_change_records_nothing(repo: Repository, now: datetime) -> None:
    contact = repo.add({"name": "Priya"}, now)
    contact, _ = repo.schedule_meeting(contact.id, None, schedule_fields(now), now)
    meeting = contact.next_meeting
    assert meeting is not None
    again, event = repo.schedule_meeting(contact.id, meeting.id, schedule_fields(now), now)
    assert event is None
    assert len(again.events) == len(contact.events)


def test_meetings_survive_a_reopen_exactly(repo: Repository, db_path, now: datetime) -> None:
    contact = repo.add({"name": "Priya"}, now)
    contact, _ = repo.schedule_meeting(contact.id, None, schedule_fields(now), now)
    meeting = contact.next_meeting
    assert meeting is not None
    full = replace(
        meeting,
        agenda=(AgendaItem("q1", "How did you start?", "career path", True, "By accident"),),
        notes="line one\nline two",
        takeaways=("Talk to ops teams",),
        promises=(Promise("p1", "Send CV", now + timedelta(days=1)),),
        referrals=("Sam Lee, Acme",),
        started_at=now,
    )
    repo.save_meeting(contact.id, full)
    assert Repository(db_path).get(contact.id).meeting(meeting.id) == full


def test_archived_contacts_cannot_be_scheduled(repo: Repository, now: datetime) -> None:
    from coffeechat.domain.model import ArchiveReason

    contact = repo.add({"name": "Priya"}, now)
    repo.archive(contact.id, ArchiveReason.DECLINED, now)
    with pytest.raises(pipeline.MoveError, match="archived"):
        repo.schedule_meeting(contact.id, None, schedule_fields(now), now)


def test_next_meeting_is_the_soonest_not_held() -> None:
    early = Meeting("a", scheduled_at=NOW)
    late = Meeting("b", scheduled_at=NOW + timedelta(days=3))
    undated = Meeting("c")
    held = Meeting("d", scheduled_at=NOW - timedelta(days=3), held_at=NOW - timedelta(days=3))
    assert next_meeting([late, held, undated, early]) == early
    assert next_meeting([undated, held]) == undated
    assert next_meeting([held]) is None


# -- finishing a meeting: held, met, referrals -------------------------------------


def _requested_with_meeting(repo: Repository, now: datetime, referrals: tuple[str, ...]):
    contact = repo.add({"name": "Priya Raman", "company": "Northwind"}, now - timedelta(days=3))
    repo.advance(contact.id, now - timedelta(days=2))
    start = now - timedelta(minutes=20)
    contact, _ = repo.schedule_meeting(contact.id, None, schedule_fields(start), now)
    meeting = contact.next_meeting
    assert meeting is not None
    repo.save_meeting(contact.id, replace(meeting, referrals=referrals, started_at=start))
    return contact, meeting, start


def test_finishing_moves_to_met_at_the_meeting_time_and_adds_referrals(
    repo: Repository, now: datetime
) -> None:
    contact, meeting, start = _requested_with_meeting(
        repo, now, ("Sam Lee, Acme", "Jo Park", "  ", "sam lee")
    )
    updated, events, added = repo.finish_meeting(contact.id, meeting.id, start, now)
    assert updated.stage is Stage.MET
    assert updated.met_at == start
    assert [e.kind for e in events] == [EventKind.MEETING, EventKind.ADVANCE]
    held = updated.meeting(meeting.id)
    assert held is not None
    assert held.held_at == start
    assert [(c.name, c.company, c.stage) for c in added] == [
        ("Sam Lee", "Acme", Stage.IDENTIFIED),
        ("Jo Park", "", Stage.IDENTIFIED),
    ]
    assert all(c.referrer_id == contact.id and c.referred_by == "Priya Raman" for c in added)
    assert all(c.source == "referral" for c in added)
    assert {c.id for c in repo.referrals_of(contact.id)} == {c.id for c in added}


def test_thank_you_clock_starts_at_the_meeting_not_when_it_was_recorded(
    repo: Repository, now: datetime
) -> None:
    contact, meeting, start = _requested_with_meeting(repo, now, ())
    updated, _, _ = repo.finish_meeting(contact.id, meeting.id, start, now)
    (item,) = due_items([updated], now, Settings())
    assert item.kind is DueKind.THANK_YOU
    assert item.since == start
    assert item.due_at == start + timedelta(hours=24)


def test_finishing_twice_adds_no_duplicate_referrals(repo: Repository, now: datetime) -> None:
    contact, meeting, start = _requested_with_meeting(repo, now, ("Sam Lee",))
    repo.finish_meeting(contact.id, meeting.id, start, now)
    contact, _ = repo.schedule_meeting(contact.id, None, schedule_fields(now), now)
    second = contact.next_meeting
    assert second is not None
    repo.save_meeting(contact.id, replace(second, referrals=("Sam Lee", "Ana Diaz")))
    _, events, added = repo.finish_meeting(contact.id, second.id, now, now)
    assert [c.name for c in added] == ["Ana Diaz"]
    assert [e.kind for e in events] == [EventKind.MEETING]  # already met: no stage move


def test_undoing_a_finish_takes_everything_back_in_one_go(repo: Repository, now: datetime) -> None:
    contact, meeting, start = _requested_with_meeting(repo, now, ("Sam Lee",))
    updated, events, added = repo.finish_meeting(contact.id, meeting.id, start, now)
    steps = [(updated.id, e.id) for e in reversed(events)]
    steps += [(c.id, c.events[0].id) for c in added]
    repo.undo_all(steps, now)
    back = repo.get(contact.id)
    assert back.stage is Stage.REQUESTED
    again = back.meeting(meeting.id)
    assert again is not None
    assert not again.held
    assert [c.name for c in repo.contacts()] == ["Priya Raman"]


def test_undo_all_changes_nothing_if_one_step_is_stale(repo: Repository, now: datetime) -> None:
    contact, meeting, start = _requested_with_meeting(repo, now, ("Sam Lee",))
    updated, events, added = repo.finish_meeting(contact.id, meeting.id, start, now)
    repo.edit(added[0].id, {"company": "Changed elsewhere"}, now)
    steps = [(updated.id, e.id) for e in reversed(events)] + [(added[0].id, added[0].events[0].id)]
    with pytest.raises(pipeline.MoveError, match="nothing was undone"):
        repo.undo_all(steps, now)
    assert repo.get(contact.id).stage is Stage.MET


@pytest.mark.parametrize(
    ("held_at", "message"),
    [(NOW + timedelta(minutes=5), "in the future")],
)
def test_finishing_refuses_a_future_time(
    repo: Repository, now: datetime, held_at: datetime, message: str
) -> None:
    contact, meeting, _ = _requested_with_meeting(repo, now, ())
    with pytest.raises(pipeline.MoveError, match=message):
        repo.finish_meeting(contact.id, meeting.id, held_at, now)


def test_editing_referred_by_drops_the_link(repo: Repository, now: datetime) -> None:
    contact, meeting, start = _requested_with_meeting(repo, now, ("Sam Lee",))
    _, _, (sam,) = repo.finish_meeting(contact.id, meeting.id, start, now)
    edited, event = repo.edit(sam.id, {"referred_by": "Someone else"}, now)
    assert edited.referrer_id == ""
    assert event is not None
    assert repo.undo(sam.id, event.id, now).referrer_id == contact.id


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("Sam Lee", {"name": "Sam Lee"}),
        ("  Sam   Lee ,  Acme Corp ", {"name": "Sam Lee", "company": "Acme Corp"}),
        ("Sam, Acme, Inc.", {"name": "Sam", "company": "Acme, Inc."}),
        ("", None),
        (", Acme", None),
        ("\x1b[2J", {"name": "[2J"}),
    ],
)
def test_referral_fields(line: str, fields: dict[str, str] | None) -> None:
    assert referral_fields(line) == fields


# -- messages sent ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "message", "kind", "after"),
    [
        (Stage.IDENTIFIED, "request", EventKind.ADVANCE, Stage.REQUESTED),
        (Stage.IDENTIFIED, "referral", EventKind.ADVANCE, Stage.REQUESTED),
        (Stage.REQUESTED, "request", EventKind.TOUCH, Stage.REQUESTED),
        (Stage.MET, "thank-you", EventKind.ADVANCE, Stage.THANKED),
        (Stage.THANKED, "follow-up", EventKind.ADVANCE, Stage.FOLLOW_UP),
        (Stage.FOLLOW_UP, "follow-up", EventKind.TOUCH, Stage.FOLLOW_UP),
        (Stage.FOLLOW_UP, "thank-you", EventKind.TOUCH, Stage.FOLLOW_UP),
    ],
)
def test_marking_a_message_sent(make_contact, now, stage, message, kind, after) -> None:
    contact = make_contact(stage=stage, stage_at=now - timedelta(hours=3))
    at = now - timedelta(hours=2)
    event = pipeline.message_sent(contact, message, at, now, "e1")
    assert (event.kind, event.at, event.data.message) == (kind, at, message)  # type: ignore[union-attr]
    updated = contact.with_event(event)
    assert updated.stage is after
    assert updated.met_at == contact.met_at  # a touch never looks like a meeting


# -- the countdown ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "clock", "wrapping", "over"),
    [
        (timedelta(0), "15:00 left", False, False),
        (timedelta(minutes=12, seconds=59), "2:01 left", False, False),
        (timedelta(minutes=13), "2:00 left", True, False),
        (timedelta(minutes=15), "0:00 left", True, True),
        (timedelta(minutes=18, seconds=5), "+3:05 over", True, True),
    ],
)
def test_countdown(elapsed: timedelta, clock: str, wrapping: bool, over: bool) -> None:
    meeting = Meeting("m", started_at=NOW)
    state = countdown(meeting, NOW + elapsed)
    assert (state.clock(), state.wrapping_up, state.over) == (clock, wrapping, over)
    if over:
        assert "you promised 15 minutes" in state.warning()
    elif wrapping:
        assert "Two minutes left" in state.warning()
    else:
        assert state.warning() == ""


def test_countdown_before_start_shows_the_full_length() -> None:
    assert countdown(Meeting("m", minutes=30), NOW).clock() == "30:00 left"


# -- due items for meetings and promises -------------------------------------------


def _with_meeting(make_contact, **meeting: object):
    contact = make_contact("Mia", stage=Stage.REQUESTED)
    return replace(contact, meetings=(Meeting("m1", **meeting),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("offset", "section", "urgency"),
    [
        (timedelta(hours=-9), Section.MEETINGS_TODAY, Urgency.DUE),  # 01:00 today
        (timedelta(hours=5), Section.MEETINGS_TODAY, Urgency.DUE),
        (timedelta(hours=13, minutes=59), Section.MEETINGS_TODAY, Urgency.DUE),  # 23:59
        (timedelta(hours=14), Section.UPCOMING, Urgency.DUE),  # tomorrow 00:00
        (timedelta(days=7, hours=13), Section.UPCOMING, Urgency.DUE),  # day 7, 23:00
        (timedelta(hours=-11), Section.MEETINGS_TODAY, Urgency.OVERDUE),  # yesterday 23:00
    ],
)
def test_meeting_sections(make_contact, offset, section, urgency) -> None:
    contact = _with_meeting(make_contact, scheduled_at=NOW + offset)
    (item,) = [i for i in due_items([contact], NOW, Settings()) if i.kind is DueKind.MEETING]
    assert (item.section, item.urgency, item.ref) == (section, urgency, "m1")


@pytest.mark.parametrize(
    "meeting",
    [
        {"scheduled_at": NOW + timedelta(days=8, hours=14)},  # beyond the week
        {"scheduled_at": None},
        {"scheduled_at": NOW, "held_at": NOW},
    ],
)
def test_meetings_not_on_the_due_list(make_contact, meeting) -> None:
    contact = _with_meeting(make_contact, **meeting)
    assert [i for i in due_items([contact], NOW, Settings()) if i.kind is DueKind.MEETING] == []


def test_promises_are_due_until_ticked_off(make_contact) -> None:
    promises = (
        Promise("late", "Send CV", NOW - timedelta(hours=1)),
        Promise("soon", "Read the book", NOW + timedelta(days=2)),
        Promise("far", "Check back", NOW + timedelta(days=9)),
        Promise("done", "Done one", NOW - timedelta(days=1), done_at=NOW),
    )
    contact = _with_meeting(make_contact, held_at=NOW - timedelta(days=1), promises=promises)
    items = [i for i in due_items([contact], NOW, Settings()) if i.kind is DueKind.PROMISE]
    assert due_reason(items[1], NOW) == "“Read the book” · due Tue 10:00"
    assert [(i.ref, i.section, i.urgency) for i in items] == [
        ("late", Section.PROMISES_OVERDUE, Urgency.OVERDUE),
        ("soon", Section.UPCOMING, Urgency.DUE),
    ]
    assert due_reason(items[0], NOW) == "“Send CV” · 1 h late"


def test_sections_come_in_order(make_contact) -> None:
    thank = make_contact("Tara", stage=Stage.MET, stage_at=NOW - timedelta(hours=30))
    meet = _with_meeting(make_contact, scheduled_at=NOW + timedelta(hours=2))
    soon = replace(
        make_contact("Uma", stage=Stage.REQUESTED),
        meetings=(Meeting("m2", scheduled_at=NOW + timedelta(days=2)),),
    )
    promised = replace(
        make_contact("Pat", stage=Stage.THANKED),
        meetings=(Meeting("m3", promises=(Promise("p", "x", NOW - timedelta(hours=2)),)),),
    )
    items = due_items([soon, promised, meet, thank], NOW, Settings())
    assert [(i.section, i.name) for i in items] == [
        (Section.THANK_YOUS, "Tara"),
        (Section.MEETINGS_TODAY, "Mia"),
        (Section.PROMISES_OVERDUE, "Pat"),
        (Section.UPCOMING, "Uma"),
    ]
    assert len({i.key for i in items}) == len(items)


def test_archived_contacts_have_nothing_due(make_contact) -> None:
    contact = _with_meeting(make_contact, scheduled_at=NOW)
    archived = contact.with_event(
        pipeline.archive(contact, pipeline.ArchiveReason.DECLINED, NOW, "a1")  # type: ignore[attr-defined]
    )
    assert due_items([archived], NOW, Settings()) == []


def test_utc_now_is_used_for_today(make_contact) -> None:
    contact = _with_meeting(make_contact, scheduled_at=datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    (item,) = due_items([contact], NOW, Settings())
    assert item.section is Section.MEETINGS_TODAY


def test_the_meeting_starts_at_its_scheduled_time_once_that_has_passed() -> None:
    early = NOW - timedelta(minutes=20)
    meeting = Meeting("m", scheduled_at=NOW, started_at=early)  # opened 20 minutes early
    assert meeting_start(meeting, NOW - timedelta(minutes=5)) == early  # started early
    assert meeting_start(meeting, NOW + timedelta(minutes=40)) == NOW
    assert countdown(meeting, NOW + timedelta(minutes=5)).clock() == "10:00 left"
    assert meeting_start(Meeting("m"), NOW) == NOW  # no schedule, not opened: now
    late = replace(meeting, started_at=None)
    assert countdown(late, NOW + timedelta(minutes=40)).clock() == "+25:00 over"


def test_noted_means_something_came_out_of_the_meeting() -> None:
    item = AgendaItem("q", "How did you start?", "story")
    assert not noted(Meeting("m", agenda=(item,), notes="  \n"))
    assert noted(Meeting("m", agenda=(replace(item, asked=True),)))
    assert noted(Meeting("m", referrals=("Sam Lee",)))


def test_a_stored_length_of_2_62_minutes_counts_down_without_overflow() -> None:
    meeting = Meeting("m", minutes=2**62, scheduled_at=datetime(9999, 12, 31, tzinfo=UTC))
    assert meeting.length == timedelta(days=7)
    assert countdown(meeting, NOW).clock() == "10080:00 left"


# -- promises' due dates (NOW is a Sunday) ---------------------------------------------------


def test_a_promise_at_friday_is_due_at_the_end_of_fridays_working_day() -> None:
    assert promise_due(" friday ", NOW) == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_a_promise_with_no_date_is_due_two_working_days_on() -> None:
    assert promise_due("", NOW) == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tuesday
    thursday = NOW + timedelta(days=4)
    assert promise_due("  ", thursday) == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # Monday


def test_a_promise_with_an_unreadable_date_raises() -> None:
    with pytest.raises(DateParseError):
        promise_due("someday", NOW)


# -- starting from an earlier meeting's questions ---------------------------------------------


def item(question_id: str, asked: bool = False, answer: str = "") -> AgendaItem:
    return AgendaItem(question_id, f"Question {question_id}?", "network", asked, answer)


def test_earlier_agenda_prefers_the_contacts_latest_meeting_with_questions() -> None:
    current = Meeting("now", scheduled_at=NOW)
    old = Meeting("old", held_at=NOW - timedelta(days=60), agenda=(item("a"),))
    recent = Meeting("recent", held_at=NOW - timedelta(days=10), agenda=(item("b"),))
    empty = Meeting("empty", held_at=NOW - timedelta(days=1))
    someone_else = Meeting("else", held_at=NOW - timedelta(days=2), agenda=(item("c"),))
    assert earlier_agenda([old, recent, empty, current], [someone_else], current) == recent
    assert earlier_agenda([empty, current], [old, someone_else], current) == someone_else
    assert earlier_agenda([current], [empty], current) is None
    with_own = replace(current, agenda=(item("x"),))
    assert earlier_agenda([with_own], [], with_own) is None  # never its own list


def test_fresh_questions_append_the_missing_ones_unasked_and_unanswered() -> None:
    mine = (item("a"),)
    earlier = (item("a", True, "yes"), item("b", True, "Sam at Acme"), item("c"))
    assert fresh_questions(mine, earlier) == (item("a"), item("b"), item("c"))
    assert fresh_questions((), ()) == ()
