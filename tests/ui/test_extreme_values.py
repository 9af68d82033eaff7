"""The TUI starts, and every list draws, on a file of year-9999 dates and 2**62-minute meetings."""

from __future__ import annotations

from pathlib import Path

import pytest

from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.stages import PIPELINE
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.widgets.cards import CardColumn
from tests.ui.conftest import SIZE
from tests.unit.test_rules_extremes import EDGES, NOW, extreme_file


@pytest.mark.parametrize("moment", list(EDGES.values()), ids=list(EDGES))
async def test_board_and_due_draw_a_file_at_the_edges_of_the_calendar(
    tmp_path: Path, moment: str
) -> None:
    repo = Repository(extreme_file(tmp_path / "edge.json", moment))
    app = make_app(repo, frozen_clock(NOW))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = 0
        for stage in PIPELINE:
            column = app.screen.query_one(f"#cards-{stage.value}", CardColumn)
            shown += column.card_count
            for y in range(column.size.height):
                column.render_line(y)  # every card's lines, badges included
        assert shown == 5
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DueScreen)
        await pilot.press("end", "home", "p")
        await pilot.pause()
    assert app.return_code in (0, None)
