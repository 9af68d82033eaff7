"""Pilot tests for every key of the message draft (t) and the question picker (Q)."""

from __future__ import annotations

import contextlib
import stat
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from coffeechat.domain.events import EventKind, Touch
from coffeechat.domain.meetings import AgendaItem
from coffeechat.domain.questions import BUILTIN_QUESTIONS
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.paths import templates_dir
from coffeechat.storage.repository import Repository
from coffeechat.ui import editor
from coffeechat.ui.app import CoffeechatApp
from coffeechat.ui.dialogs.prompts import TextPrompt
from coffeechat.ui.dialogs.question_form import QuestionForm
from coffeechat.ui.dialogs.when import MeetingTimeDialog
from coffeechat.ui.editor import EditorError, editor_command
from coffeechat.ui.screens.draft import DraftScreen
from coffeechat.ui.screens.questions import QuestionPicker
from tests.ui.conftest import SIZE, seed


def toasts(app: CoffeechatApp, severity: str | None = None) -> list[str]:
    return [n.message for n in app.toasts if severity in (None, n.severity)]


def rendered(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def with_meeting(repo: Repository, now: datetime, questions: int = 3, **meeting: object):
    """A requested contact with a meeting now whose agenda is the first built-ins."""
    contact = seed(repo, now, "Priya Raman", Stage.REQUESTED, company="Northwind")
    fields = clean_schedule(scheduled_at=now, format="video", minutes="15", place="",
                            research="", goals="")  # fmt: skip
    contact, _ = repo.schedule_meeting(contact.id, None, fields, now)
    planned = contact.next_meeting
    assert planned is not None
    items = tuple(AgendaItem(q.id, q.text, q.category.value) for q in BUILTIN_QUESTIONS[:questions])
    repo.save_meeting(contact.id, replace(planned, agenda=items, **meeting))  # type: ignore[arg-type]
    return repo.get(contact.id), planned.id


async def open_draft(pilot) -> DraftScreen:
    await pilot.press("t")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DraftScreen)
    return screen


# -- the draft ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "referred", "title", "says"),
    [
        (Stage.IDENTIFIED, False, "Meeting request to", "a 15-minute chat"),
        (
            Stage.IDENTIFIED,
            True,
            "Meeting request (introduced) to",
            "Sam Lee suggested I reach out to you",
        ),
        (Stage.MET, False, "Thank-you to", "Thank you for making time for me"),
        (Stage.THANKED, False, "Follow-up to", "A quick update, Ann"),
    ],
)
async def test_t_drafts_the_message_the_stage_needs(
    app_factory, repo, now, stage, referred, title, says
) -> None:
    if referred:
        repo.add({"name": "Ann Lee", "referred_by": "Sam Lee"}, now - timedelta(days=1))
    else:
        seed(repo, now, "Ann Lee", stage)
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        assert rendered(screen, "#draft-title").startswith(title)
        assert says.casefold() in screen.text.casefold()


async def test_i_edits_here_k_cycles_kinds_keeping_edits_and_escape_leaves(
    app_factory, repo, now
) -> None:
    seed(repo, now, "Ann Lee", company="Acme")
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        original = screen.text
        await pilot.press("k")  # read-only: k is a key, not text
        assert screen.text != original
        await pilot.press("k", "k", "k", "i", "Y", "e", "s", "c", "f", "k", "escape")
        await pilot.pause()
        assert screen.text == "Yescfk" + original  # typed keys were text, not actions
        assert pilot.app.screen is screen  # escape only stopped editing
        titles = []
        for _ in range(4):
            await pilot.press("k")
            titles.append(rendered(screen, "#draft-title").split(" to ")[0])
        assert titles == [
            "Thank-you",
            "Follow-up",
            "Meeting request (introduced)",
            "Meeting request",
        ]
        assert screen.text == "Yescfk" + original  # back on the request: the edit survived
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, DraftScreen)


async def test_thank_you_has_the_takeaway_and_your_name_signs_it(app_factory, repo, now) -> None:
    contact, meeting_id = with_meeting(repo, now, takeaways=("Talk to the data team first",))
    repo.finish_meeting(contact.id, meeting_id, now - timedelta(hours=1), now)
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        assert "on Sunday 22 November" in screen.text
        assert "stayed with me most: Talk to the data team first" in screen.text
        assert screen.text.endswith("[your name]\n")
        warning = rendered(screen, "#draft-warning")
        assert "Your name isn't set" in warning
        assert "Fill in the [bracketed] parts" in warning  # shown as written, not as markup
        pilot.app.action_set_my_name()  # the palette's "Your name"
        await pilot.pause()
        prompt = pilot.app.screen
        assert isinstance(prompt, TextPrompt)
        prompt.query_one(Input).value = "  Alex   Doe "
        await pilot.press("enter")
        await pilot.pause()
        assert repo.settings().my_name == "Alex Doe"
        assert pilot.app.screen is screen
        assert screen.text.endswith("With thanks,\nAlex Doe\n")
        assert "Your name isn't set" not in rendered(screen, "#draft-warning")


