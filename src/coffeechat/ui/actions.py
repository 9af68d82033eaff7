"""The contact actions as linear flows: ask (a dialog), save (a thread worker), say so.

Any screen can run them (inside a worker, as ``push_screen_wait`` needs);
they reach the app only through ``Host``, and other screens only by name,
so no screen imports another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from coffeechat.domain.duplicates import DuplicateContactError, merge_sides
from coffeechat.domain.events import EventKind, MeetingChange
from coffeechat.domain.meetings import AgendaItem, Meeting
from coffeechat.domain.model import ArchiveReason, Contact, Event
from coffeechat.domain.pipeline import EditConflict
from coffeechat.domain.rules import DueItem, DueKind, Settings
from coffeechat.domain.stages import Stage
from coffeechat.domain.templates import message_name
from coffeechat.domain.text import sentence
from coffeechat.storage.errors import NotFoundError
from coffeechat.ui.dialogs.archive import ArchiveDialog
from coffeechat.ui.dialogs.conflict import ConflictDialog
from coffeechat.ui.dialogs.contact_form import ContactForm
from coffeechat.ui.dialogs.duplicates import ExistingContactDialog, MergeDialog, MergePicker
from coffeechat.ui.dialogs.prompts import ConfirmDialog, TextPrompt
from coffeechat.ui.dialogs.schedule import CancelMeeting, Scheduled, ScheduleDialog
from coffeechat.ui.dialogs.touch import FollowUp, FollowUpDialog, SnoozeDialog
from coffeechat.ui.dialogs.when import MeetingTimeDialog
from coffeechat.ui.host import Host, undoable
from coffeechat.ui.undo import UndoEntry


async def new_contact(host: Host) -> None:
    """Ask for a new contact's details; the form stays open until the save succeeds.

    Someone of that name and company already there is a question, not a
    second card: open them (nothing is added), add anyway, or go back.
    """
    opened: list[Contact] = []

    async def commit(fields: dict[str, str] | None) -> str | None:
        assert fields is not None
        saved = await host.try_save(partial(_add_or_duplicate, host, fields))
        if isinstance(saved, DuplicateContactError):
            choice = await host.push_screen_wait(ExistingContactDialog(saved.existing))
            if choice is None:
                return f"Not saved: {saved}."
            if choice == "open":
                opened.append(saved.existing)
                return None
            saved = await host.try_save(lambda: host.repository.add(fields, host.clock()))
        if isinstance(saved, str):
            return saved
        host.record(saved, saved.events[-1],
                    (f"added {saved.name}", f"Added {saved.name} to Identified."))  # fmt: skip
        return None

    await host.push_screen_wait(ContactForm(None, commit=commit))
    if opened:
        host.show_screen("contact", opened[0].id)


def _add_or_duplicate(host: Host, fields: dict[str, str]) -> Contact | DuplicateContactError:
    """Add unless the person is already there (in the storage thread); that is an answer."""
    try:
        return host.repository.add(fields, host.clock(), allow_duplicate=False)
    except DuplicateContactError as duplicate:
        return duplicate


async def edit_contact(host: Host, contact: Contact) -> None:
    """Edit a contact's fields; the form stays open until the save succeeds.

    Only the fields changed in the form are saved, onto the contact as it is
    stored by then: a field someone else changed meanwhile is kept, and one
    changed both there and here is shown with both values to choose from.
    """
    base = contact.fields()  # what the form showed when it opened

    async def commit(fields: dict[str, str] | None) -> str | None:
        assert fields is not None
        changed = {name: value for name, value in fields.items() if value != base[name]}
        while True:
            saved = await host.try_save(
                partial(_edit_or_conflict, host, contact.id, changed, dict(base))
            )
            if isinstance(saved, str):
                return saved
            if not isinstance(saved, EditConflict):
                break
            choice = await host.push_screen_wait(ConflictDialog(contact.name, saved.conflicts))
            if choice is None:
                return "Not saved: choose whose values to keep, or escape to drop your edit."
            for name, (theirs, _) in saved.conflicts.items():
                base[name] = theirs  # seen now: no longer a surprise
                if choice == "theirs":
                    changed.pop(name, None)
        updated, event = saved
        host.record(updated, event, (f"edited {updated.name}", f"Saved {updated.name}."))
        return None

    await host.push_screen_wait(ContactForm(contact, commit=commit))


def _edit_or_conflict(
    host: Host, contact_id: str, changed: dict[str, str], base: dict[str, str]
) -> tuple[Contact, Event | None] | EditConflict:
    """Save an edit (in the storage thread); a conflict is an answer, not a failure."""
    try:
        return host.repository.edit(contact_id, changed, host.clock(), base=base)
    except EditConflict as conflict:
        return conflict


async def advance(host: Host, contact: Contact) -> None:
    """Move the contact on; moving into "met" first asks when the meeting was."""
    at: datetime | None = None
    if contact.stage.next is Stage.MET:
        at = await host.push_screen_wait(MeetingTimeDialog(contact, host.clock()))
        if at is None:
            return

    def describe(updated: Contact, event: Event) -> tuple[str, str]:
        if event.kind is EventKind.TOUCH:
            what = f"logged a follow-up with {updated.name}"
        else:
            what = f"moved {updated.name} to {updated.stage.label}"
        return what, undoable(what[0].upper() + what[1:] + ".")

    # Only from the stage the person saw: a burst of `a` must not carry a contact past
    # "met" without asking when (each key's flow starts from the card as drawn).
    await host.apply_change(
        lambda: host.repository.advance(contact.id, host.clock(), at=at, expected=contact.stage),
        describe,
    )


async def archive(host: Host, contact: Contact, *, suggested: ArchiveReason | None = None) -> None:
    """Take the contact off the board; asks for the reason first (offering ``suggested``)."""
    if contact.archived:
        host.notify(f"{contact.name} is already archived.", timeout=3)
        return
    chosen = await host.push_screen_wait(ArchiveDialog(contact, suggested))
    if chosen is None:
        return
    await host.apply_change(
        lambda: host.repository.archive(contact.id, chosen, host.clock()),
        lambda c, _: (f"archived {c.name}", undoable(f"Archived {c.name} ({chosen}).")),
    )


async def delete(host: Host, contact: Contact) -> None:
    """Ask first, then take the contact off every list (u brings them back)."""
    at = f" at {contact.company}" if contact.company else ""
    sure = await host.push_screen_wait(
        ConfirmDialog(
            f"Delete {contact.name}?",
            f"{contact.name}{at} leaves every list. Their history stays in the file,"
            " and u brings them back.",
            "Delete",
        )
    )
    if not sure:
        return
    await host.apply_change(
        lambda: host.repository.delete(contact.id, host.clock()),
        lambda c, _: (f"deleted {c.name}", undoable(f"Deleted {c.name}.")),
    )


async def merge(host: Host, keep: Contact) -> None:
    """Pick a duplicate, choose between the fields both fill in, merge it into ``keep``."""
    others = [c for c in host.repository.contacts(include_archived=True) if c.id != keep.id]
    if not others:
        host.notify("There is no other contact to merge with.", timeout=3)
        return
    other_id = await host.push_screen_wait(MergePicker(keep, others))
    if other_id is None:
        return
    try:
        keep, other = host.repository.get(keep.id), host.repository.get(other_id)
    except NotFoundError as error:
        host.notify(f"{sentence(str(error))}; nothing merged.", severity="error", timeout=6)
        return
    sides = merge_sides(keep, other)
    take = await host.push_screen_wait(MergeDialog(sides))
    if take is None:
        return
    chosen = take
    merged = await host.save(
        lambda: host.repository.merge_contacts(
            sides.keep.id, sides.other.id, host.clock(), take_other=chosen
        )
    )
    if merged is None:
        return
    what = f"merged {merged.other.name} into {merged.keep.name}"
    said = sides.why(done=True) or what
    host.undo_stack.push(UndoEntry(merged.undo_steps, what))
    host.notify(undoable(sentence(said) + "."), timeout=6)


async def restore(host: Host, contact: Contact) -> None:
    """Put an archived contact back on the board, in the stage it left."""
    if not contact.archived:
        host.notify(f"{contact.name} is not archived.", timeout=3)
        return
    await host.apply_change(
        lambda: host.repository.restore(contact.id, host.clock()),
        lambda c, _: (f"restored {c.name}", f"Restored {c.name} to {c.stage.label}."),
    )


async def schedule(host: Host, contact: Contact) -> None:
    """Schedule the contact's next meeting, or change the one already planned."""
    meeting = contact.next_meeting

    async def commit(fields: Scheduled) -> str | None:
        assert fields is not None
        if isinstance(fields, CancelMeeting):
            assert meeting is not None
            called_off = await host.try_save(
                lambda: host.repository.cancel_meeting(contact.id, meeting.id, host.clock())
            )
            if isinstance(called_off, str):
                return called_off
            updated, cancelled = called_off
            said = f"cancelled the meeting with {updated.name}"
            host.record(updated, cancelled, (said, undoable(sentence(said) + ".")))
            return None
        typed = fields
        saved = await host.try_save(lambda: _save_schedule(host, contact.id, meeting, typed))
        if isinstance(saved, str):
            return saved  # the form stays open with what was typed
        (updated, event), anew = saved
        what = _meeting_action(event) if event else "changed"
        said = f"{what} a meeting with {updated.name}"
        if anew:
            said = (
                f"scheduled a new meeting with {updated.name} (that one was called off elsewhere)"
            )
        host.record(updated, event, (said, undoable(sentence(said) + ".")))
        return None

    await host.push_screen_wait(ScheduleDialog(contact, meeting, host.clock(), commit=commit))


