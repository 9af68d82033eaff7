"""The coffeechat App, built by one factory for the CLI and every test."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from typing import ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen
from textual.signal import Signal

from coffeechat.domain.clock import Clock
from coffeechat.domain.model import Contact, Event, printable
from coffeechat.domain.rules import Settings
from coffeechat.paths import stylesheet
from coffeechat.storage.errors import USER_FACING_ERRORS, StorageError
from coffeechat.storage.repository import Repository
from coffeechat.ui.undo import UndoEntry, UndoStack

T = TypeVar("T")

STYLESHEETS = (
    "app.tcss",
    "pipeline.tcss",
    "due.tcss",
    "contact.tcss",
    "forms.tcss",
    "meeting.tcss",
    "questions.tcss",
    "draft.tcss",
    "network.tcss",
)
POLL_SECONDS = 1.0


class CoffeechatApp(App[None]):
    """The board, the Due list and the contact pages over one repository."""

    TITLE = "coffeechat"
    CSS_PATH: ClassVar = [stylesheet(name) for name in STYLESHEETS]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "show_pipeline", "Pipeline", id="pipeline", tooltip="The board of stages"),
        Binding("d", "show_due", "Due", id="due", tooltip="What needs doing, most urgent first"),
        Binding("w", "show_network", "Network", id="network",
                tooltip="Who introduced whom, and how many introductions became meetings"),
        # Not in the footer (every change's toast says "u to undo"); ? lists it.
        Binding("u", "undo", "Undo", id="undo", show=False,
                tooltip="Take back this session's last change"),
        Binding("question_mark", "toggle_help", "Keys", id="help", key_display="?",
                tooltip="Show or hide every key for this screen"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave coffeechat"),
    ]  # fmt: skip

    def __init__(self, repository: Repository, clock: Clock) -> None:
        super().__init__()
        self.repository = repository
        self.clock = clock
        self.undo_stack = UndoStack()
        #: Published after any change to the data, ours or another process's.
        self.data_changed: Signal[None] = Signal(self, "data_changed")
        self._storage_broken = False
        #: The toasts shown so far (the last 100), oldest first, as shown: what tests
        #: read instead of Textual's private list, which also forgets expired toasts.
        self.toasts: deque[Notification] = deque(maxlen=100)

    def on_mount(self) -> None:
        """Open on the board, and watch the file for changes made elsewhere."""
        from coffeechat.ui.screens.due import DueScreen
        from coffeechat.ui.screens.pipeline import PipelineScreen

        self.add_mode("pipeline", PipelineScreen)
        self.add_mode("due", DueScreen)
        self.switch_mode("pipeline")
        self.call_next(freeze_long_lived_objects)
        self.set_interval(POLL_SECONDS, self.check_for_outside_changes)

    # -- data ---------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The reminder settings from the database."""
        return self.repository.settings()

    def check_for_outside_changes(self) -> None:
        """Reload the screens if another process changed the file."""
        try:
            changed = self.repository.refresh()
        except StorageError as error:
            if not self._storage_broken:
                self._storage_broken = True
                self.notify(str(error), title="Database problem", severity="error", timeout=30)
            return
        self._storage_broken = False
        if changed:
            self.data_changed.publish(None)
            self.call_next(freeze_long_lived_objects)

    def save(self, change: Callable[[], T], success: str | None = None) -> T | None:
        """Run a repository change; show a toast either way, return None on failure.

        A failed change is never reported as saved: the error says what went
        wrong and that nothing was changed.
        """
        try:
            result = change()
        except USER_FACING_ERRORS as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=8)
            return None
        if success:
            self.notify(success, timeout=4)
        self.data_changed.publish(None)
        return result

    def apply_change(
        self,
        change: Callable[[], tuple[Contact, Event | None]],
        describe: Callable[[Contact, Event], tuple[str, str]],
    ) -> Contact | None:
        """Save a change to one contact; remember it for `u` and say what happened.

        ``describe`` gives (what undo will call it, the toast) for the saved
        contact and event.  Returns the contact, or None if nothing was saved.
        """
        result = self.save(change)
        if result is None:
            return None
        contact, event = result
        if event is None:
            self.notify("No changes to save.", timeout=3)
            return contact
        undo_description, toast = describe(contact, event)
        self.undo_stack.push(UndoEntry.single(contact.id, event.id, undo_description))
        self.notify(toast, timeout=4)
        return contact

    # -- actions ------------------------------------------------------------

    def action_show_pipeline(self) -> None:
        """Go to the board."""
        self._go_home("pipeline")

    def action_show_due(self) -> None:
        """Go to the Due list."""
        self._go_home("due")

    def _go_home(self, mode: str) -> None:
        self.switch_mode(mode)
        # Leave any contact page open in this mode, so the key lands on the list.
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.pop_screen()

    def action_undo(self) -> None:
        """Take back the latest change made in this session."""
        entry = self.undo_stack.pop()
        if entry is None:
            self.notify("Nothing to undo in this session.", timeout=3)
            return
        done = self.save(lambda: self.repository.undo_all(entry.steps, self.clock()) or True)
        if done:
            self.notify(f"Undid: {entry.description}", timeout=4)

    def action_toggle_help(self) -> None:
        """Show or hide the panel listing every key."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action reachable from the command palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Pipeline", "Show the board of stages", self.action_show_pipeline)
        yield SystemCommand("Due", "What needs doing, most urgent first", self.action_show_due)
        yield SystemCommand("Undo", "Take back this session's last change", self.action_undo)
        yield SystemCommand("Archived contacts", "Show and restore archived contacts",
                            self.action_show_archive)  # fmt: skip
        yield SystemCommand("Network", "The referral tree: who introduced whom",
                            self.action_show_network)  # fmt: skip
        yield SystemCommand("Question bank", "Add, edit, tag and hide your questions",
                            self.action_question_bank)  # fmt: skip
        yield SystemCommand("Your name", "The name your message drafts are signed with",
                            self.action_set_my_name)  # fmt: skip
        from coffeechat.ui import transfer_actions

        for kind, (title, what) in transfer_actions.IMPORTS.items():
            yield SystemCommand(title, what.capitalize(),
                                partial(transfer_actions.start_import, self, kind))  # fmt: skip
        for kind, (title, what) in transfer_actions.EXPORTS.items():
            yield SystemCommand(title, what.capitalize(),
                                partial(transfer_actions.start_export, self, kind))  # fmt: skip
        for binding_id, title, help_text in (
            ("new", "New contact", "Add a person to the pipeline"),
            ("edit", "Edit contact", "Edit the selected contact"),
            ("advance", "Advance contact", "Move the selected contact one stage on"),
            ("archive", "Archive contact", "Take the selected contact off the board"),
            ("open", "Open contact", "Show the selected contact's details"),
            ("schedule", "Schedule meeting", "Plan the selected contact's next meeting"),
            ("pick_questions", "Pick questions", "Choose and order the next meeting's questions"),
            ("meeting", "Meeting mode", "Run the meeting: timer, questions, notes"),
            ("draft", "Draft message", "The request, thank-you or follow-up for this stage"),
        ):
            action = getattr(screen, f"action_{binding_id}", None)
            if action is not None:
                yield SystemCommand(title, help_text, action)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Toasts carry names and paths people typed: never parse them as markup."""
        shown = printable(message)
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        self.toasts.append(Notification(shown, title, severity, seconds, markup=False))
        super().notify(shown, title=title, severity=severity, timeout=timeout, markup=False)

    def action_show_network(self) -> None:
        """Show the referral tree."""
        from coffeechat.ui.screens.network import NetworkScreen

        if not isinstance(self.screen, NetworkScreen):
            self.push_screen(NetworkScreen())

    def action_question_bank(self) -> None:
        """Manage the question bank (no meeting to pick for)."""
        from coffeechat.ui.screens.questions import QuestionPicker

        self.push_screen(QuestionPicker(None))

    def action_set_my_name(self) -> None:
        """Ask for the name drafts are signed with, and store it in the settings."""
        from dataclasses import replace

        from coffeechat.ui.screens.forms import TextPrompt

        def chosen(name: str | None) -> None:
            if name is not None:
                settings = replace(self.settings, my_name=" ".join(name.split()))
                self.save(
                    lambda: self.repository.save_settings(settings),
                    f"Drafts will be signed “{settings.my_name}”."
                    if settings.my_name
                    else "Drafts will ask for your name.",
                )

        self.push_screen(
            TextPrompt("Your name", "Drafts are signed with it.", self.settings.my_name), chosen
        )

    def action_show_archive(self) -> None:
        """Show archived contacts, with restore."""
        from coffeechat.ui.screens.archive import ArchiveScreen

        self.push_screen(ArchiveScreen())


def freeze_long_lived_objects() -> None:
    """Keep the loaded contacts out of the cyclic garbage collector's full scans.

    10,000 contacts are about a million long-lived objects; every full
    collection walked them all and stalled a keystroke by 100-200 ms.
    Frozen objects are still freed normally once unreferenced.
    """
    gc.freeze()


def make_app(repository: Repository, clock: Clock) -> CoffeechatApp:
    """The one way to build the app: the CLI, Pilot tests and snapshots all use it."""
    return CoffeechatApp(repository, clock)
