"""Text as it is stored and drawn: what a file must not smuggle onto the screen.

One rule for every way text gets in — typed, imported (CSV, vCard, LinkedIn,
JSON backup) or read from a synced or hand-edited database:

- line breaks of every kind (CR LF, CR, VT, FF, U+001C–U+001E, NEL U+0085,
  U+2028, U+2029) become ``\\n``, so multi-line notes keep their lines;
- tab and ``\\n`` stay; every other control character (C0, DEL, C1: ESC, BEL,
  NUL…) is dropped;
- the bidi *embedding, override and isolate* controls (U+202A–U+202E,
  U+2066–U+2069) are dropped: they can make a terminal show text in another
  order than it is stored ("Trojan Source").  The implicit marks (LRM, RLM,
  ALM) and zero-width joiners stay: right-to-left names and emoji need them.
"""

from __future__ import annotations

import re
import unicodedata

# Everything str.splitlines splits on but "\n" (and CR LF as one break).
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Controls to drop: C0 but tab and \n, DEL, C1, and the bidi overrides/isolates.
_DROPPED = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` under the rule above: line breaks as ``\\n``, no other control characters.

    Typed and imported text is cleaned on the way in; this also guards what is
    *drawn*, since a synced or hand-edited file could carry escape sequences.
    """
    if text.isprintable():  # the common case, and fast: no control character at all
        return text
    return _DROPPED.sub("", _BREAKS.sub("\n", text))


def escaped(text: str, keep: str = "") -> str:
    """``text`` for a terminal: what ``printable`` would change shown as escapes instead.

    For output that must show everything it was given (the CLI): C0 controls
    read as ``\\x1b``; DEL, C1, line separators and the bidi overrides and
    isolates as ``\\u202e``, so JSON stays JSON.  Characters in ``keep``
    (say "\\n") pass as they are.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch in keep else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if not (unicodedata.category(ch) in ("Cc", "Zl", "Zp") or _DROPPED.match(ch)):
        return ch
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x20 else f"\\u{ord(ch):04x}"


def one_line(text: str) -> str:
    """``text`` cleaned as a single-line field is: printable, runs of whitespace as one space."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text
    return " ".join(printable(text).split())


def sentence(text: str) -> str:
    """``text`` with its first letter capitalised and the rest as written.

    Not ``str.capitalize``, which lowercases the rest ("Saved as CSV" would
    read "saved as csv").
    """
    return text[:1].upper() + text[1:]


def matched_text(text: str) -> str:
    """``text`` as names are compared: Unicode form, case and runs of spaces do not count.

    "José" composed (as typed) and decomposed (as macOS sends it) are one
    name; so are fullwidth and ordinary letters (NFKC, then casefold).
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(folded.split())
