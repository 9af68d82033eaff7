"""The base of every full screen: the app as a typed ``Host``, and its clock."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar, cast

from textual import events, on
from textual.binding import ActiveBinding
from textual.screen import Screen

from coffeechat.domain.words import full_sentence
from coffeechat.storage.errors import StorageError
from coffeechat.ui.host import Host

ResultT = TypeVar("ResultT")

#: From this many columns on, the footer also shows these keys (at 80 they are only in `?`).
WIDE = 120
WIDE_FOOTER_KEYS = frozenset(
    {"edit", "follow_up", "draft", "network", "undo", "notes", "leave", "edit_external",
     "edit_question", "hide_question"}
)  # fmt: skip


class AppScreen(Screen[ResultT]):
    """A coffeechat screen: reaches the repository and the clock through ``Host``."""

    @property
    def coffeechat(self) -> Host:
        """The app, as the small interface screens may use."""
        return cast(Host, self.app)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys that act here; in a wide terminal the footer shows a few more of them."""
        bindings = super().active_bindings
        if self.size.width < WIDE:
            return bindings
        return {
            key: active._replace(binding=replace(active.binding, show=True))
            if active.binding.id in WIDE_FOOTER_KEYS
            else active
            for key, active in bindings.items()
        }

    @on(events.Resize)
    def _footer_for_the_width(self) -> None:
        """A new width may leave room for more keys in the footer, or less."""
        self.refresh_bindings()

    def now(self) -> datetime:
        """The app clock's time (frozen in tests and with COFFEECHAT_NOW)."""
        return self.coffeechat.clock()

    def show_status(self, message: str) -> bool:
        """Show a routine confirmation on the screen's own status line; False if it has none."""
        return False

    def redraw_on_change(self, redraw: Callable[[], object]) -> None:
        """Call ``redraw`` after every change to the data, while this screen is mounted."""
        self.coffeechat.data_changed.subscribe(self, lambda _: self.guarded(redraw))

    def guarded(self, redraw: Callable[[], object]) -> None:
        """Run ``redraw``; a file that no longer reads is said in a toast, not a crash.

        Another process (a sync, a hand edit) may leave the file or its journal
        unreadable at any moment: the screen keeps what it showed, nothing is
        written, and the app says what is wrong with which file.
        """
        try:
            redraw()
        except StorageError as error:
            self.coffeechat.storage_problem(full_sentence(str(error)))

    def on_unmount(self) -> None:
        """Stop listening at once: the signal would hold a popped screen until its next change."""
        self.coffeechat.data_changed.unsubscribe(self)

    def run_flow(self, flow: Coroutine[Any, Any, object]) -> None:
        """Run a flow from ``coffeechat.ui.actions`` in a worker of this screen."""
        self.run_worker(flow, group="flow")
