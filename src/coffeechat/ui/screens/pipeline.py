"""The home screen: five stage columns of contact cards.

A key on the board costs what it changed, not what the board holds: the
board re-files only the contacts the change touched (``Board.update``, told
by the app's change log), and redrawing them lays nothing out (titles,
the status line and the filter box all keep their size).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from coffeechat.domain.model import Contact
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.storage.errors import NotFoundError
from coffeechat.ui.board import Board
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.widgets.cards import CardColumn

#: How long a confirmation stays on the status line (then the filter's count, if any, is back).
STATUS_SECONDS = 8.0
#: How often the board looks whether a minute has passed: then every card is made again
#: (what is due moves on), ~100 ms at 10,000 contacts, better between keys than in one.
CLOCK_SECONDS = 5.0

EMPTY_STATE = """\
[b]No contacts yet.[/b]

Press [b]n[/b] to add the first person you'd like to talk to:
a friend's colleague, an alumna, someone quoted in an article.

Then [b]a[/b] moves them along:  identified → requested → met → thanked → follow-up.
[dim]Just looking around?  Quit with q and run  coffeechat --demo[/dim]"""


class FilterInput(Input):
    """The filter box: typing in it lays nothing out.

    ``Input`` sets its scrollable width to the text's on every keystroke, and
    a new ``virtual_size`` lays out the whole screen; this box is as wide as
    the screen whatever is typed, so the new width needs only a repaint.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, on_value: Callable[[str], object], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_value = on_value

    def watch_value(self, value: str) -> None:
        """Re-file the board in the same step as the box takes the key.

        Through ``Input.Changed`` (a message, handled later) the box was often
        repainted in one frame and the cards a frame after it.
        """
        self._on_value(value)


class SteadyFooter(Footer):
    """A footer rebuilt only when the keys it shows change.

    Textual's rebuilds itself whenever the focus moves (three full-screen
    layouts), and on the board the focus moves from column to column as `a`
    carries a contact along, with the same keys in every column.
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._drawn: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild (as Textual does) unless the keys are those already shown."""
        keys = self._keys(screen)
        if self._drawn is not None and keys == self._drawn:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._drawn = keys  # Textual rebuilds only then

    def _keys(self, screen: Screen[object]) -> tuple[object, ...]:
        """What the footer would show: each key, how it is written, its words, on or off."""
        return tuple(
            (key, binding.action, binding.description, binding.show, enabled, tooltip,
             self.app.get_key_display(binding))
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
        )  # fmt: skip


