"""Import and export from the command palette: ask for a file, show what will happen, do it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from coffeechat.interchange.errors import InterchangeError
from coffeechat.storage.errors import USER_FACING_ERRORS
from coffeechat.transfer import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    ImportReport,
    default_export_path,
    export_bytes,
    import_file,
    write_private,
)
from coffeechat.ui.screens.forms import ConfirmDialog, TextPrompt

if TYPE_CHECKING:
    from coffeechat.ui.app import CoffeechatApp

# The palette's commands, kind -> (title, what), read from the one format
# registry.  The format libraries (vobject, icalendar) load when an import or
# export starts, not when the command palette lists these titles.
IMPORTS = {kind: (f.import_title, f.import_help) for kind, f in IMPORT_FORMATS.items()}
EXPORTS = {kind: (f.export_title, f.export_help) for kind, f in EXPORT_FORMATS.items()}


def start_import(app: CoffeechatApp, kind: str) -> None:
    """Ask for the file, show a dry run, and import on confirmation."""
    title, what = IMPORTS[kind]

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = Path(text.strip()).expanduser()
        report = _run(app, kind, path, dry_run=True)
        if report is None:
            return
        lines = report.lines() + [f"  Skipped {line}" for line in report.skipped(path)]
        if not report.added and not report.updated:
            app.notify("\n".join(lines[:6]), title="Nothing to import", timeout=8)
            return
        shown = lines[:12] + ([f"  … and {len(lines) - 12} more"] if len(lines) > 12 else [])

        def confirmed(yes: bool | None) -> None:
            if yes:
                done = _run(app, kind, path, dry_run=False)
                if done is not None:
                    app.notify(done.summary, title=title, timeout=8)
                    app.data_changed.publish(None)

        app.push_screen(ConfirmDialog(title, "\n".join(shown), "Import"), confirmed)

    app.push_screen(TextPrompt(title, f"The file: {what}.", "", "~/Downloads/…"), chosen)


def _run(app: CoffeechatApp, kind: str, path: Path, *, dry_run: bool) -> ImportReport | None:
    try:
        return import_file(app.repository, kind, path, app.clock(), dry_run=dry_run)
    except InterchangeError as error:
        app.notify(str(error), title="Can't import", severity="error", timeout=10)
    except USER_FACING_ERRORS as error:
        app.notify(str(error), title="Not saved", severity="error", timeout=10)
    return None


def start_export(app: CoffeechatApp, kind: str) -> None:
    """Ask where, then write the file (0600)."""
    title, what = EXPORTS[kind]
    default = str(default_export_path(kind, app.clock()))

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = Path(text.strip()).expanduser()
        try:
            write_private(path, export_bytes(app.repository, kind, app.clock()))
        except InterchangeError as error:
            app.notify(str(error), title="Can't export", severity="error", timeout=10)
            return
        except USER_FACING_ERRORS as error:
            app.notify(str(error), title="Can't export", severity="error", timeout=10)
            return
        except OSError as error:
            app.notify(f"Could not write {path}: {error.strerror}.", severity="error")
            return
        app.notify(f"Wrote {path} (readable only by you).", title=title, timeout=6)

    app.push_screen(TextPrompt(title, f"{what.capitalize()}.  Save to:", default), chosen)
