"""Hostile input: random command lines, random form fields, hostile text typed into the TUI.

Whatever a person types, coffeechat either does it or says why in one line;
it never shows a traceback, and what it saves is exactly what it reads back.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import platformdirs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, TextArea

import coffeechat.cli
from coffeechat.cli import build_parser, main
from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.model import CONTACT_FIELDS, FIELD_LABELS, ValidationError, clean_fields
from coffeechat.domain.stages import Stage
from coffeechat.storage.atomic import serialise
from coffeechat.storage.repository import Repository
from coffeechat.ui.app import make_app
from coffeechat.ui.dialogs.contact_form import ContactForm
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.conftest import NOW, counting_ids
from tests.ui.conftest import SIZE, card_ids, seed

NOW_TEXT = "2026-11-22 10:00"

# -- (a) random command lines ----------------------------------------------------------------


def _parser_words(parser: argparse.ArgumentParser) -> set[str]:
    """Every command, option and choice the parser knows, read from the parser itself."""
    words: set[str] = set()
    for action in parser._actions:
        words.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                words.add(name)
                words |= _parser_words(sub)
        elif action.choices is not None:
            words.update(str(choice) for choice in action.choices)
    return words


def _command_options() -> list[tuple[str, str]]:
    """(command, option) for every option of every command, top level as command ""."""
    parser = build_parser()
    pairs = [("", o) for a in parser._actions for o in a.option_strings]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                pairs += [(name, o) for a in sub._actions for o in a.option_strings]
    return pairs


# The parser's own words (so a new option is fuzzed the day it is added), then values.
PARSER_WORDS = sorted(_parser_words(build_parser()))
VALUES = [
    "Ada", "ada lovelace", "grace", "met", "identified", "follow-up", "FOLLOW_UP",
    "now", "yesterday 3pm", "in 3 days", "2026-11-20 14:00", "tomorrow", "next tuesday 3pm",
    "99999 days ago", "0000-00-00", "9999-12-31 23:59", "a@b.co", "linkedin.com/in/ada",
    "[bold]x[/]", "👩🏽‍💻", "مريم", "\u202eevil", "\t", "\n", " ", "",
    "0", "-1", "3", "²", "٣", "½", "1e9", "nan", "99999999999999999999", "3 months",
    "Name=name,Email=email", "=", ",", "..", ".", "contacts.json", "missing.csv",
]  # fmt: skip
WORDS = [*PARSER_WORDS, "--", "-", "--d", "--st", "--at=", "--db=", *VALUES]

# Real argv cannot hold NUL, and a path with "/" or a leading "~" could point outside
# the test's folder (an absolute --db would write wherever it names, as root).
ARG_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00/~"),
    max_size=24,
)
ARGV = st.lists(st.one_of(st.sampled_from(WORDS), ARG_TEXT), max_size=8)
NOW_VALUES = st.one_of(st.just(NOW_TEXT), st.just(""), st.sampled_from(WORDS), ARG_TEXT)
POSITIONALS = {  # what each command needs before its options, to reach them
    "": [], "add": ["Ada"], "advance": ["grace"], "list": [], "due": [],
    "import": ["csv", "contacts.json"], "export": ["json"],
    "delete": ["grace"], "merge-contacts": ["ada", "grace"],
}  # fmt: skip
COMMAND_OPTIONS = _command_options()


@st.composite
def option_lines(draw: st.DrawFn) -> list[str]:
    """A command, what it needs, then one to three of its options with hostile values."""
    command, option = draw(st.sampled_from(COMMAND_OPTIONS))
    argv = [command, *POSITIONALS[command]] if command else []
    for _ in range(draw(st.integers(0, 2))):
        other = draw(st.sampled_from([o for c, o in COMMAND_OPTIONS if c == command]))
        argv += [other, draw(st.one_of(st.sampled_from(VALUES), ARG_TEXT))]
    return [*argv, option, draw(st.one_of(st.sampled_from(VALUES), ARG_TEXT))]


def test_the_fuzz_knows_every_option_of_every_command() -> None:
    expected = {"--cadence", "--connected-on", "--phone", "--source", "--include-notes", "--map"}
    assert expected <= set(WORDS)
    assert {command for command, _ in COMMAND_OPTIONS} == set(POSITIONALS)
    assert ("add", "--cadence") in COMMAND_OPTIONS
    assert ("export", "-o") in COMMAND_OPTIONS


def _template(folder: Path) -> Path:
    """A database with Ada (identified) and Grace (met 30 h ago) to act on."""
    repo = Repository(folder / "contacts.json", id_factory=counting_ids("f"))
    seed(repo, NOW, "Ada Lovelace", company="Engines")
    seed(repo, NOW, "Grace Hopper", Stage.MET, company="Navy")
    return folder / "contacts.json"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def no_tui(monkeypatch: pytest.MonkeyPatch) -> list[Repository]:
    """With no command coffeechat opens the TUI: record the launch instead."""
    launched: list[Repository] = []

    def fake_launch(repository: Repository, clock: object, config: object = None) -> int:
        launched.append(repository)
        return 0

    monkeypatch.setattr(coffeechat.cli, "_launch", fake_launch)
    return launched


# Where a stray write would land outside the sandbox: captured at import, before the
# autouse fixture points HOME elsewhere.
REAL_CWD = Path.cwd()
REAL_HOME = Path.home()
REAL_APP_DIRS = [
    Path(platformdirs.user_data_dir("coffeechat")),
    Path(platformdirs.user_config_dir("coffeechat")),
    Path(platformdirs.user_cache_dir("coffeechat")),
]
# Written by the tools while the other test worker runs, not by the CLI under test.
CHURN = {"__pycache__", ".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache",
         ".hypothesis", "build", "dist", "snapshot_report.html"}  # fmt: skip

Listing = dict[str, tuple[bool, int, int]]


def _listing(top: Path, *, recursive: bool = True, skip: Path | None = None) -> Listing:
    """Every entry under ``top`` (the sandbox left out): files with size and mtime, folders
    by name only (a folder's mtime moves when another test process writes a .pyc)."""
    found: Listing = {}
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in CHURN and Path(folder, d) != skip]
        found.update({os.path.join(folder, d): (True, 0, 0) for d in dirs})
        for name in files:
            path = os.path.join(folder, name)
            with contextlib.suppress(FileNotFoundError):
                info = os.lstat(path)
                found[path] = (False, info.st_size, info.st_mtime_ns)
        if not recursive:
            break
    return found


