"""The snowball: who introduced whom, and how many introductions became meetings.

A link is the contact's ``referrer_id`` when meeting mode recorded it, else
its typed "referred by" text when that names exactly one other contact
(ignoring case), so people added by hand join the tree too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coffeechat.domain.model import Contact
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.domain.text import matched_text

_MET_OR_LATER = frozenset(PIPELINE[PIPELINE.index(Stage.MET) :])


def referral_links(contacts: Iterable[Contact]) -> dict[str, str]:
    """Map each referred contact's id to its referrer's id."""
    by_id = {c.id: c for c in contacts}
    by_name: dict[str, list[str]] = defaultdict(list)
    for contact in by_id.values():
        by_name[matched_text(contact.name)].append(contact.id)
    links = {}
    for contact in by_id.values():
        if contact.referrer_id in by_id and contact.referrer_id != contact.id:
            links[contact.id] = contact.referrer_id
            continue
        named = by_name.get(matched_text(contact.referred_by), []) if contact.referred_by else []
        if len(named) == 1 and named[0] != contact.id:
            links[contact.id] = named[0]
    return links


def became_meeting(contact: Contact) -> bool:
    """True if this person was met (held meeting or reached "met"), archived or not."""
    return contact.stage in _MET_OR_LATER or any(m.held for m in contact.meetings)


@dataclass(frozen=True, slots=True)
class Node:
    """One person in the referral tree."""

    contact: Contact
    children: tuple[Node, ...]
    introductions: int  # people they introduced
    meetings: int  # of those, how many you met


@dataclass(frozen=True, slots=True)
class Network:
    """The referral forest and its totals."""

    roots: tuple[Node, ...]  # people who introduced someone and were not introduced themselves
    referred: int  # contacts that came from an introduction
    met: int  # of those, how many you met

    @property
    def empty(self) -> bool:
        """True when nobody has introduced anybody yet."""
        return not self.roots


def build_network(contacts: Iterable[Contact]) -> Network:
    """The referral trees, roots and children ordered by name.

    A cycle (two people each typed as the other's referrer) is cut where it
    would repeat, so every person appears once.
    """
    by_id = {c.id: c for c in contacts}
    links = referral_links(by_id.values())
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in links.items():
        children[parent].append(child)
    placed: set[str] = set()

    def node(contact_id: str) -> Node:
        placed.add(contact_id)
        kids = [k for k in _by_name(children.get(contact_id, ()), by_id) if k not in placed]
        built = tuple(node(k) for k in kids if k not in placed)
        referred = [by_id[k] for k in children.get(contact_id, ())]
        return Node(
            contact=by_id[contact_id],
            children=built,
            introductions=len(referred),
            meetings=sum(became_meeting(c) for c in referred),
        )

    starts = [c for c in children if c not in links]
    roots = [node(c) for c in _by_name(starts, by_id)]
    # Whatever a cycle left unplaced starts its own tree.
    for contact_id in _by_name(children, by_id):
        if contact_id not in placed:
            roots.append(node(contact_id))
    referred_contacts = [by_id[c] for c in links]
    return Network(
        roots=tuple(roots),
        referred=len(referred_contacts),
        met=sum(became_meeting(c) for c in referred_contacts),
    )


def _by_name(ids: Iterable[str], by_id: Mapping[str, Contact]) -> list[str]:
    return sorted(ids, key=lambda i: (by_id[i].name.casefold(), i))
