"""A DataTable whose rows are keyed by id and updated in place on refresh."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

Cell = str | Text


class KeyedTable(DataTable[Cell]):
    """Rows keyed by a stable id; ``show_rows`` keeps the cursor on the same row."""

    # j/k as on the board and in every list, besides the arrow keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def action_scroll_home(self) -> None:
        """Home: the first row, as in every list (DataTable's goes to the first column)."""
        if self.cursor_type == "row":
            if self.row_count:  # an empty table has no row to highlight
                self.action_scroll_top()
        else:
            super().action_scroll_home()

    def action_scroll_end(self) -> None:
        """End: the last row, as in every list (DataTable's goes to the last column)."""
        if self.cursor_type == "row":
            if self.row_count:
                self.action_scroll_bottom()
        else:
            super().action_scroll_end()

    def show_rows(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Show these (key, cells) rows in this order."""
        current = self.selected_key
        old_keys = [row.key.value for row in self.ordered_rows]
        new_keys = [key for key, _ in rows]
        if old_keys == new_keys:
            column_keys = list(self.columns)
            for key, cells in rows:
                for column_key, cell in zip(column_keys, cells, strict=True):
                    if self.get_cell(key, column_key) != cell:
                        # A longer value must widen its column, not be clipped.
                        self.update_cell(key, column_key, cell, update_width=True)
            return
        old_row = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if not rows:
            return
        if current in new_keys:
            self.move_cursor(row=new_keys.index(current), animate=False)
        else:
            self.move_cursor(row=min(old_row, len(rows) - 1), animate=False)

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.row_count:
            return None
        return self.ordered_rows[self.cursor_row].key.value
