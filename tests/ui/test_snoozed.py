"""Snoozed items on Due: a collapsed section that opens, z puts an item back, u undoes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from coffeechat.domain.events import Snooze
from coffeechat.domain.rules import due_items
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.due import SNOOZED_HEADING, DueScreen
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import seed

SMALL = (80, 24)


def row_keys(table: KeyedTable) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def test_snoozed_section_opens_z_unsnoozes_and_u_snoozes_again(
    app_factory, repo: Repository, now: datetime
) -> None:
    seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    sam = seed(repo, now, "Snoozed Sam", Stage.MET, met_hours_ago=60)
    (item,) = [i for i in due_items([sam], now, repo.settings()) if i.contact_id == sam.id]
    repo.snooze(sam.id, item.kind.value, item.ref, now + timedelta(days=7), now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        table = screen.query_one(KeyedTable)
        # Collapsed: the heading says how many, the item itself is not listed.
        assert row_keys(table)[-1] == SNOOZED_HEADING
        assert "Snoozed (1)" in str(table.get_row(SNOOZED_HEADING)[0])
        assert [i.contact_id for i in screen.items.values()] == [seed_id(repo, "Late Larry")]
        assert "1 snoozed" in str(screen.query_one("#due-summary").render())
        # Z opens it, with the cursor on the snoozed item.
        await pilot.press("Z")
        await pilot.pause()
        assert screen.selected_contact_id() == sam.id
        assert row_keys(table)[-2] == SNOOZED_HEADING
        # z on it puts it back on the list, as a change u can take back.
        await pilot.press("z")
        await pilot.pause()
        assert sam.id in [i.contact_id for i in screen.items.values()]
        assert SNOOZED_HEADING not in row_keys(table)
        assert repo.get(sam.id).snoozed_until(item.kind.value, item.ref) == now
        await pilot.press("u")
        await pilot.pause()
        assert sam.id not in [i.contact_id for i in screen.items.values()]
        assert repo.get(sam.id).snoozed_until(item.kind.value, item.ref) == now + timedelta(7)
        assert SNOOZED_HEADING in row_keys(table)


async def test_enter_on_the_snoozed_heading_opens_and_closes_it(
    app_factory, repo: Repository, now: datetime
) -> None:
    sam = seed(repo, now, "Snoozed Sam", Stage.MET, met_hours_ago=60)
    (item,) = due_items([sam], now, repo.settings())
    repo.snooze(sam.id, item.kind.value, item.ref, now + timedelta(days=7), now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        table = screen.query_one(KeyedTable)
        # Nothing else due: the list is just the heading, and the cursor is on it.
        assert row_keys(table) == [SNOOZED_HEADING]
        assert not screen.query_one("#due-empty").display
        await pilot.press("enter")
        await pilot.pause()
        assert len(row_keys(table)) == 2
        assert "back " in str(table.get_row(row_keys(table)[1])[-1])
        await pilot.press("up", "enter")
        await pilot.pause()
        assert row_keys(table) == [SNOOZED_HEADING]
        assert not isinstance(pilot.app.screen, ContactScreen)


async def test_the_timeline_says_an_item_was_put_back(
    app_factory, repo: Repository, now: datetime
) -> None:
    sam = seed(repo, now, "Snoozed Sam", Stage.MET, met_hours_ago=60)
    (item,) = due_items([sam], now, repo.settings())
    repo.snooze(
        sam.id, item.kind.value, item.ref, now + timedelta(days=7), now - timedelta(hours=1)
    )
    repo.unsnooze(sam.id, item.kind.value, item.ref, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert pilot.app.screen.selected_contact_id() == sam.id
        await pilot.press("enter")
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        timeline = page.query_one("#timeline", KeyedTable)
        said = [str(timeline.get_row_at(i)[1]) for i in range(timeline.row_count)]
        assert said[:2] == ["Put the thank-you back on the list", "Snoozed the thank-you until " +
                            f"{(now + timedelta(days=7)).astimezone():%a %d %b}"]  # fmt: skip
        assert [type(e.data) for e in repo.get(sam.id).events[-2:]] == [Snooze, Snooze]


def test_the_palette_offers_the_snoozed_section() -> None:
    (binding,) = [b for b in DueScreen.BINDINGS if getattr(b, "id", "") == "toggle_snoozed"]
    assert binding.description  # type: ignore[union-attr]
    assert binding.tooltip  # type: ignore[union-attr]


def seed_id(repo: Repository, name: str) -> str:
    return next(c.id for c in repo.contacts() if c.name == name)
