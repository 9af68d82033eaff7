"""Telling whether a person is already there: name + company, as imports match them.

Imports, ``coffeechat add``, the new-contact form and a meeting's referrals
all ask the same question, so they share this one answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coffeechat.domain.errors import UserError
from coffeechat.domain.events import Edit, Merge
from coffeechat.domain.meetings import referral_fields
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import merge_conflicts
from coffeechat.domain.search import SHOWN_ID_LENGTH
from coffeechat.domain.stages import PIPELINE
from coffeechat.domain.text import matched_text


def name_company_key(fields: Mapping[str, str]) -> tuple[str, str]:
    """Name and company as matched (see ``matched_text``)."""
    return matched_text(fields.get("name", "")), matched_text(fields.get("company", ""))


def people_by_key(contacts: Iterable[Contact]) -> dict[tuple[str, str], Contact]:
    """Each (name, company) key with the first contact (not removed) that has it.

    Build it once and look people up in it: keying every contact for every
    referral line or restored record was 22 ms a lookup at 10,000 contacts.
    """
    found: dict[tuple[str, str], Contact] = {}
    for contact in contacts:
        if not contact.removed:
            found.setdefault(name_company_key(contact.fields()), contact)
    return found


def same_person(contacts: Iterable[Contact], fields: Mapping[str, str]) -> Contact | None:
    """The first contact (not removed) with the same name and company as ``fields``, or None."""
    key = name_company_key(fields)
    return people_by_key(contacts).get(key) if key[0] else None


def short_id(contact: Contact) -> str:
    """The first characters of the id that every message shows (an id prefix works anywhere)."""
    return contact.id[:SHOWN_ID_LENGTH]


@dataclass(frozen=True, slots=True)
class MergeSides:
    """Who survives a merge of two duplicates, and why (see ``merge_sides``).

    ``keep`` stays and ``other`` is merged into it; ``reason`` is "" when
    that is the way round the user named them, else why it is the other way
    ("further along", "not archived").
    """

    keep: Contact
    other: Contact
    reason: str = ""

    @property
    def swapped(self) -> bool:
        """True when the one the user named to merge away is the one kept."""
        return bool(self.reason)

    def take_other(self, named: Iterable[str]) -> list[str]:
        """The fields to take from ``other``, given those the user chose as they named them.

        The user named the fields whose values to take from the contact they
        named to merge away; swapped, those values are the survivor's own,
        and the other conflicting fields are the ones to take.
        """
        chosen = set(named)
        if not self.swapped:
            return sorted(chosen)
        return sorted(set(merge_conflicts(self.keep, self.other)) - chosen)

    def why(self, *, done: bool) -> str:
        """ "kept Ann Lee (met) — further along; merged the identified copy into it" ("" unswapped).

        ``done`` False says it as what will happen ("keeps …; merges …").
        """
        if not self.swapped:
            return ""
        keep, merge = ("kept", "merged") if done else ("keeps", "merges")
        return (
            f"{keep} {self.keep.name} ({_state(self.keep)}) — {self.reason};"
            f" {merge} the {_state(self.other)} copy into it"
        )


def _state(contact: Contact) -> str:
    return f"archived, {contact.stage.value}" if contact.archived else contact.stage.value


def merge_sides(keep: Contact, other: Contact) -> MergeSides:
    """Which of two duplicates survives: the one whose place in the pipeline should win.

    A contact not archived wins over an archived one, then the one further
    along the pipeline (merging a met contact into an identified copy would
    drop its thank-you from Due); on a tie, ``keep``, the one the user named.
    """
    if keep.archived != other.archived:
        return MergeSides(other, keep, "not archived") if keep.archived else MergeSides(keep, other)
    if PIPELINE.index(other.stage) > PIPELINE.index(keep.stage):
        return MergeSides(other, keep, "further along")
    return MergeSides(keep, other)


def merge_undo_steps(other: Contact, contacts: Iterable[Contact]) -> list[tuple[str, str]]:
    """The (contact id, event id) steps that take back the merge that removed ``other``.

    ``other``'s removal, the survivor's merge event naming it, and the links
    that merge moved from ``other`` to the survivor (the edits recorded with
    it); undone in this order (``Repository.undo_all``), they restore both
    contacts as ``Merged.undo_steps`` does.  UserError when ``other`` was not
    merged away, or the survivor no longer holds the merge.
    """
    removal = other.removal
    if removal is None or not other.merged_into:
        raise UserError(f"{other.name} was not merged into anyone")
    everyone = {c.id: c for c in contacts}
    keep = everyone.get(other.merged_into)
    merges = () if keep is None else reversed(keep.effective_events)
    merge = next((e for e in merges if type(e.data) is Merge and e.data.other_id == other.id), None)
    if keep is None or merge is None:
        raise UserError(
            f"{other.name}'s merge is no longer on the other contact; nothing was undone"
        )
    steps = [(other.id, removal.id), (keep.id, merge.id)]
    for contact in everyone.values():
        steps += [
            (contact.id, e.id)
            for e in contact.effective_events
            if type(e.data) is Edit
            and e.data.referrer == (other.id, keep.id)
            and e.recorded_at == merge.recorded_at
        ]
    return steps


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
    unless someone else introduced them (that link is kept; a link to someone
    deleted since counts as none, and is replaced).  A name this
    contact already introduced is not added twice.
    """
    plan = ReferralPlan()
    live = [c for c in contacts if not c.removed]
    people = people_by_key(live)
    names = {c.id: c.name for c in live}
    introduced = {matched_text(c.name) for c in live if c.referrer_id == referrer.id}
    seen: set[tuple[str, str]] = set()
    for line in lines:
        raw = referral_fields(line)
        if raw is None:
            continue
        key = name_company_key(raw)
        if key in seen:
            continue
        seen.add(key)
        existing = people.get(key) if key[0] else None
        if existing is None:
            if matched_text(raw["name"]) not in introduced:
                introduced.add(matched_text(raw["name"]))
                plan.new.append(raw)
            continue
        if existing.id == referrer.id:
            continue  # they named themselves: nothing to link
        if existing.referrer_id == referrer.id:
            plan.already.append(existing)
        elif existing.referrer_id in names:
            plan.kept.append((existing, names[existing.referrer_id]))
        elif existing.referrer_id:
            plan.link.append(existing)  # introduced by someone deleted since: no one, now
        elif existing.referred_by and matched_text(existing.referred_by) != matched_text(
            referrer.name
        ):
            plan.kept.append((existing, existing.referred_by))
        else:
            plan.link.append(existing)
    return plan
