"""Measure coffeechat in a real terminal against baselines measured in the same run.

    python benchmarks/run.py --sizes 10000,100000 --runs 5 --write-readme
    python benchmarks/run.py --sizes 1000 --runs 1 --src /path/to/other/checkout/src

Per size, ``--runs`` rounds, each alternating ours and the baseline:

* first paint: coffeechat on a 120×40 pty, from spawn until its board (the
  five column titles with their counts) is on the screen, to the last byte of
  that frame; then an empty bare Textual app (Header + DataTable + Footer, no
  data, no file read) the same way.  Teardown is never timed.
* in the same coffeechat session: ``a`` on a card in Identified (one key, one
  move) timed from writing the key until the frame showing the new count is
  written and the change is on disk (the database file or a ``.journal``
  beside it changed), the later of the two; ``/`` then typed characters, each
  timed until the frame showing the filter is written; then the process's
  peak RSS (VmHWM) and the empty app's.
* ``coffeechat due`` as a whole process, then a python process that imports
  orjson and parses the same file (which also prints its in-process parse time).

Each figure is the median, with the spread (min–max) beside it.  The data
(benchmarks/synthetic.py) is cached between runs.  ``--src`` picks the
coffeechat tree to run (default: this checkout's src/), so the same harness
gives before/after numbers.  ``--write-readme`` replaces the tables between
the markers in README.md's "Performance" section.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.terminal import Terminal, pty_available  # noqa: E402

README_START = "<!-- benchmarks:start (python benchmarks/run.py --write-readme) -->"
README_END = "<!-- benchmarks:end -->"
TITLES = ("Identified", "Requested", "Met", "Thanked", "Follow-up")
_COUNT = re.compile(r"\b(Identified|Requested|Met|Thanked|Follow-up) (\d[\d,]*)")
# What is typed into the filter, one word per round, one sample per character.
FILTER_WORDS = ("chen", "data", "lind", "park", "north", "sato", "legal")
PARSE_ONLY = (
    "import sys, time\n"
    "import orjson\n"
    "start = time.perf_counter()\n"
    "with open(sys.argv[1], 'rb') as file:\n"
    "    orjson.loads(file.read())\n"
    "print(time.perf_counter() - start)\n"
)


@dataclass
class Samples:
    """Timings (or sizes) of one figure, in its unit."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        """One more sample."""
        self.values.append(value)

    @property
    def median(self) -> float:
        """The median (NaN with no samples)."""
        return statistics.median(self.values) if self.values else float("nan")

    def show(self, unit: str) -> str:
        """ "0.95 s (0.91–1.02)": the median, with the spread when there is more than one."""
        if not self.values:
            return "—"
        text = _number(self.median, unit)
        if len(self.values) > 1:
            low, high = min(self.values), max(self.values)
            text += f" ({_number(low, unit, bare=True)}–{_number(high, unit, bare=True)})"
        return text


def _number(value: float, unit: str, *, bare: bool = False) -> str:
    digits = 0 if unit in ("ms", "MB") and value >= 10 else (1 if unit in ("ms", "MB") else 2)
    number = f"{value:,.{digits}f}"
    return number if bare else f"{number} {unit}"


@dataclass
class Figures:
    """Everything measured at one size."""

    paint: Samples = field(default_factory=Samples)  # s
    bare_paint: Samples = field(default_factory=Samples)  # s
    advance: Samples = field(default_factory=Samples)  # ms, max(frame, durable)
    advance_frame: Samples = field(default_factory=Samples)  # ms
    advance_durable: Samples = field(default_factory=Samples)  # ms
    filter: Samples = field(default_factory=Samples)  # ms
    bare_key: Samples = field(default_factory=Samples)  # ms, the empty app: key → frame
    rss: Samples = field(default_factory=Samples)  # MB
    bare_rss: Samples = field(default_factory=Samples)  # MB
    due: Samples = field(default_factory=Samples)  # s
    parse_process: Samples = field(default_factory=Samples)  # s
    parse_inside: Samples = field(default_factory=Samples)  # ms


@dataclass
class Setup:
    """How the apps are started."""

    src: Path
    python: str
    folder: Path  # scratch: HOME, copies of the database

    def environment(self, home: Path) -> dict[str, str]:
        """A clean environment: the clock pinned, HOME and the XDG folders private."""
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("COFFEECHAT_", "XDG_", "TEXTUAL", "PYTHON"))
        }
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            XDG_CACHE_HOME=str(home / ".cache"),
            TERM="xterm-256color",
            LANG="C.UTF-8",
            TZ="UTC",
            PYTHONPATH=str(self.src),
        )
        env.pop("COLORTERM", None)
        from benchmarks.synthetic import NOW_TEXT

        env["COFFEECHAT_NOW"] = NOW_TEXT
        return env

    def fresh_home(self, database: Path | None) -> tuple[Path, Path | None]:
        """A new HOME, with a private copy of ``database`` in it (each session changes it)."""
        home = Path(tempfile.mkdtemp(prefix="home-", dir=self.folder))
        if database is None:
            return home, None
        copy = home / "contacts.json"
        shutil.copyfile(database, copy)
        copy.chmod(0o600)
        return home, copy


# -- the terminal sessions ---------------------------------------------------------------


def _counts(text: str) -> dict[str, int]:
    """The column counts a stretch of output shows (the last one of each wins)."""
    return {title: int(number.replace(",", "")) for title, number in _COUNT.findall(text)}


def board_session(setup: Setup, database: Path, figures: Figures, advances: int, word: str) -> None:
    """First paint, advances, filter keystrokes and peak RSS of one coffeechat session."""
    home, copy = setup.fresh_home(database)
    assert copy is not None
    argv = [setup.python, "-m", "coffeechat", "--db", str(copy)]
    with Terminal(argv, setup.environment(home), cwd=home) as term:

        def board_shown(text: str) -> bool:
            return set(_counts(text)) == set(TITLES)

        burst = term.wait_for(board_shown, term.started, "board (five column titles)", timeout=600)
        figures.paint.add(burst.frame_at)
        counts = _counts(burst.text)
        term.settle()
        if counts["Identified"] < advances + 1:
            raise SystemExit(f"only {counts['Identified']} cards in Identified to advance")
        on_disk = [copy, copy.with_name(copy.name + ".journal")]
        # The day's first save also takes the daily backup: once, untimed.
        for timed in [False] + [True] * advances:
            requested = counts["Requested"]

            def moved(text: str, before: int = requested) -> bool:
                return _counts(text).get("Requested", before) > before

            start = term.press(b"a")
            burst = term.wait_for(moved, start, "frame with Requested +1", files=on_disk)
            assert burst.durable_at is not None
            counts.update(_counts(burst.text))
            if timed:
                figures.advance_frame.add(burst.frame_at * 1000)
                figures.advance_durable.add(burst.durable_at * 1000)
                figures.advance.add(max(burst.frame_at, burst.durable_at) * 1000)
            term.settle()
            term.press(b"h")  # the cursor followed the card to Requested: back to Identified
            term.settle()
        term.press(b"/")
        term.settle()
        for end in range(1, len(word) + 1):
            shown = f"“{word[:end]}”"  # the header: filter “ch”: 12 of 10000

            def filtered(text: str, shown: str = shown) -> bool:
                return shown in text

            start = term.press(word[end - 1].encode())
            burst = term.wait_for(filtered, start, f"frame filtering {shown}")
            figures.filter.add(burst.frame_at * 1000)
            term.settle()
        figures.rss.add(term.peak_rss_kib() / 1024)
    shutil.rmtree(home, ignore_errors=True)


def bare_session(setup: Setup, figures: Figures) -> None:
    """First paint and peak RSS of the empty Textual app."""
    from benchmarks.bare_app import FOOTER_WORD, PRESSED, TITLE

    home, _ = setup.fresh_home(None)
    argv = [setup.python, str(HERE / "bare_app.py")]
    with Terminal(argv, setup.environment(home), cwd=home) as term:
        burst = term.wait_for(
            lambda text: TITLE in text and FOOTER_WORD in text, term.started, "bare app's screen"
        )
        figures.bare_paint.add(burst.frame_at)
        term.settle()
        for count in range(1, 4):
            start = term.press(b"a")
            shown = f"{PRESSED} {count}"

            def counted(text: str, shown: str = shown) -> bool:
                return shown in text

            burst = term.wait_for(counted, start, f"bare app's {shown}")
            figures.bare_key.add(burst.frame_at * 1000)
            term.settle()
        figures.bare_rss.add(term.peak_rss_kib() / 1024)
    shutil.rmtree(home, ignore_errors=True)


# -- whole processes ---------------------------------------------------------------------


def _timed(argv: Sequence[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(list(argv), capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done.stdout


def due_round(setup: Setup, database: Path, figures: Figures) -> None:
    """``coffeechat due`` on the file, then orjson parsing the same file: whole processes.

    Both read a copy, so nothing the app may leave beside its file (a lock, a
    journal) ever lands beside the cached original.
    """
    home, copy = setup.fresh_home(database)
    assert copy is not None
    env = setup.environment(home)
    elapsed, _ = _timed([setup.python, "-m", "coffeechat", "due", "--db", str(copy)], env)
    figures.due.add(elapsed)
    elapsed, out = _timed([setup.python, "-c", PARSE_ONLY, str(copy)], env)
    figures.parse_process.add(elapsed)
    figures.parse_inside.add(float(out.strip().splitlines()[-1]) * 1000)
    shutil.rmtree(home, ignore_errors=True)


def warm_up(setup: Setup) -> None:
    """Compile the tree's bytecode once, so no timed run pays for it."""
    home, _ = setup.fresh_home(None)
    code = "import coffeechat.cli, coffeechat.ui.app, orjson, textual.app"
    _timed([setup.python, "-c", code], setup.environment(home))
    shutil.rmtree(home, ignore_errors=True)


