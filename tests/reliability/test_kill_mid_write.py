"""Kill a writer with SIGKILL at random moments: the file must always parse and
hold every contact the writer reported as saved."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import coffeechat
from coffeechat.storage.repository import Repository

# The children import the same coffeechat the tests do.
SRC = Path(coffeechat.__file__).resolve().parents[1]

KILLS = 100
KILLS_PER_FILE = 25  # a fresh file now and then keeps the run short
DELAY = (0.02, 0.15)  # seconds between "ready" and SIGKILL

# Adds contacts forever, printing each id once add() has returned.
WRITER = """
import sys
from datetime import UTC, datetime
from coffeechat.storage.repository import Repository

repo = Repository(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    contact = repo.add({"name": f"Person {n}", "company": "Acme"}, datetime.now(UTC))
    print(contact.id, flush=True)
    n += 1
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def _run_and_kill(path: Path, delay: float, env: dict[str, str]) -> list[str]:
    """Start a writer, let it write for ``delay`` seconds, SIGKILL it; the ids it printed.

    One thread is the only reader of the child's stdout, line by line, from "ready" to
    end of file: every id the child printed before it died is seen (a readline() on the
    buffered wrapper followed by communicate() on the raw pipe lost the ids buffered
    by the first and made their contacts look unexplained).
    """
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read_stdout() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line)
            ready.set()
        ready.set()  # end of file: the child is gone

    reader = threading.Thread(target=read_stdout, daemon=True)
    reader.start()
    watchdog = threading.Timer(60, child.kill)
    watchdog.start()
    try:
        ready.wait()
        if lines[:1] == ["ready\n"]:
            time.sleep(delay)  # the writer runs in another process: real time is the point
        child.send_signal(signal.SIGKILL)
        assert child.stderr is not None
        err = child.stderr.read()
        child.wait()
        reader.join()
    finally:
        watchdog.cancel()
    assert lines[:1] == ["ready\n"], f"writer did not start: {lines[:1]!r}\n{err}"
    assert child.returncode == -signal.SIGKILL, f"writer died on its own:\n{err}"
    assert err == "", err
    # Only whole lines were acknowledged (a print cut short is not a promise).
    return [line[:-1] for line in lines[1:] if line.endswith("\n")]


def test_sigkill_at_random_moments_never_loses_an_acknowledged_write(tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    env = _env()
    total_acked = 0
    kills_with_acks = 0
    unacked_writes = 0
    acked: set[str] = set()
    on_disk: set[str] = set()
    path = tmp_path
    for kill in range(KILLS):
        if kill % KILLS_PER_FILE == 0:
            path = tmp_path / f"run{kill // KILLS_PER_FILE}" / "contacts.json"
            acked, on_disk = set(), set()
        context = f"seed {seed}, kill {kill}"

        printed = _run_and_kill(path, rng.uniform(*DELAY), env)
        assert len(printed) == len(set(printed)), context
        assert not set(printed) & acked, f"{context}: an id printed twice"
        total_acked += len(printed)
        kills_with_acks += bool(printed)

        acked.update(printed)
        repo = Repository(path)  # raises if the file does not parse
        now_on_disk = {c.id for c in repo.contacts(include_archived=True)}
        missing = acked - now_on_disk
        assert not missing, f"{context}: acknowledged but lost: {sorted(missing)[:5]}"
        assert on_disk <= now_on_disk, f"{context}: earlier contacts vanished"
        assert set(printed) <= now_on_disk - on_disk, f"{context}: printed an old id"
        # At most one contact can have reached the disk without being acknowledged.
        extra = now_on_disk - on_disk - set(printed)
        assert len(extra) <= 1, f"{context}: {len(extra)} unexplained contacts"
        unacked_writes += len(extra)
        on_disk = now_on_disk

    assert kills_with_acks >= KILLS // 2, f"seed {seed}: the writers hardly wrote anything"
    assert total_acked >= KILLS, f"seed {seed}: only {total_acked} writes acknowledged"
    # Evidence that kills did land inside writes: a contact on disk never
    # acknowledged, or a temp file left behind by a write cut short.
    stale = list(tmp_path.rglob("*.tmp"))
    assert unacked_writes + len(stale) > 0, f"seed {seed}: no kill landed mid-write"
