"""The journal across processes: kill -9 mid-write and mid-compaction, two appenders,
a reader while the file is rewritten, and a journal left by a crash read by the CLI."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import coffeechat
from coffeechat.domain.pipeline import new_contact
from coffeechat.storage import journal
from coffeechat.storage.repository import Repository
from tests.reliability.storage_support import cli

SRC = Path(coffeechat.__file__).resolve().parents[1]
NOW = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)

# Adds contacts named TAG-n for ever, printing each name once its save returned
# (acknowledged); with "compact", folds the journal into the file after each one.
WRITER = """
import sys
from datetime import UTC, datetime
from coffeechat.storage.repository import Repository

path, tag, mode, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
repo = Repository(path, journal=True)
print("ready", flush=True)
if mode == "wait":
    sys.stdin.readline()
n = 0
while count < 0 or n < count:
    name = f"{tag}-{n}"
    repo.add({"name": name}, datetime(2026, 11, 12, 10, 0, tzinfo=UTC))
    print(name, flush=True)
    if mode == "compact":
        repo.compact()
    n += 1
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def _writer(db: Path, tag: str, mode: str, count: int = -1) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), tag, mode, str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n", child.stderr.read() if child.stderr else ""
    return child


def _names(db: Path) -> set[str]:
    return {c.name for c in Repository(db, create=False).contacts(include_archived=True)}


@pytest.fixture
def big_db(tmp_path: Path) -> Path:
    """A file big enough (2,000 people) that rewriting it takes a while to kill in."""
    db = tmp_path / "contacts.json"
    repo = Repository(db)
    repo.insert_many(
        [
            new_contact(
                {"name": f"Person {n}", "notes": "x" * 200}, NOW, f"c{n:031x}", f"e{n:031x}"
            )
            for n in range(2000)
        ]
    )
    return db


def _kill_rounds(db: Path, mode: str, rounds: int) -> set[str]:
    """Start a writer, kill -9 it at a random moment, ``rounds`` times; what it acknowledged."""
    acknowledged: set[str] = set()
    chance = random.Random(12)
    for number in range(rounds):
        child = _writer(db, f"r{number}", mode)
        time.sleep(chance.uniform(0.05, 0.3))  # a real process, killed at a random instant
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        # A name is acknowledged only once its whole line was printed.
        acknowledged |= {line for line in out.split("\n")[:-1] if line}
        assert _names(db) >= acknowledged
    return acknowledged


def test_kill_9_while_appending_loses_no_acknowledged_change(big_db: Path) -> None:
    acknowledged = _kill_rounds(big_db, "append", rounds=8)
    assert len(acknowledged) > 8  # the writers did get some work done
    everyone = _names(big_db)
    assert everyone >= acknowledged
    # Whatever the kills left, a writer carries on from it and a compaction folds it all.
    repo = Repository(big_db, journal=True)
    repo.add({"name": "after"}, NOW)
    repo.compact()
    assert not big_db.with_name(big_db.name + journal.SUFFIX).exists()
    assert _names(big_db) == everyone | {"after"}


def test_kill_9_while_compacting_loses_nothing_and_never_leaves_half_a_file(
    big_db: Path,
) -> None:
    acknowledged = _kill_rounds(big_db, "compact", rounds=8)
    assert len(acknowledged) > 8
    assert _names(big_db) >= acknowledged
    assert not list(big_db.parent.glob("*.replaced-*"))  # no file was mistaken for another's


def test_two_processes_appending_at_once_keep_every_change(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    Repository(db).add({"name": "first"}, NOW)
    writers = [_writer(db, tag, "wait", 40) for tag in ("A", "B")]
    for child in writers:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=60) for child in writers]
    assert [child.returncode for child in writers] == [0, 0], results

    expected = {"first"} | {f"{tag}-{n}" for tag in "AB" for n in range(40)}
    assert _names(db) == expected
    lines = db.with_name(db.name + journal.SUFFIX).read_bytes().splitlines()
    assert len(lines) == 1 + 80  # the header, then one line per change: none overwritten


def test_a_reader_while_the_file_is_rewritten_sees_every_acknowledged_change(
    big_db: Path,
) -> None:
    child = _writer(big_db, "w", "compact")
    acknowledged: list[str] = []

    def collect() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            acknowledged.append(line.rstrip("\n"))

    collector = threading.Thread(target=collect, daemon=True)
    collector.start()
    try:
        reads = 0
        deadline = time.monotonic() + 30
        while reads < 15 and time.monotonic() < deadline:
            before = set(acknowledged)
            seen = _names(big_db)
            assert seen >= before, sorted(before - seen)
            reads += 1
        assert reads == 15
        assert len(acknowledged) > 3  # the file was being rewritten all along
    finally:
        child.kill()
        child.communicate(timeout=30)
        collector.join(timeout=30)


def test_a_journal_left_by_a_crash_is_read_by_the_cli_and_folded_by_its_next_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "contacts.json"
    Repository(db).add({"name": "Ada Lovelace"}, NOW)
    crashed = Repository(db, journal=True)  # a TUI that never got to compact
    crashed.add({"name": "Grace Hopper"}, NOW)
    journal_file = db.with_name(db.name + journal.SUFFIX)
    assert journal_file.exists()

    listed = cli(capsys, db, "list")
    assert listed.code == 0
    assert "Grace Hopper" in listed.out
    assert journal_file.exists()  # reading leaves the files alone

    added = cli(capsys, db, "add", "Hedy Lamarr")
    assert added.code == 0, added.err
    assert not journal_file.exists()  # the CLI writes the whole file, journal folded in
    assert b"Grace Hopper" in db.read_bytes()
    assert _names(db) == {"Ada Lovelace", "Grace Hopper", "Hedy Lamarr"}
