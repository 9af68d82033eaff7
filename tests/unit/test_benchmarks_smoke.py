"""The benchmark scripts still run end to end (on a tiny database; no timing is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_prints_a_table_with_every_figure() -> None:
    env = dict(os.environ)
    env.pop("COFFEECHAT_DB", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "40", "--runs", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for figure in ("cold start", "advance (a)", "filter (1 char)", "due (CLI)", "peak RSS"):
        assert f"| {figure} |" in done.stdout
    assert "**40 contacts**" in done.stdout
