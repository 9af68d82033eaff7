"""Import and export from the command palette: ask for a file, show what will happen, do it.

Reading, importing and writing run in thread workers: a big file or a locked
database never freezes the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coffeechat.domain.text import sentence
from coffeechat.interchange.errors import InterchangeError
from coffeechat.paths import user_path
from coffeechat.transfer import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    ImportReport,
    default_export_path,
    export_bytes,
    import_file,
    write_private,
)
from coffeechat.ui.dialogs.prompts import ConfirmDialog, TextPrompt
from coffeechat.ui.host import Host, undoable
from coffeechat.ui.undo import UndoEntry

# The palette's commands, kind -> (title, what), read from the one format
# registry.  The format libraries (vobject, icalendar) load when an import or
# export starts, not when the command palette lists these titles.
IMPORTS = {kind: (f.import_title, f.import_help) for kind, f in IMPORT_FORMATS.items()}
EXPORTS = {kind: (f.export_title, f.export_help) for kind, f in EXPORT_FORMATS.items()}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file could not be read or written, with the toast's title."""

    title: str
    message: str


def start_import(host: Host, kind: str) -> None:
    """Ask for the file, show a dry run, and import on confirmation (a worker flow)."""
    host.run_flow(import_flow(host, kind))


def start_export(host: Host, kind: str) -> None:
    """Ask where, then write the file (a worker flow)."""
    host.run_flow(export_flow(host, kind))


async def import_flow(host: Host, kind: str) -> None:
    """File name → dry run → confirmation → import, each step waiting for the last."""
    title, what = IMPORTS[kind]
    text = await host.push_screen_wait(TextPrompt(title, f"The file: {what}.", "", "~/Downloads/…"))
    if not text:
        return
    path = user_path(text.strip())
    report = await _import(host, kind, path, dry_run=True)
    if report is None:
        return
    lines = report.lines() + [f"  Skipped {line}" for line in report.skipped(path)]
    lines += [f"  Left out {line}" for line in report.left_out(path)]
    if not report.added and not report.updated:
        host.notify("\n".join(lines[:6]), title="Nothing to import", timeout=8)
        return
    shown = lines[:12] + ([f"  … and {len(lines) - 12} more"] if len(lines) > 12 else [])
    if not await host.push_screen_wait(ConfirmDialog(title, "\n".join(shown), "Import")):
        return
    done = await _import(host, kind, path, dry_run=False)
    if done is not None:
        if done.undo_steps:
            host.undo_stack.push(UndoEntry(tuple(done.undo_steps), f"the import of {path.name}"))
        said = f"{done.summary}."
        said = undoable(said) if done.undo_steps else said
        host.notify(said, title=title, timeout=8)
        host.data_changed.publish(None)


async def _import(host: Host, kind: str, path: Path, *, dry_run: bool) -> ImportReport | None:
    def attempt() -> ImportReport | Problem:
        try:
            return import_file(host.repository, kind, path, host.clock(), dry_run=dry_run)
        except InterchangeError as error:
            return Problem("Can't import", str(error))

    result = await host.try_save(attempt)
    if isinstance(result, str):
        host.notify(result, title="Not saved", severity="error", timeout=10)
        return None
    if isinstance(result, Problem):
        host.notify(result.message, title=result.title, severity="error", timeout=10)
        return None
    return result


async def export_flow(host: Host, kind: str) -> None:
    """Ask where, then write the file (0600) in a thread."""
    title, what = EXPORTS[kind]
    default = str(default_export_path(kind, host.clock()))
    text = await host.push_screen_wait(TextPrompt(title, f"{sentence(what)}.  Save to:", default))
    if not text:
        return
    path = user_path(text.strip())
    refusal = host.repository.refusal_to_write(path)
    if refusal is not None:
        host.notify(refusal, title="Can't export", severity="error", timeout=10)
        return

    def attempt() -> Problem | None:
        try:
            write_private(path, export_bytes(host.repository, kind, host.clock()))
        except InterchangeError as error:
            return Problem("Can't export", str(error))
        except OSError as error:
            return Problem("", f"Could not write {path}: {error.strerror}.")
        return None

    result = await host.try_save(attempt)
    if isinstance(result, str):
        host.notify(result, title="Can't export", severity="error", timeout=10)
    elif isinstance(result, Problem):
        host.notify(result.message, title=result.title, severity="error", timeout=10)
    else:
        host.notify(f"Wrote {path} (readable only by you).", title=title, timeout=6)
