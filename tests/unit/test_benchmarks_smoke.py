"""The benchmarks still run end to end, and their data is what the issue asks for.

Tiny sizes and one round: no test asserts a time, only that every figure is
measured, the data has the promised shape, and the README table is rewritten.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coffeechat.storage.repository import Repository

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402
from benchmarks.run import README_END, README_START  # noqa: E402
from benchmarks.terminal import pty_available, screen_text  # noqa: E402


def test_synthetic_data_has_the_promised_shape_and_opens_without_migration(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contacts.json"
    summary = synthetic.write_database(path, 400)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    contacts = Repository(path).contacts(include_archived=True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # no migration wrote it
    assert len(contacts) == summary.contacts == 400
    assert 3.2 <= summary.events / 400 <= 4.2
    held = [m for c in contacts for m in c.meetings if m.held]
    assert 0.12 <= len(held) / 400 <= 0.28
    assert all(10 <= len(m.agenda) <= 15 for m in held)
    assert all(m.notes and m.takeaways for m in held)
    assert any(item.answer for m in held for item in m.agenda)
    assert any(m.promises for m in held)
    assert any(m.referrals for m in held)
    ids = {c.id for c in contacts}
    referred = [c for c in contacts if c.referrer_id]
    assert referred
    assert all(c.referrer_id in ids for c in referred)
    assert 2_500 <= summary.bytes / 400 <= 4_200  # ≈ 3.3 KB a contact
    assert len({c.name for c in contacts}) > 300


def test_screen_text_keeps_runs_of_text_and_splits_at_cursor_jumps() -> None:
    raw = b"\x1b[1;1H\x1b[38;5;1mRequested 12\x1b[0m\x1b[1;30H5 days"
    assert re.findall(r"Requested (\d+)", screen_text(raw)) == ["12"]


def test_benchmark_measures_every_figure_and_rewrites_the_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# x\n\n## Performance\n\nBefore.\n{README_START}\nOLD-TABLE\n{README_END}\nAfter.\n"
    )
    no_pty = pty_available()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFEECHAT_")}
    env["COFFEECHAT_BENCH_CACHE"] = str(tmp_path / "cache")
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "40", "--runs", "1"]
    command += ["--advances", "1", "--write-readme", "--readme", str(readme)]
    command += ["--no-terminal"] if no_pty else []
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "**40 contacts**" in done.stdout
    figures = ["`due` (whole process)"]
    if not no_pty:
        figures += ["first paint", "advance `a`", "filter: key", "peak RSS (VmHWM)"]
    for figure in figures:
        row = next(
            (line for line in done.stdout.splitlines() if line.startswith(f"| {figure}")), ""
        )
        assert re.search(r"\| \d[\d,.]* (s|ms|MB)( \([\d,.]+–[\d,.]+\))? \|", row), (
            f"no figure for {figure}: {row!r}"
        )
    text = readme.read_text()
    assert text.startswith("# x\n\n## Performance\n\nBefore.\n")
    assert text.endswith(f"{README_END}\nAfter.\n")
    assert "**40 contacts**" in text
    assert "OLD-TABLE" not in text
    if no_pty:
        pytest.skip(f"first paint, keys and RSS not measured: {no_pty}")
