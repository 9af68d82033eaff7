"""Keeping in touch: log a follow-up (`f`) and snooze a due item (`z`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from coffeechat.domain.dates import DateParseError, parse_when
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import CHANNELS
from coffeechat.ui.screens.forms import FormScreen, past_moment, show_preview
from coffeechat.ui.widgets.lists import VimOptionList


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What the follow-up dialog returns."""

    at: datetime
    channel: str
    note: str


class FollowUpDialog(FormScreen[FollowUp | None]):
    """When, how, and a short note; the cadence starts again from then."""

    def __init__(self, contact: Contact, now: datetime) -> None:
        super().__init__()
        self.contact = contact
        self.now = now

    def compose(self) -> ComposeResult:
        """Three rows and a preview of the time."""
        with Vertical(id="dialog", classes="small"):
            yield Label(f"Follow-up with {self.contact.name}", id="dialog-title", markup=False)
            with Horizontal(classes="field-row"):
                yield Label("When", classes="field-label")
                yield Input("now", id="field-when", compact=True)
            yield Label("", id="when-preview", classes="preview")
            yield Label("", id="error-when", classes="field-error")
            with Horizontal(classes="field-row"):
                yield Label("How", classes="field-label")
                yield Select(
                    [(channel.capitalize(), channel) for channel in CHANNELS],
                    value=CHANNELS[0],
                    allow_blank=False,
                    id="field-channel",
                    compact=True,
                )
            with Horizontal(classes="field-row"):
                yield Label("Note", classes="field-label")
                yield Input(id="field-note", compact=True, placeholder="what you talked about")
            yield Static("enter or ctrl+s logs it · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Start in the time, showing how it reads."""
        self.query_one("#field-when", Input).focus()
        self._preview(self.query_one("#field-when", Input).value)

    def _read(self, text: str) -> datetime:
        return past_moment(text, self.now)

    def _preview(self, text: str) -> None:
        show_preview(self.query_one("#when-preview", Label), self._read, text)

    @on(Input.Changed, "#field-when")
    def _changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def action_save(self) -> None:
        """Check the time, then close with the follow-up."""
        try:
            when = self._read(self.query_one("#field-when", Input).value)
        except DateParseError as problem:
            self.show_errors({"when": str(problem)}, {"when": "When"})
            return
        channel = str(self.query_one("#field-channel", Select).value)
        self.dismiss(FollowUp(when, channel, self.query_one("#field-note", Input).value))


_PERIODS = (
    ("1 week", relativedelta(weeks=1)),
    ("2 weeks", relativedelta(weeks=2)),
    ("1 month", relativedelta(months=1)),
    ("3 months", relativedelta(months=3)),
)


class SnoozeDialog(ModalScreen[datetime | None]):
    """Hide a due item for a while: a week, two, a month, three, or until a date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Keep it on the list"),
    ]

    def __init__(self, what: str, now: datetime) -> None:
        super().__init__()
        self.what = what
        self.now = now

    def compose(self) -> ComposeResult:
        """The periods, and a box for a date."""
        with Vertical(id="dialog", classes="small"):
            yield Label(f"Snooze {self.what}", id="dialog-title", markup=False)
            yield VimOptionList(
                *[
                    Option(f"{label:<10} until {self.now + period:%a %d %b %Y}", id=label)
                    for label, period in _PERIODS
                ],
                Option("Until a date…", id="date"),
                id="periods",
            )
            yield Input(id="snooze-date", placeholder="friday, 2027-01-15, in 10 days")
            yield Label("", id="error-snooze", classes="field-error")
            yield Static("enter snoozes · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Highlight a week; the date box appears when asked for."""
        periods = self.query_one("#periods", OptionList)
        periods.highlighted = 0
        periods.focus()
        self.query_one("#snooze-date").display = False

    @on(OptionList.OptionSelected, "#periods")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "date":
            box = self.query_one("#snooze-date", Input)
            box.display = True
            box.focus()
            return
        period = dict(_PERIODS)[str(event.option.id)]
        self.dismiss(self.now + period)

    @on(Input.Submitted, "#snooze-date")
    def _dated(self, event: Input.Submitted) -> None:
        error = self.query_one("#error-snooze", Label)
        try:
            until = parse_when(event.value, self.now, prefer="future")
        except DateParseError as problem:
            error.update(str(problem))
            error.add_class("shown")
            return
        if until <= self.now:
            error.update("Pick a moment in the future.")
            error.add_class("shown")
            return
        self.dismiss(until)

    def action_cancel(self) -> None:
        """Close; the item stays."""
        self.dismiss(None)
