"""Every screen and dialog, reached the way a person reaches it, in one table.

Each route starts the app on a database it fills (the demo contacts unless it
says otherwise), presses its keys, and lands on one screen, checked by class
name.  The table is used twice:

* a snapshot per route at 80×24 and at 120×40 (update with --snapshot-update,
  and look at each one before accepting it);
* a Pilot test per route at 80×24: every widget that can take the focus is,
  once focused, wholly on screen and inside the visible window of every
  container it scrolls in.

A route marked ``cut`` fails the Pilot test today (strict xfail): when the
screen is fixed the test passes, the run fails, and the mark comes off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.demo import demo_contacts
from coffeechat.domain.meetings import Promise
from coffeechat.domain.rules import due_items
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import CoffeechatApp, make_app
from coffeechat.ui.dialogs.conflict import ConflictDialog
from coffeechat.ui.dialogs.duplicates import ExistingContactDialog
from coffeechat.ui.widgets.cards import CardColumn
from tests.conftest import counting_ids
from tests.ui.conftest import palette_answered, seed
from tests.ui.test_meeting_mode import with_meeting

Drive = Callable[[Pilot[None]], Awaitable[None]]
Setup = Callable[[Repository, datetime], None]

SMALL = (80, 24)
LARGE = (120, 40)
HUGE = (200, 50)


@pytest.fixture(autouse=True)
def same_paths_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths the screens show, the same on every machine and run (not the test's temp home).

    The draft names its template override under the config folder; an export
    offers a file in the working folder.  Neither is written to by these routes.
    """
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/you/.config")
    monkeypatch.chdir("/tmp")


# -- filling the database ------------------------------------------------------------


def demo(repo: Repository, now: datetime) -> None:
    """The --demo contacts (as the demo_repo fixture fills them)."""
    repo.insert_many(demo_contacts(now - timedelta(minutes=1), counting_ids("d")))


def empty(repo: Repository, now: datetime) -> None:
    """Nobody yet."""


def meeting_two_minutes_before_the_end(repo: Repository, now: datetime) -> None:
    """A 15-minute meeting started 13½ minutes ago, with something in every list."""
    contact, meeting_id = with_meeting(repo, now - timedelta(minutes=13, seconds=30))
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    agenda = list(meeting.agenda)
    agenda[0] = replace(agenda[0], asked=True, answer="Support desk first, then product")
    repo.save_meeting(
        contact.id,
        replace(
            meeting,
            agenda=tuple(agenda),
            notes="Team of 6 PMs; weekly clinic visits.",
            takeaways=("Shadow a clinic day before applying",),
            promises=(Promise("p1", "Send my case study", now + timedelta(days=2)),),
            referrals=("Sam Lee, Acme Health",),
        ),
    )


def meeting_with_referrals(repo: Repository, now: datetime) -> None:
    """Two referrals, one of them already a contact: finishing has sentences to wrap."""
    seed(repo, now, "Sam Lee", Stage.MET, company="Acme")  # a later column than Priya's
    with_meeting(repo, now, referrals=("Sam Lee, Acme", "Eve Park-Whitaker, Umbrella Holdings"))


def two_adas(repo: Repository, now: datetime) -> None:
    """Two records of one person, each with something the other lacks."""
    repo.add({"name": "Ada Lovelace", "company": "Engines", "notes": "Met at PyCon"}, now)
    repo.add({"name": "Ada L.", "company": "Engines Ltd", "email": "ada@e.org",
              "notes": "Alumni list"}, now)  # fmt: skip


def demo_with_a_snooze(repo: Repository, now: datetime) -> None:
    """The demo, with Priya's late thank-you snoozed for a week."""
    demo(repo, now)
    (priya,) = [c for c in repo.contacts() if c.name == "Priya Raman"]
    (item, *_) = list(due_items([priya], now, repo.settings()))
    repo.snooze(priya.id, item.kind.value, item.ref, now + timedelta(days=7), now)


def demo_and_a_csv(repo: Repository, now: datetime) -> None:
    """The demo, and a spreadsheet of 14 new people in the home folder to import."""
    demo(repo, now)
    rows = [f"Person {n},Company {n},Role {n}" for n in range(1, 15)]
    (Path.home() / "people.csv").write_text("name,company,role\n" + "\n".join(rows) + "\n")


# -- getting there -------------------------------------------------------------------


async def stay(pilot: Pilot[None]) -> None:
    """The screen the app opens on."""


def keys(*pressed: str) -> Drive:
    """A route that is only key presses."""

    async def drive(pilot: Pilot[None]) -> None:
        await pilot.press(*pressed)

    return drive


