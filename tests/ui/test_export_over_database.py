"""The TUI's export prompt and the draft's save-to-file refuse the database's own files."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from coffeechat.storage.repository import Repository
from coffeechat.ui import transfer_actions
from coffeechat.ui.dialogs.prompts import TextPrompt
from tests.ui.conftest import SIZE, seed
from tests.ui.test_draft_and_picker import open_draft, toasts


@pytest.mark.parametrize("kind", sorted(transfer_actions.EXPORTS))
async def test_the_export_prompt_refuses_the_database(app_factory, repo, now, kind) -> None:
    seed(repo, now, "Ada Lovelace")
    before = repo.path.read_bytes()
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_export(pilot.app, kind)
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(repo.path)
        await pilot.press("enter")
        await pilot.pause()
        assert any(
            m == f"{repo.path} is the database itself; choose another file."
            for m in toasts(pilot.app, "error")
        )
    assert repo.path.read_bytes() == before
    assert [c.name for c in Repository(repo.path).contacts()] == ["Ada Lovelace"]


async def test_the_export_prompt_refuses_a_symlink_to_the_database(
    app_factory, repo, now, tmp_path
) -> None:
    seed(repo, now, "Ada Lovelace")
    before = repo.path.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(repo.path)
    async with app_factory().run_test(size=SIZE) as pilot:
        transfer_actions.start_export(pilot.app, "json")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = str(link)
        await pilot.press("enter")
        await pilot.pause()
        assert any("is the database itself" in m for m in toasts(pilot.app, "error"))
    assert repo.path.read_bytes() == before
    assert link.is_symlink()


async def test_the_draft_is_not_saved_into_the_backups_folder(
    app_factory, repo, now, tmp_path
) -> None:
    seed(repo, now, "Ann Lee")
    backups = Path(repo.path).parent / "backups"
    backups.mkdir(exist_ok=True)
    target = backups / "contacts-2099-01-01.json"
    async with app_factory().run_test(size=SIZE) as pilot:
        await open_draft(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(pilot.app.screen, TextPrompt)
        pilot.app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert any(
            m.startswith(f"{target} is in the database's backups folder")
            for m in toasts(pilot.app, "error")
        )
    assert not target.exists()
