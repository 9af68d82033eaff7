"""Measure coffeechat against its floor and print one table per database size.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 7]

Every figure is the median of ``--runs`` runs and is printed beside a
baseline measured in the same run, so the ratio holds on a noisy machine.
Nothing here is a test: the numbers are read by people (README "Performance").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.synthetic import write_database  # noqa: E402


@dataclass
class Row:
    """One line of a table: our figure, its baseline, and the target."""

    figure: str
    ours: float
    baseline: float | None
    unit: str
    target: str
    met: bool | None


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("COFFEECHAT_NOW", None)
    return env


def _timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=_environment(), check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr}")
    return elapsed, done.stdout


def _median_run(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and median of the last stdout line as a number (e.g. RSS)."""
    times, numbers = [], []
    for _ in range(runs):
        elapsed, out = _timed(command)
        times.append(elapsed)
        last = out.strip().splitlines()[-1] if out.strip() else ""
        if last.replace(".", "", 1).isdigit():
            numbers.append(float(last))
    return statistics.median(times), statistics.median(numbers) if numbers else 0.0


def measure(size: int, runs: int, folder: Path) -> tuple[list[Row], int]:
    """Every figure at one database size."""
    path = write_database(
        folder / f"contacts-{size}.json", size, datetime(2026, 11, 22, 10, tzinfo=UTC)
    )
    file_size = path.stat().st_size
    python = sys.executable
    startup = str(HERE / "startup.py")

    cold, rss = _median_run([python, startup, "coffeechat", str(path)], runs)
    bare_cold, bare_rss = _median_run([python, startup, "bare", str(path)], runs)

    fresh = folder / f"keys-{size}.json"
    shutil.copy(path, fresh)
    _, out = _timed([python, str(HERE / "interactive.py"), str(fresh), str(runs)])
    keys = json.loads(out.strip().splitlines()[-1])
    advance = statistics.median(keys["advance"])
    tinydb = statistics.median(keys["tinydb"])
    filtering = statistics.median(keys["filter"])

    due, _ = _median_run([python, "-m", "coffeechat", "due", "--db", str(path)], runs)
    parse_only = [python, "-c", "import json, sys; json.load(open(sys.argv[1]))", str(path)]
    parse, _ = _median_run(parse_only, runs)

    big = size >= 100_000
    judged = size in (10_000, 100_000)  # the sizes the targets are set for

    def verdict(ok: bool) -> bool | None:
        return ok if judged else None

    rows = [
        Row("cold start", cold, bare_cold, "s",
            "≤ 3 s" if big else "≤ 1.3× bare Textual",
            verdict(cold <= 3 if big else cold <= 1.3 * bare_cold)),
        Row("advance (a)", advance, tinydb, "ms",
            "≤ 150 ms" if big else "≤ 25 ms and ≤ 1/3 TinyDB",
            verdict(advance <= 150 if big else advance <= 25 and advance <= tinydb / 3)),
        Row("filter (1 char)", filtering, None, "ms", "—" if big else "≤ 50 ms",
            None if big else verdict(filtering <= 50)),
        Row("due (CLI)", due, parse, "s", "≤ 2× parse-only", verdict(due <= 2 * parse)),
        Row("peak RSS", rss / 1024, bare_rss / 1024, "MB", "≤ 400 MB" if big else "—",
            verdict(rss / 1024 <= 400) if big else None),
    ]  # fmt: skip
    return rows, file_size


def render(size: int, file_size: int, rows: list[Row]) -> str:
    """One table as GitHub-flavoured Markdown."""
    lines = [
        f"**{size:,} contacts** (file {file_size / 1e6:.1f} MB)",
        "",
        "| figure | coffeechat | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        digits = 0 if row.unit in ("ms", "MB") and row.ours >= 10 else 2
        ours = f"{row.ours:.{digits}f} {row.unit}"
        base = f"{row.baseline:.{digits}f} {row.unit}" if row.baseline is not None else "—"
        ratio = f"{row.ours / row.baseline:.2f}×" if row.baseline else "—"
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        lines.append(f"| {row.figure} | {ours} | {base} | {ratio} | {row.target} | {met} |")
    return "\n".join(lines)


def main() -> int:
    """Parse arguments, measure every size, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(
        f"coffeechat benchmarks · {datetime.now():%Y-%m-%d} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · median of {args.runs} runs\n"
    )
    folder = Path(tempfile.mkdtemp(prefix="coffeechat-bench-"))
    try:
        for size in sizes:
            rows, file_size = measure(size, args.runs, folder)
            print(render(size, file_size, rows), end="\n\n", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