def _save_schedule(
    host: Host, contact_id: str, shown: Meeting | None, typed: Mapping[str, object]
) -> tuple[tuple[Contact, Event | None], bool]:
    """Save the Schedule form (in the storage thread); True with it if a new meeting was made.

    Only the fields changed in the form are written, so a place or goals
    another window saved meanwhile stay.  If the meeting was cancelled (or
    its scheduling undone) elsewhere while the form was open, what the form
    holds plans a new one: refusing left discarding the form as the only way out.
    """
    now = host.clock()
    if shown is None:
        return host.repository.schedule_meeting(contact_id, None, typed, now), False
    stored = host.repository.get(contact_id).meeting(shown.id)
    if stored is None or stored.cancelled_at is not None:
        return host.repository.schedule_meeting(contact_id, None, typed, now), True
    changes = {name: value for name, value in typed.items() if value != getattr(shown, name)}
    return host.repository.schedule_meeting(contact_id, shown.id, changes, now), False


async def ensure_meeting(host: Host, contact: Contact) -> Contact | None:
    """The contact with a next meeting, scheduling one for now if there is none."""
    if contact.next_meeting is not None:
        return contact
    fields: dict[str, object] = {"scheduled_at": host.clock()}
    return await host.apply_change(
        lambda: host.repository.schedule_meeting(contact.id, None, fields, host.clock()),
        lambda c, _: (f"started a meeting with {c.name}", f"Started a meeting with {c.name}."),
    )