def _outside_the_repo_and_home() -> list[Listing]:
    """The real working folder, the real HOME's own (non-dot) entries, coffeechat's folders."""
    home = {k: v for k, v in _listing(REAL_HOME, recursive=False).items()
            if not Path(k).name.startswith(".")}  # fmt: skip
    # The repo's own top level only: deeper down, the other test worker legitimately
    # writes (caches, snapshot reports), and the CLI's working folder is the top.
    cwd = {k: v for k, v in _listing(REAL_CWD, recursive=False).items()
           if Path(k).name not in CHURN and not k.endswith(".egg-info")}  # fmt: skip
    return [cwd, home, *(_listing(folder) for folder in REAL_APP_DIRS)]


@pytest.fixture(scope="module", autouse=True)
def nothing_written_to_the_real_folders() -> Iterator[None]:
    """Across this module, nothing appeared or changed in the repo, HOME or app folders.

    (Checked once for the module, not per example: the sandbox is the working folder,
    so only an absolute path could reach these; ``--db ..`` is caught per example.)
    """
    before = _outside_the_repo_and_home()
    yield
    assert _outside_the_repo_and_home() == before, "the fuzz wrote outside its sandboxes"


@dataclass
class Sandbox:
    """A folder per example inside a watched parent; every way out points back in."""

    folder: Path
    environ: dict[str, str]


@dataclass
class Outside:
    """The folder the sandboxes are made in, with a bystander file a stray write could hit."""

    parent: Path

    def snapshot(self, sandbox: Path) -> Listing:
        return _listing(self.parent, skip=sandbox)


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Outside:
    parent = tmp_path_factory.mktemp("outside")
    (parent / "bystander.json").write_text("{}")
    return Outside(parent)


