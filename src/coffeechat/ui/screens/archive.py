"""Archived contacts, most recently archived first, with restore."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from coffeechat.domain.model import printable
from coffeechat.ui.screens.base import NEEDS_ACTIVE, ContactActionsScreen
from coffeechat.ui.widgets.keyed_table import KeyedTable


class ArchiveScreen(ContactActionsScreen):
    """Everyone taken off the board; `r` puts the selected one back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="back", tooltip="Back to the board"),
        Binding("r", "restore", "Restore", id="restore",
                tooltip="Put the selected contact back on the board"),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        """A count and a table."""
        yield Header()
        yield Label("", id="archive-summary")
        give_way = (("Company", 10), ("Reason", 10), ("Name", 14), ("Company", 0))
        table = KeyedTable(
            id="archive-table", cursor_type="row", zebra_stripes=True, give_way=give_way
        )
        table.add_columns("Name", "Company", "Was", "Reason", "Archived")
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw and focus."""
        super().on_mount()
        self.query_one(KeyedTable).focus()

    def reload(self) -> None:
        """Redraw the archived list."""
        archived = self.coffeechat.repository.archived()
        self.sub_title = "Archived"
        self.query_one("#archive-summary", Label).update(
            f"{len(archived)} archived contact{'s' * (len(archived) != 1)}"
            + (" · r restores the selected one" if archived else "")
        )
        self.query_one(KeyedTable).show_rows(
            [
                (
                    c.id,
                    (
                        Text(printable(c.name)),
                        Text(printable(c.company)),
                        c.stage.label,
                        c.archive_reason,
                        f"{c.archived_at.astimezone():%d %b %Y}" if c.archived_at else "",
                    ),
                )
                for c in archived
            ]
        )

    def selected_contact_id(self) -> str | None:
        """The contact on the highlighted line."""
        return self.query_one(KeyedTable).selected_key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Everyone here is archived: the keys that change a contact wait for `r`."""
        return action not in NEEDS_ACTIVE

    @on(DataTable.RowSelected)
    def _open_row(self) -> None:
        self.action_open()
