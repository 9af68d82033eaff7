"""Text as it is drawn: what a synced or hand-edited file must not smuggle onto the screen."""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """``text`` without control characters other than whitespace.

    Typed text is cleaned on the way in; this guards what is *drawn*, since a
    synced or hand-edited file could still carry terminal escape sequences.
    """
    if text.isprintable():
        return text
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")


def sentence(text: str) -> str:
    """``text`` with its first letter capitalised and the rest as written.

    Not ``str.capitalize``, which lowercases the rest ("Saved as CSV" would
    read "saved as csv").
    """
    return text[:1].upper() + text[1:]
