"""The Due list in sections: thank-yous (most overdue on top), meetings, promises, upcoming."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label, Static

from coffeechat.domain.humanize import day, due_reason, due_summary
from coffeechat.domain.model import printable
from coffeechat.domain.rules import (
    GIVE_UP,
    DueItem,
    DueKind,
    Settings,
    SnoozedItem,
    Urgency,
    due_items,
    snoozed_items,
)
from coffeechat.domain.words import counted, every
from coffeechat.ui import actions
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.widgets.keyed_table import Cell, Heading, KeyedTable, Row
from coffeechat.ui.widgets.urgency import urgency_style


def nothing_due(settings: Settings) -> str:
    """The empty list's text, with the user's own limits (not the defaults)."""
    return (
        "[b]Nothing due.[/b]  Every thank-you is sent and every promise kept.\n\n"
        f"A thank-you is due {counted(settings.thank_you_due_hours, 'hour')} after a meeting"
        f" and late after {counted(settings.thank_you_late_hours, 'hour')};\n"
        f"a follow-up {every(settings.follow_up_months, 'month')} after you were last in touch;"
        f"\na nudge {_days(settings.nudge_days)} after a request nobody answered.  Meetings (s)"
        " and\npromises (m) show on their day and the week before.  z snoozes a line;\n"
        "f logs a follow-up."
    )


def _days(days: int) -> str:
    return "a week" if days == 7 else counted(days, "day")


_STATUS = {Urgency.LATE: " LATE ", Urgency.OVERDUE: "overdue", Urgency.DUE: "due"}
_KIND_LABEL = {
    DueKind.THANK_YOU: "Thank-you",
    DueKind.MEETING: "Meeting",
    DueKind.PROMISE: "Promise",
    DueKind.FOLLOW_UP: "Follow-up",
    DueKind.NUDGE: "Nudge",
}
#: The keys that act on the highlighted line (hidden while the list is empty).
_NEEDS_A_LINE = frozenset(
    {"edit", "advance", "archive", "open", "schedule", "pick_questions", "meeting",
     "follow_up", "draft", "delete", "merge", "snooze"}
)  # fmt: skip
SECTION_PREFIX = "section:"
SNOOZED_HEADING = SECTION_PREFIX + "snoozed"
SNOOZED_PREFIX = "snoozed:"
#: Wide terminals also show the role.  Narrower ones drop it first, then Company
#: gives way (shortened, then hidden), then "What", then the name; Status and the
#: full "why" (how late, since when) stay.
GIVE_WAY = (
    ("Role", 0),
    ("Company", 10),
    ("Company", 0),
    ("What", 7),
    ("Contact", 12),
    ("Why", 24),
)


def status_cell(urgency: Urgency, *, no_color: bool) -> Text:
    """The Status column: a word whose weight (and, with colour, colour) says how pressing."""
    return Text(_STATUS[urgency], style=urgency_style(urgency, no_color=no_color))


def item_cells(item: DueItem, status: Text, why: str, roles: dict[str, str]) -> tuple[Cell, ...]:
    """One item's line: Status, What, Contact, Company, Role, Why."""
    return (
        status,
        _KIND_LABEL[item.kind],
        Text(printable(item.name)),
        Text(printable(item.company)),
        Text(printable(roles.get(item.contact_id, ""))),
        Text(printable(why)),
    )


def summary_line(items: list[DueItem], snoozed: int, now: datetime) -> Text:
    """The line over the list: "4 overdue · 5 due today · 14 on the list · 2 snoozed"."""
    # One run of plain text: a bold count split the line in two, and screenshots
    # (SVG) drew a gap where the pieces met.
    parts = [due_summary(items, now), f"{len(items)} on the list"]
    if snoozed:
        parts.append(f"{snoozed} snoozed")
    return Text(" · ".join(parts))


