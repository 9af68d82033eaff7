"""A contact's editable fields, each declared once.

A field's label, its ``coffeechat add`` option, the CSV headers that mean it,
the LinkedIn column and vCard property it comes from, and how typed text is
normalised and checked all live in one ``ContactField``.  The contact form,
the CLI and the importers read ``FIELDS``; nothing else lists the fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from coffeechat.domain.dates import parse_date
from coffeechat.domain.errors import UserError
from coffeechat.domain.settings import DEFAULT_SETTINGS, MAX_FOLLOW_UP_MONTHS
from coffeechat.domain.text import printable

MAX_CADENCE_MONTHS = MAX_FOLLOW_UP_MONTHS


class FieldProblem(Exception):
    """Raised by a field's check; the message is the sentence shown under the field."""


def _required(value: str) -> str:
    if not value:
        raise FieldProblem("a name is required")
    return value


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if value and not _EMAIL.match(value):
        raise FieldProblem(f"{value!r} does not look like an email address")
    return value


def _web_address(value: str) -> str:
    if not value:
        return value
    address = value if re.match(r"^https?://", value, re.IGNORECASE) else "https://" + value
    if " " in address or "." not in address:
        raise FieldProblem(f"{value!r} does not look like a web address")
    return address


def _calendar_date(value: str) -> str:
    if not value:
        return value
    try:
        return parse_date(value).isoformat()
    except ValueError:
        raise FieldProblem(f"{value!r} is not a date like 2026-11-20") from None


def _months(value: str) -> str:
    if not value:
        return value
    months = value.lower().removesuffix("months").removesuffix("month").removesuffix("m").strip()
    # len() first: int() of thousands of digits raises (and is slow) before any range check.
    if not months.isdecimal() or len(months) > 3 or not 1 <= int(months) <= MAX_CADENCE_MONTHS:
        raise FieldProblem(f"{value!r} is not a number of months from 1 to {MAX_CADENCE_MONTHS}")
    return str(int(months))


@dataclass(frozen=True, slots=True)
class ContactField:
    """One editable text field of a contact, and everything the app says or reads about it.

    ``name`` is the attribute, the dict key and our CSV export's header;
    ``label`` the form's label (also a CSV header we recognise); ``flag`` the
    ``coffeechat add`` option ("" for the positional name) and ``help`` its
    help; ``placeholder`` what the empty form field shows; ``headers`` other
    CSV headers that mean this field; ``linkedin`` the Connections.csv column
    (as ``header_key`` spells it); ``vcard`` the vCard property; ``check``
    normalises a stripped value or raises FieldProblem.
    """

    name: str
    label: str
    flag: str = ""
    help: str = ""
    placeholder: str = ""
    headers: tuple[str, ...] = ()
    linkedin: str = ""
    vcard: str = ""
    multiline: bool = False
    check: Callable[[str], str] | None = None


_DEFAULT_CADENCE = DEFAULT_SETTINGS.follow_up_months

FIELDS: tuple[ContactField, ...] = (
    ContactField(
        "name",
        "Name",
        help="their full name",
        placeholder="required, e.g. Priya Raman",
        headers=("full name", "contact", "contact name", "display name"),
        vcard="FN",
        check=_required,
    ),
    ContactField(
        "company",
        "Company",
        flag="--company",
        help="where they work",
        placeholder="e.g. Northwind Health",
        headers=("organization", "organisation", "employer", "company name"),
        linkedin="company",
        vcard="ORG",
    ),
    ContactField(
        "role",
        "Role",
        flag="--role",
        help="their job title",
        placeholder="e.g. Product Manager",
        headers=("title", "position", "job title", "job"),
        linkedin="position",
        vcard="TITLE",
    ),
    ContactField(
        "email",
        "Email",
        flag="--email",
        help="email address",
        placeholder="name@example.com",
        headers=("e-mail", "email address", "e-mail address", "mail"),
        linkedin="email address",
        vcard="EMAIL",
        check=_email,
    ),
    ContactField(
        "phone",
        "Phone",
        flag="--phone",
        help="phone number",
        headers=("phone number", "mobile", "telephone", "tel"),
        vcard="TEL",
    ),
    ContactField(
        "linkedin",
        "LinkedIn URL",
        flag="--linkedin",
        help="LinkedIn profile URL",
        placeholder="linkedin.com/in/…",
        headers=("url", "profile", "profile url", "linkedin profile", "linkedin url"),
        linkedin="url",
        vcard="URL",
        check=_web_address,
    ),
    ContactField(
        "source",
        "Source",
        flag="--source",
        help="how you found them (friend, alumni list, article…)",
        placeholder="friend, alumni list, LinkedIn, an article…",
    ),
    ContactField(
        "referred_by",
        "Referred by",
        flag="--referred-by",
        help="who suggested them",
        placeholder="who suggested them",
        headers=("referred by", "referrer", "referral", "introduced by"),
    ),
    ContactField(
        "connected_on",
        "Connected on",
        flag="--connected-on",
        help="the date you connected, e.g. 2026-11-20",
        placeholder="e.g. 2026-11-20 (LinkedIn fills it in)",
        linkedin="connected on",
        check=_calendar_date,
    ),
    ContactField(
        "cadence",
        "Follow up every",
        flag="--cadence",
        help=f"months between follow-ups (default {_DEFAULT_CADENCE})",
        placeholder=f"months between follow-ups (empty: the default, {_DEFAULT_CADENCE})",
        check=_months,
    ),
    ContactField(
        "notes",
        "Notes",
        flag="--note",
        help="a note",
        headers=("note", "comments"),
        vcard="NOTE",
        multiline=True,
    ),
)
"""Every editable field, in the order forms show them."""

FIELDS_BY_NAME: Mapping[str, ContactField] = MappingProxyType({f.name: f for f in FIELDS})

# The editable text fields of a contact, in the order forms show them.
CONTACT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS)

FIELD_LABELS: Mapping[str, str] = MappingProxyType({f.name: f.label for f in FIELDS})


class ValidationError(UserError, ValueError):
    """User input that can't be saved; ``errors`` maps field name to a sentence."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in errors.items()))


def clean_fields(raw: Mapping[str, str]) -> dict[str, str]:
    """Normalise and check contact fields typed by a person.

    Returns the cleaned values; raises ValidationError naming every bad field.
    Unknown keys are a programming error and raise KeyError.
    """
    unknown = set(raw) - set(CONTACT_FIELDS)
    if unknown:
        raise KeyError(f"unknown contact fields: {sorted(unknown)}")
    cleaned = {name: printable(str(value)).strip() for name, value in raw.items()}
    errors: dict[str, str] = {}
    for name, value in cleaned.items():
        if not FIELDS_BY_NAME[name].multiline:
            cleaned[name] = value = " ".join(value.split())
        if any("\ud800" <= c <= "\udfff" for c in value):
            errors[name] = "contains bytes that are not valid UTF-8 text"
    for spec in FIELDS:
        if spec.check is None or spec.name not in cleaned:
            continue
        try:
            cleaned[spec.name] = spec.check(cleaned[spec.name])
        except FieldProblem as problem:
            errors[spec.name] = str(problem)
    if errors:
        raise ValidationError(errors)
    return cleaned