async def test_a_user_template_is_used_and_a_broken_one_warns(app_factory, repo, now) -> None:
    seed(repo, now, "Ann Lee", Stage.MET)
    override = templates_dir() / "thank-you.txt"
    override.parent.mkdir(parents=True)
    override.write_text("Subject: Cheers $first_name\n\nThanks, $name.\n", encoding="utf-8")
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        assert screen.text == "Subject: Cheers Ann\n\nThanks, Ann Lee.\n"
        assert str(override) in rendered(screen, "#draft-title")
        override.write_text("Subject: Hi $frist_name\n\nThanks.\n", encoding="utf-8")
        await pilot.press("k", "k", "k", "k")  # round the four kinds reloads the template
        assert screen.text.startswith("Subject: Hi $frist_name")
        assert "did you mean $first_name?" in rendered(screen, "#draft-warning")


async def test_hostile_contact_text_appears_literally(app_factory, repo, now) -> None:
    name = "${company} {0.__class__} [b]Bo[/b] \x1b[31m"
    seed(repo, now, name, company="Acme")
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        assert "Hi ${company},\n" in screen.text
        assert "\x1b" not in screen.text
        title = rendered(screen, "#draft-title")
        assert "to ${company} {0.__class__} [b]Bo[/b] [31m ·" in title


async def test_c_copies_the_draft(app_factory, repo, now) -> None:
    seed(repo, now, "Ann Lee")
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        await pilot.press("c")
        assert pilot.app.clipboard == screen.text
        assert any(m.startswith("Copied to the clipboard") for m in toasts(pilot.app))


async def test_f_saves_a_private_file_and_never_overwrites(
    app_factory, repo, now, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seed(repo, now, "Ann Lee")
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_draft(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TextPrompt)
        await pilot.press("enter")  # the suggested name
        await pilot.pause()
        saved = tmp_path / "request-ann-lee.txt"
        assert saved.read_text(encoding="utf-8") == screen.text
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        await pilot.press("i", "X", "escape", "f", "enter")
        await pilot.pause()
        assert saved.read_text(encoding="utf-8") == screen.text.removeprefix("X")
        assert any("already exists" in m for m in toasts(pilot.app, "error"))


async def test_s_in_met_moves_to_thanked_at_the_typed_time_and_u_undoes(
    app_factory, repo, now
) -> None:
    contact = seed(repo, now, "Ann Lee", Stage.MET)
    async with app_factory().run_test(size=SIZE) as pilot:
        await open_draft(pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, MeetingTimeDialog)
        dialog.query_one("#when", Input).value = "today 9:15"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, DraftScreen)
        updated = repo.get(contact.id)
        assert updated.stage is Stage.THANKED
        assert updated.events[-1].at == datetime(2026, 11, 22, 9, 15, tzinfo=now.tzinfo)
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.MET


async def test_s_on_a_request_already_sent_only_records_a_touch(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Ann Lee", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await open_draft(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")  # "now"
        await pilot.pause()
        updated = repo.get(contact.id)
        assert updated.stage is Stage.REQUESTED  # already requested: no move
        assert updated.events[-1].kind is EventKind.TOUCH
        assert updated.events[-1].data == Touch(message="request")


async def test_e_hands_the_draft_to_the_editor(app_factory, repo, now, monkeypatch) -> None:
    seed(repo, now, "Ann Lee")
    monkeypatch.setenv("EDITOR", "fake-ed --wait")
    monkeypatch.delenv("VISUAL", raising=False)
    seen: list[tuple[list[str], int, str]] = []

    def run(command: list[str], check: bool) -> subprocess.CompletedProcess[str]:
        path = Path(command[-1])
        seen.append((command[:-1], stat.S_IMODE(path.stat().st_mode), path.read_text()))
        path.write_text("Rewritten in my editor\n", encoding="utf-8")
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(editor.subprocess, "run", run)  # type: ignore[attr-defined]
    async with app_factory().run_test(size=SIZE) as pilot:
        monkeypatch.setattr(pilot.app, "suspend", contextlib.nullcontext)
        screen = await open_draft(pilot)
        before = screen.text
        await pilot.press("e")
        await pilot.pause()
        assert seen == [(["fake-ed", "--wait"], 0o600, before)]
        assert screen.text == "Rewritten in my editor\n"
        assert "Fill in the" not in rendered(screen, "#draft-warning")