async def meeting(host: Host, contact: Contact) -> None:
    """Meeting mode for the contact's next meeting (one is started now if none is planned).

    A meeting started here is handed the event that started it, so that leaving
    with nothing noted takes it back (see ``take_back_started``).
    """
    started = contact.next_meeting is None
    ready = await ensure_meeting(host, contact)
    if ready is not None and ready.next_meeting is not None:
        start = ready.events[-1].id if started and ready.events else None
        host.show_screen("meeting", ready.id, ready.next_meeting.id, start)


def take_back_started(host: Host, contact_id: str, event_id: str) -> bool:
    """Undo the start of an ad-hoc meeting left with nothing noted, if it is the latest change.

    Otherwise a meeting nobody held stayed planned for "today" on Due and the board.
    """
    latest = host.undo_stack.latest()
    if latest is None or latest.steps != ((contact_id, event_id),):
        return False
    host.action_undo()
    return True


async def pick_questions(host: Host, contact: Contact) -> None:
    """Choose and order the next meeting's questions, then save the list."""
    planned = contact.next_meeting
    if planned is None:
        host.notify(f"Schedule a meeting with {contact.name} first (s).", severity="warning")
        return
    agenda: tuple[AgendaItem, ...] | None = await host.push_screen_wait(
        host.make_screen("questions", planned, contact.name)
    )
    if agenda is None:
        return
    count = len(agenda)
    picked = agenda
    await host.save(
        lambda: host.repository.save_agenda(contact.id, planned.id, picked),
        f"Saved {count} question{'s' * (count != 1)} for {contact.name}.",
    )


async def follow_up(host: Host, contact: Contact) -> None:
    """Log a follow-up (when, how, a note); the cadence starts again from then."""

    async def commit(touch: FollowUp | None) -> str | None:
        assert touch is not None
        saved = await host.try_save(
            lambda: host.repository.follow_up(
                contact.id, touch.at, touch.channel, touch.note, host.clock()
            )
        )
        if isinstance(saved, str):
            return saved  # the dialog stays open with the note as typed
        updated, event = saved
        toast = undoable(f"Logged a follow-up ({touch.channel}) with {updated.name}.")
        host.record(updated, event, (f"logged a follow-up with {updated.name}", toast))
        return None

    await host.push_screen_wait(FollowUpDialog(contact, host.clock(), commit=commit))


