"""What the board shows: each stage's cards in order, kept up to date incrementally.

At 10,000 contacts, walking every contact after a keystroke costs more
than the frame it should fit in, and most keystrokes change one contact.
So the board keeps every card filed in sorted columns and changes in place:

* ``update`` re-files only the contacts a change touched (the app's change
  log says which); ``refresh`` walks everyone, and is for the first draw,
  for changes nobody could name (another process wrote the file) and for
  the minute on (what is due depends on the time) or new settings.
* ``set_filter`` scans the sorted columns once, keeping the matches in
  order: nothing is sorted again and no card is made again.  Typing on at
  the end of a filter only looks at what matched before.

Each call says which stages' cards changed, so only those columns redraw.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from coffeechat.domain.model import Contact
from coffeechat.domain.rules import Settings, due_items
from coffeechat.domain.search import Haystacks, filter_words, narrows
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.widgets.cards import Card

SortKey = tuple[bool, datetime, str, str]

#: More changed cards than this in one refresh: sort every column afresh instead of
#: inserting them one by one (each insert shifts the rest of its column along).
RESORT_FROM = 64


def make_card(contact: Contact, now: datetime, settings: Settings) -> Card:
    """The contact's card, with everything the Due list holds for them (snoozed items not)."""
    items = tuple(due_items([contact], now, settings))
    return Card(contact, items[0] if items else None, items)


def card_order(card: Card) -> SortKey:
    """Something due first (soonest due on top), then the longest waiting, then by name."""
    due = card.due
    moment = due.due_at if due is not None else card.contact.stage_changed_at
    return (due is None, moment, card.contact.name.casefold(), card.contact.id)


class Column:
    """One stage's cards in board order, with their sort keys and filter texts alongside."""

    __slots__ = ("cards", "hays", "keys")

    def __init__(
        self,
        keys: list[SortKey] | None = None,
        cards: list[Card] | None = None,
        hays: list[str] | None = None,
    ) -> None:
        self.keys: list[SortKey] = keys if keys is not None else []
        self.cards: list[Card] = cards if cards is not None else []
        self.hays: list[str] = hays if hays is not None else []

    def __len__(self) -> int:
        return len(self.keys)

    def index(self, key: SortKey) -> int | None:
        """Where the card with this key is, or None if it is not in this column."""
        at = bisect_left(self.keys, key)
        return at if at < len(self.keys) and self.keys[at] == key else None

    def insert(self, key: SortKey, card: Card, hay: str) -> None:
        """File a card in its place."""
        at = bisect_left(self.keys, key)
        self.keys.insert(at, key)
        self.cards.insert(at, card)
        self.hays.insert(at, hay)

    def remove(self, key: SortKey) -> bool:
        """Take the card with this key out; False if it was not here."""
        at = self.index(key)
        if at is None:
            return False
        del self.keys[at], self.cards[at], self.hays[at]
        return True

    def matching(self, words: Sequence[str]) -> Column:
        """A new column of the cards whose filter text holds every one of ``words``, in order."""
        hays = self.hays
        hits: Sequence[int] = range(len(hays))
        for word in words:  # one cheap pass per word, each over what is left
            hits = [i for i in hits if word in hays[i]]
        keys, cards = self.keys, self.cards
        return Column([keys[i] for i in hits], [cards[i] for i in hits], [hays[i] for i in hits])


