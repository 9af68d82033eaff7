"""The first-paint baseline: an empty Textual app (Header + DataTable + Footer).

No data, no file read: the least any Textual app of this shape pays to put
its first screen up.  ``run.py`` starts it on the same pty as coffeechat and
waits for its title and footer to be on the screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header

TITLE = "bare Textual baseline"
FOOTER_WORD = "Quit"


class BareApp(App[None]):
    """Header + an empty DataTable + Footer."""

    TITLE = TITLE
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", FOOTER_WORD)]

    def compose(self) -> ComposeResult:
        """The three widgets, nothing in them."""
        yield Header()
        yield DataTable()
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
