"""The message draft (`t`): the request, thank-you, follow-up or referral note this stage needs.

The draft is filled from the contact, their meeting and its takeaways; the
person edits it here or in $EDITOR, copies it or saves it to a file, sends
it from their own mail, and marks it sent, which moves the contact on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Static, TextArea

from coffeechat.domain.meetings import DEFAULT_MINUTES
from coffeechat.domain.model import Contact, printable
from coffeechat.domain.network import referral_links
from coffeechat.domain.templates import (
    MessageKind,
    kind_for,
    render,
    template_values,
)
from coffeechat.paths import templates_dir, user_path
from coffeechat.storage.errors import USER_FACING_ERRORS
from coffeechat.template_files import load_template, template_path
from coffeechat.ui import actions
from coffeechat.ui.dialogs.prompts import TextPrompt
from coffeechat.ui.editor import EditorError, edit_in_editor
from coffeechat.ui.screens.app_screen import AppScreen

_KINDS = tuple(MessageKind)
_TITLES = {
    MessageKind.REQUEST: "Meeting request",
    MessageKind.THANK_YOU: "Thank-you",
    MessageKind.FOLLOW_UP: "Follow-up",
    MessageKind.REFERRAL: "Meeting request (introduced)",
}


class DraftScreen(AppScreen[None]):
    """One draft; keys copy, save, edit and mark it sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to where you were"),
        # While editing, escape (same id: rebinding "back" moves both) stops editing.
        Binding("escape", "stop_editing", "Done editing", id="back",
                tooltip="Stop editing; the draft keeps what you typed"),
        Binding("i", "edit_here", "Edit", id="edit_here", tooltip="Edit the draft here"),
        Binding("e", "edit_external", "$EDITOR", id="edit_external", show=False,
                tooltip="Edit the draft in your own editor ($EDITOR)"),
        Binding("c", "copy", "Copy", id="copy", tooltip="Copy the draft to the clipboard"),
        Binding("f", "save_file", "Save file", id="save_file",
                tooltip="Save the draft to a text file"),
        Binding("s", "mark_sent", "Mark sent", id="mark_sent",
                tooltip="Record that you sent it (moves the contact on)"),
        Binding("k", "next_kind", "Other draft", id="next_kind",
                tooltip="Draft a different one of the four messages"),
    ]  # fmt: skip

    def __init__(self, contact_id: str, kind: MessageKind | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.kind = kind
        self.warning: str | None = None
        self._rendered = ""  # the current kind's draft as the template gave it
        self._edited: dict[MessageKind, str] = {}  # drafts changed by hand, kept across `k`

    def compose(self) -> ComposeResult:
        """What this is, any template warning, the draft."""
        yield Header()
        yield Label("", id="draft-title")
        yield Static("", id="draft-warning")
        yield TextArea(id="draft-text", read_only=True, soft_wrap=True)
        yield Static("", id="draft-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Fill the draft for the contact's stage."""
        contact = self._contact()
        if contact is None:
            self.app.pop_screen()
            return
        if self.kind is None:
            referred = bool(contact.referred_by or contact.referrer_id)
            self.kind = kind_for(contact.stage.value, referred)
        self.fill(contact)
        self.query_one(TextArea).focus()
        # A name set from the palette (or a change made elsewhere) re-signs an unedited draft.
        self.redraw_on_change(self._refill)

    def _refill(self) -> None:
        if self.kind is None or not self.query_one(TextArea).read_only:
            return  # never pull the text from under someone typing
        try:
            contact = self.coffeechat.repository.get(self.contact_id)
        except USER_FACING_ERRORS:
            return
        self._keep_edits()
        self.fill(contact)

    def _keep_edits(self) -> None:
        """Remember the current kind's text if it was changed by hand."""
        if self.kind is not None and self.text != self._rendered:
            self._edited[self.kind] = self.text

    def _contact(self) -> Contact | None:
        try:
            return self.coffeechat.repository.get(self.contact_id)
        except USER_FACING_ERRORS as error:
            self.notify(str(error), severity="error")
            return None

    def fill(self, contact: Contact) -> None:
        """Render the template for ``self.kind`` and show it."""
        assert self.kind is not None
        text, self.warning = load_template(self.kind, templates_dir())
        self._rendered = render(self.kind, text, self.values(contact)).text
        shown = self._edited.get(self.kind, self._rendered)
        area = self.query_one(TextArea)
        if area.text != shown:
            area.load_text(shown)
        self.sub_title = f"{_TITLES[self.kind]} to {printable(contact.name)}"
        # Names and paths are shown as typed: Text, never markup ("[b]Bo[/b]" stays literal).
        self.query_one("#draft-title", Label).update(
            Text.assemble(
                (_TITLES[self.kind], "bold"),
                f" to {printable(contact.name)} · {contact.stage.label} · "
                f"template: {self._template_source()}",
            )
        )
        self._show_notes()

    def _show_notes(self) -> None:
        """The template warning, a missing name, and any [bracketed] part left to fill in."""
        notes = [self.warning] if self.warning else []
        if not self.coffeechat.settings.my_name:
            notes.append("Your name isn't set: ctrl+p → “Your name” signs every draft.")
        if "[" in self.text:
            notes.append("Fill in the [bracketed] parts before you send it (i or e to edit).")
        warning = self.query_one("#draft-warning", Static)
        warning.update(Text("\n".join(printable(n) for n in notes)))
        warning.display = bool(notes)
        self.query_one("#draft-hint", Static).update(
            "Editing: type away · ctrl+z undoes · escape when done."
            if self.editing
            else "Send it from your own mail, then press s.  Nothing is sent from here."
        )

    def _template_source(self) -> str:
        assert self.kind is not None
        path = template_path(self.kind, templates_dir())
        return str(path) if path.is_file() else f"built-in (override: {path})"

    def values(self, contact: Contact) -> dict[str, str]:
        """Placeholder values from the contact, their latest meeting and its takeaways."""
        held = [m for m in contact.meetings if m.held]
        meeting = max(held, key=lambda m: m.held_at or m.id) if held else contact.next_meeting
        everyone = {c.id: c for c in self.coffeechat.repository.contacts(include_archived=True)}
        referrer_id = referral_links(everyone.values()).get(contact.id)
        referrer = everyone[referrer_id].name if referrer_id else contact.referred_by
        return template_values(
            name=contact.name,
            company=contact.company,
            role=contact.role,
            referrer=referrer,
            my_name=self.coffeechat.settings.my_name,
            minutes=meeting.minutes if meeting else DEFAULT_MINUTES,
            meeting_format=meeting.format.value if meeting else "",
            meeting_at=meeting.when() if meeting else None,
            takeaways=meeting.takeaways if meeting else (),
            now=self.now(),
        )

    @property
    def text(self) -> str:
        """The draft as it stands (with any edits)."""
        return self.query_one(TextArea).text

    # -- actions -------------------------------------------------------------

    @property
    def editing(self) -> bool:
        """True while the draft is being edited in place (letters are text then)."""
        return self.is_mounted and not self.query_one(TextArea).read_only

    def action_back(self) -> None:
        """Leave (escape while editing stops editing instead: ``action_stop_editing``)."""
        if self.editing:
            self.action_stop_editing()
            return
        self.app.pop_screen()

    def action_stop_editing(self) -> None:
        """Stop editing; the footer shows the draft's keys again."""
        self.query_one(TextArea).read_only = True
        self._show_notes()
        self.refresh_bindings()
        self.notify("Done editing.", timeout=2)

    def action_edit_here(self) -> None:
        """Let the person type into the draft (escape stops)."""
        area = self.query_one(TextArea)
        area.read_only = False
        area.focus()
        self._show_notes()
        self.refresh_bindings()  # the footer: the editing keys, not the letters

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While editing, letters are text: only escape (and ctrl keys) act."""
        if action in {"edit_here", "edit_external", "copy", "save_file",
                      "mark_sent", "next_kind", "back"}:  # fmt: skip
            return not self.editing
        if action == "stop_editing":
            return self.editing
        return True

    def action_edit_external(self) -> None:
        """Hand the draft to $EDITOR; the app comes back with what was saved."""
        try:
            edited = edit_in_editor(self.app, self.text)
        except EditorError as error:
            self.notify(str(error), severity="error", timeout=6)
            return
        self.query_one(TextArea).load_text(edited)
        self._show_notes()
        self.notify("Draft updated from your editor.", timeout=3)

    def action_copy(self) -> None:
        """Copy to the clipboard (OSC 52: the terminal must allow it)."""
        self.app.copy_to_clipboard(self.text)
        self.notify(
            "Copied to the clipboard.  (If pasting gives nothing, your terminal blocks "
            "OSC 52: use f to save a file instead.)",
            timeout=5,
        )

    def action_save_file(self) -> None:
        """Ask for a file name, then write the draft there (never over an existing file)."""
        contact = self._contact()
        if contact is None or self.kind is None:
            return
        slug = re.sub(r"[^a-z0-9]+", "-", contact.name.casefold()).strip("-") or "contact"
        self._save_file(str(Path.cwd() / f"{self.kind.value}-{slug}.txt"))

    @work(group="flow")
    async def _save_file(self, default: str) -> None:
        name = await self.app.push_screen_wait(
            TextPrompt("Save the draft to", "A new text file, readable only by you.", default)
        )
        if name:
            self._write(user_path(name.strip()))

    def _write(self, path: Path) -> None:
        refusal = self.coffeechat.repository.refusal_to_write(path)
        if refusal is not None:
            self.notify(refusal, severity="error")
            return
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            self.notify(f"{path} already exists; nothing was written.", severity="error")
            return
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}.", severity="error")
            return
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(self.text)
        except OSError as error:  # a full disk: leave no half-written file behind
            path.unlink(missing_ok=True)
            self.notify(f"Could not write {path}: {error.strerror}.", severity="error")
            return
        self.notify(f"Saved the draft to {path}.", timeout=5)

    def action_mark_sent(self) -> None:
        """Ask when it was sent, then record it (and move the contact on)."""
        contact = self._contact()
        if contact is None or self.kind is None:
            return
        self._mark_sent(contact, self.kind)

    @work(group="flow")
    async def _mark_sent(self, contact: Contact, kind: MessageKind) -> None:
        if await actions.mark_sent(self.coffeechat, contact, kind.value):
            self.app.pop_screen()

    def action_next_kind(self) -> None:
        """Cycle through the four messages."""
        contact = self._contact()
        if contact is None or self.kind is None:
            return
        self._keep_edits()
        self.kind = _KINDS[(_KINDS.index(self.kind) + 1) % len(_KINDS)]
        self.fill(contact)
