"""The ``coffeechat`` command: the TUI, and a few commands for scripts and the shell.

The script commands never import Textual; only launching the TUI does.
Errors are one line on stderr and exit status 1 (argparse's usage errors: 2).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from coffeechat import __version__
from coffeechat.domain.clock import Clock
from coffeechat.domain.dates import DateParseError, parse_when
from coffeechat.domain.errors import UserError
from coffeechat.domain.events import EventKind
from coffeechat.domain.fields import CONTACT_FIELDS, FIELDS
from coffeechat.domain.humanize import due_reason, due_summary
from coffeechat.domain.model import Contact
from coffeechat.domain.rules import due_items
from coffeechat.domain.search import resolve
from coffeechat.domain.stages import Stage
from coffeechat.environment import clock_from_environment
from coffeechat.paths import resolve_db_path
from coffeechat.storage.repository import Repository, new_id
from coffeechat.transfer import EXPORT_FORMATS, IMPORT_FORMATS, FileFormat

READ_ONLY_COMMANDS = frozenset({"list", "due", "export"})


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``coffeechat`` and its subcommands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file (default: $COFFEECHAT_DB, else your user data folder)",
    )
    parser = argparse.ArgumentParser(
        prog="coffeechat",
        parents=[common],
        description="Run your informational interviews: with no command, open the board.",
        epilog="Set COFFEECHAT_NOW (e.g. '2026-11-20 09:00') to freeze the clock for demos.",
    )
    parser.add_argument("--version", action="version", version=f"coffeechat {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a throw-away database filled with sample contacts",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = commands.add_parser("add", parents=[common], help="add a contact; prints its id")
    for spec in FIELDS:
        if spec.flag:
            add.add_argument(spec.flag, dest=spec.name, default="", metavar="TEXT", help=spec.help)
        else:
            add.add_argument(spec.name, help=spec.help)

    advance = commands.add_parser("advance", parents=[common], help="move a contact one stage on")
    advance.add_argument("contact", metavar="NAME|ID", help="an id, or part of a name")
    advance.add_argument(
        "--at", metavar="WHEN", help="when it happened, e.g. 'yesterday 3pm' (default: now)"
    )

    listing = commands.add_parser("list", parents=[common], help="list contacts")
    listing.add_argument("--stage", type=_stage_argument, help="only this stage")
    listing.add_argument("--archived", action="store_true", help="include archived contacts")
    listing.add_argument("--json", action="store_true", help="print JSON")

    due = commands.add_parser("due", parents=[common], help="what is due or overdue")
    due.add_argument("--at", metavar="WHEN", help="as of this moment (default: now)")
    due.add_argument("--json", action="store_true", help="print JSON")
    due.add_argument(
        "--quiet", action="store_true", help='one line, e.g. "3 overdue · 2 due today"'
    )

    bring = commands.add_parser(
        "import", parents=[common], help="bring people in (never duplicates or overwrites)"
    )
    bring.add_argument("kind", choices=list(IMPORT_FORMATS), help=_kinds(IMPORT_FORMATS))
    bring.add_argument("file", type=Path, help="LinkedIn's Connections.csv, a .vcf, a .csv…")
    bring.add_argument("--company", default="", help="LinkedIn: only companies matching this")
    bring.add_argument("--position", default="", help="LinkedIn: only positions matching this")
    bring.add_argument(
        "--map", default="", metavar="HEADER=FIELD,…", help="CSV: which column is which field"
    )
    bring.add_argument("--dry-run", action="store_true", help="only say what would change")

    out = commands.add_parser("export", parents=[common], help="write contacts or a calendar")
    out.add_argument("kind", choices=list(EXPORT_FORMATS), help=_kinds(EXPORT_FORMATS))
    out.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")
    out.add_argument("--include-archived", action="store_true", help="archived people too")
    out.add_argument("--include-notes", action="store_true", help="your private notes too")
    out.add_argument("--at", metavar="WHEN", help="ics: due items as of this moment")
    return parser


def _kinds(formats: Mapping[str, FileFormat]) -> str:
    """ "ics (an iCalendar feed), vcard (vCards), …" for a format argument's help."""
    return "the file's format: " + ", ".join(f"{f.kind} ({f.title})" for f in formats.values())


