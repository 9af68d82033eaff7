"""Editing text in the user's own editor ($VISUAL / $EDITOR), with the app suspended."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from textual.app import App, SuspendNotSupported

FALLBACK_EDITORS = ("nano", "vi")


class EditorError(Exception):
    """The editor could not be run; the message says why, in one sentence."""


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """$VISUAL, else $EDITOR, else the first of nano/vi found; EditorError if none."""
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if value:
            try:
                command = shlex.split(value)
            except ValueError as error:  # an unclosed quote: say so rather than crash
                raise EditorError(f"Can't read ${variable} ({error}): check its quotes.") from None
            if command:
                return command
    for name in FALLBACK_EDITORS:
        if shutil.which(name):
            return [name]
    raise EditorError("No editor found: set $EDITOR (for example, export EDITOR=nano).")


def edit_in_editor(app: App[object], text: str, suffix: str = ".txt") -> str:
    """Open ``text`` in the user's editor and return what they saved.

    The temporary file is private (0600) and removed afterwards: drafts carry
    personal details.  Raises EditorError with a sentence for the user.
    """
    command = editor_command(os.environ)
    try:
        folder = Path(tempfile.mkdtemp(prefix="coffeechat-"))
    except OSError as error:
        raise EditorError(f"Could not make a temporary file: {error.strerror}.") from None
    path = folder / f"draft{suffix}"
    try:
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        failed: OSError | None = None
        try:
            with app.suspend():
                # Nothing may raise out of this block: Textual's suspend() only
                # gives the terminal back to the app when the block ends normally.
                try:
                    result = subprocess.run([*command, str(path)], check=False)
                except OSError as error:
                    failed = error
        except SuspendNotSupported:
            raise EditorError("This terminal can't hand over to an editor.") from None
        if failed is not None:
            raise EditorError(f"Could not start {command[0]!r}: {failed.strerror}.")
        if result.returncode != 0:
            raise EditorError(
                f"{command[0]} exited with status {result.returncode}; kept the draft as it was."
            )
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise EditorError(
            "The editor saved text that is not UTF-8; kept the draft as it was."
        ) from None
    except OSError as error:  # the editor removed or locked the file, or the disk is full
        raise EditorError(
            f"Could not use the temporary file ({error.strerror}); kept the draft as it was."
        ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
