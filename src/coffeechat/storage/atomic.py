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
  non-numeric key from a hand edit) in memory, keeping every record;
* with ``journal=True`` (the TUI), saves a change by appending one line to
  a journal beside the file (see ``journal.py``) instead of rewriting it, and
  folds the journal into the file on ``compact()``.  Every reader replays the
  journal, so the file plus its journal is always the truth.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import gc
import json
import os
import re
import shutil
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

from coffeechat.storage import journal as journal_lines
from coffeechat.storage.errors import (
    CorruptDatabaseError,
    DatabaseLockedError,
    DatabaseWriteError,
    StorageError,
)
from coffeechat.storage.journal import canonical_key

Data = dict[str, dict[str, Any]]
Stamp = tuple[int, int, int, int]

Touched = dict[str, set[str]]

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
        journal: bool = False,
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
        #: Whether ``put`` appends to the journal (True) or rewrites the file.
        self.journal = journal
        #: What each recent generation changed ({table: keys}; None: everything).
        self._touched: list[tuple[int, Touched | None]] = []
        #: Sentences for the person about what reading the files found.
        self.notices: list[str] = []
        #: Each change this process appended since the file was last written: (the file's
        #: inode, size and mtime then, the line without its newline, its puts).  A journal
        #: put back or cut short by something else while the file stayed the same has
        #: lost them; they are put back (see ``_restore_own``).
        self._own: list[tuple[journal_lines.Base, bytes, list[journal_lines.Put]]] = []
        self._reset_journal()

    # -- TinyDB's Storage interface -------------------------------------

    def read(self) -> Data | None:
        """The parsed file (None when it does not exist yet)."""
        self.refresh()
        return self._data

    def write(self, data: Data) -> None:
        """Replace the file with ``data`` atomically; only inside ``transaction()``.

        ``data`` holds every change the journal held, so the journal goes.
        """
        self._write(data, None)

    def _write(self, data: Data, touched: Touched | None) -> None:
        """``write``; ``touched`` says what changed in memory ({}: nothing, a fold)."""
        if self._lock_depth == 0:
            raise RuntimeError("AtomicJSONStorage.write called outside transaction()")
        try:
            payload = serialise(data)
            self._check_writable()
            if self._replaced_main:
                self._keep_replaced_main()
            self._backup_if_due()
            stamp = self._replace_with(payload)
            self._drop_journal()
        except OSError as error:
            self._forget()  # TinyDB mutated our cached dict; re-read the truth next time
            raise DatabaseWriteError(self.path, _reason(error)) from error
        except orjson.JSONEncodeError:
            self._forget()
            raise self._too_deep() from None
        except BaseException:
            self._forget()
            raise
        self._data = data
        self._stamp = stamp
        self._own.clear()
        self._bump(touched)

    def put(self, table_name: str, records: list[tuple[str, dict[str, Any]]]) -> None:
        """Save whole records (key, record) into one table as one change; under the lock.

        With the journal on, one line is appended and synced (the file is left
        as it is until ``compact``); otherwise the file is rewritten.  Either
        way nothing in memory changes unless the change reached the disk.
        """
        if self._lock_depth == 0:
            raise RuntimeError("AtomicJSONStorage.put called outside transaction()")
        data = self._data
        if (
            not self.journal
            or data is None
            or self._stamp is None
            or self._journal_broken
            or self._journal_linked()
        ):
            data = data if data is not None else {}
            table = data.setdefault(table_name, {})
            for key, record in records:
                table[key] = record
            self.write(data)
            return
        try:
            line = journal_lines.change_line([(table_name, key, record) for key, record in records])
        except orjson.JSONEncodeError:
            raise self._too_deep() from None
        try:
            self._check_writable()
            self._append(line)
        except OSError as error:
            raise DatabaseWriteError(self.path, _reason(error)) from error
        stamp = self._stamp
        assert stamp is not None  # checked above: a file read is what the journal goes beside
        self._own.append(
            ((stamp[0], stamp[1], stamp[2]), line[:-1], [(table_name, k, r) for k, r in records])
        )
        table = data.setdefault(table_name, {})
        for key, record in records:
            table[key] = record
        self._journal_changes += 1
        self._bump({table_name: {key for key, _ in records}})
        if self._journal_end >= journal_lines.COMPACT_AT_BYTES:
            # The change is saved (in the journal) whatever happens here: a fold
            # that fails is tried again when the app is idle, and says so then.
            with suppress(StorageError):
                self.write(data)

    def compact(self, check: Callable[[], None] | None = None) -> bool:
        """Fold the journal into the file (rewritten atomically); True if it held changes.

        With no journal nothing is touched, not even the lock (a session on a
        read-only folder leaves quietly).  ``check`` runs under the lock just
        before the file is written, and raises to refuse data that does not read
        (lines another process appended are folded too).
        """
        self.refresh()
        if self._journal_stamp is None and not self._journal_broken:
            return False
        with self.transaction():
            if (self._journal_inode is None and not self._journal_broken) or self._data is None:
                return False
            if check is not None:
                check()
            # What readers see is unchanged: caches built on it stay good.
            self._write(self._data, {})
            return True

    @property
    def pending(self) -> int:
        """How many saved changes are in the journal only (not yet in the file)."""
        return self._journal_changes

    def journal_line(self, table_name: str, key: str) -> int | None:
        """The journal line that put this record as it now reads, if one did."""
        return self._journal_line_of.get((table_name, key))

    @property
    def journal_path(self) -> Path:
        """The journal, beside the target (so a link and its target share it)."""
        return self.target.with_name(self.target.name + journal_lines.SUFFIX)

    def touched_since(self, generation: int) -> Touched | None:
        """The records changed since ``generation`` ({table: keys}); None if unknown or all."""
        if generation == self.generation:
            return {}
        kept = self._touched
        if not kept or kept[0][0] > generation + 1:
            return None
        result: Touched = {}
        for changed_at, touched in kept:
            if changed_at <= generation:
                continue
            if touched is None:
                return None
            for name, keys in touched.items():
                result.setdefault(name, set()).update(keys)
        return result

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
        """Re-read the file if another process changed it; True if data changed.

        Lines another process appended to the journal are read on their own
        (a millisecond), not the whole file again.
        """
        try:
            st = os.stat(self.target)
        except FileNotFoundError:
            if self._stamp is None and self._data is None:
                return False
            self._forget()
            self._bump(None)
            return True
        except OSError as error:
            raise StorageError(f"Cannot read {self.path}: {_reason(error)}.") from error
        if _stamp(st) == self._stamp:
            now = self._journal_now()
            if now == self._journal_stamp:
                return False
            if now is None and self._journal_changes and self._data is not None:
                # A fold replaces the file before it removes the journal: the file
                # unchanged means something else removed the journal.
                with suppress(OSError):  # gone too: read it all again below
                    if _stamp(os.stat(self.target)) == self._stamp:
                        self._journal_removed()
                        return False
            ours = self._journal_stamp
            if now is not None and (
                ours is None
                or (now[0] == ours[0] and now[1] > ours[1] and self._journal_base is not None)
            ):
                touched = self._read_journal_tail(st)
                if touched is not None:
                    if not touched:
                        return False
                    self._bump(touched)
                    return True
        self._load()
        self._bump(None)
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
            if self._journal_redundant:
                self._drop_journal()  # a compaction was cut off after the file was written
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
                if candidate.name == f"{name}{journal_lines.SUFFIX}":
                    return "the database's journal"
                if candidate.name.startswith(
                    (f"{name}.schema-", f"{name}.replaced-", f"{name}{journal_lines.SUFFIX}-")
                ):
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
                          (self.lock_path, "the database's lock file"),
                          (self.journal_path, "the database's journal")):  # fmt: skip
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
        self._bump(None)

    def _forget(self) -> None:
        self._data = None
        self._stamp = None
        self._reset_journal()

    def _notice(self, sentence: str) -> None:
        if sentence not in self.notices:
            self.notices.append(sentence)

    def _bump(self, touched: Touched | None) -> None:
        self.generation += 1
        self._touched.append((self.generation, touched))
        del self._touched[:-32]

    # -- the journal -------------------------------------------------------

    def _reset_journal(self) -> None:
        #: (inode, size, mtime) of the journal as last read; None: there was none.
        self._journal_stamp: tuple[int, int, int] | None = None
        self._journal_base: journal_lines.Base | None = None
        #: Offset after the last complete line (a cut-off line after it is cut by a writer).
        self._journal_end = 0
        #: Whether the changes were put where each id lives (the file is not the one
        #: the journal began on).
        self._journal_by_id = False
        self._journal_changes = 0
        #: Every change in the journal is already in the file: remove it (under the lock).
        self._journal_redundant = False
        #: The journal's changes overrode records of a file it did not begin on: keep
        #: that file as it was before writing over it.
        self._replaced_main = False
        #: A failed append could not be cut back off: the next save rewrites the file.
        self._journal_broken = False
        #: How many change lines the journal holds as read (or appended) here, and the
        #: line that last put each record (to blame a bad record on its line).
        self._journal_lines_read = 0
        self._journal_line_of: dict[tuple[str, str], int] = {}

    def _journal_removed(self) -> None:
        """Keep the changes of a journal removed by something else; the next write holds them."""
        count = self._journal_changes
        self._reset_journal()
        self._journal_changes = count  # still in no file: pending, so the idle fold runs
        self._journal_broken = True  # the next save rewrites the file instead of appending
        held = "the change saved in it is" if count == 1 else f"the {count} changes saved in it are"
        self._notice(
            f"{self.journal_path} was removed by something other than coffeechat;"
            f" {held} kept and will be written into {self.path}."
        )

    @property
    def _journal_inode(self) -> int | None:
        return None if self._journal_stamp is None else self._journal_stamp[0]

    def _journal_now(self) -> tuple[int, int, int] | None:
        try:
            st = os.lstat(self.journal_path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StorageError(f"Cannot read {self.journal_path}: {_reason(error)}.") from error
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _open_journal(self) -> int | None:
        """The journal opened for reading (refusing a link or a non-file); None if none."""
        try:
            fd = os.open(
                self.journal_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            )
        except FileNotFoundError:
            return None
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise self._corrupt_journal("it is a symlink (remove it)") from None
            raise StorageError(f"Cannot read {self.journal_path}: {_reason(error)}.") from error
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise self._corrupt_journal(f"it is {_kind(mode)}, not a file")
        if not mode & stat.S_IRUSR:  # by mode bits, as for the file: root may read anything
            os.close(fd)
            denied = PermissionError(errno.EACCES, "journal is not readable")
            raise StorageError(f"Cannot read {self.journal_path}: {_reason(denied)}.")
        return fd

    def _corrupt_journal(self, problem: str) -> CorruptDatabaseError:
        return CorruptDatabaseError(
            self.path,
            f"its journal {self.journal_path} cannot be replayed: {problem}"
            " (move the journal away to open the file without those changes)",
        )

    def _replay(self, fd: int, data: Data, main: os.stat_result) -> set[bytes]:
        """Apply the whole journal (open as ``fd``) onto ``data``, read from ``main``; its
        lines (only if this process has appended some: see ``_restore_own``)."""
        raw = _read_all(fd)
        st = os.fstat(fd)
        try:
            found = journal_lines.read(raw)
        except journal_lines.JournalError as error:
            raise self._corrupt_journal(str(error)) from None
        by_id = found.base != (main.st_ino, main.st_size, main.st_mtime_ns)
        applier = journal_lines.Applier(data, by_id=by_id)
        for number, puts in enumerate(found.changes, start=2):
            applier.apply(puts, number)
        self._journal_lines_read = len(found.changes)
        self._journal_line_of = applier.lines
        self._journal_stamp = (st.st_ino, len(raw), st.st_mtime_ns)
        self._journal_base = found.base
        self._journal_end = found.end
        self._journal_by_id = by_id
        self._journal_changes = len(found.changes)
        if by_id and found.changes:
            if applier.overrode:
                self._replaced_main = True
                self._notice(
                    f"Changes saved in {self.journal_path} were applied on top of"
                    f" {self.path}, which was replaced while they waited; the file as it"
                    " was is kept beside it when it is next written."
                )
            else:
                self._journal_redundant = True
        return set(raw.split(b"\n")) if self._own else set()

    def _restore_own(self, data: Data, main: os.stat_result, present: set[bytes]) -> None:
        """Put back this process's changes that a journal put back or cut short has lost.

        Only while the file is the one they were appended beside: once it was
        rewritten (a fold, which holds them) or replaced, they are not looked for.
        """
        base = (main.st_ino, main.st_size, main.st_mtime_ns)
        self._own = [own for own in self._own if own[0] == base]
        lost = [puts for _, line, puts in self._own if line not in present]
        if not lost:
            return
        applier = journal_lines.Applier(data, by_id=True)
        for puts in lost:
            applier.apply(puts)
        self._journal_changes += len(lost)
        self._journal_redundant = False
        self._journal_broken = True  # the next save rewrites the file instead of appending
        count = len(lost)
        held, kept = ("a change", "it is") if count == 1 else (f"{count} changes", "they are")
        self._notice(
            f"{self.journal_path} was put back or cut short by something other than"
            f" coffeechat and lost {held} saved here; {kept} kept and will be written"
            f" into {self.path}."
        )

    def _read_journal_tail(self, main: os.stat_result) -> Touched | None:
        """Apply lines appended since the last read (or a journal begun since); None if
        the journal must be read whole with the file."""
        fd = self._open_journal()
        if fd is None or self._data is None:
            if fd is not None:
                os.close(fd)
            return None
        begun = self._journal_stamp is None
        try:
            st = os.fstat(fd)
            if not begun and st.st_ino != self._journal_inode:
                return None
            start = 0 if begun else self._journal_end
            os.lseek(fd, start, os.SEEK_SET)
            raw = _read_all(fd)
        finally:
            os.close(fd)
        try:
            found = journal_lines.read(raw, start=start, base=self._journal_base)
        except journal_lines.JournalError as error:
            raise self._corrupt_journal(str(error)) from None
        if begun:
            if found.base is None:  # empty, or only a header cut off: a writer starts it afresh
                self._journal_stamp = (st.st_ino, len(raw), st.st_mtime_ns)
                return {}
            self._journal_base = found.base
            self._journal_by_id = found.base != (main.st_ino, main.st_size, main.st_mtime_ns)
        applier = journal_lines.Applier(self._data, by_id=self._journal_by_id)
        for number, puts in enumerate(found.changes, start=self._journal_lines_read + 2):
            applier.apply(puts, number)
        self._journal_lines_read += len(found.changes)
        self._journal_line_of.update(applier.lines)
        self._journal_stamp = (st.st_ino, start + len(raw), st.st_mtime_ns)
        self._journal_end = found.end
        self._journal_changes += len(found.changes)
        if self._journal_by_id and applier.overrode:
            self._replaced_main = True
        return applier.touched

    def _journal_linked(self) -> bool:
        """Whether the journal has another name (a hard link): appending would write there too,
        so the save rewrites the file instead, which removes only this name."""
        try:
            return os.lstat(self.journal_path).st_nlink > 1
        except FileNotFoundError:
            return False

    def _append(self, line: bytes) -> None:
        """Write ``line`` after the journal's last complete line and sync it (under the lock)."""
        path = self.journal_path
        flags = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC
        created = self._journal_stamp is None
        fd = os.open(path, flags | (os.O_CREAT | os.O_EXCL if created else 0), 0o600)
        try:
            st = os.fstat(fd)
            if not created and (self._journal_stamp is None or st.st_ino != self._journal_stamp[0]):
                raise OSError(errno.ESTALE, "the journal was replaced while saving; try again")
            if not created and not st.st_mode & stat.S_IWUSR:  # mode bits, as for the file
                raise DatabaseWriteError(self.path, f"its journal {path} is read-only")
            if st.st_nlink > 1:
                raise OSError(errno.EMLINK, "the journal was hard-linked while saving; try again")
            base = self._journal_base
            if base is None:  # new, or only a header cut off: start it afresh
                assert self._stamp is not None
                base = (self._stamp[0], self._stamp[1], self._stamp[2])
                start, payload = 0, journal_lines.header(base) + line
            else:
                start, payload = self._journal_end, line
            try:
                if st.st_size != start:
                    os.ftruncate(fd, start)  # a line cut off by a writer that was killed
                view = memoryview(payload)
                offset = start
                while view:
                    written = os.pwrite(fd, view, offset)
                    view, offset = view[written:], offset + written
                # Stat before the sync (which leaves mtime alone): once the line is
                # synced it is saved, and nothing after may report it failed.
                after = os.fstat(fd)
                os.fdatasync(fd)
                if created:
                    self._fsync_directory()
            except BaseException:
                try:
                    os.ftruncate(fd, start)
                except OSError:
                    self._journal_broken = True
                raise
        finally:
            os.close(fd)
        self._journal_stamp = (after.st_ino, start + len(payload), after.st_mtime_ns)
        self._journal_base = base
        self._journal_end = start + len(payload)
        self._journal_lines_read = 1 if start == 0 else self._journal_lines_read + 1

    def _drop_journal(self) -> None:
        """Remove the journal once the file holds its changes (under the lock).

        A journal this process did not read (found only now) is moved aside,
        never deleted: its changes are in no file.
        """
        path = self.journal_path
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            self._reset_journal()
            return
        if self._journal_stamp is not None and st.st_ino == self._journal_stamp[0]:
            os.unlink(path)
        else:
            number = 1
            while os.path.lexists(aside := path.with_name(f"{path.name}-{number}.bak")):
                number += 1
            os.rename(path, aside)
            self._notice(
                f"A journal of changes no file holds was found beside {self.path};"
                f" it is kept as {aside}."
            )
        self._fsync_directory()
        self._reset_journal()

    def _keep_replaced_main(self) -> None:
        """Copy the file the journal's changes overrode, before writing over it."""
        number = 1
        while True:
            keep = self.target.with_name(f"{self.target.name}.replaced-{number}.bak")
            try:
                fd = os.open(keep, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
                break
            except FileExistsError:
                number += 1
        try:
            with os.fdopen(fd, "wb") as out, self.target.open("rb") as original:
                shutil.copyfileobj(original, out)
                out.flush()
                os.fsync(out.fileno())
        except OSError:
            keep.unlink(missing_ok=True)
            raise
        self._replaced_main = False

    def _load(self) -> None:
        # The journal is opened before the file: a compaction between the two
        # opens then gives an old journal and the new file (which holds every
        # change in it), never the old file and no journal.
        journal_fd = self._open_journal()
        try:
            with gc_paused():
                self._load_main(journal_fd)
        except BaseException:
            self._forget()
            raise
        finally:
            if journal_fd is not None:
                os.close(journal_fd)

    def _load_main(self, journal_fd: int | None) -> None:
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
        if not raw or raw.isspace():  # (strip() would copy the whole file to find out)
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
            if not all(canonical_key(key) for key in table):
                data[name] = _renumbered(table)
        self._reset_journal()
        present: set[bytes] = set()
        if journal_fd is not None:
            present = self._replay(journal_fd, data, st)
        if self._own:
            self._restore_own(data, st, present)
        self._data = data
        self._stamp = _stamp(st)

    def _corrupt(self, problem: str) -> CorruptDatabaseError:
        return CorruptDatabaseError(self.path, problem, self.newest_backup())

    def _too_deep(self) -> CorruptDatabaseError:
        # orjson reads values nested 1024 deep but writes only 255: never coffeechat's.
        return self._corrupt(
            "it (or its journal) holds a value nested more deeply than coffeechat writes"
        )

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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the garbage collector while building many objects that all stay alive.

    Parsing 33 MB makes millions of objects, and each collection walks all
    of them to find no garbage: about 45% of the time it took.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_all(fd: int) -> bytes:
    """Everything from ``fd``'s position to its end."""
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


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


def _renumbered(table: dict[str, Any]) -> dict[str, Any]:
    """The table with every record kept, each under a key no other record maps to.

    TinyDB reads "01" and "1" as the same doc id 1, so one hides the other and
    the next write to 1 replaces one with the other; a non-numeric key has no
    doc id at all.  Canonical keys stay; "007" becomes "7" if that is free;
    anything else gets the next free number, in file order.
    """
    result = {key: record for key, record in table.items() if canonical_key(key)}
    strays = [(key, record) for key, record in table.items() if not canonical_key(key)]
    later = []
    for key, record in strays:
        number = key.lstrip("0") or "0"  # int() refuses 4,300 digits, leading zeros too
        if key.isascii() and key.isdigit() and canonical_key(number) and number not in result:
            result[number] = record
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
