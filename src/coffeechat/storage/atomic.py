"""A TinyDB Storage that never leaves a half-written file and never loses a write.

TinyDB's JSONStorage rewrites its file in place, so a crash mid-write leaves
a broken file, and it re-reads and re-parses the whole file on every query.
This storage instead:

* serialises first (orjson: sorted keys, 2-space indent, UTF-8), writes a
  fresh temp file (``mkstemp``: a unique name, ``O_EXCL``, mode 0600) in the
  same directory, fsyncs it, ``os.replace``s it onto the target and fsyncs
  the directory; new files are mode 0600;
* follows a symlinked database to its target: the write replaces the target
  (in the target's folder) and the link stays a link; the lock and the
  backups live beside the target, so a process opening the file through the
  link and one opening the target itself share one lock;
* writes only inside ``transaction()``, which holds an exclusive ``flock`` on
  a sibling ``.lock`` file and re-reads the file first if another process
  changed it (its stamp: inode, size, mtime, ctime), so two processes never
  lose each other's writes;
* keeps the parsed data in memory and re-reads only when the stamp changes;
* never writes over a file it could not parse (nor a FIFO, device or
  socket, which it refuses without reading), and keeps rolling daily
  backups in ``backups/`` beside the file;
* renumbers record keys TinyDB cannot tell apart (``"01"`` beside ``"1"``, a
  non-numeric key from a hand edit) in memory, keeping every record.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from coffeechat.storage.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseWriteError,
    StorageError,
)

Data = dict[str, dict[str, Any]]
Stamp = tuple[int, int, int, int]

BACKUPS_KEPT = 14
BACKUP_DIR = "backups"
_DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def serialise(data: Data) -> bytes:
    """The exact bytes written to disk for ``data``."""
    return orjson.dumps(data, option=_DUMP_OPTIONS)


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _reason(error: OSError) -> str:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the file or its folder is read-only)"
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return error.strerror or str(error)


class AtomicJSONStorage(Storage):
    """See the module docstring; ``today`` names the day for daily backups."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        today: Callable[[], date] = date.today,
        lock_timeout: float = 10.0,
    ) -> None:
        super().__init__()
        #: The path as given (named in messages); a symlink stays a symlink.
        self.path = Path(path)
        #: The file actually read and replaced: ``path`` with every symlink resolved.
        self.target = Path(os.path.realpath(self.path))
        self._today = today
        self._lock_timeout = lock_timeout
        self._data: Data | None = None
        self._stamp: Stamp | None = None
        self._lock_depth = 0
        #: Increases every time the data in memory changes (our write or a re-read).
        self.generation = 0

    # -- TinyDB's Storage interface -------------------------------------

    def read(self) -> Data | None:
        """The parsed file (None when it does not exist yet)."""
        self.refresh()
        return self._data

    def write(self, data: Data) -> None:
        """Replace the file with ``data`` atomically; only inside ``transaction()``."""
        if self._lock_depth == 0:
            raise RuntimeError("AtomicJSONStorage.write called outside transaction()")
        try:
            payload = serialise(data)
            self._check_writable()
            self._backup_if_due()
            stamp = self._replace_with(payload)
        except OSError as error:
            self._forget()  # TinyDB mutated our cached dict; re-read the truth next time
            raise DatabaseWriteError(self.path, _reason(error)) from error
        except BaseException:
            self._forget()
            raise
        self._data = data
        self._stamp = stamp
        self.generation += 1

    def close(self) -> None:
        """Nothing stays open between calls."""

    def exists(self) -> bool:
        """Whether the file is there; StorageError if its folder cannot be searched."""
        try:
            os.stat(self.target)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as error:
            raise StorageError(f"Cannot read {self.path}: {_reason(error)}.") from error
        return True

    # -- change detection and locking -----------------------------------

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if data changed."""
        try:
            st = os.stat(self.target)
        except FileNotFoundError:
            if self._stamp is None and self._data is None:
                return False
            self._forget()
            self.generation += 1
            return True
        except OSError as error:
            raise StorageError(f"Cannot read {self.path}: {_reason(error)}.") from error
        if _stamp(st) == self._stamp:
            return False
        self._load()
        self.generation += 1
        return True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the write lock, with the data freshly synced from disk."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        fd = self._acquire_lock()
        self._lock_depth = 1
        try:
            self.refresh()
            yield
        finally:
            self._lock_depth = 0
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def newest_backup(self) -> Path | None:
        """The most recent daily backup of this file, if any."""
        backups = self._backups()
        return backups[-1] if backups else None

    @property
    def lock_path(self) -> Path:
        """The lock file, beside the target (so a link and its target share it)."""
        return self.target.with_name(self.target.name + ".lock")

    @property
    def backup_dir(self) -> Path:
        """The folder of daily backups, beside the target."""
        return self.target.parent / BACKUP_DIR

    def own_file(self, path: str | os.PathLike[str]) -> str | None:
        """What ``path`` is, if it is one of this database's own files; else None.

        Symlinks are resolved and hard links recognised, so a path naming the
        database, its lock, its backups (daily, or ``.schema-N.bak`` from a
        migration) or its temp files by any route counts.  Files beside the
        symlink (when the database is one) count as well.
        """
        candidate = Path(os.path.realpath(path))  # as the caller will write it: no "~" expansion
        bases = {self.target, Path(os.path.realpath(self.path.parent)) / self.path.name}
        for base in bases:
            folder, name = base.parent, base.name
            if candidate == base:
                return "the database itself"
            if candidate.parent == folder:
                if candidate.name == f"{name}.lock":
                    return "the database's lock file"
                if candidate.name.startswith(f"{name}.schema-"):
                    return "a backup of the database"
                if candidate.name.startswith(f".{name}."):
                    return "a temporary file of the database"
            if folder / BACKUP_DIR in (candidate, *candidate.parents):
                return "in the database's backups folder"
        try:
            st = os.stat(candidate)
        except OSError:
            return None
        for own, what in ((self.target, "the database itself"),
                          (self.lock_path, "the database's lock file")):  # fmt: skip
            with suppress(OSError):
                if os.path.samestat(st, os.stat(own)):
                    return what
        for backup in self._backups():
            with suppress(OSError):
                if os.path.samestat(st, os.stat(backup)):
                    return "a backup of the database"
        return None

    # -- internals ---------------------------------------------------------

    def discard(self) -> None:
        """Drop the cached data (changed in memory but not to be kept); the next read reloads."""
        self._forget()
        self.generation += 1

    def _forget(self) -> None:
        self._data = None
        self._stamp = None

    def _load(self) -> None:
        try:
            # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
            # writer forever; it is refused below without reading from it.
            fd = os.open(self.target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            with open(fd, "rb") as handle:
                st = os.fstat(handle.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise self._corrupt(f"it is {_kind(st.st_mode)}, not a file")
                if not st.st_mode & stat.S_IRUSR:
                    raise PermissionError(errno.EACCES, "file is not readable", str(self.path))
                raw = handle.read()
        except IsADirectoryError:
            raise self._corrupt("it is a directory, not a file") from None
        except OSError as error:
            raise StorageError(f"Cannot read {self.path}: {_reason(error)}.") from error
        if raw.startswith(codecs.BOM_UTF8):  # some Windows editors add one; JSON has none
            raw = raw[len(codecs.BOM_UTF8) :]
        if not raw.strip():
            raise self._corrupt("the file is empty")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise self._corrupt(_json_problem(raw, error)) from None
        if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
            for table in data.values()
        ):
            raise self._corrupt("it is JSON, but not tables of records")
        if _may_repeat_keys(raw, data):
            data = _tables_keeping_repeats(raw.decode("utf-8"))
        for name, table in data.items():
            if not all(_canonical(key) for key in table):
                data[name] = _renumbered(table)
        self._data = data
        self._stamp = _stamp(st)

    def _corrupt(self, problem: str) -> CorruptDatabaseError:
        return CorruptDatabaseError(self.path, problem, self.newest_backup())

    def _acquire_lock(self) -> int:
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # O_NOFOLLOW: a symlink planted at the lock's name is refused, not
            # followed (O_CREAT would create its target).
            fd = os.open(
                self.lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
            )
        except OSError as error:
            problem = (
                f"its lock file {self.lock_path} is a symlink (remove it)"
                if error.errno == errno.ELOOP
                else _reason(error)
            )
            raise DatabaseWriteError(self.path, problem) from error
        deadline = time.monotonic() + self._lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise DatabaseLockedError(self.path, self._lock_timeout) from None
                time.sleep(0.005)

    def _check_writable(self) -> None:
        # Checked by mode bits as well as access(): root may write anything, but
        # a file or folder the user made read-only means "don't touch".
        directory = self.target.parent
        dir_mode = os.stat(directory).st_mode
        if not (dir_mode & stat.S_IWUSR) or not os.access(directory, os.W_OK):
            raise OSError(errno.EACCES, "folder is read-only", str(directory))
        with suppress(FileNotFoundError):
            mode = os.stat(self.target).st_mode
            if not (mode & stat.S_IWUSR) or not os.access(self.target, os.W_OK):
                raise OSError(errno.EACCES, "file is read-only", str(self.path))

    def _replace_with(self, payload: bytes) -> Stamp:
        _remove_stale_temps(self.target)  # left by a write killed midway (we hold the lock)
        _write_atomically(self.target, payload)
        self._fsync_directory()
        # rename changes ctime, so stat the file as it now stands (we hold the lock).
        return _stamp(os.stat(self.target))

    def _fsync_directory(self) -> None:
        fd = os.open(self.target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _backups(self) -> list[Path]:
        folder = self.backup_dir
        if not folder.is_dir():
            return []
        return sorted(folder.glob(f"{self.target.stem}-????-??-??{self.target.suffix}"))

    def _backup_if_due(self) -> None:
        """Copy the file as it was before today's first write; keep the 14 newest.

        "Newest" is the order the files were really written in (their mtime,
        then their name), not the date in their name: after a clock that ran
        ahead, backups named for days still to come must not push today's
        out the moment it is written.  The one just written is always kept.
        """
        if not self.target.exists():
            return
        folder = self.backup_dir
        target = folder / f"{self.target.stem}-{self._today():%Y-%m-%d}{self.target.suffix}"
        if target.exists():
            return
        folder.mkdir(mode=0o700, exist_ok=True)
        _remove_stale_temps(target)
        _write_atomically(target, self.target.read_bytes())
        others = [path for path in self._backups() if path != target]
        for old in sorted(others, key=_written_order)[: max(0, len(others) + 1 - BACKUPS_KEPT)]:
            with suppress(OSError):
                old.unlink()


def _kind(mode: int) -> str:
    """What a non-regular file is, for a message."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _json_problem(raw: bytes, error: orjson.JSONDecodeError) -> str:
    """Where the file stops being JSON: a bad UTF-8 byte at its real offset, or orjson's spot.

    orjson reports any invalid UTF-8 at line 1, column 1; decoding finds the byte.
    """
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        line_start = raw.rfind(b"\n", 0, bad.start) + 1
        line = raw.count(b"\n", 0, bad.start) + 1
        column = len(raw[line_start : bad.start].decode("utf-8")) + 1
        return (
            f"invalid JSON: byte 0x{raw[bad.start]:02x} at line {line}, column {column}"
            f" (byte offset {bad.start}) is not UTF-8"
        )
    return f"invalid JSON at line {error.lineno}, column {error.colno}"