class PipelineScreen(ContactActionsScreen):
    """Columns per stage with counts; arrows or h/j/k/l move between cards."""

    AUTO_FOCUS = ""  # none: reload() puts focus on the first column that has cards
    #: Textual repaints the whole screen when the focus moves; here it moves with each `a`
    #: (the selection follows the contact), and the widgets it leaves and reaches
    #: repaint themselves (the columns' cursors, the titles' :focus-within style).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/", id="filter",
                tooltip="Show only contacts whose name, company or role match"),
        # In the footer only while a filter is open (check_action).
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter",
                tooltip="Show everyone again"),
        Binding("left,h", "column(-1)", "Prev column", show=False, id="column-left"),
        Binding("right,l", "column(1)", "Next column", show=False, id="column-right"),
        Binding("A", "app.show_archive", "Archived", id="show-archive", show=False,
                tooltip="Archived contacts, with restore"),
        # This is the board: its own key need not take footer room here.
        Binding("p", "app.show_pipeline", "", id="pipeline", show=False),  # not in `?` here
        # A home screen: the way to the other one, and out, in the footer.
        Binding("d", "app.show_due", "Due", id="due",
                tooltip="What needs doing, most urgent first"),
        Binding("question_mark", "app.toggle_help", "Keys", id="help", key_display="?",
                tooltip="Show or hide every key for this screen"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Leave coffeechat"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""
        self.board = Board()
        self._column_index = 0
        self._followed = 0  # the serial of the app's last change the selection followed
        #: The app's last write the board has filed, and the data version then.
        self._seen = -1
        self._version: int | None = None
        self._columns: list[CardColumn] = []
        self._said = ""  # the confirmation on the status line, while it is there
        self._said_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """Header, the (hidden) filter, the board, the empty state, the footer."""
        yield Header()
        # Disabled while hidden so focus can never land in it unseen.
        yield FilterInput(
            self._filter_changed,
            placeholder="Filter by name, company or role",
            id="filter",
            disabled=True,
        )
        with Horizontal(id="board"):
            for stage in PIPELINE:
                with Vertical(classes="column", id=f"col-{stage.value}"):
                    yield Label(stage.label, classes="column-title", id=f"title-{stage.value}")
                    yield CardColumn(id=f"cards-{stage.value}", classes="cards")
        yield Static(EMPTY_STATE, id="empty")
        yield Static("", id="status", markup=False)
        yield SteadyFooter(compact=True)

    def _ensure_focus(self) -> None:
        """Keep the keyboard on the board: if focus was lost, take the first column with cards."""
        if isinstance(self.focused, CardColumn) or (
            isinstance(self.focused, Input) and not self.focused.disabled
        ):
            return
        columns = self.columns()
        first = next((i for i, column in enumerate(columns) if column.card_count), 0)
        self._column_index = first
        self.set_focus(columns[first])

    def on_mount(self) -> None:
        """Draw, redraw on every change, and keep up with the clock between keys."""
        super().on_mount()
        self.set_interval(CLOCK_SECONDS, self._keep_time)

    def _keep_time(self) -> None:
        """A minute on (or new settings): refile everyone now, not on the next key."""
        if self.is_current and self.board.is_stale(self.now(), self.coffeechat.settings):
            self.reload()

    def columns(self) -> list[CardColumn]:
        """The five card columns, in stage order."""
        if not self._columns:
            self._columns = list(self.query(CardColumn).results(CardColumn))
        return self._columns

    def reload(self) -> None:
        """Bring the columns up to date, redrawing only those that changed.

        Only the contacts the app's change log names are looked at again; all
        of them when it cannot name them (another process changed the file),
        when a minute has passed (what is due moves on) or the settings changed.
        """
        app = self.coffeechat
        now = self.now()
        settings = app.settings
        selected = self.selected_contact_id() if self.is_mounted else None
        # The version first: a change made after this is filed by the next reload.
        version = app.repository.version
        serial, touched = app.changes.since(self._seen, self._version, version)
        if touched is None or self.board.is_stale(now, settings):
            contacts = app.repository.contacts()
            changed = self.board.refresh(contacts, now, settings, self.filter_text)
        else:
            found = self._current(touched)
            changed = self.board.update(found, now, settings, self.filter_text)
        self._seen, self._version = serial, version
        for stage, column in zip(PIPELINE, self.columns(), strict=True):
            if stage in changed or not column.is_current(now):
                column.show_cards(self.board.cards(stage), now, partial(self.board.index_in, stage))
            self._retitle(stage, column)
        total = self.board.total
        self._show(self.query_one("#empty"), not total)
        self._show(self.query_one("#board"), bool(total))
        self._follow_last_change(selected)
        self._ensure_focus()
        self.sub_title = f"{total} contact{'s' * (total != 1)}"
        if not self._said:
            self._set_status(self._filter_summary())

    def _current(self, contact_ids: Iterable[str]) -> dict[str, Contact | None]:
        """These contacts as stored now; None for those no longer on the board."""
        repository = self.coffeechat.repository
        found: dict[str, Contact | None] = {}
        for contact_id in contact_ids:
            try:
                contact: Contact | None = repository.get(contact_id)
            except NotFoundError:  # deleted
                contact = None
            if contact is not None and (contact.archived or contact.removed):
                contact = None
            found[contact_id] = contact
        return found

    @staticmethod
    def _show(widget: Widget, shown: bool) -> None:
        if widget.display != shown:  # showing or hiding lays the screen out: only on a change
            widget.display = shown

    # -- the status line -------------------------------------------------------

    def show_status(self, message: str) -> bool:
        """Say what a key just did on the line under the board (no toast to mount)."""
        self._said = message
        self._set_status(message)
        if self._said_timer is not None:
            self._said_timer.stop()
        self._said_timer = self.set_timer(STATUS_SECONDS, self._said_enough)
        return True

    def _said_enough(self) -> None:
        self._said = ""
        self._said_timer = None
        self._set_status(self._filter_summary())

    def _filter_summary(self) -> str:
        """ "Filter “ann”: 3 of 120 contacts." while a filter is on; else nothing."""
        if not self.filter_text:
            return ""
        shown = sum(self.board.count(stage) for stage in PIPELINE)
        total = self.board.total
        return f"Filter “{self.filter_text}”: {shown} of {total} contact{'s' * (total != 1)}."

    def _set_status(self, text: str) -> None:
        status = self.query_one("#status", Static)
        if str(status.content) != text:
            status.update(text, layout=False)  # one line, always there: nothing moves

    def _follow_last_change(self, selected: str | None) -> None:
        """Select the contact this session just changed, added or restored, in its new column.

        So `a a a` walks one person along the stages, `n` lands on the new
        card and `u` on the card it brought back.  Outside changes move nothing.
        A change made on another screen (a contact page, the Due list) moves the
        board only to keep its ``selected`` card selected: `n` on a contact page
        leaves the board where it was, for when the person goes back to it.
        """
        serial, contact_id = self.coffeechat.last_change
        if serial == self._followed:
            return
        self._followed = serial
        if not self._in_front() and contact_id != selected:
            return
        stage = self.board.stage_of(contact_id) if contact_id is not None else None
        if contact_id is None or stage is None:
            return  # archived, filtered out, or not a contact: the cursor stays
        index = PIPELINE.index(stage)
        column = self.columns()[index]
        at = self.board.index_of(contact_id)
        assert at is not None  # shown: it has a stage
        column.move_cursor(at)
        self._column_index = index
        if not (isinstance(self.focused, Input) and not self.focused.disabled):
            self.set_focus(column)  # not while the person is typing a filter

    def _retitle(self, stage: Stage, column: CardColumn) -> None:
        """ "Identified 7", with ↑ / ↓ when cards are out of sight that way."""
        above, below = column.hidden_cards
        arrows = ("↑" if above else "") + ("↓" if below else "")
        text = f"{stage.label} {self.board.count(stage)}" + (f" {arrows}" if arrows else "")
        title = self.query_one(f"#title-{stage.value}", Label)
        if str(title.content) != text:
            title.update(text, layout=False)  # one line, as wide as the column: nothing moves

    @on(CardColumn.EdgesChanged)
    def _edges_changed(self, event: CardColumn.EdgesChanged) -> None:
        stage = PIPELINE[self.columns().index(event.column)]
        self._retitle(stage, event.column)

    def _in_front(self) -> bool:
        """True while the board is the screen in use (dialogs over it count as in front)."""
        stack = self.app.screen_stack
        if self not in stack:
            return False  # another mode (the Due list) is showing
        return all(screen.is_modal for screen in stack[stack.index(self) + 1 :])

    def selected_contact_id(self) -> str | None:
        """The highlighted card in the focused (else the last focused) column."""
        if isinstance(self.focused, CardColumn):
            return self.focused.selected_id
        return self.columns()[self._column_index].selected_id

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Remember which column the keys act on; its title stands out."""
        if isinstance(event.widget, CardColumn):
            self._column_index = self.columns().index(event.widget)
        self._mark_focused_column()

    def on_descendant_blur(self) -> None:
        """The focus left a column (for the filter, say): no title stands out."""
        self._mark_focused_column()

    def _mark_focused_column(self) -> None:
        """Give the focused column's box the ``-focused`` class (its title is styled by it).

        Not ``:focus-within``: Textual re-styles on a focus change only the nodes
        whose own rules name it, so a title styled by its parent's focus kept
        the look of the column focused first, whichever column had the focus.
        """
        for column in self.columns():
            if column.parent is not None:
                column.parent.set_class(self.focused is column, "-focused")

    @on(CardColumn.Selected)
    def _open_selected(self, event: CardColumn.Selected) -> None:
        self._column_index = self.columns().index(event.column)
        self.action_open()

    def action_column(self, step: int) -> None:
        """Move to the next column with cards that way (empty ones are stepped over).

        With none further that way the selection stays where it is.
        """
        columns = self.columns()
        ahead = range(self._column_index + step, len(columns) if step > 0 else -1, step)
        index = next((i for i in ahead if columns[i].card_count), None)
        if index is None:
            return
        self._column_index = index
        there = columns[index]
        # Each column keeps its own cursor, so going back and forth returns to the same card.
        # Synchronous, unlike Widget.focus(): a key typed right after must land here.
        self.set_focus(there)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """escape clears a filter only when there is one (and only then is it in the footer)."""
        if action == "clear_filter" and self.is_mounted:
            return self.query_one("#filter", Input).has_class("shown") or bool(self.filter_text)
        return True

    def action_filter(self) -> None:
        """Show the filter and type into it."""
        box = self.query_one("#filter", Input)
        box.disabled = False
        box.add_class("shown")
        self.set_focus(box)
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter, back to the board."""
        box = self.query_one("#filter", Input)
        if not box.has_class("shown") and not self.filter_text:
            return
        box.value = ""
        box.remove_class("shown")
        box.disabled = True
        self.filter_text = ""
        self.reload()
        self.refresh_bindings()
        self.set_focus(self.columns()[self._column_index])

    def _filter_changed(self, value: str) -> None:
        """The filter box's text changed (called by the box as it takes the key)."""
        self.filter_text = value.strip()
        self._said = ""  # typing: what the filter matches is the news now
        self.reload()
        self._set_status(self._filter_summary())

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        columns = self.columns()
        target = next((c for c in columns if c.card_count), columns[self._column_index])
        self._column_index = columns.index(target)
        self.set_focus(target)
