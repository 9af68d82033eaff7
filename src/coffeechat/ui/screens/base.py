"""What every contact-showing screen shares: the keys that act on "the selected contact"."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from textual.binding import Binding, BindingType

from coffeechat.domain.events import EventKind, MeetingChange
from coffeechat.domain.meetings import AgendaItem
from coffeechat.domain.model import ArchiveReason, Contact, Event
from coffeechat.domain.stages import Stage
from coffeechat.storage.errors import USER_FACING_ERRORS
from coffeechat.ui.screens.app_screen import AppScreen


class ContactActionsScreen(AppScreen[None]):
    """A screen with a selected contact and the keys n/e/a/x/enter that act on it.

    Subclasses say which contact is selected and how to redraw themselves;
    this class keeps every save going through ``app.save`` so errors are
    shown the same way and every change can be undone.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new", tooltip="Add a person to the pipeline"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit the selected contact"),
        Binding("a", "advance", "Advance", id="advance",
                tooltip="Move the selected contact one stage on, time-stamped now"),
        Binding("x", "archive", "Archive", id="archive", show=False,
                tooltip="Take the selected contact off the board (asks first)"),
        Binding("enter", "open", "Open", id="open", tooltip="Show every detail and the timeline"),
        Binding("s", "schedule", "Schedule", id="schedule",
                tooltip="Schedule the selected contact's next meeting, or change it"),
        Binding("Q", "pick_questions", "Questions", id="pick_questions", show=False,
                tooltip="Pick and order the questions for the next meeting"),
        Binding("m", "meeting", "Meet", id="meeting",
                tooltip="Meeting mode: countdown, questions, notes, referrals"),
        Binding("f", "follow_up", "Follow-up", id="follow_up",
                tooltip="Log a follow-up (call, coffee, message); the cadence starts again"),
        Binding("t", "draft", "Draft", id="draft",
                tooltip="Draft the message this stage needs (request, thank-you, follow-up)"),
    ]  # fmt: skip

    def on_mount(self) -> None:
        """Redraw now, and whenever the data changes."""
        self.coffeechat.data_changed.subscribe(self, lambda _: self.reload())
        self.reload()

    def on_screen_resume(self) -> None:
        """Redraw on return: time has passed and other screens may have changed things."""
        self.reload()

    def reload(self) -> None:
        """Redraw from the repository; subclasses implement it."""
        raise NotImplementedError

    def selected_contact_id(self) -> str | None:
        """The id of the contact the keys act on, or None."""
        raise NotImplementedError

    # -- helpers -------------------------------------------------------------

    def selected_contact(self) -> Contact | None:
        """The selected contact, or None (with a hint) when there is none."""
        contact_id = self.selected_contact_id()
        if contact_id is None:
            self.notify("Select a contact first.", timeout=3)
            return None
        try:
            return self.coffeechat.repository.get(contact_id)
        except USER_FACING_ERRORS as error:
            self.notify(str(error), severity="error")
            return None

    # -- actions -------------------------------------------------------------

    def action_new(self) -> None:
        """Ask for a new contact's details, then save it."""
        from coffeechat.ui.screens.forms import ContactForm

        def saved(fields: dict[str, str] | None) -> None:
            if fields is None:
                return

            def add() -> tuple[Contact, Event]:
                contact = self.coffeechat.repository.add(fields, self.now())
                return contact, contact.events[-1]

            self.coffeechat.apply_change(
                add, lambda c, _: (f"added {c.name}", f"Added {c.name} to Identified.")
            )

        self.app.push_screen(ContactForm(None), saved)

    def action_edit(self) -> None:
        """Edit the selected contact's fields."""
        from coffeechat.ui.screens.forms import ContactForm

        contact = self.selected_contact()
        if contact is None:
            return

        def saved(fields: dict[str, str] | None) -> None:
            if fields is not None:
                self.coffeechat.apply_change(
                    lambda: self.coffeechat.repository.edit(contact.id, fields, self.now()),
                    lambda c, _: (f"edited {c.name}", f"Saved {c.name}."),
                )

        self.app.push_screen(ContactForm(contact), saved)

    def action_advance(self) -> None:
        """Move the selected contact on; moving into "met" asks when the meeting was."""
        from coffeechat.ui.screens.forms import MeetingTimeDialog

        contact = self._active_contact()
        if contact is None:
            return
        if contact.stage.next is Stage.MET:
            self.app.push_screen(
                MeetingTimeDialog(contact, self.now()),
                lambda at: self._advance(contact, at) if at is not None else None,
            )
        else:
            self._advance(contact, None)

    def _advance(self, contact: Contact, at: datetime | None) -> None:
        def describe(updated: Contact, event: Event) -> tuple[str, str]:
            if event.kind is EventKind.TOUCH:
                what = f"logged a follow-up with {updated.name}"
            else:
                what = f"moved {updated.name} to {updated.stage.label}"
            return what, what[0].upper() + what[1:] + ".  (u to undo)"

        self.coffeechat.apply_change(
            lambda: self.coffeechat.repository.advance(contact.id, self.now(), at=at), describe
        )

    def action_archive(self) -> None:
        """Ask for a reason, then take the selected contact off the board."""
        from coffeechat.ui.screens.forms import ArchiveDialog

        contact = self.selected_contact()
        if contact is None:
            return
        if contact.archived:
            self.notify(f"{contact.name} is already archived.", timeout=3)
            return

        def chosen(reason: ArchiveReason | None) -> None:
            if reason is not None:
                self.coffeechat.apply_change(
                    lambda: self.coffeechat.repository.archive(contact.id, reason, self.now()),
                    lambda c, _: (
                        f"archived {c.name}",
                        f"Archived {c.name} ({reason}).  (u to undo)",
                    ),
                )

        self.app.push_screen(ArchiveDialog(contact), chosen)

    def action_restore(self) -> None:
        """Put the selected archived contact back on the board, in the stage it left."""
        contact = self.selected_contact()
        if contact is None:
            return
        if not contact.archived:
            self.notify(f"{contact.name} is not archived.", timeout=3)
            return
        self.coffeechat.apply_change(
            lambda: self.coffeechat.repository.restore(contact.id, self.now()),
            lambda c, _: (f"restored {c.name}", f"Restored {c.name} to {c.stage.label}."),
        )

    def action_schedule(self) -> None:
        """Schedule the selected contact's next meeting, or edit the one already planned."""
        from coffeechat.ui.screens.schedule import ScheduleDialog

        contact = self._active_contact()
        if contact is None:
            return
        meeting = contact.next_meeting

        def saved(fields: dict[str, object] | None) -> None:
            if fields is None:
                return
            self.coffeechat.apply_change(
                lambda: self.coffeechat.repository.schedule_meeting(
                    contact.id, meeting.id if meeting else None, fields, self.now()
                ),
                lambda c, e: (
                    f"{_meeting_action(e)} a meeting with {c.name}",
                    f"{_meeting_action(e).capitalize()} a meeting with {c.name}.  (u to undo)",
                ),
            )

        self.app.push_screen(ScheduleDialog(contact, meeting, self.now()), saved)

    def ensure_meeting(self, contact: Contact) -> Contact | None:
        """The contact with a next meeting, scheduling one for now if there is none."""
        if contact.next_meeting is not None:
            return contact
        fields = {"scheduled_at": self.now()}
        return self.coffeechat.apply_change(
            lambda: self.coffeechat.repository.schedule_meeting(
                contact.id, None, fields, self.now()
            ),
            lambda c, _: (
                f"started a meeting with {c.name}",
                f"Started a meeting with {c.name}.",
            ),
        )

    def action_pick_questions(self) -> None:
        """Choose and order the next meeting's questions."""
        from coffeechat.ui.screens.questions import QuestionPicker

        contact = self._active_contact()
        if contact is None:
            return
        meeting = contact.next_meeting
        if meeting is None:
            self.notify(f"Schedule a meeting with {contact.name} first (s).", severity="warning")
            return

        def picked(agenda: tuple[AgendaItem, ...] | None) -> None:
            if agenda is None:
                return
            fresh = self.coffeechat.repository.get(contact.id).meeting(meeting.id)
            if fresh is None:
                self.notify("That meeting no longer exists.", severity="error")
                return
            count = len(agenda)
            self.coffeechat.save(
                lambda: self.coffeechat.repository.save_meeting(
                    contact.id, replace(fresh, agenda=agenda)
                ),
                f"Saved {count} question{'s' * (count != 1)} for {contact.name}.",
            )

        self.app.push_screen(QuestionPicker(meeting, contact.name), picked)

    def action_meeting(self) -> None:
        """Open meeting mode for the selected contact's next meeting."""
        from coffeechat.ui.screens.meeting import MeetingScreen

        contact = self._active_contact()
        if contact is None:
            return
        contact = self.ensure_meeting(contact)
        if contact is not None and contact.next_meeting is not None:
            self.app.push_screen(MeetingScreen(contact.id, contact.next_meeting.id))

    def action_follow_up(self) -> None:
        """Log a follow-up touch with the selected contact."""
        from coffeechat.ui.screens.touch import FollowUp, FollowUpDialog

        contact = self._active_contact()
        if contact is None:
            return

        def logged(follow_up: FollowUp | None) -> None:
            if follow_up is None:
                return
            self.coffeechat.apply_change(
                lambda: self.coffeechat.repository.follow_up(
                    contact.id, follow_up.at, follow_up.channel, follow_up.note, self.now()
                ),
                lambda c, _: (
                    f"logged a follow-up with {c.name}",
                    f"Logged a follow-up ({follow_up.channel}) with {c.name}.  (u to undo)",
                ),
            )

        self.app.push_screen(FollowUpDialog(contact, self.now()), logged)

    def action_draft(self) -> None:
        """Draft the message the selected contact's stage calls for."""
        from coffeechat.ui.screens.draft import DraftScreen

        contact = self.selected_contact()
        if contact is not None:
            self.app.push_screen(DraftScreen(contact.id))

    def _active_contact(self) -> Contact | None:
        contact = self.selected_contact()
        if contact is not None and contact.archived:
            self.notify(f"{contact.name} is archived; restore them first.", severity="warning")
            return None
        return contact

    def action_open(self) -> None:
        """Show the selected contact's page."""
        from coffeechat.ui.screens.contact import ContactScreen

        contact_id = self.selected_contact_id()
        if contact_id is not None:
            self.app.push_screen(ContactScreen(contact_id))


def _meeting_action(event: Event) -> str:
    """ "scheduled", "rescheduled" or "held", from a meeting event."""
    return event.data.action.value if isinstance(event.data, MeetingChange) else "changed"
