"""The repository: the only code in coffeechat that touches TinyDB.

It turns stored records into domain objects and applies moves under the
storage's write lock, re-checking each move against the contact *as it is
on disk now*, so a TUI and a CLI working on the same file never undo each
other.  Contacts are cached in memory and rebuilt only when the file changes.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from coffeechat.domain import pipeline
from coffeechat.domain.model import ArchiveReason, Contact, Event
from coffeechat.domain.rules import Settings
from coffeechat.storage.atomic import AtomicJSONStorage
from coffeechat.storage.errors import (
    CorruptDatabaseError,
    DatabaseWriteError,
    NewerSchemaError,
    NotFoundError,
)
from coffeechat.storage.records import (
    RecordError,
    contact_from_record,
    contact_to_record,
)

SCHEMA_VERSION = 1

CONTACTS = "contacts"
QUESTIONS = "questions"
META = "meta"

# version -> function upgrading the raw tables dict from that version to the next
MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {}


def new_id() -> str:
    """A stable, merge-safe id (uuid4 hex)."""
    return uuid.uuid4().hex


class Repository:
    """Contacts and settings in one TinyDB JSON file.

    The file is created on first use; with ``create=False`` a missing file
    reads as empty and is only created by the first change (for commands
    that only read, so a mistyped ``--db`` leaves no stray file behind).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        id_factory: Callable[[], str] = new_id,
        today: Callable[[], date] = date.today,
        create: bool = True,
    ) -> None:
        self.path = Path(path)
        self._new_id = id_factory
        self._db = TinyDB(self.path, storage=AtomicJSONStorage, today=today)
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._cache_generation = -1
        self._contacts: dict[str, Contact] = {}
        self._doc_ids: dict[str, int] = {}
        if create or self.path.exists():
            self._open()

    # -- reading ------------------------------------------------------------

    def contacts(self, *, include_archived: bool = False) -> list[Contact]:
        """Every contact, oldest first; archived ones only when asked."""
        self._sync()
        if include_archived:
            return list(self._contacts.values())
        return [c for c in self._contacts.values() if not c.archived]

    def archived(self) -> list[Contact]:
        """The contacts taken off the board, most recently archived first."""
        self._sync()
        archived = [c for c in self._contacts.values() if c.archived]
        return sorted(archived, key=lambda c: c.archived_at or c.created_at, reverse=True)

    def get(self, contact_id: str) -> Contact:
        """The contact with this id; NotFoundError if there is none."""
        self._sync()
        try:
            return self._contacts[contact_id]
        except KeyError:
            raise NotFoundError(f"no contact with id {contact_id}") from None

    def settings(self) -> Settings:
        """The reminder settings stored in the file (defaults if none)."""
        stored = self._meta().get("settings")
        if not isinstance(stored, dict):
            return Settings()
        known = {k: v for k, v in stored.items() if k in Settings.__dataclass_fields__}
        try:
            return Settings(**known)
        except (TypeError, ValueError):
            return Settings()

    def refresh(self) -> bool:
        """Pick up changes another process made; True if anything changed."""
        before = self._storage.generation
        self._storage.refresh()
        return self._storage.generation != before

    # -- writing ------------------------------------------------------------

    def add(self, fields: Mapping[str, str], now: datetime) -> Contact:
        """Create a contact in "identified"; ValidationError if a field is bad."""
        contact = pipeline.new_contact(fields, now, self._new_id(), self._new_id())
        with self._writing():
            self._sync()
            doc_id = self._table(CONTACTS).insert(contact_to_record(contact))
            self._remember(contact, doc_id)
        return contact

    def insert_many(self, contacts: list[Contact]) -> None:
        """Store ready-made contacts (demo data, imports) in one write."""
        with self._writing():
            self._sync()
            clashes = [c.name for c in contacts if c.id in self._contacts]
            if clashes:
                raise ValueError(f"contacts already stored: {', '.join(clashes)}")
            doc_ids = self._table(CONTACTS).insert_multiple(contact_to_record(c) for c in contacts)
            for contact, doc_id in zip(contacts, doc_ids, strict=True):
                self._remember(contact, doc_id)

    def advance(
        self, contact_id: str, now: datetime, at: datetime | None = None, note: str = ""
    ) -> tuple[Contact, Event]:
        """Move the contact one stage on (or log a follow-up touch)."""
        return self._apply(
            contact_id, lambda c: pipeline.advance(c, now, self._new_id(), at=at, note=note)
        )

    def archive(
        self, contact_id: str, reason: ArchiveReason, now: datetime
    ) -> tuple[Contact, Event]:
        """Take the contact off the board."""
        return self._apply(contact_id, lambda c: pipeline.archive(c, reason, now, self._new_id()))

    def restore(self, contact_id: str, now: datetime) -> tuple[Contact, Event]:
        """Put an archived contact back on the board."""
        return self._apply(contact_id, lambda c: pipeline.restore(c, now, self._new_id()))

    def edit(
        self, contact_id: str, fields: Mapping[str, str], now: datetime
    ) -> tuple[Contact, Event | None]:
        """Change fields; the event is None when nothing actually changed."""
        with self._writing():
            contact = self.get(contact_id)
            event = pipeline.edit(contact, fields, now, self._new_id())
            if event is None:
                return contact, None
            return self._store(contact.with_event(event)), event

    def undo(self, contact_id: str, event_id: str) -> Contact | None:
        """Remove ``event_id`` if it is still the contact's last event.

        Undoing the "created" event deletes the contact (returns None).
        Raises MoveError if something else happened to the contact since.
        """
        with self._writing():
            contact = self.get(contact_id)
            if contact.events[-1].id != event_id:
                raise pipeline.MoveError(
                    f"{contact.name} has changed since (perhaps in another window); "
                    "nothing was undone"
                )
            if len(contact.events) == 1:
                self._table(CONTACTS).remove(doc_ids=[self._doc_ids[contact_id]])
                self._forget(contact_id)
                return None
            return self._store(contact.without_last_event())

    def save_settings(self, settings: Settings) -> None:
        """Store reminder settings."""
        with self._writing():
            self._set_meta(settings=asdict(settings))

    # -- internals ----------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the write lock; a file that doesn't exist yet starts with its meta."""
        with self._storage.transaction():
            if self._storage.read() is None:
                self._set_meta(schema=SCHEMA_VERSION, settings=asdict(Settings()))
            yield

    def _table(self, name: str) -> Table:
        # A fresh Table per call: TinyDB's tables cache query results and the
        # next document id, both of which go stale when another process writes.
        return Table(self._storage, name, cache_size=0)

    def _apply(self, contact_id: str, make: Callable[[Contact], Event]) -> tuple[Contact, Event]:
        with self._writing():
            contact = self.get(contact_id)
            event = make(contact)
            return self._store(contact.with_event(event)), event

    def _store(self, contact: Contact) -> Contact:
        """Replace one stored contact (we hold the lock and the data is fresh).

        This is the path every keystroke takes, so it sets the one record in
        the storage's data and writes, rather than going through
        ``Table.update``, which rebuilds the whole table twice (~6 ms at
        10,000 contacts).  A failed write drops the storage's cached data,
        so the change is forgotten, never half-kept.
        """
        doc_id = self._doc_ids[contact.id]
        data = self._storage.read()
        if data is None or str(doc_id) not in data.get(CONTACTS, {}):
            raise NotFoundError(f"no contact with id {contact.id}")
        data[CONTACTS][str(doc_id)] = contact_to_record(contact)
        self._storage.write(data)
        self._remember(contact, doc_id)
        return contact

    def _remember(self, contact: Contact, doc_id: int) -> None:
        self._contacts[contact.id] = contact
        self._doc_ids[contact.id] = doc_id
        self._cache_generation = self._storage.generation

    def _forget(self, contact_id: str) -> None:
        self._contacts.pop(contact_id, None)
        self._doc_ids.pop(contact_id, None)
        self._cache_generation = self._storage.generation

    def _sync(self) -> None:
        self._storage.refresh()
        if self._cache_generation == self._storage.generation:
            return
        contacts: dict[str, Contact] = {}
        doc_ids: dict[str, int] = {}
        # Doc ids are stored as text keys ("10" sorts before "2"): order numerically.
        for document in sorted(self._table(CONTACTS).all(), key=lambda d: d.doc_id):
            contact = self._parse(document)
            contacts[contact.id] = contact
            doc_ids[contact.id] = document.doc_id
        self._contacts, self._doc_ids = contacts, doc_ids
        self._cache_generation = self._storage.generation

    def _parse(self, document: Document) -> Contact:
        try:
            return contact_from_record(document)
        except RecordError as error:
            raise CorruptDatabaseError(
                self.path,
                f"record {document.doc_id} in '{CONTACTS}' is malformed ({error})",
                self._storage.newest_backup(),
            ) from None

    def _meta(self) -> dict[str, Any]:
        documents = self._table(META).all()
        return dict(documents[0]) if documents else {}

    def _set_meta(self, **values: Any) -> None:
        table = self._table(META)
        documents = table.all()
        if documents:
            table.update(values, doc_ids=[documents[0].doc_id])
        else:
            table.insert(values)

    def _open(self) -> None:
        """Create the file on first use, check its schema, migrate old ones."""
        if not self.path.exists():
            with self._writing():
                self._sync()
                return
        found = self._meta().get("schema", 1)
        if not isinstance(found, int) or isinstance(found, bool) or found < 1:
            raise CorruptDatabaseError(
                self.path, f"schema version {found!r} is not a version coffeechat wrote"
            )
        if found > SCHEMA_VERSION:
            raise NewerSchemaError(self.path, found, SCHEMA_VERSION)
        if found < SCHEMA_VERSION:
            self._migrate(found)
        self._sync()

    def _migrate(self, found: int) -> None:
        with self._writing():
            found = self._meta().get("schema", 1)  # again, under the lock
            if found >= SCHEMA_VERSION:
                return
            backup = self.path.with_name(f"{self.path.name}.schema-{found}.bak")
            try:
                shutil.copy2(self.path, backup)
                os.chmod(backup, 0o600)
            except OSError as error:
                raise DatabaseWriteError(self.path, str(error.strerror)) from error
            data = self._storage.read() or {}
            for version in range(found, SCHEMA_VERSION):
                MIGRATIONS[version](data)
            data.setdefault(META, {}).setdefault("1", {})["schema"] = SCHEMA_VERSION
            self._storage.write(data)
