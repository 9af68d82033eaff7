"""A TinyDB Storage that never leaves a half-written file and never loses a write.

TinyDB's JSONStorage rewrites its file in place, so a crash mid-write leaves
a broken file, and it re-reads and re-parses the whole file on every query.
This storage instead:

* serialises first (orjson: sorted keys, 2-space indent, UTF-8), writes a
  temp file in the same directory, fsyncs it, ``os.replace``s it onto the
  target and fsyncs the directory; new files are mode 0600;
* writes only inside ``transaction()``, which holds an exclusive ``flock`` on
  a sibling ``.lock`` file and re-reads the file first if another process
  changed it (its stamp: inode, size, mtime, ctime), so two processes never
  lose each other's writes;
* keeps the parsed data in memory and re-reads only when the stamp changes;
* never writes over a file it could not parse, and keeps rolling daily
  backups in ``backups/`` beside the file.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
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
        self.path = Path(path)
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

    # -- change detection and locking -----------------------------------

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if data changed."""
        try:
            st = os.stat(self.path)
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
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                if stat.S_ISDIR(st.st_mode):
                    raise self._corrupt("it is a directory, not a file")
                if not st.st_mode & stat.S_IRUSR:
                    raise PermissionError(errno.EACCES, "file is not readable", str(self.path))
                raw = handle.read()
        except IsADirectoryError:
            raise self._corrupt("it is a directory, not a file") from None
        except OSError as error:
            raise StorageError(f"Cannot read {self.path}: {_reason(error)}.") from error
        if not raw.strip():
            raise self._corrupt("the file is empty")
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise self._corrupt(
                f"invalid JSON at line {error.lineno}, column {error.colno}"
            ) from None
        if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
            for table in data.values()
        ):
            raise self._corrupt("it is JSON, but not tables of records")
        for name, table in data.items():
            for key in table:
                if not (key.isascii() and key.isdigit()):
                    raise self._corrupt(f"record key {key!r} in '{name}' is not a number")
        self._data = data
        self._stamp = _stamp(st)

    def _corrupt(self, problem: str) -> CorruptDatabaseError:
        return CorruptDatabaseError(self.path, problem, self.newest_backup())

    def _acquire_lock(self) -> int:
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise DatabaseWriteError(self.path, _reason(error)) from error
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
        directory = self.path.parent
        dir_mode = os.stat(directory).st_mode
        if not (dir_mode & stat.S_IWUSR) or not os.access(directory, os.W_OK):
            raise OSError(errno.EACCES, "folder is read-only", str(directory))
        with suppress(FileNotFoundError):
            mode = os.stat(self.path).st_mode
            if not (mode & stat.S_IWUSR) or not os.access(self.path, os.W_OK):
                raise OSError(errno.EACCES, "file is read-only", str(self.path))

    def _replace_with(self, payload: bytes) -> Stamp:
        _write_atomically(self.path, payload)
        self._fsync_directory()
        # rename changes ctime, so stat the file as it now stands (we hold the lock).
        return _stamp(os.stat(self.path))

    def _fsync_directory(self) -> None:
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _backups(self) -> list[Path]:
        folder = self.path.parent / BACKUP_DIR
        if not folder.is_dir():
            return []
        return sorted(folder.glob(f"{self.path.stem}-????-??-??{self.path.suffix}"))

    def _backup_if_due(self) -> None:
        """Copy the file as it was before today's first write; keep the last 14 days."""
        if not self.path.exists():
            return
        folder = self.path.parent / BACKUP_DIR
        target = folder / f"{self.path.stem}-{self._today():%Y-%m-%d}{self.path.suffix}"
        if target.exists():
            return
        folder.mkdir(mode=0o700, exist_ok=True)
        _write_atomically(target, self.path.read_bytes())
        for old in self._backups()[:-BACKUPS_KEPT]:
            with suppress(OSError):
                old.unlink()


def _write_atomically(target: Path, payload: bytes) -> None:
    """Write a 0600 temp file beside ``target``, fsync it, and rename it over ``target``."""
    # One fixed name per target: writers hold the lock, and a write killed
    # midway leaves one stale temp file that the next write truncates.
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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
