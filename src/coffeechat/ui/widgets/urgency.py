"""How a due item's urgency is drawn: with colour, and without it (NO_COLOR)."""

from __future__ import annotations

from coffeechat.domain.rules import Urgency
from coffeechat.ui.widgets.cards import URGENCY_STYLES

#: Without colour, urgency is carried by the word and its weight alone: Textual
#: turns colours into greys, and red on the dark background goes unreadable.
MONOCHROME_STYLES = {Urgency.LATE: "bold reverse", Urgency.OVERDUE: "bold", Urgency.DUE: ""}


def urgency_style(urgency: Urgency, *, no_color: bool) -> str:
    """The Rich style for an item this pressing."""
    return (MONOCHROME_STYLES if no_color else URGENCY_STYLES)[urgency]


def emphasis(colour: str, *, no_color: bool) -> str:
    """A coloured emphasis ("bold magenta") that stays readable without colour ("bold")."""
    if not no_color:
        return colour
    kept = [word for word in colour.split() if word in {"bold", "italic", "reverse", "underline"}]
    return " ".join(kept) or "bold"