def on_card(name: str, *pressed: str) -> Drive:
    """Select ``name``'s card on the board, then press ``pressed``."""

    async def drive(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await select_card(pilot, name)
        await pilot.press(*pressed)

    return drive


async def select_card(pilot: Pilot[None], name: str) -> None:
    """Focus the board column holding ``name`` and put its cursor on them."""
    app = coffeechat(pilot)
    (contact,) = [c for c in app.repository.contacts() if c.name == name]
    for column in app.screen.query(CardColumn).results(CardColumn):
        if contact.id in column.ids:
            app.screen.set_focus(column)
            column.move_cursor(column.ids.index(contact.id))
            await pilot.pause()
            return
    raise AssertionError(f"{name} is on no board column")


def palette(title: str, *then: str) -> Drive:
    """Run the palette's entry called ``title`` (what choosing it in ctrl+p does)."""

    async def drive(pilot: Pilot[None]) -> None:
        await pilot.pause()
        app = coffeechat(pilot)
        (command,) = [c for c in app.get_system_commands(app.screen) if c.title == title]
        command.callback()
        await pilot.pause()
        await pilot.press(*then)

    return drive


async def search_the_palette(pilot: Pilot[None]) -> None:
    """ctrl+p, "import", and every provider's answer in.

    Not the list before typing: there every entry scores alike, so the
    providers' entries come in whichever order they answered.
    """
    await pilot.press("ctrl+p", *"import")
    await palette_answered(pilot)


# The duplicate and conflict dialogs come up in the middle of a save, over a form
# whose layout at that instant depends on timing (its "Saving…" line): pictured that
# way they differed between runs.  Here they are shown over the board, as they look;
# the flows that raise them are tested in test_duplicate_keys and test_edit_conflicts.


async def grace_already_there(pilot: Pilot[None]) -> None:
    """The "already on your board" dialog, for Grace Mbeki."""
    await pilot.pause()
    app = coffeechat(pilot)
    (grace,) = [c for c in app.repository.contacts() if c.name == "Grace Mbeki"]
    app.push_screen(ExistingContactDialog(grace))
    await pilot.pause()


async def grace_changed_elsewhere(pilot: Pilot[None]) -> None:
    """The conflict dialog: Grace's role saved elsewhere while another was typed here."""
    await pilot.pause()
    app = coffeechat(pilot)
    app.push_screen(ConflictDialog("Grace Mbeki", {"role": ("Head of Policy", "Policy Lead")}))
    await pilot.pause()


async def import_the_csv(pilot: Pilot[None]) -> None:
    """Import CSV, give the file: the dry run's confirmation."""
    await palette("Import CSV")(pilot)
    await pilot.press(*"~/people.csv", "enter")


def coffeechat(pilot: Pilot[None]) -> CoffeechatApp:
    app = pilot.app
    assert isinstance(app, CoffeechatApp)
    return app


# -- the table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """How to reach one screen, and what it is."""

    name: str
    #: The class name of the screen (or dialog) the route ends on.
    screen: str
    drive: Drive = stay
    setup: Setup = demo
    #: A selector that must match on that screen (for panels, not screens).
    shows: str = ""
    #: Widgets that must stay in sight whichever widget has the focus (a dialog's
    #: buttons always must: the actions are pinned while the body scrolls).
    pinned: str = ""
    #: Why a widget is out of sight at 80×24 today (the Pilot test xfails).
    cut: str = ""
    #: Also pictured at 200×50, where the screen has more to show.
    wide: bool = False


ROUTES: tuple[Route, ...] = (
    # Screens
    Route("board", "PipelineScreen", wide=True),
    Route("board-empty", "PipelineScreen", setup=empty),
    Route("board-filter", "PipelineScreen", keys("slash", *"an"), shows="#filter.shown"),
    Route("help", "HelpScreen", keys("question_mark")),
    Route("palette", "CommandPalette", search_the_palette),
    Route("due", "DueScreen", keys("d"), wide=True),
    Route("due-snoozed", "DueScreen", keys("d", "Z"), setup=demo_with_a_snooze),
    Route("contact", "ContactScreen", keys("d", "enter")),
    Route("archived", "ArchiveScreen", keys("A")),
    Route("contact-archived", "ContactScreen", keys("A", "enter")),
    Route("network", "NetworkScreen", keys("w")),
    Route("meeting", "MeetingScreen", on_card("Mei Chen", "m"), pinned="#countdown", wide=True),
    Route("meeting-two-minutes-left", "MeetingScreen", keys("m"),
          setup=meeting_two_minutes_before_the_end, pinned="#countdown, #wrap-up"),
    Route("question-picker", "QuestionPicker", on_card("Mei Chen", "Q")),
    Route("question-bank", "QuestionPicker", palette("Question bank")),
    Route("question-form", "QuestionForm", palette("Question bank", "n")),
    Route("draft", "DraftScreen", on_card("Priya Raman", "t")),
    Route("draft-editing", "DraftScreen", on_card("Priya Raman", "t", "i"),
          shows="TextArea:focus"),
    # Dialogs
    Route("new-contact", "ContactForm", keys("n")),
    Route("new-contact-error", "ContactForm", keys("n", "ctrl+s"), setup=empty),
    Route("edit-contact", "ContactForm", keys("e")),
    Route("duplicate", "ExistingContactDialog", grace_already_there),
    Route("conflict", "ConflictDialog", grace_changed_elsewhere),
    Route("when-met", "MeetingTimeDialog", on_card("Yara Haddad", "a")),
    Route("when-sent", "MeetingTimeDialog", on_card("Priya Raman", "t", "s")),
    Route("schedule", "ScheduleDialog", on_card("Yara Haddad", "s")),
    Route("schedule-new", "ScheduleDialog", on_card("Kenji Watanabe", "s")),
    Route("follow-up", "FollowUpDialog", on_card("Samuel Whitfield", "f")),
    Route("snooze", "SnoozeDialog", keys("d", "z")),
    # The referral sentences used to be cut at the dialog's edge ("linked as introduced by").
    Route("finish", "FinishDialog", keys("m", "ctrl+s"), setup=meeting_with_referrals),
    Route("archive", "ArchiveDialog", keys("x")),
    Route("delete", "ConfirmDialog", keys("D")),
    Route("merge-picker", "MergePicker", keys("M")),
    Route("merge", "MergeDialog", keys("M", *"ada l", "enter"), setup=two_adas),
    Route("import", "TextPrompt", palette("Import CSV")),
    Route("import-confirm", "ConfirmDialog", import_the_csv, setup=demo_and_a_csv),
    Route("export", "TextPrompt", palette("Export CSV")),
    Route("your-name", "TextPrompt", palette("Your name")),
    Route("settings", "SettingsDialog", palette("Settings")),
    Route("discard-changes", "DiscardChanges",
          on_card("Kenji Watanabe", "s", *"tomorrow 3pm", "escape")),
)  # fmt: skip


def by_name(name: str) -> Route:
    (route,) = [r for r in ROUTES if r.name == name]
    return route


async def arrive(pilot: Pilot[None], route: Route) -> None:
    """Drive to the route's screen, check it is there, and make it still for a picture.

    Still: no toasts (they expire on the wall clock) and no blinking cursors
    (a 0.5 s blink on a loaded machine would hide them in one run of two).
    """
    await route.drive(pilot)
    await pilot.pause()
    app = pilot.app
    screen = app.screen
    assert type(screen).__name__ == route.screen, (
        f"route {route.name!r} ended on {type(screen).__name__}, not {route.screen}"
    )
    if route.shows:
        assert screen.query(route.shows), f"{route.shows} is not on {route.screen}"
    app.clear_notifications()
    for field in [*screen.query(Input), *screen.query(TextArea)]:
        field.cursor_blink = False
    await settled(pilot)


async def settled(pilot: Pilot[None], tries: int = 20) -> None:
    """Wait until two pictures in a row are the same.

    Some layout is finished after a refresh (a dialog caps its scrolling body
    once a "Saving…" line has its height); on a loaded machine the picture was
    sometimes taken a frame early.  A person sees the settled frame.
    """
    before = pilot.app.export_screenshot()
    for _ in range(tries):
        await pilot.pause()
        after = pilot.app.export_screenshot()
        if after == before:
            return
        before = after
    raise AssertionError(f"the screen still changed after {tries} frames")


def start(route: Route, repo: Repository, now: datetime) -> App[None]:
    """The app for a route; no animations, so a scroll is pictured where it ends
    (a body scrolling to its focused field was caught mid-way on a loaded machine)."""
    route.setup(repo, now)
    app = make_app(repo, frozen_clock(now))
    app.animation_level = "none"
    return app


# -- snapshots -----------------------------------------------------------------------


def snapshot_cases() -> Iterator[object]:
    for route in ROUTES:
        for size in (SMALL, LARGE, HUGE) if route.wide else (SMALL, LARGE):
            yield pytest.param(route, size, id=f"{route.name}-{size[0]}x{size[1]}")


@pytest.mark.parametrize(("route", "size"), snapshot_cases())
def test_snapshot(snap_compare, repo, now, route: Route, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await arrive(pilot, route)  # its failure (a wrong screen) fails the test

    assert snap_compare(start(route, repo, now), run_before=run_before, terminal_size=size)
