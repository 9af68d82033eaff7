"""Pipeline cards: one OptionList per stage, one option per contact.

An OptionList draws only the visible lines, so a column of 10,000 contacts
costs what a screenful does; there is never a widget per contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coffeechat.domain.humanize import badge
from coffeechat.domain.model import Contact
from coffeechat.domain.rules import DueItem, Urgency

URGENCY_STYLES = {
    Urgency.LATE: "bold white on red",
    Urgency.OVERDUE: "bold red",
    Urgency.DUE: "yellow",
}


def card_prompt(contact: Contact, now: datetime, due: DueItem | None) -> Text:
    """Name; company and days in stage; a badge when something is due."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(contact.name, style="bold")
    days = contact.days_in_stage(now)
    details = [f"{days}d", contact.company]
    text.append("\n" + " · ".join(part for part in details if part), style="dim")
    if due is not None:
        text.append("\n")
        text.append(f" {badge(due, now)} ", style=URGENCY_STYLES[due.urgency])
    return text


class CardList(OptionList):
    """A column's cards, keyed by contact id so the cursor survives a refresh."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="card-down"),
        Binding("k", "cursor_up", "Up", show=False, id="card-up"),
    ]

    def show_cards(self, cards: Sequence[tuple[str, Text]]) -> None:
        """Show these (contact id, prompt) cards, keeping the highlighted contact."""
        current = self.highlighted_option.id if self.highlighted_option else None
        old_index = self.highlighted
        old_ids = [option.id for option in self.options]
        new_ids = [contact_id for contact_id, _ in cards]
        if old_ids == new_ids:
            for contact_id, prompt in cards:
                self.replace_option_prompt(contact_id, prompt)
            return
        self.set_options(Option(prompt, id=contact_id) for contact_id, prompt in cards)
        if not cards:
            return
        if current in new_ids:
            self.highlighted = new_ids.index(current)
        else:
            self.highlighted = min(old_index or 0, len(cards) - 1)

    @property
    def selected_id(self) -> str | None:
        """The highlighted contact's id."""
        option = self.highlighted_option
        return option.id if option else None
