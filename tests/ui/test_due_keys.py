"""Pilot tests for the Due list and the contact page."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from coffeechat.domain.stages import Stage
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import SIZE, seed


def due_keys(app) -> list[str]:
    """The contact ids on the Due list's item lines (section headings left out)."""
    return [item.contact_id for item in app.screen.items.values()]


async def test_due_lists_the_most_overdue_thank_you_first(app_factory, repo, now) -> None:
    recent = seed(repo, now, "Recent Rita", Stage.MET, met_hours_ago=2)
    late = seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    overdue = seed(repo, now, "Overdue Olga", Stage.MET, met_hours_ago=30)
    seed(repo, now, "Thanked Theo", Stage.THANKED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)
        assert due_keys(pilot.app) == [late.id, overdue.id, recent.id]
        summary = str(pilot.app.screen.query_one("#due-summary").render())
        assert "2 overdue" in summary


async def test_a_on_due_marks_the_thank_you_sent_and_u_brings_it_back(
    app_factory, repo, now
) -> None:
    contact = seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d", "a")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.THANKED
        assert due_keys(pilot.app) == []
        assert pilot.app.screen.query_one("#due-empty").display
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.MET
        assert due_keys(pilot.app) == [contact.id]


async def test_enter_on_due_opens_the_contact(app_factory, repo, now) -> None:
    seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactScreen)
        heading = str(pilot.app.screen.query_one("#contact-heading").render())
        assert "late" in heading


async def test_contact_page_keys_edit_advance_archive_restore(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Page Paula", Stage.THANKED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # the board opens on the first column with cards
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        await pilot.press("e")
        pilot.app.screen.query_one("#field-company", Input).value = "Paula & Co"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Paula &amp; Co" not in str(page.query_one("#contact-fields").render())
        assert "Paula & Co" in str(page.query_one("#contact-fields").render())
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.FOLLOW_UP
        await pilot.press("x", "enter")
        await pilot.pause()
        assert repo.get(contact.id).archived
        await pilot.press("r")
        await pilot.pause()
        assert not repo.get(contact.id).archived
        timeline = page.query_one("#timeline", KeyedTable)
        assert timeline.row_count == len(repo.get(contact.id).events)


async def test_save_failure_is_shown_and_nothing_is_reported_saved(
    app_factory, repo, db_path, now
) -> None:
    contact = seed(repo, now, "Readonly Rob")
    before = db_path.read_bytes()
    db_path.chmod(0o400)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        messages = [n.message for n in pilot.app.toasts]
        assert any("read-only" in m and "Nothing was changed" in m for m in messages)
        assert not any(m.startswith("Moved") for m in messages)
        assert db_path.read_bytes() == before
        assert repo.get(contact.id).stage is Stage.IDENTIFIED
        await pilot.press("u")
        await pilot.pause()
        assert any("Nothing to undo" in n.message for n in pilot.app.toasts)


async def test_j_and_k_step_over_section_headings(app_factory, repo, now) -> None:
    late = seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    soon = seed(repo, now, "Soon Sue", Stage.REQUESTED)
    from coffeechat.domain.scheduling import clean_schedule

    fields = clean_schedule(scheduled_at=now + timedelta(hours=3), format="phone", minutes="15",
                            place="", research="", goals="")  # fmt: skip
    repo.schedule_meeting(soon.id, None, fields, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.selected_contact_id() == late.id  # not the heading above it
        await pilot.press("j")
        await pilot.pause()
        assert screen.selected_contact_id() == soon.id  # over "Meetings today"
        await pilot.press("k")
        await pilot.pause()
        assert screen.selected_contact_id() == late.id
        await pilot.press("k")
        await pilot.pause()
        assert screen.selected_contact_id() == late.id  # the top heading is never selected
