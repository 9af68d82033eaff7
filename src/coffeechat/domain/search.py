"""Finding contacts by what a person types: an id (or its first 6+ characters), or a name."""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence

from coffeechat.domain.errors import UserError
from coffeechat.domain.model import Contact

#: The shortest id prefix read as an id; shorter hex ("ada", "bea") is a name.
MIN_ID_PREFIX = 6
#: Ids are shown at least this long, so a listing reads the same from one day to the next.
SHOWN_ID_LENGTH = 8


class ContactLookupError(UserError, LookupError):
    """No contact, or more than one, matches; the message lists candidates."""

    def __init__(self, message: str, candidates: Sequence[Contact] = ()) -> None:
        super().__init__(message)
        #: The contacts the text matched (none when it matched nobody).
        self.candidates = tuple(candidates)


def matches_filter(contact: Contact, text: str) -> bool:
    """True if every word of ``text`` appears in the name, company or role."""
    return matches_words(haystack(contact), filter_words(text))


def haystack(contact: Contact) -> str:
    """What a filter looks in: the name, company and role, case-folded (one per line)."""
    return f"{contact.name}\n{contact.company}\n{contact.role}".casefold()


def filter_words(text: str) -> tuple[str, ...]:
    """The words of a typed filter, case-folded: each must appear for a contact to match."""
    return tuple(text.casefold().split())


def matches_words(hay: str, words: Sequence[str]) -> bool:
    """True if every one of ``words`` (from ``filter_words``) is in ``hay`` (``haystack``)."""
    return all(word in hay for word in words)


def narrows(old: Sequence[str], new: Sequence[str]) -> bool:
    """True if whatever matches ``new`` also matches ``old`` (each old word is inside a new one).

    Typing on at the end of a filter narrows it: only what matched before
    need be looked at again.
    """
    return all(any(word in longer for longer in new) for word in old)


class Haystacks:
    """Each contact's ``haystack``, worked out once per contact object.

    Contacts are immutable and the repository hands out the same object
    until one changes, so the object (not the id) says whether the cached
    text still holds.
    """

    def __init__(self) -> None:
        self._cached: dict[str, tuple[Contact, str]] = {}

    def __call__(self, contact: Contact) -> str:
        """The contact's haystack (from the cache when the contact is the same object)."""
        cached = self._cached.get(contact.id)
        if cached is not None and cached[0] is contact:
            return cached[1]
        text = haystack(contact)
        self._cached[contact.id] = (contact, text)
        return text

    def forget(self, contact_id: str) -> None:
        """Drop a contact no longer shown (deleted, archived)."""
        self._cached.pop(contact_id, None)


def resolve(contacts: Sequence[Contact], text: str) -> Contact:
    """The one contact ``text`` names: an id, an exact name, a unique id prefix or name part.

    An id prefix counts from ``MIN_ID_PREFIX`` hex characters.  Matching is
    case-insensitive.  Raises ContactLookupError listing candidates (with id
    prefixes that name each one) when the text matches none or several.
    """
    needle = text.strip().casefold()
    if not needle:
        raise ContactLookupError("no name given")
    by_id = [c for c in contacts if c.id.casefold() == needle]
    if by_id:
        return by_id[0]
    exact = [c for c in contacts if c.name.casefold() == needle]
    if len(exact) == 1:
        return exact[0]
    if len(needle) >= MIN_ID_PREFIX and all(ch in string.hexdigits for ch in needle):
        by_prefix = [c for c in contacts if c.id.casefold().startswith(needle)]
        if len(by_prefix) == 1:
            return by_prefix[0]
        if by_prefix:
            raise _ambiguous(text, by_prefix, contacts)
    found = exact or [c for c in contacts if needle in c.name.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ContactLookupError(f"no contact matches {text!r}")
    raise _ambiguous(text, found, contacts)


def short_ids(contacts: Sequence[Contact]) -> dict[str, str]:
    """Each contact's id cut to the shortest prefix (from 8 characters) no other id shares."""
    ids = sorted({c.id for c in contacts})
    shortest: dict[str, str] = {}
    for index, contact_id in enumerate(ids):
        # Only the sorted neighbours can share the longest prefix with an id.
        neighbours = ids[max(0, index - 1) : index] + ids[index + 1 : index + 2]
        shared = max((_common_length(contact_id, other) for other in neighbours), default=0)
        shortest[contact_id] = contact_id[: max(SHOWN_ID_LENGTH, shared + 1)]
    return shortest


def _common_length(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def _ambiguous(
    text: str, found: Sequence[Contact], contacts: Sequence[Contact]
) -> ContactLookupError:
    return ContactLookupError(
        f"{text!r} matches {len(found)} contacts: {_describe(found, short_ids(contacts))}",
        found,
    )


def _describe(found: Iterable[Contact], ids: dict[str, str]) -> str:
    listed = [f"{c.name} ({c.company or 'no company'}, id {ids[c.id]})" for c in found]
    if len(listed) > 8:
        listed = [*listed[:8], f"and {len(listed) - 8} more"]
    return "; ".join(listed)
