"""The home screen: five stage columns of contact cards."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Label, Static

from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.board import Board
from coffeechat.ui.screens.base import ContactActionsScreen
from coffeechat.ui.widgets.cards import CardColumn

EMPTY_STATE = """\
[b]No contacts yet.[/b]

Press [b]n[/b] to add the first person you'd like to talk to:
a friend's colleague, an alumna, someone quoted in an article.

Then [b]a[/b] moves them along:  identified → requested → met → thanked → follow-up.
[dim]Just looking around?  Quit with q and run  coffeechat --demo[/dim]"""


class PipelineScreen(ContactActionsScreen):
    """Columns per stage with counts; arrows or h/j/k/l move between cards."""

    AUTO_FOCUS = ""  # none: reload() puts focus on the first column that has cards

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

    def compose(self) -> ComposeResult:
        """Header, the (hidden) filter, the board, the empty state, the footer."""
        yield Header()
        # Disabled while hidden so focus can never land in it unseen.
        yield Input(placeholder="Filter by name, company or role", id="filter", disabled=True)
        with Horizontal(id="board"):
            for stage in PIPELINE:
                with Vertical(classes="column", id=f"col-{stage.value}"):
                    yield Label(stage.label, classes="column-title", id=f"title-{stage.value}")
                    yield CardColumn(id=f"cards-{stage.value}", classes="cards")
        yield Static(EMPTY_STATE, id="empty")
        yield Footer(compact=True)

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

    def columns(self) -> list[CardColumn]:
        """The five card columns, in stage order."""
        return list(self.query(CardColumn).results(CardColumn))

    def reload(self) -> None:
        """Bring the columns up to date, redrawing only those that changed."""
        app = self.coffeechat
        now = self.now()
        everyone = app.repository.contacts()
        selected = self.selected_contact_id() if self.is_mounted else None
        changed = self.board.refresh(everyone, now, app.settings, self.filter_text)
        shown = 0
        for stage, column in zip(PIPELINE, self.columns(), strict=True):
            shown += self.board.count(stage)
            if stage in changed or not column.is_current(now):
                column.show_cards(self.board.cards(stage), now)
            self._retitle(stage, column)
        self.query_one("#empty").display = not everyone
        self.query_one("#board").display = bool(everyone)
        self._follow_last_change(selected)
        self._ensure_focus()
        self.sub_title = (
            f"filter “{self.filter_text}”: {shown} of {len(everyone)}"
            if self.filter_text
            else f"{len(everyone)} contact{'s' * (len(everyone) != 1)}"
        )

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
        column.move_cursor(column.ids.index(contact_id))
        self._column_index = index
        if not (isinstance(self.focused, Input) and not self.focused.disabled):
            self.set_focus(column)  # not while the person is typing a filter

    def _retitle(self, stage: Stage, column: CardColumn) -> None:
        """ "Identified 7", with ↑ / ↓ when cards are out of sight that way."""
        above, below = column.hidden_cards
        arrows = ("↑" if above else "") + ("↓" if below else "")
        text = f"{stage.label} {self.board.count(stage)}" + (f" {arrows}" if arrows else "")
        title = self.query_one(f"#title-{stage.value}", Label)
        if str(title.content) != text:  # an update re-lays-out the screen
            title.update(text)

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
        """Remember which column the keys act on."""
        if isinstance(event.widget, CardColumn):
            self._column_index = self.columns().index(event.widget)

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

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        columns = self.columns()
        target = next((c for c in columns if c.card_count), columns[self._column_index])
        self._column_index = columns.index(target)
        self.set_focus(target)
