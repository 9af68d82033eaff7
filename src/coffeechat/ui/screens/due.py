"""The Due list in sections: thank-yous (most overdue on top), meetings, promises, upcoming."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label, Static

from coffeechat.domain.humanize import due_reason, due_summary
from coffeechat.domain.model import ArchiveReason, printable
from coffeechat.domain.rules import GIVE_UP, DueItem, DueKind, Urgency, due_items, snooze_key
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.widgets.cards import URGENCY_STYLES
from coffeechat.ui.widgets.keyed_table import Cell, KeyedTable

NOTHING_DUE = """\
[b]Nothing due.[/b]  Every thank-you is sent and every promise kept.

A thank-you is due 24 hours after a meeting and late after 48; a follow-up
every 3 months after you were last in touch; a nudge a week after a request
nobody answered.  Meetings (s) and promises (m) show on their day and the
week before.  z snoozes a line; f logs a follow-up."""

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
        yield Static(NOTHING_DUE, id="due-empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw and focus the list."""
        super().on_mount()
        self.query_one(KeyedTable).focus()

    def reload(self) -> None:
        """Recompute what is due at the app clock's now."""
        now = self.now()
        items = due_items(self.coffeechat.repository.contacts(), now, self.coffeechat.settings)
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
        elif item.kind is DueKind.PROMISE:
            self._tick_off(item)
        elif item.kind is DueKind.NUDGE and item.detail == GIVE_UP:
            self._give_up(item)
        else:
            self._touched_now(item)

    def _touched_now(self, item: DueItem) -> None:
        """A follow-up or nudge sent just now, by email (f asks for the details)."""
        what = "nudge" if item.kind is DueKind.NUDGE else "follow-up"
        self.coffeechat.apply_change(
            lambda: self.coffeechat.repository.follow_up(
                item.contact_id, self.now(), "email", what, self.now()
            ),
            lambda c, _: (
                f"logged a {what} to {c.name}",
                f"Logged a {what} to {c.name} (f for a call or a coffee).  (u to undo)",
            ),
        )

    def _give_up(self, item: DueItem) -> None:
        self.coffeechat.apply_change(
            lambda: self.coffeechat.repository.archive(
                item.contact_id, ArchiveReason.NO_RESPONSE, self.now()
            ),
            lambda c, _: (
                f"archived {c.name}",
                f"Archived {c.name} (no response).  (u to undo)",
            ),
        )

    def action_snooze(self) -> None:
        """Hide the highlighted item until a later date."""
        from coffeechat.ui.screens.touch import SnoozeDialog

        item = self.selected_item()
        if item is None:
            self.notify("Select a line first.", timeout=3)
            return
        what = f"the {item.kind.value} for {item.name}"

        def chosen(until: datetime | None) -> None:
            if until is None:
                return
            self.coffeechat.apply_change(
                lambda: self.coffeechat.repository.snooze(
                    item.contact_id, snooze_key(item), until, self.now()
                ),
                lambda c, _: (
                    f"snoozed {what}",
                    f"Snoozed {what} until {until:%a %d %b}.  (u to undo)",
                ),
            )

        self.app.push_screen(SnoozeDialog(what, self.now()), chosen)

    def _tick_off(self, item: DueItem) -> None:
        repository = self.coffeechat.repository
        contact_id, promise_id = item.contact_id, item.ref
        self.coffeechat.apply_change(
            lambda: repository.tick_promise(contact_id, promise_id, self.now()),
            lambda c, _: (
                f"ticked off “{item.detail}”",
                f"Ticked off “{item.detail}” for {c.name}.  (u to undo)",
            ),
        )

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
