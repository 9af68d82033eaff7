"""The journal: changes appended beside the database, one JSON line each.

Rewriting a 33 MB file for every keystroke costs ~65 ms and grows with the
network; appending one line and ``fdatasync``-ing it costs about a
millisecond whatever the size.  The TUI saves this way; the main file is
rewritten ("compacted") when the app has been idle a moment, at exit, and
when the journal grows large.

The format, ``<database>.journal`` beside the real file::

    {"coffeechat-journal":1,"base":[inode,size,mtime_ns]}
    {"puts":[["contacts","12",{...the whole record...}], ...]}
    ...

* The first line names the main file the journal was started on (its
  inode, size and modification time when the first change was appended).
* Every later line is one saved change: the *whole* new record of every
  record it touched, so a line never depends on an earlier one and applying
  a line twice changes nothing (replay is idempotent).
* A change counts as saved once its line, newline included, is on disk.  A
  last line without its newline is a write that was cut off (the process
  was killed or the disk filled); it was never reported saved and is
  ignored — and cut off by the next writer, under the lock.
* Anything else that is not a change line is refused, like a broken main
  file, rather than guessed at.

When the journal's base is not the main file as it stands — the main file
was put back from a backup, pulled by git or synced while changes were
still in the journal, or a compaction was killed between writing the main
file and removing the journal — each record is put where the record with
its id is, so replaying it is still exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

FORMAT = 1
SUFFIX = ".journal"
#: The journal is folded into the main file once it holds this many bytes.
COMPACT_AT_BYTES = 8 * 1024 * 1024

Data = dict[str, dict[str, Any]]
Base = tuple[int, int, int]
Put = tuple[str, str, dict[str, Any]]


class JournalError(ValueError):
    """A line that is not a change coffeechat wrote (the message names the line)."""


def header(base: Base) -> bytes:
    """The first line of a new journal started on a main file with this ``base``."""
    return orjson.dumps({"coffeechat-journal": FORMAT, "base": list(base)}) + b"\n"


def change_line(puts: list[Put]) -> bytes:
    """One saved change: every record it touched, whole."""
    return orjson.dumps({"puts": [list(put) for put in puts]}) + b"\n"


@dataclass
class Replay:
    """What reading a journal found: its base, its changes, where the good part ends."""

    base: Base | None = None
    #: Each complete change line's puts, in order.
    changes: list[list[Put]] = field(default_factory=list)
    #: Offset just after the last complete line (header included).
    end: int = 0
    #: Whether bytes after ``end`` were a line cut off (to be cut by the next writer).
    torn: bool = False


def read(raw: bytes, *, start: int = 0, base: Base | None = None) -> Replay:
    """Parse ``raw`` (the journal's bytes from offset ``start``).

    ``start`` 0 reads the header; a later ``start`` continues a journal whose
    header said ``base``.  JournalError for a line coffeechat did not write.
    """
    found = Replay(base=base, end=start)
    for number, offset, line in _lines(raw, start):
        if offset == 0:
            found.base = _header(line)
        else:
            found.changes.append(_change(line, number))
        found.end = offset + len(line) + 1
    found.torn = found.end < start + len(raw)
    return found


def _lines(raw: bytes, start: int) -> Iterator[tuple[int, int, bytes]]:
    """(line number, offset, line without its newline) for each complete line."""
    number = 1 if start == 0 else 0  # line numbers past a continued read are not known
    position = 0
    while True:
        newline = raw.find(b"\n", position)
        if newline < 0:
            return
        yield number, start + position, raw[position:newline]
        position = newline + 1
        if number:
            number += 1


def _where(number: int) -> str:
    return f"line {number}" if number else "a line"


def _header(line: bytes) -> Base:
    try:
        parsed = orjson.loads(line)
    except orjson.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict) or "coffeechat-journal" not in parsed:
        raise JournalError("line 1 is not a coffeechat journal header")
    version = parsed["coffeechat-journal"]
    if version != FORMAT:
        raise JournalError(
            f"it was written by a different coffeechat (journal format {version!r};"
            f" this version reads {FORMAT})"
        )
    base = parsed.get("base")
    if (
        not isinstance(base, list)
        or len(base) != 3
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in base)
    ):
        raise JournalError("line 1 does not say which file the journal belongs to")
    return (base[0], base[1], base[2])


def _change(line: bytes, number: int) -> list[Put]:
    try:
        parsed = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise JournalError(f"{_where(number)} is not JSON") from None
    puts = parsed.get("puts") if isinstance(parsed, dict) else None
    if not isinstance(puts, list) or not puts:
        raise JournalError(f"{_where(number)} is not a saved change")
    checked: list[Put] = []
    for put in puts:
        if (
            not isinstance(put, list)
            or len(put) != 3
            or not isinstance(put[0], str)
            or not isinstance(put[1], str)
            or not canonical_key(put[1])
            or not isinstance(put[2], dict)
        ):
            raise JournalError(f"{_where(number)} holds a record that is not table, key, record")
        if not isinstance(put[2].get("id", ""), str):
            raise JournalError(f"{_where(number)} holds a record whose id is not text")
        checked.append((put[0], put[1], put[2]))
    return checked


def canonical_key(key: str) -> bool:
    """Whether ``key`` is a record number as coffeechat writes it ("12", never "012" or "x"),
    so TinyDB's int() doc id turns back into exactly this key.

    Not past 18 digits: coffeechat counts from 1, and Python refuses to read
    4,300 digits as a number at all.
    """
    return (
        key.isascii()
        and key.isdigit()
        and len(key) <= 18
        and (key == "0" or not key.startswith("0"))
    )


class Applier:
    """Applies puts onto data; by key when the base matches, else where each id lives."""

    def __init__(self, data: Data, *, by_id: bool) -> None:
        self.data = data
        self.by_id = by_id
        #: Each touched record as the data had it before the first put to it.
        self._was: dict[tuple[str, str], Any] = {}
        self._ids: dict[str, dict[Any, str]] = {}
        self.touched: dict[str, set[str]] = {}
        #: The journal line that last put each record, when ``apply`` was told.
        self.lines: dict[tuple[str, str], int] = {}

    def apply(self, puts: list[Put], line: int = 0) -> None:
        """Put every record of one change line (line ``line`` of the journal, if known)."""
        for table_name, key, record in puts:
            table = self.data.setdefault(table_name, {})
            key = self._key_for(table_name, table, key, record)
            ids = self._ids.get(table_name)
            if ids is not None and record.get("id") is not None:
                ids[record["id"]] = key
            old = table.get(key)
            self._was.setdefault((table_name, key), old)
            if old != record:
                table[key] = record
            self.touched.setdefault(table_name, set()).add(key)
            if line:
                self.lines[(table_name, key)] = line

    @property
    def overrode(self) -> bool:
        """Whether the puts left a record other than the main file had it (only counted by id:
        the main file is not the one the journal began on).  A record the file lacks counts:
        the journal is then not "already in the file", and must not be dropped as if it were.
        """
        return self.by_id and any(
            self.data[name].get(key) != was for (name, key), was in self._was.items()
        )

    def _key_for(self, name: str, table: dict[str, Any], key: str, record: dict[str, Any]) -> str:
        """``key``, unless that key holds another record (by its id) or the id lives elsewhere."""
        wanted = record.get("id")
        held = table.get(key)
        if wanted is None:
            return key  # a record without an id (the meta record) is known by its key
        if not self.by_id and (held is None or held.get("id") == wanted):
            return key
        ids = self._ids.get(name)
        if ids is None:
            ids = self._ids[name] = {
                r["id"]: k for k, r in table.items() if isinstance(r, dict) and _text_id(r)
            }
        found = ids.get(wanted)
        if found is not None:
            return found
        if held is not None and held.get("id") != wanted:
            key = str(max((int(k) for k in table if k.isascii() and k.isdigit()), default=0) + 1)
        ids[wanted] = key
        return key


def _text_id(record: dict[str, Any]) -> bool:
    """Whether the record has an id a journal line can name (a hand edit may have put a list)."""
    return isinstance(record.get("id"), str)
