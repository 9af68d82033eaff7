"""Pipeline cards: a virtual list that draws only the cards on screen.

A column may hold 10,000 contacts.  Every card is exactly ``CARD_HEIGHT``
lines, so the column knows its height without measuring anything, and
``render_line`` builds just the lines the terminal shows: painting,
scrolling and refreshing cost what one screenful costs, whatever N is.

A keystroke lays nothing out: the column's size never depends on its
cards, so a new card count changes only the scrollable height, set without
the full-screen layout Textual would run for it; and each card's lines are
worked out once per card, width and minute, not on every repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from coffeechat.domain.humanize import span
from coffeechat.domain.model import Contact, printable
from coffeechat.domain.rules import GIVE_UP, DueItem, DueKind, Urgency

#: Lines per card in a narrow column: name; days in stage and company; the most urgent badge.
CARD_HEIGHT = 3
#: Lines per card in a wide column: name; days, role and company; the next meeting;
#: a badge for every due item; a blank line between cards.
WIDE_CARD_HEIGHT = 5
#: The card width (columns inside the column) from which cards are the wide kind.
WIDE_FROM = 30

URGENCY_STYLES = {
    Urgency.LATE: "bold white on red",
    Urgency.OVERDUE: "bold red",
    Urgency.DUE: "yellow",
}

#: A card's badges: "late" is reverse video, so it stands out without colour (NO_COLOR) too.
BADGE_STYLES = {
    Urgency.LATE: Style(color="red", bold=True, reverse=True),
    Urgency.OVERDUE: Style(color="red", bold=True),
    Urgency.DUE: Style(color="yellow"),
}

#: The left edge of the selected card in the focused column (seen without colour too).
MARKER = "▌"


@dataclass(frozen=True, slots=True)
class Card:
    """One contact on the board, with what is due for them, most urgent first."""

    contact: Contact
    due: DueItem | None  # the most urgent item (the first of ``items``)
    items: tuple[DueItem, ...] = ()


def _compact(delta: timedelta) -> str:
    """``span`` in as few characters as it goes: "5m", "3h", "2d"."""
    number, unit = span(delta).split(" ")
    return f"{number}{unit[0]}"


def _day(when: datetime, now: datetime) -> str:
    """The day, as short as it is clear: "today", "Thu" within the week, else "09 Dec".

    A weekday alone a week or more ahead read as this week ("nudge Wed" on a Wednesday).
    """
    local = when.astimezone(now.tzinfo)
    days = (local.date() - now.date()).days
    if days == 0:
        return "today"
    if 0 < days < 7:
        return f"{local:%a}"
    return f"{local:%d %b}"


def badge_forms(item: DueItem, now: datetime, *, timed: bool = True) -> list[str]:
    """What a card can say about a due item, longest first; a card shows the first that fits.

    ``timed=False``: a meeting's time is on the card already (wide cards), leave it out.
    """
    late, ahead = now - item.due_at, item.due_at - now
    day = _day(item.due_at, now)
    if item.kind is DueKind.THANK_YOU:
        if item.overdue:
            word = "LATE" if item.urgency is Urgency.LATE else "overdue"
            return [f"thank-you {span(late)} late", f"thank-you {_compact(late)} late",
                    "thank-you late", word]  # fmt: skip
        return [f"thank-you in {span(ahead)}", f"thank-you in {_compact(ahead)}",
                "thank-you due", "thank-you"]  # fmt: skip
    if item.kind is DueKind.NUDGE:
        if item.detail == GIVE_UP:
            return ["no reply: archive?", "archive?"]
        if item.due_at <= now:
            return [f"{item.detail} now", "nudge now", "nudge"]
        return [f"{item.detail} {day}", f"nudge {day}", "nudge"]
    if item.kind is DueKind.FOLLOW_UP:
        if item.overdue:
            return ["follow-up overdue", "follow-up late", "follow-up"]
        if item.due_at <= now:
            return ["follow-up due", "follow-up"]
        return [f"follow-up {day}", "follow-up"]
    if item.kind is DueKind.PROMISE:
        if item.overdue:
            return [f"promise {span(late)} late", f"promise {_compact(late)} late",
                    "promise late", "promise"]  # fmt: skip
        return [f"promise due {day}", f"promise {day}", "promise"]
    local = item.due_at.astimezone(now.tzinfo)
    if item.overdue:  # a meeting whose day has passed and was never recorded
        return ["meeting to record", "record meeting", "record"]
    if local.date() == now.date():
        if not timed:
            return ["meeting today", "today"]
        return [f"meets today {local:%H:%M}", f"meets {local:%H:%M}", "meets today"]
    return [f"meets {day} {local:%H:%M}", f"meets {day}", "meets"]


def _styled(text: str, style: str | Style = "") -> Text:
    """``text`` as one styled span (the app's console drops a Text's own base style)."""
    line = Text()
    line.append(text, style=style or None)
    return line


def badge_text(item: DueItem, now: datetime, width: int) -> Text:
    """The longest form of the item's badge that fits ``width`` (padded when there is room)."""
    style = BADGE_STYLES[item.urgency]
    forms = badge_forms(item, now)
    for form in forms:  # the most said wins over the padding round it
        if len(form) + 2 <= width:
            return _styled(f" {form} ", style)
        if len(form) <= width:
            return _styled(form, style)
    text = _styled(forms[-1], style)
    text.truncate(width, overflow="ellipsis")
    return text


