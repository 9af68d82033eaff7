"""LinkedIn's ``Connections.csv``, as its data export ("Get a copy of your data") writes it.

What the file looks like today, quirks included:

- a preamble before the header: a ``Notes:`` line, one long quoted line
  explaining that e-mail addresses are missing unless the member allowed
  their download, then a blank line.  Its length has changed over the years
  (older exports had none), so the header is found by its column names;
- the header ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``
  (older exports: no ``URL`` column);
- ``Email Address`` is almost always empty (members must opt in);
- ``URL`` is a profile address like ``https://www.linkedin.com/in/ada-lovelace``;
- ``Connected On`` is day, English month abbreviation and year: ``20 Nov 2026``;
- rows whose names are empty: members who closed their account or hid it;
- CRLF line endings, sometimes a UTF-8 BOM, quoted commas in Company and
  Position, and any Unicode people put in their names (emoji included).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

from coffeechat.domain.dates import DateParseError, is_month_name, parse_date
from coffeechat.domain.fields import FIELDS
from coffeechat.interchange.csv_files import (
    Row,
    csv_rows,
    header_key,
    read_text,
    split_lines,
)
from coffeechat.interchange.matching import Incoming, RowError

SOURCE = "LinkedIn"
NO_HEADER = (
    "no LinkedIn header row (First Name, Last Name, URL…) found; "
    "is this Connections.csv from LinkedIn's data export?"
)

# LinkedIn's own shape, "20 Nov 2026"; anything else but ISO is refused, not guessed.
_DAY_MONTH_YEAR = re.compile(r"\d{1,2}[ -]([^\W\d_]{3,9})\.?[ -]\d{4}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def linkedin_date(text: str) -> str:
    """ "20 Nov 2026" (or "2026-11-20") -> "2026-11-20"; ValueError for anything else.

    Month names are read in English whatever the locale (LinkedIn writes
    English ones).  A re-saved "11/20/2026" is refused rather than guessed.
    """
    text = text.strip()
    shaped = _DAY_MONTH_YEAR.fullmatch(text)
    if shaped and not is_month_name(shaped[1]):  # "20 Mon 2026": a weekday
        shaped = None
    if not (shaped or _ISO_DATE.fullmatch(text)):
        raise DateParseError(f"{text!r} is not a date like 20 Nov 2026")
    return parse_date(text).isoformat()


def _find_header(lines: Sequence[str]) -> tuple[int, str, dict[str, int]] | None:
    """The index of the header line, its delimiter and column positions, or None."""
    for index, line in enumerate(lines):
        if "name" not in line.casefold():
            continue
        for delimiter in (",", ";", "\t"):
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:
                continue
            keys = [header_key(cell) for cell in cells]
            if "first name" in keys and "last name" in keys:
                columns: dict[str, int] = {}
                for position, key in enumerate(keys):
                    columns.setdefault(key, position)
                return index, delimiter, columns
    return None


def read_linkedin(
    path: Path, *, company: str = "", position: str = ""
) -> tuple[list[Incoming], list[RowError]]:
    """The people in a LinkedIn ``Connections.csv``, and the rows that could not be read.

    ``company`` and ``position`` keep only rows whose Company / Position
    contains them (case-insensitive); rows left out are not errors.  Fields
    that are empty in the file are left out of ``Incoming.fields``.
    """
    text, problem = read_text(path)
    if problem is not None:
        return [], [problem]
    lines = split_lines(text)
    found = _find_header(lines)
    if found is None:
        return [], [RowError(1, NO_HEADER)]
    index, delimiter, columns = found
    wanted_company = company.strip().casefold()
    wanted_position = position.strip().casefold()
    people: list[Incoming] = []
    errors: list[RowError] = []
    for row in csv_rows(lines[index + 1 :], index + 2, delimiter):
        if isinstance(row, RowError):
            errors.append(row)
            continue
        cells = _Cells(row, columns)
        if not any(cells.row.cells):
            continue
        if wanted_company not in cells["company"].casefold():
            continue
        if wanted_position not in cells["position"].casefold():
            continue
        person = _person(cells)
        if isinstance(person, RowError):
            errors.append(person)
        else:
            people.append(person)
    return people, errors


class _Cells:
    """A row's cells by (normalised) header name; "" for a column the file lacks."""

    def __init__(self, row: Row, columns: dict[str, int]) -> None:
        self.row = Row(row.line, [cell.strip() for cell in row.cells])
        self.columns = columns

    def __getitem__(self, key: str) -> str:
        position = self.columns.get(key)
        cells = self.row.cells
        return cells[position] if position is not None and position < len(cells) else ""


def _person(cells: _Cells) -> Incoming | RowError:
    line = cells.row.line
    name = " ".join(part for part in (cells["first name"], cells["last name"]) if part)
    if not name:
        return RowError(
            line, "no name: LinkedIn leaves it blank for members who closed or hid their account"
        )
    connected = cells["connected on"]
    try:
        connected_on = linkedin_date(connected) if connected else ""
    except ValueError:
        return RowError(line, f"Connected On {connected!r} is not a date like 20 Nov 2026")
    fields = {spec.name: cells[spec.linkedin] for spec in FIELDS if spec.linkedin}
    fields.update(name=name, source=SOURCE, connected_on=connected_on)
    email = fields["email"]
    return Incoming(
        line=line,
        fields={key: value for key, value in fields.items() if value},
        emails=(email,) if email else (),
    )
