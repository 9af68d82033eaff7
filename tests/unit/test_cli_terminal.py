"""``python -m coffeechat`` against awkward terminals and pipes, in a child process (issue 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.storage.repository import Repository

SRC = Path(__file__).resolve().parents[2] / "src"
NOW_TEXT = "2026-11-22T10:00:00+00:00"
NOW = datetime.fromisoformat(NOW_TEXT)


def child_env(tmp_path: Path, db: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.update(
        COFFEECHAT_DB=str(db),
        COFFEECHAT_NOW=NOW_TEXT,
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
        XDG_STATE_HOME=str(tmp_path / "home" / "state"),
    )
    env.update(extra)
    return env


def coffeechat(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "coffeechat", *argv],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.json"
    repository = Repository(path)
    zoe = repository.add({"name": "Zoë Ünal", "company": "Café Ωmega"}, NOW)
    repository.advance(zoe.id, NOW, at=NOW - timedelta(hours=3))
    repository.advance(zoe.id, NOW, at=NOW - timedelta(hours=2))
    return path


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    "argv", [("list",), ("due",), ("advance", "zoë"), ("list", "--json"), ("due", "--help")]
)
def test_a_stdout_that_is_not_utf8_gets_escapes_not_a_traceback(
    tmp_path: Path, db: Path, encoding: str, argv: tuple[str, ...]
) -> None:
    env = child_env(tmp_path, db, PYTHONIOENCODING=encoding)
    result = coffeechat(env, *argv)
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    assert result.returncode == 0, result.stderr
    result.stdout.decode(encoding)  # what was written is in the terminal's encoding
    if argv[0] != "due" or len(argv) == 1:
        assert b"Z" in result.stdout


def test_an_ascii_stdout_shows_names_as_escapes(tmp_path: Path, db: Path) -> None:
    env = child_env(tmp_path, db, PYTHONIOENCODING="ascii")
    out = coffeechat(env, "list").stdout.decode("ascii")
    assert "Zo\\xeb \\xdcnal" in out


def test_an_error_on_an_ascii_stderr_is_one_line(tmp_path: Path, db: Path) -> None:
    env = child_env(tmp_path, db, PYTHONIOENCODING="ascii")
    result = coffeechat(env, "advance", "Ωmega-nobody")
    assert result.returncode == 1
    assert result.stderr.count(b"\n") == 1, result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["²", "①", "99999999999", "-1", "1e9"])
def test_a_strange_cadence_is_one_line(tmp_path: Path, db: Path, value: str) -> None:
    before = db.read_bytes()
    result = coffeechat(child_env(tmp_path, db), "add", "Ada", "--cadence", value)
    assert result.returncode == 1
    assert result.stderr.startswith(b"coffeechat: ")
    assert result.stderr.count(b"\n") == 1, result.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("argv", [("list",), ("due",), ("--help",), ("export", "csv")])
def test_a_reader_gone_before_the_first_byte_gets_no_traceback(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    """`coffeechat list | true`: the pipe is closed before anything is written."""
    path = tmp_path / "many.json"
    people = [{"name": f"Person {n}", "company": f"Company {n}"} for n in range(300)]
    Repository(path).apply_import(people, [], NOW)
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read
    try:
        child = subprocess.run(
            [sys.executable, "-m", "coffeechat", *argv],
            env=child_env(tmp_path, path),
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert b"Traceback" not in child.stderr, child.stderr.decode(errors="replace")
    assert b"Exception ignored" not in child.stderr, child.stderr.decode(errors="replace")
    assert child.returncode == 0
