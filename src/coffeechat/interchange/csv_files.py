"""Spreadsheets in and out: any CSV with a header row, and a CSV of every contact.

Reading is forgiving about the file (BOM, CRLF, comma/semicolon/tab, quoted
commas and newlines, blank rows) and exact about what went wrong: a bad row
becomes a ``RowError`` on the physical line where it starts, and the rest
imports.  Writing neutralises cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from coffeechat.domain.events import Advance, Archive, Created, Restore, Touch
from coffeechat.domain.fields import CONTACT_FIELDS, FIELDS
from coffeechat.domain.model import Contact
from coffeechat.domain.stages import Stage
from coffeechat.domain.text import printable
from coffeechat.interchange.errors import InterchangeError, MappingError
from coffeechat.interchange.matching import Incoming, RowError

# Mapping targets beyond the contact fields: joined into ``name`` when there
# is no single name column.
NAME_PARTS: tuple[str, ...] = ("first_name", "last_name")
MAPPING_TARGETS: tuple[str, ...] = (*CONTACT_FIELDS, *NAME_PARTS)

# -- reading a text file ---------------------------------------------------------------


def read_text(path: Path) -> tuple[str, RowError | None]:
    """The file's text, or "" and the one RowError saying where it isn't text.

    UTF-8 with or without a BOM; UTF-16 when it starts with a UTF-16 BOM (what
    Excel's "Unicode Text" writes).  Other encodings are refused rather than
    guessed: a wrong guess turns "Müller" into "MÃ¼ller" silently.  A file
    that can't be read at all raises InterchangeError.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InterchangeError(f"Can't read {path}: {error.strerror or error}.") from None
    skipped = 0
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        skipped = len(codecs.BOM_UTF8)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        return data[skipped:].decode(encoding), None
    except UnicodeDecodeError as error:
        offset = skipped + error.start
        # Named as the encoding it was read as: a file starting with a UTF-16 mark
        # that breaks off was reported as "byte 14 (0x0a) is not UTF-8 text".
        what = "UTF-8 text" if encoding == "utf-8" else "UTF-16 text (as its first bytes say)"
        return "", RowError(
            line_of_byte(data, offset),
            f"byte {offset} (0x{data[offset]:02x}) is not {what}; save the file "
            "as UTF-8 (in Excel: CSV UTF-8) and import it again",
        )


def line_of_byte(data: bytes, offset: int) -> int:
    """The 1-based line of ``data`` that byte ``offset`` is on (CR LF, LF or a lone CR end one)."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def split_lines(text: str) -> list[str]:
    """The physical lines of ``text``, endings kept, split only on \\n, \\r\\n and \\r.

    (``str.splitlines`` also splits on form feeds and U+2028, which would put
    line numbers out of step with the csv module and with the user's editor.)
    """
    return list(io.StringIO(text, newline=""))


_DELIMITERS = (",", ";", "\t")


def guess_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most cells (comma on a tie)."""

    def cells(delimiter: str) -> int:
        try:
            return len(next(csv.reader([header_line], delimiter=delimiter), []))
        except csv.Error:
            return 0

    return max(_DELIMITERS, key=cells)  # max keeps the first of equals: the comma


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record and the physical line it starts on."""

    line: int
    cells: list[str]


def csv_rows(lines: Sequence[str], first_line: int, delimiter: str) -> Iterator[Row | RowError]:
    """Parse ``lines`` (the first is physical line ``first_line``) record by record.

    Blank lines come out as rows with no cells.  A record the csv module
    rejects becomes a RowError and reading goes on; a quote that is never
    closed would swallow the rest of the file, so reading restarts on the line
    after the one where it opened.
    """
    index = 0
    while index < len(lines):
        base = index
        reader = csv.reader(lines[base:], delimiter=delimiter, strict=True)
        while True:
            start = base + reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield RowError(first_line + start, _csv_problem(str(error)))
                if base + reader.line_num >= len(lines):
                    index = start + 1
                    break
                continue
            yield Row(first_line + start, cells)


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return "a quoted value starts on this line and is never closed"
    if "expected after" in message:
        return 'a quote inside a value is not doubled (write "" for a quote)'
    if "field larger than field limit" in message:
        return f"a value is longer than {csv.field_size_limit():,} characters"
    return f"the row is not valid CSV ({message})"


# -- reading any CSV -------------------------------------------------------------------


def header_key(header: str) -> str:
    """A header as compared: "  E-Mail_Address " -> "e-mail address"."""
    return " ".join(header.replace("\ufeff", "").replace("_", " ").casefold().split())


# Headers for the name parts, which are not contact fields (those declare their own).
_NAME_PART_HEADERS = {
    "first_name": ("first name", "first", "given name", "forename"),
    "last_name": ("last name", "last", "family name", "surname"),
}


def _default_headers() -> dict[str, str]:
    headers: dict[str, str] = {}
    for spec in FIELDS:  # our own export's headers, and the form labels
        headers[header_key(spec.name)] = spec.name
        headers[header_key(spec.label)] = spec.name
    synonyms = {spec.name: spec.headers for spec in FIELDS}
    synonyms.update(_NAME_PART_HEADERS)
    for name, spellings in synonyms.items():
        for spelling in spellings:
            headers[header_key(spelling)] = name
    return headers


DEFAULT_HEADERS: Mapping[str, str] = _default_headers()


def _target(field: str) -> str | None:
    """A mapping target as typed ("Referred By", "referred-by") -> "referred_by", or None."""
    key = "_".join(field.strip().casefold().replace("-", " ").replace("_", " ").split())
    return key if key in MAPPING_TARGETS else None


def parse_mapping(text: str) -> dict[str, str]:
    """ "Org=company, Job=role" -> {"Org": "company", "Job": "role"}; MappingError if malformed."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        header, equals, field = part.partition("=")
        if not equals or not header.strip():
            raise MappingError(f'{part.strip()!r} is not COLUMN=FIELD (for example "Org=company").')
        target = _target(field)
        if target is None:
            known = ", ".join(MAPPING_TARGETS)
            raise MappingError(f"{field.strip()!r} is not a contact field; use one of: {known}.")
        mapping[header.strip()] = target
    return mapping


class _HeaderProblem(Exception):
    pass


def _columns(header: Sequence[str], mapping: Mapping[str, str]) -> dict[str, list[int]]:
    """Which columns feed each field: the mapping's first, then recognised headers."""
    names = [header_key(cell) for cell in header]
    explicit: dict[int, str] = {}
    for column, field in mapping.items():
        target = _target(field)
        if target is None:
            raise MappingError(f"{field!r} is not a contact field")
        if header_key(column) not in names:
            shown = ", ".join(cell.strip() for cell in header if cell.strip())
            raise _HeaderProblem(
                f"the mapping names a column {column!r} that is not in the header ({shown})"
            )
        explicit[names.index(header_key(column))] = target
    columns: dict[str, list[int]] = {}
    for index, field in explicit.items():
        columns.setdefault(field, []).append(index)
    mapped = set(columns)
    # A name mapped one way stops the other: "First=first_name" means the
    # "Name" column (a nickname, say) is not the name.
    if set(columns) & set(NAME_PARTS):
        mapped.add("name")
    if "name" in columns:
        mapped.update(NAME_PARTS)
    for index, name in enumerate(names):
        known = DEFAULT_HEADERS.get(name)
        if known is not None and known not in mapped and index not in explicit:
            columns.setdefault(known, []).append(index)
    if "name" not in columns and not set(NAME_PARTS) & set(columns):
        raise _HeaderProblem(
            "no name column in the header (looked for Name, Full Name, or First Name and "
            'Last Name); name one with a mapping such as --map "Contact=name"'
        )
    return columns


# What makes a spreadsheet read a cell as a formula: = + - @, and the
# fullwidth and small forms some spreadsheets (and IMEs) turn into them.
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")


def _is_formula_like(value: str) -> bool:
    """True for "=1+2", " =1+2", "＝1+2", a sign after a line break, or a leading tab or CR."""
    if value.startswith(("\t", "\r")):
        return True
    return value.lstrip()[:1] in _FORMULA_SIGNS


def _unneutralise(value: str) -> str:
    """Take off the quote an export put before a formula-like cell ("'=1+2" -> "=1+2")."""
    if value.startswith("'") and _is_formula_like(value[1:]):
        return value[1:]
    return value


def read_csv(
    path: Path, mapping: Mapping[str, str] | None = None
) -> tuple[list[Incoming], list[RowError]]:
    """People from a CSV file with a header row; unknown columns are ignored.

    ``mapping`` maps header -> contact field (or first_name / last_name) and
    wins over the built-in recognition of common headers.  Problems with the
    header itself come back as one RowError on the header's line, with no people.
    """
    text, problem = read_text(path)
    if problem is not None:
        return [], [problem]
    lines = split_lines(text)
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return [], [RowError(1, "the file is empty")]
    rows = csv_rows(lines[start:], start + 1, guess_delimiter(lines[start]))
    first = next(rows)
    if isinstance(first, RowError):
        return [], [first]
    header = first.cells
    try:
        columns = _columns(header, mapping or {})
    except _HeaderProblem as error:
        return [], [RowError(first.line, str(error))]
    people: list[Incoming] = []
    errors: list[RowError] = []
    for row in rows:
        if isinstance(row, RowError):
            errors.append(row)
            continue
        person = _person(row, columns, len(header))
        if isinstance(person, RowError):
            errors.append(person)
        elif person is not None:
            people.append(person)
    return people, errors


def _person(row: Row, columns: Mapping[str, list[int]], width: int) -> Incoming | RowError | None:
    """The person on one row; None for a blank row."""
    cells = [_unneutralise(cell.strip()) for cell in row.cells]
    if not any(cells):
        return None
    if any(cells[width:]):
        return RowError(
            row.line,
            f"the row has {len(cells)} values but the header has {width} columns; "
            "is a value with a comma missing its quotes?",
        )
    values: dict[str, str] = {}
    emails: tuple[str, ...] = ()
    for field, indexes in columns.items():
        found = [cells[i] for i in indexes if i < len(cells) and cells[i]]
        if found:
            values[field] = found[0]
            if field == "email":
                emails = tuple(found)
    parts = [values.pop(part, "") for part in NAME_PARTS]
    name = values.get("name") or " ".join(part for part in parts if part)
    if not name:
        return RowError(row.line, "no name (the name cells of this row are empty)")
    values["name"] = name
    return Incoming(line=row.line, fields=values, emails=emails)


# -- writing ---------------------------------------------------------------------------

EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    *CONTACT_FIELDS,
    "stage",
    "archived",
    "archive_reason",
    "created_at",
    "stage_changed_at",
    "history",
)


def neutralise(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: "=1+2" -> "'=1+2".

    OWASP's CSV-injection advice: a cell starting with = + - @ tab or carriage
    return is a formula to Excel, LibreOffice and Google Sheets, so it gets a
    leading quote; so does one where the sign follows spaces or a line break
    (spreadsheets skip them) or is a fullwidth or small form (＝ ＋ － ＠).
    The price is a visible quote on "+44 20 …" phone numbers.
    """
    return "'" + value if _is_formula_like(value) else value


def history_text(contact: Contact) -> str:
    """ "2026-11-01 identified; 2026-11-03 requested; 2026-11-09 archived (no response)".

    Undone changes are left out: the export says where the person stands.
    """
    entries = []
    stage = Stage.IDENTIFIED
    for event in contact.effective_events:
        day = event.at.date().isoformat()
        data = event.data
        if isinstance(data, Created | Advance):
            stage = event.to_stage or stage
            entries.append(f"{day} {stage}")
        elif isinstance(data, Touch) and stage is Stage.FOLLOW_UP:  # another follow-up
            entries.append(f"{day} {stage}")
        elif isinstance(data, Archive):
            entries.append(f"{day} archived ({data.note or data.reason.value})")
        elif isinstance(data, Restore):
            entries.append(f"{day} restored")
    return "; ".join(entries)


def write_csv(contacts: Iterable[Contact], out: TextIO) -> None:
    """One row per contact under EXPORT_COLUMNS.

    Open ``out`` with ``newline=""`` (rows end in CRLF, as RFC 4180 says) and,
    for Excel to see the accents, ``encoding="utf-8-sig"``.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for contact in contacts:
        row = [
            contact.id,
            *(getattr(contact, name) for name in CONTACT_FIELDS),
            contact.stage.value,
            "yes" if contact.archived else "no",
            contact.archive_reason,
            contact.created_at.isoformat(),
            contact.stage_changed_at.isoformat(),
            history_text(contact),
        ]
        writer.writerow([neutralise(printable(value)) for value in row])
