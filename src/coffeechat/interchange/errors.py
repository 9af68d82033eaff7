"""The one error an import raises when a whole file can't be used."""

from __future__ import annotations


class InterchangeError(ValueError):
    """A file that can't be imported at all; the message is one sentence naming the file.

    Problems with single rows or records are not raised: importers return them
    as ``RowError`` values and import the rest.
    """
