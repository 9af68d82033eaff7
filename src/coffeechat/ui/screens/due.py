"""The Due list in sections: thank-yous (most overdue on top), meetings, promises, upcoming."""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label, Static

from coffeechat.domain.humanize import due_reason
from coffeechat.domain.model import printable
from coffeechat.domain.rules import DueItem, DueKind, Urgency, due_items
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.undo import UndoEntry
from coffeechat.ui.widgets.cards import URGENCY_STYLES
from coffeechat.ui.widgets.keyed_table import Cell, KeyedTable

NOTHING_DUE = """\
[b]Nothing due.[/b]  Every thank-you is sent and every promise kept.

A thank-you is due 24 hours after a meeting and late after 48.
Meetings you schedule (s) show here on their day and the week before;
promises you note in meeting mode (m) show here until you tick them off."""

_STATUS = {Urgency.LATE: "LATE", Urgency.OVERDUE: "overdue", Urgency.DUE: "due"}
_KIND_LABEL = {
    DueKind.THANK_YOU: "Thank-you",
    DueKind.MEETING: "Meeting",
    DueKind.PROMISE: "Promise",
}
SECTION_PREFIX = "section:"


class DueScreen(ContactActionsScreen):
    """What needs doing, in sections, most urgent first; `a` does the highlighted item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance", "Done", id="advance",
                tooltip="Thank-you: mark it sent · promise: tick it off · meeting: meeting mode"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, DueItem] = {}
        self._last_row = 0

    def compose(self) -> ComposeResult:
        """A one-line summary over a table of due items."""
        yield Header()
        yield Label("", id="due-summary")
        table = KeyedTable(id="due-table", cursor_type="row")
        table.add_columns("Status", "What", "Contact", "Company", "Why")
        yield table
        yield Static(NOTHING_DUE, id="due-empty")
        yield Footer()

    def on_mount(self) -> None:
        """Draw and focus the list."""
        super().on_mount()
        self.query_one(KeyedTable).focus()

    def reload(self) -> None:
        """Recompute what is due at the app clock's now."""
        now = self.now()
        items = due_items(self.coffeechat.repository.contacts(), now, self.coffeechat.settings)
        self.items = {item.key: item for item in items}
        overdue = sum(item.overdue for item in items)
        self.query_one("#due-summary", Label).update(
            f"[b]{overdue}[/b] overdue · [b]{len(items) - overdue}[/b] coming up"
        )
        rows: list[tuple[str, tuple[Cell, ...]]] = []
        for section, group in groupby(items, key=lambda item: item.section):
            members = list(group)
            title = Text(f"{section.value} ({len(members)})", style="bold")
            rows.append((SECTION_PREFIX + section.value, (title, "", "", "", "")))
            rows.extend(
                (
                    item.key,
                    (
                        Text(_STATUS[item.urgency], style=URGENCY_STYLES[item.urgency]),
                        _KIND_LABEL[item.kind],
                        Text(printable(item.name)),
                        Text(printable(item.company)),
                        Text(printable(due_reason(item, now))),
                    ),
                )
                for item in members
            )
        table = self.query_one(KeyedTable)
        table.show_rows(rows)
        key = table.selected_key
        if key is not None and key.startswith(SECTION_PREFIX) and table.cursor_row + 1 < len(rows):
            table.move_cursor(row=table.cursor_row + 1, animate=False)
            self._last_row = table.cursor_row
        self.query_one("#due-table").display = bool(items)
        self.query_one("#due-empty").display = not items
        self.sub_title = "Due"

    def selected_item(self) -> DueItem | None:
        """The due item on the highlighted line (None on a section heading)."""
        key = self.query_one(KeyedTable).selected_key
        return self.items.get(key) if key else None

    def selected_contact_id(self) -> str | None:
        """The contact on the highlighted line."""
        item = self.selected_item()
        return item.contact_id if item else None

    def action_advance(self) -> None:
        """Do the highlighted item: send the thank-you, keep the promise, hold the meeting."""
        item = self.selected_item()
        if item is None or item.kind is DueKind.THANK_YOU:
            super().action_advance()
        elif item.kind is DueKind.MEETING:
            self.action_meeting()
        else:
            self._tick_off(item)

    def _tick_off(self, item: DueItem) -> None:
        repository = self.coffeechat.repository
        contact_id, promise_id = item.contact_id, item.ref
        done = self.coffeechat.save(
            lambda: repository.set_promise_done(contact_id, promise_id, self.now())
        )
        if done is None:
            return
        self.coffeechat.undo_stack.push(
            UndoEntry(
                (),
                f"ticked off “{item.detail}”",
                revert=lambda: repository.set_promise_done(contact_id, promise_id, None),
            )
        )
        self.notify(f"Ticked off “{item.detail}” for {item.name}.  (u to undo)", timeout=4)

    @on(DataTable.RowHighlighted)
    def _skip_headings(self, event: DataTable.RowHighlighted) -> None:
        """The cursor steps over section headings, in the direction it was going."""
        table = self.query_one(KeyedTable)
        row = event.cursor_row
        key = event.row_key.value
        if key is None or not key.startswith(SECTION_PREFIX):
            self._last_row = row
            return
        step = -1 if row < self._last_row else 1
        target = row + step
        if not 0 <= target < table.row_count:
            target = row - step  # the first heading, going up: stay on the item below it
        if 0 <= target < table.row_count:
            table.move_cursor(row=target, animate=False)

    @on(DataTable.RowSelected)
    def _open_row(self) -> None:
        if self.selected_item() is not None:
            self.action_open()
