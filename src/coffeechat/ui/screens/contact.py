"""One contact: every field, the stage timeline, notes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from coffeechat.domain.humanize import badge, day, moment
from coffeechat.domain.model import (
    CONTACT_FIELDS,
    FIELD_LABELS,
    Contact,
    Event,
    EventKind,
    printable,
)
from coffeechat.domain.network import referral_links
from coffeechat.domain.rules import cadence_months, next_follow_up, thank_you_item
from coffeechat.storage.errors import NotFoundError
from coffeechat.ui.screens.base import NEEDS_ACTIVE, ContactActionsScreen
from coffeechat.ui.widgets.cards import URGENCY_STYLES
from coffeechat.ui.widgets.keyed_table import KeyedTable


def describe_event(event: Event) -> str:
    """What an entry in the timeline says."""
    channel = event.changes.get("channel", ("", ""))[1]
    said = f" ({channel})" if channel else ""
    if event.note and event.kind in (EventKind.ADVANCE, EventKind.TOUCH):
        said += f": {event.note}"
    if event.kind is EventKind.CREATED:
        return "Added (identified)"
    if event.kind is EventKind.ADVANCE and event.to_stage is not None:
        if event.from_stage is event.to_stage:
            return "Follow-up" + said
        return f"{event.from_stage} → {event.to_stage}{said}"
    if event.kind is EventKind.TOUCH:
        return ("Follow-up" if channel else "Touch") + said
    if event.kind is EventKind.SNOOZE:
        until = event.changes.get("until", ("", ""))[1]
        what = event.note.split("/", 1)[0]
        when = f" until {datetime.fromisoformat(until).astimezone():%a %d %b}" if until else ""
        return f"Snoozed the {what}{when}"
    if event.kind is EventKind.MEETING:
        return _describe_meeting_event(event)
    if event.kind is EventKind.ARCHIVE:
        return f"Archived ({event.note})"
    if event.kind is EventKind.RESTORE:
        return "Restored"
    return "Edited " + ", ".join(FIELD_LABELS.get(name, name) for name in event.changes)


def _describe_meeting_event(event: Event) -> str:
    if event.note == "held":
        return "Meeting held"
    scheduled = event.changes.get("scheduled_at", ("", ""))[1]
    when = (
        f" for {datetime.fromisoformat(scheduled).astimezone():%a %d %b %H:%M}" if scheduled else ""
    )
    return f"Meeting {event.note or 'changed'}{when}"


def meetings_text(contact: Contact, now: datetime) -> Text:
    """Each meeting in a few lines: when and how, questions, takeaways, promises."""
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
        text.append(
            " · held" if meeting.held else " · planned", style="green" if meeting.held else "cyan"
        )
        if meeting.place:
            text.append(f" · {printable(meeting.place)}")
        asked = sum(item.asked for item in meeting.agenda)
        if meeting.agenda:
            text.append(f"\n  {len(meeting.agenda)} questions, {asked} asked", style="dim")
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
            table = KeyedTable(id="timeline", cursor_type="row")
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
        self.query_one("#timeline", KeyedTable).show_rows(
            [
                (
                    event.id,
                    (
                        f"{event.at.astimezone():%a %d %b %Y %H:%M}",
                        describe_event(event),
                        f"{event.recorded_at.astimezone():%d %b %H:%M}"
                        if event.recorded_at != event.at
                        else "",
                    ),
                )
                for event in reversed(contact.events)
            ]
        )
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
            text.append(f"Archived ({contact.archive_reason})", style="bold magenta")
            text.append(f" · was {contact.stage.label}")
        else:
            text.append(contact.stage.label, style="bold cyan")
            text.append(f" for {contact.days_in_stage(now)} days")
        settings = self.coffeechat.settings
        due = thank_you_item(contact, now, settings)
        if due is not None:
            text.append("  ")
            text.append(f" {badge(due, now)} ", style=URGENCY_STYLES[due.urgency])
        follow_up = next_follow_up(contact, now, settings)
        if follow_up is not None:
            every = cadence_months(contact, settings)
            text.append(f" · next follow-up {day(follow_up, now)} (every {every} months;"
                        " f logs one)", style="dim")  # fmt: skip
        return text
