"""When a field you edited was changed elsewhere meanwhile: show both values, let you choose."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static

from coffeechat.domain.fields import FIELD_LABELS
from coffeechat.domain.text import printable
from coffeechat.ui.dialogs.base import ChoiceDialog, DialogBody, DialogBox

Choice = Literal["mine", "theirs"]


def conflict_text(conflicts: Mapping[str, tuple[str, str]]) -> Text:
    """Each field with the value saved elsewhere and the one typed here."""
    text = Text()
    for name, (theirs, mine) in conflicts.items():
        if text:
            text.append("\n\n")
        text.append(FIELD_LABELS.get(name, name), style="bold")
        text.append("\n  saved elsewhere  ", style="dim")
        text.append(printable(theirs) or "(empty)")
        text.append("\n  typed here       ", style="dim")
        text.append(printable(mine) or "(empty)")
    return text


class ConflictDialog(ChoiceDialog[Choice | None]):
    """Keep what was saved elsewhere, or what was typed here; escape goes back to the form.

    Enter (and ctrl+s) keeps what was saved elsewhere: nothing is overwritten unless asked.
    """

    CHOICES: ClassVar[Mapping[str, object]] = {"theirs": "theirs", "mine": "mine"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('mine')", "Keep mine", id="mine",
                tooltip="Overwrite with what you typed"),
        Binding("t", "choose('theirs')", "Keep theirs", id="theirs",
                tooltip="Keep what was saved elsewhere; save your other changes"),
    ]  # fmt: skip

    def __init__(self, name: str, conflicts: Mapping[str, tuple[str, str]]) -> None:
        super().__init__()
        self.contact_name = name
        self.conflicts = dict(conflicts)

    def compose(self) -> ComposeResult:
        """Title, each field's two values, three buttons."""
        with DialogBox():
            yield Label(
                f"{self.contact_name} was changed elsewhere while you were editing",
                id="dialog-title",
                markup=False,
            )
            with DialogBody():
                yield Static(conflict_text(self.conflicts), id="conflict-body")
            with Horizontal(classes="buttons"):
                yield Button("Keep theirs (t)", variant="primary", id="theirs")
                yield Button("Keep mine (m)", id="mine")
                yield Button("Back", id="cancel")
