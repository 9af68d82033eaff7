"""Finishing a meeting: confirm when it was held, or keep it as a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input

from coffeechat.domain.meetings import Meeting, referral_fields
from coffeechat.domain.model import Contact
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.screens.forms import MeetingTimeDialog


@dataclass(frozen=True, slots=True)
class KeepDraft:
    """The answer "leave, but don't record the meeting yet"."""


class FinishDialog(MeetingTimeDialog):
    """ "Record the meeting as held at …?" with what that will do; ctrl+d keeps a draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="cancel", tooltip="Back to the meeting"),
        Binding("ctrl+d", "keep_draft", "Keep as draft", id="keep_draft", priority=True,
                tooltip="Leave meeting mode without recording the meeting as held"),
    ]  # fmt: skip

    def __init__(self, contact: Contact, meeting: Meeting, now: datetime) -> None:
        start = meeting.started_at or meeting.scheduled_at or now
        start = min(start, now)
        default = f"{start.astimezone(now.tzinfo):%Y-%m-%d %H:%M}"
        super().__init__(
            contact,
            now,
            question=f"Record the meeting with {contact.name} as held, at:",
            default=default,
            explanation=_consequences(contact, meeting),
        )

    HINT = "enter records · ctrl+d keeps it as a draft · escape goes back"

    def compose_extra(self) -> ComposeResult:
        """The two ways out, as buttons too."""
        with Horizontal(classes="buttons"):
            yield Button("Record", variant="primary", id="record")
            yield Button("Keep as draft", id="keep-draft")

    def action_keep_draft(self) -> None:
        """Leave without recording."""
        self.dismiss(KeepDraft())  # type: ignore[arg-type]

    @on(Button.Pressed, "#keep-draft")
    def _keep_pressed(self) -> None:
        self.action_keep_draft()

    @on(Button.Pressed, "#record")
    def _record_pressed(self) -> None:
        field = self.query_one("#when", Input)
        field.post_message(Input.Submitted(field, field.value))


def _consequences(contact: Contact, meeting: Meeting) -> str:
    """What recording will do, in a line or two."""
    said = []
    if PIPELINE.index(contact.stage) < PIPELINE.index(Stage.MET):
        said.append(f"Moves {contact.name} to Met; the thank-you clock starts then.")
    names = [f["name"] for f in map(referral_fields, meeting.referrals) if f]
    if names:
        said.append(f"Adds {len(names)} referral{'s' * (len(names) != 1)}: {', '.join(names)}.")
    open_promises = sum(not p.done for p in meeting.promises)
    if open_promises:
        verb = "stays" if open_promises == 1 else "stay"
        said.append(
            f"{open_promises} promise{'s' * (open_promises != 1)} {verb} on Due until done."
        )
    return "\n".join(said)
