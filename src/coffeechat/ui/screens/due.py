"""The Due list in sections: thank-yous (most overdue on top), meetings, promises, upcoming."""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label, Static

from coffeechat.domain.humanize import due_reason, due_summary
from coffeechat.domain.model import printable
from coffeechat.domain.rules import GIVE_UP, DueItem, DueKind, Settings, Urgency, due_items
from coffeechat.ui import actions
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.widgets.cards import URGENCY_STYLES
from coffeechat.ui.widgets.keyed_table import Cell, KeyedTable


def nothing_due(settings: Settings) -> str:
    """The empty list's text, with the user's own limits (not the defaults)."""
    return (
        "[b]Nothing due.[/b]  Every thank-you is sent and every promise kept.\n\n"
        f"A thank-you is due {settings.thank_you_due_hours} hours after a meeting and late "
        f"after {settings.thank_you_late_hours}; a follow-up\n"
        f"every {settings.follow_up_months} months after you were last in touch; a nudge "
        f"{_days(settings.nudge_days)} after a request\n"
        "nobody answered.  Meetings (s) and promises (m) show on their day and the\n"
        "week before.  z snoozes a line; f logs a follow-up."
    )


def _days(days: int) -> str:
    return "a week" if days == 7 else f"{days} days"


_STATUS = {Urgency.LATE: "LATE", Urgency.OVERDUE: "overdue", Urgency.DUE: "due"}
_KIND_LABEL = {
    DueKind.THANK_YOU: "Thank-you",
    DueKind.MEETING: "Meeting",
    DueKind.PROMISE: "Promise",
    DueKind.FOLLOW_UP: "Follow-up",
    DueKind.NUDGE: "Nudge",
}
SECTION_PREFIX = "section:"


class DueScreen(ContactActionsScreen):
    """What needs doing, in sections, most urgent first; `a` does the highlighted item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance", "Done", id="advance",
                tooltip="Thank-you: sent · promise: ticked off · meeting: meeting mode · "
                        "follow-up or nudge: sent now · 'archive?': archived"),
        Binding("d", "app.show_due", "Due", id="due", show=False),  # already here
        Binding("z", "snooze", "Snooze", id="snooze",
                tooltip="Hide the highlighted item for a week, a month… or until a date"),
        Binding("n", "new", "New", id="new", show=False, tooltip="Add a person to the pipeline"),
        Binding("t", "draft", "Draft", id="draft",
                tooltip="Draft the message this item needs (thank-you, follow-up)"),
        # A home screen: the way to the other one, and out, in the footer.
        Binding("p", "app.show_pipeline", "Pipeline", id="pipeline", tooltip="The board of stages"),
        Binding("question_mark", "app.toggle_help", "Keys", id="help", key_display="?",
                tooltip="Show or hide every key for this screen"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Leave coffeechat"),
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
        # Fixed widths for the short columns: a refresh that brings a longer
        # word ("Thank-you" after "Meeting") would otherwise be clipped.
        table.add_columns("Status", "What", "Contact", "Company", "Why")
        yield table
        yield Static("", id="due-empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw and focus the list."""
        super().on_mount()
        self.query_one(KeyedTable).focus()

    def reload(self) -> None:
        """Recompute what is due at the app clock's now."""
        now = self.now()
        settings = self.coffeechat.settings
        items = due_items(self.coffeechat.repository.contacts(), now, settings)
        self.items = {item.key: item for item in items}
        self.query_one("#due-summary", Label).update(
            f"{due_summary(items, now)} · [b]{len(items)}[/b] on the list"
        )
        rows: list[tuple[str, tuple[Cell, ...]]] = []
        for section, group in groupby(items, key=lambda item: item.section):
            members = list(group)
            title = Text(f"{section.value} ({len(members)})", style="bold")
            # The heading sits in the Contact column: in Status it would widen the
            # narrowest column to the longest heading and crowd out the reasons.
            rows.append((SECTION_PREFIX + section.value, ("", "", title, "", "")))
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
        empty = self.query_one("#due-empty", Static)
        empty.display = not items
        if not items:
            empty.update(nothing_due(settings))
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
        elif item.kind is DueKind.PROMISE:
            self.run_flow(actions.tick_off(self.coffeechat, item))
        elif item.kind is DueKind.NUDGE and item.detail == GIVE_UP:
            self.run_flow(actions.give_up(self.coffeechat, item))
        else:
            self.run_flow(actions.touched_now(self.coffeechat, item))

    def action_snooze(self) -> None:
        """Hide the highlighted item until a later date."""
        item = self.selected_item()
        if item is None:
            self.notify("Select a line first.", timeout=3)
            return
        self.run_flow(actions.snooze(self.coffeechat, item))

    @on(DataTable.RowHighlighted)
    def _skip_headings(self, event: DataTable.RowHighlighted) -> None:
        """The cursor steps over section headings, in the direction it was going."""
        table = self.query_one(KeyedTable)
        row = event.cursor_row
        if row != table.cursor_row or not table.row_count:
            # Stale: a redraw moved the cursor since (to the row 0 heading and then
            # on).  Acting on it would send the cursor from where it is to the top.
            return
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
