"""Two windows on one file: what one types into a meeting is never written over by the other.

Meeting mode saves what is typed as it is typed.  It used to save its whole
meeting as it knew it, so notes, takeaways and answers saved meanwhile from a
second window (or a second TUI on the same file) were reverted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input

from coffeechat.domain.meetings import AgendaItem, Meeting, Promise, merge_items, typed_into
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.screens.meeting import MeetingScreen
from tests.conftest import counting_ids

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SIZE = (120, 40)


def make_repo(db: Path) -> Repository:
    return Repository(db, id_factory=counting_ids())


def planned(db: Path) -> tuple[str, Meeting]:
    repo = make_repo(db)
    contact = repo.add({"name": "Priya Raman", "company": "Northwind"}, NOW)
    contact, _ = repo.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    return contact.id, contact.meetings[0]


# -- the merge itself ----------------------------------------------------------------


def test_one_side_changed_takes_that_side_exactly() -> None:
    base = ("a", "b")
    assert merge_items(base, base, ("b", "a", "c"), key=str) == ("b", "a", "c")
    assert merge_items(("a",), base, base, key=str) == ("a",)


def test_both_sides_added_keeps_both_and_a_removal_here_still_removes() -> None:
    base = ("keep", "drop")
    stored = ("keep", "drop", "theirs")
    typed = ("keep", "mine")
    assert merge_items(stored, base, typed, key=str) == ("keep", "theirs", "mine")


def test_the_same_line_typed_on_both_sides_is_kept_once() -> None:
    assert merge_items(("x", "same"), ("x",), ("x", "same"), key=str) == ("x", "same")


def test_notes_typed_in_two_windows_keep_every_line() -> None:
    base = Meeting("m1", notes="Team of 6")
    stored = replace(base, notes="Team of 6\nThey hire in spring")
    typed = replace(base, notes="Team of 6\nAsk about the data team")
    merged = typed_into(stored, typed, base)
    assert merged.notes == "Team of 6\nThey hire in spring\nAsk about the data team"


def test_an_answer_typed_here_and_a_question_asked_there_both_stay() -> None:
    first = AgendaItem("q1", "What surprised you?", "path")
    second = AgendaItem("q2", "Who else should I talk to?", "network")
    base = Meeting("m1", agenda=(first, second))
    stored = replace(base, agenda=(first, replace(second, asked=True)))
    typed = replace(base, agenda=(replace(first, asked=True, answer="the pace"), second))
    answered = replace(first, asked=True, answer="the pace")
    assert typed_into(stored, typed, base).agenda == (answered, replace(second, asked=True))


def test_a_promise_ticked_elsewhere_stays_ticked_when_one_is_added_here() -> None:
    sent = Promise("p1", "Send the article", NOW)
    base = Meeting("m1", promises=(sent,))
    stored = replace(base, promises=(replace(sent, done_at=NOW),))
    new = Promise("p2", "Share my notes", NOW)
    merged = typed_into(stored, replace(base, promises=(sent, new)), base)
    assert merged.promises == (replace(sent, done_at=NOW), new)


# -- through the repository: two windows on one file --------------------------------------


def test_two_windows_typing_into_one_meeting_keep_each_others_words(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    contact_id, meeting = planned(db)
    laptop, desktop = make_repo(db), make_repo(db)
    mine = replace(meeting, takeaways=("Clinicians need fewer clicks",))
    laptop.save_meeting(contact_id, mine, meeting)
    theirs = replace(meeting, notes="They hire in spring", referrals=("Sam Lee, Acme",))
    desktop.save_meeting(contact_id, theirs, meeting)
    more = replace(mine, takeaways=(*mine.takeaways, "Learn SQL"))
    laptop.save_meeting(contact_id, more, mine)
    stored = make_repo(db).get(contact_id).meetings[0]
    assert stored.takeaways == ("Clinicians need fewer clicks", "Learn SQL")
    assert stored.notes == "They hire in spring"
    assert stored.referrals == ("Sam Lee, Acme",)


# -- through the TUI -----------------------------------------------------------------------


async def test_meeting_mode_keeps_notes_another_tui_saved_while_it_was_open(
    tmp_path: Path,
) -> None:
    db = tmp_path / "contacts.json"
    contact_id, meeting = planned(db)
    app = make_app(make_repo(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await screen.saved()
        # The other TUI saves notes and a referral into the same meeting.
        other = make_repo(db)
        opened = other.get(contact_id).meetings[0]
        other.save_meeting(
            contact_id, replace(opened, notes="They hire in spring", referrals=("Sam Lee",)), opened
        )
        field = screen.query_one("#takeaway-input", Input)
        field.focus()
        field.value = "Clinicians need fewer clicks"
        await pilot.press("enter")
        await screen.saved()
        await pilot.pause()
    stored = make_repo(db).get(contact_id).meetings[0]
    assert stored.takeaways == ("Clinicians need fewer clicks",)
    assert stored.notes == "They hire in spring"
    assert stored.referrals == ("Sam Lee",)
    assert stored.id == meeting.id


# -- settings and questions ----------------------------------------------------------------


def test_saving_my_name_keeps_a_cadence_another_window_saved(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    laptop, desktop = make_repo(db), make_repo(db)
    seen = laptop.settings()
    desktop.save_settings(replace(desktop.settings(), follow_up_months=6))
    laptop.save_settings(replace(seen, my_name="Ada"), base=seen)
    stored = make_repo(db).settings()
    assert (stored.my_name, stored.follow_up_months) == ("Ada", 6)


def test_hiding_a_question_keeps_tags_another_window_gave_it(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    laptop, desktop = make_repo(db), make_repo(db)
    seen = laptop.questions()[0]
    desktop.save_question(replace(seen, tags=("favourite",)), base=seen)
    laptop.save_question(replace(seen, hidden=True), base=seen)
    stored = next(q for q in make_repo(db).questions() if q.id == seen.id)
    assert (stored.hidden, stored.tags) == (True, ("favourite",))


def test_asked_in_one_window_keeps_the_answer_typed_in_the_other() -> None:
    """Per question, field by field: "asked" (no answer) there must not wipe the answer here."""
    question = AgendaItem("q1", "What surprised you?", "path")
    base = Meeting("m1", agenda=(question,))
    stored = replace(base, agenda=(replace(question, asked=True),))
    typed = replace(base, agenda=(replace(question, asked=True, answer="the pace"),))
    assert typed_into(stored, typed, base).agenda[0].answer == "the pace"
    # …and the other way round: the answer stored elsewhere survives "asked" typed here.
    assert typed_into(typed, stored, base).agenda[0].answer == "the pace"


def test_two_different_answers_to_one_question_keep_both() -> None:
    question = AgendaItem("q1", "What surprised you?", "path")
    base = Meeting("m1", agenda=(question,))
    stored = replace(base, agenda=(replace(question, asked=True, answer="the hours"),))
    typed = replace(base, agenda=(replace(question, asked=True, answer="the pace"),))
    assert typed_into(stored, typed, base).agenda[0].answer == "the hours / the pace"


# -- what a second red-team pass found ------------------------------------------------------


def test_an_answer_typed_here_survives_the_question_being_removed_there() -> None:
    q1, q2 = AgendaItem("q1", "What surprised you?", "path"), AgendaItem("q2", "Who else?", "n")
    base = Meeting("m1", agenda=(q1, q2))
    answered = replace(base, agenda=(replace(q1, asked=True, answer="from A"), q2))
    removed = replace(base, agenda=(q2,))
    for stored, typed in ((answered, removed), (removed, answered)):
        merged = typed_into(stored, typed, base).agenda
        assert [item.answer for item in merged if item.question_id == "q1"] == ["from A"]


def test_repeated_and_blank_lines_in_notes_are_all_kept() -> None:
    base = Meeting("m1", notes="a\n- yes")
    stored = replace(base, notes="a\n- yes\nfrom A")
    typed = replace(base, notes="a\n\nPara2\n\n- yes\n- yes\na")
    merged = typed_into(stored, typed, base).notes.split("\n")
    assert sorted(merged) == sorted(["a", "", "Para2", "", "- yes", "- yes", "a", "from A"])


def test_a_line_edited_here_stays_in_its_place() -> None:
    base = Meeting("m1", notes="intro\nteam of 5\noutro")
    stored = replace(base, notes="intro\nteam of 5\noutro\nfrom B")
    typed = replace(base, notes="intro\nteam of 6\noutro")
    assert typed_into(stored, typed, base).notes == "intro\nteam of 6\noutro\nfrom B"


def test_a_reorder_here_is_kept_when_the_other_window_only_answered() -> None:
    q1, q2, q3 = (AgendaItem(f"q{n}", f"Question {n}?", "path") for n in (1, 2, 3))
    base = Meeting("m1", agenda=(q1, q2, q3))
    stored = replace(base, agenda=(q1, replace(q2, asked=True, answer="yes"), q3))
    typed = replace(base, agenda=(q3, q1, q2))
    merged = typed_into(stored, typed, base).agenda
    assert [item.question_id for item in merged] == ["q3", "q1", "q2"]
    assert merged[2].answer == "yes"


async def test_your_name_saved_in_one_tui_keeps_a_cadence_the_other_saved(
    tmp_path: Path,
) -> None:
    """The prompt's base was read at save time, so it never noticed the other window."""
    from dataclasses import replace as change

    from textual.widgets import Input as Field

    from coffeechat.ui.dialogs.prompts import TextPrompt

    db = tmp_path / "contacts.json"
    planned(db)
    app = make_app(make_repo(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.action_set_my_name()
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        other = make_repo(db)  # the other TUI saves a cadence while the prompt is open
        other.save_settings(change(other.settings(), follow_up_months=6), base=other.settings())
        prompt.query_one(Field).value = "Ada"
        await pilot.press("enter")
        await pilot.pause()
    stored = make_repo(db).settings()
    assert (stored.my_name, stored.follow_up_months) == ("Ada", 6)
