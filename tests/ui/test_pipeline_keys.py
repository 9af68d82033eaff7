"""A Pilot test per key binding on the board (n, e, a, u, x, /, escape, enter, arrows, h/j/k/l)."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.widgets import Input

from coffeechat.domain.model import ArchiveReason
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.dialogs.archive import ArchiveDialog
from coffeechat.ui.dialogs.contact_form import ContactForm
from coffeechat.ui.dialogs.when import MeetingTimeDialog
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.help import HelpScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.conftest import settle_storage
from tests.ui.conftest import (
    SIZE,
    card_ids,
    highlighted_name,
    palette_answered,
    seed,
    status_line,
)


async def test_n_adds_a_contact_from_the_form(app_factory, repo: Repository) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert isinstance(pilot.app.screen, ContactForm)
        await pilot.press(*"Ada Lovelace", "tab", *"Analytical Engines", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        [contact] = repo.contacts()
        assert (contact.name, contact.company, contact.stage) == (
            "Ada Lovelace",
            "Analytical Engines",
            Stage.IDENTIFIED,
        )
        assert card_ids(pilot.app, Stage.IDENTIFIED) == [contact.id]


async def test_n_with_an_empty_name_shows_the_error_on_the_field(app_factory, repo) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n", "tab", *"Some Co", "enter")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        error = form.query_one("#error-name")
        assert "name is required" in str(error.render())
        assert error.display
        assert form.focused is form.query_one("#field-name")
        await pilot.press("escape")
        assert repo.contacts() == []


async def test_n_rejects_a_bad_email_inline(app_factory, repo) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Bo", "tab", "tab", "tab", *"not-an-email", "ctrl+s")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        assert "email" in str(form.query_one("#error-email").render()).lower()
        assert repo.contacts() == []


async def test_e_edits_the_selected_contact(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Grace Hopper", company="Navy")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        company = form.query_one("#field-company", Input)
        assert company.value == "Navy"
        company.value = "Remington Rand"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert repo.get(contact.id).company == "Remington Rand"


async def test_a_advances_without_asking_outside_met(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Alan Turing")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        updated = repo.get(contact.id)
        assert updated.stage is Stage.REQUESTED
        assert updated.stage_changed_at == now
        assert card_ids(pilot.app, Stage.REQUESTED) == [contact.id]


async def test_a_into_met_asks_when_and_accepts_words(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Katherine Johnson", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        assert highlighted_name(pilot.app, repo) == "Katherine Johnson"
        await pilot.press("a")
        dialog = pilot.app.screen
        assert isinstance(dialog, MeetingTimeDialog)
        dialog.query_one("#when", Input).value = "yesterday 3pm"
        await pilot.press("enter")
        await pilot.pause()
        met = repo.get(contact.id)
        assert met.stage is Stage.MET
        assert met.met_at == (now - timedelta(days=1)).replace(hour=15)


async def test_a_into_met_refuses_a_future_or_unreadable_time(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Dorothy Vaughan", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        dialog = pilot.app.screen
        when = dialog.query_one("#when", Input)
        for text, expected in (("tomorrow", "future"), ("someday soon", "can't read")):
            when.value = text
            await pilot.press("enter")
            await pilot.pause()
            assert pilot.app.screen is dialog
            assert expected in str(dialog.query_one("#error-when").render())
        await pilot.press("escape")
        assert repo.get(contact.id).stage is Stage.REQUESTED


async def test_a_from_met_marks_thanked_and_from_follow_up_logs_a_touch(
    app_factory, repo, now
) -> None:
    met = seed(repo, now, "Mary Jackson", Stage.MET)
    later = seed(repo, now, "Annie Easley", Stage.FOLLOW_UP)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")  # the board opens on the first column with cards: Met
        await pilot.pause()
        assert repo.get(met.id).stage is Stage.THANKED
        await pilot.press("right", "right", "a")
        await pilot.pause()
        touched = repo.get(later.id)
        assert touched.stage is Stage.FOLLOW_UP
        assert touched.events[-1].kind == "touch"


async def test_u_undoes_the_last_change_and_says_so(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Edsger Dijkstra")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.REQUESTED
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.IDENTIFIED
        assert card_ids(pilot.app, Stage.IDENTIFIED) == [contact.id]
        # Said on the board's status line, not in a toast mounted over the cards.
        assert status_line(pilot.app) == "Undid: moved Edsger Dijkstra to Requested."
        assert not any("Undid" in n.message for n in pilot.app.toasts)
        await pilot.press("u")
        await pilot.pause()
        assert any("Nothing to undo" in n.message for n in pilot.app.toasts)


async def test_u_undoes_an_edit_and_an_add(app_factory, repo) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Barbara Liskov", "enter")
        await pilot.pause()
        [contact] = repo.contacts()
        await pilot.press("e")
        pilot.app.screen.query_one("#field-role", Input).value = "Professor"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert repo.get(contact.id).role == "Professor"
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).role == ""
        await pilot.press("u")
        await pilot.pause()
        assert repo.contacts(include_archived=True) == []


async def test_x_archives_after_asking_why(app_factory, repo, now) -> None:
    contact = seed(repo, now, "John Backus")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("x")
        assert isinstance(pilot.app.screen, ArchiveDialog)
        await pilot.press("down", "enter")  # "declined"
        await pilot.pause()
        archived = repo.get(contact.id)
        assert archived.archived
        assert archived.archive_reason == "declined"
        assert card_ids(pilot.app, Stage.IDENTIFIED) == []


async def test_x_then_escape_keeps_the_contact(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Frances Allen")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("x", "escape")
        await pilot.pause()
        assert not repo.get(contact.id).archived


async def test_archived_screen_restores_with_r(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Ken Thompson", Stage.REQUESTED)
    repo.archive(contact.id, ArchiveReason.NO_RESPONSE, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await pilot.pause()
        assert pilot.app.screen.sub_title == "Archived"
        assert highlighted_name(pilot.app, repo) == "Ken Thompson"
        await pilot.press("r")
        await pilot.pause()
        restored = repo.get(contact.id)
        assert not restored.archived
        assert restored.stage is Stage.REQUESTED
        await pilot.press("escape")
        await pilot.pause()
        assert card_ids(pilot.app, Stage.REQUESTED) == [contact.id]


async def test_slash_filters_as_you_type_and_escape_clears(app_factory, repo, now) -> None:
    ada = seed(repo, now, "Ada Lovelace", company="Analytical")
    seed(repo, now, "Charles Babbage", company="Difference")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"analyt")
        await pilot.pause()
        assert card_ids(pilot.app, Stage.IDENTIFIED) == [ada.id]
        assert status_line(pilot.app) == "Filter “analyt”: 1 of 2 contacts."
        await pilot.press("escape")
        await pilot.pause()
        assert len(card_ids(pilot.app, Stage.IDENTIFIED)) == 2
        assert status_line(pilot.app) == ""
        assert not pilot.app.screen.query_one("#filter").display


async def test_enter_opens_the_contact_page_and_escape_returns(app_factory, repo, now) -> None:
    seed(repo, now, "Margaret Hamilton", company="MIT")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        assert "MIT" in str(page.query_one("#contact-fields").render())
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PipelineScreen)


async def test_arrows_and_hjkl_move_between_cards_and_columns(app_factory, repo, now) -> None:
    seed(repo, now, "Anne", company="")
    seed(repo, now, "Bert")
    seed(repo, now, "Cleo", Stage.REQUESTED)
    async with app_factory().run_test(size=SIZE) as pilot:
        assert highlighted_name(pilot.app, repo) == "Anne"
        await pilot.press("j")
        assert highlighted_name(pilot.app, repo) == "Bert"
        await pilot.press("k")
        assert highlighted_name(pilot.app, repo) == "Anne"
        await pilot.press("down")
        assert highlighted_name(pilot.app, repo) == "Bert"
        await pilot.press("l")
        assert highlighted_name(pilot.app, repo) == "Cleo"
        await pilot.press("h")
        assert highlighted_name(pilot.app, repo) in ("Anne", "Bert")
        await pilot.press("right", "left", "up")
        assert highlighted_name(pilot.app, repo) == "Anne"


async def test_d_p_switch_screens_and_question_mark_toggles_help(app_factory) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(pilot.app.screen, DueScreen)
        await pilot.press("p")
        assert isinstance(pilot.app.screen, PipelineScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)  # full screen, not a side panel
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)


async def test_q_quits(app_factory) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running


async def test_empty_board_says_how_to_start(app_factory) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        empty = pilot.app.screen.query_one("#empty")
        assert empty.display
        assert "Press n" in str(empty.render())


async def test_board_picks_up_a_contact_added_by_another_process(
    app_factory, repo, db_path, now: datetime
) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        other = Repository(db_path)
        added = other.add({"name": "Outside Olga"}, now)
        pilot.app.check_for_outside_changes()
        await pilot.pause()
        assert card_ids(pilot.app, Stage.IDENTIFIED) == [added.id]


async def test_outside_change_does_not_disturb_an_open_form(app_factory, db_path, now) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Half typed")
        Repository(db_path).add({"name": "Someone Else"}, now)
        pilot.app.check_for_outside_changes()
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        assert form.query_one("#field-name", Input).value == "Half typed"


async def test_ctrl_p_palette_reaches_actions_by_name(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Palette Pat")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Advance contact")
        await palette_answered(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.REQUESTED
        await pilot.press("ctrl+p", *"Due")
        await palette_answered(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)


async def test_a_burst_of_a_never_carries_a_contact_past_met_without_asking_when(
    app_factory, repo, now
) -> None:
    """Each `a` of a burst starts from the card as drawn; the second and third used to
    advance the stored contact again: into met without the "when did you meet?" question,
    and on into thanked (a thank-you marked sent that nobody sent)."""
    contact = seed(repo, now, "Burst Bo")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = pilot.app.screen
        for _ in range(3):  # one burst: every key handled before the first save lands
            board.action_advance()
        await pilot.pause()
        await settle_storage(pilot)
        assert repo.get(contact.id).stage is Stage.REQUESTED
        said = [str(t.message) for t in pilot.app.toasts]
        assert any("already Requested" in s for s in said), said
