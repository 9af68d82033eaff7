"""The coffeechat App, built by one factory for the CLI and every test."""

from __future__ import annotations

import gc
import threading
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.notifications import Notification, SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.theme import Theme
from textual.worker import WorkerFailed

from coffeechat.config import Config, check_keys
from coffeechat.crash import crash_message, write_crash_report
from coffeechat.domain.clock import Clock
from coffeechat.domain.model import Contact, Event, printable
from coffeechat.domain.rules import Settings
from coffeechat.domain.text import sentence
from coffeechat.domain.words import full_sentence
from coffeechat.paths import stylesheet
from coffeechat.storage.errors import USER_FACING_ERRORS, StorageError
from coffeechat.storage.repository import Repository
from coffeechat.ui import actions
from coffeechat.ui.changes import ChangeLog
from coffeechat.ui.commands import BindingsProvider
from coffeechat.ui.factory import MODES, SCREENS, mode_factory
from coffeechat.ui.keynames import is_key_name
from coffeechat.ui.screens.app_screen import AppScreen
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
    "settings.tcss",
)
POLL_SECONDS = 1.0
#: With the journal on, the file itself is rewritten once no change came for this long.
COMPACT_AFTER_IDLE_SECONDS = 2.0
#: The worker group of every thread that touches the database file.
STORAGE = "storage"


@dataclass(frozen=True, slots=True)
class _Failed:
    """A storage thread's answer when the change could not be saved.

    ``for_now`` when the file refused it (locked, read-only, full): trying the
    same change again later may work, unlike a move that no longer applies.
    """

    message: str
    for_now: bool