@contextlib.contextmanager
def sandbox(template: Path, outside: Outside) -> Iterator[Sandbox]:
    """A fresh folder holding a copy of the template database, as the working directory
    and as HOME, XDG_*_HOME and TMPDIR; on the way out, proves nothing outside changed."""
    with tempfile.TemporaryDirectory(prefix="sandbox-", dir=outside.parent) as name:
        folder = Path(name)
        shutil.copy2(template, folder / "contacts.json")
        homes = {
            "HOME": folder / "home",
            "XDG_DATA_HOME": folder / "home" / "data",
            "XDG_CONFIG_HOME": folder / "home" / "config",
            "XDG_CACHE_HOME": folder / "home" / "cache",
            "XDG_STATE_HOME": folder / "home" / "state",
            "TMPDIR": folder / "tmp",
        }
        (folder / "tmp").mkdir()
        environ = {key: str(value) for key, value in homes.items()}
        before = outside.snapshot(folder)
        with (
            contextlib.chdir(folder),
            mock.patch.dict(os.environ, environ),
            mock.patch.object(tempfile, "tempdir", str(folder / "tmp")),
        ):
            yield Sandbox(folder, environ)
        after = outside.snapshot(folder)
        assert after == before, "something was written outside the sandbox"
        # and nothing inside it is a link to elsewhere
        assert all(p.resolve().is_relative_to(folder.resolve()) for p in folder.rglob("*"))


def run_main(argv: list[str], environ: Mapping[str, str]) -> tuple[int, str, str]:
    # stdout has a .buffer, as a real one does (`export` writes bytes to it)
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv, environ)
            assert code in (0, 1), f"main returned {code!r}"
        except SystemExit as exit_:
            status = exit_.code
            assert isinstance(status, int), f"SystemExit({status!r})"
            assert status in (0, 2), f"SystemExit({status!r})"
            code = status
    out.flush()
    assert isinstance(out.buffer, io.BytesIO)
    return code, out.buffer.getvalue().decode("utf-8", "replace"), err.getvalue()


def check_one_command_line(
    template: Path, outside: Outside, argv: list[str], now_text: str
) -> None:
    """Run ``coffeechat ARGV`` in a sandbox: an exit status and at most one line, no trace."""
    with sandbox(template, outside) as box:
        db = box.folder / "contacts.json"
        environ = {**box.environ, "COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": now_text}
        code, _, err = run_main(argv, environ)

        assert "Traceback" not in err
        if code == 1:
            assert err.startswith("coffeechat: "), err
            assert len(err.splitlines()) == 1, err
        # whatever happened, the database still opens and still holds its people
        names = {c.name for c in Repository(db).contacts(include_archived=True)}
        assert {"Ada Lovelace", "Grace Hopper"} <= names


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=ARGV, now_text=NOW_VALUES)
@example(argv=["advance", "grace", "--at", "99999 days ago"], now_text=NOW_TEXT)
@example(argv=["due", "--at", "9999-12-31 23:59"], now_text=NOW_TEXT)
@example(argv=["add", "[bold]x[/]", "--email", "👩🏽‍💻"], now_text=NOW_TEXT)
@example(argv=["list", "--stage", "\n"], now_text=NOW_TEXT)
@example(argv=["--db", "..", "list"], now_text=NOW_TEXT)
@example(argv=["--db", "..", "add", "Ada"], now_text=NOW_TEXT)
@example(argv=["--demo"], now_text=NOW_TEXT)
@example(argv=[], now_text="someday")
def test_any_command_line_ends_in_an_exit_status_never_a_traceback(
    template: Path, outside: Outside, no_tui: list[Repository], argv: list[str], now_text: str
) -> None:
    check_one_command_line(template, outside, argv, now_text)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(argv=option_lines())
