"""What the board shows: each stage's cards in order, kept up to date incrementally.

Redrawing 10,000 cards from scratch after every keystroke costs ~25 ms;
most keystrokes change one contact.  ``Board.refresh`` looks at which
contacts are new objects (the repository hands out the same immutable
object until a contact changes), re-files only those, and says which stages
changed, so only their columns redraw.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from datetime import datetime

from coffeechat.domain.model import Contact
from coffeechat.domain.rules import Settings, due_items
from coffeechat.domain.search import matches_filter
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.widgets.cards import Card

SortKey = tuple[bool, datetime, str, str]


def make_card(contact: Contact, now: datetime, settings: Settings) -> Card:
    """The contact's card, with everything the Due list holds for them (snoozed items not)."""
    items = tuple(due_items([contact], now, settings))
    return Card(contact, items[0] if items else None, items)


def card_order(card: Card) -> SortKey:
    """Something due first (soonest due on top), then the longest waiting, then by name."""
    due = card.due
    moment = due.due_at if due is not None else card.contact.stage_changed_at
    return (due is None, moment, card.contact.name.casefold(), card.contact.id)


class Board:
    """Per-stage sorted cards for the contacts that pass the filter."""

    def __init__(self) -> None:
        self._cards: dict[str, Card] = {}
        self._keys: dict[str, SortKey] = {}
        self._order: dict[Stage, list[tuple[SortKey, str]]] = {stage: [] for stage in PIPELINE}
        self._filter: str | None = None  # None: nothing filed yet
        #: Every card made this minute with these settings, filtered out or not: a
        #: filter keystroke re-files the board but works out nobody's due items again.
        self._made: dict[str, Card] = {}
        self._made_for: tuple[datetime, Settings] | None = None

    def cards(self, stage: Stage) -> list[Card]:
        """The cards in one column, top to bottom."""
        return [self._cards[contact_id] for _, contact_id in self._order[stage]]

    def stage_of(self, contact_id: str) -> Stage | None:
        """The column a contact is in, or None if it is not on the board (filtered, archived)."""
        card = self._cards.get(contact_id)
        return card.contact.stage if card is not None else None

    def count(self, stage: Stage) -> int:
        """How many cards one column holds."""
        return len(self._order[stage])

    def _card(self, contact: Contact, now: datetime, settings: Settings) -> Card:
        """The contact's card: the one made this minute if the contact is the same object."""
        made = self._made.get(contact.id)
        if made is not None and made.contact is contact:
            return made
        card = self._made[contact.id] = make_card(contact, now, settings)
        return card

    def refresh(
        self, contacts: Iterable[Contact], now: datetime, settings: Settings, filter_text: str
    ) -> set[Stage]:
        """Bring the board up to date; return the stages whose cards changed."""
        made_for = (now.replace(second=0, microsecond=0), settings)
        # What is due depends on the time and the settings: when either moved on,
        # every card is looked at again (once a minute, and after a settings change).
        timely = made_for != self._made_for
        if timely:
            self._made.clear()
            self._made_for = made_for
        if filter_text != self._filter:
            return self._rebuild(contacts, now, settings, filter_text)
        changed: set[Stage] = set()
        seen: set[str] = set()
        for contact in contacts:
            if filter_text and not matches_filter(contact, filter_text):
                continue
            seen.add(contact.id)
            old = self._cards.get(contact.id)
            if old is not None and old.contact is contact and not timely:
                continue  # unchanged, and neither the clock nor the settings moved on
            card = self._card(contact, now, settings)
            if old is not None and old.contact is contact and old.items == card.items:
                continue
            if old is not None:
                self._remove(contact.id)
                changed.add(old.contact.stage)
            self._insert(card)
            changed.add(contact.stage)
        for contact_id in self._cards.keys() - seen:
            changed.add(self._cards[contact_id].contact.stage)
            self._remove(contact_id)
        return changed

    def _rebuild(
        self, contacts: Iterable[Contact], now: datetime, settings: Settings, filter_text: str
    ) -> set[Stage]:
        """File everything afresh (first draw, or a new filter): one sort per column."""
        self._filter = filter_text
        self._cards.clear()
        self._keys.clear()
        for column in self._order.values():
            column.clear()
        for contact in contacts:
            if filter_text and not matches_filter(contact, filter_text):
                continue
            card = self._card(contact, now, settings)
            key = card_order(card)
            self._cards[contact.id] = card
            self._keys[contact.id] = key
            self._order[contact.stage].append((key, contact.id))
        for column in self._order.values():
            column.sort()
        return set(PIPELINE)

    def _insert(self, card: Card) -> None:
        key = card_order(card)
        self._cards[card.contact.id] = card
        self._keys[card.contact.id] = key
        insort(self._order[card.contact.stage], (key, card.contact.id))

    def _remove(self, contact_id: str) -> None:
        card = self._cards.pop(contact_id)
        key = self._keys.pop(contact_id)
        column = self._order[card.contact.stage]
        del column[bisect_left(column, (key, contact_id))]
