"""The session's undo stack: which event to take back, and how to say so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One change this session made: the event it appended to one contact."""

    contact_id: str
    event_id: str
    description: str  # e.g. "advanced Ada Lovelace to Met"


class UndoStack:
    """Last in, first out; bounded so a long session does not grow forever."""

    def __init__(self, limit: int = 200) -> None:
        self._entries: list[UndoEntry] = []
        self._limit = limit

    def push(self, entry: UndoEntry) -> None:
        """Remember a change."""
        self._entries.append(entry)
        del self._entries[: -self._limit]

    def pop(self) -> UndoEntry | None:
        """The latest change, removed from the stack; None when empty."""
        return self._entries.pop() if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)
