"""Confirm archiving a contact, with the reason picked from a short list."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from coffeechat.domain.model import ArchiveReason, Contact
from coffeechat.ui.dialogs.base import Dialog, DialogBody, DialogBox, save_key
from coffeechat.ui.widgets.lists import VimOptionList


class ArchiveDialog(Dialog[ArchiveReason | None]):
    """ "Archive NAME?" with the reasons; enter archives with the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Keep the contact on the board"),
        save_key("Archive", "Archive with the highlighted reason"),
    ]

    def __init__(self, contact: Contact, reason: ArchiveReason | None = None) -> None:
        super().__init__()
        self.contact = contact
        self.reason = reason  # highlighted at first (else the first reason)

    def compose(self) -> ComposeResult:
        """The question and the reasons."""
        with DialogBox(classes="small"):
            yield Label(f"Archive {self.contact.name}?", id="dialog-title", markup=False)
            with DialogBody():
                yield Label("They leave the board; you can restore them from Archived.")
                yield VimOptionList(
                    *[
                        Option(reason.value.capitalize(), id=reason.value)
                        for reason in ArchiveReason
                    ],
                    id="reasons",
                )
            yield Static("enter archives with the highlighted reason · escape cancels",
                         classes="hint")  # fmt: skip

    def on_mount(self) -> None:
        """Highlight the suggested reason, else the first."""
        reasons = self.query_one("#reasons", OptionList)
        reasons.highlighted = list(ArchiveReason).index(self.reason) if self.reason else 0
        reasons.focus()

    def collect(self) -> ArchiveReason | None:
        """The highlighted reason."""
        reasons = self.query_one("#reasons", OptionList)
        return ArchiveReason(str(reasons.get_option_at_index(reasons.highlighted or 0).id))

    @on(OptionList.OptionSelected, "#reasons")
    def _chosen(self) -> None:
        self.action_save()
