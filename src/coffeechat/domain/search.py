"""Finding contacts by what a person types: an id, or part of a name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coffeechat.domain.errors import UserError
from coffeechat.domain.model import Contact


class ContactLookupError(UserError, LookupError):
    """No contact, or more than one, matches; the message lists candidates."""


def matches_filter(contact: Contact, text: str) -> bool:
    """True if every word of ``text`` appears in the name, company or role."""
    haystack = f"{contact.name}\n{contact.company}\n{contact.role}".casefold()
    return all(word in haystack for word in text.casefold().split())


def resolve(contacts: Sequence[Contact], text: str) -> Contact:
    """The one contact ``text`` names: an exact id, an exact name, or a unique substring.

    Matching is case-insensitive.  Raises ContactLookupError listing candidates when
    the text matches none or several.
    """
    needle = text.strip().casefold()
    if not needle:
        raise ContactLookupError("no name given")
    by_id = [c for c in contacts if c.id == text.strip()]
    if by_id:
        return by_id[0]
    exact = [c for c in contacts if c.name.casefold() == needle]
    if len(exact) == 1:
        return exact[0]
    found = exact or [c for c in contacts if needle in c.name.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ContactLookupError(f"no contact matches {text!r}")
    raise ContactLookupError(f"{text!r} matches {len(found)} contacts: {_describe(found)}")


def _describe(contacts: Iterable[Contact]) -> str:
    listed = [f"{c.name} ({c.company or 'no company'}, id {c.id[:8]})" for c in contacts]
    if len(listed) > 8:
        listed = [*listed[:8], f"and {len(listed) - 8} more"]
    return "; ".join(listed)
