"""Lists that move with j and k, like every other list in the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList


class VimOptionList(OptionList):
    """OptionList with j/k as down/up."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class QuestionList(VimOptionList):
    """A meeting's questions; j/k move, enter marks asked and opens the answer."""


class ItemList(VimOptionList):
    """A short list (takeaways, promises, referrals); delete asks to remove the highlighted item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "remove", "Remove", id="remove",
                tooltip="Remove the highlighted item"),
    ]  # fmt: skip

    @dataclass
    class RemoveRequested(Message):
        """The person asked to drop the item at ``index`` of the list ``list_id``."""

        list_id: str
        index: int

    def action_remove(self) -> None:
        """Ask whoever shows the list to drop the highlighted item."""
        if self.highlighted is not None:
            self.post_message(self.RemoveRequested(self.id or "", self.highlighted))
