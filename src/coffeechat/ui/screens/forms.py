"""Modal forms and confirmations; each dismisses with a typed result (None = cancelled)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coffeechat.domain.dates import DateParseError, parse_when
from coffeechat.domain.fields import (
    CONTACT_FIELDS,
    FIELD_LABELS,
    FIELDS,
    ValidationError,
    clean_fields,
)
from coffeechat.domain.humanize import moment
from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.ui.widgets.lists import VimOptionList

ResultT = TypeVar("ResultT")


def past_moment(text: str, now: datetime) -> datetime:
    """A typed moment that has already happened; DateParseError if unreadable or future."""
    when = parse_when(text, now, prefer="past")
    if when > now:
        raise DateParseError(
            f"{moment(when, now)} is in the future; record it once it has happened"
        )
    return when


def show_preview(label: Label, read: Callable[[str], datetime | None], text: str) -> None:
    """Under a time field, how the typed text reads ("→ Tue 24 Nov 2026, 15:00"), or nothing."""
    try:
        when = read(text)
    except DateParseError:
        label.update("")
        return
    label.update(f"→ {when:%a %d %b %Y, %H:%M}" if when else "→ not agreed yet")


class FormScreen(ModalScreen[ResultT]):
    """A modal form: ctrl+s or enter saves, escape cancels, problems show under their fields.

    Subclasses compose ``#field-NAME`` widgets with an ``#error-NAME`` label
    under each, optional ``#save`` / ``#cancel`` buttons, and implement
    ``action_save``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="save", priority=True, tooltip="Check and save"),
    ]

    def action_save(self) -> None:
        """Check the fields and dismiss with the result; subclasses implement it."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def clear_errors(self) -> None:
        """Empty every error line (before checking again)."""
        for label in self.query(".field-error").results(Label):
            label.update("")
            label.remove_class("shown")

    def show_errors(
        self,
        errors: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
        order: Iterable[str] = (),
    ) -> None:
        """Show each message under its field ("Label: message") and focus the first bad field."""
        self.clear_errors()
        for name, message in errors.items():
            label = self.query_one(f"#error-{name}", Label)
            label.update(f"{labels[name]}: {message}" if labels else message)
            label.add_class("shown")
        first = next((name for name in order if name in errors), next(iter(errors)))
        self.query_one(f"#field-{first}").focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class ContactForm(FormScreen[dict[str, str] | None]):
    """Add or edit a contact; errors show on the field, nothing saves until all are right."""

    def __init__(self, contact: Contact | None) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        """A labelled input per field, each with room for an error under it."""
        values = self.contact.fields() if self.contact else {}
        title = f"Edit {self.contact.name}" if self.contact else "New contact"
        with Vertical(id="dialog", classes="form"):
            yield Label(title, id="dialog-title", markup=False)
            with VerticalScroll(id="fields"):
                for spec in FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(spec.label, classes="field-label")
                        value = values.get(spec.name, "")
                        if spec.multiline:
                            yield TextArea(value, id=f"field-{spec.name}", compact=True)
                        else:
                            yield Input(
                                value,
                                placeholder=spec.placeholder,
                                id=f"field-{spec.name}",
                                compact=True,
                            )
                    yield Label("", id=f"error-{spec.name}", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static("ctrl+s or enter saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Start typing in the name field."""
        self.query_one("#field-name", Input).focus()

    def values(self) -> dict[str, str]:
        """What the form holds right now."""
        return {
            spec.name: self.query_one(f"#field-{spec.name}", TextArea).text
            if spec.multiline
            else self.query_one(f"#field-{spec.name}", Input).value
            for spec in FIELDS
        }

    def action_save(self) -> None:
        """Validate; show each problem on its field, or close with the cleaned values."""
        try:
            cleaned = clean_fields(self.values())
        except ValidationError as error:
            self.show_errors(error.errors, FIELD_LABELS, CONTACT_FIELDS)
            return
        self.dismiss(cleaned)