def _may_repeat_keys(raw: bytes, data: Data) -> bool:
    """Whether a table may hold one key twice (a git merge of two new contacts does).

    JSON parsers keep the last of two equal keys and drop the other record in
    silence.  A file that is exactly what this module writes for ``data``
    cannot have lost one (it would be longer); anything else — repeats, or
    a file laid out by another tool or a hand edit — takes the slow, exact
    path (the next save writes this layout).  Counting lines instead was
    fooled by a file indented 4 spaces, and by a key repeated mid-line.
    """
    return serialise(data) != raw


def _tables_keeping_repeats(text: str) -> Data:
    """The tables with a repeated record key's later records given new ``?`` keys.

    Walks the two outer levels by hand (each record is parsed by the C
    decoder); called only for a file that already parsed, so it cannot fail.
    """
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")

    def skip(index: int) -> int:
        match = space.match(text, index)
        return match.end() if match else index

    def members(index: int) -> list[tuple[str, int, Any]]:
        """Each (key, where its value starts, the value) of the object at ``index``, in order."""
        index = skip(skip(index) + 1)  # past "{"
        found: list[tuple[str, int, Any]] = []
        while text[index] != "}":
            key, index = decoder.raw_decode(text, index)
            start = skip(skip(index) + 1)  # past ":"
            value, index = decoder.raw_decode(text, start)
            found.append((key, start, value))
            index = skip(index)
            if text[index] == ",":
                index = skip(index + 1)
        return found

    tables: Data = {}
    for name, start, _ in members(text.index("{")):
        table = tables.setdefault(name, {})
        for key, _, record in members(start):
            table[key if key not in table else f"?{len(table)}"] = record
    return tables


