"""The baselines: an empty Textual app (Header + DataTable + Footer).

No data, no file read: the least any Textual app of this shape pays to put
its first screen up.  ``run.py`` starts it on the same pty as coffeechat and
waits for its title and footer to be on the screen.  Each ``a`` then counts
up in the header: the least a Textual app pays from a key to the frame that
shows what it did (reading the key, 60 frames a second, writing the frame).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header

TITLE = "bare Textual baseline"
FOOTER_WORD = "Quit"
PRESSED = "pressed"


class BareApp(App[None]):
    """Header + an empty DataTable + Footer."""

    TITLE = TITLE
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", FOOTER_WORD),
        Binding("a", "count", "Count"),
    ]
    presses = 0

    def compose(self) -> ComposeResult:
        """The three widgets, nothing in them."""
        yield Header()
        yield DataTable()
        yield Footer()

    def action_count(self) -> None:
        """Say in the header how many times ``a`` was pressed."""
        self.presses += 1
        self.sub_title = f"{PRESSED} {self.presses}"


if __name__ == "__main__":
    BareApp().run()
