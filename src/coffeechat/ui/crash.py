"""Crash reports: the traceback to a private file, never a frame's locals on the screen.

Textual prints an unhandled error as a Rich traceback *with every frame's
locals*, and those hold contacts' names and private notes.  The TUI writes
the plain traceback (no locals) to a file only its owner can read (0600, in
the platform's state folder) and prints one sentence naming that file.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
import traceback
from pathlib import Path

import platformdirs

from coffeechat.paths import APP_NAME


def crash_dir() -> Path:
    """Where reports go, e.g. ~/.local/state/coffeechat/crashes (created 0700)."""
    return platformdirs.user_state_path(APP_NAME) / "crashes"


def _open_report() -> tuple[int, Path]:
    """A fresh 0600 file (O_EXCL, unique name): the state folder, else the temp folder."""
    prefix = time.strftime("crash-%Y%m%d-%H%M%S-")
    try:
        folder = crash_dir()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=".txt", dir=folder)
    except OSError:
        fd, name = tempfile.mkstemp(prefix=f"{APP_NAME}-{prefix}", suffix=".txt")
    return fd, Path(name)


def report_text(error: BaseException) -> str:
    """What the report says: versions, then the traceback (no locals)."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "unknown"

    head = (
        f"{APP_NAME} {installed(APP_NAME)} · Python {platform.python_version()} · "
        f"Textual {installed('textual')} · {platform.platform()}\n"
        f"{time.strftime('%Y-%m-%d %H:%M:%S %z')}\n\n"
    )
    return head + "".join(traceback.format_exception(error))


def write_crash_report(error: BaseException, path: Path | None = None) -> Path | None:
    """Write (or, given ``path``, add to) a report; its path, or None if none could be written."""
    try:
        if path is None:
            fd, path = _open_report()
        else:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(report_text(error) + "\n")
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
