"""The base of every full screen: the app as a typed ``Host``, and its clock."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar, cast

from textual.screen import Screen

from coffeechat.ui.host import Host

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A coffeechat screen: reaches the repository and the clock through ``Host``."""

    @property
    def coffeechat(self) -> Host:
        """The app, as the small interface screens may use."""
        return cast(Host, self.app)

    def now(self) -> datetime:
        """The app clock's time (frozen in tests and with COFFEECHAT_NOW)."""
        return self.coffeechat.clock()

    def redraw_on_change(self, redraw: Callable[[], object]) -> None:
        """Call ``redraw`` after every change to the data, while this screen is mounted."""
        self.coffeechat.data_changed.subscribe(self, lambda _: redraw())

    def on_unmount(self) -> None:
        """Stop listening at once: the signal would hold a popped screen until its next change."""
        self.coffeechat.data_changed.unsubscribe(self)

    def run_flow(self, flow: Coroutine[Any, Any, object]) -> None:
        """Run a flow from ``coffeechat.ui.actions`` in a worker of this screen."""
        self.run_worker(flow, group="flow")
