"""Import and export, end to end: read a file, plan, apply through the repository; or write one.

Shared by ``coffeechat import/export`` and the TUI's command palette, so both
say the same things.  File formats live in ``coffeechat.interchange``.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from coffeechat.domain.model import Contact
from coffeechat.domain.rules import due_items
from coffeechat.interchange.backup import export_json, plan_backup, read_backup, restore_summary
from coffeechat.interchange.calendar import write_calendar
from coffeechat.interchange.csv_files import read_csv, write_csv
from coffeechat.interchange.errors import InterchangeError
from coffeechat.interchange.linkedin import read_linkedin
from coffeechat.interchange.matching import Incoming, RowError, plan_import
from coffeechat.interchange.vcard import read_vcards, write_vcards
from coffeechat.storage.repository import Repository

SUFFIXES = {"ics": ".ics", "vcard": ".vcf", "csv": ".csv", "json": ".json"}


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    summary: str
    dry_run: bool
    verb: str = "add"  # "restore" for a backup
    added: list[str] = field(default_factory=list)  # names
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def lines(self) -> list[str]:
        """A report for people: the summary, then who (skipped rows: ``skipped``)."""
        done = {"add": "Added", "restore": "Restored"}[self.verb]
        verb = f"Would {self.verb}" if self.dry_run else done
        said = [("Dry run: " if self.dry_run else "") + self.summary]
        said += [f"  {verb}: {name}" for name in self.added]
        fill = "Would fill in" if self.dry_run else "Filled in"
        said += [f"  {fill}: {name}" for name in self.updated]
        return said

    def skipped(self, path: Path) -> list[str]:
        """One line per row left out: "Connections.csv:9: no name …"."""
        return [f"{path.name}:{error.line}: {error.message}" for error in self.errors]


def _read_people(
    kind: str, path: Path, company: str, position: str, mapping: Mapping[str, str] | None
) -> tuple[list[Incoming], list[RowError]]:
    if kind == "linkedin":
        return read_linkedin(path, company=company, position=position)
    if kind == "vcard":
        return read_vcards(path)
    if kind == "csv":
        return read_csv(path, mapping)
    raise ValueError(f"unknown import kind {kind!r}")


def import_file(
    repository: Repository,
    kind: str,
    path: Path,
    now: datetime,
    *,
    dry_run: bool = False,
    company: str = "",
    position: str = "",
    mapping: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import ``path``; InterchangeError (one sentence) if the file can't be read at all."""
    if not path.is_file():
        raise InterchangeError(f"{path} is not a file.")
    existing = repository.contacts(include_archived=True)
    if kind == "json":
        backup = read_backup(path)
        restored, plan = plan_backup(existing, backup)
        if not dry_run:
            restored = repository.restore_backup(restored)
            repository.add_questions([q for q in backup.questions if not q.builtin])
        return ImportReport(
            restore_summary(restored, plan),
            dry_run,
            "restore",
            [c.name for c in restored],
            [],
            plan.errors,
        )
    people, errors = _read_people(kind, path, company, position, mapping)
    plan = plan_import(existing, people)
    plan.errors[:0] = errors
    plan.errors.sort(key=lambda error: error.line)
    report = ImportReport(
        plan.summary(),
        dry_run,
        "add",
        [fields["name"] for fields in plan.add],
        [update.contact.name for update in plan.update],
        plan.errors,
    )
    if not dry_run and (plan.add or plan.update):
        repository.apply_import(
            plan.add, [(update.contact.id, update.fields) for update in plan.update], now
        )
    return report


def export_bytes(
    repository: Repository,
    kind: str,
    now: datetime,
    *,
    include_archived: bool = False,
    include_notes: bool = False,
) -> bytes:
    """The export as bytes.  Private fields (notes) and archived people only when asked.

    The JSON backup is the exception: it is everything, so it can be restored.
    """
    everyone = repository.contacts(include_archived=True)
    chosen = [c for c in everyone if include_archived or not c.archived]
    if kind == "ics":
        binary = io.BytesIO()
        settings = repository.settings()
        write_calendar(chosen, due_items(chosen, now, settings), now, binary)
        return binary.getvalue()
    text = io.StringIO(newline="")
    if kind == "vcard":
        write_vcards(chosen, text, include_notes=include_notes, include_archived=include_archived)
    elif kind == "csv":
        write_csv(chosen if include_notes else [_without_notes(c) for c in chosen], text)
    elif kind == "json":
        settings_dict = asdict(repository.settings())
        export_json(everyone, repository.questions(), settings_dict, now, text)
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    return text.getvalue().encode("utf-8")


def _without_notes(contact: Contact) -> Contact:
    return replace(contact, notes="")


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable only by its owner (0600).

    An existing file is replaced (re-exporting a calendar updates it), never
    half-written: a temp file in the same folder is renamed over it.
    """
    folder = path.parent if str(path.parent) else Path(".")
    descriptor, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def default_export_path(kind: str, now: datetime) -> Path:
    """coffeechat-2026-11-22.ics and so on, in the current folder."""
    return Path.cwd() / f"coffeechat-{now:%Y-%m-%d}{SUFFIXES[kind]}"
