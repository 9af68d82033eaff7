"""Which key names Textual can ever report: what a config file's [keys] entry may say.

Textual takes any string as a key and a binding to "[/]", "ctrl+" or a
5000-letter word simply never fires; the person whose help key it was is
left with no key and no word why.  So a name is checked here first.
"""

from __future__ import annotations

import unicodedata

from textual.keys import Keys

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
#: The names of the keys that are not characters: escape, pageup, f12, tab…
NAMED = frozenset(key.value.rsplit("+", 1)[-1] for key in Keys if not key.value.startswith("<")) | {
    "return"
}


def is_key_name(key: str) -> bool:
    """True if ``key`` ("A", "ctrl+d", "question_mark", "f2", "é") names a key Textual reports."""
    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    *modifiers, base = key.split("+")
    if not base or not set(modifiers) <= MODIFIERS:
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in NAMED:
        return True
    try:  # Textual names a character by its Unicode name: question_mark, left_square_bracket
        unicodedata.lookup(base.replace("_", " ").upper())
    except KeyError:
        return False
    return True
