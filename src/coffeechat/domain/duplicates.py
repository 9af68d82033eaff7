"""Telling whether a person is already there: name + company, as imports match them.

Imports, ``coffeechat add``, the new-contact form and a meeting's referrals
all ask the same question, so they share this one answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coffeechat.domain.errors import UserError
from coffeechat.domain.meetings import referral_fields
from coffeechat.domain.model import Contact


def name_company_key(fields: Mapping[str, str]) -> tuple[str, str]:
    """Name and company as matched: case and runs of spaces do not count."""
    return (
        " ".join(fields.get("name", "").casefold().split()),
        " ".join(fields.get("company", "").casefold().split()),
    )


def same_person(contacts: Iterable[Contact], fields: Mapping[str, str]) -> Contact | None:
    """The first contact (not removed) with the same name and company as ``fields``, or None."""
    key = name_company_key(fields)
    if not key[0]:
        return None
    for contact in contacts:
        if not contact.removed and name_company_key(contact.fields()) == key:
            return contact
    return None


def short_id(contact: Contact) -> str:
    """The first eight characters of the id: enough to name a contact on the command line."""
    return contact.id[:8]


class DuplicateContactError(UserError, ValueError):
    """Someone of that name and company is already there; ``existing`` is who."""

    def __init__(self, existing: Contact) -> None:
        self.existing = existing
        at = f" at {existing.company}" if existing.company else ""
        where = " (archived)" if existing.archived else ""
        super().__init__(f"{existing.name}{at} is already there{where}, id {short_id(existing)}")


@dataclass(frozen=True, slots=True)
class ReferralPlan:
    """What finishing a meeting does with its referral lines.

    ``new``: fields of people to add; ``link``: people already there, to be
    linked as introduced by this contact; ``already``: people already
    introduced by this contact; ``kept``: people already there with another
    referrer (who, as text), whose link is kept.
    """

    new: list[dict[str, str]] = field(default_factory=list)
    link: list[Contact] = field(default_factory=list)
    already: list[Contact] = field(default_factory=list)
    kept: list[tuple[Contact, str]] = field(default_factory=list)

    def sentences(self, referrer: str) -> list[str]:
        """One line per kind of outcome, for the finish dialog and its toast."""
        said = []
        if self.new:
            names = ", ".join(f["name"] for f in self.new)
            said.append(f"Adds {len(self.new)} referral{'s' * (len(self.new) != 1)}: {names}.")
        for contact in self.link:
            said.append(
                f"{contact.name} is already on your board; linked as introduced by {referrer}."
            )
        for contact in self.already:
            said.append(f"{contact.name} is already on your board, introduced by {referrer}.")
        for contact, by in self.kept:
            said.append(
                f"{contact.name} is already on your board, introduced by {by}; that is kept."
            )
        return said


def plan_referrals(
    referrer: Contact, lines: Sequence[str], contacts: Sequence[Contact]
) -> ReferralPlan:
    """Decide, line by line, whether a referral is someone new or someone already there.

    ``contacts`` are all the contacts (archived ones too): a person matching
    one by name + company is linked to ``referrer`` rather than added again,
    unless someone else introduced them (that link is kept).  A name this
    contact already introduced is not added twice.
    """
    plan = ReferralPlan()
    live = [c for c in contacts if not c.removed]
    names = {c.id: c.name for c in live}
    introduced = {c.name.casefold() for c in live if c.referrer_id == referrer.id}
    seen: set[tuple[str, str]] = set()
    for line in lines:
        raw = referral_fields(line)
        if raw is None:
            continue
        key = name_company_key(raw)
        if key in seen:
            continue
        seen.add(key)
        existing = same_person(live, raw)
        if existing is None:
            if raw["name"].casefold() not in introduced:
                introduced.add(raw["name"].casefold())
                plan.new.append(raw)
            continue
        if existing.id == referrer.id:
            continue  # they named themselves: nothing to link
        if existing.referrer_id == referrer.id:
            plan.already.append(existing)
        elif existing.referrer_id:
            plan.kept.append((existing, names.get(existing.referrer_id, existing.referred_by)))
        elif existing.referred_by and existing.referred_by.casefold() != referrer.name.casefold():
            plan.kept.append((existing, existing.referred_by))
        else:
            plan.link.append(existing)
    return plan