class CoffeechatApp(App[None]):
    """The board, the Due list and the contact pages over one repository."""

    TITLE = "coffeechat"
    CSS_PATH: ClassVar = [stylesheet(name) for name in STYLESHEETS]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS: ClassVar = App.COMMANDS | {BindingsProvider}

    BINDINGS: ClassVar[list[BindingType]] = [
        # Footers show only the keys that matter on their screen (the home screens
        # show p, d and q themselves); ? lists every key.
        Binding("p", "show_pipeline", "Pipeline", id="pipeline", show=False,
                tooltip="The board of stages"),
        Binding("d", "show_due", "Due", id="due", show=False,
                tooltip="What needs doing, most urgent first"),
        Binding("w", "show_network", "Network", id="network", show=False,
                tooltip="Who introduced whom, and how many introductions became meetings"),
        # Not in the footer (every change's toast says "u to undo"); ? lists it.
        Binding("u", "undo", "Undo", id="undo", show=False,
                tooltip="Take back this session's last change"),
        Binding("question_mark", "toggle_help", "Keys", id="help", key_display="?",
                tooltip="Show or hide every key for this screen"),
        Binding("q", "quit", "Quit", id="quit", show=False, tooltip="Leave coffeechat"),
        # Textual's own palette key has no id: this one can be rebound in the config file.
        Binding("ctrl+p", "command_palette", "Palette", id="palette", show=False, priority=True,
                tooltip="Every action and setting, by name"),
    ]  # fmt: skip

    def __init__(self, repository: Repository, clock: Clock, config: Config | None = None) -> None:
        super().__init__()
        self.repository = repository
        self.clock = clock
        #: The config file as read at start (keys to rebind, and what was wrong with it).
        self.config = config
        self.undo_stack = UndoStack()
        #: Published after any change to the data, ours or another process's.
        self.data_changed: Signal[None] = Signal(self, "data_changed")
        #: Which contacts each change touched (or "anything"): the board re-files only those.
        self.changes = ChangeLog()
        self._storage_broken = False
        #: The toasts shown so far (the last 100), oldest first, as shown: what tests
        #: read instead of Textual's private list, which also forgets expired toasts.
        self.toasts: deque[Notification] = deque(maxlen=100)
        # One storage thread at a time: the repository is not made for two writers
        # in one process, and a poll must not re-read the file under a save.
        self._storage_lock = threading.Lock()
        self._checking = False
        #: When this session last changed the data (time.monotonic): the journal is
        #: folded into the file once the person has paused.
        self._changed_at = 0.0
        self._compact_failed: str | None = None
        #: (a serial, the contact id) of this session's latest change or undo, set
        #: before the redraw: the board selects that contact, wherever it went.
        self.last_change: tuple[int, str | None] = (0, None)
        self._crash_report: Path | None = None
        self._crash_said: str | None = None

    def on_mount(self) -> None:
        """Open on the board, and watch the file for changes made elsewhere."""
        self._apply_config()
        for mode in MODES:  # each built (its module loaded) when first shown
            self.add_mode(mode, mode_factory(mode))
        stored = self.settings.theme
        if stored in self.available_themes:  # one chosen in an earlier session
            self.theme = stored
        self.theme_changed_signal.subscribe(self, self._keep_theme)
        self.switch_mode("pipeline")
        # After the first screen has drawn: the loaded contacts and the board's cards.
        self.call_after_refresh(freeze_long_lived_objects)
        self.set_interval(POLL_SECONDS, self.check_for_outside_changes)

    def _apply_config(self) -> None:
        """Rebind the keys the config file names; say in one toast what was wrong with it."""
        if self.config is None:
            return
        keymap, problems = check_keys(
            self.config, binding_ids(), binding_ids(priority=True), is_key=is_key_name
        )
        if keymap:
            self.set_keymap(keymap)
            problems.extend(self._clashes(keymap))
            if "palette" in keymap:  # the footer finds its palette hint by this key
                first = self._normalize_keymap(keymap)["palette"].split(",")[0]
                # This app's own, not the class's: read by the footer as self.app.<name>.
                self.COMMAND_PALETTE_BINDING = first  # type: ignore[misc]
        if problems:
            self.notify("\n".join(problems), title="Config file", severity="warning", timeout=30)

    def _clashes(self, keymap: dict[str, str]) -> list[str]:
        """A sentence for each rebound key another binding of the same screen also has.

        Textual lets one of the two win without a word; the person should know.
        """
        assert self.config is not None
        rebound = self._normalize_keymap(keymap)
        told: set[tuple[str, str]] = set()
        sentences: list[str] = []
        for bindings in _binding_sets(type(self)):
            owners: dict[str, set[str]] = {}
            for binding in bindings:
                if binding.id is None:
                    continue
                keys = rebound.get(binding.id, binding.key)
                for key in keys.split(","):
                    owners.setdefault(key.strip(), set()).add(binding.id)
            for ids in owners.values():
                for moved in sorted(ids & rebound.keys()):
                    for other in sorted(ids - {moved}):
                        pair = (moved, other) if moved < other else (other, moved)
                        if pair in told:
                            continue
                        told.add(pair)
                        line = self.config.lines.get(moved)
                        where = (
                            f"{self.config.path}, line {line}" if line else str(self.config.path)
                        )
                        sentences.append(
                            f'{where}: "{keymap[moved]}" is also the key for "{other}", '
                            "so one of them will not work; give one of them another key."
                        )
        return sentences

    def _keep_theme(self, theme: Theme) -> None:
        """Store a theme picked in the palette, so the next start opens with it."""
        if theme.name != self.settings.theme:
            self.run_flow(self._save_theme(theme.name))

    async def _save_theme(self, name: str) -> None:
        def change() -> None:
            settings = self.repository.settings()
            if settings.theme != name:  # only the theme, onto what is stored under the lock
                self.repository.save_settings(replace(settings, theme=name), base=settings)

        problem = await self.try_save(change)
        if isinstance(problem, str):
            self.notify(problem, title="Theme not saved", severity="error", timeout=8)

    # -- an unhandled error --------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Write the report before Textual stops the app (exit status 1)."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        if self._exit and isinstance(cause, NoMatches):
            # A key typed with `q` (one read: "qt") opened a screen while the app
            # was shutting down; it never got its widgets.  The user asked to
            # quit and nothing is lost: quit, not crash.
            return
        self._crash_report = write_crash_report(cause, self._crash_report)
        if self._crash_said is None:  # the first error is the one to tell
            self._crash_said = crash_message(cause, self._crash_report)
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Say where the report is, instead of Textual's traceback with every frame's locals.

        Those locals hold contacts' names and private notes, and a terminal's
        scrollback (or a pasted bug report) is no place for them.
        """
        self.bell()
        said = self._crash_said or "coffeechat stopped on an unexpected error."
        self._exit_renderables.append(Text(said))
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Print the crash lines unwrapped: the report's path must come out whole, to copy."""
        if self._crash_said is None:
            super()._print_error_renderables()
            return
        self.error_console.print(self._crash_said, markup=False, highlight=False, soft_wrap=True)
        self._exit_renderables.clear()

    # -- screens, by name ----------------------------------------------------

    def make_screen(self, name: str, *args: Any) -> Screen[Any]:
        """A screen from the factory's registry."""
        return SCREENS[name](*args)

    def show_screen(self, name: str, *args: Any) -> None:
        """Push a registered screen."""
        self.push_screen(self.make_screen(name, *args))

    def run_flow(self, flow: Coroutine[Any, Any, object]) -> None:
        """Run a flow (dialogs, then a save) in a worker, so it may wait for dialogs."""
        self.run_worker(flow, group="flow")

    # -- data ---------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The reminder settings from the database."""
        return self.repository.settings()

    def check_for_outside_changes(self) -> None:
        """Reload the screens if another process changed the file (checked in a thread)."""
        if self._checking:
            return  # the last check is still waiting for the file
        self._checking = True
        self.run_worker(self._check_in_thread, thread=True, group=STORAGE)

    def _check_in_thread(self) -> None:
        try:
            with self._storage_lock:
                changed = self.repository.refresh()
                idle = time.monotonic() - self._changed_at >= COMPACT_AFTER_IDLE_SECONDS
                if idle and self.repository.pending:
                    self._compact()
                for said in self.repository.notices():
                    self.call_from_thread(
                        self.notify, said, title="Database", severity="warning", timeout=30
                    )
        except StorageError as error:
            self.call_from_thread(self._outside_check_done, False, full_sentence(str(error)))
        else:
            self.call_from_thread(self._outside_check_done, changed, None)

    def _outside_check_done(self, changed: bool, problem: str | None) -> None:
        self._checking = False
        if problem is not None:
            self.storage_problem(problem)
            return
        self._storage_broken = False
        if changed:
            self.data_changed.publish(None)

    def storage_problem(self, problem: str) -> None:
        """Say (once, until the file reads again) that the file cannot be read."""
        if not self._storage_broken:
            self._storage_broken = True
            self.notify(problem, title="Database problem", severity="error", timeout=30)

    def _compact(self) -> None:
        """Fold the journal into the file (in the storage thread); say once if it cannot."""
        try:
            self.repository.compact()
        except StorageError as error:
            said = (
                f"{full_sentence(str(error))} Every change is kept in"
                f" {self.repository.journal_path} and is read back whenever the file is opened."
            )
            if said != self._compact_failed:
                self._compact_failed = said
                self.call_from_thread(
                    self.notify, said, title="Database problem", severity="warning", timeout=30
                )
        else:
            self._compact_failed = None

    def _in_storage_thread(
        self, change: Callable[[], T], touches: Callable[[T], Iterable[str]] | None = None
    ) -> T | _Failed:
        """Run ``change``; log the contacts it ``touches`` (unknown: anything) for the board."""
        with self._storage_lock:
            before = self.repository.version
            try:
                result = change()
            except USER_FACING_ERRORS as error:
                self.changes.note(None, before, self.repository.version)
                return _Failed(full_sentence(str(error)), for_now=isinstance(error, StorageError))
            finally:
                self._changed_at = time.monotonic()
            touched = None if touches is None else touches(result)
            self.changes.note(touched, before, self.repository.version)
            return result

    async def _attempt(
        self, change: Callable[[], T], touches: Callable[[T], Iterable[str]] | None = None
    ) -> T | _Failed:
        """Run a repository change in a thread worker, one at a time."""
        worker = self.run_worker(
            partial(self._in_storage_thread, change, touches), thread=True, group=STORAGE
        )
        return await worker.wait()

    async def try_save(
        self, change: Callable[[], T], touches: Callable[[T], Iterable[str]] | None = None
    ) -> T | str:
        """Run a repository change in a thread worker; the result, or the error sentence.

        The screen keeps drawing and taking keys meanwhile, even while another
        process holds the file's lock.  ``touches`` names the contacts the
        change touched, from its result; without it any contact may have changed.
        """
        outcome = await self._attempt(change, touches)
        if isinstance(outcome, _Failed):
            # The change read the file first: if another process had changed it (the
            # usual reason a change fails), the poll will see no news; redraw now.
            self.data_changed.publish(None)
            return outcome.message
        return outcome

    async def save(self, change: Callable[[], T], success: str | None = None) -> T | None:
        """Run a repository change; show a toast either way, return None on failure.

        A failed change is never reported as saved: the error says what went
        wrong and that nothing was changed.
        """
        result = await self.try_save(change)
        if isinstance(result, str):
            self.notify(result, title="Not saved", severity="error", timeout=8)
            return None
        if success:
            self.notify(success, timeout=4)
        self.data_changed.publish(None)
        return result

    async def apply_change(
        self,
        change: Callable[[], tuple[Contact, Event | None]],
        describe: Callable[[Contact, Event], tuple[str, str]],
    ) -> Contact | None:
        """Save a change to one contact; remember it for `u` and say what happened.

        ``describe`` gives (what undo will call it, the toast) for the saved
        contact and event.  Returns the contact, or None if nothing was saved.
        """
        result = await self.try_save(change, lambda saved: (saved[0].id,))
        if isinstance(result, str):
            self.notify(result, title="Not saved", severity="error", timeout=8)
            return None
        contact, event = result
        self.record(contact, event, describe(contact, event) if event is not None else None)
        return contact

    def record(
        self,
        contact: Contact,
        event: Event | None,
        said: tuple[str, str] | None,
    ) -> None:
        """After a saved change: remember it for `u`, show its toast, redraw."""
        if event is None or said is None:
            self.notify("No changes to save.", timeout=3)
            self.data_changed.publish(None)
            return
        undo_description, toast = said
        self.undo_stack.push(UndoEntry.single(contact.id, event.id, undo_description))
        self.changed(contact.id)
        # Redraw, then say so: a status line repainted first set the next frame
        # going with only itself in it, and the moved card waited a frame more
        # (advance, key to frame at 10k: 36 -> 15 ms).
        self.data_changed.publish(None)
        self.confirm(toast)

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
        self.run_flow(self._undo(entry))

    async def _undo(self, entry: UndoEntry) -> None:
        result = await self._attempt(lambda: self.repository.undo_all(entry.steps, self.clock()))
        if isinstance(result, _Failed) and result.for_now:
            self.undo_stack.push(entry)  # the file refused it for now: u tries again
            self.notify(f"{result.message}  Nothing was undone; u tries again.",
                        title="Not saved", severity="error", timeout=8)  # fmt: skip
        elif isinstance(result, _Failed):  # changed since: trying again would not help
            self.notify(result.message, title="Not saved", severity="error", timeout=8)
        else:
            contacts = {step[0] for step in entry.steps}
            if len(contacts) == 1:  # an import or a meeting's referrals: stay put
                self.changed(contacts.pop())
            self.data_changed.publish(None)
            self.confirm(f"Undid: {entry.description}.")

    def confirm(self, message: str) -> None:
        """Say a change was made: on the screen's status line if it has one, else in a toast.

        A toast is a widget mounted over the screen (two full-screen layouts
        to show it and two to take it away); the board's status line is one
        line redrawn in place.  Errors and warnings stay toasts.
        """
        screen = next((s for s in reversed(self.screen_stack) if not s.is_modal), None)
        if isinstance(screen, AppScreen) and screen.show_status(printable(message)):
            return
        self.notify(message, timeout=4)

    def changed(self, contact_id: str) -> None:
        """Say which contact the change about to be drawn was about (see ``last_change``)."""
        self.last_change = (self.last_change[0] + 1, contact_id)

    def action_toggle_help(self) -> None:
        """Show (or close) every key of this screen, full screen: its own keys first."""
        if type(self.screen) is SCREENS["help"]:
            self.pop_screen()
        else:
            self.show_screen("help", self.screen)

    def action_show_help_panel(self) -> None:
        """Every key, on the help screen (not Textual's side panel, half of 80 columns)."""
        if type(self.screen) is not SCREENS["help"]:
            self.show_screen("help", self.screen)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Palette entries that are no key: imports, exports, settings, the archive.

        Every key of the screen is in the palette too, from ``BindingsProvider``.
        """
        # Not Textual's "Keys" (its side panel): `?`, from BindingsProvider, is ours.
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
        yield SystemCommand("Archived contacts", "Show and restore archived contacts",
                            self.action_show_archive)  # fmt: skip
        yield SystemCommand("Question bank", "Add, edit, tag and hide your questions",
                            self.action_question_bank)  # fmt: skip
        yield SystemCommand("Settings", "Your name, when reminders are due, the theme",
                            self.action_settings)  # fmt: skip
        yield SystemCommand("Your name", "The name your message drafts are signed with",
                            self.action_set_my_name)  # fmt: skip
        from coffeechat.ui import transfer_actions  # the file formats: loaded when asked for

        for kind, (title, what) in transfer_actions.IMPORTS.items():
            yield SystemCommand(title, sentence(what),
                                partial(transfer_actions.start_import, self, kind))  # fmt: skip
        for kind, (title, what) in transfer_actions.EXPORTS.items():
            yield SystemCommand(title, sentence(what),
                                partial(transfer_actions.start_export, self, kind))  # fmt: skip

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
        if type(self.screen) is not SCREENS["network"]:
            self.show_screen("network")

    def action_question_bank(self) -> None:
        """Manage the question bank (no meeting to pick for)."""
        self.show_screen("questions", None)

    def action_set_my_name(self) -> None:
        """Ask for the name drafts are signed with, and store it in the settings."""
        self.run_flow(actions.set_my_name(self))

    def action_settings(self) -> None:
        """Change your name, the reminder limits and the theme."""
        themes = sorted(self.available_themes)
        self.run_flow(actions.edit_settings(self, themes, self.theme, self._apply_theme))

    def _apply_theme(self, name: str) -> None:
        if name in self.available_themes:
            self.theme = name

    def action_show_archive(self) -> None:
        """Show archived contacts, with restore."""
        self.show_screen("archive")


def freeze_long_lived_objects() -> None:
    """Keep the loaded contacts out of the cyclic garbage collector's full scans.

    10,000 contacts are about a million long-lived objects; every full
    collection walked them all and stalled a keystroke by 100-200 ms.
    Run once, after the first load: frozen objects are never collected by
    the cycle collector, so freezing again after every outside change kept
    every screen alive at that moment (popped screens) forever.

    The CLI pauses the collector while it loads the file and starts the app
    (nothing made then is garbage); it collects again from here on.
    """
    gc.freeze()
    gc.enable()


def _our_classes() -> list[type[DOMNode]]:
    """Every screen, dialog and widget class coffeechat defines (the app's too)."""
    classes: list[type[DOMNode]] = [DOMNode]
    seen: set[type[DOMNode]] = set()
    while classes:
        for subclass in classes.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                classes.append(subclass)
    return sorted(
        (cls for cls in seen if cls.__module__.startswith("coffeechat.")),
        key=lambda cls: cls.__qualname__,
    )


def _binding_sets(app: type[DOMNode]) -> list[list[Binding]]:
    """The bindings that act together: a class's own and inherited (a screen's, the app's too)."""
    app_bindings = [binding for _, binding in app._merge_bindings()]
    sets = []
    for cls in _our_classes():
        own = [binding for _, binding in cls._merge_bindings()]
        if issubclass(cls, Screen) and not issubclass(cls, ModalScreen):
            own += app_bindings
        sets.append(own)
    return sets


def binding_ids(*, priority: bool = False) -> set[str]:
    """The id of every key binding coffeechat declares: what [keys] in the config may name.

    ``priority``: only those whose key acts even while a field has the focus.
    """
    return {
        binding.id
        for cls in _our_classes()
        for binding in cls.__dict__.get("BINDINGS", ())
        if isinstance(binding, Binding) and binding.id and (binding.priority or not priority)
    }


def make_app(repository: Repository, clock: Clock, config: Config | None = None) -> CoffeechatApp:
    """The one way to build the app: the CLI, Pilot tests and snapshots all use it.

    ``config``: the config file as read (keys to rebind); None leaves every key as built.
    """
    return CoffeechatApp(repository, clock, config)