@pytest.mark.parametrize(
    ("editor_env", "exit_status", "suspend", "expected"),
    [
        (None, 0, True, "No editor found"),
        ("fake-ed", 3, True, "fake-ed exited with status 3; kept the draft as it was."),
        ("fake-ed", 0, False, "This terminal can't hand over to an editor."),
        ('"fake-ed', 0, True, "check its quotes"),
        ("fake-ed", -1, True, "kept the draft as it was"),  # the editor removed the file
    ],
)
async def test_e_failures_show_an_error_and_keep_the_draft(
    app_factory, repo, now, monkeypatch, editor_env, exit_status, suspend, expected
) -> None:
    seed(repo, now, "Ann Lee")
    monkeypatch.delenv("VISUAL", raising=False)
    if editor_env is None:
        monkeypatch.delenv("EDITOR", raising=False)
        monkeypatch.setattr(editor.shutil, "which", lambda name: None)  # type: ignore[attr-defined]
    else:
        monkeypatch.setenv("EDITOR", editor_env)

    def run(command: list[str], check: bool) -> subprocess.CompletedProcess[str]:
        Path(command[-1]).write_text("half-written", encoding="utf-8")
        if exit_status < 0:
            Path(command[-1]).unlink()
        return subprocess.CompletedProcess(command, max(exit_status, 0))

    monkeypatch.setattr(editor.subprocess, "run", run)  # type: ignore[attr-defined]
    async with app_factory().run_test(size=SIZE) as pilot:
        if suspend:
            monkeypatch.setattr(pilot.app, "suspend", contextlib.nullcontext)
        screen = await open_draft(pilot)
        before = screen.text
        await pilot.press("e")
        await pilot.pause()
        assert screen.text == before
        assert any(expected in m for m in toasts(pilot.app, "error"))


async def test_an_editor_that_cannot_start_still_gives_the_terminal_back(
    app_factory, repo, now, monkeypatch
) -> None:
    """Textual only resumes after suspend() when its block ends without an exception."""
    seed(repo, now, "Ann Lee")
    monkeypatch.setenv("EDITOR", "no-such-editor")
    monkeypatch.delenv("VISUAL", raising=False)
    resumed: list[bool] = []

    @contextlib.contextmanager
    def suspend():
        yield
        resumed.append(True)  # skipped if the block raised

    def run(command: list[str], check: bool) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError(2, "No such file or directory", command[0])

    monkeypatch.setattr(editor.subprocess, "run", run)  # type: ignore[attr-defined]
    async with app_factory().run_test(size=SIZE) as pilot:
        monkeypatch.setattr(pilot.app, "suspend", suspend)
        screen = await open_draft(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert resumed == [True]
        assert any("Could not start 'no-such-editor'" in m for m in toasts(pilot.app, "error"))
        assert screen.text


@pytest.mark.parametrize(
    ("environ", "found", "expected"),
    [
        ({"VISUAL": "code --wait", "EDITOR": "vim"}, "nano", ["code", "--wait"]),
        ({"VISUAL": "  ", "EDITOR": "emacs -nw"}, "nano", ["emacs", "-nw"]),
        ({}, "vi", ["vi"]),
        ({}, None, EditorError),
    ],
)
def test_editor_command_prefers_visual_then_editor_then_a_fallback(
    monkeypatch, environ, found, expected
) -> None:
    monkeypatch.setattr(editor.shutil, "which", lambda name: name if name == found else None)  # type: ignore[attr-defined]
    if expected is EditorError:
        with pytest.raises(EditorError, match="No editor found"):
            editor_command(environ)
    else:
        assert editor_command(environ) == expected


# -- the question picker --------------------------------------------------------------------


async def open_picker(pilot) -> QuestionPicker:
    await pilot.press("Q")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuestionPicker)
    return screen


def agenda_ids(repo: Repository, contact_id: str, meeting_id: str) -> list[str]:
    meeting = repo.get(contact_id).meeting(meeting_id)
    assert meeting is not None
    return [item.question_id.removeprefix("builtin-") for item in meeting.agenda]


async def test_Q_without_a_meeting_warns_and_opens_nothing(app_factory, repo, now) -> None:
    seed(repo, now, "Ann Lee")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("Q")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuestionPicker)
        assert any("Schedule a meeting with Ann Lee" in m for m in toasts(pilot.app, "warning"))


async def test_space_J_K_pick_and_order_in_both_panes_and_escape_saves(
    app_factory, repo, now
) -> None:
    contact, meeting_id = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_picker(pilot)
        await pilot.press("space")  # career-path-01 was picked: take it off
        await pilot.press("j", "j", "j", "space")  # add career-path-04 at the end
        await pilot.press("K", "K")  # and ask it first
        assert [i.question_id[-2:] for i in screen.agenda] == ["04", "02", "03"]
        assert str(screen.query_one("#bank", OptionList).get_option_at_index(3).prompt).startswith(
            " 1 "
        )
        await pilot.press("tab")  # the meeting's pane: J/K/space act on its highlight
        assert pilot.app.focused is screen.query_one("#agenda")
        await pilot.press("J", "J", "K")
        assert [i.question_id[-2:] for i in screen.agenda] == ["02", "04", "03"]
        await pilot.press("space")  # takes 04 off
        assert rendered(screen, "#agenda-title") == "This meeting · 2 picked"
        assert agenda_ids(repo, contact.id, meeting_id)[0] == "career-path-01"  # not yet saved
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuestionPicker)
        assert agenda_ids(repo, contact.id, meeting_id) == ["career-path-02", "career-path-03"]


