"""The Due list: overdue thank-yous first (most overdue on top), then those coming due."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label, Static

from coffeechat.domain.humanize import due_reason
from coffeechat.domain.model import printable
from coffeechat.domain.rules import Urgency, due_items
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.widgets.cards import URGENCY_STYLES
from coffeechat.ui.widgets.keyed_table import KeyedTable

NOTHING_DUE = """\
[b]Nothing due.[/b]  Every thank-you is sent.

A thank-you is due 24 hours after a meeting and late after 48.
Meetings you log with [b]a[/b] on the board show up here."""

_STATUS = {Urgency.LATE: "LATE", Urgency.OVERDUE: "overdue", Urgency.DUE: "due soon"}


class DueScreen(ContactActionsScreen):
    """What needs doing, most urgent first; `a` marks a thank-you sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance", "Thank-you sent", id="advance",
                tooltip="Mark the thank-you sent (moves the contact to Thanked)"),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        """A one-line summary over a table of due items."""
        yield Header()
        yield Label("", id="due-summary")
        table = KeyedTable(id="due-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Status", "Thank-you to", "Company", "Why")
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
        overdue = sum(item.overdue for item in items)
        coming = len(items) - overdue
        self.query_one("#due-summary", Label).update(
            f"[b]{overdue}[/b] overdue thank-you{'s' * (overdue != 1)} · "
            f"[b]{coming}[/b] due in the next 24 hours"
        )
        self.query_one(KeyedTable).show_rows(
            [
                (
                    item.contact_id,
                    (
                        Text(_STATUS[item.urgency], style=URGENCY_STYLES[item.urgency]),
                        Text(printable(item.name)),
                        Text(printable(item.company)),
                        due_reason(item, now),
                    ),
                )
                for item in items
            ]
        )
        self.query_one("#due-table").display = bool(items)
        self.query_one("#due-empty").display = not items
        self.sub_title = "Due"

    def selected_contact_id(self) -> str | None:
        """The contact on the highlighted line."""
        return self.query_one(KeyedTable).selected_key

    @on(DataTable.RowSelected)
    def _open_row(self) -> None:
        self.action_open()