class Board:
    """Per-stage sorted cards for every contact on the board, and those that pass the filter."""

    def __init__(self) -> None:
        self._cards: dict[str, Card] = {}  # every contact on the board, filtered out or not
        self._keys: dict[str, SortKey] = {}
        self._all: dict[Stage, Column] = {stage: Column() for stage in PIPELINE}
        #: The columns shown: ``_all`` itself when there is no filter.
        self._shown: dict[Stage, Column] = self._all
        self._words: tuple[str, ...] = ()
        self._hay = Haystacks()
        #: The minute and settings the cards were made for (None: nothing filed yet).
        self._made_for: tuple[datetime, Settings] | None = None

    # -- reading -------------------------------------------------------------

    @property
    def total(self) -> int:
        """How many contacts are on the board, filter or not."""
        return len(self._cards)

    def cards(self, stage: Stage) -> Sequence[Card]:
        """The cards shown in one column, top to bottom.

        The board's own list, changed in place by later calls: read it, do not keep a copy
        of its length or change it.
        """
        return self._shown[stage].cards

    def count(self, stage: Stage) -> int:
        """How many cards one column shows."""
        return len(self._shown[stage])

    def stage_of(self, contact_id: str) -> Stage | None:
        """The column a contact is shown in, or None (filtered out, archived, not there)."""
        return self._place(contact_id)[0]

    def index_of(self, contact_id: str) -> int | None:
        """Where a contact's card is in its column (None when it is not shown)."""
        return self._place(contact_id)[1]

    def index_in(self, stage: Stage, contact_id: str) -> int | None:
        """Where a contact's card is in this stage's column (None when it is not there)."""
        found, at = self._place(contact_id)
        return at if found is stage else None

    def _place(self, contact_id: str) -> tuple[Stage | None, int | None]:
        card = self._cards.get(contact_id)
        if card is None:
            return None, None
        stage = card.contact.stage
        at = self._shown[stage].index(self._keys[contact_id])
        return (stage, at) if at is not None else (None, None)

    def is_stale(self, now: datetime, settings: Settings) -> bool:
        """True when the cards need making again: first draw, a minute on, new settings.

        What is due depends on the time and the settings; then ``refresh`` must
        look at everyone (``update`` would leave the others' badges behind).
        """
        return self._made_for != (now.replace(second=0, microsecond=0), settings)

    # -- changing ------------------------------------------------------------

    def refresh(
        self, contacts: Iterable[Contact], now: datetime, settings: Settings, filter_text: str
    ) -> set[Stage]:
        """Bring the board up to date with every contact on it; the stages whose cards changed.

        A contact that is the same object as last time keeps its card, unless
        the minute or the settings moved on (then every card is made again).
        """
        made_for = (now.replace(second=0, microsecond=0), settings)
        timely = made_for != self._made_for
        self._made_for = made_for
        fresh: dict[str, Card] = {}
        news: list[tuple[Card | None, Card]] = []
        cards = self._cards
        for contact in contacts:
            old = cards.get(contact.id)
            if old is not None and old.contact is contact:
                if not timely:
                    fresh[contact.id] = old
                    continue
                card = make_card(contact, now, settings)
                if card.items == old.items:
                    fresh[contact.id] = old  # nothing due moved on: the same card will do
                    continue
            else:
                card = make_card(contact, now, settings)
            fresh[contact.id] = card
            news.append((old, card))
        gone = [cards[contact_id] for contact_id in cards.keys() - fresh.keys()]
        if len(news) + len(gone) > RESORT_FROM or not cards:
            changed = self._refile_all(fresh)
        else:
            changed = set()
            for card in gone:
                changed |= self._unfile(card.contact.id)
                self._hay.forget(card.contact.id)
            for old, card in news:
                changed |= self._file(card, old)
        return changed | self.set_filter(filter_text)

    def update(
        self,
        changes: Mapping[str, Contact | None],
        now: datetime,
        settings: Settings,
        filter_text: str,
    ) -> set[Stage]:
        """Re-file only these contacts (None: no longer on the board); the stages that changed.

        Only when the cards are not stale (``is_stale``): the others are left as they are.
        """
        assert not self.is_stale(now, settings), "update() on stale cards: refresh() them"
        changed: set[Stage] = set()
        for contact_id, contact in changes.items():
            old = self._cards.get(contact_id)
            if contact is None:
                if old is not None:
                    changed |= self._unfile(contact_id)
                    self._hay.forget(contact_id)
                continue
            if old is not None and old.contact is contact:
                continue
            changed |= self._file(make_card(contact, now, settings), old)
        return changed | self.set_filter(filter_text)

    def set_filter(self, text: str) -> set[Stage]:
        """Show only the cards matching ``text`` (every word, anywhere in name, company, role).

        Returns every stage when the filter changed, else none.
        """
        words = filter_words(text)
        if words == self._words:
            return set()
        if not words:
            self._shown = self._all
        else:
            narrower = bool(self._words) and narrows(self._words, words)
            source = self._shown if narrower else self._all
            self._shown = {stage: source[stage].matching(words) for stage in PIPELINE}
        self._words = words
        return set(PIPELINE)

    # -- filing ----------------------------------------------------------------

    def _file(self, card: Card, old: Card | None) -> set[Stage]:
        """Put a new card in its place (instead of ``old``, the contact's card till now)."""
        contact = card.contact
        changed = self._unfile(contact.id) if old is not None else set()
        key = card_order(card)
        hay = self._hay(contact)
        self._cards[contact.id] = card
        self._keys[contact.id] = key
        self._all[contact.stage].insert(key, card, hay)
        shown = self._shown
        if shown is self._all:
            changed.add(contact.stage)
        elif all(word in hay for word in self._words):
            shown[contact.stage].insert(key, card, hay)
            changed.add(contact.stage)
        return changed

    def _unfile(self, contact_id: str) -> set[Stage]:
        """Take a contact's card off the board; the stage it was shown in, if it was."""
        card = self._cards.pop(contact_id)
        key = self._keys.pop(contact_id)
        stage = card.contact.stage
        self._all[stage].remove(key)
        if self._shown is not self._all and not self._shown[stage].remove(key):
            return set()  # it was filtered out: nothing shown changed
        return {stage}

    def _refile_all(self, cards: Mapping[str, Card]) -> set[Stage]:
        """File every card afresh with one sort per column (the first draw, or many changes).

        The columns' lists are refilled in place (the card columns hold them) and every
        stage counts as changed.
        """
        self._cards = dict(cards)
        self._keys = {contact_id: card_order(card) for contact_id, card in cards.items()}
        filed: dict[Stage, list[tuple[SortKey, Card]]] = {stage: [] for stage in PIPELINE}
        for contact_id, card in self._cards.items():
            filed[card.contact.stage].append((self._keys[contact_id], card))
        for stage, pairs in filed.items():
            pairs.sort(key=lambda pair: pair[0])
            column = self._all[stage]
            column.keys[:] = [key for key, _ in pairs]
            column.cards[:] = [card for _, card in pairs]
            column.hays[:] = [self._hay(card.contact) for _, card in pairs]
        # The filter is applied to the new columns from scratch.
        words, self._words, self._shown = self._words, (), self._all
        if words:
            self.set_filter(" ".join(words))
        return set(PIPELINE)
