"""Pipeline cards: a virtual list that draws only the cards on screen.

A column may hold 10,000 contacts.  Every card is exactly ``CARD_HEIGHT``
lines, so the column knows its height without measuring anything, and
``render_line`` builds just the lines the terminal shows: painting,
scrolling and refreshing cost what one screenful costs, whatever N is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from coffeechat.domain.humanize import badge
from coffeechat.domain.model import Contact, printable
from coffeechat.domain.rules import DueItem, Urgency

CARD_HEIGHT = 3

URGENCY_STYLES = {
    Urgency.LATE: "bold white on red",
    Urgency.OVERDUE: "bold red",
    Urgency.DUE: "yellow",
}


@dataclass(frozen=True, slots=True)
class Card:
    """One contact on the board, with what is due for them (if anything)."""

    contact: Contact
    due: DueItem | None


def card_line(card: Card, part: int, now: datetime) -> Text:
    """Line ``part`` (0–2) of a card: the name; days in stage and company; the due badge."""
    contact = card.contact
    if part == 0:
        return Text(" " + printable(contact.name), style="bold")
    if part == 1:
        details = [f"{contact.days_in_stage(now)}d", printable(contact.company)]
        return Text(" " + " · ".join(p for p in details if p), style="dim")
    if card.due is None:
        return Text("")
    text = Text(" ")
    text.append(f" {badge(card.due, now)} ", style=URGENCY_STYLES[card.due.urgency])
    return text


class CardColumn(ScrollView, can_focus=True):
    """One stage's cards, keyed by contact id so the cursor survives a refresh."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "card-column--cursor",
        "card-column--cursor-blurred",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="card-up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="card-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="card-page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="card-page-down"),
        Binding("home", "jump(0)", "First", show=False, id="card-first"),
        Binding("end", "jump(-1)", "Last", show=False, id="card-last"),
        Binding("enter", "select", "Open", show=False, id="card-open"),
    ]

    class Selected(Message):
        """Enter (or a double click) on a card."""

        def __init__(self, column: CardColumn, contact_id: str) -> None:
            super().__init__()
            self.column = column
            self.contact_id = contact_id

        @property
        def control(self) -> CardColumn:
            """The column the card is in."""
            return self.column

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cards: list[Card] = []
        self._ids: list[str] = []
        self._cursor = 0
        self._now: datetime | None = None

    # -- data ------------------------------------------------------------

    def show_cards(self, cards: Sequence[Card], now: datetime) -> None:
        """Show these cards in this order, keeping the cursor on the same contact."""
        if self._now == now and _same_cards(self._cards, cards):
            return  # nothing to redraw: skip the repaint
        current = self.selected_id
        self._cards = list(cards)
        self._ids = [card.contact.id for card in self._cards]
        self._now = now
        if current is not None and current in self._ids:
            self._cursor = self._ids.index(current)
        else:
            self._cursor = max(0, min(self._cursor, len(self._cards) - 1))
        self.virtual_size = Size(self.size.width, len(self._cards) * CARD_HEIGHT)
        self.refresh()
        self._scroll_to_cursor()

    def is_current(self, now: datetime) -> bool:
        """False once the "days in stage" on screen may be out of date (a minute on)."""
        return self._now is not None and abs((now - self._now).total_seconds()) < 60

    @property
    def ids(self) -> list[str]:
        """The contact ids shown, top to bottom."""
        return list(self._ids)

    @property
    def card_count(self) -> int:
        """How many cards the column holds."""
        return len(self._cards)

    @property
    def cursor(self) -> int | None:
        """Index of the highlighted card (None when the column is empty)."""
        return self._cursor if self._cards else None

    @property
    def selected_id(self) -> str | None:
        """The highlighted contact's id."""
        return self._ids[self._cursor] if self._cards else None

    def move_cursor(self, index: int) -> None:
        """Highlight card ``index`` (clamped) and scroll it into view."""
        if not self._cards:
            return
        old, self._cursor = self._cursor, max(0, min(index, len(self._cards) - 1))
        if old != self._cursor:
            self.refresh_lines(old * CARD_HEIGHT - self.scroll_offset.y, CARD_HEIGHT)
            self.refresh_lines(self._cursor * CARD_HEIGHT - self.scroll_offset.y, CARD_HEIGHT)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self._cards:
            region = Region(0, self._cursor * CARD_HEIGHT, 1, CARD_HEIGHT)
            self.scroll_to_region(region, animate=False, force=True)

    # -- actions ---------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """Move the cursor up or down one card."""
        self.move_cursor(self._cursor + step)

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful of cards."""
        self.move_cursor(self._cursor + direction * max(1, self.size.height // CARD_HEIGHT))

    def action_jump(self, index: int) -> None:
        """Go to the first (0) or last (-1) card."""
        self.move_cursor(index if index >= 0 else len(self._cards) - 1)

    def action_select(self) -> None:
        """Open the highlighted card."""
        if self.selected_id is not None:
            self.post_message(self.Selected(self, self.selected_id))

    def on_click(self, event: events.Click) -> None:
        """A click highlights a card; a double click opens it."""
        index = (event.y + self.scroll_offset.y) // CARD_HEIGHT
        if 0 <= index < len(self._cards):
            self.move_cursor(index)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        """The cursor looks different with and without focus."""
        self.refresh()

    def on_blur(self) -> None:
        """The cursor looks different with and without focus."""
        self.refresh()

    def on_resize(self) -> None:
        """Keep the virtual width in step with the real one."""
        self.virtual_size = Size(self.size.width, len(self._cards) * CARD_HEIGHT)

    # -- drawing -----------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: part of a card, or blank past the last one."""
        width = self.size.width
        base = self.rich_style
        index, part = divmod(y + self.scroll_offset.y, CARD_HEIGHT)
        if index >= len(self._cards) or self._now is None:
            return Strip.blank(width, base)
        text = card_line(self._cards[index], part, self._now)
        style = base
        if index == self._cursor:
            focused = "" if self.has_focus else "-blurred"
            style = base + self.get_component_rich_style(f"card-column--cursor{focused}")
        text.truncate(width, overflow="ellipsis")
        segments = list(text.render(self.app.console))
        segments = [Segment(s.text, style + s.style if s.style else style) for s in segments]
        return Strip(segments).crop_extend(0, width, style).simplify()


def _same_cards(old: Sequence[Card], new: Sequence[Card]) -> bool:
    # Contacts are immutable and the repository hands out the same object
    # until it changes, so identity is the cheap, exact test.
    return len(old) == len(new) and all(
        a.contact is b.contact and a.due == b.due for a, b in zip(old, new, strict=True)
    )