def measure(
    setup: Setup,
    database: Path,
    runs: int,
    advances: int,
    terminal: bool,
    log: Callable[[str], None],
) -> Figures:
    """Every figure at one size: ``runs`` rounds, ours then the baseline each time."""
    figures = Figures()
    for round_ in range(runs):
        if terminal:
            word = FILTER_WORDS[round_ % len(FILTER_WORDS)]
            board_session(setup, database, figures, advances, word)
            bare_session(setup, figures)
        due_round(setup, database, figures)
        done = [
            f"due {figures.due.values[-1]:.2f} s (orjson {figures.parse_process.values[-1]:.2f} s)"
        ]
        if terminal:
            done[:0] = [
                f"first paint {figures.paint.values[-1]:.2f} s "
                f"(bare {figures.bare_paint.values[-1]:.2f} s)",
                f"advance {statistics.median(figures.advance.values[-advances:]):.0f} ms",
                f"filter {statistics.median(figures.filter.values[-len(word) :]):.0f} ms",
            ]
        log(f"  round {round_ + 1}/{runs}: " + ", ".join(done))
    return figures


# -- the table ---------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a table."""

    figure: str
    ours: Samples
    unit: str
    baseline: Samples | None
    target: str
    met: bool | None


def _targets(size: int) -> dict[str, Any] | None:
    """Issue 12's targets for the two sizes it names (None for other sizes)."""
    if size == 10_000:
        return {"paint_s": None, "paint_x": 1.5, "advance": 25, "filter": 30, "due_x": 1.5,
                "rss": 120}  # fmt: skip
    if size == 100_000:
        return {"paint_s": 2.0, "paint_x": 5.0, "advance": 30, "filter": 150, "due_x": 1.5,
                "rss": 250}  # fmt: skip
    return None


