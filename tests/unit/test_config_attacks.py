"""Red-team attacks on the config file (issue 11): whatever --config points at, the app opens.

A config file is read before the first screen draws.  A path that is a pipe,
a device or a huge file must be one sentence, never a hang or a swallowed
gigabyte; a file saved by Notepad (a UTF-8 byte-order mark) is read, not
called an "invalid statement" at line 1, column 1.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from coffeechat.config import check_keys, read_config

KNOWN = {"advance", "due", "help", "quit", "save", "palette"}


def read_in_time(path: Path, seconds: float = 5.0) -> tuple[str, ...]:
    """read_config(path).problems, failing the test (not hanging it) if it blocks."""
    found: list[tuple[str, ...]] = []
    reader = threading.Thread(target=lambda: found.append(read_config(path).problems), daemon=True)
    reader.start()
    reader.join(seconds)
    assert found, f"reading {path} did not return within {seconds} s"
    return found[0]


def test_a_fifo_is_one_sentence_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    (problem,) = read_in_time(fifo)
    assert str(fifo) in problem
    assert problem.endswith("so no keys were changed.")
    # The reader left no end open (ENXIO: a FIFO with no reader takes no writer).
    with pytest.raises(OSError, match="No such device"):
        os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_an_endless_device_is_one_sentence(tmp_path: Path, device: str) -> None:
    link = tmp_path / "config.toml"
    link.symlink_to(device)
    (problem,) = read_in_time(link)
    assert str(link) in problem
    assert problem.endswith("so no keys were changed.")


def test_a_huge_file_is_refused_without_parsing_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with path.open("w", encoding="utf-8") as out:
        out.write('[keys]\nadvance = "A"\n')
        out.truncate(50 * 1024 * 1024)  # 50 MB (sparse: cheap to make)
    (problem,) = read_in_time(path)
    assert str(path) in problem
    assert "MB" in problem
    assert problem.endswith("so no keys were changed.")


def test_a_byte_order_mark_is_read_like_any_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('\ufeff[keys]\nadvance = "A"\n'.encode())
    config = read_config(path)
    assert config.problems == ()
    assert check_keys(config, KNOWN) == ({"advance": "A"}, [])
    assert config.lines == {"advance": 2}


def test_a_folder_is_one_sentence(tmp_path: Path) -> None:
    (problem,) = read_in_time(tmp_path)
    assert str(tmp_path) in problem
    assert problem.endswith("so no keys were changed.")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a 0000 file")
def test_an_unreadable_file_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keys]\nadvance = "A"\n', encoding="utf-8")
    path.chmod(0)
    try:
        (problem,) = read_in_time(path)
    finally:
        path.chmod(0o600)
    assert problem == f"Could not read {path} (Permission denied), so no keys were changed."


def test_invalid_utf8_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[keys]\nadvance = "\xff"\n')
    assert read_in_time(path) == (f"{path} is not UTF-8 text, so no keys were changed.",)


def test_the_database_given_as_the_config_is_one_sentence_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    text = '{"contacts": {"1": {"name": "Priya"}}}\n'
    db.write_text(text, encoding="utf-8")
    (problem,) = read_in_time(db)
    assert problem.startswith(f"{db}, line 1")
    assert problem.endswith("so no keys were changed.")
    assert db.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("keys = 3\n", "keys must be a table"),
        ('[keys]\n[keys.advance]\nkey = "A"\n', 'the key for "advance" must be text in quotes'),
        ('[keys]\nadvance = ""\n', '"advance" is given no key'),
        ('[keys]\nadvance = "   "\n', '"advance" is given no key'),
        ('[keys]\nadvance = "a,"\n', '"advance" is given no key'),
    ],
)
def test_odd_shapes_are_one_sentence_each(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    config = read_config(path)
    keymap, problems = check_keys(config, KNOWN)
    assert keymap == {}
    (problem,) = problems
    assert words in problem
    assert problem.startswith(str(path))


@pytest.mark.parametrize("key", ["a", "A", "escape", "enter", "tab", "space", "é", "ctrl+s,x"])
def test_a_key_that_acts_inside_fields_must_not_be_a_typing_key(tmp_path: Path, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[keys]\nsave = "{key}"\n', encoding="utf-8")
    keymap, (problem,) = check_keys(read_config(path), KNOWN, anywhere={"save"})
    assert keymap == {}
    assert problem.startswith(f'{path}, line 2: "save" acts even while you type in a field')


@pytest.mark.parametrize("key", ["ctrl+w", "alt+s", "f2", "ctrl+s,f10"])
def test_a_ctrl_alt_or_function_key_is_taken_for_those(tmp_path: Path, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[keys]\nsave = "{key}"\n', encoding="utf-8")
    assert check_keys(read_config(path), KNOWN, anywhere={"save"}) == ({"save": key}, [])


def test_nothing_takes_ctrl_q_and_ctrl_c_is_left_to_the_user(tmp_path: Path) -> None:
    """ctrl+q is Textual's quit and always wins; ctrl+c on a screen is the user's choice."""
    path = tmp_path / "config.toml"
    path.write_text('[keys]\ndue = "ctrl+q"\nquit = "ctrl+c"\n', encoding="utf-8")
    keymap, (problem,) = check_keys(read_config(path), KNOWN)
    assert keymap == {"quit": "ctrl+c"}
    said = f'{path}, line 2: ctrl+q always quits coffeechat, so "due" can\'t have it'
    assert problem == f"{said} and was ignored."


def test_the_palettes_key_is_refused_for_anything_else(tmp_path: Path) -> None:
    """ctrl+p acts first on every screen: card-down there would silently never move."""
    path = tmp_path / "config.toml"
    path.write_text('[keys]\nadvance = "ctrl+p"\n', encoding="utf-8")
    keymap, (problem,) = check_keys(read_config(path), KNOWN)
    assert keymap == {}
    assert problem == (
        f'{path}, line 2: "ctrl+p" opens the command palette on every screen, so "advance" '
        'would never get it; "advance" was ignored.'
    )
    # Once the palette has another key, ctrl+p is free.
    path.write_text('[keys]\nadvance = "ctrl+p"\npalette = "ctrl+k"\n', encoding="utf-8")
    assert check_keys(read_config(path), KNOWN) == (
        {"advance": "ctrl+p", "palette": "ctrl+k"},
        [],
    )
