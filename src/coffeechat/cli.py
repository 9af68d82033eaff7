"""The ``coffeechat`` command: the TUI, and a few commands for scripts and the shell.

The script commands never import Textual; only launching the TUI does.
Errors are one line on stderr and exit status 1 (argparse's usage errors: 2;
a bug: one line naming a private crash report, exit status 70).  Everything
printed shows control characters from the data as escapes (``\\x1b``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from coffeechat import __version__
from coffeechat.domain.clock import Clock
from coffeechat.domain.dates import DateParseError, Prefer, parse_day, parse_when
from coffeechat.domain.duplicates import (
    DuplicateContactError,
    merge_sides,
    merge_undo_steps,
    short_id,
)
from coffeechat.domain.errors import UserError
from coffeechat.domain.events import EventKind
from coffeechat.domain.fields import CONTACT_FIELDS, FIELD_LABELS, FIELDS
from coffeechat.domain.humanize import due_reason, due_summary
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import merge_conflicts
from coffeechat.domain.rules import DueItem, due_items
from coffeechat.domain.search import ContactLookupError, resolve
from coffeechat.domain.stages import Stage
from coffeechat.domain.text import escaped as visible
from coffeechat.domain.text import sentence
from coffeechat.environment import clock_from_environment
from coffeechat.paths import default_db_path, resolve_config_path, resolve_db_path, user_path
from coffeechat.storage.atomic import gc_paused
from coffeechat.storage.repository import Repository, new_id

if TYPE_CHECKING:
    from coffeechat.config import Config
    from coffeechat.transfer import FileFormat

READ_ONLY_COMMANDS = frozenset({"list", "due", "export"})
# Commands that find their contact before they write: a name that matches
# nobody must leave the file exactly as it was (not even migrate or create it).
LOOK_FIRST_COMMANDS = frozenset({"advance", "delete", "merge-contacts"})


class _LazyParser(argparse.ArgumentParser):
    """A subcommand's parser that can add its arguments when it is first used.

    ``import`` and ``export`` name the file formats, and loading those is
    for them alone: ``coffeechat due`` should not pay for it.
    """

    fill: Callable[[argparse.ArgumentParser], None] | None = None

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        self.filled()
        return super().parse_known_args(*args, **kwargs)

    def format_help(self) -> str:
        self.filled()
        return super().format_help()

    def format_usage(self) -> str:
        self.filled()
        return super().format_usage()

    def filled(self) -> None:
        """Add the arguments now, if they are not there yet."""
        fill, self.fill = self.fill, None
        if fill is not None:
            fill(self)


def build_parser(*, lazy: bool = False) -> argparse.ArgumentParser:
    """The argument parser for ``coffeechat`` and its subcommands.

    ``lazy``: ``import`` and ``export`` get their arguments only when used.
    """
    common = _LazyParser(add_help=False)  # one class for every parser (argparse's typing)
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
        "--config",
        metavar="PATH",
        help="settings file, e.g. keys to rebind (default: $COFFEECHAT_CONFIG, "
        "else config.toml in your user config folder)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a throw-away database filled with sample contacts",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_LazyParser)

    add = commands.add_parser("add", parents=[common], help="add a contact; prints its id")
    for spec in FIELDS:
        if spec.flag:
            add.add_argument(spec.flag, dest=spec.name, default="", metavar="TEXT", help=spec.help)
        else:
            add.add_argument(spec.name, help=spec.help)
    add.add_argument(
        "--force", action="store_true", help="add even if that name + company is already there"
    )

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
    due_output = due.add_mutually_exclusive_group()
    due_output.add_argument("--json", action="store_true", help="print JSON")
    due_output.add_argument(
        "--quiet", action="store_true", help='one line, e.g. "3 overdue · 2 due today"'
    )

    bring = commands.add_parser(
        "import", parents=[common], help="bring people in (never duplicates or overwrites)"
    )
    out = commands.add_parser("export", parents=[common], help="write contacts or a calendar")
    bring.fill, out.fill = _import_arguments, _export_arguments
    if not lazy:
        bring.filled()
        out.filled()
    _add_duplicate_commands(commands, common)
    return parser


def _import_arguments(bring: argparse.ArgumentParser) -> None:
    from coffeechat.transfer import IMPORT_FORMATS

    bring.add_argument("kind", choices=list(IMPORT_FORMATS), help=_kinds(IMPORT_FORMATS))
    bring.add_argument("file", type=Path, help="LinkedIn's Connections.csv, a .vcf, a .csv…")
    bring.add_argument("--company", default="", help="LinkedIn: only companies matching this")
    bring.add_argument("--position", default="", help="LinkedIn: only positions matching this")
    bring.add_argument(
        "--map", default="", metavar="HEADER=FIELD,…", help="CSV: which column is which field"
    )
    bring.add_argument("--dry-run", action="store_true", help="only say what would change")


def _export_arguments(out: argparse.ArgumentParser) -> None:
    from coffeechat.transfer import EXPORT_FORMATS

    out.add_argument("kind", choices=list(EXPORT_FORMATS), help=_kinds(EXPORT_FORMATS))
    out.add_argument(
        "-o", "--output", type=user_path, help="file to write (default: standard output)"
    )
    out.add_argument("--include-archived", action="store_true", help="archived people too")
    out.add_argument("--include-notes", action="store_true", help="your private notes too")
    out.add_argument("--at", metavar="WHEN", help="ics: due items as of this moment")


def _add_duplicate_commands(commands: Any, common: _LazyParser) -> None:
    """``delete`` and ``merge-contacts``: the ways out of a duplicate."""
    delete = commands.add_parser(
        "delete", parents=[common], help="delete a contact (asks first; history stays in the file)"
    )
    delete.add_argument("contact", metavar="NAME|ID", help="an id, or part of a name")
    delete.add_argument("--yes", action="store_true", help="do not ask first")
    delete.add_argument(
        "--undo",
        action="store_true",
        help="bring a deleted contact back, or take back the merge that removed one",
    )
    merge = commands.add_parser(
        "merge-contacts",
        parents=[common],
        help="merge a duplicate (OTHER) into KEEP: both histories kept, OTHER removed",
    )
    merge.add_argument("keep", metavar="KEEP", help="the contact that stays: an id, or a name")
    merge.add_argument("other", metavar="OTHER", help="the duplicate merged into it")
    merge.add_argument(
        "--take-other",
        default="",
        metavar="FIELD,…",
        help="where both differ, take OTHER's value for these fields",
    )
    merge.add_argument(
        "--keep-mine", action="store_true", help="where both differ, keep KEEP's value (the rest)"
    )


def _kinds(formats: Mapping[str, FileFormat]) -> str:
    """ "ics (an iCalendar feed), vcard (vCards), …" for a format argument's help."""
    return "the file's format: " + ", ".join(f"{f.kind} ({f.title})" for f in formats.values())


