"""The base of every full screen: the app, typed, and its clock."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from textual.screen import Screen

if TYPE_CHECKING:
    from coffeechat.ui.app import CoffeechatApp

ResultT = TypeVar("ResultT")


class AppScreen(Screen[ResultT]):
    """A coffeechat screen: reaches the repository and the clock through the app."""

    @property
    def coffeechat(self) -> CoffeechatApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def now(self) -> datetime:
        """The app clock's time (frozen in tests and with COFFEECHAT_NOW)."""
        return self.coffeechat.clock()
