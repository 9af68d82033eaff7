"""A DataTable whose rows are keyed by id, updated in place, with columns that fit the width.

Textual's DataTable sizes a column to the widest cell it has measured and
never shrinks it, so a table refreshed with longer words clipped them
("Thank-y") and a table wider than the terminal cut its last column.  Here
every ``show_rows`` and every resize measures the content again and lays the
columns out across the width the table has: each column as wide as its
widest cell, and when that is too wide, the columns named in ``give_way``
shorten (with an ellipsis) or hide, in that order.  Heading rows run across
the whole table from its left edge, whatever the columns underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.console import RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.text import Text
from textual import events
from textual._types import SegmentLines
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets._data_table import Column, CursorType, RowRenderables

Cell = str | Text

#: Blank cells on each side of a cell's text (the table's own padding is 0,
#: so that a heading row can run on from one column into the next).
PAD = 1


class Heading(NamedTuple):
    """A row that is a heading: its text starts at the left edge and runs across the columns."""

    text: Text


Row = Sequence[Cell] | Heading


def _text(cell: object) -> Text:
    """The cell as DataTable shows it (a str is markup, as in its default formatter)."""
    if isinstance(cell, Text):
        return cell
    return Text.from_markup(cell) if isinstance(cell, str) else Text(str(cell))


class KeyedTable(DataTable[Cell]):
    """Rows keyed by a stable id; ``show_rows`` keeps the cursor on the same row.

    ``give_way`` lists (column label, narrowest width) in the order columns
    give up room when the content is wider than the table; a narrowest width
    of 0 hides the column.  Columns not listed always show in full.
    """

    # j/k as on the board and in every list, besides the arrow keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(
        self,
        *,
        give_way: Sequence[tuple[str, int]] = (),
        id: str | None = None,
        classes: str | None = None,
        cursor_type: CursorType = "row",
        zebra_stripes: bool = False,
    ) -> None:
        super().__init__(
            id=id,
            classes=classes,
            cursor_type=cursor_type,
            zebra_stripes=zebra_stripes,
            cell_padding=0,
        )
        self._give_way = tuple(give_way)
        self._headings: dict[str, Text] = {}
        self._natural: dict[str, int] = {}  # label → widest content (text only)

    # -- keys ---------------------------------------------------------------

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

    # -- rows ---------------------------------------------------------------

    def show_rows(self, rows: Sequence[tuple[str, Row]]) -> None:
        """Show these (key, cells or Heading) rows in this order, and fit the columns to them."""
        columns = self.ordered_columns
        self._headings = {key: row.text for key, row in rows if isinstance(row, Heading)}
        blank: tuple[Cell, ...] = ("",) * (len(columns) - 1)
        cells_by_key: dict[str, tuple[Cell, ...]] = {
            key: (row.text, *blank) if isinstance(row, Heading) else tuple(row) for key, row in rows
        }
        self._measure([cells for key, cells in cells_by_key.items() if key not in self._headings])
        current = self.selected_key
        old_keys = [row.key.value for row in self.ordered_rows]
        new_keys = [key for key, _ in rows]
        if old_keys == new_keys:
            for key, cells in cells_by_key.items():
                for column, cell in zip(columns, cells, strict=True):
                    if self.get_cell(key, column.key) != cell:
                        self.update_cell(key, column.key, cell)
            self.fit_columns()
            return
        old_row = self.cursor_row
        self.clear()
        for key, cells in cells_by_key.items():
            self.add_row(*cells, key=key)
        self.fit_columns()
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

    # -- widths -------------------------------------------------------------

    def _measure(self, rows: Sequence[Sequence[Cell]]) -> None:
        columns = self.ordered_columns
        natural = [column.label.cell_len for column in columns]
        for cells in rows:
            for index, cell in enumerate(cells):
                natural[index] = max(natural[index], _text(cell).cell_len)
        self._natural = {
            column.label.plain: width for column, width in zip(columns, natural, strict=True)
        }

    def column_widths(self, available: int) -> dict[str, int]:
        """Each column's width (its padding included; 0 if hidden) in ``available`` cells."""
        natural = {label: width + 2 * PAD for label, width in self._natural.items()}
        if natural:
            natural[next(reversed(natural))] -= PAD  # nothing to keep apart on the right
        widths = dict(natural)
        excess = sum(widths.values()) - available
        for label, narrowest in self._give_way:
            if excess <= 0:
                break
            current = widths.get(label, 0)
            # Narrowest 0 hides the column: one cut to a few letters says nothing.
            new = max(narrowest + 2 * PAD, current - excess) if narrowest else 0
            widths[label] = min(current, new)
            excess -= current - widths[label]
        # A column hidden later may free more than was needed: the ones shortened
        # before it take the room back ("Meeting scheduled for Fri 04 …" beside nothing).
        for label, _ in reversed(self._give_way):
            if excess >= 0:
                break
            current = widths.get(label, 0)
            if current:
                grown = min(natural[label], current - excess)
                excess += grown - current
                widths[label] = grown
        return widths

    def fit_columns(self) -> None:
        """Lay the columns out across the table's width (again: after new rows, on resize)."""
        width = self.size.width
        if not width or not self.columns:
            return  # not laid out yet: the resize that follows fits them
        header = self.header_height if self.show_header else 0
        if self.row_count + header > self.size.height:
            width -= self.styles.scrollbar_size_vertical
        widths = self.column_widths(width)
        changed = False
        for column in self.ordered_columns:
            new = widths.get(column.label.plain, 0)
            if column.auto_width or column.width != new:
                column.auto_width = False
                column.width = new
                changed = True
        if changed:
            # Widths live outside DataTable's change tracking: every cached
            # rendering of a cell or line depends on them.
            self._clear_caches()
            self._update_count += 1
            self._require_update_dimensions = True
            self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """A new width: lay the columns out again."""
        self.fit_columns()

    # -- rendering ----------------------------------------------------------

    def _compute_row_renderables(self, row_index: int) -> RowRenderables:
        """Each cell padded and shortened with an ellipsis to its width; headings run across."""
        label, cells = super()._compute_row_renderables(row_index)
        columns = self.ordered_columns
        if row_index >= 0:
            row_key = self._row_locations.get_key(row_index)
            if row_key is not None and row_key.value in self._headings:
                return RowRenderables(label, self._split(self._headings[row_key.value], columns))
        last = len(columns) - 1
        return RowRenderables(
            label,
            [
                _padded(cell, column, last=index == last)
                for index, (cell, column) in enumerate(zip(cells, columns, strict=False))
            ],
        )

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A hidden column renders as nothing at all.

        Rich crops a cell to width 0 as an unstyled empty segment, and the
        NO_COLOR filter (Textual's Monochrome) fails on a segment with no style.
        """
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if width:
            return lines
        return [[segment for segment in line if segment.text] for line in lines]

    @staticmethod
    def _split(heading: Text, columns: Sequence[Column]) -> list[RenderableType]:
        text = Text(" " * PAD) + heading
        text.no_wrap = True
        offsets, edge = [], 0
        for column in columns[:-1]:
            edge += column.width
            offsets.append(edge)
        return list(text.divide(offsets))


def _padded(cell: RenderableType, column: Column, *, last: bool) -> RenderableType:
    if not column.width:
        return Text("")
    if isinstance(cell, Text):
        cell = cell.copy()
        cell.no_wrap = True
        cell.overflow = "ellipsis"
    return Padding(cell, (0, 0 if last else PAD, 0, PAD))
