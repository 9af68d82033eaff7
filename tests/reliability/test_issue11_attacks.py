"""Red-team attacks on what issue 11 added: the config file's keys, Settings, cancelling
a meeting, unsnoozing and "Discard changes?".

The standard: a tracker that misfiles one thank-you or loses one typed note
has failed its only job; another process may write the file while a form is
open; a bad config entry is one sentence and the app still opens, usable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Label, TextArea

from coffeechat.config import parse_config
from coffeechat.domain.errors import UserError
from coffeechat.domain.events import ArchiveReason
from coffeechat.domain.rules import DueItem, Settings, due_items
from coffeechat.domain.stages import Stage
from coffeechat.storage.errors import DatabaseWriteError
from coffeechat.storage.repository import Repository
from coffeechat.ui import actions
from coffeechat.ui.app import CoffeechatApp, make_app
from coffeechat.ui.dialogs.base import DiscardChanges
from coffeechat.ui.dialogs.finish import FinishDialog
from coffeechat.ui.dialogs.schedule import ScheduleDialog
from coffeechat.ui.dialogs.settings import SettingsDialog
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.meeting import MeetingScreen
from tests.conftest import counting_ids
from tests.ui.conftest import seed

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SIZE = (80, 24)


def make_repo(db: Path) -> Repository:
    return Repository(db, id_factory=counting_ids())


def keyed_app(db: Path, toml: str) -> CoffeechatApp:
    return make_app(make_repo(db), lambda: NOW, parse_config(db.with_name("config.toml"), toml))


def toasts(app: CoffeechatApp) -> list[str]:
    return [toast.message for toast in app.toasts]


async def type_into_new_contact(app: CoffeechatApp, keys: Sequence[str]) -> str:
    """Open the new-contact form on the board, type ``keys``; the name field's text."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        field = app.screen.query_one("#field-name", Input)
        return field.value


# -- 1. the config file's keys -------------------------------------------------------------


async def test_save_bound_to_a_letter_is_refused_so_typing_it_never_saves(tmp_path: Path) -> None:
    """ctrl+s acts even inside a field; bound to "a", typing "Ada" saved a contact "Ad"."""
    db = tmp_path / "contacts.json"
    app = keyed_app(db, '[keys]\nsave = "a"\n')
    assert await type_into_new_contact(app, ["A", "d", "a"]) == "Ada"
    assert make_repo(db).contacts() == []
    (said,) = [t for t in toasts(app) if '"save"' in t]
    assert said.startswith(f"{tmp_path / 'config.toml'}, line 2: ")
    assert said.endswith(".")


async def test_the_palette_bound_to_a_letter_is_refused(tmp_path: Path) -> None:
    app = keyed_app(tmp_path / "contacts.json", '[keys]\npalette = "p"\n')
    assert await type_into_new_contact(app, ["P", "i", "p"]) == "Pip"


