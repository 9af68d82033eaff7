"""What screens and flows may ask of the app: a small typed interface, not the App class.

Screens, dialogs and the action flows depend on this Protocol only, so none
of them imports ``coffeechat.ui.app`` (which imports them).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal

from coffeechat.domain.clock import Clock
from coffeechat.domain.model import Contact, Event
from coffeechat.domain.rules import Settings
from coffeechat.storage.repository import Repository
from coffeechat.ui.changes import ChangeLog
from coffeechat.ui.undo import UndoStack

T = TypeVar("T")

#: The words every undoable change's toast ends with; `u` takes it back.
UNDO_HINT = "  (u to undo)"


class Host(Protocol):
    """The coffeechat app as the screens see it."""

    repository: Repository
    clock: Clock
    undo_stack: UndoStack
    data_changed: Signal[None]
    #: Which contacts each change touched, or "anything" (see ``coffeechat.ui.changes``).
    changes: ChangeLog
    #: (a serial, the contact id) of the session's latest change or undo.
    last_change: tuple[int, str | None]

    def changed(self, contact_id: str) -> None:
        """Say which contact the change about to be drawn was about (the board selects it)."""

    def storage_problem(self, problem: str) -> None:
        """Say (once, until the file reads again) that the file cannot be read."""

    @property
    def settings(self) -> Settings:
        """The reminder settings from the database."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast."""
        ...

    async def save(self, change: Callable[[], T], success: str | None = None) -> T | None:
        """Run a repository change in a thread worker; None (and a toast) if it failed."""
        ...

    async def try_save(self, change: Callable[[], T]) -> T | str:
        """Run a repository change in a thread worker; the result, or the error sentence."""
        ...

    async def apply_change(
        self,
        change: Callable[[], tuple[Contact, Event | None]],
        describe: Callable[[Contact, Event], tuple[str, str]],
    ) -> Contact | None:
        """Save a change to one contact, remember it for `u`, say what happened."""
        ...

    def record(self, contact: Contact, event: Event | None, said: tuple[str, str] | None) -> None:
        """After a saved change: remember it for `u` and show its toast."""
        ...

    async def push_screen_wait(self, screen: Screen[T]) -> T:
        """Show a screen (a dialog) and wait for its result; only from a worker."""
        ...

    def run_flow(self, flow: Coroutine[Any, Any, object]) -> None:
        """Run a flow (dialogs, then a save) in a worker, so it may wait for dialogs."""
        ...

    def make_screen(self, name: str, *args: Any) -> Screen[Any]:
        """A screen from the factory's registry, by name ("contact", "draft"…)."""
        ...

    def show_screen(self, name: str, *args: Any) -> None:
        """Push a registered screen."""
        ...

    def action_undo(self) -> None:
        """Take back the latest change made in this session (`u`)."""
        ...


def undoable(sentence: str) -> str:
    """A toast for a change `u` can take back."""
    return sentence + UNDO_HINT