async def touched_now(host: Host, item: DueItem) -> None:
    """A follow-up or nudge sent just now, by email (f asks for the details)."""
    what = "nudge" if item.kind is DueKind.NUDGE else "follow-up"
    await host.apply_change(
        lambda: host.repository.follow_up(
            item.contact_id, host.clock(), "email", what, host.clock()
        ),
        lambda c, _: (
            f"logged a {what} to {c.name}",
            undoable(f"Logged a {what} to {c.name} (f for a call or a coffee)."),
        ),
    )


async def give_up(host: Host, item: DueItem) -> None:
    """Three nudges and no answer: archive, politely, after asking (on "no response")."""
    contact = host.repository.get(item.contact_id)
    await archive(host, contact, suggested=ArchiveReason.NO_RESPONSE)


async def snooze(host: Host, item: DueItem) -> None:
    """Hide a due item until a later date."""
    what = f"the {item.kind.value} for {item.name}"
    chosen = await host.push_screen_wait(SnoozeDialog(what, host.clock()))
    if chosen is None:
        return
    until = chosen
    await host.apply_change(
        lambda: host.repository.snooze(
            item.contact_id, item.kind.value, item.ref, until, host.clock()
        ),
        lambda c, _: (f"snoozed {what}", undoable(f"Snoozed {what} until {until:%a %d %b}.")),
    )


async def unsnooze(host: Host, item: DueItem) -> None:
    """Put a snoozed item back on the Due list now (undoable: `u` snoozes it again)."""
    what = f"the {item.kind.value} for {item.name}"
    await host.apply_change(
        lambda: host.repository.unsnooze(item.contact_id, item.kind.value, item.ref, host.clock()),
        lambda c, _: (f"unsnoozed {what}", undoable(f"Put {what} back on the list.")),
    )


async def tick_off(host: Host, item: DueItem) -> None:
    """Mark a promise kept."""
    repository = host.repository
    contact_id, promise_id = item.contact_id, item.ref
    await host.apply_change(
        lambda: repository.tick_promise(contact_id, promise_id, host.clock()),
        lambda c, _: (
            f"ticked off “{item.detail}”",
            undoable(f"Ticked off “{item.detail}” for {c.name}."),
        ),
    )


async def mark_sent(host: Host, contact: Contact, kind: str) -> bool:
    """Ask when a message was sent, then record it (moving the contact on); True if saved."""
    now = host.clock()
    message = message_name(kind)
    at = await host.push_screen_wait(
        MeetingTimeDialog(contact, now, question=f"When did you send the {message}?")
    )
    if at is None:
        return False
    sent_at = at

    def describe(updated: Contact, event: Event) -> tuple[str, str]:
        what = f"sent the {message} to {updated.name}"
        if event.kind is EventKind.ADVANCE:
            what += f" (now {updated.stage.label})"
        return what, undoable(what[0].upper() + what[1:] + ".")

    saved = await host.apply_change(
        lambda: host.repository.message_sent(contact.id, kind, sent_at, now),
        describe,
    )
    return saved is not None


async def set_my_name(host: Host) -> None:
    """Ask for the name drafts are signed with, and store it in the settings."""
    base = host.settings  # what the prompt showed: only the name is written onto what is stored
    name = await host.push_screen_wait(
        TextPrompt("Your name", "Drafts are signed with it.", base.my_name)
    )
    if name is None:
        return
    settings = replace(base, my_name=" ".join(name.split()))
    await host.save(
        lambda: host.repository.save_settings(settings, base=base),
        f"Drafts will be signed “{settings.my_name}”."
        if settings.my_name
        else "Drafts will ask for your name.",
    )


def _meeting_action(event: Event) -> str:
    """ "scheduled", "rescheduled", "unscheduled" (its time cleared) or "held", from an event."""
    if not isinstance(event.data, MeetingChange):
        return "changed"
    was, now = event.data.fields.get("scheduled_at", ("", ""))
    if was and not now:
        return "unscheduled"
    return event.data.action.value


async def edit_settings(
    host: Host, themes: Sequence[str], theme: str, apply_theme: Callable[[str], None]
) -> None:
    """The Settings form; saved onto what is stored, so another window's changes stay."""
    base = host.settings  # what the form showed: only what was changed in it is written

    async def commit(settings: Settings | None) -> str | None:
        if settings is None or settings == base:
            return None
        result = await host.try_save(lambda: host.repository.save_settings(settings, base=base))
        return result if isinstance(result, str) else None

    settings = await host.push_screen_wait(
        host.make_screen("settings", base, themes, theme, commit)
    )
    if settings is None:
        return
    if settings == base:
        host.notify("No changes to save.", timeout=3)
        return
    stored = host.settings
    if stored.theme != base.theme:
        apply_theme(stored.theme)
    host.data_changed.publish(None)
    host.notify("Settings saved.", timeout=4)