@example(argv=["add", "Ada", "--cadence", "²"])
def test_every_option_of_every_command_takes_any_value_without_a_traceback(
    template: Path, outside: Outside, no_tui: list[Repository], argv: list[str]
) -> None:
    check_one_command_line(template, outside, argv, NOW_TEXT)


@pytest.mark.parametrize(("command", "option"), COMMAND_OPTIONS)
def test_each_option_with_each_hostile_value(
    template: Path, outside: Outside, no_tui: list[Repository], command: str, option: str
) -> None:
    """Every option once with every listed value: no luck needed to reach `--cadence ²`."""
    for value in VALUES:
        argv = [command, *POSITIONALS[command]] if command else []
        check_one_command_line(template, outside, [*argv, option, value], NOW_TEXT)


def test_cadence_that_is_a_digit_but_not_a_number_is_one_line(
    template: Path, outside: Outside
) -> None:
    """Regression: `add --cadence ²` was a ValueError traceback ("²".isdigit() is True)."""
    with sandbox(template, outside) as box:
        db = box.folder / "contacts.json"
        code, out, err = run_main(
            ["add", "Ada", "--cadence", "²"], {**box.environ, "COFFEECHAT_DB": str(db)}
        )
    assert (code, out) == (1, "")
    assert err == "coffeechat: Follow up every: '²' is not a number of months from 1 to 24\n"


def test_export_over_the_database_itself_is_refused(template: Path, outside: Outside) -> None:
    """Regression: `export json -o contacts.json` next to the database wrote the backup
    over the database, which then no longer opened."""
    with sandbox(template, outside) as box:
        db = box.folder / "contacts.json"
        before = db.read_bytes()
        code, _, err = run_main(
            ["export", "json", "-o", "contacts.json"], {**box.environ, "COFFEECHAT_DB": str(db)}
        )
        assert db.read_bytes() == before
    assert code == 1
    assert err == "coffeechat: contacts.json is the database itself; choose another file.\n"


def test_the_sandbox_check_sees_a_write_outside(template: Path, outside: Outside) -> None:
    """The "nothing written outside" check is real: a stray file fails it."""
    with pytest.raises(AssertionError, match="outside the sandbox"), sandbox(template, outside):
        (outside.parent / "stray.txt").write_text("oops")
    (outside.parent / "stray.txt").unlink()


# Bytes that are not UTF-8 reach Python's argv as lone surrogates ("\udcff"), e.g.
# `coffeechat add $'Zo\xeb'` typed in a Latin-1 terminal.
def test_add_with_bytes_that_are_not_utf8_is_one_line(
    template: Path, outside: Outside, no_tui: list[Repository]
) -> None:
    with sandbox(template, outside) as box:
        db = box.folder / "contacts.json"
        code, out, err = run_main(["add", "Zo\udceb"], {**box.environ, "COFFEECHAT_DB": str(db)})
        assert code in (0, 1)
        if code == 1:
            assert err.startswith("coffeechat: ")
        else:
            assert Repository(db).get(out.strip()).name


def test_one_unsavable_change_does_not_break_later_saves(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "contacts.json")
    with contextlib.suppress(Exception):
        repo.add({"name": "Zo\udceb"}, NOW)
    saved = repo.add({"name": "Zoe"}, NOW)
    assert [c.name for c in Repository(tmp_path / "contacts.json").contacts()] == ["Zoe"]
    assert saved.name == "Zoe"


# -- (b) every form field, arbitrary text ------------------------------------------------------

INTERESTING_FIELD_VALUES = [
    "", " ", "\n", "\t\u3000\u00a0", "Ada", "  Ada   Lovelace  ", "a@b.co", "a@b", "@b.co",
    "a b@c.de", "a@b.co\n", "linkedin.com/in/ada", "https://x", "HTTP://X.Y", "http://a b.c",
    "[bold]x[/]", "[/]", "\\[x]", "[link='https://x']y[/link]", "$name", "👩🏽‍💻 Zoë",
    "مريم الأحمد", "\u202eevil\u202c", "\x1b[31mred\x1b[0m", "\x00", "\u2028\u2029\x85",
    "\ufeff", "\u200b", "x" * 500,
]  # fmt: skip
FIELD_TEXT = st.one_of(
    st.sampled_from(INTERESTING_FIELD_VALUES),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
    st.builds(
        lambda a, b, c: f"{a}@{b}.{c}",
        *[st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=6)] * 3,
    ),
)
FORM = st.fixed_dictionaries(dict.fromkeys(CONTACT_FIELDS, FIELD_TEXT))


