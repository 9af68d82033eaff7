"""The errors an import or export raises when a whole file, or the request, can't be used."""

from __future__ import annotations

from coffeechat.domain.errors import UserError


class InterchangeError(UserError, ValueError):
    """A file that can't be imported at all; the message is one sentence naming the file.

    Problems with single rows or records are not raised: importers return them
    as ``RowError`` values and import the rest.
    """


class MappingError(UserError, ValueError):
    """A column mapping (``--map "Org=company"``) that is malformed or names no field."""