class DueScreen(ContactActionsScreen):
    """What needs doing, in sections, most urgent first; `a` does the highlighted item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "advance", "Done", id="advance",
                tooltip="Thank-you: sent · promise: ticked off · meeting: meeting mode · "
                        "follow-up or nudge: sent now · 'archive?': archived"),
        Binding("d", "app.show_due", "", id="due", show=False),  # already here: not in `?`
        Binding("z", "snooze", "Snooze", id="snooze",
                tooltip="Hide the highlighted item for a week, a month… or until a date "
                        "(on a snoozed item: put it back on the list)"),
        Binding("Z", "toggle_snoozed", "Show snoozed", id="toggle_snoozed", show=False,
                tooltip="Show or hide the snoozed items at the end of the list"),
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
        self.snoozed: dict[str, SnoozedItem] = {}
        self.show_snoozed = False
        self._last_row = 0

    def compose(self) -> ComposeResult:
        """A one-line summary over a table of due items."""
        yield Header()
        yield Label("", id="due-summary")
        table = KeyedTable(id="due-table", cursor_type="row", give_way=GIVE_WAY)
        table.add_columns("Status", "What", "Contact", "Company", "Role", "Why")
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
        contacts = self.coffeechat.repository.contacts()
        items = due_items(contacts, now, settings)
        snoozed = snoozed_items(contacts, now, settings)
        self.items = {item.key: item for item in items}
        roles = {c.id: c.role for c in contacts if c.role}
        self.snoozed = {SNOOZED_PREFIX + s.item.key: s for s in snoozed}
        self.query_one("#due-summary", Label).update(summary_line(items, len(snoozed), now))
        no_color = self.app.no_color
        rows: list[tuple[str, Row]] = []
        for section, group in groupby(items, key=lambda item: item.section):
            members = list(group)
            title = Text(f"{section.value} ({len(members)})", style="bold")
            rows.append((SECTION_PREFIX + section.value, Heading(title)))
            for item in members:
                status = status_cell(item.urgency, no_color=no_color)
                why = due_reason(item, now)
                rows.append((item.key, item_cells(item, status, why, roles)))
        if snoozed:
            rows.append((SNOOZED_HEADING, Heading(self._snoozed_title(len(snoozed)))))
        if snoozed and self.show_snoozed:
            for line_key, put_off in self.snoozed.items():
                status = Text("snoozed", style="italic")
                why = f"back {day(put_off.until, now)} · {due_reason(put_off.item, now)}"
                rows.append((line_key, item_cells(put_off.item, status, why, roles)))
        table = self.query_one(KeyedTable)
        table.show_rows(rows)
        key = table.selected_key
        if self._skipped(key) and table.cursor_row + 1 < len(rows):
            table.move_cursor(row=table.cursor_row + 1, animate=False)
            self._last_row = table.cursor_row
        table.display = bool(rows)
        if rows and self.focused is None:
            table.focus()  # back from "Nothing due" (an undo): j and k move the cursor again
        empty = self.query_one("#due-empty", Static)
        empty.display = not rows
        if not rows:
            empty.update(nothing_due(settings))
        self.sub_title = "Due"
        self.refresh_bindings()  # an empty list has no line for a, s, m, t or z to act on

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """On a snoozed line z puts it back: the footer says "z Unsnooze", not "z Snooze"."""
        bindings = super().active_bindings
        if not self.is_mounted or self.query_one(KeyedTable).selected_key not in self.snoozed:
            return bindings
        return {
            key: active._replace(binding=replace(active.binding, description="Unsnooze"))
            if active.binding.id == "snooze"
            else active
            for key, active in bindings.items()
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With nothing on the list, the footer keeps to the keys that still do something."""
        if action in _NEEDS_A_LINE and self.is_mounted:
            return self.query_one(KeyedTable).display
        return True

    def _snoozed_title(self, count: int) -> Text:
        if self.show_snoozed:
            return Text.assemble((f"▾ Snoozed ({count})", "bold"), "  Z or enter hides them")
        return Text.assemble((f"▸ Snoozed ({count})", "bold"), "  Z or enter shows them")

    def _skipped(self, key: str | None) -> bool:
        """Section headings the cursor steps over (the Snoozed one opens and closes)."""
        return key is not None and key.startswith(SECTION_PREFIX) and key != SNOOZED_HEADING

    def selected_item(self) -> DueItem | None:
        """The due item on the highlighted line, snoozed or not (None on a section heading)."""
        key = self.query_one(KeyedTable).selected_key
        if key is None:
            return None
        if key in self.snoozed:
            return self.snoozed[key].item
        return self.items.get(key)

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
        """Hide the highlighted item until a later date (a snoozed one: show it again)."""
        key = self.query_one(KeyedTable).selected_key
        if key == SNOOZED_HEADING:
            self.action_toggle_snoozed()
            return
        item = self.selected_item()
        if item is None:
            self.notify("Select a line first.", timeout=3)
        elif key in self.snoozed:
            self.run_flow(actions.unsnooze(self.coffeechat, item))
        else:
            self.run_flow(actions.snooze(self.coffeechat, item))

    def action_toggle_snoozed(self) -> None:
        """Open or close the Snoozed section at the end of the list."""
        if not self.snoozed:
            self.notify("Nothing is snoozed.", timeout=3)
            return
        self.show_snoozed = not self.show_snoozed
        self.reload()
        # Opened: on the first snoozed item, ready for z; closed: on the heading.
        table = self.query_one(KeyedTable)
        rows = [row.key.value for row in table.ordered_rows]
        if SNOOZED_HEADING in rows:
            row = rows.index(SNOOZED_HEADING) + self.show_snoozed
            table.move_cursor(row=min(row, len(rows) - 1), animate=False)

    @on(DataTable.RowHighlighted)
    def _skip_headings(self, event: DataTable.RowHighlighted) -> None:
        """The cursor steps over section headings, in the direction it was going."""
        table = self.query_one(KeyedTable)
        row = event.cursor_row
        self.refresh_bindings()  # z snoozes or unsnoozes, by the line
        if row != table.cursor_row or not table.row_count:
            # Stale: a redraw moved the cursor since (to the row 0 heading and then
            # on).  Acting on it would send the cursor from where it is to the top.
            return
        key = event.row_key.value
        if not self._skipped(key):
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
        if self.query_one(KeyedTable).selected_key == SNOOZED_HEADING:
            self.action_toggle_snoozed()
        elif self.selected_item() is not None:
            self.action_open()
