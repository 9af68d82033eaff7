"""Add or edit a contact: a labelled input per field, each with its error under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static, TextArea

from coffeechat.domain.fields import (
    CONTACT_FIELDS,
    FIELD_LABELS,
    FIELDS,
    ValidationError,
    clean_fields,
)
from coffeechat.domain.model import Contact
from coffeechat.ui.dialogs.base import Commit, Dialog, DialogBody, DialogBox, Invalid


class ContactForm(Dialog[dict[str, str] | None]):
    """Add or edit a contact; errors show on the field, nothing saves until all are right."""

    def __init__(
        self, contact: Contact | None, *, commit: Commit[dict[str, str] | None] | None = None
    ) -> None:
        super().__init__(commit=commit)
        self.contact = contact

    def compose(self) -> ComposeResult:
        """A labelled input per field, each with room for an error under it."""
        values = self.contact.fields() if self.contact else {}
        title = f"Edit {self.contact.name}" if self.contact else "New contact"
        with DialogBox(classes="form"):
            yield Label(title, id="dialog-title", markup=False)
            with DialogBody():
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

    def collect(self) -> dict[str, str] | None:
        """The cleaned values; each problem goes on its field."""
        try:
            return clean_fields(self.values())
        except ValidationError as error:
            raise Invalid(error.errors, FIELD_LABELS, CONTACT_FIELDS) from None
