"""The session's undo stack: which events to take back, and how to say so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One change this session made.

    Most changes append one event to one contact; finishing a meeting or an
    import appends several and adds people.  ``steps`` lists (contact id,
    event id[, the event that must still be its latest]) in the order to take
    them back; taking one back appends an undo event to that contact's history.
    """

    steps: tuple[tuple[str, ...], ...]
    description: str  # e.g. "advanced Ada Lovelace to Met"

    @classmethod
    def single(cls, contact_id: str, event_id: str, description: str) -> UndoEntry:
        """The common case: one event on one contact."""
        return cls(((contact_id, event_id),), description)


class UndoStack:
    """Last in, first out; bounded so a long session does not grow forever."""

    def __init__(self, limit: int = 200) -> None:
        self._entries: list[UndoEntry] = []
        self._limit = limit

    def push(self, entry: UndoEntry) -> None:
        """Remember a change."""
        self._entries.append(entry)
        del self._entries[: -self._limit]

    def latest(self) -> UndoEntry | None:
        """The latest change, left on the stack; None when empty."""
        return self._entries[-1] if self._entries else None

    def pop(self) -> UndoEntry | None:
        """The latest change, removed from the stack; None when empty."""
        return self._entries.pop() if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)