def rows(size: int, f: Figures) -> list[Row]:
    """The table's rows with verdicts against the targets for this size."""
    t = _targets(size)

    def judged(ok: bool) -> bool | None:
        return ok if t is not None else None

    paint_ratio = f.paint.median / f.bare_paint.median if f.bare_paint.values else float("nan")
    due_ratio = f.due.median / f.parse_process.median
    result = []
    key_floor = f.bare_key if f.bare_key.values else None
    if f.paint.values:
        if t is None:
            paint_target = "—"
            paint_ok = None
        elif t["paint_s"] is not None:
            paint_target = f"≤ {t['paint_s']:g} s and ≤ {t['paint_x']:g}× bare"
            paint_ok = f.paint.median <= t["paint_s"] and paint_ratio <= t["paint_x"]
        else:
            paint_target = f"≤ {t['paint_x']:g}× bare"
            paint_ok = paint_ratio <= t["paint_x"]
        result += [
            Row("first paint", f.paint, "s", f.bare_paint, paint_target, judged(bool(paint_ok))),
            Row("advance `a`: key → frame, on disk", f.advance, "ms", key_floor,
                f"≤ {t['advance']} ms" if t else "—",
                judged(t is not None and f.advance.median <= t["advance"])),
            Row("filter: key → frame", f.filter, "ms", key_floor,
                f"≤ {t['filter']} ms" if t else "—",
                judged(t is not None and f.filter.median <= t["filter"])),
        ]  # fmt: skip
    result.append(
        Row("`due` (whole process)", f.due, "s", f.parse_process,
            f"≤ {t['due_x']:g}× orjson" if t else "—",
            judged(t is not None and due_ratio <= t["due_x"]))
    )  # fmt: skip
    if f.rss.values:
        result.append(
            Row("peak RSS (VmHWM)", f.rss, "MB", f.bare_rss,
                f"≤ {t['rss']} MB" if t else "—",
                judged(t is not None and f.rss.median <= t["rss"]))
        )  # fmt: skip
    return result


