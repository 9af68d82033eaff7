"""Keeping in touch: log a follow-up (`f`) and snooze a due item (`z`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from coffeechat.domain.dates import DateParseError
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import CHANNELS
from coffeechat.ui.dialogs.base import Commit, Dialog, DialogBody, DialogBox, Invalid, save_key
from coffeechat.ui.widgets.lists import VimOptionList
from coffeechat.ui.widgets.time_field import TimeField, future_reader, past_reader


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What the follow-up dialog returns."""

    at: datetime
    channel: str
    note: str


class FollowUpDialog(Dialog[FollowUp | None]):
    """When, how, and a short note; the cadence starts again from then."""

    BINDINGS: ClassVar[list[BindingType]] = [save_key("Log it", "Log the follow-up")]

    def __init__(
        self, contact: Contact, now: datetime, *, commit: Commit[FollowUp | None] | None = None
    ) -> None:
        super().__init__(commit=commit)
        self.contact = contact
        self.now = now

    def compose(self) -> ComposeResult:
        """Three rows and a preview of the time."""
        with DialogBox(classes="small"):
            yield Label(f"Follow-up with {self.contact.name}", id="dialog-title", markup=False)
            with DialogBody():
                yield TimeField("now", past_reader(self.now), input_id="field-when", label="When")
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
        """Start in the time."""
        self.query_one("#field-when", Input).focus()

    def collect(self) -> FollowUp | None:
        """The follow-up, once its time reads."""
        try:
            when = self.query_one(TimeField).read()
        except DateParseError as problem:
            raise Invalid({"when": str(problem)}, {"when": "When"}) from None
        assert when is not None
        channel = str(self.query_one("#field-channel", Select).value)
        return FollowUp(when, channel, self.query_one("#field-note", Input).value)


_PERIODS = (
    ("1 week", relativedelta(weeks=1)),
    ("2 weeks", relativedelta(weeks=2)),
    ("1 month", relativedelta(months=1)),
    ("3 months", relativedelta(months=3)),
)


class SnoozeDialog(Dialog[datetime | None]):
    """Hide a due item for a while: a week, two, a month, three, or until a date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Keep it on the list"),
        save_key("Snooze", "Snooze until the highlighted time"),
    ]

    def __init__(self, what: str, now: datetime) -> None:
        super().__init__()
        self.what = what
        self.now = now

    def compose(self) -> ComposeResult:
        """The periods, and a box for a date."""
        with DialogBox(classes="small"):
            yield Label(f"Snooze {self.what}", id="dialog-title", markup=False)
            with DialogBody():
                yield VimOptionList(
                    *[
                        Option(f"{label:<10} until {self.now + period:%a %d %b %Y}", id=label)
                        for label, period in _PERIODS
                    ],
                    Option("Until a date…", id="date"),
                    id="periods",
                )
                yield TimeField(
                    "",
                    future_reader(self.now, strictly_after=True),
                    input_id="snooze-date",
                    name="snooze",
                    placeholder="friday, 2027-01-15, in 10 days",
                )
            yield Static("enter snoozes · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Highlight a week; the date box appears when asked for."""
        periods = self.query_one("#periods", OptionList)
        periods.highlighted = 0
        periods.focus()
        self.query_one(TimeField).display = False

    @on(OptionList.OptionSelected, "#periods")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "date":
            self.query_one(TimeField).display = True
            self.query_one("#snooze-date", Input).focus()
            return
        self.dismiss(self.now + dict(_PERIODS)[str(event.option.id)])

    def collect(self) -> datetime | None:
        """The date typed in the box, or the highlighted period."""
        field = self.query_one(TimeField)
        if not field.display:
            periods = self.query_one("#periods", OptionList)
            option = periods.get_option_at_index(periods.highlighted or 0)
            if option.id != "date":
                return self.now + dict(_PERIODS)[str(option.id)]
        try:
            until = field.read()
        except DateParseError as problem:
            raise Invalid({"snooze": str(problem)}) from None
        assert until is not None
        return until