class MeetingTimeDialog(ModalScreen[datetime | None]):
    """Ask when something happened (default now), so the thank-you clock starts right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Don't move the contact"),
    ]

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
        with Vertical(id="dialog", classes="small"):
            yield Label(self.question, id="dialog-title", markup=False)
            if self.explanation:
                yield Label(self.explanation, id="dialog-explanation", markup=False)
            yield Input(self.default, id="when", placeholder="now, yesterday 3pm, tue 14:00…")
            yield Label("", id="when-preview")
            yield Label("", id="error-when", classes="field-error")
            yield from self.compose_extra()
            yield Static(self.HINT, classes="hint")

    HINT = "enter saves · escape cancels"

    def compose_extra(self) -> ComposeResult:
        """Widgets a subclass adds under the time (none here)."""
        yield from ()

    def on_mount(self) -> None:
        """Show how the default reads, ready to overtype."""
        self.query_one("#when", Input).focus()
        self._preview(self.query_one("#when", Input).value)

    def _read(self, text: str) -> datetime:
        return past_moment(text, self.now)

    def _preview(self, text: str) -> None:
        show_preview(self.query_one("#when-preview", Label), self._read, text)

    @on(Input.Changed, "#when")
    def _changed(self, event: Input.Changed) -> None:
        self.query_one("#error-when", Label).update("")
        self._preview(event.value)

    @on(Input.Submitted, "#when")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(self._read(event.value))
        except DateParseError as error:
            error_label = self.query_one("#error-when", Label)
            error_label.update(str(error))
            error_label.add_class("shown")

    def action_cancel(self) -> None:
        """Close without moving the contact."""
        self.dismiss(None)


class ArchiveDialog(ModalScreen[ArchiveReason | None]):
    """Confirm archiving, with the reason picked from a short list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Keep the contact on the board"),
    ]

    def __init__(self, contact: Contact) -> None:
        super().__init__()
        self.contact = contact

    def compose(self) -> ComposeResult:
        """The question and the reasons."""
        with Vertical(id="dialog", classes="small"):
            yield Label(f"Archive {self.contact.name}?", id="dialog-title", markup=False)
            yield Label("They leave the board; you can restore them from Archived.")
            yield VimOptionList(
                *[Option(reason.value.capitalize(), id=reason.value) for reason in ArchiveReason],
                id="reasons",
            )
            yield Static("enter archives with the highlighted reason · escape cancels",
                         classes="hint")  # fmt: skip

    def on_mount(self) -> None:
        """Highlight the first reason."""
        reasons = self.query_one("#reasons", OptionList)
        reasons.highlighted = 0
        reasons.focus()

    @on(OptionList.OptionSelected, "#reasons")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(ArchiveReason(str(event.option.id)))

    def action_cancel(self) -> None:
        """Close without archiving."""
        self.dismiss(None)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; enter returns it, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close without changing it"),
    ]

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
        with Vertical(id="dialog", classes="small"):
            yield Label(self.title_text, id="dialog-title", markup=False)
            yield Label(self.explanation, markup=False)
            yield Input(self.value, id="prompt-value", placeholder=self.placeholder)
            yield Static("enter saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Ready to type."""
        self.query_one("#prompt-value", Input).focus()

    @on(Input.Submitted, "#prompt-value")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question with what will happen spelled out; enter confirms, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Change nothing"),
    ]

    def __init__(self, title: str, body: str, action: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.action_label = action

    def compose(self) -> ComposeResult:
        """Title, the details, two buttons."""
        with Vertical(id="dialog"):
            yield Label(self.title_text, id="dialog-title", markup=False)
            with VerticalScroll(id="fields"):
                yield Static(self.body, id="confirm-body", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.action_label, variant="primary", id="confirm")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Enter confirms."""
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        """Change nothing."""
        self.dismiss(False)
