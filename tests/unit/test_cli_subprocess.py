"""End-to-end runs of ``python -m coffeechat`` in a child process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from coffeechat.storage.repository import Repository

SRC = Path(__file__).resolve().parents[2] / "src"
NOW_TEXT = "2026-11-22T10:00:00+00:00"
NOW = datetime.fromisoformat(NOW_TEXT)

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "contacts.json"


@pytest.fixture
def run(tmp_path: Path, db: Path) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env["COFFEECHAT_DB"] = str(db)
    env["COFFEECHAT_NOW"] = NOW_TEXT
    # Belt and braces: nothing may end up in the real home folder.
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "coffeechat", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in result.stderr
        return result

    return run


def test_add_then_list_json(run: Run, db: Path) -> None:
    added = run("add", "Ada Lovelace", "--company", "Engines", "--email", "ada@engines.example")
    assert added.returncode == 0, added.stderr
    assert added.stderr == ""
    contact_id = added.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{32}", contact_id)
    assert db.exists()

    advanced = run("advance", "lovelace")
    assert advanced.returncode == 0, advanced.stderr

    listed = run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == contact_id
    assert row["name"] == "Ada Lovelace"
    assert row["company"] == "Engines"
    assert row["email"] == "ada@engines.example"
    assert row["stage"] == "requested"
    assert row["archived"] is False


@pytest.mark.parametrize(
    "argv", [("list", "--stage", "bogus"), ("frobnicate",), ("add",), ("--no-such-option",)]
)
def test_usage_error_exits_2(run: Run, argv: tuple[str, ...]) -> None:
    result = run(*argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage:" in result.stderr


def test_user_error_exits_1_with_one_line(run: Run) -> None:
    result = run("advance", "Nobody")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("coffeechat: ")
    assert "Nobody" in lines[0]


def test_version(run: Run) -> None:
    from coffeechat import __version__

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"coffeechat {__version__}"


@pytest.mark.parametrize("argv", [("due",), ("list",), ("export", "json"), ("export", "csv")])
def test_a_reader_that_stops_early_gets_no_traceback(
    run: Run, tmp_path: Path, db: Path, argv: tuple[str, ...]
) -> None:
    """`coffeechat due | head -1`: a closed stdout is the reader's choice, not an error."""
    people = [{"name": f"Person {n}", "company": f"Company {n}"} for n in range(400)]
    Repository(db).apply_import(people, [], NOW)  # enough output to overflow a pipe's buffer
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.update(COFFEECHAT_DB=str(db), COFFEECHAT_NOW=NOW_TEXT, HOME=str(tmp_path / "home"))
    child = subprocess.Popen(
        [sys.executable, "-m", "coffeechat", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    child.stdout.readline()
    child.stdout.close()  # like head -1
    _, err = child.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err
    assert child.returncode == 0