def _stage_argument(text: str) -> Stage:
    try:
        return Stage.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


EXIT_CRASH = 70  # sysexits' EX_SOFTWARE: not a mistake of the person's, a bug of ours


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Entry point; returns the exit status."""
    env = os.environ if environ is None else environ
    with _printable_streams():
        try:
            parser = build_parser(lazy=True)
            args = parser.parse_args(argv)
            if args.command == "import":
                _check_import_filters(parser, args)
            if args.command is not None:
                return _run_command(args, env)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            # `coffeechat due | head -1`: the reader has what it wanted.  Point
            # stdout at nothing so the interpreter's last flush cannot fail too
            # (what the Python docs recommend for SIGPIPE).
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            return 0
        except Exception as error:  # anything else is a bug: one line, no locals
            return _crashed(error)
    # The board draws its own screen: it gets the real streams.
    try:
        return _run_tui(args, env, _clock(env))
    except UserError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        return _crashed(error)


def _check_import_filters(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A filter the format's reader would ignore is a usage error (exit 2)."""
    from coffeechat.transfer import IMPORT_FORMATS

    chosen = IMPORT_FORMATS[args.kind]
    for name in chosen.unsupported(company=args.company, position=args.position, mapping=args.map):
        flag = "--map" if name == "mapping" else f"--{name}"
        parser.error(f"import {args.kind} does not take {flag}")


def _clock(env: Mapping[str, str]) -> Clock:
    try:
        return clock_from_environment(env)
    except DateParseError as error:
        raise UserError(f"COFFEECHAT_NOW: {error}") from None


