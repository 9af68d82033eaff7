"""Fixtures for Pilot and snapshot tests: an app on a temp database at a frozen clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.demo import demo_contacts
from coffeechat.domain.model import Contact
from coffeechat.domain.rules import Settings
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui import board as board_module
from coffeechat.ui.app import CoffeechatApp, make_app
from coffeechat.ui.widgets.cards import Card, CardColumn
from tests.conftest import counting_ids

SIZE = (120, 40)


def seed(
    repo: Repository,
    now: datetime,
    name: str,
    stage: Stage = Stage.IDENTIFIED,
    *,
    company: str = "",
    met_hours_ago: float = 30,
) -> Contact:
    """Add a contact and move it to ``stage``; the meeting ``met_hours_ago`` before now."""
    # Early enough that every move comes after the one before (met 200 days ago, say).
    start = now - max(timedelta(days=10), timedelta(hours=met_hours_ago, days=2))
    contact = repo.add({"name": name, "company": company}, start)
    while contact.stage is not stage:
        target = contact.stage.next
        at = now - timedelta(hours=met_hours_ago) if target is Stage.MET else None
        when = at or start + timedelta(days=1)
        if target in (Stage.THANKED, Stage.FOLLOW_UP):
            when = now - timedelta(hours=met_hours_ago / 2)
        contact, _ = repo.advance(contact.id, now, at=when)
    return contact


@pytest.fixture
def repo(db_path: Path) -> Repository:
    """The TUI's repository as it runs: saves go to the journal (folded when idle, at exit)."""
    return Repository(db_path, id_factory=counting_ids(), journal=True)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the contacts whose cards are made (due items worked out), in order."""
    names: list[str] = []
    real = board_module.make_card

    def counting(contact: Contact, when: datetime, settings: Settings) -> Card:
        names.append(contact.name)
        return real(contact, when, settings)

    monkeypatch.setattr(board_module, "make_card", counting)
    return names


@pytest.fixture
def app_factory(repo: Repository, now: datetime) -> Callable[[], CoffeechatApp]:
    """Build the app the way the CLI does, on the test's repository and clock."""
    return lambda: make_app(repo, frozen_clock(now))


@pytest.fixture
def demo_repo(repo: Repository, now: datetime) -> Repository:
    """The repository filled with the --demo contacts (predictable ids)."""
    repo.insert_many(demo_contacts(now - timedelta(minutes=1), counting_ids("d")))
    return repo


def highlighted_name(app: App[None], repo: Repository) -> str | None:
    """The name on the card or row the keys act on."""
    contact_id = app.screen.selected_contact_id()  # type: ignore[attr-defined]
    return repo.get(contact_id).name if contact_id else None


def status_line(app: App[None]) -> str:
    """What the board's status line says (the confirmations of board keys go there)."""
    return str(app.screen.query_one("#status", Static).content)


def card_ids(app: App[None], stage: Stage) -> list[str]:
    """The contact ids in one board column, top to bottom."""
    column = app.screen.query_one(f"#cards-{stage.value}", CardColumn)
    return list(column.ids)


async def palette_answered(pilot: Pilot[None]) -> None:
    """Let every palette provider answer what is typed so far (no timed wait).

    Its entries come in from a worker per search, in batches; enter before the
    last batch could pick an entry that was about to move down.
    """
    await pilot.pause()
    searches = [w for w in pilot.app.workers if w.group == CommandPalette._GATHER_COMMANDS_GROUP]
    await pilot.app.workers.wait_for_complete(searches)
    await pilot.pause()
