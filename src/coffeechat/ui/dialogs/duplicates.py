"""Duplicates: "already on your board" on adding, and merging one contact into another."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Literal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from coffeechat.domain.duplicates import MergeSides, name_company_key, short_id
from coffeechat.domain.fields import FIELD_LABELS
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import merge_conflicts
from coffeechat.domain.search import matches_filter
from coffeechat.domain.text import matched_text, printable, sentence
from coffeechat.ui.dialogs.base import ChoiceDialog, Dialog, DialogBody, DialogBox, save_key

Existing = Literal["open", "add"]


def _who(contact: Contact) -> str:
    """ "Priya Raman at Northwind Health (Met) · priya@nw.org · id 1a2b3c4d".

    The email and the short id tell two copies of one person apart.
    """
    at = f" at {contact.company}" if contact.company else ""
    where = f"archived, was {contact.stage.label}" if contact.archived else contact.stage.label
    email = f" · {contact.email}" if contact.email else ""
    return printable(f"{contact.name}{at} ({where}){email} · id {short_id(contact)}")


def _named(contact: Contact, other: Contact) -> str:
    """The contact's name, with its short id when ``other`` has the same name."""
    same = contact.name.casefold() == other.name.casefold()
    return printable(contact.name + (f" (id {short_id(contact)})" if same else ""))


class ExistingContactDialog(ChoiceDialog[Existing | None]):
    """The person typed into the new-contact form is already there: open them, or add anyway.

    Enter (and ctrl+s) opens the one already there: the safe choice.
    """

    CHOICES: ClassVar[Mapping[str, object]] = {"open": "open", "add": "add"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="cancel", tooltip="Back to the form"),
        Binding("o", "choose('open')", "Open", id="open_existing",
                tooltip="Open the contact already there (nothing is added)"),
        Binding("a", "choose('add')", "Add anyway", id="add_anyway",
                tooltip="Add a second contact of that name and company"),
    ]  # fmt: skip

    def __init__(self, existing: Contact) -> None:
        super().__init__()
        self.existing = existing

    def compose(self) -> ComposeResult:
        """What is already there, and the three ways on."""
        with DialogBox(classes="small"):
            yield Label("Already on your board", id="dialog-title")
            yield DialogBody(Static(f"{_who(self.existing)} is already there.", markup=False))
            with Horizontal(classes="buttons"):
                yield Button("Open them (o)", variant="primary", id="open")
                yield Button("Add anyway (a)", id="add")
                yield Button("Back", id="cancel")
            yield Static("enter opens them · escape goes back to the form", classes="hint")


def likely_first(keep: Contact, others: Sequence[Contact]) -> list[Contact]:
    """Others ordered for picking a duplicate: same name + company, same name, then by name."""
    name, company = name_company_key(keep.fields())

    def rank(contact: Contact) -> tuple[int, str]:
        theirs = name_company_key(contact.fields())
        if theirs == (name, company):
            return 0, theirs[0]
        if theirs[0] == name or (company and theirs[1] == company):
            return 1, theirs[0]
        return 2, theirs[0]

    return sorted(others, key=rank)


