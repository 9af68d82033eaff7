"""Import and export, end to end: read a file, plan, apply through the repository; or write one.

Shared by ``coffeechat import/export`` and the TUI's command palette, so both
say the same things.  ``FORMATS`` is the one list of file formats: the CLI's
choices and help, the palette's commands and the suffix of a default export
file are all read from it.  File formats themselves live in
``coffeechat.interchange``; the ones needing vobject or icalendar load when a
transfer starts, not when the palette lists its commands.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from coffeechat.domain.model import Contact
from coffeechat.domain.questions import Question
from coffeechat.domain.rules import due_items
from coffeechat.domain.settings import Settings
from coffeechat.domain.words import counted
from coffeechat.interchange.backup import export_json, plan_backup, read_backup, restore_summary
from coffeechat.interchange.csv_files import read_csv, write_csv
from coffeechat.interchange.errors import InterchangeError
from coffeechat.interchange.linkedin import read_linkedin
from coffeechat.interchange.matching import Incoming, RowError, plan_import
from coffeechat.storage.repository import Repository


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    summary: str
    dry_run: bool
    verb: str = "add"  # "restore" for a backup
    added: list[str] = field(default_factory=list)  # names
    updated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Values left out of people imported all the same (a bad cadence or date cell).
    warnings: list[RowError] = field(default_factory=list)
    #: (contact id, event id) for each change the import made, to undo it in one step.
    undo_steps: list[tuple[str, ...]] = field(default_factory=list)

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

    def left_out(self, path: Path) -> list[str]:
        """One line per value left out: "people.csv:4: Follow up every: '²' is not … "."""
        return [f"{path.name}:{warning.line}: {warning.message}" for warning in self.warnings]


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the person asked of an import besides the file."""

    dry_run: bool = False
    company: str = ""  # LinkedIn: only companies matching this
    position: str = ""  # LinkedIn: only positions matching this
    mapping: Mapping[str, str] | None = None  # CSV: header -> field


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What an export leaves out unless asked (the JSON backup is always everything)."""

    include_archived: bool = False
    include_notes: bool = False


Importer = Callable[[Repository, Path, datetime, ImportOptions], "ImportReport"]
Exporter = Callable[[Repository, datetime, ExportOptions], bytes]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """One file format coffeechat reads or writes, and how people are told about it.

    ``kind`` is the CLI's word for it; ``suffix`` ends a default export file
    name; ``title`` names the format in help.  ``reader`` / ``writer`` are None
    when the format only goes one way; the ``import_*`` / ``export_*`` texts
    are the palette's commands.
    """

    kind: str
    suffix: str
    title: str
    reader: Importer | None = None
    writer: Exporter | None = None
    import_title: str = ""
    import_help: str = ""
    export_title: str = ""
    export_help: str = ""
    #: The largest file an import reads (None: no limit), so a huge or hostile
    #: file is refused with one sentence instead of taking minutes or all memory.
    max_bytes: int | None = 64 * 1024 * 1024
    #: The ImportOptions filters the reader honours ("company", "position",
    #: "mapping"); asking another of it is a usage error, not silently ignored.
    filters: frozenset[str] = frozenset()

    def unsupported(self, **asked: object) -> list[str]:
        """The filters given (truthy) that this format's reader does not honour, sorted."""
        return sorted(name for name, value in asked.items() if value and name not in self.filters)


# -- reading --------------------------------------------------------------------------


def _people_importer(
    kind: str,
    read: Callable[[Path, ImportOptions], tuple[list[Incoming], list[RowError]]],
) -> Importer:
    """An importer for a format of people: read, match against who is there, add and fill in."""

    def run(
        repository: Repository, path: Path, now: datetime, options: ImportOptions
    ) -> ImportReport:
        people, errors = read(path, options)
        if not people and (errors or not (options.company or options.position)):
            raise InterchangeError(_nothing_to_import(path, kind, errors))
        plan = plan_import(repository.contacts(include_archived=True), people)
        plan.errors[:0] = errors
        plan.errors.sort(key=lambda error: error.line)
        report = ImportReport(
            plan.summary(done=not options.dry_run),
            options.dry_run,
            "add",
            [fields["name"] for fields in plan.add],
            [update.contact.name for update in plan.update],
            plan.errors,
            plan.warnings,
        )
        if not options.dry_run and (plan.add or plan.update):
            added, updated = repository.apply_import(
                plan.add, [(update.contact.id, update.fields) for update in plan.update], now
            )
            report.undo_steps = [(c.id, c.events[-1].id) for c in (*updated, *added)]
        return report

    return run


