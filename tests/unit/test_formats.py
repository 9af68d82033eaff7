"""File formats live in one registry (transfer.FORMATS): the CLI and the palette read it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from coffeechat import cli, transfer
from coffeechat.transfer import EXPORT_FORMATS, FORMATS, IMPORT_FORMATS
from coffeechat.ui import transfer_actions

SRC = Path(__file__).resolve().parents[2] / "src" / "coffeechat"
KINDS = {f.kind for f in FORMATS}


def test_each_kind_is_declared_once_and_goes_at_least_one_way() -> None:
    assert len(KINDS) == len(FORMATS)
    for fmt in FORMATS:
        assert fmt.reader or fmt.writer
        assert fmt.suffix.startswith(".")
        assert bool(fmt.reader) == bool(fmt.import_title and fmt.import_help)
        assert bool(fmt.writer) == bool(fmt.export_title and fmt.export_help)


def test_the_cli_offers_exactly_the_registered_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    for kind in IMPORT_FORMATS:
        assert parser.parse_args(["import", kind, "file"]).kind == kind
    for kind in EXPORT_FORMATS:
        assert parser.parse_args(["export", kind]).kind == kind
    for command, unknown in (("import", "ics"), ("export", "linkedin")):
        with pytest.raises(SystemExit):
            parser.parse_args([command, unknown, "file"][: 3 if command == "import" else 2])
        assert unknown in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["export", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for fmt in EXPORT_FORMATS.values():
        assert f"{fmt.kind} ({fmt.title})" in shown


def test_the_palette_lists_exactly_the_registered_formats() -> None:
    assert {
        f.kind: (f.import_title, f.import_help) for f in IMPORT_FORMATS.values()
    } == transfer_actions.IMPORTS
    assert {
        f.kind: (f.export_title, f.export_help) for f in EXPORT_FORMATS.values()
    } == transfer_actions.EXPORTS


@pytest.mark.parametrize("kind", sorted(EXPORT_FORMATS))
def test_a_default_export_file_takes_the_registered_suffix(kind: str) -> None:
    path = transfer.default_export_path(kind, datetime(2026, 11, 22, 10, 0))
    assert path.name == f"coffeechat-2026-11-22{EXPORT_FORMATS[kind].suffix}"


def kind_comparisons(path: Path) -> list[str]:
    """Places that compare something with a format's kind string (an if/elif chain's links)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                if isinstance(operand, ast.Constant) and operand.value in KINDS:
                    found.append(f"{path.name}:{node.lineno}")
    return found


@pytest.mark.parametrize("module", ["transfer.py", "cli.py", "ui/transfer_actions.py"])
def test_no_module_dispatches_on_kind_strings(module: str) -> None:
    assert kind_comparisons(SRC / module) == []


def test_listing_the_formats_loads_no_format_library() -> None:
    code = (
        "import json, sys\n"
        "import coffeechat.transfer\n"
        "print(json.dumps(sorted(m for m in sys.modules if m in ('vobject', 'icalendar'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(result.stdout) == []


def test_an_unknown_kind_is_a_programming_error(repo, now) -> None:
    with pytest.raises(ValueError, match="unknown export kind"):
        transfer.export_bytes(repo, "pdf", now)