class MergePicker(Dialog[str | None]):
    """Pick the duplicate to merge into ``keep``: likely ones first, type to filter."""

    BINDINGS: ClassVar[list[BindingType]] = [save_key("Pick", "Merge the highlighted one")]

    def __init__(self, keep: Contact, others: Sequence[Contact]) -> None:
        super().__init__()
        self.keep = keep
        self.others = likely_first(keep, others)

    def compose(self) -> ComposeResult:
        """The question, a filter and the contacts."""
        with DialogBox():
            yield Label(
                f"Merge which duplicate into {printable(self.keep.name)}?",
                id="dialog-title",
                markup=False,
            )
            with DialogBody():
                yield Input(id="merge-filter", placeholder="type to filter by name, company, role")
                yield OptionList(id="merge-candidates")
            yield Static("↓↑ choose · enter picks · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Show everyone; typing filters."""
        self._show("")
        self.query_one("#merge-filter", Input).focus()

    def _show(self, text: str) -> None:
        options = self.query_one("#merge-candidates", OptionList)
        options.clear_options()
        options.add_options(
            [Option(_who(c), id=c.id) for c in self.others if matches_filter(c, text)]
        )
        options.highlighted = 0 if options.option_count else None

    @on(Input.Changed, "#merge-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def on_key(self, event: events.Key) -> None:
        """↓/↑ in the filter move the highlight, so the list needs no focus of its own."""
        if event.key not in ("down", "up") or self.focused is not self.query_one("#merge-filter"):
            return
        options = self.query_one("#merge-candidates", OptionList)
        if event.key == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()
        event.stop()

    def collect(self) -> str | None:
        """The highlighted contact's id."""
        options = self.query_one("#merge-candidates", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionSelected, "#merge-candidates")
    def _chosen(self) -> None:
        self.action_save()


class MergeDialog(Dialog[list[str] | None]):
    """What merging the two contacts of ``sides`` does; tick the fields to take from the other.

    ``sides`` says who survives (the one further along, maybe not the one the
    user started from) and why; the dialog says so before anything happens.
    Returns the fields to take from ``sides.other`` (none ticked keeps the
    survivor's values).
    """

    BINDINGS: ClassVar[list[BindingType]] = [save_key("Merge", "Merge the two (u undoes it)")]

    def __init__(self, sides: MergeSides) -> None:
        super().__init__()
        self.sides = sides
        self.keep = sides.keep
        self.other = sides.other
        self.conflicts = merge_conflicts(self.keep, self.other)

    def compose(self) -> ComposeResult:
        """What happens, the fields to choose between, two buttons."""
        with DialogBox():
            yield Label(
                f"Merge {_named(self.other, self.keep)} into {_named(self.keep, self.other)}?",
                id="dialog-title",
                markup=False,
            )
            with DialogBody():
                yield Static(self._explanation(), id="merge-body")
                if self.conflicts:
                    yield Label("Both have these; tick to take the value shown (space):")
                    yield SelectionList[str](
                        *[
                            (self._choice(name, mine, theirs), name)
                            for name, (mine, theirs) in self.conflicts.items()
                        ],
                        id="merge-fields",
                    )
            with Horizontal(classes="buttons"):
                yield Button("Merge", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static("ctrl+s merges · escape cancels · u undoes it after", classes="hint")

    def _explanation(self) -> Text:
        keep, other = self.keep, self.other
        filled = [
            FIELD_LABELS[name]
            for name, value in keep.fields().items()
            if not value and getattr(other, name) and name != "notes"
        ]
        said = Text()
        if self._different_names:
            said.append("Their names differ: check these are one person.\n", style="bold")
        if self.sides.swapped:
            said.append(printable(sentence(self.sides.why(done=False))) + ".\n", style="bold")
        else:
            said.append(f"Keeps {_who(keep)}.\n")
        if filled:
            said.append(f"Fills in {', '.join(filled)} from {printable(other.name)}.\n")
        if other.notes and other.notes not in keep.notes:
            said.append("Joins both contacts' notes.\n")
        if other.meetings:
            count = len(other.meetings)
            said.append(f"Moves {count} meeting{'s' * (count != 1)} over.\n")
        said.append(
            f"{printable(other.name)} leaves every list; both histories stay in the file.",
            style="dim",
        )
        return said

    @staticmethod
    def _choice(name: str, mine: str, theirs: str) -> str:
        return printable(f"{FIELD_LABELS[name]}: {theirs}  (instead of {mine})")

    @property
    def _different_names(self) -> bool:
        return matched_text(self.keep.name) != matched_text(self.other.name)

    def on_mount(self) -> None:
        """Start on the choices, if any; else on Merge (on Cancel when the names differ)."""
        found = self.query("#merge-fields")
        if found:
            found.first().focus()
        else:
            self.query_one("#cancel" if self._different_names else "#save", Button).focus()

    def collect(self) -> list[str] | None:
        """The fields ticked to take from the duplicate."""
        found = self.query("#merge-fields")
        if not found:
            return []
        return list(found.first(SelectionList).selected)
