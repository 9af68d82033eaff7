"""Crash reports: the traceback to a private file, never a frame's locals on the screen.

Textual prints an unhandled error as a Rich traceback *with every frame's
locals*, and those hold contacts' names and private notes.  The TUI writes
the plain traceback (no locals) to a file only its owner can read (0600, in
the platform's state folder) and prints one sentence naming that file.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from coffeechat.crash import add_to_report, crash_report


def write_crash_report(error: BaseException, path: Path | None = None) -> Path | None:
    """Write (or, given ``path``, add to) a report; its path, or None if none could be written."""
    try:
        if path is None:
            return crash_report(error)
        add_to_report(path, error)
    except OSError:
        return None
    return path


def where(error: BaseException) -> str:
    """ "KeyError in due.py, line 12": the innermost frame, no values."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    last = frames[-1]
    return f"{type(error).__name__} in {Path(last.filename).name}, line {last.lineno}"


def crash_message(error: BaseException, path: Path | None) -> str:
    """The lines printed after the app has left the screen (no values from the data).

    The report's path has a line to itself, to copy whole.
    """
    said = (
        f"coffeechat stopped on an unexpected error ({where(error)}).\n"
        "Changes you saw saved are in the database."
    )
    if path is None:
        return said + "\nNo report: neither the state folder nor the temp folder took the file."
    return (
        said + "\nThe report (the traceback, no variables; its error may quote a contact's "
        f"details, so read it before you share it):\n{path}"
    )
