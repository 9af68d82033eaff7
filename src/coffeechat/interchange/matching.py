"""Matching imported people against the contacts you already have.

Every import is additive and idempotent: a person is matched on their
LinkedIn URL, then any email address, then name + company; a match only fills
fields that are empty (a field you typed is never overwritten); a person met
twice in one file is one contact.  Bad rows are reported with their line and
skipped; the rest imports.  A bad value in a row that has a name (a cadence
of "²", a date of "2026-13-45") costs only that value: the person is
imported without it and a warning names the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from coffeechat.domain.duplicates import name_company_key as _name_company
from coffeechat.domain.fields import CONTACT_FIELDS, FIELD_LABELS, ValidationError, clean_fields
from coffeechat.domain.model import Contact


@dataclass(frozen=True, slots=True)
class Incoming:
    """One person read from an import file, before matching."""

    line: int  # where they start in the file (1-based), for messages
    fields: Mapping[str, str]  # contact fields (keys from CONTACT_FIELDS), as read
    emails: tuple[str, ...] = ()  # every address found; ``fields["email"]`` is the first


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that could not be imported, and why (one sentence)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Update:
    """Blank fields of an existing contact that the import fills in."""

    contact: Contact
    fields: Mapping[str, str]  # only the fields that change
    line: int


@dataclass(slots=True)
class ImportPlan:
    """What an import would do: people to add, contacts to fill in, rows skipped."""

    add: list[dict[str, str]] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: Values left out of people who are imported all the same.
    warnings: list[RowError] = field(default_factory=list)

    def summary(self, *, done: bool = False) -> str:
        """ "3 to add · 1 to update · 5 already there · 2 skipped · 1 value left out".

        ``done``: what the import did, "Added 3 · updated 1 · 5 already there",
        leaving out what it did not do.
        """
        if not done:
            parts = [
                f"{len(self.add)} to add",
                f"{len(self.update)} to update",
                f"{self.unchanged} already there",
            ]
        else:
            parts = [f"Added {len(self.add)}"]
            if self.update:
                parts.append(f"updated {len(self.update)}")
            if self.unchanged:
                parts.append(f"{self.unchanged} already there")
        if self.errors:
            parts.append(f"{len(self.errors)} skipped")
        if self.warnings:
            count = len(self.warnings)
            parts.append(f"{count} value{'s' if count != 1 else ''} left out")
        return " · ".join(parts)


def linkedin_key(url: str) -> str:
    """A profile URL reduced to what identifies it: "linkedin.com/in/ada-l"."""
    text = url.strip().lower()
    text = re.sub(r"^[a-z]+://", "", text)
    text = re.sub(r"^(www\.|[a-z]{2}\.)(?=linkedin\.com)", "", text)
    text = text.split("?", 1)[0].split("#", 1)[0]
    return text.rstrip("/")


class _Index:
    """Contacts (and people already planned) by LinkedIn, email, name + company."""

    def __init__(self) -> None:
        self.by_linkedin: dict[str, object] = {}
        self.by_email: dict[str, object] = {}
        self.by_name: dict[tuple[str, str], object] = {}

    def add(self, target: object, fields: Mapping[str, str], emails: Iterable[str]) -> None:
        if fields.get("linkedin"):
            self.by_linkedin.setdefault(linkedin_key(fields["linkedin"]), target)
        for email in emails:
            if email:
                self.by_email.setdefault(email.casefold(), target)
        if fields.get("name"):
            self.by_name.setdefault(_name_company(fields), target)

    def find(self, fields: Mapping[str, str], emails: Iterable[str]) -> object | None:
        if fields.get("linkedin"):
            found = self.by_linkedin.get(linkedin_key(fields["linkedin"]))
            if found is not None:
                return found
        for email in emails:
            found = self.by_email.get(email.casefold())
            if found is not None:
                return found
        return self.by_name.get(_name_company(fields))


def _cleaned(person: Incoming, plan: ImportPlan) -> dict[str, str] | None:
    """The person's fields, checked; a bad value is left out with a warning.

    None (and the row in ``plan.errors``) when the name itself is unusable.
    """
    raw = {k: v for k, v in person.fields.items() if v}
    try:
        return clean_fields(raw)
    except ValidationError as error:
        if "name" in error.errors:
            plan.errors.append(RowError(person.line, error.errors["name"]))
            return None
        for name, problem in error.errors.items():
            plan.warnings.append(
                RowError(person.line, f"{FIELD_LABELS[name]}: {problem}; imported without it")
            )
            del raw[name]
    return clean_fields(raw)


def plan_import(existing: Iterable[Contact], incoming: Iterable[Incoming]) -> ImportPlan:
    """Decide, person by person, what to add, what to fill in and what to skip."""
    plan = ImportPlan()
    index = _Index()
    for contact in existing:
        index.add(contact, contact.fields(), [contact.email])
    filled: dict[str, Update] = {}
    for person in incoming:
        unknown = set(person.fields) - set(CONTACT_FIELDS)
        if unknown:
            raise KeyError(f"not contact fields: {sorted(unknown)}")
        cleaned = _cleaned(person, plan)
        if cleaned is None:
            continue
        if not cleaned.get("name"):
            plan.errors.append(RowError(person.line, "no name"))
            continue
        emails = tuple(e for e in (cleaned.get("email", ""), *person.emails) if e)
        match = index.find(cleaned, emails)
        if match is None:
            planned = dict(cleaned)
            plan.add.append(planned)
            index.add(planned, planned, emails)
            continue
        if isinstance(match, dict):  # the same person twice in this file
            for name, value in cleaned.items():
                match.setdefault(name, value)
            continue
        assert isinstance(match, Contact)
        previous = filled.get(match.id)
        current = {**match.fields(), **(previous.fields if previous else {})}
        blanks = {name: value for name, value in cleaned.items() if value and not current[name]}
        if blanks:
            merged = {**(previous.fields if previous else {}), **blanks}
            update = Update(match, merged, previous.line if previous else person.line)
            if previous is None:
                plan.update.append(update)
            else:
                plan.update[plan.update.index(previous)] = update
            filled[match.id] = update
        elif previous is None:
            plan.unchanged += 1
    return plan