def render(size: int, summary: Any, figures: Figures) -> str:
    """One size as GitHub-flavoured Markdown: a heading line, the table, the details."""
    lines = [
        f"**{size:,} contacts** (file {summary.bytes / 1e6:.1f} MB: {summary.line()})",
        "",
        "| figure | coffeechat | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    for row in rows(size, figures):
        base = row.baseline.show(row.unit) if row.baseline is not None else "—"
        ratio = (
            f"{row.ours.median / row.baseline.median:.2f}×"
            if row.baseline is not None and row.baseline.values
            else "—"
        )
        met = {True: "yes", False: "**no**", None: ""}[row.met]
        ours = row.ours.show(row.unit)
        lines.append(f"| {row.figure} | {ours} | {base} | {ratio} | {row.target} | {met} |")
    lines.append("")
    details = [
        f"orjson.loads alone (inside the baseline process) {figures.parse_inside.show('ms')}"
    ]
    if figures.advance.values:
        details.insert(
            0,
            f"advance split: frame {figures.advance_frame.show('ms')}, "
            f"on disk {figures.advance_durable.show('ms')}",
        )
    lines.append("; ".join(details) + ".")
    return "\n".join(lines)


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import textual

        textual_version = f"Textual {textual.__version__}"
    except (ImportError, AttributeError):
        textual_version = "Textual ?"
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {textual_version}"


def _revision(src: Path) -> str:
    """The last commit that changed the measured tree (and whether it has uncommitted changes)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(src), "log", "-1", "--format=%h", "--", "."],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(src), "status", "--porcelain", "--", "."],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return head + (" +uncommitted changes" if dirty else "")


def write_readme(readme: Path, block: str) -> None:
    """Replace what stands between the markers in ``readme`` with ``block``."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme}: no {README_START} … {README_END} markers")
    text = text[: start + len(README_START)] + "\n" + block.strip() + "\n" + text[end:]
    readme.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, measure every size, print the tables (and write them to README)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="10000", help="contacts, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="rounds per size (ours, baseline)")
    parser.add_argument("--advances", type=int, default=5, help="timed `a` keys per round")
    parser.add_argument("--seed", type=int, default=None, help="the data's random seed")
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="the coffeechat source tree to run"
    )
    parser.add_argument(
        "--no-terminal", action="store_true", help="skip the pty figures (first paint, keys, RSS)"
    )
    parser.add_argument("--write-readme", action="store_true", help="rewrite README's tables")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    src = args.src.resolve()
    if not (src / "coffeechat" / "__init__.py").exists():
        parser.error(f"--src {src}: no coffeechat package there")
    sys.path.insert(0, str(src))
    from benchmarks import synthetic

    seed = synthetic.SEED if args.seed is None else args.seed
    terminal = not args.no_terminal
    if terminal and (why := pty_available()):
        parser.error(f"{why}; run with --no-terminal")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    heading = (
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {_machine()}; coffeechat at "
        f"{_revision(src)}; median of {args.runs} round{'s' * (args.runs != 1)} "
        f"(spread min–max in brackets)."
    )
    print(heading + "\n", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="coffeechat-bench-"))
    tables = []
    try:
        setup = Setup(src=src, python=sys.executable, folder=folder)
        warm_up(setup)
        for size in sizes:
            log(f"{size:,} contacts: preparing the data (cached in {synthetic.cache_folder()})")
            database, summary = synthetic.cached_database(size, seed)
            figures = measure(setup, database, args.runs, args.advances, terminal, log)
            tables.append(render(size, summary, figures))
            print(tables[-1], end="\n\n", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.write_readme:
        write_readme(args.readme, heading + "\n\n" + "\n\n".join(tables))
        log(f"wrote the tables into {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
