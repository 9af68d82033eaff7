"""What ``coffeechat`` prints is safe: no terminal control from a file, no locals (issue 10)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from coffeechat import cli
from coffeechat.domain import records
from tests.unit.cli_support import NOW, Run

HOSTILE_NAME = "Ada\x1b[2J\x1b]0;pwned\x07Lovelace\x00"
HOSTILE_COMPANY = "Evil\x9b31mCo\rOverwritten\n\tNext line"
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\x9b", "\r")


READER_CLEANING = {name: getattr(records, name) for name in ("_clean", "printable", "one_line")}


@pytest.fixture(autouse=True)
def text_past_the_input_cleaning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let raw text through the reader's cleaning, to test the last line of defence.

    Text from a file is cleaned as it is read (``domain/records.py``); the
    CLI's output escaping must hold even if raw text ever got past that.
    """

    def same(*args: str) -> str:
        return args[-1]

    for name in READER_CLEANING:
        monkeypatch.setattr(records, name, same)


def hostile_database(run: Run, db: Path) -> None:
    """Ada, met two days ago, with control characters in her name and company.

    Written into the file by hand, as a synced or hand-edited database could be.
    """
    assert run("add", "Ada Lovelace", "--company", "Engines").code == 0
    assert run("advance", "ada", "--at", (NOW - timedelta(days=3)).isoformat()).code == 0
    assert run("advance", "ada", "--at", (NOW - timedelta(days=2)).isoformat()).code == 0
    data = json.loads(db.read_text())
    (record,) = data["contacts"].values()
    record["name"], record["company"] = HOSTILE_NAME, HOSTILE_COMPANY
    db.write_text(json.dumps(data))


def assert_no_raw_controls(text: str) -> None:
    for control in RAW_CONTROLS:
        assert control not in text, (control, text)


@pytest.mark.parametrize(
    "argv",
    [
        ("list",),
        ("list", "--archived"),
        ("due",),
        ("due", "--quiet"),
        ("advance", "lovelace"),
        ("advance", "Nobody\x1b[2J"),
        ("advance", "\x1b"),
    ],
)
def test_control_characters_from_the_file_are_shown_as_escapes(
    run: Run, db: Path, argv: tuple[str, ...]
) -> None:
    hostile_database(run, db)
    result = run(*argv)
    assert_no_raw_controls(result.out)
    assert_no_raw_controls(result.err)
    if argv[0] == "due" and len(argv) == 1:
        assert len(result.out.splitlines()) == 5, result.out  # summary, blank, header, 2


def test_list_shows_the_escapes_on_one_line(run: Run, db: Path) -> None:
    hostile_database(run, db)
    lines = run("list").out.splitlines()
    assert len(lines) == 2, lines
    assert "Ada\\x1b[2J\\x1b]0;pwned\\x07Lovelace\\x00" in lines[1]
    assert "Evil\\u009b31mCo\\x0dOverwritten\\x0a\\x09Next line" in lines[1]


def test_advance_names_the_contact_with_escapes(run: Run, db: Path) -> None:
    hostile_database(run, db)
    result = run("advance", "lovelace")
    assert result.code == 0, result
    assert result.out.startswith("Ada\\x1b[2J")


@pytest.mark.parametrize("argv", [("list", "--json"), ("due", "--json")])
def test_json_output_escapes_controls_and_still_reads_back(
    run: Run, db: Path, argv: tuple[str, ...]
) -> None:
    hostile_database(run, db)
    result = run(*argv)
    assert_no_raw_controls(result.out)
    (row,) = result.json()
    assert row["name"] == HOSTILE_NAME
    assert row["company"] == HOSTILE_COMPANY


class _Terminal(io.TextIOWrapper):
    """A stdout that says it is a terminal, keeping what is written as bytes."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8")

    def isatty(self) -> bool:
        return True

    def written(self) -> str:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8")


@pytest.mark.parametrize("kind", ["csv", "vcard", "json", "ics"])
def test_export_to_a_terminal_shows_controls_as_escapes(
    run: Run, db: Path, env: dict[str, str], kind: str
) -> None:
    hostile_database(run, db)
    terminal = _Terminal()
    with contextlib.redirect_stdout(terminal):
        code = cli.main(["export", kind], env)
    assert code == 0
    shown = terminal.written()
    assert_no_raw_controls(shown)


def test_export_to_a_pipe_or_file_keeps_the_bytes(run: Run, db: Path, env: dict[str, str]) -> None:
    hostile_database(run, db)
    pipe = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(pipe):
        assert cli.main(["export", "json"], env) == 0
    pipe.flush()
    raw = pipe.buffer
    assert isinstance(raw, io.BytesIO)
    exported = raw.getvalue()
    assert "\u009b".encode() in exported  # JSON escapes C0 itself; C1 stays as it was
    assert cli.main(["export", "json", "-o", str(db.parent / "file.json")], env) == 0
    assert (db.parent / "file.json").read_bytes() == exported


# -- 18: a crash prints one line and keeps the details private ---------------------------


def test_an_unexpected_error_prints_one_line_and_writes_a_private_report(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert run("add", "Ada Lovelace", "--note", "Secret: moving to Acme").code == 0

    def broken(*_: object) -> int:
        notes = "Secret: moving to Acme"  # a local a pretty traceback would show
        raise RuntimeError("boom " + str(len(notes)))

    monkeypatch.setitem(cli._HANDLERS, "list", broken)
    result = run("list")
    assert result.code == cli.EXIT_CRASH != 0
    assert result.out == ""
    assert result.err.count("\n") == 1, result.err
    assert "Secret" not in result.err
    assert "RuntimeError" in result.err
    found = re.search(r"(/\S+\.txt)", result.err)
    assert found, result.err
    report = Path(found[1])
    assert report.is_file()
    assert report.is_relative_to(tmp_path / "state")
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    text = report.read_text()
    assert "RuntimeError: boom 22" in text
    assert "Traceback" in text
    assert "Secret" not in text  # no locals, ever


def test_without_the_patch_the_reader_has_already_cleaned_the_text(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_database(run, db)
    for name, original in READER_CLEANING.items():
        monkeypatch.setattr(records, name, original)
    lines = run("list").out.splitlines()
    assert len(lines) == 2, lines
    assert "Ada[2J]0;pwnedLovelace" in lines[1]
    assert "\\x" not in lines[1]  # nothing left for the output layer to escape


def test_a_bidi_override_typed_on_the_command_line_is_shown_as_an_escape(run: Run) -> None:
    """Not from a file, so nothing cleaned it: the output escaping must cover it too."""
    result = run("advance", "Nobody\u202eevil")
    assert result.code == 1
    assert "\u202e" not in result.err
    assert "Nobody\\u202eevil" in result.err