def _stage_argument(text: str) -> Stage:
    try:
        return Stage.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Entry point; returns the exit status."""
    env = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    try:
        clock = clock_from_environment(env)
    except DateParseError as error:
        return _fail(f"COFFEECHAT_NOW: {error}")
    try:
        if args.command is None:
            return _run_tui(args, env, clock)
        read_only = args.command in READ_ONLY_COMMANDS or getattr(args, "dry_run", False)
        repository = Repository(
            resolve_db_path(getattr(args, "db", None), env), create=not read_only
        )
        handler = _HANDLERS[args.command]
        status = handler(args, repository, clock)
        sys.stdout.flush()  # here, so a reader that left early is caught below
        return status
    except UserError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `coffeechat due | head -1`: the reader has what it wanted.  Point
        # stdout at nothing so the interpreter's last flush cannot fail too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0


def _fail(message: str) -> int:
    print(f"coffeechat: {message}", file=sys.stderr)
    return 1


def _moment(text: str | None, now: datetime) -> datetime:
    return now if text is None else parse_when(text, now)


def _add(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    fields = {name: getattr(args, name) for name in CONTACT_FIELDS}
    contact = repository.add(fields, clock())
    print(contact.id)
    return 0


def _advance(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    contact = resolve(repository.contacts(), args.contact)
    now = clock()
    at = _moment(args.at, now)
    before = contact.stage
    updated, event = repository.advance(contact.id, now, at=at)
    if event.kind is EventKind.TOUCH:
        print(f"{updated.name}: follow-up logged ({event.at:%Y-%m-%d %H:%M})")
    else:
        print(f"{updated.name}: {before} → {updated.stage} ({event.at:%Y-%m-%d %H:%M})")
    return 0


def contact_summary(contact: Contact) -> dict[str, Any]:
    """The JSON object ``list --json`` prints for one contact."""
    return {
        "id": contact.id,
        **contact.fields(),
        "stage": contact.stage.value,
        "stage_changed_at": contact.stage_changed_at.isoformat(),
        "created_at": contact.created_at.isoformat(),
        "archived": contact.archived,
        "archive_reason": contact.archive_reason,
    }


def _list(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    contacts = repository.contacts(include_archived=args.archived)
    if args.stage:
        contacts = [c for c in contacts if c.stage is args.stage]
    order = list(Stage)
    contacts.sort(key=lambda c: (order.index(c.stage), c.name.casefold()))
    if args.json:
        print(json.dumps([contact_summary(c) for c in contacts], indent=2, ensure_ascii=False))
        return 0
    if not contacts:
        print("No contacts yet. Add one with: coffeechat add 'Full Name' --company ACME")
        return 0
    now = clock()
    rows = [
        (
            c.stage.value + (" (archived)" if c.archived else ""),
            f"{c.days_in_stage(now)}d",
            c.name,
            c.company,
            c.role,
        )
        for c in contacts
    ]
    _print_table(("STAGE", "DAYS", "NAME", "COMPANY", "ROLE"), rows)
    return 0


def _due(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    at = _moment(args.at, clock())
    items = due_items(repository.contacts(), at, repository.settings())
    if args.json:
        payload = [
            {
                "contact_id": item.contact_id,
                "name": item.name,
                "company": item.company,
                "kind": item.kind.value,
                "due_at": item.due_at.isoformat(),
                "overdue": item.overdue,
                "urgency": item.urgency.value,
                "since": item.since.isoformat(),
                "section": item.section.value,
                "detail": item.detail,
            }
            for item in items
        ]
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if args.quiet:
        print(due_summary(items, at) if items else "Nothing due")
        return 0
    if not items:
        print("Nothing due. Nice.")
        return 0
    print(due_summary(items, at))
    header = ("STATUS", "WHAT", "NAME", "COMPANY", "WHY")
    rows = {
        item.key: (
            item.urgency.value.upper(),
            item.kind.value,
            item.name,
            item.company,
            due_reason(item, at),
        )
        for item in items
    }
    widths = [max(len(row[i]) for row in [header, *rows.values()]) for i in range(len(header))]
    print()
    print("  " + _line(header, widths))
    for section, group in groupby(items, key=lambda item: item.section):
        members = list(group)
        print(f"{section.value} ({len(members)})")
        for item in members:
            print("  " + _line(rows[item.key], widths))
    return 0


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def _run_tui(args: argparse.Namespace, env: Mapping[str, str], clock: Clock) -> int:
    if args.demo:
        from coffeechat.domain.demo import demo_contacts

        folder = Path(tempfile.mkdtemp(prefix="coffeechat-demo-"))
        try:
            repository = Repository(folder / "demo.json")
            repository.insert_many(demo_contacts(clock() - timedelta(minutes=1), new_id))
            return _launch(repository, clock)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return _launch(Repository(resolve_db_path(getattr(args, "db", None), env)), clock)


def _launch(repository: Repository, clock: Clock) -> int:
    from coffeechat.ui.app import make_app  # Textual only loads for the TUI

    app = make_app(repository, clock)
    app.run()
    return app.return_code or 0  # 1 after an unhandled error (its report is printed)


def _import(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    from coffeechat.interchange.csv_files import parse_mapping
    from coffeechat.interchange.errors import MappingError
    from coffeechat.transfer import import_file

    try:
        mapping = parse_mapping(args.map) if args.map else None
    except MappingError as error:
        return _fail(f"--map: {error}")
    # Any other UserError (an unreadable file, a bad record) is main's to report.
    report = import_file(
        repository,
        args.kind,
        args.file,
        clock(),
        dry_run=args.dry_run,
        company=args.company,
        position=args.position,
        mapping=mapping,
    )
    print("\n".join(report.lines()))
    for row in report.errors:
        print(f"coffeechat: {args.file}:{row.line}: {row.message}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    from coffeechat.transfer import export_bytes, write_private

    data = export_bytes(
        repository,
        args.kind,
        _moment(args.at, clock()),
        include_archived=args.include_archived,
        include_notes=args.include_notes,
    )
    if args.output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return 0
    if args.output.resolve() == repository.path.resolve():
        return _fail(f"{args.output} is the database itself; export to another file.")
    try:
        write_private(args.output, data)
    except OSError as error:
        return _fail(f"Could not write {args.output}: {error.strerror}.")
    print(f"Wrote {args.output}", file=sys.stderr)
    return 0


_HANDLERS: dict[str, Callable[[argparse.Namespace, Repository, Clock], int]] = {
    "add": _add,
    "advance": _advance,
    "list": _list,
    "due": _due,
    "import": _import,
    "export": _export,
}

if __name__ == "__main__":
    raise SystemExit(main())
