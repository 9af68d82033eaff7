"""Shared fixtures for the domain and storage unit tests.

``now`` itself comes from tests/conftest.py (a frozen, timezone-aware moment).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.cli import main
from coffeechat.domain import pipeline
from coffeechat.domain.model import Contact
from coffeechat.domain.stages import Stage
from tests.unit.cli_support import NOW_TEXT, Result, Run


@pytest.fixture
def ids() -> Callable[[], str]:
    """Predictable ids: id0001, id0002, ..."""
    counter = itertools.count(1)
    return lambda: f"id{next(counter):04d}"


@pytest.fixture
def make_contact(ids: Callable[[], str], now: datetime) -> Callable[..., Contact]:
    """Build a contact and advance it, one hour per move, to ``stage``.

    The last move happens at ``stage_at`` (default: an hour before ``now``).
    """

    def make(
        name: str = "Ada Lovelace",
        *,
        stage: Stage = Stage.IDENTIFIED,
        stage_at: datetime | None = None,
        **fields: str,
    ) -> Contact:
        last = stage_at or now - timedelta(hours=1)
        moves = list(Stage).index(stage)
        created = last - timedelta(hours=moves)
        contact = pipeline.new_contact({"name": name, **fields}, created, ids(), ids())
        for step in range(1, moves + 1):
            when = created + timedelta(hours=step)
            contact = contact.with_event(pipeline.advance(contact, when, ids()))
        assert contact.stage is stage
        return contact

    return make


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where a CLI test's database lives."""
    return tmp_path / "contacts.json"


@pytest.fixture
def env(db: Path) -> dict[str, str]:
    """The environment a CLI test runs in: its database and the frozen clock."""
    return {"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": NOW_TEXT}


@pytest.fixture
def run(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Run:
    """Run ``coffeechat ARGV`` in-process; never a traceback on stderr."""

    def run(*argv: str, environ: dict[str, str] | None = None) -> Result:
        code = main(list(argv), env if environ is None else environ)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        assert "Traceback" not in out
        return Result(code, out, err)

    return run
