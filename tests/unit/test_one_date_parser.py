"""Dates are read in one place, domain/dates.py (on dateutil); nothing keeps a second parser."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from coffeechat.domain.dates import DateParseError, is_month_name, parse_date
from coffeechat.domain.errors import UserError

SRC = Path(__file__).resolve().parents[2] / "src" / "coffeechat"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026-03-04", date(2026, 3, 4)),  # ISO stays ISO, never day first
        ("20 Nov 2026", date(2026, 11, 20)),
        ("20 Sept 2026", date(2026, 9, 20)),
        ("03/04/2025", date(2025, 4, 3)),  # otherwise day first
        ("  1 January 2025 ", date(2025, 1, 1)),
    ],
)
def test_parse_date_reads(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["someday", "2026-02-30", "31 Feb 2024", "", "99999999999"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text)
    assert isinstance(caught.value, UserError)
    assert isinstance(caught.value, ValueError)


def test_month_names_are_dateutils() -> None:
    assert all(is_month_name(word) for word in ("Nov", "nov", "November", "Sept", "sep"))
    assert not any(is_month_name(word) for word in ("Mon", "Ma", "Foo", ""))


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_only_dates_py_imports_dateutils_parser() -> None:
    users = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "dateutil.parser" in imports_of(path)
    )
    assert users == ["domain/dates.py"]


@pytest.mark.parametrize(
    ("module", "name"),
    [("domain/model.py", "_calendar_date"), ("interchange/linkedin.py", "_MONTHS")],
)
def test_the_old_second_parsers_are_gone(module: str, name: str) -> None:
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    defined = {
        node.name if isinstance(node, ast.FunctionDef) else getattr(node.targets[0], "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.Assign)
    }
    assert name not in defined
