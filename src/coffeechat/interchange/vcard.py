"""vCard files in and out: what Google Contacts, Apple Contacts and Outlook export.

Reading splits the file into cards ourselves and lets vobject parse each one,
so a broken card is reported with its line and the rest still imports.
Writing sends only the fields a card needs to reach someone (name, company,
role, email, phone, LinkedIn); notes leave only when asked for.
"""

from __future__ import annotations

import bisect
import codecs
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import vobject

from coffeechat.domain.fields import FIELDS_BY_NAME
from coffeechat.domain.model import Contact
from coffeechat.domain.text import printable
from coffeechat.interchange.errors import InterchangeError
from coffeechat.interchange.matching import Incoming, RowError

SOURCE = "vCard"  # what an imported contact's "source" field says
VERSIONS = ("3.0", "4.0")  # what write_vcards can write

# Every line break a vCard writer uses; str.splitlines would also split on
# U+2028 and friends, which may sit inside a note.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Pictures, logos, sounds and keys are never imported, and a malformed one
# (vobject decodes base64 while parsing) must not cost us the person.
_BINARY = re.compile(r"^(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.IGNORECASE)
_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/=]+$")  # vCard 2.1 base64 runs on unindented
_CELL_TYPES = frozenset({"cell", "mobile", "iphone"})
_NOT_PREFERRED = 101  # vCard 4.0 PREF runs 1 (most preferred) to 100
# Fields whose card property is one plain value each way (the rest need care:
# a name has FN and N, emails and phones have types and preferences).
_PLAIN_IN = ("company", "role")


def _property(field: str) -> str:
    """The vCard property a contact field is written to, as vobject names it ("title")."""
    return FIELDS_BY_NAME[field].vcard.lower()


@dataclass(slots=True)
class _Card:
    """The physical lines of one BEGIN:VCARD ... END:VCARD block."""

    line: int  # the line of BEGIN:VCARD, 1-based
    lines: list[str] = field(default_factory=list)
    problem: str = ""  # set when the block itself is malformed


