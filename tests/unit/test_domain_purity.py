"""The domain reads no real clock and touches no files: callers pass ``now`` and texts in.

A static scan (AST) of every coffeechat/domain/*.py, so neither can come back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "coffeechat" / "domain"

CLOCK_READS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
}
FILE_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob"}
IO_MODULES = {"os", "pathlib", "shutil", "tempfile", "io", "time", "platformdirs", "glob"}


def impurities(source: str) -> list[str]:
    """What in ``source`` reads the clock or the file system, as "line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        where = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            found += [f"{where}: import {a.name}" for a in node.names if a.name in IO_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "") in IO_MODULES:
            found.append(f"{where}: from {node.module} import …")
        elif isinstance(node, ast.Attribute):
            owner = node.value.id if isinstance(node.value, ast.Name) else ""
            if (owner, node.attr) in CLOCK_READS:
                found.append(f"{where}: {owner}.{node.attr}")
            elif owner == "os":
                found.append(f"{where}: os.{node.attr}")
            elif node.attr in FILE_METHODS:
                found.append(f"{where}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in {"open", "Path"}:
            found.append(f"{where}: {node.id}")
    return found


@pytest.mark.parametrize(
    ("source", "impure"),
    [
        ("from datetime import datetime\nx = datetime.now()", True),
        ("from datetime import date\nx = date.today()", True),
        ("import time\nx = time.time()", True),
        ("with open('f') as f: pass", True),
        ("from pathlib import Path\nPath('x')", True),
        ("def f(p):\n    return p.read_text()", True),
        ("import os\nos.environ.get('X')", True),
        ("from os import path", True),
        ("from datetime import datetime, time\nx = time(9)", False),
        ("def f(now):\n    return now.date()", False),
        ("x = 'datetime.now() in a string'", False),
    ],
)
def test_the_scanner_sees_every_form(source: str, impure: bool) -> None:
    assert bool(impurities(source)) is impure, impurities(source)


def test_no_domain_module_reads_the_clock_or_the_disk() -> None:
    files = sorted(DOMAIN.glob("*.py"))
    assert len(files) > 10
    found = {
        path.name: impurities(path.read_text(encoding="utf-8"))
        for path in files
        if impurities(path.read_text(encoding="utf-8"))
    }
    assert found == {}
