"""Crash reports: what went wrong, for a bug report, in a file only its owner can read.

A traceback goes to the file and never to the screen, and never with the
values of local variables: those hold contacts' names and private notes.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

from coffeechat import __version__
from coffeechat.paths import crash_folder


def report_text(error: BaseException) -> str:
    """What a report says: versions, then the traceback (never a frame's locals)."""
    lines = [
        f"coffeechat {__version__} crashed at {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        f"Python {sys.version.split()[0]} on {platform.platform()}",
        "",
        *traceback.format_exception(error),  # never capture_locals
    ]
    return "\n".join(line.rstrip("\n") for line in lines) + "\n"


def add_to_report(path: Path, error: BaseException) -> None:
    """Append another error to an existing report (never following a link planted there)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as out:
        out.write("\n" + report_text(error))


def crash_report(error: BaseException) -> Path:
    """Write ``error``'s traceback (no locals) to a new 0600 file; its path.

    Falls back to the temporary folder when the usual one can't be made;
    OSError only if neither can be written.
    """
    text = report_text(error)
    prefix = time.strftime("crash-%Y%m%d-%H%M%S-")
    for where in (crash_folder(), Path(tempfile.gettempdir())):
        try:
            where.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkstemp: a fresh name, O_EXCL, created 0600 from the start.
            handle, name = tempfile.mkstemp(prefix=prefix, suffix=".txt", dir=where)
        except OSError:
            continue
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as out:
            out.write(text)
        return Path(name)
    raise OSError(f"could not write a crash report in {crash_folder()}")


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
