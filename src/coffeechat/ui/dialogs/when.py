"""Ask when something happened (a meeting, a message sent); default now."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, Static

from coffeechat.domain.dates import DateParseError
from coffeechat.domain.model import Contact
from coffeechat.ui.dialogs.base import Dialog, DialogBody, DialogBox, Invalid
from coffeechat.ui.widgets.time_field import TimeField, past_reader


class MeetingTimeDialog(Dialog[datetime | None]):
    """Ask when something happened (default now), so the thank-you clock starts right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Don't move the contact"),
    ]
    HINT = "enter saves · escape cancels"

    def __init__(
        self,
        contact: Contact,
        now: datetime,
        *,
        question: str | None = None,
        default: str = "now",
        explanation: str = "",
    ) -> None:
        super().__init__()
        self.contact = contact
        self.now = now
        self.question = question or f"When did you meet {contact.name}?"
        self.default = default
        self.explanation = explanation

    def compose(self) -> ComposeResult:
        """A question, one input, and a line saying how we read it."""
        with DialogBox(classes="small"):
            yield Label(self.question, id="dialog-title", markup=False)
            with DialogBody():
                if self.explanation:
                    yield Label(self.explanation, id="dialog-explanation", markup=False)
                yield TimeField(
                    self.default,
                    past_reader(self.now),
                    input_id="when",
                    placeholder="now, yesterday 3pm, tue 14:00…",
                )
            yield Static(self.HINT, classes="hint")

    def on_mount(self) -> None:
        """Ready to overtype the default."""
        self.query_one("#when", Input).focus()

    def read_time(self) -> datetime:
        """The typed moment, or raise Invalid with the parser's sentence."""
        try:
            when = self.query_one(TimeField).read()
        except DateParseError as error:
            raise Invalid({"when": str(error)}, order=("when",)) from None
        assert when is not None
        return when

    def collect(self) -> datetime | None:
        """When it happened."""
        return self.read_time()