def clean_or_refuse(raw: Mapping[str, str]) -> tuple[dict[str, str] | None, ValidationError | None]:
    """clean_fields' answer: the cleaned fields, or the ValidationError (anything else raises)."""
    try:
        return clean_fields(raw), None
    except ValidationError as error:
        return None, error


@settings(max_examples=150, deadline=None)
@given(form=FORM)
@example(form=dict.fromkeys(CONTACT_FIELDS, "[/]"))
@example(form={**dict.fromkeys(CONTACT_FIELDS, ""), "name": "\u3000"})
def test_any_form_is_cleaned_or_refused_field_by_field_and_saved_exactly(
    form: dict[str, str],
) -> None:
    cleaned, error = clean_or_refuse(form)
    if error is not None:
        assert error.errors, "a ValidationError that names no field"
        assert set(error.errors) <= set(CONTACT_FIELDS)
        assert all(isinstance(m, str) and m for m in error.errors.values())

    with tempfile.TemporaryDirectory(prefix="coffeechat-fields-") as name:
        path = Path(name) / "contacts.json"
        repo = Repository(path)
        before = path.read_bytes()
        if cleaned is None:
            with pytest.raises(ValidationError):
                repo.add(form, NOW)
            assert path.read_bytes() == before, "a refused contact changed the file"
            return
        contact = repo.add(form, NOW)
        fresh = Repository(path).get(contact.id)

    assert set(cleaned) == set(CONTACT_FIELDS)
    assert cleaned["name"], "an empty name was accepted"
    for field_name in CONTACT_FIELDS:
        value = cleaned[field_name]
        assert value == value.strip()
        if field_name != "notes":
            assert value.split() == value.split(" ") or not value, f"{field_name}: {value!r}"
    assert clean_fields(cleaned) == cleaned, "cleaning twice changes the text"
    assert contact.fields() == cleaned
    assert fresh.fields() == cleaned  # what was saved is what is read


# -- (c) hostile text typed into the TUI --------------------------------------------------------

HOSTILE_NAMES = [
    # (what is put in the name field, how: "keys" types it, "value" pastes it)
    ("[bold]x[/]", "keys"),
    ("[/]", "keys"),
    ("مريم 👩", "keys"),  # Pilot cannot type every emoji (🎉, skin tones): the rest is pasted
    ("     ", "keys"),
    ("[@click=app.quit]bye[/] [link='https://example.com']x", "value"),
    ("👩🏽‍💻🎉 Zoë", "value"),
    ("abc \u202edcba\u202c שלום", "value"),
    ("\x1b[31mred\x1b[0m", "value"),
    ("Long " + "x" * 3000, "value"),
    ("\u3000\u00a0\t", "value"),
]
HOSTILE_OTHER_FIELDS = {  # markup-looking text the contact page does draw literally today
    "company": "[/dim]Evil[b]Corp",
    "role": "$role [red]",
    "notes": "[/]\n[bold]not bold[/bold]\n[@click=app.quit]x[/]",
    "source": "[link='https://example.com']x[/link]",
}


def field_lines(page: ContactScreen) -> list[str]:
    return str(page.query_one("#contact-fields").render()).split("\n")


def field_line(name: str, value: str) -> str:
    """How the contact page lists one field: right-aligned label, two spaces, the value."""
    width = max(len(label) for label in FIELD_LABELS.values())
    return f"{FIELD_LABELS[name]:>{width}}  {value or '—'}"


def visible_text(widget: Widget) -> str:
    """What ``widget`` draws, as plain text (works for any widget, line API or not)."""
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def visible_prefix(text: str, limit: int = 10) -> str:
    """The start of ``text`` up to the first character that is not one plain cell wide."""
    prefix = ""
    for char in text[:limit]:
        if not char.isprintable() or cell_len(char) != 1:
            break
        prefix += char
    return prefix


