"""One contact: every field, the stage timeline, notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from coffeechat.domain.events import (
    Advance,
    Archive,
    Created,
    Edit,
    Event,
    MeetingAction,
    MeetingChange,
    Merge,
    PromiseDone,
    Remove,
    Restore,
    Snooze,
    Touch,
    Undo,
)
from coffeechat.domain.humanize import badge, day, moment
from coffeechat.domain.meetings import Meeting, find_promise
from coffeechat.domain.model import CONTACT_FIELDS, FIELD_LABELS, Contact, printable
from coffeechat.domain.network import referral_links
from coffeechat.domain.rules import cadence_months, next_follow_up, thank_you_item
from coffeechat.domain.templates import message_name
from coffeechat.domain.words import counted, every
from coffeechat.storage.errors import NotFoundError
from coffeechat.ui.screens.base import NEEDS_ACTIVE, ContactActionsScreen
from coffeechat.ui.widgets.keyed_table import Cell, KeyedTable
from coffeechat.ui.widgets.urgency import emphasis, urgency_style


def describe_event(event: Event, meetings: Sequence[Meeting] = ()) -> str:
    """What an entry in the timeline says (``meetings`` name a ticked-off promise)."""
    match event.data:
        case Created():
            return "Added (identified)"
        case Advance(from_stage=before, to_stage=after, channel=channel, message=message):
            return f"{before} → {after}" + _said(channel, message, event.data.note)
        case Touch(channel=channel, message=message, note=note):
            return ("Follow-up" if channel else "Touch") + _said(channel, message, note)
        case Snooze(due=due, until=until):
            if until <= event.at:  # a snooze that ends when it is made: unsnoozed
                return f"Put the {due} back on the list"
            return f"Snoozed the {due} until {until.astimezone():%a %d %b}"
        case MeetingChange():
            return _describe_meeting_event(event.data)
        case PromiseDone(promise_id=promise_id, done=done):
            found = find_promise(meetings, promise_id)
            what = f"“{printable(found[1].text)}”" if found else "a promise"
            return f"Ticked off {what}" if done else f"Opened {what} again"
        case Archive(reason=reason, note=note):
            return f"Archived ({note or reason.value})"
        case Restore():
            return "Restored"
        case Edit(fields=fields):
            return "Edited " + ", ".join(FIELD_LABELS.get(name, name) for name in fields)
        case Merge(fields=fields, meetings=moved):
            parts = [f"took {', '.join(FIELD_LABELS.get(name, name) for name in fields)}"]
            parts = parts if fields else []
            if moved:
                parts.append(f"{len(moved)} meeting{'s' * (len(moved) != 1)} moved here")
            return "Merged in a duplicate" + (f" ({'; '.join(parts)})" if parts else "")
        case Remove(merged_into=survivor):
            return "Merged into another contact" if survivor else "Deleted"
        case Undo():
            return "Undid a change"
    return event.kind.value


def _said(channel: str, message: str, note: str) -> str:
    said = f" ({channel})" if channel else ""
    if message:
        said += f": sent {message_name(message)}"
    if note:
        said += f": {note}"
    return said


def _describe_meeting_event(change: MeetingChange) -> str:
    if change.action is MeetingAction.HELD:
        return "Meeting held"
    was, scheduled = change.fields.get("scheduled_at", ("", ""))
    if was and not scheduled:  # cancelled, or its time cleared
        what = "cancelled" if change.action is MeetingAction.CANCELLED else "unscheduled"
        return f"Meeting {what} (was {datetime.fromisoformat(was).astimezone():%a %d %b %H:%M})"
    when = (
        f" for {datetime.fromisoformat(scheduled).astimezone():%a %d %b %H:%M}" if scheduled else ""
    )
    return f"Meeting {change.action.value}{when}"


def timeline_rows(contact: Contact) -> list[tuple[str, tuple[Cell, Cell, Cell]]]:
    """The timeline, newest first: undone changes struck through and marked, undos not listed."""
    undone = {e.data.event_id: e for e in contact.events if isinstance(e.data, Undo)}
    rows: list[tuple[str, tuple[Cell, Cell, Cell]]] = []
    for event in reversed(contact.events):
        if isinstance(event.data, Undo):
            continue
        said: Cell = describe_event(event, contact.meetings)
        recorded = (
            f"{event.recorded_at.astimezone():%d %b %H:%M}" if event.recorded_at != event.at else ""
        )
        undo = undone.get(event.id)
        if undo is not None:
            said = Text.assemble((str(said), "strike dim"), (" undone", "italic"))
            recorded = f"undone {undo.recorded_at.astimezone():%d %b %H:%M}"
        rows.append((event.id, (f"{event.at.astimezone():%a %d %b %Y %H:%M}", said, recorded)))
    return rows


def meetings_text(contact: Contact, now: datetime) -> Text:
    """Each meeting: when and how, notes, takeaways, promises, then the questions
    (a held meeting's each with its answer)."""
    if not contact.meetings:
        return Text("No meetings yet (s schedules one, m starts one now).", style="dim")
    text = Text()
    for meeting in sorted(contact.meetings, key=lambda m: m.when() or now, reverse=True):
        if text:
            text.append("\n\n")
        when = meeting.when()
        heading = f"{when.astimezone(now.tzinfo):%a %d %b %Y %H:%M}" if when else "Time not agreed"
        text.append(heading, style="bold")
        text.append(f" · {meeting.format.value} · {meeting.minutes} min")
        if meeting.cancelled_at is not None:
            text.append(" · cancelled", style="dim")
        else:
            text.append(
                " · held" if meeting.held else " · planned",
                style="green" if meeting.held else "cyan",
            )
        if meeting.place:
            text.append(f" · {printable(meeting.place)}")
        shown = (("Goals", meeting.goals), ("Research", meeting.research), ("Notes", meeting.notes))
        for label, value in shown:
            if value:
                text.append(f"\n  {label}: ", style="dim")
                text.append(printable(value))
        for takeaway in meeting.takeaways:
            text.append("\n  • ")
            text.append(printable(takeaway))
        for promise in meeting.promises:
            text.append("\n  ☑ " if promise.done else "\n  ☐ ")
            text.append(printable(promise.text))
            text.append(f" (due {moment(promise.due, now)})", style="dim")
        asked = sum(item.asked for item in meeting.agenda)
        if meeting.agenda:
            questions = counted(len(meeting.agenda), "question")
            text.append(f"\n  {questions}, {asked} asked", style="dim")
        if meeting.held:
            # Last, as the record of the talk: each question with what they said.
            for item in meeting.agenda:
                text.append(
                    "\n  ✓ " if item.asked else "\n  ○ ", style="green" if item.asked else "dim"
                )
                text.append(printable(item.text), style="" if item.asked else "dim")
                if item.answer:
                    text.append("\n      ↳ ", style="dim")
                    text.append(printable(item.answer), style="italic")
    return text


def referrals_text(contact: Contact, everyone: list[Contact]) -> Text:
    """Who introduced this person, and whom they introduced."""
    by_id = {c.id: c for c in everyone}
    links = referral_links(everyone)
    text = Text()
    text.append("Referred by  ", style="dim")
    referrer = by_id.get(links.get(contact.id, ""))
    if referrer is not None:
        text.append(printable(referrer.name))
        text.append(f" ({referrer.stage.label})", style="dim")
    else:
        text.append(printable(contact.referred_by) or "—")
    introduced = [by_id[c] for c, parent in links.items() if parent == contact.id]
    text.append("\nIntroduced   ", style="dim")
    if not introduced:
        text.append("nobody yet")
    for index, person in enumerate(sorted(introduced, key=lambda c: c.name.casefold())):
        text.append(", " if index else "")
        text.append(printable(person.name))
        text.append(f" ({person.stage.label})", style="dim")
    return text


_LABEL_WIDTH = max(len(label) for label in FIELD_LABELS.values())


class ContactScreen(ContactActionsScreen):
    """Details of one contact; the same keys act on it as on the board."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="back",
                tooltip="Back to the list"),
        Binding("r", "restore", "Restore", id="restore", tooltip="Put an archived contact back"),
        Binding("enter", "noop", show=False, id="open"),
        # Still works here; the footer keeps its room for this person's keys.
        Binding("n", "new", "New", show=False, id="new", tooltip="Add a person to the pipeline"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit this contact"),
        Binding("t", "draft", "Draft", id="draft",
                tooltip="Draft the message this stage needs (request, thank-you, follow-up)"),
    ]  # fmt: skip

    def __init__(self, contact_id: str) -> None:
        super().__init__()
        self.contact_id = contact_id

    def compose(self) -> ComposeResult:
        """Heading, fields, timeline, notes."""
        yield Header()
        with VerticalScroll(id="contact"):
            yield Static(id="contact-heading")
            yield Static(id="contact-fields")
            yield Label("Timeline", classes="section-title")
            # A long note shortens "What" before "Recorded" goes; "When" always shows.
            give_way = (("What", 30), ("Recorded", 0), ("What", 16))
            table = KeyedTable(id="timeline", cursor_type="row", give_way=give_way)
            table.add_columns("When", "What", "Recorded")
            yield table
            yield Label("Meetings", classes="section-title")
            yield Static(id="contact-meetings")
            yield Label("Referrals", classes="section-title")
            yield Static(id="contact-referrals")
            yield Label("Notes", classes="section-title")
            yield Static(id="contact-notes")
        yield Footer(compact=True)

    def selected_contact_id(self) -> str | None:
        """This page's contact."""
        return self.contact_id

    def action_noop(self) -> None:
        """Enter does nothing here: this already is the contact's page."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer restore only for archived contacts (and `a` only for active ones)."""
        try:
            contact = self.coffeechat.repository.get(self.contact_id)
        except NotFoundError:
            return True
        if action == "restore":
            return contact.archived
        if action in NEEDS_ACTIVE:
            return not contact.archived
        return True

    def reload(self) -> None:
        """Redraw from the repository; leave if the contact is gone (undo of an add)."""
        try:
            contact = self.coffeechat.repository.get(self.contact_id)
        except NotFoundError:
            self.app.pop_screen()
            return
        self.sub_title = printable(contact.name)
        self.query_one("#contact-heading", Static).update(self._heading(contact))
        rows = Text()
        for name in CONTACT_FIELDS[1:]:
            if name == "notes":
                continue
            value = getattr(contact, name) or "—"
            if rows:
                rows.append("\n")
            rows.append(f"{FIELD_LABELS[name]:>{_LABEL_WIDTH}}", style="dim")
            rows.append(f"  {printable(value)}")
        self.query_one("#contact-fields", Static).update(rows)
        self.query_one("#timeline", KeyedTable).show_rows(timeline_rows(contact))
        self.query_one("#contact-meetings", Static).update(meetings_text(contact, self.now()))
        everyone = self.coffeechat.repository.contacts(include_archived=True)
        self.query_one("#contact-referrals", Static).update(referrals_text(contact, everyone))
        notes = self.query_one("#contact-notes", Static)
        empty = "[dim]No notes yet (e to edit).[/]"
        notes.update(Text(printable(contact.notes)) if contact.notes else empty)
        self.refresh_bindings()

    def _heading(self, contact: Contact) -> Text:
        now = self.now()
        text = Text()
        text.append(printable(contact.name), style="bold")
        if contact.role or contact.company:
            where = " at ".join(p for p in (contact.role, contact.company) if p)
            text.append("  " + printable(where))
        text.append("\n")
        if contact.archived:
            style = emphasis("bold magenta", no_color=self.app.no_color)
            text.append(f"Archived ({contact.archive_reason})", style=style)
            text.append(f" · was {contact.stage.label}")
        else:
            style = emphasis("bold cyan", no_color=self.app.no_color)
            text.append(contact.stage.label, style=style)
            days = contact.days_in_stage(now)
            text.append(f" for {counted(days, 'day')}" if days else " since today")
        settings = self.coffeechat.settings
        due = thank_you_item(contact, now, settings)
        if due is not None:
            text.append("  ")
            style = urgency_style(due.urgency, no_color=self.app.no_color)
            text.append(f" {badge(due, now)} ", style=style)
        follow_up = next_follow_up(contact, now, settings)
        if follow_up is not None:
            months = cadence_months(contact, settings)
            text.append(f" · next follow-up {day(follow_up, now)} ({every(months, 'month')};"
                        " f logs one)", style="dim")  # fmt: skip
        return text