async def test_warnings_c_category_and_n_new_question(app_factory, repo, now) -> None:
    contact, meeting_id = with_meeting(repo, now, questions=9)
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_picker(pilot)
        warnings = rendered(screen, "#agenda-warnings")
        assert "Only 9 questions: aim for 10–20." in warnings
        assert "No referral question" in warnings
        await pilot.press(*"ccccccc")  # all → career path → … → network
        assert rendered(screen, "#picker-category") == "c: network"
        assert rendered(screen, "#bank-title") == "Question bank · 7 of 50"
        await pilot.press("space")
        assert rendered(screen, "#agenda-warnings").startswith("✓ A good list")
        await pilot.press("n")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, QuestionForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form
        assert rendered(form, "#error-text") == "write the question"
        await pilot.press(*"Do you like your job?")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen  # type: ignore[comparison-overlap]
        mine = repo.questions()[-1]
        assert (mine.text, mine.builtin) == ("Do you like your job?", False)
        assert screen.agenda[-1].question_id == mine.id
        agenda_line = str(screen.query_one("#agenda", OptionList).get_option_at_index(10).prompt)
        assert agenda_line.endswith("Do you like your job?  yes/no")
        assert "Yes/no question: “Do you like your job?”" in rendered(screen, "#agenda-warnings")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert agenda_ids(repo, contact.id, meeting_id)[-2:] == ["network-01", mine.id]


async def test_slash_filters_and_ctrl_s_saves_even_from_the_filter(app_factory, repo, now) -> None:
    contact, meeting_id = with_meeting(repo, now, questions=0)
    async with app_factory().run_test(size=SIZE) as pilot:
        screen = await open_picker(pilot)
        await pilot.press("slash", *"#remo")
        assert isinstance(pilot.app.focused, Input)
        assert rendered(screen, "#bank-title") == "Question bank · 1 of 50"
        await pilot.press("enter")
        assert pilot.app.focused is screen.query_one("#bank")
        await pilot.press("space", "slash", "escape")
        assert pilot.app.focused is screen.query_one("#bank")
        assert pilot.app.screen is screen  # escape in the filter only leaves the filter
        await pilot.press("slash", "ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuestionPicker)
        assert agenda_ids(repo, contact.id, meeting_id) == ["day-to-day-06"]


async def test_question_bank_e_edits_h_hides_H_shows_hidden(app_factory, repo, now) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        pilot.app.action_question_bank()  # the palette's "Question bank": no meeting
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, QuestionPicker)
        assert not screen.query("#agenda")
        await pilot.press("space", "J")
        assert sum("Open the picker on a contact (Q)" in m for m in toasts(pilot.app)) == 2
        await pilot.press("e")  # a built-in: the words stay, the tags change
        await pilot.pause()
        form = pilot.app.screen
        assert form.query_one("#field-text", Input).disabled
        form.query_one("#field-text", Input).value = "Hacked?"
        form.query_one("#field-tags", Input).value = "first, Story"
        await pilot.press("ctrl+s")
        await pilot.pause()
        first = repo.questions()[0]
        assert (first.text, first.tags) == (BUILTIN_QUESTIONS[0].text, ("first", "story"))
        await pilot.press("n", *"What would you change about year one?", "enter")
        await pilot.pause()
        assert rendered(screen, "#bank-title") == "Question bank · 51 of 51"
        await pilot.press("end", "e")
        await pilot.pause()
        pilot.app.screen.query_one("#field-text", Input).value = "What was your first year like?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert repo.questions()[-1].text == "What was your first year like?"
        await pilot.press("h")  # retire my own question
        assert repo.questions()[-1].hidden
        assert rendered(screen, "#bank-title") == "Question bank · 50 of 51"
        await pilot.press("home", "h")  # hide a built-in
        assert repo.questions()[0].hidden
        await pilot.press("H")
        assert rendered(screen, "#bank-title") == "Question bank · 51 of 51"
        bank = screen.query_one("#bank", OptionList)
        assert "retired" in str(bank.get_option_at_index(50).prompt)
        assert "hidden" in str(bank.get_option_at_index(0).prompt)
        await pilot.press("end", "h")  # h again brings it back
        assert not repo.questions()[-1].hidden
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, QuestionPicker)
