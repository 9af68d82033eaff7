"""Home/End/PgUp/PgDn on every list, and the cursor after `a` (issue 10 #12, #13)."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.widgets import Input, OptionList, Tree

from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.dialogs.archive import ArchiveDialog
from coffeechat.ui.dialogs.when import MeetingTimeDialog
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from coffeechat.ui.widgets.cards import CardColumn
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import SIZE, highlighted_name, seed


def requested_long_ago(repo: Repository, now: datetime, name: str) -> Contact:
    """Asked 25 days ago, never answered: the Due list says "archive?"."""
    contact = repo.add({"name": name}, now - timedelta(days=30))
    contact, _ = repo.advance(contact.id, now, at=now - timedelta(days=25))
    return contact


def late_thank_yous(repo: Repository, now: datetime, *names: str) -> list[Contact]:
    """Late thank-yous, the first name the most overdue (top of the list)."""
    return [
        seed(repo, now, name, Stage.MET, met_hours_ago=200 - index)
        for index, name in enumerate(names)
    ]


async def test_end_on_due_goes_to_the_bottom_line_and_a_asks_before_archiving(
    app_factory, repo, now
) -> None:
    larry, _ = late_thank_yous(repo, now, "Late Larry", "Late Lena")
    olly = requested_long_ago(repo, now, "Olly Old")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        assert screen.selected_contact_id() == larry.id
        await pilot.press("end")
        assert screen.selected_contact_id() == olly.id
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArchiveDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not repo.get(olly.id).archived
        assert repo.get(larry.id).stage is Stage.MET  # nothing else was touched
        await pilot.press("a", "enter")
        await pilot.pause()
        assert repo.get(olly.id).archive_reason == ArchiveReason.NO_RESPONSE
        await pilot.press("home")
        assert screen.selected_contact_id() == larry.id  # not the heading above it


async def test_x_on_due_asks_before_archiving(app_factory, repo, now) -> None:
    (larry,) = late_thank_yous(repo, now, "Late Larry")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d", "x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArchiveDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not repo.get(larry.id).archived


async def test_page_keys_on_due_move_the_cursor(app_factory, repo, now) -> None:
    people = late_thank_yous(repo, now, *(f"Person {n:02}" for n in range(60)))
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.selected_contact_id() == people[0].id
        await pilot.press("pagedown")
        down = screen.query_one(KeyedTable).cursor_row
        assert down > 10
        await pilot.press("pageup")
        assert screen.selected_contact_id() == people[0].id
        await pilot.press("end")
        assert screen.selected_contact_id() == people[-1].id
        await pilot.press("home")
        assert screen.selected_contact_id() == people[0].id


async def test_after_a_on_due_the_cursor_is_on_the_line_that_took_its_place(
    app_factory, repo, now
) -> None:
    first, second, third, fourth = late_thank_yous(repo, now, "Ann", "Bob", "Cat", "Dan")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d", "j")
        screen = pilot.app.screen
        assert screen.selected_contact_id() == second.id
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(second.id).stage is Stage.THANKED
        assert screen.selected_contact_id() == third.id
        await pilot.press("end", "a")
        await pilot.pause()
        assert repo.get(fourth.id).stage is Stage.THANKED
        assert screen.selected_contact_id() == third.id  # the last line went: the one above
        assert repo.get(first.id).stage is Stage.MET


async def test_home_and_end_on_the_archive_screen(app_factory, repo, now) -> None:
    names = [f"Archived {n:02}" for n in range(5)]
    for name in names:
        contact = seed(repo, now, name)
        repo.archive(contact.id, ArchiveReason.OTHER, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await pilot.pause()
        first = highlighted_name(pilot.app, repo)
        await pilot.press("end")
        last = highlighted_name(pilot.app, repo)
        assert last != first
        table = pilot.app.screen.query_one(KeyedTable)
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_home_end_and_page_keys_in_the_question_bank(app_factory) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        pilot.app.action_question_bank()
        await pilot.pause()
        bank = pilot.app.screen.query_one("#bank", OptionList)
        assert bank.has_focus
        bank.highlighted = 0
        await pilot.press("end")
        assert bank.highlighted == bank.option_count - 1
        await pilot.press("home")
        assert bank.highlighted == 0
        await pilot.press("pagedown")
        assert (bank.highlighted or 0) > 0


async def test_home_and_end_on_the_network_tree(app_factory, repo, now) -> None:
    seed(repo, now, "Root Rae")
    for n in range(3):
        repo.add({"name": f"Referred {n}", "referred_by": "Root Rae"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        tree = pilot.app.screen.query_one(Tree)
        assert tree.cursor_line == 0
        await pilot.press("end")
        assert tree.cursor_line == tree.last_line > 0
        await pilot.press("home")
        assert tree.cursor_line == 0


async def test_home_end_and_page_keys_on_a_board_column(app_factory, repo, now) -> None:
    for n in range(30):
        seed(repo, now, f"Card {n:02}")
    async with app_factory().run_test(size=SIZE) as pilot:
        column = pilot.app.screen.query_one(f"#cards-{Stage.IDENTIFIED.value}", CardColumn)
        assert column.has_focus
        await pilot.press("end")
        assert column.cursor == column.card_count - 1
        await pilot.press("home")
        assert column.cursor == 0
        await pilot.press("pagedown")
        assert (column.cursor or 0) > 0
        await pilot.press("pageup")
        assert column.cursor == 0


# -- the board's selection follows the contact (#13) ---------------------------------


def selected_on_board(app) -> tuple[str | None, Stage | None]:
    """The contact the keys act on, and the column that has the keyboard."""
    screen = app.screen
    assert isinstance(screen, PipelineScreen)
    focused = screen.focused
    stage = None
    if isinstance(focused, CardColumn) and focused.id:
        stage = Stage(focused.id.removeprefix("cards-"))
    return screen.selected_contact_id(), stage


async def test_a_a_a_walks_one_person_along_the_stages(app_factory, repo, now) -> None:
    ada = seed(repo, now, "Ada Walker")
    seed(repo, now, "Bea Stays")
    seed(repo, now, "Cy Requested", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        assert selected_on_board(pilot.app) == (ada.id, Stage.IDENTIFIED)
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(ada.id).stage is Stage.REQUESTED
        assert selected_on_board(pilot.app) == (ada.id, Stage.REQUESTED)
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, MeetingTimeDialog)
        dialog.query_one("#when", Input).value = "now"  # not before the request just sent
        await pilot.press("enter")
        await pilot.pause()
        assert selected_on_board(pilot.app) == (ada.id, Stage.MET)
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(ada.id).stage is Stage.THANKED
        assert selected_on_board(pilot.app) == (ada.id, Stage.THANKED)


async def test_a_on_the_last_card_of_a_column_does_not_strand_the_cursor(
    app_factory, repo, now
) -> None:
    ada = seed(repo, now, "Ada Alone")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("a")  # the same person again: it asks when they met
        await pilot.pause()
        assert isinstance(pilot.app.screen, MeetingTimeDialog)
        assert not any("Select a contact first" in n.message for n in pilot.app.toasts)
        await pilot.press("escape")
        await pilot.pause()
        assert selected_on_board(pilot.app) == (ada.id, Stage.REQUESTED)


async def test_n_selects_the_new_contact(app_factory, repo, now) -> None:
    seed(repo, now, "Aaron First")
    seed(repo, now, "Cy Requested", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("right")
        assert selected_on_board(pilot.app)[1] is Stage.REQUESTED
        await pilot.press("n", *"Zed Newcomer", "enter")
        await pilot.pause()
        (new,) = [c for c in repo.contacts() if c.name == "Zed Newcomer"]
        assert selected_on_board(pilot.app) == (new.id, Stage.IDENTIFIED)


async def test_u_puts_the_cursor_on_the_restored_card(app_factory, repo, now) -> None:
    ada = seed(repo, now, "Ada Archived")
    bob = seed(repo, now, "Bob Other")
    seed(repo, now, "Cy Requested", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        assert selected_on_board(pilot.app) == (ada.id, Stage.IDENTIFIED)
        await pilot.press("x", "enter")
        await pilot.pause()
        assert repo.get(ada.id).archived
        await pilot.press("right")
        await pilot.pause()
        assert selected_on_board(pilot.app)[1] is Stage.REQUESTED
        await pilot.press("u")
        await pilot.pause()
        assert not repo.get(ada.id).archived
        assert selected_on_board(pilot.app) == (ada.id, Stage.IDENTIFIED)
        await pilot.press("j", "a")
        await pilot.pause()
        assert selected_on_board(pilot.app) == (bob.id, Stage.REQUESTED)
        await pilot.press("left", "u")  # undo the advance: Bob back in Identified, selected
        await pilot.pause()
        assert selected_on_board(pilot.app) == (bob.id, Stage.IDENTIFIED)


async def test_recording_a_meeting_moves_the_cursor_with_them_into_met(
    app_factory, repo, now
) -> None:
    from coffeechat.ui.dialogs.finish import FinishDialog
    from tests.ui.test_meeting_mode import with_meeting

    contact, _ = with_meeting(repo, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        assert selected_on_board(pilot.app) == (contact.id, Stage.REQUESTED)
        await pilot.press("m", "space", "ctrl+s")  # a question asked, then finish
        await pilot.pause()
        assert isinstance(pilot.app.screen, FinishDialog)
        await pilot.press("enter")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.MET
        assert selected_on_board(pilot.app) == (contact.id, Stage.MET)
