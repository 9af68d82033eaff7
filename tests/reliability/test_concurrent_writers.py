"""Two processes writing to one file at once never lose each other's work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import coffeechat
from coffeechat.storage.repository import Repository

# The children import the same coffeechat the tests do.
SRC = Path(coffeechat.__file__).resolve().parents[1]
PER_WRITER = 100

# Waits for "go" on stdin, adds PER_WRITER contacts, prints their ids and timings.
WRITER = """
import sys, time
from datetime import UTC, datetime
from coffeechat.storage.repository import Repository

path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
repo = Repository(path)
print("ready", flush=True)
sys.stdin.readline()
start = time.monotonic()
for n in range(count):
    contact = repo.add({"name": f"{tag}-{n}"}, datetime.now(UTC))
    print(contact.id, flush=True)
print(f"times {start} {time.monotonic()}", flush=True)
"""


def test_two_writers_adding_at_once_keep_all_contacts(tmp_path: Path) -> None:
    path = tmp_path / "contacts.json"
    Repository(path)  # create the file first so both writers open the same one
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    writers = {
        tag: subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, str(PER_WRITER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for tag in ("A", "B")
    }
    try:
        for child in writers.values():
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
        for child in writers.values():
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        results = {tag: child.communicate(timeout=60) for tag, child in writers.items()}
    finally:
        for child in writers.values():
            if child.poll() is None:
                child.kill()
                child.wait()

    printed: dict[str, list[str]] = {}
    spans = []
    for tag, (out, err) in results.items():
        assert writers[tag].returncode == 0, err
        *ids, times = out.split("\n")[:-1]
        assert len(ids) == PER_WRITER
        printed[tag] = ids
        _, start, end = times.split()
        spans.append((float(start), float(end)))
    # the two writers really ran at the same time
    assert max(start for start, _ in spans) < min(end for _, end in spans)

    contacts = Repository(path).contacts()
    ids = [c.id for c in contacts]
    assert len(contacts) == 2 * PER_WRITER
    assert len(set(ids)) == 2 * PER_WRITER
    assert set(ids) == set(printed["A"]) | set(printed["B"])
    assert {c.name for c in contacts} == {f"{t}-{n}" for t in "AB" for n in range(PER_WRITER)}
    # the raw file agrees, and TinyDB doc ids follow each writer's own order
    table = json.loads(path.read_text())["contacts"]
    assert len(table) == 2 * PER_WRITER
    assert sorted(int(doc_id) for doc_id in table) == list(range(1, 2 * PER_WRITER + 1))
    by_doc_id = [table[key]["id"] for key in sorted(table, key=int)]
    assert sorted(by_doc_id) == sorted(ids)
    for tag in "AB":
        assert [i for i in by_doc_id if i in set(printed[tag])] == printed[tag]
    assert ids == by_doc_id  # contacts() lists them oldest first
