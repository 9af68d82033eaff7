"""`?`: every key of the screen underneath, full screen, its own keys first.

Not Textual's side panel, which took half of an 80-column terminal and
listed scrolling and text-editing keys among the app's.  Read from the
screen's active bindings, so a key rebound in the config file shows as
rebound, and a key that does nothing there (disabled, or typed into the
focused field) is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, Static

#: The section titles, in the order they are shown.
THIS_SCREEN = "On this screen"
EVERYWHERE = "Everywhere"
MOVING = "Moving around and typing"


@dataclass(frozen=True, slots=True)
class KeyRow:
    """One action and the keys that do it."""

    keys: str
    what: str
    why: str
    enabled: bool


def key_sections(screen: Screen[Any]) -> list[tuple[str, list[KeyRow]]]:
    """The keys that act on ``screen`` now: its own, the app's, then the focused widget's.

    Keys bound to one action in one place are one row ("← h").
    """
    groups: dict[str, dict[tuple[int, str], KeyRow]] = {THIS_SCREEN: {}, EVERYWHERE: {}, MOVING: {}}
    app = screen.app
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        if _from_textual(active.node, binding):
            section = MOVING  # tab, copy, scrolling, editing: every screen has them
        elif active.node is screen:
            section = THIS_SCREEN
        elif active.node is app:
            section = EVERYWHERE
        else:
            section = MOVING
        rows = groups[section]
        identity = (id(active.node), binding.action)
        key = app.get_key_display(binding)
        if identity in rows:
            row = rows[identity]
            rows[identity] = KeyRow(f"{row.keys} {key}", row.what, row.why, row.enabled)
        else:
            why = active.tooltip or binding.tooltip
            rows[identity] = KeyRow(key, binding.description, why, active.enabled)
    return [(title, list(rows.values())) for title, rows in groups.items() if rows]


def _from_textual(node: object, binding: Binding) -> bool:
    """Whether Textual itself (not coffeechat) declared this binding on ``node``'s class."""
    for cls in type(node).__mro__:
        for declared in cls.__dict__.get("BINDINGS", ()):
            if (
                isinstance(declared, Binding)
                and declared.action == binding.action
                and declared.description == binding.description
            ):
                return cls.__module__.startswith("textual.")
    return False


def keys_table(sections: list[tuple[str, list[KeyRow]]]) -> Group:
    """The sections as titled tables: key, what it does, and a longer why."""
    parts: list[Table | Text] = []
    for title, rows in sections:
        parts.append(Text(title, style="bold underline"))
        table = Table.grid(padding=(0, 2), pad_edge=False)
        table.add_column(no_wrap=True, style="bold")
        table.add_column(no_wrap=True)
        table.add_column(ratio=1, style="dim")
        for row in rows:
            dimmed = "" if row.enabled else " (not here now)"
            # Text, not markup: a tooltip may say "[bracketed]".
            table.add_row(Text(row.keys), Text(row.what), Text(row.why + dimmed))
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts[:-1])


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath; ? or escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close_help", tooltip="Back to the screen"),
        # The same id as the app's `?`: a rebound help key closes this too.
        Binding("question_mark", "close", "Close", id="help", key_display="?", show=False),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.sections = key_sections(under)
        self.under_title = under.sub_title

    def compose(self) -> ComposeResult:
        """A title, the keys (scrolling), the footer."""
        with Vertical(id="help"):
            title = "Keys" + (f" · {self.under_title}" if self.under_title else "")
            yield Label(title, id="help-title", markup=False)
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table(self.sections), id="help-list")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """The list has the focus: the arrow keys and page keys scroll it."""
        self.query_one("#help-keys").focus()

    def action_close(self) -> None:
        """Back to the screen underneath."""
        self.dismiss(None)
