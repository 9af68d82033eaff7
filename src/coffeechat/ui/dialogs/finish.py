"""Finishing a meeting: confirm when it was held, or keep it as a draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from coffeechat.domain.dates import DateParseError
from coffeechat.domain.duplicates import plan_referrals
from coffeechat.domain.meetings import Meeting, meeting_start, noted
from coffeechat.domain.model import Contact
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.dialogs.base import Dialog, DialogBody, DialogBox, Invalid, save_key
from coffeechat.ui.widgets.time_field import TimeField, past_reader


@dataclass(frozen=True, slots=True)
class KeepDraft:
    """The answer "leave, but don't record the meeting yet"."""


class FinishDialog(Dialog[datetime | KeepDraft | None]):
    """ "Record the meeting as held at …?" with what that will do; ctrl+d keeps a draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="cancel", tooltip="Back to the meeting"),
        Binding("ctrl+d", "keep_draft", "Keep as draft", id="keep_draft", priority=True,
                tooltip="Leave meeting mode without recording the meeting as held"),
        save_key("Record", "Record the meeting as held"),
    ]  # fmt: skip
    HINT = "enter records · ctrl+d keeps it as a draft · escape goes back"
    #: With nothing noted, enter must not record a meeting that may never have happened.
    EMPTY_HINT = "nothing noted: enter keeps it as a draft · ctrl+s records · escape goes back"

    def __init__(
        self,
        contact: Contact,
        meeting: Meeting,
        now: datetime,
        *,
        contacts: Sequence[Contact] = (),
    ) -> None:
        """``contacts`` are everyone stored: referrals already among them are linked, not added."""
        super().__init__()
        start = meeting_start(meeting, now)
        self.contact = contact
        self.now = now
        self.default = f"{start.astimezone(now.tzinfo):%Y-%m-%d %H:%M}"
        self.explanation = _consequences(contact, meeting, contacts)
        self.empty = not noted(meeting)

    def compose(self) -> ComposeResult:
        """The question, what recording does, the time, and the two ways out."""
        with DialogBox(classes="small"):
            # Static, not Label: long names and referral sentences wrap instead of being cut.
            yield Static(
                f"Record the meeting with {self.contact.name} as held, at:",
                id="dialog-title",
                markup=False,
            )
            with DialogBody():
                if self.explanation:
                    yield Static(self.explanation, id="dialog-explanation", markup=False)
                yield TimeField(
                    self.default,
                    past_reader(self.now),
                    input_id="when",
                    placeholder="now, yesterday 3pm, tue 14:00…",
                )
            with Horizontal(classes="buttons"):
                yield Button("Record", variant="default" if self.empty else "primary", id="record")
                yield Button("Keep as draft", variant="primary" if self.empty else "default",
                             id="keep-draft")  # fmt: skip
            yield Static(self.EMPTY_HINT if self.empty else self.HINT, classes="hint")

    def on_mount(self) -> None:
        """Ready to overtype the time; with nothing noted, ready to keep the draft."""
        if self.empty:
            self.query_one("#keep-draft", Button).focus()
        else:
            self.query_one("#when", Input).focus()

    def collect(self) -> datetime | KeepDraft | None:
        """When the meeting was held."""
        try:
            return self.query_one(TimeField).read()
        except DateParseError as error:
            raise Invalid({"when": str(error)}) from None

    def action_keep_draft(self) -> None:
        """Leave without recording."""
        self.dismiss(KeepDraft())

    @on(Button.Pressed, "#keep-draft")
    def _keep_pressed(self) -> None:
        self.action_keep_draft()

    @on(Button.Pressed, "#record")
    def _record_pressed(self) -> None:
        self.action_save()


def _consequences(contact: Contact, meeting: Meeting, contacts: Sequence[Contact]) -> str:
    """What recording will do, in a line or two."""
    said = []
    if not noted(meeting):
        said.append("Nothing was noted: no question asked, no notes, no takeaways.")
    if PIPELINE.index(contact.stage) < PIPELINE.index(Stage.MET):
        said.append(f"Moves {contact.name} to Met; the thank-you clock starts then.")
    said += plan_referrals(contact, meeting.referrals, contacts).sentences(contact.name)
    open_promises = sum(not p.done for p in meeting.promises)
    if open_promises:
        verb = "stays" if open_promises == 1 else "stay"
        said.append(
            f"{open_promises} promise{'s' * (open_promises != 1)} {verb} on Due until done."
        )
    return "\n".join(said)