async def test_hostile_text_in_the_new_contact_form_is_saved_literally_or_refused(
    tmp_path: Path,
) -> None:
    repo = Repository(tmp_path / "contacts.json", id_factory=counting_ids())
    app = make_app(repo, frozen_clock(NOW))
    saved: dict[str, dict[str, str]] = {}  # contact id -> the cleaned fields
    # run_test() leaves toasts out (notifications=False); the toasts that echo these
    # names are checked by test_a_name_that_closes_markup_crashes_neither_toast_nor_form.
    async with app.run_test(size=(120, 50)) as pilot:
        for typed, how in HOSTILE_NAMES:
            await pilot.press("n")
            form = pilot.app.screen
            assert isinstance(form, ContactForm)
            if how == "keys":
                await pilot.press(*typed)
            else:
                form.query_one("#field-name", Input).value = typed
            for field_name, value in HOSTILE_OTHER_FIELDS.items():
                if field_name == "notes":
                    form.query_one("#field-notes", TextArea).text = value
                else:
                    form.query_one(f"#field-{field_name}", Input).value = value
            entered = form.values()
            assert entered["name"] == typed, "the form did not take the text as typed"
            await pilot.press("ctrl+s")
            assert pilot.app.is_running

            expected, error = clean_or_refuse(entered)
            if error is not None:
                assert pilot.app.screen is form, f"{typed!r} was accepted"
                shown = str(form.query_one("#error-name").render())
                assert error.errors["name"] in shown
                assert {c.id for c in repo.contacts()} == set(saved)
                await pilot.press("escape", "d")  # typed text: "Discard changes?" → discard
                await pilot.pause()
                assert isinstance(pilot.app.screen, PipelineScreen)
                continue
            assert expected is not None

            assert isinstance(pilot.app.screen, PipelineScreen), f"{typed!r}: form still open"
            [new] = [c for c in Repository(repo.path).contacts() if c.id not in saved]
            assert new.fields() == expected  # exactly the cleaned text, on disk
            saved[new.id] = expected

            # The contact page draws every field as typed, not as markup.
            pilot.app.push_screen(ContactScreen(new.id))
            await pilot.pause()
            page = pilot.app.screen
            assert isinstance(page, ContactScreen)
            heading = str(page.query_one("#contact-heading").render())
            assert heading.startswith(expected["name"] + "  "), heading[:80]
            lines = field_lines(page)
            for field_name in ("company", "role", "source"):
                assert field_line(field_name, expected[field_name]) in lines, lines
            assert str(page.query_one("#contact-notes").render()) == expected["notes"]
            await pilot.press("escape")
            assert isinstance(pilot.app.screen, PipelineScreen)

        assert pilot.app.is_running
        # every accepted name has its card, drawn literally, and the board still works
        assert sorted(card_ids(pilot.app, Stage.IDENTIFIED)) == sorted(saved)
        cards = visible_text(pilot.app.screen.query_one("#cards-identified"))
        for fields in saved.values():
            # The first few characters: a long name is shortened on its card ("Long x.").
            assert visible_prefix(fields["name"], limit=5) in cards, fields["name"][:20]
        assert "[bold]x[/]" in cards
        assert "[@click=ap" in cards
        await pilot.press("a")
        await pilot.pause()
        assert len(card_ids(pilot.app, Stage.REQUESTED)) == 1
    assert len(saved) == len(HOSTILE_NAMES) - 2  # the two blank names were refused


async def test_the_contact_page_shows_every_field_exactly_as_saved(tmp_path: Path) -> None:
    values = {"company": "C:\\Users\\ada\\", "role": "[$role]", "source": "\\[x]"}
    repo = Repository(tmp_path / "contacts.json", id_factory=counting_ids())
    contact = repo.add({"name": "Ada", **values, "notes": "ends with \\"}, NOW)
    async with make_app(repo, frozen_clock(NOW)).run_test(size=SIZE) as pilot:
        pilot.app.push_screen(ContactScreen(contact.id))
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        lines = field_lines(page)
        notes = str(page.query_one("#contact-notes").render())
    assert [field_line(name, value) in lines for name, value in values.items()] == [True] * 3
    assert notes == "ends with \\"


