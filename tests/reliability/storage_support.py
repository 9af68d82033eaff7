"""Running ``coffeechat`` in-process on one database, for the storage reliability tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coffeechat.cli import main
from coffeechat.storage.atomic import serialise
from coffeechat.storage.repository import SCHEMA_VERSION
from tests.unit.cli_support import NOW_TEXT, Result

CREATED: dict[str, Any] = {
    "id": "e0000000000000000000000000000001",
    "kind": "created",
    "at": "2026-11-12T10:00:00+00:00",
    "recorded_at": "2026-11-12T10:00:00+00:00",
    "from": None,
    "to": "identified",
    "note": "",
    "data": {},
}


def contact_record(name: str, number: int) -> dict[str, Any]:
    """A well-formed stored contact (schema 3) with its own ids."""
    return {
        "id": f"c{number:031d}",
        "name": name,
        "company": "",
        "role": "",
        "email": "",
        "phone": "",
        "linkedin": "",
        "source": "",
        "referred_by": "",
        "notes": "",
        "events": [{**CREATED, "id": f"e{number:031d}"}],
    }


def database_bytes(contacts: dict[str, Any]) -> bytes:
    return serialise(
        {"contacts": contacts, "meta": {"1": {"schema": SCHEMA_VERSION}}, "questions": {}}
    )


def stored_names(path: Path) -> list[str]:
    return sorted(record["name"] for record in json.loads(path.read_bytes())["contacts"].values())


def cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> Result:
    """``coffeechat --db DB ARGV`` in-process at the frozen clock; never a traceback."""
    code = main(
        ["--db", str(db), *argv] if argv else ["--db", str(db)], {"COFFEECHAT_NOW": NOW_TEXT}
    )
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out
    return Result(code, out, err)
