"""The config file (TOML): keys people rebind, e.g. on a non-QWERTY layout.

    [keys]
    advance = "A"
    due = "ctrl+d"

Read once at start.  Nothing in it can stop the app from opening: every bad
entry becomes one sentence (the file, the line, what is wrong) shown as a
toast, and the good entries still apply.  Which binding ids exist is the
UI's to say; ``check_keys`` is given them.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The tables the file may hold.
TABLES = ("keys",)
#: An example line for the sentences that explain what a [keys] entry looks like.
EXAMPLE = 'advance = "A"'
#: A config file is a few lines; anything bigger than this is not one (read no further).
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Config:
    """What the file asks for, and what was wrong with it (one sentence each)."""

    path: Path
    #: Binding id → key(s) as written ("A", "ctrl+d", "j,down").
    keys: Mapping[str, str] = field(default_factory=dict)
    #: Binding id → its line in the file, for the sentences about it.
    lines: Mapping[str, int] = field(default_factory=dict)
    #: What was wrong: (its line, or 0 for the whole file; one sentence), in the file's order.
    issues: tuple[tuple[int, str], ...] = ()

    @property
    def problems(self) -> tuple[str, ...]:
        """What was wrong with the file, one sentence each."""
        return tuple(sentence for _, sentence in self.issues)


def read_config(path: Path, *, required: bool = False) -> Config:
    """Read ``path``; a missing file is an empty config (a problem only when ``required``).

    Read before the first screen draws, so nothing here may block or swallow
    memory: a pipe (opening it waits for a writer), a device such as
    /dev/zero (endless) or a huge file is one sentence, not a hang.  A
    byte-order mark (Notepad writes one) is skipped.
    """
    try:
        text = _read_small_text(path)
    except FileNotFoundError:
        if required:
            return Config(path, issues=((0, f"{path} does not exist, so no keys were changed."),))
        return Config(path)
    except UnicodeDecodeError:
        return Config(path, issues=((0, f"{path} is not UTF-8 text, so no keys were changed."),))
    except _NotAConfigFile as error:
        return Config(path, issues=((0, f"{path} {error}, so no keys were changed."),))
    except OSError as error:
        reason = error.strerror or str(error)
        return Config(
            path, issues=((0, f"Could not read {path} ({reason}), so no keys were changed."),)
        )
    return parse_config(path, text)


class _NotAConfigFile(Exception):
    """``path`` is something no config file is (its message completes "PATH …")."""


def _read_small_text(path: Path) -> str:
    """The UTF-8 text of a regular file of at most MAX_BYTES (a leading BOM dropped)."""
    mode = path.stat().st_mode  # before opening: opening a FIFO blocks
    if stat.S_ISDIR(mode):
        raise _NotAConfigFile("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise _NotAConfigFile("is not a regular file (a pipe or a device?)")
    # O_NONBLOCK: if it was swapped for a FIFO since the stat, opening still returns.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise _NotAConfigFile("is not a regular file (a pipe or a device?)")
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        size = path.stat().st_size / (1024 * 1024)
        raise _NotAConfigFile(
            f"is {size:.0f} MB; a config file is a few lines (is it the right file?)"
        )
    return data.decode("utf-8-sig")


def parse_config(path: Path, text: str) -> Config:
    """The config in ``text`` (the contents of ``path``)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Config(path, issues=((0, _syntax_sentence(path, text, error)),))
    problems: list[tuple[int, str]] = []  # (line, sentence): told in the file's order
    for name in data:
        if name not in TABLES:
            line = _line_of_table(text, name)
            problems.append(
                (
                    line or 0,
                    f"{_where(path, line)}: coffeechat has no setting "
                    f'called "{name}" (the file holds a [keys] table), so it was ignored.',
                )
            )
    table = data.get("keys", {})
    if not isinstance(table, dict):
        line = _line_of_table(text, "keys")
        problems.append(
            (
                line or 0,
                f"{_where(path, line)}: keys must be a table, "
                f"[keys] followed by lines like {EXAMPLE}, so no keys were changed.",
            )
        )
        table = {}
    keys: dict[str, str] = {}
    lines: dict[str, int] = {}
    for binding_id, value in table.items():
        line = _line_of_key(text, binding_id)
        if line is not None:
            lines[binding_id] = line
        where = _where(path, line)
        if not isinstance(value, str):
            problems.append(
                (
                    line or 0,
                    f'{where}: the key for "{binding_id}" must be text in quotes, '
                    f'like {binding_id} = "A", so it was ignored.',
                )
            )
        elif not value.strip() or any(not part.strip() for part in value.split(",")):
            problems.append(
                (line or 0, f'{where}: "{binding_id}" is given no key, so it was ignored.')
            )
        elif any(" " in part.strip() for part in value.split(",")):
            problems.append(
                (
                    line or 0,
                    f'{where}: "{value}" is not a key name (use "ctrl+d", not "ctrl d"; '
                    f'separate several keys with commas), so "{binding_id}" was ignored.',
                )
            )
        else:
            keys[binding_id] = ",".join(part.strip() for part in value.split(","))
    return Config(path, keys, lines, tuple(sorted(problems, key=lambda p: p[0])))


