"""Meeting mode (`m`): a countdown, the questions, notes, takeaways, promises, referrals.

Everything typed is saved as it is typed (notes after a short pause); the
meeting is recorded as held only when the person finishes and confirms the
time, so the thank-you clock starts at the meeting, not at the typing.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker

from coffeechat.domain.dates import DateParseError
from coffeechat.domain.humanize import moment
from coffeechat.domain.meetings import (
    Meeting,
    Promise,
    countdown,
    noted,
    promise_due,
    referral_fields,
)
from coffeechat.domain.model import Contact, printable
from coffeechat.domain.questions import is_yes_no, open_questions_left
from coffeechat.domain.text import one_line
from coffeechat.storage.errors import USER_FACING_ERRORS
from coffeechat.ui import actions
from coffeechat.ui.dialogs.base import after_pending_keys
from coffeechat.ui.dialogs.finish import FinishDialog, KeepDraft
from coffeechat.ui.host import undoable
from coffeechat.ui.screens.app_screen import AppScreen
from coffeechat.ui.undo import UndoEntry
from coffeechat.ui.widgets.lists import ItemList, QuestionList

NOTES_SAVE_DELAY = 0.5


class MeetingScreen(AppScreen[None]):
    """The conversation itself, full screen.

    The bar with the countdown never scrolls; the notes and the three lists
    stack beside the questions, taller as the terminal grows, and on a wide
    terminal the notes and the lists take a column each.
    """

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (160, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [
        (0, "-short"),
        (32, "-tall"),
        (46, "-very-tall"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "finish", "Finish", id="finish", priority=True,
                tooltip="Record the meeting as held and move the contact to Met"),
        Binding("escape", "back_or_leave", "Leave", id="leave", show=False,
                tooltip="Back to the questions; from the questions, finish or keep as a draft"),
        Binding("n", "jump('notes')", "Notes", id="notes", show=False,
                tooltip="Write in the notes"),
        Binding("t", "jump('takeaway-input')", "Takeaway", id="takeaway",
                tooltip="Add a key takeaway"),
        Binding("p", "jump('promise-input')", "Promise", id="promise",
                tooltip="Add something promised, with a due date (text @ when)"),
        Binding("r", "jump('referral-input')", "Referral", id="referral",
                tooltip="Add a name they offered (Name, Company)"),
        Binding("space", "toggle_asked", "Asked", id="toggle_asked",
                tooltip="Mark the highlighted question asked, or not"),
        # The app's own letters (quit, Due, Network, undo) do nothing here but say how
        # to leave: typing on after enter put the focus back on the questions must not
        # open Finish ("q") and record the meeting on the next enter, nor undo a change.
        Binding("q,d,w,u", "how_to_leave", show=False),
    ]  # fmt: skip

    def __init__(self, contact_id: str, meeting_id: str, started_by: str | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.meeting_id = meeting_id
        #: The event that started this meeting when `m` found none planned: taken back
        #: if the meeting is left with nothing noted.
        self.started_by = started_by
        self.contact: Contact | None = None
        self.meeting: Meeting | None = None
        self._notes_timer: Timer | None = None
        self._answering: int | None = None
        self._unsaved: Meeting | None = None
        self._base: Meeting | None = None  # the meeting as this screen last saved it
        self._saver: Worker[None] | None = None
        self._drawn: dict[str, list[Text]] = {}  # the lines each list shows

    def compose(self) -> ComposeResult:
        """Bar with countdown; questions on the left; notes and lists on the right."""
        yield Header()
        with Horizontal(id="meeting-bar"):
            yield Static(id="meeting-title")
            yield Static(id="countdown")
        yield Static("", id="wrap-up")
        with Horizontal(id="meeting-body"):
            with Vertical(id="questions-pane"):
                yield Label("Questions", id="questions-title", classes="section-title")
                yield QuestionList(id="questions")
                yield Input(id="answer", placeholder="their answer, in a line (enter saves)")
                yield Static("", id="questions-hint")
            with VerticalScroll(id="side-pane", can_focus=False):
                with Vertical(id="notes-pane"):
                    yield Label("Notes (n)", classes="section-title")
                    yield TextArea(id="notes")
                with Vertical(id="lists-pane"):
                    yield Label("Key takeaways (t)", classes="section-title")
                    yield ItemList(id="takeaways")
                    yield Input(id="takeaway-input", placeholder="add a takeaway, enter")
                    yield Label("Promised (p)", classes="section-title")
                    yield ItemList(id="promises")
                    yield Input(id="promise-input", placeholder="send my CV @ friday")
                    yield Label("", id="error-promise", classes="field-error")
                    yield Label("Referrals (r)", classes="section-title")
                    yield ItemList(id="referrals")
                    yield Input(id="referral-input", placeholder="Name, Company")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Load the meeting, start its clock, tick every second."""
        try:
            self.contact = self.coffeechat.repository.get(self.contact_id)
        except USER_FACING_ERRORS as error:
            self.notify(str(error), severity="error")
            self.app.pop_screen()
            return
        meeting = self.contact.meeting(self.meeting_id)
        if meeting is None:
            self.notify("That meeting no longer exists.", severity="error")
            self.app.pop_screen()
            return
        self.meeting = meeting
        self._base = meeting
        now = self.now()
        # Opened before the scheduled start: the meeting starts now, unless it
        # already did (something was noted since it was opened before).
        early = meeting.scheduled_at is None or meeting.scheduled_at > now
        if early and (meeting.started_at is None or not noted(meeting)):
            self._save(replace(meeting, started_at=now))
        self.query_one("#answer").display = False
        self.query_one("#notes", TextArea).load_text(meeting.notes)
        self.sub_title = f"Meeting with {printable(self.contact.name)}"
        self._draw_title()
        self._draw_questions()
        self._draw_lists(reveal=False)
        self.tick()
        self.set_interval(1.0, self.tick)
        self.query_one(QuestionList).focus()

    # -- drawing -------------------------------------------------------------

    def tick(self) -> None:
        """Redraw the countdown from the app clock (tests move the clock and call this)."""
        if self.meeting is None:
            return
        state = countdown(self.meeting, self.now())
        clock = self.query_one("#countdown", Static)
        # No clock glyph: common terminal fonts lack it.
        planned = "" if state.over else f" of {self.meeting.minutes} min"
        clock.update(f"Time  {state.clock()}{planned}")
        clock.set_class(state.wrapping_up and not state.over, "-wrapping-up")
        clock.set_class(state.over, "-over")
        warning = self.query_one("#wrap-up", Static)
        warning.update(state.warning())
        warning.display = bool(state.warning())
        warning.set_class(state.over, "-over")

    def _draw_title(self) -> None:
        assert self.contact is not None
        assert self.meeting is not None
        contact, meeting = self.contact, self.meeting
        text = Text()
        text.append(printable(contact.name), style="bold")
        where = " at ".join(p for p in (contact.role, contact.company) if p)
        if where:
            text.append(f"  {printable(where)}")
        text.append(f"  ·  {meeting.format.value} · {meeting.minutes} min")
        if meeting.place:
            text.append(f" · {printable(meeting.place)}")
        if meeting.goals:
            text.append("\nGoal: ", style="dim")
            text.append(printable(meeting.goals.splitlines()[0]))
        self.query_one("#meeting-title", Static).update(text)

    def _draw_questions(self) -> None:
        assert self.meeting is not None
        listing = self.query_one(QuestionList)
        highlighted = listing.highlighted
        options = []
        for number, item in enumerate(self.meeting.agenda, 1):
            prompt = Text()
            prompt.append("✓ " if item.asked else "○ ", style="green" if item.asked else "dim")
            prompt.append(f"{number}. ", style="dim")
            prompt.append(printable(item.text), style="dim" if item.asked else "")
            if is_yes_no(item.text):
                prompt.append("  yes/no", style="yellow")
            if item.answer:
                prompt.append("\n     ↳ ", style="dim")
                prompt.append(printable(item.answer), style="italic")
            options.append(Option(prompt))
        listing.set_options(options)
        if options:
            listing.highlighted = min(highlighted or 0, len(options) - 1)
        asked = sum(item.asked for item in self.meeting.agenda)
        title = f"Questions · {asked} of {len(self.meeting.agenda)} asked"
        self.query_one("#questions-title", Label).update(title)
        self._draw_hint()

    def _draw_hint(self) -> None:
        """What to do next; with no questions, what escape does (it depends on what was noted)."""
        assert self.meeting is not None
        if not self.meeting.agenda and not noted(self.meeting):
            text = (
                "No questions picked.  escape leaves without recording anything;"
                " then Q picks 10–20."
            )
        elif not self.meeting.agenda:
            text = (
                "No questions picked.  escape asks whether to record the meeting as held"
                " or keep it as a draft."
            )
        elif open_questions_left(self.meeting.agenda) == 0:
            text = "No open questions left: ask who else you should talk to, then wrap up."
        else:
            text = "j/k move · enter: asked + answer · space: asked"
        hint = self.query_one("#questions-hint", Static)
        if str(hint.content) != text:  # redrawn on every change: no layout when unchanged
            hint.update(text)

    def _draw_lists(self, *, reveal: bool = True, keep: tuple[str, int] | None = None) -> None:
        """Redraw the lists that changed, each scrolled to its newest line (and, with
        ``reveal``, the side pane scrolled to show the list).  ``keep`` (a list and
        a line) leaves that list's cursor on that line, after a line was removed."""
        assert self.meeting is not None
        now = self.now()
        promises = []
        for promise in self.meeting.promises:
            line = Text("☑ " if promise.done else "☐ ")
            line.append(printable(promise.text))
            line.append(f"  due {moment(promise.due, now)}", style="dim")
            promises.append(line)
        lines = {
            "takeaways": [Text("• " + printable(t)) for t in self.meeting.takeaways],
            "promises": promises,
            "referrals": [Text("→ " + printable(r)) for r in self.meeting.referrals],
        }
        for list_id, texts in lines.items():
            if self._drawn.get(list_id) == texts:
                continue
            self._drawn[list_id] = texts
            listing = self.query_one(f"#{list_id}", ItemList)
            listing.set_options([Option(text) for text in texts])
            listing.can_focus = bool(texts)  # an empty list has no room: Tab goes past it
            if keep is not None and keep[0] == list_id and texts:
                # The next line moves up under the cursor.
                listing.highlighted = min(keep[1], len(texts) - 1)
                self.call_after_refresh(listing.scroll_to_highlight)
                continue
            # A short list scrolls: keep its newest line, and the list, in sight.
            self.call_after_refresh(self._show_newest, listing, reveal)

    def _show_newest(self, listing: ItemList, reveal: bool) -> None:
        listing.scroll_end(animate=False, immediate=True)
        if reveal:
            listing.scroll_visible(animate=False, immediate=True)

    # -- saving --------------------------------------------------------------

    def _save(self, meeting: Meeting) -> None:
        """Keep the change on screen, and save it in the background (newest state wins).

        Saves run one after another in a thread worker; a burst of keys
        saves the latest meeting, and a failed save says so (and keeps the screen).
        """
        self.meeting = meeting
        self._unsaved = meeting
        self._draw_hint()
        if self._saver is None or self._saver.is_finished:
            self._saver = self.run_worker(self._save_pending(), group="meeting-save")

    async def _save_pending(self) -> None:
        # The base is what this screen last saved: another window's words typed
        # into the same meeting meanwhile are merged in, not written over.
        while self._unsaved is not None:
            meeting, self._unsaved = self._unsaved, None
            save = self.coffeechat.repository.save_meeting
            saved = await self.coffeechat.save(partial(save, self.contact_id, meeting, self._base))
            if saved is not None:
                self.contact = saved
                self._base = meeting

    async def saved(self) -> None:
        """Wait until everything typed so far is on disk (or failed to be)."""
        if self._saver is not None:
            await self._saver.wait()

    def flush_notes(self) -> None:
        """Save the notes now if they changed (called after a pause, and before leaving)."""
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self._notes_timer = None
        if self.meeting is None:
            return
        text = self.query_one("#notes", TextArea).text
        if text != self.meeting.notes:
            self._save(replace(self.meeting, notes=text))

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_SAVE_DELAY, self.flush_notes)

    # -- questions -------------------------------------------------------------

    @on(OptionList.OptionSelected, "#questions")
    def _question_chosen(self, event: OptionList.OptionSelected) -> None:
        assert self.meeting is not None
        index = event.option_index
        self._set_asked(index, True)
        self._answering = index
        answer = self.query_one("#answer", Input)
        answer.value = self.meeting.agenda[index].answer
        answer.display = True
        answer.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Space marks a question asked only from the questions: elsewhere the footer leaves it out.

        (In a list, "space Asked" beside "del Remove" pushed "? Keys" off an 80-column line.)
        """
        if action == "toggle_asked":
            return isinstance(self.focused, QuestionList)
        return True

    def action_jump(self, widget_id: str) -> None:
        """Move to the notes or one of the lists' input boxes."""
        self.query_one(f"#{widget_id}").focus()

    def action_toggle_asked(self) -> None:
        """Mark the highlighted question asked (or not) without an answer."""
        listing = self.query_one(QuestionList)
        if self.meeting is None or listing.highlighted is None or not listing.has_focus:
            return
        index = listing.highlighted
        self._set_asked(index, not self.meeting.agenda[index].asked)

    def _set_asked(self, index: int, asked: bool) -> None:
        assert self.meeting is not None
        agenda = list(self.meeting.agenda)
        if agenda[index].asked != asked:
            agenda[index] = replace(agenda[index], asked=asked)
            self._save(replace(self.meeting, agenda=tuple(agenda)))
            self._draw_questions()

    @on(Input.Submitted, "#answer")
    def _answered(self, event: Input.Submitted) -> None:
        assert self.meeting is not None
        index = self._answering
        self._save_answer(event.value)
        self._close_answer()
        self._draw_questions()
        # On to the next question not yet asked.
        listing = self.query_one(QuestionList)
        following = [
            i for i, item in enumerate(self.meeting.agenda) if not item.asked and i > (index or 0)
        ]
        if following:
            listing.highlighted = following[0]

    def _save_answer(self, value: str) -> None:
        """Keep the answer typed for the question being answered."""
        assert self.meeting is not None
        index = self._answering
        if index is not None and index < len(self.meeting.agenda):
            agenda = list(self.meeting.agenda)
            agenda[index] = replace(agenda[index], answer=one_line(value))
            self._save(replace(self.meeting, agenda=tuple(agenda)))

    def _close_answer(self) -> None:
        answer = self.query_one("#answer", Input)
        answer.display = False
        answer.value = ""
        self._answering = None
        self.query_one(QuestionList).focus()

    # -- lists ---------------------------------------------------------------

    @on(Input.Submitted, "#takeaway-input")
    @on(Input.Submitted, "#promise-input")
    @on(Input.Submitted, "#referral-input")
    def _item_submitted(self, event: Input.Submitted) -> None:
        """Add the line to its list, and go back to the questions (where t, p, r work)."""
        if self._add_item(event.input):
            self.query_one(QuestionList).focus()

    def _add_item(self, box: Input) -> bool:
        """Add what ``box`` holds to its list and empty it; False if it can't be read."""
        if self.meeting is None:
            return False
        value = box.value
        if not value.strip():
            return True
        if box.id == "takeaway-input":
            text = one_line(value)
            if text:
                self._save(replace(self.meeting, takeaways=(*self.meeting.takeaways, text)))
        elif box.id == "promise-input":
            promise = self._read_promise(value)
            if promise is None:
                return False
            self._save(replace(self.meeting, promises=(*self.meeting.promises, promise)))
        else:
            fields = referral_fields(value)
            if fields is not None:
                line = ", ".join(fields.values())
                self._save(replace(self.meeting, referrals=(*self.meeting.referrals, line)))
        box.value = ""
        self._draw_lists()
        return True

    def _read_promise(self, value: str) -> Promise | None:
        """The promise "text @ when" describes; None (the reason shown) if it can't be read."""
        error = self.query_one("#error-promise", Label)
        text, _, when = printable(value).partition("@")
        text = " ".join(text.split())
        if not text:
            error.update("Promise: write what was promised, then @ and when (send CV @ friday).")
            error.add_class("shown")
            return None
        now = self.now()
        try:
            due = promise_due(when, now)
        except DateParseError as problem:
            error.update(f"Promise: {problem}")
            error.add_class("shown")
            return None
        if due < now:  # "3 dec" on the 5th: overdue the moment it is saved
            error.update(f"Promise: {when.strip()!r} is already past; give a day still to come.")
            error.add_class("shown")
            return None
        error.update("")
        error.remove_class("shown")
        return Promise(id=self.coffeechat.repository.new_id(), text=text, due=due)

    def _take_typed(self) -> bool:
        """Keep what is typed but not yet entered (an answer, a list line) before finishing.

        False when a line can't be read (a promise's date): the reason shows and
        the box has the focus, so it can be put right.
        """
        answer = self.query_one("#answer", Input)
        if answer.display and answer.value.strip():
            self._save_answer(answer.value)
            self._close_answer()
            self._draw_questions()
        for box_id in ("takeaway-input", "promise-input", "referral-input"):
            box = self.query_one(f"#{box_id}", Input)
            if box.value.strip() and not self._add_item(box):
                box.focus()
                return False
        return True

    @on(ItemList.RemoveRequested)
    def _remove_item(self, event: ItemList.RemoveRequested) -> None:
        """Drop one takeaway, promise or referral (a slip of the keyboard)."""
        list_id, index = event.list_id, event.index
        if self.meeting is None:
            return
        name = {"takeaways": "takeaways", "promises": "promises", "referrals": "referrals"}[list_id]
        items = list(getattr(self.meeting, name))
        if index < len(items):
            del items[index]
            changes: dict[str, Any] = {name: tuple(items)}
            self._save(replace(self.meeting, **changes))
            self._draw_lists(keep=(list_id, index))
            if not items:  # nothing left to move through: on to the box that adds one
                box = {"takeaways": "takeaway", "promises": "promise", "referrals": "referral"}
                self.query_one(f"#{box[list_id]}-input").focus()

    # -- leaving -------------------------------------------------------------

    def action_how_to_leave(self) -> None:
        """A letter the board would act on: here it only says how to leave."""
        self.notify(
            "In a meeting: escape leaves (it asks first), ctrl+s finishes; "
            "u and the other screens' keys work again after.",
            timeout=4,
        )

    def action_back_or_leave(self) -> None:
        """From a text box, back to the questions; from the questions, finish or leave.

        A meeting where nothing was noted is left at once, recording nothing:
        there is nothing to keep, and no meeting to record as held.
        """
        focused = self.focused
        if self.query_one("#answer").display:
            self._close_answer()
        elif focused is not None and not isinstance(focused, QuestionList):
            self.query_one(QuestionList).focus()
        else:
            after_pending_keys(self, self._leave_or_finish)

    def _leave_or_finish(self) -> None:
        self.flush_notes()
        if not self._take_typed():  # a line typed but not entered counts as noted
            return
        if self.meeting is not None and self.contact is not None and not noted(self.meeting):
            self.app.pop_screen()
            if self.started_by and actions.take_back_started(
                self.coffeechat, self.contact_id, self.started_by
            ):
                return  # the undo says so ("Undid: started a meeting with …")
            self.notify(
                f"Left the meeting with {self.contact.name}; nothing was recorded.", timeout=4
            )
            return
        self._finish_now()

    def action_finish(self) -> None:
        """Ask when the meeting was, once the keys typed before this one are saved."""
        after_pending_keys(self, self._finish_now)

    def _finish_now(self) -> None:
        """Ask when the meeting was, then record it as held (or keep it as a draft)."""
        self.flush_notes()
        if not self._take_typed():
            return
        if self.meeting is None or self.contact is None:
            self.app.pop_screen()
            return
        self._finish(self.contact, self.meeting)

    @work(group="flow")
    async def _finish(self, contact: Contact, meeting: Meeting) -> None:
        # Only the referrals need everyone (to find who is already there).
        everyone = (
            self.coffeechat.repository.contacts(include_archived=True) if meeting.referrals else []
        )
        result = await self.app.push_screen_wait(
            FinishDialog(contact, meeting, self.now(), contacts=everyone)
        )
        if result is None:
            return
        if isinstance(result, KeepDraft):
            await self.saved()
            self.app.pop_screen()
            self.notify(
                f"Kept your notes with {contact.name}; the meeting is not recorded "
                "as held yet (m to go on).",
                timeout=5,
            )
            return
        await self.saved()
        held_at = result
        repository = self.coffeechat.repository
        self.coffeechat.changed(self.contact_id)  # the board's cursor follows them into Met
        saved = await self.coffeechat.save(
            lambda: repository.record_meeting(self.contact_id, self.meeting_id, held_at, self.now())
        )
        if saved is None:
            return
        updated, events, added = saved.contact, saved.events, saved.added
        self.coffeechat.undo_stack.push(
            UndoEntry(saved.undo_steps, f"recorded the meeting with {updated.name}")
        )
        said = [f"Recorded the meeting with {updated.name}"]
        if any(e.to_stage is not None for e in events):
            said.append(f"moved to {updated.stage.label}")
        if added:
            said.append(f"added {len(added)} referral{'s' * (len(added) != 1)}")
        if saved.linked:
            said.append(f"linked {', '.join(c.name for c, _ in saved.linked)} (already there)")
        self.app.pop_screen()
        self.notify(undoable(", ".join(said) + "."), timeout=6)

    def on_screen_suspend(self) -> None:
        """Save the notes when another screen covers this one (help, the palette)."""
        self.flush_notes()
