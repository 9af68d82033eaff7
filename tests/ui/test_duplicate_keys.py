"""Duplicates in the TUI: D deletes, M merges, n warns, a referral already there is linked."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.commands import TITLES
from coffeechat.ui.dialogs.duplicates import ExistingContactDialog, MergeDialog, MergePicker
from coffeechat.ui.dialogs.finish import FinishDialog
from coffeechat.ui.dialogs.prompts import ConfirmDialog
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.ui.conftest import SIZE, card_ids, seed, status_line
from tests.ui.test_meeting_mode import with_meeting


async def test_shift_d_deletes_after_asking_and_u_brings_them_back(app_factory, repo, now) -> None:
    contact = seed(repo, now, "Grace Hopper")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("D")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert repo.contacts() == [contact]
        await pilot.press("D", "enter")
        await pilot.pause()
        assert repo.contacts(include_archived=True) == []
        assert card_ids(pilot.app, Stage.IDENTIFIED) == []
        assert status_line(pilot.app).startswith("Deleted Grace Hopper.")
        await pilot.press("u")
        await pilot.pause()
        assert [c.id for c in repo.contacts()] == [contact.id]
        assert card_ids(pilot.app, Stage.IDENTIFIED) == [contact.id]


async def test_shift_m_merges_a_picked_duplicate_and_u_takes_it_all_back(
    app_factory, repo, now
) -> None:
    keep = seed(repo, now, "Ada Lovelace", Stage.MET, company="Engines")
    other = repo.add({"name": "Ada L.", "company": "Engines Ltd", "email": "ada@e.org"}, now)
    seed(repo, now, "Zed Shaw", Stage.THANKED)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("right")  # to Met, where Ada is (the empty Requested is stepped over)
        await pilot.pause()
        await pilot.press("M")
        picker = pilot.app.screen
        assert isinstance(picker, MergePicker)
        await pilot.press(*"ada l")
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, MergeDialog)
        body = str(dialog.query_one("#merge-body").render())
        assert "Fills in Email from Ada L." in body
        choices = dialog.query_one("#merge-fields", SelectionList)
        assert choices.option_count == 2  # name and company differ
        choices.select("company")
        await pilot.press("ctrl+s")
        await pilot.pause()
        survivor = repo.get(keep.id)
        assert (survivor.name, survivor.company, survivor.email) == (
            "Ada Lovelace",
            "Engines Ltd",
            "ada@e.org",
        )
        assert other.id not in {c.id for c in repo.contacts()}
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(keep.id).fields() == keep.fields()
        assert repo.get(other.id).fields() == other.fields()
        assert status_line(pilot.app) == "Undid: merged Ada L. into Ada Lovelace."


async def test_n_warns_of_a_name_and_company_already_there_and_opens_them(
    app_factory, repo, now
) -> None:
    priya = seed(repo, now, "Priya Raman", Stage.MET, company="Northwind Health")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n", *"priya raman", "tab", *"Northwind Health", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExistingContactDialog)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactScreen)
        assert pilot.app.screen.contact_id == priya.id
        assert len(repo.contacts()) == 1


async def test_n_of_a_duplicate_can_still_add_anyway(app_factory, repo, now) -> None:
    seed(repo, now, "Priya Raman", company="Northwind Health")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n", *"Priya Raman", "tab", *"Northwind Health", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        assert [c.name for c in repo.contacts()] == ["Priya Raman", "Priya Raman"]


async def test_finishing_a_meeting_links_a_referral_already_on_the_board(
    app_factory, repo, now
) -> None:
    sam = seed(repo, now, "Sam Lee", Stage.THANKED, company="Acme")
    contact, _ = with_meeting(repo, now, referrals=("sam lee, ACME",))
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, FinishDialog)
        assert "Sam Lee is already on your board; linked as introduced by Priya Raman." in str(
            dialog.query_one("#dialog-explanation").render()
        )
        dialog.query_one("#when", Input).value = "today 9:30"
        await pilot.press("enter")
        await pilot.pause()
        assert [c.name for c in repo.contacts()].count("Sam Lee") == 1
        assert repo.get(sam.id).referrer_id == contact.id
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(sam.id).referrer_id == ""


def test_the_palette_names_delete_and_merge() -> None:
    assert TITLES["delete"] == "Delete contact"
    assert TITLES["merge"] == "Merge duplicate contacts"


async def test_shift_m_keeps_the_copy_further_along_and_says_so_first(
    app_factory, repo, now
) -> None:
    """M on the identified copy of someone met: the met one stays, or her thank-you is lost."""
    repo.add({"name": "Ann Lee", "company": "Acme", "role": "Analyst"}, now)
    met = seed(repo, now, "Ann Lee", Stage.MET, company="Acme", met_hours_ago=48)
    repo.edit(met.id, {"email": "ann@acme.com", "role": "Lead"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("M")  # on the identified Ann, the first card
        await pilot.pause()
        await pilot.press("enter")  # the met Ann, the likeliest duplicate
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, MergeDialog)
        body = str(dialog.query_one("#merge-body").render())
        assert "Keeps Ann Lee (met) — further along; merges the identified copy into it." in body
        title = str(dialog.query_one("#dialog-title").render())
        others = [c for c in repo.contacts() if c.id != met.id]
        assert title == f"Merge Ann Lee (id {others[0].id[:8]}) into Ann Lee (id {met.id[:8]})?"
        choices = dialog.query_one("#merge-fields", SelectionList)
        assert choices.get_option_at_index(0).prompt == "Role: Analyst  (instead of Lead)"
        await pilot.press("ctrl+s")
        await pilot.pause()
        (ann,) = repo.contacts()
        assert (ann.id, ann.stage, ann.role) == (met.id, Stage.MET, "Lead")
        assert ann.email == "ann@acme.com"
        assert any(
            "Kept Ann Lee (met) — further along; merged the identified copy into it." in n.message
            for n in pilot.app.toasts
        )


async def test_shift_m_after_the_picked_one_was_deleted_elsewhere_names_them(
    app_factory, repo, now, db_path
) -> None:
    seed(repo, now, "Ada Lovelace", company="Engines")
    other = repo.add({"name": "Ada L.", "company": "Engines"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MergePicker)
        Repository(db_path).delete(other.id, now)  # in another window
        await pilot.press(*"ada l", "enter")
        await pilot.pause()
        said = [n.message for n in pilot.app.toasts]
        assert any("Ada L. was deleted (perhaps elsewhere); nothing merged." in m for m in said)
        assert not any(other.id in m for m in said)
        assert isinstance(pilot.app.screen, PipelineScreen)


async def test_merging_two_different_names_warns_first(app_factory, repo, now) -> None:
    """Enter in the picker on someone else entirely: the dialog says the names differ."""
    repo.add({"name": "Grace Mbeki", "company": "Civic"}, now)
    repo.add({"name": "Ahmed Farouk", "company": "Sandstone"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("M")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, MergeDialog)
        body = str(dialog.query_one("#merge-body").render())
        assert body.startswith("Their names differ: check these are one person.")
