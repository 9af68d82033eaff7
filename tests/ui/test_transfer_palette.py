"""Import and export reached from the TUI (the command palette's actions)."""

from __future__ import annotations

import stat
from pathlib import Path

from textual.widgets import Input

from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.transfer import export_bytes, write_private
from coffeechat.ui import transfer_actions
from coffeechat.ui.dialogs.prompts import ConfirmDialog
from tests.ui.conftest import SIZE, status_line

DATA = Path(__file__).parent.parent / "data" / "interchange"


async def test_palette_lists_every_import_and_export(app_factory) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        titles = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        for title, _ in [*transfer_actions.IMPORTS.values(), *transfer_actions.EXPORTS.values()]:
            assert title in titles


async def test_import_shows_a_dry_run_then_imports_on_confirm(app_factory, repo) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_import(pilot.app, "linkedin")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(DATA / "linkedin_connections.csv")
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = str(dialog.query_one("#confirm-body").render())
        assert "Dry run: 5 to add" in body
        assert ":9: no name" in body
        assert repo.contacts() == []  # nothing yet
        await pilot.press("enter")
        await pilot.pause()
        assert len(repo.contacts()) == 5


async def test_import_cancelled_changes_nothing(app_factory, repo) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_import(pilot.app, "vcard")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(DATA / "vcard_google.vcf")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert repo.contacts() == []


async def test_a_broken_file_is_one_clear_message(app_factory, repo, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_import(pilot.app, "json")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(broken)
        await pilot.press("enter")
        await pilot.pause()
        messages = [n.message for n in pilot.app.toasts]
        assert any(str(broken) in m for m in messages)
        assert not isinstance(pilot.app.screen, ConfirmDialog)


async def test_export_writes_a_private_file(app_factory, repo, now, tmp_path) -> None:
    repo.add({"name": "Ada Lovelace"}, now)
    target = tmp_path / "contacts.vcf"
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_export(pilot.app, "vcard")
        await pilot.pause()
        field = pilot.app.screen.query_one(Input)
        assert field.value.endswith("coffeechat-2026-11-22.vcf")
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    assert "FN:Ada Lovelace" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_one_u_takes_back_a_whole_import_added_and_filled_in(
    app_factory, repo, now, tmp_path
) -> None:
    """One undo reverses one import: the people it added and the blanks it filled."""
    known = repo.add({"name": "Ada Lovelace", "email": "ada@example.com"}, now)
    people = tmp_path / "people.csv"
    people.write_text(
        "Name,Email,Company\n"
        "Ada Lovelace,ada@example.com,Analytical Engines\n"
        "Grace Hopper,grace@example.com,Navy\n"
        "Alan Turing,alan@example.com,NPL\n"
    )
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_import(pilot.app, "csv")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(people)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # confirm the dry run
        await pilot.pause()
        assert len(repo.contacts()) == 3
        assert repo.get(known.id).company == "Analytical Engines"
        assert any("u to undo" in t.message for t in pilot.app.toasts)
        await pilot.press("u")
        await pilot.pause()
        assert [c.id for c in repo.contacts()] == [known.id]
        assert repo.get(known.id).company == ""
        assert status_line(pilot.app).startswith("Undid: the import of people.csv")


async def test_palette_help_keeps_acronyms_as_written(app_factory) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        helps = {c.help for c in pilot.app.get_system_commands(pilot.app.screen)}
        assert "A spreadsheet saved as CSV, with a header row" in helps  # not "…as csv…"


async def _restore(pilot, backup: Path) -> None:
    transfer_actions.start_import(pilot.app, "json")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = str(backup)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("enter")  # confirm the dry run
    await pilot.pause()


async def test_one_u_takes_back_a_backup_restore_and_it_can_be_restored_again(
    app_factory, repo, now, tmp_path, db_path
) -> None:
    elsewhere = Repository(tmp_path / "other.json")
    ada = elsewhere.add({"name": "Ada Lovelace"}, now)
    elsewhere.advance(ada.id, now)
    elsewhere.add({"name": "Grace Hopper"}, now)
    backup = tmp_path / "backup.json"
    write_private(backup, export_bytes(elsewhere, "json", now))
    mine = repo.add({"name": "Alan Turing"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await _restore(pilot, backup)
        assert sorted(c.name for c in repo.contacts()) == [
            "Ada Lovelace", "Alan Turing", "Grace Hopper"]  # fmt: skip
        await pilot.press("u")
        await pilot.pause()
        assert [c.id for c in repo.contacts()] == [mine.id]
        assert status_line(pilot.app).startswith("Undid: the import of backup.json")
        # what the dry run promises, the restore does: both come back
        await _restore(pilot, backup)
        restored = {c.name: c for c in repo.contacts()}
        assert sorted(restored) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
        assert restored["Ada Lovelace"].stage is Stage.REQUESTED
    assert len(Repository(db_path).contacts()) == 3


async def test_undoing_a_restore_refuses_if_a_restored_contact_changed_since(
    app_factory, repo, now, tmp_path, db_path
) -> None:
    elsewhere = Repository(tmp_path / "other.json")
    elsewhere.add({"name": "Ada Lovelace"}, now)
    backup = tmp_path / "backup.json"
    write_private(backup, export_bytes(elsewhere, "json", now))
    async with app_factory().run_test(size=SIZE) as pilot:
        await _restore(pilot, backup)
        (ada,) = repo.contacts()
        Repository(db_path).advance(ada.id, now)  # another window moves her on
        await pilot.press("u")
        await pilot.pause()
        assert repo.get(ada.id).stage is Stage.REQUESTED
        assert any("changed since" in t.message for t in pilot.app.toasts)
