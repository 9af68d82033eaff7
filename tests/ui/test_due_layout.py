"""The Due list at 80×24 and wider: the full "why", columns that follow their content."""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate

from coffeechat.domain.humanize import due_reason
from coffeechat.domain.rules import Urgency
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from coffeechat.ui.screens.due import DueScreen, status_cell, summary_line
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import seed

SMALL = (80, 24)


def screen_lines(table: KeyedTable) -> list[str]:
    """The table's lines as the terminal shows them (rows scrolled out of view left out)."""
    return [table.render_line(y).text for y in range(table.size.height)]


def all_lines(table: KeyedTable) -> list[str]:
    """Every row rendered at the current column widths, the column labels first.

    (Scrolled-out rows too: DataTable draws a row by its index.)
    """
    nowhere = Coordinate(-1, -1)
    lines = []
    keys = [table._header_row_key, *(row.key for row in table.ordered_rows)]
    for key in keys:
        fixed, scrollable = table._render_line_in_row(key, 0, Style(), nowhere, nowhere)
        cells = [*fixed, *scrollable]  # each cell's segments on this line
        lines.append("".join(segment.text for cell in cells for segment in cell))
    return lines


def column_widths(table: KeyedTable) -> dict[str, int]:
    return {column.label.plain: column.width for column in table.ordered_columns}


async def test_due_keeps_status_contact_and_the_whole_why_at_80x24(
    app_factory, demo_repo: Repository, now: datetime
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DueScreen)
        table = screen.query_one(KeyedTable)
        lines = "\n".join(all_lines(table))
        for item in screen.items.values():
            assert due_reason(item, now) in lines, due_reason(item, now)
            assert item.name in lines
        # The room came from Company, which gave way first.
        widths = column_widths(table)
        assert widths["Company"] < max(len(item.company) for item in screen.items.values())
        assert sum(widths.values()) <= table.size.width
        # And the first screenful shows it: the LATE thank-you's full reason.
        first = next(iter(screen.items.values()))
        assert first.urgency is Urgency.LATE
        late = due_reason(first, now)
        assert late.endswith("h late")
        assert any(late in line for line in screen_lines(table))


async def test_due_uses_the_room_when_the_terminal_grows(
    app_factory, demo_repo: Repository, now: datetime
) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        table = screen.query_one(KeyedTable)
        assert not any("Northwind Health" in line for line in all_lines(table))
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        lines = all_lines(table)
        assert "Company" in lines[0]
        for item in screen.items.values():
            assert any(item.company in line for line in lines), item.company
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        lines = all_lines(table)
        assert "Role" in lines[0]
        assert any("Product Manager" in line for line in lines)  # the room shows the role
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not any("Northwind Health" in line for line in all_lines(table))
        assert column_widths(table)["Role"] == 0


async def test_columns_follow_their_content_after_every_reload(
    app_factory, repo: Repository, now: datetime
) -> None:
    seed(repo, now, "Al", Stage.REQUESTED)  # a nudge: "Nudge" in What
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = pilot.app.screen
        table = screen.query_one(KeyedTable)
        narrow = column_widths(table)
        # A thank-you (a longer word) and a longer name arrive while the list is open.
        contact = seed(repo, now, "Bartholomew Longname", Stage.MET, met_hours_ago=60)
        screen.reload()
        await pilot.pause()
        lines = all_lines(table)
        assert any("Thank-you" in line and "Bartholomew Longname" in line for line in lines)
        assert column_widths(table)["Contact"] > narrow["Contact"]
        # ...and when it goes, the columns narrow again (Textual only ever widened them).
        repo.advance(contact.id, now)
        screen.reload()
        await pilot.pause()
        assert column_widths(table) == narrow


async def test_headings_start_at_the_left_edge_and_the_late_badge_covers_its_word(
    app_factory, repo: Repository, now: datetime
) -> None:
    seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        table = pilot.app.screen.query_one(KeyedTable)
        heading, item = all_lines(table)[1:3]
        assert heading.startswith(" Overdue thank-yous (1)")
        assert item.startswith("  LATE ")
    badge = status_cell(Urgency.LATE, no_color=False)
    assert badge.plain == " LATE "  # the badge's colour runs a space past each side
    assert "on red" in str(badge.style)
    assert not badge.spans


async def test_the_summary_is_one_tidy_line(
    app_factory, demo_repo: Repository, now: datetime
) -> None:
    async with app_factory().run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        summary = pilot.app.screen.query_one("#due-summary").render()
        assert str(summary) == "4 overdue · 5 due today · 14 on the list"
    # One run of text, no styled pieces: screenshots drew a gap where pieces met.
    assert not summary_line([], 2, now).spans
    assert summary_line([], 2, now).plain == "0 overdue · 0 due today · 0 on the list · 2 snoozed"


@pytest.mark.parametrize("urgency", list(Urgency))
def test_without_colour_a_status_is_a_word_with_weight(urgency: Urgency) -> None:
    cell = status_cell(urgency, no_color=True)
    style = Style.parse(str(cell.style)) if cell.style else Style()
    assert style.color is None
    assert style.bgcolor is None
    assert cell.plain.strip() == {"late": "LATE", "overdue": "overdue", "due": "due"}[urgency]
    if urgency is Urgency.LATE:
        assert style.reverse
        assert style.bold
    elif urgency is Urgency.OVERDUE:
        assert style.bold


async def test_no_color_due_list_draws_statuses_by_weight(
    app_factory, repo: Repository, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    seed(repo, now, "Late Larry", Stage.MET, met_hours_ago=60)
    seed(repo, now, "Overdue Olga", Stage.MET, met_hours_ago=30)
    async with app_factory().run_test(size=SMALL) as pilot:
        assert pilot.app.no_color
        await pilot.press("d")
        await pilot.pause()
        table = pilot.app.screen.query_one(KeyedTable)
        statuses = {
            str(table.get_row(key)[0]).strip(): table.get_row(key)[0]
            for key in pilot.app.screen.items
        }
        assert set(statuses) == {"LATE", "overdue"}
        for cell in statuses.values():
            assert isinstance(cell, Text)
            assert "red" not in str(cell.style)
            assert "bold" in str(cell.style)
        # Drawn without a crash at 80 columns, where Company is hidden.
        assert any("Late Larry" in line for line in screen_lines(table))