# What a file's first bytes say it is (and the import that reads it), for a
# file given to the wrong import.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"%PDF", "a PDF", ""),
    (b"PK\x03\x04", "a zip archive (an .xlsx, say: save it as CSV first)", ""),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (save it as CSV first)", ""),
    (b"BEGIN:VCARD", "a vCard file", "vcard"),
    (b"BEGIN:VCALENDAR", "a calendar file", ""),
    (b"{", "a JSON file", "json"),
)


def _looks_like(path: Path, kind: str) -> str:
    """ "looks like a PNG image, not a CSV spreadsheet" when the file's start says so."""
    try:
        with path.open("rb") as handle:
            start = handle.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    except OSError:
        return ""
    title = _format(IMPORT_FORMATS, kind, "import").title
    for signature, what, reader in _SIGNATURES:
        if start.startswith(signature) and reader != kind:
            advice = f"; import it as {reader}" if reader else ""
            return f"looks like {what}, not {title}{advice}"
    return ""


def _nothing_to_import(path: Path, kind: str, errors: list[RowError]) -> str:
    """One sentence for a file in which no row could be read as a person."""
    looks = _looks_like(path, kind)
    if looks:
        return f"{path} {looks}."
    if not errors:
        return f"{path} has no one to import: it has no rows."
    first = min(errors, key=lambda error: error.line)
    more = f" (and {len(errors) - 1} more like it)" if len(errors) > 1 else ""
    said = f"{path} has no one to import: line {first.line}: {first.message}{more}"
    return said if said.endswith((".", "?")) else said + "."


def _read_linkedin(path: Path, options: ImportOptions) -> tuple[list[Incoming], list[RowError]]:
    return read_linkedin(path, company=options.company, position=options.position)


def _read_vcards(path: Path, options: ImportOptions) -> tuple[list[Incoming], list[RowError]]:
    from coffeechat.interchange.vcard import read_vcards  # loads vobject

    return read_vcards(path)


def _read_csv(path: Path, options: ImportOptions) -> tuple[list[Incoming], list[RowError]]:
    return read_csv(path, options.mapping)


def _restore_backup(
    repository: Repository, path: Path, now: datetime, options: ImportOptions
) -> ImportReport:
    """Restore a JSON backup: contacts by id (never twice), questions, settings and theme.

    The user's own questions come back when their ids are not here; built-in
    questions take the backup's hiding and tags; the settings (your name,
    reminder limits, the theme) are the backup's.
    """
    backup = read_backup(path)
    gone = [contact.id for contact in repository.deleted()]
    restored, plan = plan_backup(repository.contacts(include_archived=True), backup, gone)
    current = repository.settings()
    try:
        settings = replace(current, **backup.settings)
    except ValueError:  # a part of the backup's settings does not fit with ours
        settings = Settings(**backup.settings)
    present = {question.id: question for question in repository.questions()}
    questions = [
        question
        for question in backup.questions
        if (question.builtin and _differs(present.get(question.id), question))
        or (not question.builtin and question.id not in present)
    ]
    if not options.dry_run:
        restored = repository.restore_backup(restored)
        repository.restore_questions(questions)
        if settings != current:
            repository.save_settings(settings)
    summary = restore_summary(restored, plan, done=not options.dry_run)
    if settings != current:
        summary += " · settings"
    if questions:
        summary += f" · {counted(len(questions), 'question')}"
    report = ImportReport(
        summary,
        options.dry_run,
        "restore",
        [c.name for c in restored],
        [],
        plan.errors,
    )
    if not options.dry_run:
        # Each restored contact goes as a whole: its "created", provided its
        # restored history is still where it ends.
        report.undo_steps = [
            (c.id, c.events[0].id, c.effective_events[-1].id) for c in restored if not c.removed
        ]
    return report


def _differs(present: Question | None, restored: Question) -> bool:
    """True if a built-in question's hiding or tags are not what the backup says."""
    return present is None or (present.hidden, present.tags) != (restored.hidden, restored.tags)


# -- writing --------------------------------------------------------------------------


def _chosen(repository: Repository, options: ExportOptions) -> list[Contact]:
    everyone = repository.contacts(include_archived=True)
    return [c for c in everyone if options.include_archived or not c.archived]


def _write_calendar(repository: Repository, now: datetime, options: ExportOptions) -> bytes:
    from coffeechat.interchange.calendar import write_calendar  # loads icalendar

    chosen = _chosen(repository, options)
    settings = repository.settings()
    # The rules stop at the calendar's ends (a year-9999 date in a hand-edited
    # file), and write_calendar leaves out a time no calendar holds.
    items = sorted(due_items(chosen, now, settings), key=lambda item: (item.due_at, item.key))
    binary = io.BytesIO()
    write_calendar(chosen, items, now, binary)
    return binary.getvalue()


