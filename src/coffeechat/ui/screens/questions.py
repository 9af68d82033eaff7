"""The question bank and the picker (`Q`): choose and order a meeting's 10–20 questions.

Opened for a meeting it shows the bank on the left and the meeting's list on
the right; opened from the command palette it manages the bank alone.
Changes to the bank are saved at once; the meeting's list is handed back
when the screen closes (escape or ctrl+s), and the caller saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Label, Static
from textual.widgets.option_list import Option

from coffeechat.domain.humanize import day
from coffeechat.domain.meetings import AgendaItem, Meeting, earlier_agenda, fresh_questions
from coffeechat.domain.model import printable
from coffeechat.domain.questions import (
    Category,
    Question,
    agenda_warnings,
    filter_questions,
    is_yes_no,
)
from coffeechat.ui.dialogs.question_form import QuestionForm
from coffeechat.ui.screens.app_screen import AppScreen
from coffeechat.ui.widgets.lists import VimOptionList

_CATEGORIES: tuple[Category | None, ...] = (None, *Category)
#: Keys for a meeting's list: the bank alone (from the palette) leaves them out of its footer.
_MEETING_KEYS = frozenset({"pick", "move_up", "move_down"})
#: What the bank alone is for: in its footer instead.
_BANK_KEYS = frozenset({"edit_question", "hide_question"})


class QuestionPicker(AppScreen[tuple[AgendaItem, ...] | None]):
    """Bank on the left, this meeting's questions on the right."""

    # Short terminals (80x24) give the blank rows between parts to the lists.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Done", id="close",
                tooltip="Close (the meeting keeps the list as it is now)"),
        # Not a priority binding: it must come after a space typed just before it.
        Binding("ctrl+s", "save", "Save", id="save", show=False,
                tooltip="Close and keep the list, even from the filter"),
        Binding("slash", "focus_filter", "Filter", id="filter", key_display="/",
                tooltip="Filter by words, a category or #tag"),
        Binding("c", "next_category", "Category", id="category",
                tooltip="Show one category at a time"),
        Binding("space", "pick", "Pick", id="pick",
                tooltip="Add the highlighted question to the meeting, or take it off"),
        Binding("K", "move(-1)", "Up", id="move_up", key_display="K",
                tooltip="Ask the highlighted picked question earlier"),
        Binding("J", "move(1)", "Down", id="move_down", key_display="J",
                tooltip="Ask the highlighted picked question later"),
        Binding("n", "new_question", "New", id="new_question", tooltip="Write your own question"),
        Binding("e", "edit_question", "Edit", id="edit_question", show=False,
                tooltip="Edit one of your own questions (tags for built-ins)"),
        Binding("h", "hide_question", "Hide", id="hide_question", show=False,
                tooltip="Hide a built-in or retire your own question (h again brings it back)"),
        Binding("H", "toggle_hidden", "Show hidden", id="toggle_hidden", show=False,
                tooltip="Show or hide hidden and retired questions"),
        Binding("T", "move_to_edge('top')", "To top", id="move_top", key_display="T",
                show=False, tooltip="Ask the highlighted picked question first"),
        Binding("B", "move_to_edge('bottom')", "To bottom", id="move_bottom", key_display="B",
                show=False, tooltip="Ask the highlighted picked question last"),
        Binding("P", "previous_list", "Previous list", id="previous_list", key_display="P",
                show=False, tooltip="Add the questions of the last meeting that had some "
                "(this person's, else anyone's)"),
    ]  # fmt: skip

    def __init__(self, meeting: Meeting | None, contact_name: str = "") -> None:
        super().__init__()
        self.meeting = meeting
        self.contact_name = contact_name
        self.agenda: list[AgendaItem] = list(meeting.agenda) if meeting else []
        self.category: Category | None = None
        self.show_hidden = False
        self.shown: list[Question] = []

    def compose(self) -> ComposeResult:
        """Filter line; bank and meeting list side by side; warnings."""
        yield Header()
        with Horizontal(id="picker-top"):
            yield Input(id="question-filter", placeholder="/ filter: words or #tag", compact=True)
            yield Label("", id="picker-category")
        with Horizontal(id="picker-body"):
            with Vertical(id="bank-pane"):
                yield Label("Question bank", id="bank-title", classes="section-title")
                yield Static("", id="bank-empty")
                yield VimOptionList(id="bank")
            if self.meeting is not None:
                with Vertical(id="agenda-pane"):
                    yield Label("", id="agenda-title", classes="section-title")
                    yield VimOptionList(id="agenda")
                    yield Static("", id="agenda-warnings")
        yield Footer(compact=True)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The bank alone shows its own keys in the footer, not "space Pick K Up J Down"."""
        bindings = super().active_bindings
        if self.meeting is not None:
            return bindings
        shown = {
            key: active._replace(
                binding=replace(active.binding, show=active.binding.id in _BANK_KEYS)
            )
            if active.binding.id in _MEETING_KEYS | _BANK_KEYS
            else active
            for key, active in bindings.items()
        }
        return shown

    def on_mount(self) -> None:
        """Fill both lists and start in the bank."""
        if self.meeting is not None:
            self.sub_title = f"Questions for {printable(self.contact_name)}"
        else:
            self.sub_title = "Question bank"
        self.reload()
        self.query_one("#bank", VimOptionList).focus()

    # -- drawing -------------------------------------------------------------

    def reload(self) -> None:
        """Redraw the bank (filtered) and the meeting's list."""
        bank = self.query_one("#bank", VimOptionList)
        highlighted = bank.highlighted
        text = self.query_one("#question-filter", Input).value
        questions = self.coffeechat.repository.questions()
        self.shown = filter_questions(questions, text, self.category, self.show_hidden)
        picked = {item.question_id: number for number, item in enumerate(self.agenda, 1)}
        options = []
        for question in self.shown:
            line = Text()
            number = picked.get(question.id)
            line.append(
                f"{number:>2} " if number else " · ", style="bold green" if number else "dim"
            )
            line.append(printable(question.text), style="dim" if question.hidden else "")
            line.append(f"  {question.category.value}", style="dim cyan")
            for tag in question.tags:
                line.append(f" #{tag}", style="dim magenta")
            if question.hidden:
                line.append("  hidden" if question.builtin else "  retired", style="yellow")
            if not question.builtin:
                line.append("  mine", style="dim")
            options.append(Option(line))
        bank.set_options(options)
        if options:
            bank.highlighted = min(highlighted or 0, len(options) - 1)
        title = f"Question bank · {len(self.shown)} of {len(questions)}"
        self.query_one("#bank-title", Label).update(title)
        empty = self.query_one("#bank-empty", Static)
        empty.update(self._none_found(text) if not options else "")
        empty.display = not options
        category = self.category.value if self.category else "all categories"
        self.query_one("#picker-category", Label).update(f"c: {category}")
        self._draw_agenda()

    def _none_found(self, text: str) -> Text:
        """What an empty bank says: which search, or which category, found nothing."""
        where = f" in {self.category.value} (c: all categories)" if self.category else ""
        if text.strip():
            said = f"No questions match {printable(' '.join(text.split()))!r}{where}."
        elif self.category:
            said = f"No questions{where}."
        else:
            said = "No questions to show (H shows the hidden ones)."
        return Text(said, style="italic")

    def _draw_agenda(self, highlight: int | None = None) -> None:
        if self.meeting is None:
            return
        agenda = self.query_one("#agenda", VimOptionList)
        current = agenda.highlighted if highlight is None else highlight
        options = []
        for number, item in enumerate(self.agenda, 1):
            line = Text(f"{number:>2}. ", style="dim")
            line.append(printable(item.text))
            if is_yes_no(item.text):
                line.append("  yes/no", style="yellow")
            options.append(Option(line))
        agenda.set_options(options)
        if options:
            agenda.highlighted = min(current or 0, len(options) - 1)
        self.query_one("#agenda-title", Label).update(f"This meeting · {len(self.agenda)} picked")
        warnings = agenda_warnings(self.agenda)
        said = (
            Text("\n".join(f"⚠ {w}" for w in warnings), style="yellow")
            if warnings
            else Text("✓ A good list: open questions, and one that asks for names.", "green")
        )
        if not self.agenda:
            said.append("\nP starts from the questions of an earlier meeting.", style="dim")
        self.query_one("#agenda-warnings", Static).update(said)

    # -- finding the highlighted question ------------------------------------

    def _bank_question(self) -> Question | None:
        index = self.query_one("#bank", VimOptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def _agenda_index(self) -> int | None:
        """The picked question the keys act on: highlighted in the list that has focus."""
        if self.meeting is None:
            return None
        agenda = self.query_one("#agenda", VimOptionList)
        if agenda.has_focus:
            return agenda.highlighted
        question = self._bank_question()
        ids = [item.question_id for item in self.agenda]
        return ids.index(question.id) if question and question.id in ids else None

    # -- actions -------------------------------------------------------------

    def action_focus_filter(self) -> None:
        """Type to filter the bank."""
        self.query_one("#question-filter", Input).focus()

    @on(Input.Changed, "#question-filter")
    def _filtered(self) -> None:
        self.reload()

    @on(Input.Submitted, "#question-filter")
    def _filter_done(self) -> None:
        self.query_one("#bank", VimOptionList).focus()

    def action_next_category(self) -> None:
        """Cycle: all categories, then each one."""
        self.category = _CATEGORIES[(_CATEGORIES.index(self.category) + 1) % len(_CATEGORIES)]
        self.reload()

    def action_pick(self) -> None:
        """Add the highlighted question to the meeting, or take it off."""
        if self.meeting is None:
            self.notify("Open the picker on a contact (Q) to pick questions for a meeting.")
            return
        if self.query_one("#agenda", VimOptionList).has_focus:
            index = self._agenda_index()
            if index is not None:
                del self.agenda[index]
        else:
            question = self._bank_question()
            if question is None:
                return
            ids = [item.question_id for item in self.agenda]
            if question.id in ids:
                del self.agenda[ids.index(question.id)]
            else:
                self.agenda.append(AgendaItem(question.id, question.text, question.category.value))
        self.reload()

    def action_move(self, step: int) -> None:
        """Move the highlighted picked question earlier or later."""
        self._move_picked(lambda index: index + step)

    def action_move_to_edge(self, edge: str) -> None:
        """Move the highlighted picked question to the top or the bottom of the list."""
        self._move_picked(lambda _: 0 if edge == "top" else len(self.agenda) - 1)

    def _move_picked(self, target_of: Callable[[int], int]) -> None:
        """Move the highlighted picked question to ``target_of(where it is)``."""
        if self.meeting is None:
            self.notify("Open the picker on a contact (Q) to order a meeting's questions.")
            return
        index = self._agenda_index()
        if index is None:
            self.notify("Pick the question first (space), then move it.", timeout=3)
            return
        target = target_of(index)
        if 0 <= target < len(self.agenda):
            self.agenda.insert(target, self.agenda.pop(index))
            self.reload()
            self._draw_agenda(highlight=target)

    def action_previous_list(self) -> None:
        """Add the questions of an earlier meeting: this person's last, else anyone's."""
        if self.meeting is None:
            self.notify("Open the picker on a contact (Q) to start from a previous list.")
            return
        everyone = self.coffeechat.repository.contacts(include_archived=True)
        meeting_id = self.meeting.id
        mine = {c.id for c in everyone if any(m.id == meeting_id for m in c.meetings)}
        own = [m for c in everyone if c.id in mine for m in c.meetings]
        others = [m for c in everyone if c.id not in mine for m in c.meetings]
        earlier = earlier_agenda(own, others, self.meeting)
        if earlier is None:
            self.notify("No earlier meeting has questions to start from.", timeout=4)
            return
        whose = next(c.name for c in everyone if earlier in c.meetings)
        when = earlier.when()
        source = f"the meeting with {printable(whose)}" + (
            f" ({day(when, self.now())})" if when is not None else ""
        )
        before = len(self.agenda)
        self.agenda = list(fresh_questions(self.agenda, earlier.agenda))
        added = len(self.agenda) - before
        if not added:
            self.notify(f"Every question from {source} is on the list already.", timeout=4)
            return
        self.reload()
        self.notify(f"Added {added} question{'s' * (added != 1)} from {source}.", timeout=4)

    def action_new_question(self) -> None:
        """Write a question of your own; it joins the bank (and this meeting)."""
        self._new_question()

    @work(group="flow")
    async def _new_question(self) -> None:
        written = await self.app.push_screen_wait(QuestionForm(None))
        if written is None:
            return
        text, category, tags = written
        question = Question(self.coffeechat.repository.new_id(), text, category, tags)
        if await self.coffeechat.save(
            lambda: self.coffeechat.repository.save_question(question), "Added your question."
        ):
            if self.meeting is not None:
                self.agenda.append(AgendaItem(question.id, text, category.value))
            self.reload()

    def action_edit_question(self) -> None:
        """Edit your own question (built-ins: only their tags)."""
        question = self._bank_question()
        if question is not None:
            self._edit_question(question)

    @work(group="flow")
    async def _edit_question(self, question: Question) -> None:
        written = await self.app.push_screen_wait(QuestionForm(question))
        if written is None:
            return
        text, category, tags = written
        changed = replace(question, tags=tags)
        if not question.builtin:
            changed = replace(changed, text=text, category=category)
        if await self.coffeechat.save(
            lambda: self.coffeechat.repository.save_question(changed, base=question),
            "Saved the question.",
        ):
            # The meeting being planned takes the new words; held meetings keep
            # the snapshot of what was actually asked.
            self.agenda = [
                replace(item, text=changed.text, category=changed.category.value)
                if item.question_id == changed.id
                else item
                for item in self.agenda
            ]
            self.reload()

    def action_hide_question(self) -> None:
        """Hide (built-in) or retire (your own) the highlighted question; again to bring back."""
        question = self._bank_question()
        if question is not None:
            self._hide_question(question)

    @work(group="flow")
    async def _hide_question(self, question: Question) -> None:
        changed = replace(question, hidden=not question.hidden)
        verb = ("Hid" if question.builtin else "Retired") if changed.hidden else "Brought back"
        if await self.coffeechat.save(
            lambda: self.coffeechat.repository.save_question(changed, base=question),
            f"{verb} “{question.text}”." + ("  (H shows hidden ones)" if changed.hidden else ""),
        ):
            self.reload()

    def action_toggle_hidden(self) -> None:
        """Show or hide hidden and retired questions."""
        self.show_hidden = not self.show_hidden
        self.reload()

    def action_close(self) -> None:
        """Back to where you were, handing the meeting's list to the caller."""
        if self.query_one("#question-filter", Input).has_focus:
            self.query_one("#bank", VimOptionList).focus()
            return
        self.action_save()

    def action_save(self) -> None:
        """Close from anywhere (the filter too), handing the meeting's list to the caller."""
        self.dismiss(tuple(self.agenda) if self.meeting is not None else None)
