"""An open edit form never reverts what another process wrote, and asks when both changed a field.

The repro from the foundation issue: open `e`; elsewhere, an import fills in
the phone; change Role here; ctrl+s.  The phone used to be emptied again
with a "Saved" toast.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from coffeechat.storage.repository import Repository
from coffeechat.ui.dialogs.conflict import ConflictDialog
from coffeechat.ui.dialogs.contact_form import ContactForm
from tests.ui.conftest import SIZE, seed, status_line


async def test_saving_the_form_keeps_a_field_filled_in_elsewhere_meanwhile(
    app_factory, repo: Repository, db_path: Path, now
) -> None:
    contact = seed(repo, now, "Priya Raman", company="Northwind Health")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        # another process (coffeechat import csv) fills in the phone
        Repository(db_path).apply_import([], [(contact.id, {"phone": "+1 555 0100"})], now)
        form.query_one("#field-role", Input).value = "Product Manager"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ContactForm)
        saved = Repository(db_path).get(contact.id)
        assert (saved.role, saved.phone) == ("Product Manager", "+1 555 0100")
        # Said under the board the form was over, once the form is gone.
        assert status_line(pilot.app).startswith("Saved Priya Raman.")


async def test_a_field_changed_in_both_places_asks_and_keeps_theirs_by_default(
    app_factory, repo: Repository, db_path: Path, now
) -> None:
    contact = seed(repo, now, "Priya Raman")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        Repository(db_path).edit(contact.id, {"role": "Head of Product"}, now)
        form.query_one("#field-role", Input).value = "Product Manager"
        form.query_one("#field-company", Input).value = "Northwind"
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        body = str(dialog.query_one("#conflict-body").render())
        assert "Head of Product" in body
        assert "Product Manager" in body
        await pilot.press("enter")  # keep theirs
        await pilot.pause()
        saved = Repository(db_path).get(contact.id)
        assert (saved.role, saved.company) == ("Head of Product", "Northwind")
        assert not isinstance(pilot.app.screen, ContactForm | ConflictDialog)


async def test_keep_mine_overwrites_only_when_asked(
    app_factory, repo: Repository, db_path: Path, now
) -> None:
    contact = seed(repo, now, "Priya Raman")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        Repository(db_path).edit(contact.id, {"role": "Head of Product"}, now)
        form.query_one("#field-role", Input).value = "Product Manager"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConflictDialog)
        await pilot.press("m")
        await pilot.pause()
        assert Repository(db_path).get(contact.id).role == "Product Manager"


async def test_the_keep_mine_button_does_what_m_does(
    app_factory, repo: Repository, db_path: Path, now
) -> None:
    contact = seed(repo, now, "Priya Raman")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        Repository(db_path).edit(contact.id, {"role": "Head of Product"}, now)
        form.query_one("#field-role", Input).value = "Product Manager"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConflictDialog)
        await pilot.click("#mine")
        await pilot.pause()
        assert Repository(db_path).get(contact.id).role == "Product Manager"


async def test_escape_from_the_choice_keeps_the_form_and_what_was_typed(
    app_factory, repo: Repository, db_path: Path, now
) -> None:
    contact = seed(repo, now, "Priya Raman")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        Repository(db_path).edit(contact.id, {"role": "Head of Product"}, now)
        form.query_one("#field-role", Input).value = "Product Manager"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is form
        assert form.query_one("#field-role", Input).value == "Product Manager"
        assert Repository(db_path).get(contact.id).role == "Head of Product"
        # saving again asks again (nothing was decided)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConflictDialog)
