"""The small dialogs: one line of text, and a yes/no with the consequences spelled out."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from coffeechat.ui.dialogs.base import Dialog, DialogBody, DialogBox, save_key


class TextPrompt(Dialog[str | None]):
    """Ask for one line of text; enter returns it, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [save_key("OK", "Go on with what is typed")]

    def __init__(
        self, title: str, explanation: str, value: str = "", placeholder: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        """The question, a hint and one input."""
        with DialogBox(classes="small"):
            yield Label(self.title_text, id="dialog-title", markup=False)
            with DialogBody():
                yield Static(self.explanation, markup=False)
                yield Input(self.value, id="prompt-value", placeholder=self.placeholder)
            yield Static("enter goes on · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Ready to type."""
        self.query_one("#prompt-value", Input).focus()

    def collect(self) -> str | None:
        """What was typed."""
        return self.query_one("#prompt-value", Input).value


class ConfirmDialog(Dialog[bool]):
    """A yes/no question with what will happen spelled out; enter confirms, escape cancels."""

    CANCELLED: ClassVar[object] = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Confirm", id="save", priority=True, tooltip="Go ahead"),
    ]

    def __init__(self, title: str, body: str, action: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.action_label = action

    def compose(self) -> ComposeResult:
        """Title, the details, two buttons."""
        with DialogBox():
            yield Label(self.title_text, id="dialog-title", markup=False)
            with DialogBody():
                yield Static(self.body, id="confirm-body", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.action_label, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Enter confirms."""
        self.query_one("#confirm", Button).focus()

    def collect(self) -> bool:
        """Yes."""
        return True

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.action_save()