def read_vcards(path: Path) -> tuple[list[Incoming], list[RowError]]:
    """The people in a .vcf file (vCard 2.1, 3.0 or 4.0), and the cards that can't be used.

    Raises InterchangeError when the file can't be read or holds no card at all.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InterchangeError(f"Cannot read {path}: {error.strerror or error}.") from error
    people: list[Incoming] = []
    errors: list[RowError] = []
    found = False
    text = _decode(data)
    bad = _bad_bytes(text, data)
    for card in _split_cards(_LINE_BREAK.split(text)):
        found = True
        if card.problem:
            errors.append(RowError(card.line, card.problem))
            continue
        first_bad = bisect.bisect_left(bad, (card.line, 0))
        if first_bad < len(bad) and bad[first_bad][0] < card.line + len(card.lines):
            line, offset = bad[first_bad]
            errors.append(
                RowError(
                    line,
                    f"byte {offset} (0x{data[offset]:02x}) is not UTF-8 text, so this card "
                    "was skipped; save the file as UTF-8 and import it again",
                )
            )
            continue
        result = _read_card(card)
        if isinstance(result, RowError):
            errors.append(result)
        else:
            people.append(result)
    if not found:
        raise InterchangeError(f"{path} holds no vCard (no BEGIN:VCARD line); is it a .vcf file?")
    return people, errors


def _decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not), or UTF-16 when it starts with that BOM.

    Bytes that are not UTF-8 survive as surrogates, so only the cards holding
    them are rejected (by the field checks), not the whole file.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a stray byte


def _bad_bytes(text: str, data: bytes) -> list[tuple[int, int]]:
    """(line, byte offset in the file) of each byte that is not UTF-8, in order; one pass."""
    found: list[tuple[int, int]] = []
    if not _NOT_UTF8.search(text):
        return found
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    line, last = 1, 0
    for match in _NOT_UTF8.finditer(text):
        between = text[last : match.start()]
        offset += len(between.encode("utf-8", "surrogateescape"))
        line += len(_LINE_BREAK.findall(between))
        found.append((line, offset))
        offset += 1
        last = match.end()
    return found


def _split_cards(lines: list[str]) -> Iterator[_Card]:
    """Each BEGIN:VCARD ... END:VCARD block; text between blocks is ignored."""
    card: _Card | None = None
    for number, line in enumerate(lines, start=1):
        word = line.rstrip().upper()
        if word == "BEGIN:VCARD":
            if card is not None:
                card.problem = f"the card has no END:VCARD before the next card (line {number})"
                yield card
            card = _Card(number, [line])
        elif card is not None:
            card.lines.append(line)
            if word == "END:VCARD":
                yield card
                card = None
    if card is not None:
        card.problem = "the file ends before this card's END:VCARD"
        yield card


def _without_binaries(lines: list[str]) -> list[str]:
    """``lines`` with photos and the like blanked out (blank, so line numbers still hold)."""
    kept = []
    skipping = False
    for line in lines:
        if _BINARY.match(line):
            skipping = True
            kept.append("")
        elif skipping and (not line.strip() or line[0] in " \t" or _BASE64_LINE.match(line)):
            kept.append("")
        else:
            skipping = False
            kept.append(line)
    return kept


def _unfold(lines: list[str]) -> tuple[list[str], list[int]]:
    """``lines`` with folded lines joined, in time linear in their length; and where each starts.

    vobject unfolds by re-reading the whole logical line for every physical
    one, so one line folded five million times took minutes.  Here each
    logical line is joined once, as vobject would join it: a line starting
    with a space or tab continues the last (without that character), and
    after a quoted-printable line ending in "=" (a soft line break) the next
    line continues it (the "=" goes: decoding would drop it with the break).
    Blank lines are left out.  The second list holds, for each logical line,
    the index in ``lines`` where it starts.
    """
    logical: list[str] = []
    starts: list[int] = []
    parts: list[str] = []
    quoted_printable = False

    def finish() -> None:
        if parts:
            logical.append("".join(parts))
            parts.clear()

    for index, line in enumerate(lines):
        if not line.strip():
            finish()
            quoted_printable = False
            continue
        if parts and quoted_printable:
            parts[-1] = parts[-1][:-1]  # the soft break's "="
            parts.append(line)
        elif parts and line[0] in " \t":
            parts.append(line[1:])
        else:
            finish()
            starts.append(index)
            parts.append(line)
        quoted_printable = parts[-1].endswith("=") and (
            quoted_printable or "quoted-printable" in parts[0].lower()
        )
    finish()
    return logical, starts


def _read_card(card: _Card) -> Incoming | RowError:
    lines, starts = _unfold(_without_binaries(card.lines))
    text = "\r\n".join(lines)
    try:
        parsed = vobject.readOne(text, allowQP=True)
    # vobject raises whatever its decoders raise (ParseError, LookupError for an
    # unknown charset, binascii.Error, UnicodeError...): any of them means this
    # one card is unreadable, and the rest of the file still imports.
    except Exception as error:
        return RowError(card.line, f"the card could not be read ({_reason(error, card, starts)})")
    properties = list(parsed.getChildren())
    name = _name(properties)
    if not name:
        return RowError(card.line, "the card has no name (no FN or N)")
    labels = {
        prop.group.lower(): _text(prop.value).lower()
        for prop in properties
        if prop.group and prop.name == "X-ABLABEL"
    }
    emails = _emails(properties)
    fields = {
        **{field: _first(properties, FIELDS_BY_NAME[field].vcard) for field in _PLAIN_IN},
        "name": name,
        "email": emails[0] if emails else "",
        "phone": _phone(properties, labels),
        "linkedin": _linkedin(properties),
        "notes": _notes(properties),
        "source": SOURCE,
    }
    return Incoming(
        line=card.line,
        fields={key: value for key, value in fields.items() if value},
        emails=emails,
    )


def _reason(error: Exception, card: _Card, starts: list[int]) -> str:
    """vobject's message, with its line (of the unfolded card) as a line of the file."""
    number = getattr(error, "lineNumber", None)
    message = getattr(error, "msg", None) or str(error) or type(error).__name__
    if isinstance(number, int) and 0 < number <= len(starts):
        return f"line {card.line + starts[number - 1]}: {message}"
    return str(message)