def _run_command(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    try:
        clock = _clock(env)
        path = resolve_db_path(getattr(args, "db", None), env)
        read_only = args.command in READ_ONLY_COMMANDS | LOOK_FIRST_COMMANDS or getattr(
            args, "dry_run", False
        )
        with gc_paused():  # reading makes many objects, none garbage
            repository = Repository(path, create=not read_only)
            if args.command in READ_ONLY_COMMANDS and not repository.exists():
                return _fail(_no_database(path))
            handler = _HANDLERS[args.command]
            status = handler(args, repository, clock)
        for said in repository.notices():  # what reading the files found (a journal replayed)
            print(f"coffeechat: {visible(said)}", file=sys.stderr)
        sys.stdout.flush()  # here, so a reader that left early is caught in main
        return status
    except UserError as error:
        return _fail(str(error))


def _crashed(error: BaseException) -> int:
    """A bug: one line on stderr, the traceback (never locals) in a private file."""
    from coffeechat.crash import crash_report

    kind = type(error).__name__
    try:
        report = crash_report(error)
    except OSError as failure:
        _fail(f"unexpected error ({kind}); no crash report could be written: {failure}")
    else:
        _fail(f"unexpected error ({kind}), a bug; the details are in {report}")
    return EXIT_CRASH


class _PrintableStream:
    """A text stream that shows control characters as escapes and never fails to encode.

    Wraps stdout and stderr for every command, so nothing from a file can drive
    the terminal (ESC, BEL, NUL, C1), and a stdout that is not UTF-8
    (``PYTHONIOENCODING=ascii``, an old terminal) gets ``\\xeb`` instead of a
    UnicodeEncodeError.  Newlines and tabs pass: they are the output's own.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        # Nothing but newlines and tabs to keep: as it is (``visible`` would
        # look at each of the characters of a long listing one by one).
        plain = text.replace("\n", "").replace("\t", "").isprintable()
        shown = text if plain else visible(text, keep="\n\t")
        with contextlib.suppress(LookupError):
            shown = shown.encode(self.encoding, "backslashreplace").decode(self.encoding)
        self._stream.write(shown)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)  # flush, fileno, isatty, buffer…


@contextlib.contextmanager
def _printable_streams() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, _PrintableStream(sys.stdout))
    sys.stderr = cast(TextIO, _PrintableStream(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _fail(message: str) -> int:
    print(f"coffeechat: {visible(message)}", file=sys.stderr)  # one line, always
    return 1


def _no_database(path: Path) -> str:
    """Why a command that only reads has nothing to read (a cron job must not hear "all clear")."""
    if path != default_db_path():
        return f"no database at {path}"
    return (
        f"no database at {path} yet; add someone with: coffeechat add 'Full Name',"
        " or open the board with: coffeechat"
    )


def _moment(text: str | None, now: datetime, prefer: Prefer = "past") -> datetime:
    """``--at``: "past" reads a bare weekday as the last one (something that happened),
    "future" as the coming one (a question about what will be due)."""
    return now if text is None else parse_when(text, now, prefer)


def _add(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    fields = {name: getattr(args, name) for name in CONTACT_FIELDS}
    fields["connected_on"] = _calendar_day(fields["connected_on"], clock())
    try:
        contact = repository.add(fields, clock(), allow_duplicate=args.force)
    except DuplicateContactError as error:
        return _fail(f"{error}; --force adds them anyway")
    print(contact.id)
    return 0


def _delete(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    if args.undo:
        return _undelete(args.contact, repository, clock)
    contact = resolve(repository.contacts(include_archived=True), args.contact)
    at = f" at {contact.company}" if contact.company else ""
    if not args.yes:
        if not sys.stdin.isatty():
            return _fail(f"deleting {contact.name}{at} needs --yes when not asked at a terminal")
        answer = input(f"Delete {contact.name}{at} (id {short_id(contact)})? [y/N] ")
        if answer.strip().casefold() not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    repository.open_for_writing().delete(contact.id, clock())
    print(
        f"Deleted {contact.name}{at} (id {short_id(contact)}); the history stays in the file"
        f" (coffeechat delete --undo {contact.id} brings them back)."
    )
    return 0


def _undelete(text: str, repository: Repository, clock: Clock) -> int:
    """``delete --undo``: bring back a deleted contact, or take back the merge that removed one."""
    deleted = [c for c in repository.deleted() if c.removal]
    try:
        contact = resolve(deleted, text)
    except ContactLookupError as error:
        if error.candidates:
            raise
        with contextlib.suppress(ContactLookupError):
            live = resolve(repository.contacts(include_archived=True), text)
            return _fail(f"{live.name} (id {short_id(live)}) is not deleted; nothing to bring back")
        raise
    writer = repository.open_for_writing()
    if not contact.merged_into:
        removal = contact.removal
        assert removal is not None
        back = writer.undo(contact.id, removal.id, clock())
        print(f"Brought back {visible(back.name)} (id {short_id(back)}).")
        return 0
    steps = merge_undo_steps(contact, [*repository.contacts(include_archived=True), *deleted])
    undone = writer.undo_all(steps, clock())
    back, keep = undone[0], undone[1]
    moved = len(steps) - 2
    links = f"; {moved} introduction{'s' * (moved != 1)} point to them again" if moved else ""
    print(
        f"Took back the merge of {visible(back.name)} (id {short_id(back)}) into"
        f" {visible(keep.name)} (id {short_id(keep)}): both are back as they were{links}."
    )
    return 0


def _merge_contacts(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    everyone = repository.contacts(include_archived=True)
    keep, other = resolve(everyone, args.keep), resolve(everyone, args.other)
    take = [name.strip() for name in args.take_other.split(",") if name.strip()]
    unknown = [name for name in take if name not in CONTACT_FIELDS]
    if unknown:
        return _fail(f"--take-other: {', '.join(unknown)} is not a field")
    conflicts = merge_conflicts(keep, other)
    open_ = [name for name in conflicts if name not in take]
    if open_ and not args.keep_mine:
        listed = "; ".join(
            f"{FIELD_LABELS[name]}: {mine!r} or {theirs!r}"
            for name, (mine, theirs) in conflicts.items()
            if name in open_
        )
        return _fail(
            f"{keep.name} and {other.name} differ ({listed}); choose with"
            f" --take-other {','.join(open_)} or --keep-mine"
        )
    sides = merge_sides(keep, other)
    writer = repository.open_for_writing()  # only now: a failed lookup writes nothing
    merged = writer.merge_contacts(
        sides.keep.id, sides.other.id, clock(), take_other=sides.take_other(take)
    )
    survivor, gone = merged.keep, merged.other
    changed = survivor.events[-1].data
    if sides.swapped:
        said = [sentence(sides.why(done=True))]
    else:
        said = [f"Merged {gone.name} (id {short_id(gone)}) into {survivor.name}"]
    fields = getattr(changed, "fields", {})
    if fields:
        said.append("took " + ", ".join(FIELD_LABELS[name] for name in fields))
    meetings = len(getattr(changed, "meetings", ()))
    if meetings:
        said.append(f"moved {meetings} meeting{'s' * (meetings != 1)}")
    if merged.repointed:
        count = len(merged.repointed)
        said.append(f"{count} introduction{'s' * (count != 1)} now point to {survivor.name}")
    print(
        visible("; ".join(said))
        + f". {visible(gone.name)} (id {short_id(gone)}) is removed; both histories stay in the"
        f" file (coffeechat delete --undo {gone.id} takes the merge back)."
    )
    return 0


def _calendar_day(text: str, now: datetime) -> str:
    """``--connected-on``: words like "yesterday" as a date; the rest for the field to judge."""
    try:
        return parse_day(text, now).isoformat() if text.strip() else text
    except DateParseError:
        return text  # the field's own check names the field and the text


def _find(repository: Repository, text: str) -> Contact:
    """The contact ``text`` names: one on the board first, else an archived one."""
    everyone = repository.contacts(include_archived=True)
    try:
        return resolve([c for c in everyone if not c.archived], text)
    except ContactLookupError as error:
        if error.candidates:
            raise
        try:
            return resolve([c for c in everyone if c.archived], text)
        except ContactLookupError:
            raise error from None


def _advance(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    contact = _find(repository, args.contact)
    now = clock()
    at = _moment(args.at, now)
    before = contact.stage
    writer = repository.open_for_writing()  # only now: a failed lookup writes nothing
    updated, event = writer.advance(contact.id, now, at=at)
    if event.kind is EventKind.TOUCH:
        print(f"{visible(updated.name)}: follow-up logged ({event.at:%Y-%m-%d %H:%M})")
    else:
        print(f"{visible(updated.name)}: {before} → {updated.stage} ({event.at:%Y-%m-%d %H:%M})")
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
    if not contacts and args.stage:
        print(
            f"Nobody is in {args.stage}."
            if args.archived
            else f"Nobody on the board is in {args.stage}."
        )
        return 0
    if not contacts:
        print("No contacts yet. Add one with: coffeechat add 'Full Name' --company ACME")
        return 0
    now = clock()
    rows = [
        (
            c.stage.value + (" (archived)" if c.archived else ""),
            f"{c.days_in_stage(now)}d",
            visible(c.name),
            visible(c.company),
            visible(c.role),
        )
        for c in contacts
    ]
    _print_table(("STAGE", "DAYS", "NAME", "COMPANY", "ROLE"), rows)
    return 0


def _due_items(repository: Repository, at: datetime) -> list[DueItem]:
    """The Due list, with the rules reading the stored records (only who could be due, thinly).

    A file the fast read cannot vouch for (a malformed record, two records
    of one contact) is read the usual way, which names the problem as ever.
    """
    from coffeechat.domain.due_records import DuplicateIdsError, due_subjects
    from coffeechat.domain.records import RecordError

    settings = repository.settings()
    try:
        return due_items(due_subjects(repository.raw_contact_records()), at, settings)
    except (RecordError, DuplicateIdsError):
        return due_items(repository.contacts(), at, settings)


def _due(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    at = _moment(args.at, clock(), "future")
    items = _due_items(repository, at)
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
    # With --at, say which moment the list is for ("friday 9am" is a guess to check).
    as_of = f" as of {at:%a %d %b %Y %H:%M}" if args.at else ""
    if not items:
        print(f"Nothing due{as_of}. Nice.")
        return 0
    print(due_summary(items, at) + as_of)
    header = ("STATUS", "WHAT", "NAME", "COMPANY", "WHY")
    rows = {
        item.key: (
            item.urgency.value.upper(),
            item.kind.value,
            # Escaped before measuring, so a tab or newline in a name keeps the table.
            visible(item.name),
            visible(item.company),
            visible(due_reason(item, at)),
        )
        for item in items
    }
    widths = [max(len(row[i]) for row in [header, *rows.values()]) for i in range(len(header))]
    lines = ["", "  " + _line(header, widths)]
    for section, group in groupby(items, key=lambda item: item.section):
        members = list(group)
        lines.append(f"{section.value} ({len(members)})")
        lines.extend("  " + _line(rows[item.key], widths) for item in members)
    print("\n".join(lines))  # one write: thousands of prints cost more than the list
    return 0


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def _run_tui(args: argparse.Namespace, env: Mapping[str, str], clock: Clock) -> int:
    from coffeechat.config import read_config

    path, chosen = resolve_config_path(args.config, env)
    config = read_config(path, required=chosen)
    # Loading the file and building the board make objects that all live on:
    # no collection until the board has drawn (the app resumes it then).
    with gc_paused():
        if args.demo:
            from coffeechat.domain.demo import demo_contacts

            folder = Path(tempfile.mkdtemp(prefix="coffeechat-demo-"))
            try:
                repository = Repository(folder / "demo.json", journal=True)
                repository.insert_many(demo_contacts(clock() - timedelta(minutes=1), new_id))
                return _launch(repository, clock, config)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        path = resolve_db_path(getattr(args, "db", None), env)
        return _launch(Repository(path, journal=True), clock, config)


def _launch(repository: Repository, clock: Clock, config: Config) -> int:
    from coffeechat.ui.app import make_app  # Textual only loads for the TUI

    app = make_app(repository, clock, config)
    try:
        app.run()
    finally:
        _fold_journal(repository)
    return app.return_code or 0  # 1 after an unhandled error (its report is printed)


def _fold_journal(repository: Repository) -> None:
    """At exit, rewrite the file with the changes the session kept in its journal.

    If that cannot be done (a full disk), nothing is lost: the journal stays,
    and every reader replays it.
    """
    try:
        repository.compact()
    except UserError as error:
        _fail(
            f"{error} Every change is kept in {repository.journal_path}"
            " and is read back whenever the file is opened."
        )


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
    for row in sorted([*report.errors, *report.warnings], key=lambda row: row.line):
        print(visible(f"coffeechat: {args.file}:{row.line}: {row.message}"), file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, repository: Repository, clock: Clock) -> int:
    from coffeechat.transfer import export_bytes, write_private

    data = export_bytes(
        repository,
        args.kind,
        _moment(args.at, clock(), "future"),
        include_archived=args.include_archived,
        include_notes=args.include_notes,
    )
    if args.output is None:
        if sys.stdout.isatty():
            # On a terminal the file is there to be read: show what it holds,
            # drive nothing.  Piped or redirected, it is the file, byte for byte.
            text = data.decode("utf-8", "replace").replace("\r\n", "\n")
            sys.stdout.write(text)  # stdout escapes control characters itself
            return 0
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return 0
    refusal = repository.refusal_to_write(args.output)
    if refusal is not None:
        return _fail(refusal)
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
    "delete": _delete,
    "merge-contacts": _merge_contacts,
}

if __name__ == "__main__":
    raise SystemExit(main())
