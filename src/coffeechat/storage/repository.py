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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from coffeechat.domain import pipeline
from coffeechat.domain.meetings import Meeting, referral_fields, replace_meeting
from coffeechat.domain.model import ArchiveReason, Contact, Event
from coffeechat.domain.questions import BUILTIN_QUESTIONS, Question, merge_bank
from coffeechat.domain.records import (
    RecordError,
    contact_from_record,
    contact_to_record,
    question_from_record,
    question_to_record,
)
from coffeechat.domain.rules import Settings
from coffeechat.storage.atomic import AtomicJSONStorage
from coffeechat.storage.errors import (
    CorruptDatabaseError,
    DatabaseWriteError,
    NewerSchemaError,
    NotFoundError,
)

_BUILTINS = {question.id: question for question in BUILTIN_QUESTIONS}

SCHEMA_VERSION = 2

CONTACTS = "contacts"
QUESTIONS = "questions"
META = "meta"


def _add_meetings(data: dict[str, Any]) -> None:
    """1 -> 2: contacts may carry meetings and a referrer id, and questions are used.

    The new keys are optional, so nothing is rewritten; the version moves so an
    older coffeechat refuses the file instead of saving contacts without them.
    """
    data.setdefault(QUESTIONS, {})


# version -> function upgrading the raw tables dict from that version to the next
MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {1: _add_meetings}


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
        self._create = create
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

    def new_id(self) -> str:
        """A fresh id from this repository's id factory (for promises, say)."""
        return self._new_id()

    def questions(self) -> list[Question]:
        """The question bank: built-ins (with the user's hiding and tags), then their own."""
        stored = []
        for document in self._table(QUESTIONS).all():
            try:
                stored.append(question_from_record(document, _BUILTINS))
            except RecordError as error:
                raise CorruptDatabaseError(
                    self.path,
                    f"record {document.doc_id} in '{QUESTIONS}' is malformed ({error})",
                    self._storage.newest_backup(),
                ) from None
        return merge_bank(stored)

    def referrals_of(self, contact_id: str) -> list[Contact]:
        """The contacts this one introduced (by link), oldest first."""
        self._sync()
        return [c for c in self._contacts.values() if c.referrer_id == contact_id]

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

    def follow_up(
        self, contact_id: str, at: datetime, channel: str, note: str, now: datetime
    ) -> tuple[Contact, Event]:
        """Log a follow-up touch (a call, a coffee, a message) at ``at``."""
        return self._apply(
            contact_id, lambda c: pipeline.follow_up(c, at, channel, note, now, self._new_id())
        )

    def snooze(
        self, contact_id: str, key: str, until: datetime, now: datetime
    ) -> tuple[Contact, Event]:
        """Hide one due item of the contact until ``until``."""
        return self._apply(
            contact_id, lambda c: pipeline.snooze(c, key, until, now, self._new_id())
        )

    def message_sent(
        self, contact_id: str, message: str, at: datetime, now: datetime
    ) -> tuple[Contact, Event]:
        """Record a sent message (moving the stage on when it is the next step)."""
        return self._apply(
            contact_id, lambda c: pipeline.message_sent(c, message, at, now, self._new_id())
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
        return self.undo_all([(contact_id, event_id)])[0]

    def undo_all(self, steps: list[tuple[str, str]]) -> list[Contact | None]:
        """Undo several (contact id, event id) steps, in order, as one write.

        Every step is checked before anything changes, so a change made
        elsewhere in between leaves all of them in place.
        """
        with self._writing():
            current: dict[str, Contact | None] = {}
            results: list[Contact | None] = []
            for contact_id, event_id in steps:
                contact = current[contact_id] if contact_id in current else self.get(contact_id)
                if contact is None or contact.events[-1].id != event_id:
                    name = contact.name if contact else "That contact"
                    raise pipeline.MoveError(
                        f"{name} has changed since (perhaps in another window); nothing was undone"
                    )
                reverted = None if len(contact.events) == 1 else contact.without_last_event()
                current[contact_id] = reverted
                results.append(reverted)
            data = self._storage.read() or {}
            table = data.setdefault(CONTACTS, {})
            for contact_id, contact in current.items():
                key = str(self._doc_ids[contact_id])
                if contact is None:
                    table.pop(key, None)
                else:
                    table[key] = contact_to_record(contact)
            self._storage.write(data)
            for contact_id, contact in current.items():
                if contact is None:
                    self._forget(contact_id)
                else:
                    self._remember(contact, self._doc_ids[contact_id])
            return results

    def schedule_meeting(
        self, contact_id: str, meeting_id: str | None, fields: Mapping[str, object], now: datetime
    ) -> tuple[Contact, Event | None]:
        """Schedule a meeting (``meeting_id`` None) or change one; undoable like any event."""
        with self._writing():
            contact = self.get(contact_id)
            event = pipeline.schedule(contact, meeting_id, fields, now, self._new_id)
            if event is None:
                return contact, None
            return self._store(contact.with_event(event)), event

    def save_meeting(self, contact_id: str, meeting: Meeting) -> Contact:
        """Save what was typed into a meeting (questions, notes, lists) without an event.

        NotFoundError if the meeting is gone (its scheduling undone elsewhere).
        """
        with self._writing():
            contact = self.get(contact_id)
            if contact.meeting(meeting.id) is None:
                raise NotFoundError(
                    f"the meeting with {contact.name} no longer exists (undone elsewhere?)"
                )
            return self._store(
                replace(contact, meetings=replace_meeting(contact.meetings, meeting))
            )

    def set_promise_done(
        self, contact_id: str, promise_id: str, done_at: datetime | None
    ) -> Contact:
        """Tick a promise off (``done_at``) or back on (None)."""
        with self._writing():
            contact = self.get(contact_id)
            for meeting in contact.meetings:
                promises = list(meeting.promises)
                for index, promise in enumerate(promises):
                    if promise.id == promise_id:
                        promises[index] = replace(promise, done_at=done_at)
                        changed = replace(meeting, promises=tuple(promises))
                        meetings = replace_meeting(contact.meetings, changed)
                        return self._store(replace(contact, meetings=meetings))
            raise NotFoundError(f"{contact.name} has no such promise (removed elsewhere?)")

    def finish_meeting(
        self, contact_id: str, meeting_id: str, held_at: datetime, now: datetime
    ) -> tuple[Contact, list[Event], list[Contact]]:
        """Record a meeting as held, move the contact to "met", add its referrals.

        Each referral becomes an identified contact referred by this one,
        unless this contact already referred someone of that name.  All of it
        is one write: it lands whole or not at all.
        """
        with self._writing():
            contact = self.get(contact_id)
            events = pipeline.hold(contact, meeting_id, held_at, now, self._new_id)
            for event in events:
                contact = contact.with_event(event)
            meeting = contact.meeting(meeting_id)
            known = {c.name.casefold() for c in self.referrals_of(contact_id)}
            added: list[Contact] = []
            for line in meeting.referrals if meeting else ():
                raw = referral_fields(line)
                if raw is None or raw["name"].casefold() in known:
                    continue
                known.add(raw["name"].casefold())
                fields = {**raw, "source": "referral", "referred_by": contact.name}
                new = pipeline.new_contact(fields, now, self._new_id(), self._new_id())
                added.append(replace(new, referrer_id=contact_id))
            self._store_many([contact], added)
            return contact, events, added

    def apply_import(
        self,
        add: Sequence[Mapping[str, str]],
        fill: Sequence[tuple[str, Mapping[str, str]]],
        now: datetime,
    ) -> tuple[list[Contact], list[Contact]]:
        """Add contacts and fill in blank fields of others, in one write; (added, updated).

        Each fill is checked again under the lock: a field someone filled in
        since the import was planned is left as they typed it.
        """
        with self._writing():
            self._sync()
            added = [
                pipeline.new_contact(fields, now, self._new_id(), self._new_id()) for fields in add
            ]
            updated = []
            for contact_id, fields in fill:
                current = self._contacts.get(contact_id)
                if current is None:
                    continue
                blanks = {k: v for k, v in fields.items() if not getattr(current, k)}
                event = pipeline.edit(current, blanks, now, self._new_id()) if blanks else None
                if event is not None:
                    updated.append(current.with_event(event))
            self._store_many(updated, added)
            return added, updated

    def restore_backup(self, contacts: list[Contact]) -> list[Contact]:
        """Put back whole contacts (from a backup) whose ids are not here yet."""
        with self._writing():
            self._sync()
            new = [c for c in contacts if c.id not in self._contacts]
            self._store_many([], new)
            return new

    def save_question(self, question: Question) -> Question:
        """Add or change a question in the bank (built-ins: only hidden and tags stick)."""
        with self._writing():
            table = self._table(QUESTIONS)
            record = question_to_record(question)
            existing = [d.doc_id for d in table.all() if d.get("id") == question.id]
            if existing:
                table.update(record, doc_ids=existing[:1])
            else:
                table.insert(record)
        return question

    def add_questions(self, questions: Sequence[Question]) -> list[Question]:
        """Add the user's own questions whose ids are not stored yet, in one write."""
        with self._writing():
            table = self._table(QUESTIONS)
            known = {document.get("id") for document in table.all()}
            new = [q for q in questions if q.id not in known]
            if new:
                table.insert_multiple(question_to_record(q) for q in new)
            return new

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

    def _store_many(self, changed: list[Contact], added: list[Contact]) -> None:
        """Replace ``changed`` and insert ``added`` in a single write."""
        data = self._storage.read() or {}
        table = data.setdefault(CONTACTS, {})
        for contact in changed:
            key = str(self._doc_ids[contact.id])
            if key not in table:
                raise NotFoundError(f"no contact with id {contact.id}")
            table[key] = contact_to_record(contact)
        next_doc_id = max((int(k) for k in table), default=0) + 1
        new_doc_ids = {}
        for offset, contact in enumerate(added):
            new_doc_ids[contact.id] = next_doc_id + offset
            table[str(next_doc_id + offset)] = contact_to_record(contact)
        self._storage.write(data)
        for contact in changed:
            self._remember(contact, self._doc_ids[contact.id])
        for contact in added:
            self._remember(contact, new_doc_ids[contact.id])

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
            if not self._create:
                # A command that only reads upgrades its copy in memory and
                # leaves the file exactly as it found it.
                self._upgrade(self._storage.read() or {}, found)
            else:
                self._migrate(found)
        self._sync()

    @staticmethod
    def _upgrade(data: dict[str, Any], found: int) -> None:
        for version in range(found, SCHEMA_VERSION):
            MIGRATIONS[version](data)
        data.setdefault(META, {}).setdefault("1", {})["schema"] = SCHEMA_VERSION

    def _migrate(self, found: int) -> None:
        with self._writing():
            found = self._meta().get("schema", 1)  # again, under the lock
            if found >= SCHEMA_VERSION:
                return
            data = self._storage.read() or {}
            self._upgrade(data, found)
            self._cache_generation = -1
            try:
                self._sync()  # every record must read before anything is written
            except CorruptDatabaseError:
                self._storage.discard()
                raise
            backup = self.path.with_name(f"{self.path.name}.schema-{found}.bak")
            try:
                shutil.copy2(self.path, backup)
                os.chmod(backup, 0o600)
            except OSError as error:
                self._storage.discard()
                raise DatabaseWriteError(self.path, str(error.strerror)) from error
            self._storage.write(data)
