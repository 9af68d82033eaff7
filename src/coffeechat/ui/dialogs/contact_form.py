"""Add or edit a contact: a labelled input per field, each with its error under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

from coffeechat.domain.model import (
    CONTACT_FIELDS,
    FIELD_LABELS,
    Contact,
    ValidationError,
    clean_fields,
)
from coffeechat.ui.dialogs.base import Commit, Dialog, Invalid

_PLACEHOLDERS = {
    "name": "required, e.g. Priya Raman",
    "company": "e.g. Northwind Health",
    "role": "e.g. Product Manager",
    "email": "name@example.com",
    "phone": "",
    "linkedin": "linkedin.com/in/…",
    "source": "friend, alumni list, LinkedIn, an article…",
    "referred_by": "who suggested them",
    "connected_on": "e.g. 2026-11-20 (LinkedIn fills it in)",
    "cadence": "months between follow-ups (empty: the default, 3)",
}


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
        with Vertical(id="dialog", classes="form"):
            yield Label(title, id="dialog-title", markup=False)
            with VerticalScroll(id="fields"):
                for name in CONTACT_FIELDS:
                    with Horizontal(classes="field-row"):
                        yield Label(FIELD_LABELS[name], classes="field-label")
                        if name == "notes":
                            yield TextArea(values.get("notes", ""), id="field-notes", compact=True)
                        else:
                            yield Input(
                                values.get(name, ""),
                                placeholder=_PLACEHOLDERS.get(name, ""),
                                id=f"field-{name}",
                                compact=True,
                            )
                    yield Label("", id=f"error-{name}", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static("ctrl+s or enter saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Start typing in the name field."""
        self.query_one("#field-name", Input).focus()

    def values(self) -> dict[str, str]:
        """What the form holds right now."""
        values = {
            name: self.query_one(f"#field-{name}", Input).value
            for name in CONTACT_FIELDS
            if name != "notes"
        }
        values["notes"] = self.query_one("#field-notes", TextArea).text
        return values

    def collect(self) -> dict[str, str] | None:
        """The cleaned values; each problem goes on its field."""
        try:
            return clean_fields(self.values())
        except ValidationError as error:
            raise Invalid(error.errors, FIELD_LABELS, CONTACT_FIELDS) from None