def _canonical(key: str) -> bool:
    """Whether TinyDB's int() doc id turns back into exactly this key."""
    return key.isascii() and key.isdigit() and (key == "0" or not key.startswith("0"))


def _renumbered(table: dict[str, Any]) -> dict[str, Any]:
    """The table with every record kept, each under a key no other record maps to.

    TinyDB reads "01" and "1" as the same doc id 1, so one hides the other and
    the next write to 1 replaces one with the other; a non-numeric key has no
    doc id at all.  Canonical keys stay; "007" becomes "7" if that is free;
    anything else gets the next free number, in file order.
    """
    result = {key: record for key, record in table.items() if _canonical(key)}
    strays = [(key, record) for key, record in table.items() if not _canonical(key)]
    later = []
    for key, record in strays:
        if key.isascii() and key.isdigit() and str(int(key)) not in result:
            result[str(int(key))] = record
        else:
            later.append(record)
    next_key = max((int(key) for key in result), default=0) + 1
    for record in later:
        result[str(next_key)] = record
        next_key += 1
    return dict(sorted(result.items(), key=lambda item: int(item[0])))


def _written_order(path: Path) -> tuple[int, str]:
    """Sort key: when the file was really written (mtime), then its name."""
    try:
        return (os.stat(path).st_mtime_ns, path.name)
    except OSError:
        return (0, path.name)


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _remove_stale_temps(target: Path) -> None:
    """Remove temp files a killed write left beside ``target`` (call under the lock).

    Only names this module makes (``.<name>.<random>.tmp``, and the older fixed
    ``.<name>.tmp``) are touched; unlink never follows a symlink.
    """
    with suppress(OSError):
        for entry in os.scandir(target.parent):
            name = entry.name
            if name == f".{target.name}.tmp" or (
                name.startswith(_temp_prefix(target)) and name.endswith(".tmp")
            ):
                with suppress(OSError):
                    os.unlink(entry.path)


def _write_atomically(target: Path, payload: bytes) -> None:
    """Write a fresh 0600 temp file beside ``target``, fsync it, and rename it over ``target``.

    ``mkstemp`` makes a new file under a random name with ``O_EXCL`` and mode
    0600, so nothing planted in the folder beforehand (a world-writable file,
    a symlink to elsewhere) is opened or followed; the temp is removed if
    anything fails.
    """
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