def _write_vcards(repository: Repository, now: datetime, options: ExportOptions) -> bytes:
    from coffeechat.interchange.vcard import write_vcards  # loads vobject

    text = io.StringIO(newline="")
    write_vcards(
        _chosen(repository, options),
        text,
        include_notes=options.include_notes,
        include_archived=options.include_archived,
    )
    return text.getvalue().encode("utf-8")


def _write_csv(repository: Repository, now: datetime, options: ExportOptions) -> bytes:
    chosen = _chosen(repository, options)
    text = io.StringIO(newline="")
    write_csv(chosen if options.include_notes else [_without_notes(c) for c in chosen], text)
    return text.getvalue().encode("utf-8")


def _write_backup(repository: Repository, now: datetime, options: ExportOptions) -> bytes:
    text = io.StringIO(newline="")
    everyone = repository.contacts(include_archived=True)
    settings = asdict(repository.settings())
    export_json(everyone, repository.questions(), settings, now, text)
    return text.getvalue().encode("utf-8")


def _without_notes(contact: Contact) -> Contact:
    return replace(contact, notes="")


# -- the registry ---------------------------------------------------------------------

FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "linkedin",
        ".csv",
        "LinkedIn's Connections.csv",
        reader=_people_importer("linkedin", _read_linkedin),
        filters=frozenset({"company", "position"}),
        import_title="Import LinkedIn connections",
        import_help="LinkedIn's Connections.csv (from its data export)",
    ),
    FileFormat(
        "ics",
        ".ics",
        "an iCalendar feed",
        writer=_write_calendar,
        export_title="Export calendar (.ics)",
        export_help="meetings as events, due items as to-dos",
    ),
    FileFormat(
        "vcard",
        ".vcf",
        "vCards",
        reader=_people_importer("vcard", _read_vcards),
        writer=_write_vcards,
        import_title="Import vCards",
        import_help="a .vcf from Google Contacts, Apple Contacts or Outlook",
        export_title="Export vCards",
        export_help="active contacts, without your notes",
    ),
    FileFormat(
        "csv",
        ".csv",
        "a CSV spreadsheet",
        reader=_people_importer("csv", _read_csv),
        filters=frozenset({"mapping"}),
        writer=_write_csv,
        import_title="Import CSV",
        import_help="a spreadsheet saved as CSV, with a header row",
        export_title="Export CSV",
        export_help="active contacts with their stage history, without your notes",
    ),
    FileFormat(
        "json",
        ".json",
        "a full JSON backup",
        reader=_restore_backup,
        writer=_write_backup,
        import_title="Restore a JSON backup",
        import_help="a file made by Export JSON backup",
        export_title="Export JSON backup",
        export_help="everything, to restore on another machine",
        max_bytes=None,  # our own file, as large as the database it came from
    ),
)
"""Every format, in the order help and the palette list them."""

IMPORT_FORMATS: Mapping[str, FileFormat] = {f.kind: f for f in FORMATS if f.reader}
EXPORT_FORMATS: Mapping[str, FileFormat] = {f.kind: f for f in FORMATS if f.writer}


def _format(formats: Mapping[str, FileFormat], kind: str, verb: str) -> FileFormat:
    try:
        return formats[kind]
    except KeyError:
        raise ValueError(f"unknown {verb} kind {kind!r}") from None


# -- end to end -----------------------------------------------------------------------


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
    chosen = _format(IMPORT_FORMATS, kind, "import")
    reader = chosen.reader
    assert reader is not None  # IMPORT_FORMATS holds only formats with one
    if not path.is_file():
        raise InterchangeError(f"{path} is not a file.")
    limit = chosen.max_bytes
    if limit is not None and path.stat().st_size > limit:
        raise InterchangeError(
            f"{path} is larger than {limit // (1024 * 1024)} MB, more than {chosen.title} "
            "should ever be; split it (or, for vCards, export them without photos)."
        )
    options = ImportOptions(dry_run, company, position, mapping)
    wrong = chosen.unsupported(company=company, position=position, mapping=mapping)
    if wrong:
        raise InterchangeError(f"Importing {chosen.title} takes no {' or '.join(wrong)} filter.")
    return reader(repository, path, now, options)


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
    writer = _format(EXPORT_FORMATS, kind, "export").writer
    assert writer is not None  # EXPORT_FORMATS holds only formats with one
    return writer(repository, now, ExportOptions(include_archived, include_notes))


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
    suffix = _format(EXPORT_FORMATS, kind, "export").suffix
    return Path.cwd() / f"coffeechat-{now:%Y-%m-%d}{suffix}"