async def test_save_bound_to_escape_or_tab_is_refused(tmp_path: Path) -> None:
    """Escape must still leave a form (and Tab move through it), not submit it."""
    db = tmp_path / "contacts.json"
    app = keyed_app(db, '[keys]\nsave = "escape"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "PipelineScreen"
    app = keyed_app(db, '[keys]\nsave = "tab"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is not None
        assert app.screen.focused.id == "field-company"


async def test_a_key_bound_to_ctrl_q_is_told_it_can_never_work(tmp_path: Path) -> None:
    """Textual's ctrl+q always quits (a priority binding): "due" there would silently do nothing."""
    app = keyed_app(tmp_path / "contacts.json", '[keys]\ndue = "ctrl+q"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    (said,) = toasts(app)
    assert '"due"' in said
    assert "ctrl+q" in said


async def test_a_unicode_key_opens_the_app_and_works(tmp_path: Path) -> None:
    app = keyed_app(tmp_path / "contacts.json", '[keys]\ndue = "é"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("é")
        await pilot.pause()
        assert type(app.screen).__name__ == "DueScreen"
    assert toasts(app) == []


async def test_discard_bound_to_escape_is_refused_so_two_escapes_keep_the_form(
    tmp_path: Path,
) -> None:
    """A rebound key wins over the one it shares: escape, escape threw a typed form away."""
    app = keyed_app(tmp_path / "contacts.json", '[keys]\ndiscard_changes = "escape"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "A", "d", "a", "escape", "escape")
        await pilot.pause()
        assert app.screen.query_one("#field-name", Input).value == "Ada"
    (said,) = toasts(app)
    assert said.startswith(f"{tmp_path / 'config.toml'}, line 2: ")
    assert '"discard_changes" was ignored.' in said


# -- 3. cancelling a meeting -------------------------------------------------------------------


def planned(db: Path) -> tuple[str, str]:
    """A requested contact with a meeting planned for now: (contact id, meeting id)."""
    repo = make_repo(db)
    contact = repo.add({"name": "Priya Raman", "company": "Northwind"}, NOW - timedelta(days=3))
    contact, _ = repo.advance(contact.id, NOW - timedelta(days=2))
    contact, _ = repo.schedule_meeting(contact.id, None, {"scheduled_at": NOW}, NOW)
    return contact.id, contact.meetings[0].id


async def test_a_meeting_cancelled_elsewhere_while_it_is_being_held_is_still_recorded(
    tmp_path: Path,
) -> None:
    """The person is in the meeting: a stale cancel from another window must not keep
    it from being recorded as held (no thank-you would ever come due), nor drop a note."""
    db = tmp_path / "contacts.json"
    contact_id, meeting_id = planned(db)
    app = make_app(Repository(db), lambda: NOW)  # its own ids: planned() used the counting ones
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await screen.saved()
        Repository(db).cancel_meeting(contact_id, meeting_id, NOW)  # the other window
        field = screen.query_one("#takeaway-input", Input)
        field.focus()
        field.value = "Clinicians need fewer clicks"
        await pilot.press("enter")
        await screen.saved()
        await pilot.press("ctrl+s")  # finish: "Record the meeting as held at …?"
        await pilot.pause()
        assert isinstance(app.screen, FinishDialog)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = make_repo(db).get(contact_id)
    meeting = stored.meeting(meeting_id)
    assert meeting is not None
    assert meeting.takeaways == ("Clinicians need fewer clicks",)
    assert meeting.held
    assert meeting.cancelled_at is None
    assert stored.stage is Stage.MET


# -- 4. unsnoozing -----------------------------------------------------------------------------


def snoozed_thank_you(db: Path) -> tuple[str, DueItem]:
    """A met contact whose thank-you is snoozed for a week: (contact id, the item)."""
    repo = make_repo(db)
    contact = seed(repo, NOW, "Priya Raman", Stage.MET)
    (item,) = due_items([contact], NOW, Settings())
    repo.snooze(contact.id, item.kind.value, item.ref, NOW + timedelta(days=7), NOW)
    return contact.id, item


async def unsnooze_after(db: Path, elsewhere: Callable[[Repository], object]) -> CoffeechatApp:
    """On Due's open Snoozed section, ``elsewhere`` changes the file, then z (unsnooze)."""
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "Z")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        assert app.screen.snoozed
        elsewhere(Repository(db))
        await pilot.press("z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # What the screen shows once the change failed: the file as it is now.
        assert app.screen.snoozed == {}
        summary = str(app.screen.query_one("#due-summary", Label).render())
        assert "snoozed" not in summary
    return app


async def test_unsnoozing_what_another_window_unsnoozed_says_so_and_redraws(
    tmp_path: Path,
) -> None:
    """The failed change had already re-read the file, so the poll saw nothing new: the
    stale "1 snoozed" line stayed, and z kept failing on it."""
    db = tmp_path / "contacts.json"
    contact_id, item = snoozed_thank_you(db)
    app = await unsnooze_after(
        db, lambda other: other.unsnooze(contact_id, item.kind.value, item.ref, NOW)
    )
    assert toasts(app) == ["The thank-you for Priya Raman is not snoozed."]


async def test_unsnoozing_someone_deleted_elsewhere_says_so_and_redraws(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    contact_id, _ = snoozed_thank_you(db)
    app = await unsnooze_after(db, lambda other: other.delete(contact_id, NOW))
    assert toasts(app) == ["Priya Raman was deleted (perhaps elsewhere)."]


async def test_unsnoozing_someone_archived_elsewhere_is_refused_not_put_back(
    tmp_path: Path,
) -> None:
    """It said "Put the thank-you … back on the list." for a contact on no list."""
    db = tmp_path / "contacts.json"
    contact_id, item = snoozed_thank_you(db)
    app = await unsnooze_after(
        db, lambda other: other.archive(contact_id, ArchiveReason.NO_RESPONSE, NOW)
    )
    assert toasts(app) == ["Priya Raman is archived; restore them first."]
    assert Repository(db).get(contact_id).snoozed_until(item.kind.value, item.ref) == (
        NOW + timedelta(days=7)
    )


# -- 2. settings ---------------------------------------------------------------------------------


def test_settings_that_no_longer_fit_with_another_windows_are_refused_not_written_whole(
    tmp_path: Path,
) -> None:
    """Both windows' limits fit alone but not merged: the other's were silently reverted."""
    db = tmp_path / "contacts.json"
    laptop, desktop = make_repo(db), Repository(db)
    seen = laptop.settings()  # 7, 14, 21 days
    desktop.save_settings(replace(seen, nudge_days=10, second_nudge_days=20, give_up_days=25))
    with pytest.raises(UserError, match=r"changed in another window .*nothing was saved\.$"):
        laptop.save_settings(replace(seen, give_up_days=15), base=seen)
    stored = Repository(db).settings()
    assert (stored.nudge_days, stored.second_nudge_days, stored.give_up_days) == (10, 20, 25)


async def test_the_settings_form_stays_open_with_what_was_typed_on_such_a_clash(
    tmp_path: Path,
) -> None:
    db = tmp_path / "contacts.json"
    make_repo(db).settings()
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        app.run_flow(actions.edit_settings(app, ["textual-dark"], "textual-dark", lambda _: None))
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SettingsDialog)
        other = Repository(db)
        other.save_settings(
            replace(other.settings(), nudge_days=10, second_nudge_days=20, give_up_days=25)
        )
        form.query_one("#field-give_up_days", Input).value = "15"
        await pilot.press("ctrl+s")
        problem = ""
        for _ in range(100):  # the save runs in a thread; the flow itself waits on the form
            await pilot.pause(0.02)
            found = form.query("#dialog-problem")
            problem = str(found.first(Label).render()) if found else ""
            if problem not in ("", "Saving…") or app.screen is not form:
                break
        assert app.screen is form
        assert form.query_one("#field-give_up_days", Input).value == "15"
        assert "another window" in problem
    assert Repository(db).settings().give_up_days == 25


# -- 5. "Discard changes?" -------------------------------------------------------------------


def burst(app: CoffeechatApp, *keys: str) -> None:
    """Queue ``keys`` at once, as a fast typist or a paste does: none is handled before the next."""
    characters = {"escape": "\x1b", "ctrl+s": "\x13", "enter": "\r"}
    for key in keys:
        app.post_message(events.Key(key, characters.get(key, key if len(key) == 1 else None)))


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(20):
        await pilot.pause(0.02)


async def schedule_form(pilot: Pilot[None], app: CoffeechatApp) -> None:
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, ScheduleDialog)
    await pilot.press(*"tomorrow 3pm")


def requested(db: Path) -> str:
    return seed(make_repo(db), NOW, "Priya Raman", Stage.REQUESTED).id


async def test_two_fast_escapes_on_a_changed_form_keep_it(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    requested(db)
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await schedule_form(pilot, app)
        burst(app, "escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleDialog)
        assert app.screen.query_one("#field-when", Input).value == "tomorrow 3pm"


async def test_escape_right_after_ctrl_s_neither_loses_nor_half_saves(tmp_path: Path) -> None:
    """The save is under way when escape lands: it finishes, and says so; no dialog is left."""
    db = tmp_path / "contacts.json"
    contact_id = requested(db)
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await schedule_form(pilot, app)
        burst(app, "ctrl+s", "escape")
        await settle(pilot)
        assert [type(screen).__name__ for screen in app.screen_stack] == ["PipelineScreen"]
    (meeting,) = Repository(db).get(contact_id).meetings
    assert meeting.scheduled_at is not None


async def test_ctrl_s_on_discard_changes_keeps_editing_and_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    contact_id = requested(db)
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await schedule_form(pilot, app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DiscardChanges)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleDialog)
        assert app.screen.query_one("#field-when", Input).value == "tomorrow 3pm"
    assert Repository(db).get(contact_id).meetings == ()


async def test_a_field_changed_and_changed_back_closes_without_asking(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    requested(db)
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("x", "backspace", "escape")
        await settle(pilot)
        assert [type(screen).__name__ for screen in app.screen_stack] == ["PipelineScreen"]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("[/]", "'[/]'"),
        ("\\u0000", repr("\x00")),
        ("x" * 60, repr("x" * 40)),
        ("Ctrl+D", "'Ctrl+D'"),
    ],
)
async def test_a_key_no_keyboard_sends_is_one_sentence_and_the_old_key_still_works(
    tmp_path: Path, written: str, shown: str
) -> None:
    """Textual binds any string; "help" on "[/]" left ? dead with no word why."""
    app = keyed_app(tmp_path / "contacts.json", f'[keys]\nhelp = "{written}"\n')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
    (said,) = toasts(app)
    assert said.startswith(f"{tmp_path / 'config.toml'}, line 2: {shown} is not a key name (")
    assert said.endswith('so "help" was ignored.')


async def open_settings(app: CoffeechatApp, pilot: Pilot[None]) -> SettingsDialog:
    app.run_flow(actions.edit_settings(app, ["textual-dark"], "textual-dark", lambda _: None))
    await pilot.pause()
    form = app.screen
    assert isinstance(form, SettingsDialog)
    return form


async def problem_after_save(app: CoffeechatApp, pilot: Pilot[None], form: SettingsDialog) -> str:
    await pilot.press("ctrl+s")
    for _ in range(100):  # the save runs in a thread; the flow itself waits on the form
        await pilot.pause(0.02)
        found = form.query("#dialog-problem")
        problem = str(found.first(Label).render()) if found else ""
        if problem not in ("", "Saving…") or app.screen is not form:
            return problem
    return ""


async def test_settings_on_a_file_that_became_read_only_stay_open_with_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Run as root, chmod would not stop the write: the write itself is made to fail.)"""
    db = tmp_path / "contacts.json"
    make_repo(db).settings()
    app = make_app(Repository(db), lambda: NOW)

    def refuse(*_: object, **__: object) -> None:
        raise DatabaseWriteError(db, "Permission denied")

    async with app.run_test(size=SIZE) as pilot:
        form = await open_settings(app, pilot)
        monkeypatch.setattr(Repository, "save_settings", refuse)
        form.query_one("#field-my_name", Input).value = "Ada Lovelace"
        problem = await problem_after_save(app, pilot, form)
        assert app.screen is form
        assert problem == f"Could not save to {db}: Permission denied. Nothing was changed."
        assert form.query_one("#field-my_name", Input).value == "Ada Lovelace"


async def test_a_theme_gone_from_textual_opens_and_survives_saving_other_settings(
    tmp_path: Path,
) -> None:
    db = tmp_path / "contacts.json"
    repo = make_repo(db)
    repo.save_settings(replace(repo.settings(), theme="gone-since-textual-9"))
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_settings(app, pilot)
        form.query_one("#field-my_name", Input).value = "Ada Lovelace"
        assert await problem_after_save(app, pilot, form) == ""
        assert app.screen is not form
    stored = Repository(db).settings()
    assert (stored.my_name, stored.theme) == ("Ada Lovelace", "gone-since-textual-9")


async def test_every_sentence_about_the_file_comes_in_the_files_order(tmp_path: Path) -> None:
    toml = '[keys]\nsave = "a"\nhelp = "[/]"\ndue = "ctrl+q"\nadvance = "ctrl+p"\n'
    app = keyed_app(tmp_path / "contacts.json", toml)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    (said,) = toasts(app)
    lines = [int(part.split(":")[0]) for part in said.split(", line ")[1:]]
    assert lines == [2, 3, 4, 5]


# -- the Schedule form (where "Cancel meeting" lives) while another window writes -----------


async def save_schedule_form(app: CoffeechatApp, pilot: Pilot[None]) -> str:
    """ctrl+s on the open Schedule form; the problem it shows, or "" once it closed."""
    form = app.screen
    assert isinstance(form, ScheduleDialog)
    await pilot.press("ctrl+s")
    for _ in range(100):  # the save runs in a thread; the flow itself waits on the form
        await pilot.pause(0.02)
        if app.screen is not form:
            return ""
        found = form.query("#dialog-problem")
        problem = str(found.first(Label).render()) if found else ""
        if problem not in ("", "Saving…"):
            return problem
    return "still saving"


async def test_research_typed_for_a_meeting_cancelled_elsewhere_is_kept_in_a_planned_one(
    tmp_path: Path,
) -> None:
    """The save failed with "was cancelled" and the only way out was to discard the form."""
    db = tmp_path / "contacts.json"
    contact_id, meeting_id = planned(db)
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ScheduleDialog)
        Repository(db).cancel_meeting(contact_id, meeting_id, NOW)  # the other window
        form.query_one("#field-research", TextArea).load_text("Led the clinic's data team")
        assert await save_schedule_form(app, pilot) == ""
    stored = make_repo(db).get(contact_id)
    assert stored.next_meeting is not None
    assert stored.next_meeting.research == "Led the clinic's data team"


async def test_changing_a_meetings_time_keeps_the_place_another_window_set(
    tmp_path: Path,
) -> None:
    """The form sent every field as it opened: the other window's place was reverted."""
    db = tmp_path / "contacts.json"
    contact_id, meeting_id = planned(db)
    app = make_app(Repository(db), lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ScheduleDialog)
        Repository(db).schedule_meeting(contact_id, meeting_id, {"place": "Blue Bottle"}, NOW)
        form.query_one("#field-minutes", Input).value = "45"
        assert await save_schedule_form(app, pilot) == ""
    meeting = make_repo(db).get(contact_id).meeting(meeting_id)
    assert meeting is not None
    assert (meeting.minutes, meeting.place) == (45, "Blue Bottle")