def fit_name(name: str, width: int) -> str:
    """The name, else "First L." when that fits and the whole name does not, else cut."""
    if len(name) <= width:
        return name
    words = name.split()
    if len(words) > 1:
        short = f"{words[0]} {words[-1][0]}."
        if len(short) <= width:
            return short
    return _cut(name, width)


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` with an ellipsis, at a word's end where one is in reach."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = text[: width - 1]
    mid_word = text[width - 1] != " " and not head.endswith(" ")
    space = head.rfind(" ")
    if mid_word and space > 0 and len(head) - space <= max(4, width // 2):
        head = head[:space]  # back to the end of the last whole word
    return head.rstrip(" ·,") + "…"


def _details(contact: Contact, now: datetime, width: int, *, role: bool) -> str:
    """ "7d · Company" (with the role first when asked: "7d · Analyst at Company")."""
    days = f"{contact.days_in_stage(now)}d"
    company = printable(contact.company)
    where = company
    if role and contact.role:
        where = " at ".join(p for p in (printable(contact.role), company) if p)
    if not where:
        return days
    line = f"{days} · {where}"
    if len(line) > width and role and contact.role and company:
        # The role goes first, so the company (what people look for) stays whole.
        line = f"{days} · {company}" if len(f"{days} · {company}") <= width else line
    return _cut(line, width)


def _meets(contact: Contact, now: datetime) -> str:
    """The next meeting, "meets Thu 14:00 · coffee" (or "" when none is planned)."""
    meeting = contact.next_meeting
    if meeting is None or meeting.scheduled_at is None:
        return ""
    local = meeting.scheduled_at.astimezone(now.tzinfo)
    if local.date() == now.date():
        when = f"today {local:%H:%M}"
    elif 0 < (local.date() - now.date()).days < 7:
        when = f"{local:%a %H:%M}"
    elif local.year == now.year:
        when = f"{local:%d %b %H:%M}"
    else:
        when = f"{local:%d %b %Y}"
    verb = "met" if local < now else "meets"
    return f"{verb} {when} · {meeting.format.value}"


def _badges(items: Sequence[DueItem], now: datetime, width: int) -> Text:
    """A badge per item, most urgent first, as many as fit (then "+2")."""
    text = Text()
    for shown, item in enumerate(items):
        left = width - len(text) - (0 if shown == 0 else 1)
        rest = len(items) - shown - 1
        room = left - (len(f" +{rest}") if rest else 0)
        forms = [f for f in badge_forms(item, now, timed=False) if len(f) + 2 <= room]
        if not forms:
            if len(text) + len(f" +{len(items) - shown}") <= width:
                text.append(f" +{len(items) - shown}", style="bold")
            break
        if shown:
            text.append(" ")
        text.append(f" {forms[0]} ", style=BADGE_STYLES[item.urgency])
    return text


def card_lines(card: Card, now: datetime, width: int) -> list[Text]:
    """The card's lines for a card ``width`` wide (the marker column not counted)."""
    contact = card.contact
    name = _styled(fit_name(printable(contact.name), width), "bold")
    if width < WIDE_FROM:
        details = _styled(_details(contact, now, width, role=False), "dim")
        due = badge_text(card.due, now, width) if card.due is not None else Text("")
        return [name, details, due]
    details = _styled(_details(contact, now, width, role=True), "dim")
    meets = Text(_cut(_meets(contact, now), width))
    # The next meeting has its own line: its badge only when it is today (or unrecorded).
    items = [
        item
        for item in card.items
        if item.kind is not DueKind.MEETING or item.overdue or item.due_at.date() == now.date()
    ]
    return [name, details, meets, _badges(items, now, width), Text("")]


def card_line(card: Card, part: int, now: datetime, width: int = 14) -> Text:
    """Line ``part`` of a card ``width`` wide (see ``card_lines``)."""
    return card_lines(card, now, width)[part]


class CardColumn(ScrollView, can_focus=True):
    """One stage's cards, keyed by contact id so the cursor survives a refresh."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "card-column--cursor",  # the selected card, in the focused column: the one strong card
        "card-column--cursor-blurred",  # a column's remembered card while it has no focus
        "card-column--marker",  # the bar down the selected card's left edge
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

    class EdgesChanged(Message):
        """Cards are now (or no longer) hidden above or below: the title says so."""

        def __init__(self, column: CardColumn) -> None:
            super().__init__()
            self.column = column

        @property
        def control(self) -> CardColumn:
            """The column that scrolled."""
            return self.column

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._edges = (False, False)
        self._cards: Sequence[Card] = ()
        self._cursor = 0
        self._selected: str | None = None  # the contact under the cursor
        self._now: datetime | None = None
        self._height = CARD_HEIGHT  # lines per card: more when the column is wide
        #: Each card's lines, by id(card) (the card is kept, so no id is reused), for the
        #: minute and ``_look`` they were drawn for: as text segments, and (once drawn
        #: unselected) as the strips themselves.
        self._lines: dict[int, tuple[Card, list[list[Segment]], list[Strip] | None]] = {}
        #: What every line's drawing depends on: the base style, the width, NO_COLOR.
        self._look: tuple[Style, int, bool] = (Style(), 0, False)

    @property
    def card_height(self) -> int:
        """Lines per card at the column's width (wide columns show more of each person)."""
        return self._height

    def _card_width(self) -> int:
        """Columns for a card's text: the visible width less the marker column."""
        return max(1, self.scrollable_content_region.width - 1)

    # -- data ------------------------------------------------------------

    def show_cards(
        self,
        cards: Sequence[Card],
        now: datetime,
        find: Callable[[str], int | None] | None = None,
    ) -> None:
        """Show these cards in this order, keeping the cursor on the same contact.

        ``cards`` may be the board's own list, changed in place later: the board
        calls this again after every change to it.  ``find`` says where a contact's
        card is now (else the column looks for it, card by card).
        """
        self._cards = cards
        if now != self._now:
            self._lines.clear()  # "3d in stage" and the badges depend on the time
        self._now = now
        if len(self._lines) > 4 * 1024:
            self._lines.clear()  # cards since replaced: let them go
        at = None
        if self._selected is not None:
            at = find(self._selected) if find is not None else self._find(self._selected)
        self._cursor = at if at is not None else max(0, min(self._cursor, len(cards) - 1))
        self._selected = cards[self._cursor].contact.id if cards else None
        self._fit_virtual_size()
        self.refresh()
        self._scroll_to_cursor()

    def _find(self, contact_id: str) -> int | None:
        ids = (card.contact.id for card in self._cards)
        return next((i for i, shown in enumerate(ids) if shown == contact_id), None)

    def _fit_virtual_size(self) -> None:
        """The scrollable height for this many cards, set without a full-screen layout.

        Assigning ``virtual_size`` lays out the whole screen (~10 ms at 120x40);
        the column's own size does not depend on it and its scrollbar is always
        "shown" (``overflow-y: scroll``, zero wide), so nothing else moves.
        """
        size = Size(self.size.width, len(self._cards) * self._height)
        if size != self.virtual_size:
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)  # keeps the scroll offset inside the new height

    def is_current(self, now: datetime) -> bool:
        """False once the "days in stage" on screen may be out of date (a minute on)."""
        return self._now is not None and abs((now - self._now).total_seconds()) < 60

    @property
    def ids(self) -> list[str]:
        """The contact ids shown, top to bottom."""
        return [card.contact.id for card in self._cards]

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
        return self._selected  # kept apart: the board changes the list before it says so

    def move_cursor(self, index: int) -> None:
        """Highlight card ``index`` (clamped) and scroll it into view."""
        if not self._cards:
            return
        old, self._cursor = self._cursor, max(0, min(index, len(self._cards) - 1))
        self._selected = self._cards[self._cursor].contact.id
        if old != self._cursor:
            self.refresh_lines(old * self._height - self.scroll_offset.y, self._height)
            self.refresh_lines(self._cursor * self._height - self.scroll_offset.y, self._height)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self._cards:
            region = Region(0, self._cursor * self._height, 1, self._height)
            self.scroll_to_region(region, animate=False, force=True)
        self._check_edges()

    @property
    def hidden_cards(self) -> tuple[bool, bool]:
        """Whether cards are out of sight (above, below): there is no scrollbar to say so."""
        return self._edges

    def _check_edges(self) -> None:
        y = round(self.scroll_offset.y)
        edges = (y > 0, y < self.virtual_size.height - self.scrollable_content_region.height)
        if edges != self._edges:
            self._edges = edges
            self.post_message(self.EdgesChanged(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Scrolled (by keys or the mouse wheel): the title's arrows may change."""
        super().watch_scroll_y(old_value, new_value)
        self._check_edges()

    # -- actions ---------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        """Move the cursor up or down one card."""
        self.move_cursor(self._cursor + step)

    def action_page(self, direction: int) -> None:
        """Move the cursor a screenful of cards."""
        self.move_cursor(self._cursor + direction * max(1, self.size.height // self._height))

    def action_jump(self, index: int) -> None:
        """Go to the first (0) or last (-1) card."""
        self.move_cursor(index if index >= 0 else len(self._cards) - 1)

    def action_select(self) -> None:
        """Open the highlighted card."""
        if self.selected_id is not None:
            self.post_message(self.Selected(self, self.selected_id))

    def on_click(self, event: events.Click) -> None:
        """A click highlights a card; a double click opens it."""
        index = (event.y + self.scroll_offset.y) // self._height
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
        """Keep the virtual size in step with the real one; wide columns get taller cards."""
        height = WIDE_CARD_HEIGHT if self.size.width - 1 >= WIDE_FROM else CARD_HEIGHT
        if height != self._height:
            self._height = height
            self.refresh()
        self._lines.clear()
        self._fit_virtual_size()
        self._scroll_to_cursor()

    # -- drawing -----------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the lines in ``crop``: what every line shares is looked up once, here."""
        look = (self.rich_style, self.scrollable_content_region.width, self.app.no_color)
        if look != self._look:
            self._look = look
            self._lines.clear()  # drawn for another width, theme or colour setting
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: part of a card, or blank past the last one."""
        base, width, _ = self._look
        index, part = divmod(y + self.scroll_offset.y, self._height)
        if index >= len(self._cards) or self._now is None:
            return Strip.blank(width, base)
        card = self._cards[index]
        if index != self._cursor:
            return self._card_strips(card)[part]
        focused = "" if self.has_focus else "-blurred"
        style = base + self.get_component_rich_style(f"card-column--cursor{focused}")
        marker = Segment(" ", style)
        if self.has_focus:
            color = self.get_component_rich_style("card-column--marker").color
            marker = Segment(MARKER, style + Style(color=color, bold=True))
        return self._strip(self._card_segments(card)[part], marker, style)

    def _strip(self, pieces: Sequence[Segment], marker: Segment, style: Style) -> Strip:
        """A line of a card: the marker column, then the text on ``style``."""
        # NO_COLOR: a badge's red turns into a grey hardly darker than the background;
        # without its colour it keeps its weight (bold, reverse) on the readable text colour.
        _, width, plain = self._look
        segments = [marker]
        for piece in pieces:
            own = piece.style.without_color if plain and piece.style else piece.style
            segments.append(Segment(piece.text, style + own if own else style))
        return Strip(segments).crop_extend(0, width, style).simplify()

    def _card_strips(self, card: Card) -> list[Strip]:
        """The card's lines drawn as they are when it is not the selected card; cached."""
        cached = self._lines.get(id(card))
        if cached is not None and cached[0] is card and cached[2] is not None:
            return cached[2]
        base = self._look[0]
        marker = Segment(" ", base)
        strips = [self._strip(pieces, marker, base) for pieces in self._card_segments(card)]
        self._lines[id(card)] = (card, self._card_segments(card), strips)
        return strips

    def _card_segments(self, card: Card) -> list[list[Segment]]:
        """The card's lines cut to the column's width, as text segments; cached."""
        cached = self._lines.get(id(card))
        if cached is not None and cached[0] is card:
            return cached[1]
        assert self._now is not None
        width = self._look[1]
        lines = []
        for text in card_lines(card, self._now, self._card_width()):
            text.truncate(width - 1, overflow="ellipsis")
            lines.append(list(text.render(self.app.console)))
        self._lines[id(card)] = (card, lines, None)
        return lines