async def test_an_unclosed_bracket_in_a_field_does_not_crash_the_contact_page(
    tmp_path: Path,
) -> None:
    repo = Repository(tmp_path / "contacts.json", id_factory=counting_ids())
    contact = repo.add({"name": "Ada", "company": "Acme [2nd floor"}, NOW)
    async with make_app(repo, frozen_clock(NOW)).run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        assert field_line("company", "Acme [2nd floor") in field_lines(page)
    assert contact.company == "Acme [2nd floor"


async def test_a_name_that_closes_markup_crashes_neither_toast_nor_form(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "contacts.json", id_factory=counting_ids())
    repo.add({"name": "[/]"}, NOW)
    app = make_app(repo, frozen_clock(NOW))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("a")  # the toast says "Moved [/] to Requested."
        await pilot.pause()
        assert pilot.app.is_running
        await pilot.press("e")  # the cursor followed them into Requested
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactForm)
        assert str(pilot.app.screen.query_one("#dialog-title").render()) == "Edit [/]"
        assert pilot.app.is_running


async def test_dialogs_and_toasts_show_a_markup_looking_name_literally(tmp_path: Path) -> None:
    name = "[bold]x[/]"
    repo = Repository(tmp_path / "contacts.json", id_factory=counting_ids())
    app = make_app(repo, frozen_clock(NOW))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("n", *name, "ctrl+s")
        await pilot.pause()
        # The board's confirmations go to its status line (a toast elsewhere).
        said = str(pilot.app.screen.query_one("#status").render())
        titles = []
        for key in ("e", "x", "a"):  # the contact is identified: "a" moves it to requested
            await pilot.press(key)
            await pilot.pause()
            if key != "a":
                titles.append(str(pilot.app.screen.query_one("#dialog-title").render()))
                await pilot.press("escape")
        await pilot.press("a")  # the cursor followed it: requested → met asks when
        await pilot.pause()
        titles.append(str(pilot.app.screen.query_one("#dialog-title").render()))
    assert said.startswith(f"Added {name} to Identified.")
    assert titles == [f"Edit {name}", f"Archive {name}?", f"When did you meet {name}?"]


TERMINAL_CONTROL = "\x1b]0;PWNED\x1b\\Eve\x1b[2J\x9b31m!"  # set title, clear screen, C1 CSI


def terminal_output(app: App[None]) -> str:
    """The characters the app would send to the terminal for a full redraw (private API)."""
    update = app.screen._compositor.render_update(full=True)
    assert isinstance(update, CompositorUpdate)
    return update.render_segments(app.console)


@pytest.mark.parametrize("source", ["typed", "synced-file"])
async def test_control_sequences_in_a_name_never_reach_the_terminal(
    tmp_path: Path, source: str
) -> None:
    path = tmp_path / "contacts.json"
    repo = Repository(path, id_factory=counting_ids())
    contact = repo.add({"name": "Eve", "company": "Acme"}, NOW)
    if source == "typed":
        repo.edit(contact.id, {"name": TERMINAL_CONTROL, "company": TERMINAL_CONTROL}, NOW)
    else:  # written by another program or another machine, never through clean_fields
        data = json.loads(path.read_bytes())
        data["contacts"]["1"].update(name=TERMINAL_CONTROL, company=TERMINAL_CONTROL)
        path.write_bytes(serialise(data))
    app = make_app(repo, frozen_clock(NOW))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = terminal_output(pilot.app)
        assert "Eve" in board
        pilot.app.push_screen(ContactScreen(contact.id))
        await pilot.pause()
        page = terminal_output(pilot.app)
        assert "Eve" in page
    for output in (board, page):
        assert "\x1b]" not in output
        assert "\x1b[2J" not in output
        assert "\x9b" not in output