#: Textual's own quit (a priority binding with no id): a key bound to it never arrives.
QUIT_KEY = "ctrl+q"
#: Modifiers that make a key one no text field types.
_COMMAND_MODIFIERS = frozenset({"ctrl", "alt", "meta", "super", "hyper"})
_FUNCTION_KEY = re.compile(r"f\d{1,2}")


def is_command_key(key: str) -> bool:
    """True for a key no field takes as typing or moving: ctrl+…, alt+…, or F1–F24."""
    *modifiers, name = key.strip().lower().split("+") if key.strip() != "+" else ["+"]
    return bool(_COMMAND_MODIFIERS.intersection(modifiers)) or bool(_FUNCTION_KEY.fullmatch(name))


def check_keys(
    config: Config,
    known: Collection[str],
    anywhere: Collection[str] = (),
    is_key: Callable[[str], bool] | None = None,
) -> tuple[dict[str, str], list[str]]:
    """The keymap of the entries whose binding id exists, and every problem with the file.

    The problems: the file's own (``config.problems``) and one for each binding
    id that does not exist, all in the order of their lines.  ``anywhere``:
    the ids whose key acts even while a field has the focus (ctrl+s, the
    palette): given a letter, escape or tab, typing that key would save the
    form or open the palette instead, so only ctrl/alt/function keys are taken.
    No id may take ctrl+q: Textual's quit, which always wins (and always works).
    ``is_key``: whether a key name is one the keyboard can send (the UI knows).
    """
    keymap: dict[str, str] = {}
    problems = list(config.issues)
    for binding_id, keys in config.keys.items():
        line = config.lines.get(binding_id)
        where = _where(config.path, line)
        if binding_id in known:
            parts = keys.split(",")
            unknown = [part for part in parts if is_key is not None and not is_key(part)]
            if unknown:
                lower = unknown[0].lower()
                hint = (
                    f'did you mean "{lower}"?'
                    if is_key is not None and is_key(lower)
                    else 'write keys like "a", "A", "ctrl+d", "f2", "escape" or "question_mark"'
                )
                problems.append(
                    (
                        line or 0,
                        f"{where}: {unknown[0][:40]!r} is not a key name ({hint}), "
                        f'so "{binding_id}" was ignored.',
                    )
                )
            elif any(part.lower() == QUIT_KEY for part in parts):
                problems.append(
                    (
                        line or 0,
                        f"{where}: {QUIT_KEY} always quits coffeechat, "
                        f'so "{binding_id}" can\'t have it and was ignored.',
                    )
                )
            elif binding_id in anywhere and not all(is_command_key(part) for part in parts):
                problems.append(
                    (
                        line or 0,
                        f'{where}: "{binding_id}" acts even while you type in a field, so its '
                        f'key must use ctrl or alt (like "ctrl+s" or "alt+s"); "{keys}" was '
                        "ignored.",
                    )
                )
            else:
                keymap[binding_id] = keys
            continue
        close = difflib.get_close_matches(binding_id, sorted(known), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        problems.append(
            (
                line or 0,
                f'{where}: coffeechat has no key called "{binding_id}"{hint}, so it was ignored.',
            )
        )
    problems.extend(_discard_apart(config, keymap))
    if "palette" in known:
        problems.extend(_palette_apart(config, keymap))
    return keymap, [sentence for _, sentence in sorted(problems, key=lambda p: p[0])]


def _palette_apart(config: Config, keymap: dict[str, str]) -> list[tuple[int, str]]:
    """Take out of ``keymap`` every other id given the palette's key (ctrl+p unless rebound).

    The palette's key acts first on every screen, so the other binding would never fire.
    """
    palette = {key.lower() for key in keymap.get("palette", "ctrl+p").split(",")}
    problems: list[tuple[int, str]] = []
    for binding_id, keys in list(keymap.items()):
        shared = [key for key in keys.split(",") if key.lower() in palette]
        if binding_id == "palette" or not shared:
            continue
        del keymap[binding_id]
        line = config.lines.get(binding_id)
        problems.append(
            (
                line or 0,
                f'{_where(config.path, line)}: "{shared[0]}" opens the command palette on every '
                f'screen, so "{binding_id}" would never get it; "{binding_id}" was ignored.',
            )
        )
    return problems


def _discard_apart(config: Config, keymap: dict[str, str]) -> list[tuple[int, str]]:
    """Take "discard_changes" out of ``keymap`` if it shares the key that asks (escape).

    A rebound key wins over the one it shares with: escape on a changed form
    asks "Discard changes?", and a second escape, a reflex, would throw the
    form away.
    """
    keys = keymap.get("discard_changes")
    if keys is None:
        return []
    asking = {key.lower() for key in keymap.get("cancel", "escape").split(",")}
    if not asking & {key.lower() for key in keys.split(",")}:
        return []
    del keymap["discard_changes"]
    line = config.lines.get("discard_changes")
    return [
        (
            line or 0,
            f'{_where(config.path, line)}: "{keys}" is also the key that asks '
            '"Discard changes?", so pressing it twice would throw a form away; '
            '"discard_changes" was ignored.',
        )
    ]


# -- where in the file ----------------------------------------------------------

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


_AT_END = "(at end of document)"


def _syntax_sentence(path: Path, text: str, error: tomllib.TOMLDecodeError) -> str:
    """tomllib's message, with its line and column moved up front where people look."""
    message = str(error)
    found = _AT.search(message)
    if found is not None:
        where = f"{path}, line {found[1]}, column {found[2]}"
        what = _AT.sub("", message)
    elif _AT_END in message:  # an unclosed quote or bracket runs to the end
        where = f"{path}, line {len(text.splitlines()) or 1}"
        what = message.replace(_AT_END, "").strip() + " at the end of the file"
    else:
        return f"{path} is not valid TOML ({message}), so no keys were changed."
    what = what.strip().rstrip(".")
    what = what[:1].lower() + what[1:]
    return f"{where}: {what}, so no keys were changed."


def _where(path: Path, line: int | None) -> str:
    return f"{path}, line {line}" if line is not None else str(path)


def _line_of_table(text: str, name: str) -> int | None:
    """The line of ``[name]`` (or of ``name = …`` at the top level)."""
    header = re.compile(rf"^\s*\[\s*\"?{re.escape(name)}\"?\s*\]")
    assignment = re.compile(rf"^\s*\"?{re.escape(name)}\"?\s*[=.]")
    for number, line in enumerate(text.splitlines(), 1):
        if header.match(line) or assignment.match(line):
            return number
    return None


def _line_of_key(text: str, name: str) -> int | None:
    """The line that sets ``name`` in the [keys] table (or ``keys.name`` anywhere)."""
    in_keys = False
    entry = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
    dotted = re.compile(rf"^\s*keys\s*\.\s*[\"']?{re.escape(name)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*\[", line):
            in_keys = re.match(r"^\s*\[\s*keys\s*\]", line) is not None
        elif (in_keys and entry.match(line)) or dotted.match(line):
            return number
    return None
