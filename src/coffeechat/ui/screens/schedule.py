"""The schedule form (`s`): when, how, how long, where, and the homework before."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from coffeechat.domain.dates import DateParseError, parse_when
from coffeechat.domain.meetings import Meeting, MeetingFormat
from coffeechat.domain.model import Contact, ValidationError
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.ui.screens.forms import FormScreen, show_preview

_LABELS = {
    "when": "When",
    "format": "Format",
    "minutes": "Minutes",
    "place": "Place or link",
    "research": "Research",
    "goals": "Goals",
}


class ScheduleDialog(FormScreen[dict[str, object] | None]):
    """Schedule a meeting or change one; dismisses with checked fields (None = cancelled)."""

    def __init__(self, contact: Contact, meeting: Meeting | None, now: datetime) -> None:
        super().__init__()
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
        with Vertical(id="dialog", classes="form"):
            yield Label(f"{verb} a meeting with {self.contact.name}", id="dialog-title",
                        markup=False)  # fmt: skip
            with VerticalScroll(id="fields"):
                with Horizontal(classes="field-row"):
                    yield Label(_LABELS["when"], classes="field-label")
                    yield Input(
                        when,
                        id="field-when",
                        compact=True,
                        placeholder="tue 3pm, 2026-12-01 09:30, empty if not agreed yet",
                    )
                yield Label("", id="when-preview", classes="preview")
                yield Label("", id="error-when", classes="field-error")
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
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static(
                "Research: what you learned about them and their company.  "
                "Goals: what you want to leave knowing.\nctrl+s saves · escape cancels",
                classes="hint",
            )

    def on_mount(self) -> None:
        """Start in the time field, showing how it reads."""
        field = self.query_one("#field-when", Input)
        field.focus()
        self._preview(field.value)

    def _read_when(self, text: str) -> datetime | None:
        return parse_when(text, self.now, prefer="future") if text.strip() else None

    def _preview(self, text: str) -> None:
        show_preview(self.query_one("#when-preview", Label), self._read_when, text)

    @on(Input.Changed, "#field-when")
    def _when_changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def action_save(self) -> None:
        """Check every field; show problems on their fields, or close with the values."""
        errors: dict[str, str] = {}
        when: datetime | None = None
        try:
            when = self._read_when(self.query_one("#field-when", Input).value)
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
            self.show_errors(errors, _LABELS)
            return
        self.dismiss(fields)