def _text(value: Any) -> str:
    """A property value as one line of text (lists joined, bytes and the like dropped)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list | tuple):
        return " ".join(part for part in (_text(v) for v in value) if part)
    return ""


def _types(prop: Any) -> set[str]:
    """TYPE values, lower-cased: 3.0 lists, 4.0 "voice,cell" strings and 2.1 bare words."""
    found: set[str] = set()
    for value in prop.params.get("TYPE", []):
        found.update(part.strip().strip('"').lower() for part in value.split(","))
    found.update(word.lower() for word in prop.singletonparams)
    return found


def _pref_rank(prop: Any) -> int:
    """1 for the preferred value (4.0 PREF=1, 3.0 TYPE=pref, 2.1 PREF), higher for less."""
    for value in prop.params.get("PREF", []):
        if value.strip().isdecimal():  # not isdigit: int("²") fails
            return int(value)
    return 1 if "pref" in _types(prop) else _NOT_PREFERRED


def _name(properties: list[Any]) -> str:
    for prop in properties:
        if prop.name == "FN" and _text(prop.value):
            return " ".join(_text(prop.value).split())
    for prop in properties:
        if prop.name == "N" and not isinstance(prop.value, str | bytes):
            parts = (prop.value.given, prop.value.additional, prop.value.family)
            name = " ".join(_text(part) for part in parts)
            if name.strip():
                return " ".join(name.split())
    return ""


def _first(properties: list[Any], name: str) -> str:
    """The first non-empty value of a property (for ORG: its first component)."""
    for prop in properties:
        if prop.name == name:
            value = prop.value
            if isinstance(value, list | tuple):
                value = value[0] if value else ""
            text = _text(value)
            if text:
                return " ".join(text.split())
    return ""


def _emails(properties: list[Any]) -> tuple[str, ...]:
    """Every address, the preferred one first, the rest in file order, no repeats."""
    found = [
        (_pref_rank(prop), index, _text(prop.value).removeprefix("mailto:"))
        for index, prop in enumerate(properties)
        if prop.name == "EMAIL" and _text(prop.value)
    ]
    emails: list[str] = []
    seen = set()
    for _rank, _index, email in sorted(found):
        if email.casefold() not in seen:
            seen.add(email.casefold())
            emails.append(email)
    return tuple(emails)


def _phone(properties: list[Any], labels: dict[str, str]) -> str:
    """The mobile number if there is one, else the preferred, else the first."""
    found = []
    for index, prop in enumerate(properties):
        number = _text(prop.value) if prop.name == "TEL" else ""
        number = re.sub(r"^tel:", "", number, flags=re.IGNORECASE)
        if not number:
            continue
        label = labels.get((prop.group or "").lower(), "")
        cell = bool(_types(prop) & _CELL_TYPES) or any(w in label for w in _CELL_TYPES)
        found.append((not cell, _pref_rank(prop), index, number))
    return min(found)[-1] if found else ""


def _linkedin(properties: list[Any]) -> str:
    """A LinkedIn profile from X-SOCIALPROFILE (Apple) or URL (everyone)."""
    for wanted in ("X-SOCIALPROFILE", "URL"):
        for prop in properties:
            if prop.name != wanted:
                continue
            # Some writers (older Google exports) escape the colon in URLs.
            url = _text(prop.value).replace("\\:", ":")
            if "linkedin.com" in url.lower():
                return url
            user = _text(prop.params.get("X-USER", []))
            if wanted == "X-SOCIALPROFILE" and "linkedin" in _types(prop) and user:
                return f"https://www.linkedin.com/in/{user}"
    return ""


def _notes(properties: list[Any]) -> str:
    notes = [
        prop.value.replace("\r\n", "\n").replace("\r", "\n").strip()
        for prop in properties
        if prop.name == "NOTE" and isinstance(prop.value, str)
    ]
    return "\n\n".join(note for note in notes if note)


def write_vcards(
    contacts: Iterable[Contact],
    out: TextIO,
    version: str = "3.0",
    *,
    include_notes: bool = False,
    include_archived: bool = False,
) -> None:
    """Write one vCard per contact to ``out`` (open it with ``newline=""``: vCards use CRLF).

    Archived contacts and notes are left out unless asked for: an export
    never carries more than the person chose to share.
    """
    if version not in VERSIONS:
        raise InterchangeError(f"vCard version {version!r} is not supported; use 3.0 or 4.0.")
    for contact in contacts:
        if contact.archived and not include_archived:
            continue
        out.write(_card(contact, version, include_notes=include_notes).serialize())


def contact_uid(contact_id: str) -> str:
    """The card's UID: the contact id as a ``urn:uuid:``, the same on every export."""
    try:
        value = uuid.UUID(hex=contact_id)
    except ValueError:  # not a uuid hex (hand-made or test ids): derive a stable one
        value = uuid.uuid5(uuid.NAMESPACE_URL, f"coffeechat:contact:{contact_id}")
    return value.urn


def _card(contact: Contact, version: str, *, include_notes: bool) -> Any:
    # Every value under the one text rule: no control character, bidi override
    # or odd line break (U+001C, NEL, U+2028) leaves in a card.
    text = {name: printable(value) for name, value in contact.fields().items()}
    card = vobject.vCard()
    card.add("version").value = version
    card.add("prodid").value = "-//coffeechat//EN"
    card.add("uid").value = contact_uid(contact.id)
    card.add("fn").value = text["name"]
    # N is required in 3.0; the last word as family name is a guess, but FN
    # is what every app shows, and it is exact.
    *given, family = text["name"].split() or [""]
    if given:
        card.add("n").value = vobject.vcard.Name(family=family, given=" ".join(given))
    else:
        card.add("n").value = vobject.vcard.Name(given=family)
    if text["company"]:
        card.add("org").value = [text["company"]]
    if text["role"]:
        card.add(_property("role")).value = text["role"]
    if text["email"]:
        email = card.add("email")
        email.value = text["email"]
        if version == "3.0":
            email.type_param = "INTERNET"
    if text["phone"]:
        phone = card.add("tel")
        phone.value = text["phone"]
        if version == "4.0":  # a 4.0 TEL is a tel: URI unless it says it is text
            phone.params["VALUE"] = ["text"]
    if text["linkedin"]:
        card.add(_property("linkedin")).value = text["linkedin"]
    if include_notes and text["notes"]:
        card.add(_property("notes")).value = text["notes"]
    return card
