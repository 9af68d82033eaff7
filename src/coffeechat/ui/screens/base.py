"""What every contact-showing screen shares: the keys that act on "the selected contact"."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from coffeechat.domain.model import Contact
from coffeechat.storage.errors import USER_FACING_ERRORS
from coffeechat.ui import actions
from coffeechat.ui.screens.app_screen import AppScreen

#: The actions that change an active contact: an archived one needs restoring first.
NEEDS_ACTIVE = frozenset(
    {"advance", "archive", "schedule", "pick_questions", "meeting", "follow_up"}
)


class ContactActionsScreen(AppScreen[None]):
    """A screen with a selected contact and the keys n/e/a/x/enter that act on it.

    Subclasses say which contact is selected and how to redraw themselves;
    the keys run the flows in ``coffeechat.ui.actions``, so every change is
    saved the same way and can be undone.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new", tooltip="Add a person to the pipeline"),
        Binding("e", "edit", "Edit", id="edit", show=False, tooltip="Edit the selected contact"),
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
        Binding("f", "follow_up", "Follow-up", id="follow_up", show=False,
                tooltip="Log a follow-up (call, coffee, message); the cadence starts again"),
        Binding("t", "draft", "Draft", id="draft", show=False,
                tooltip="Draft the message this stage needs (request, thank-you, follow-up)"),
        Binding("D", "delete", "Delete", id="delete", show=False,
                tooltip="Delete the selected contact (asks first; u brings them back)"),
        Binding("M", "merge", "Merge", id="merge", show=False,
                tooltip="Merge a duplicate into the selected contact (pick it, then choose)"),
    ]  # fmt: skip

    def on_mount(self) -> None:
        """Redraw now, and whenever the data changes (while in the mode on show)."""
        self.redraw_on_change(self._reload_if_shown)
        self.guarded(self.reload)

    def _reload_if_shown(self) -> None:
        """Redraw now, unless this screen is in another mode: it redraws when shown again.

        The Due list, once visited, stays mounted in its own mode; rebuilding its
        table for every key pressed on the board cost seconds at 10,000 contacts.
        """
        if self in self.app.screen_stack:
            self.reload()

    def on_screen_resume(self) -> None:
        """Redraw on return: time has passed and other screens may have changed things."""
        self.guarded(self.reload)

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

    def active_contact(self) -> Contact | None:
        """The selected contact if it is on the board (archived ones need restoring first)."""
        contact = self.selected_contact()
        if contact is not None and contact.archived:
            self.notify(f"{contact.name} is archived; restore them first.", severity="warning")
            return None
        return contact

    # -- actions -------------------------------------------------------------

    def action_new(self) -> None:
        """Ask for a new contact's details, then save it."""
        self.run_flow(actions.new_contact(self.coffeechat))

    def action_edit(self) -> None:
        """Edit the selected contact's fields."""
        if contact := self.selected_contact():
            self.run_flow(actions.edit_contact(self.coffeechat, contact))

    def action_advance(self) -> None:
        """Move the selected contact on; moving into "met" asks when the meeting was."""
        if contact := self.active_contact():
            self.run_flow(actions.advance(self.coffeechat, contact))

    def action_archive(self) -> None:
        """Ask for a reason, then take the selected contact off the board."""
        if contact := self.selected_contact():
            self.run_flow(actions.archive(self.coffeechat, contact))

    def action_delete(self) -> None:
        """Ask first, then delete the selected contact (undoable)."""
        if contact := self.selected_contact():
            self.run_flow(actions.delete(self.coffeechat, contact))

    def action_merge(self) -> None:
        """Pick a duplicate of the selected contact and merge it in (undoable as one step)."""
        if contact := self.selected_contact():
            self.run_flow(actions.merge(self.coffeechat, contact))

    def action_restore(self) -> None:
        """Put the selected archived contact back on the board, in the stage it left."""
        if contact := self.selected_contact():
            self.run_flow(actions.restore(self.coffeechat, contact))

    def action_schedule(self) -> None:
        """Schedule the selected contact's next meeting, or edit the one already planned."""
        if contact := self.active_contact():
            self.run_flow(actions.schedule(self.coffeechat, contact))

    def action_pick_questions(self) -> None:
        """Choose and order the next meeting's questions."""
        if contact := self.active_contact():
            self.run_flow(actions.pick_questions(self.coffeechat, contact))

    def action_meeting(self) -> None:
        """Open meeting mode for the selected contact's next meeting."""
        if contact := self.active_contact():
            self.run_flow(actions.meeting(self.coffeechat, contact))

    def action_follow_up(self) -> None:
        """Log a follow-up touch with the selected contact."""
        if contact := self.active_contact():
            self.run_flow(actions.follow_up(self.coffeechat, contact))

    def action_draft(self) -> None:
        """Draft the message the selected contact's stage calls for."""
        if contact := self.selected_contact():
            self.coffeechat.show_screen("draft", contact.id)

    def action_open(self) -> None:
        """Show the selected contact's page."""
        contact_id = self.selected_contact_id()
        if contact_id is not None:
            self.coffeechat.show_screen("contact", contact_id)
