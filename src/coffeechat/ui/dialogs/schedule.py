"""The schedule form (`s`): when, how, how long, where, and the homework before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from coffeechat.domain.dates import DateParseError
from coffeechat.domain.meetings import Meeting, MeetingFormat
from coffeechat.domain.model import Contact, ValidationError
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.ui.dialogs.base import Commit, Dialog, DialogBody, DialogBox, Invalid
from coffeechat.ui.widgets.time_field import TimeField, future_reader

_LABELS = {
    "when": "When",
    "format": "Format",
    "minutes": "Minutes",
    "place": "Place or link",
    "research": "Research",
    "goals": "Goals",
}


@dataclass(frozen=True, slots=True)
class CancelMeeting:
    """The answer "call the planned meeting off" (the "Cancel meeting" button)."""


#: What the schedule form answers: the checked fields, the meeting called off, or None (escape).
Scheduled = dict[str, object] | CancelMeeting | None


class ScheduleDialog(Dialog[Scheduled]):
    """Schedule a meeting or change one; dismisses with checked fields (None = cancelled).

    A planned meeting can also be called off: "Cancel meeting" answers ``CancelMeeting``.
    """

    # "esc Cancel" beside a "Cancel meeting" button read as calling the meeting off.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="cancel", tooltip="Close without saving"),
    ]

    def __init__(
        self,
        contact: Contact,
        meeting: Meeting | None,
        now: datetime,
        *,
        commit: Commit[Scheduled] | None = None,
    ) -> None:
        super().__init__(commit=commit)
        self.contact = contact
        self.meeting = meeting
        self.now = now

    def compose(self) -> ComposeResult:
        """A row per field, each with room for an error."""
        meeting = self.meeting or Meeting(id="")
        when = ""
        if meeting.scheduled_at is not None:
            when = f"{meeting.scheduled_at.astimezone(self.now.tzinfo):%Y-%m-%d %H:%M}"
        verb = "Reschedule" if self.meeting else "Schedule"
        with DialogBox(classes="form"):
            yield Label(f"{verb} a meeting with {self.contact.name}", id="dialog-title",
                        markup=False)  # fmt: skip
            with DialogBody():
                yield TimeField(
                    when,
                    future_reader(self.now, optional=True),
                    input_id="field-when",
                    label=_LABELS["when"],
                    placeholder="tue 3pm, 2026-12-01 09:30; empty: not agreed yet",
                )
                with Horizontal(classes="field-row"):
                    yield Label(_LABELS["format"], classes="field-label")
                    yield Select(
                        [(f.value.capitalize(), f.value) for f in MeetingFormat],
                        value=meeting.format.value,
                        allow_blank=False,
                        id="field-format",
                        compact=True,
                    )
                yield Label("", id="error-format", classes="field-error")
                with Horizontal(classes="field-row"):
                    yield Label(_LABELS["minutes"], classes="field-label")
                    yield Input(str(meeting.minutes), id="field-minutes", compact=True)
                yield Label("", id="error-minutes", classes="field-error")
                with Horizontal(classes="field-row"):
                    yield Label(_LABELS["place"], classes="field-label")
                    yield Input(meeting.place, id="field-place", compact=True,
                                placeholder="an address, or the call link")  # fmt: skip
                yield Label("", id="error-place", classes="field-error")
                for name, value in (("research", meeting.research), ("goals", meeting.goals)):
                    with Horizontal(classes="field-row"):
                        yield Label(_LABELS[name], classes="field-label")
                        yield TextArea(value, id=f"field-{name}", compact=True)
                    yield Label("", id=f"error-{name}", classes="field-error")
                yield Static(
                    "Research: what you learned about them and their company.  "
                    "Goals: what you want to leave knowing.",
                    classes="hint",
                )
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Close", id="cancel")
                if self.meeting is not None:
                    yield Button("Cancel meeting", variant="error", id="cancel-meeting")
            yield Static(
                "ctrl+s saves · escape closes without saving"
                + (" · Cancel meeting calls it off (u undoes)" if self.meeting else ""),
                classes="hint",
            )

    def on_mount(self) -> None:
        """Start in the time field."""
        self.query_one("#field-when", Input).focus()

    @on(Button.Pressed, "#cancel-meeting")
    def _cancel_meeting(self) -> None:
        """Call the meeting off (what was typed here is not saved)."""
        if self._committing:
            return
        if self._commit is None:
            self.dismiss(CancelMeeting())
        else:
            self._run_commit(CancelMeeting())

    def collect(self) -> Scheduled:
        """Every field checked; all the problems at once, each on its field."""
        errors: dict[str, str] = {}
        when: datetime | None = None
        try:
            when = self.query_one(TimeField).read()
        except DateParseError as error:
            errors["when"] = str(error)
        try:
            fields = clean_schedule(
                scheduled_at=when,
                format=str(self.query_one("#field-format", Select).value),
                minutes=self.query_one("#field-minutes", Input).value,
                place=self.query_one("#field-place", Input).value,
                research=self.query_one("#field-research", TextArea).text,
                goals=self.query_one("#field-goals", TextArea).text,
            )
        except ValidationError as error:
            errors.update(error.errors)
            fields = {}
        if errors:
            raise Invalid(errors, _LABELS)
        return fields
