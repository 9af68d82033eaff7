"""The contact page, the archived list and the network at 80×24: whole words, focus in view."""

from __future__ import annotations

from datetime import datetime

from textual.pilot import Pilot
from textual.widget import Widget

from coffeechat.domain.model import ArchiveReason
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.screens.archive import ArchiveScreen
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.network import NetworkScreen
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import seed

SMALL = (80, 24)


def in_view(widget: Widget) -> bool:
    """The widget's first line is on screen, inside whatever scrolls it."""
    geometry = widget.screen.find_widget(widget)
    shown = geometry.region.intersection(geometry.clip).intersection(widget.screen.region)
    return bool(shown.area) and shown.y == geometry.region.y


async def tab_through(pilot: Pilot[None]) -> list[Widget]:
    """Tab once round the screen's focus chain; every focused widget must be in view."""
    screen = pilot.app.screen
    seen: list[Widget] = []
    for _ in range(len(screen.focus_chain) + 1):
        await pilot.press("tab")
        await pilot.pause()
        focused = pilot.app.focused
        assert focused is not None
        assert in_view(focused), f"{focused!r} is focused but out of view"
        seen.append(focused)
    assert set(seen) == set(screen.focus_chain)
    return seen


def columns_fit(table: KeyedTable) -> None:
    """Every column shows its widest cell in full, within the table's width."""
    widths = {column.label.plain: column.width for column in table.ordered_columns}
    assert sum(widths.values()) <= table.size.width
    for row in table.ordered_rows:
        for column, cell in zip(table.ordered_columns, table.get_row(row.key), strict=True):
            assert len(str(cell)) < column.width, (column.label.plain, str(cell))


async def test_contact_page_at_80x24_scrolls_to_what_is_focused(
    app_factory, repo: Repository, now: datetime
) -> None:
    contact = seed(repo, now, "Peter Lindqvist", Stage.FOLLOW_UP, company="Arctic Logistics")
    async with app_factory().run_test(size=SMALL) as pilot:
        pilot.app.show_screen("contact", contact.id)
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        timeline = page.query_one("#timeline", KeyedTable)
        assert timeline in await tab_through(pilot)
        # The whole timeline shows, "Recorded" too, with no word cut.
        columns_fit(timeline)
        assert "Recorded" in [column.label.plain for column in timeline.ordered_columns]
        assert all(column.width for column in timeline.ordered_columns)


async def test_a_long_note_shortens_what_before_when_goes(
    app_factory, repo: Repository, now: datetime
) -> None:
    contact = seed(repo, now, "Ada", Stage.THANKED)
    repo.follow_up(contact.id, now, "coffee", "talked shop " * 12, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        pilot.app.show_screen("contact", contact.id)
        await pilot.pause()
        timeline = pilot.app.screen.query_one("#timeline", KeyedTable)
        widths = {column.label.plain: column.width for column in timeline.ordered_columns}
        assert sum(widths.values()) <= timeline.size.width
        assert widths["When"] > len("Sun 05 Jul 2026 09:59")


async def test_archived_list_at_80x24_shows_every_column_whole(
    app_factory, repo: Repository, now: datetime
) -> None:
    long_company = "Civic Data Trust for Open Government and Public Records Research"
    for name, company in (("Grace Mbeki", long_company), ("Arjun Mehta", "Stackline")):
        contact = seed(repo, now, name, Stage.REQUESTED, company=company)
        repo.archive(contact.id, ArchiveReason.NO_RESPONSE, now)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("A")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ArchiveScreen)
        table = screen.query_one(KeyedTable)
        widths = {column.label.plain: column.width for column in table.ordered_columns}
        assert sum(widths.values()) <= table.size.width  # nothing runs off the right
        assert widths["Name"] > len("Grace Mbeki")  # the long company gave way
        assert widths["Archived"] > len("22 Nov 2026")
        assert 0 < widths["Company"] < len(long_company)
        await tab_through(pilot)


async def test_network_at_80x24_keeps_the_tree_in_view(
    app_factory, demo_repo: Repository, now: datetime
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("w")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, NetworkScreen)
        await tab_through(pilot)
        tree = screen.query_one("#network-tree")
        assert tree.virtual_size.width <= tree.size.width  # no label runs off the right
        summary = str(screen.query_one("#network-summary").render())
        assert summary.endswith("became meetings")
