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
from dataclasses import asdict, dataclass, replace
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.table import Document, Table

from coffeechat.domain import pipeline
from coffeechat.domain.duplicates import (
    DuplicateContactError,
    ReferralPlan,
    name_company_key,
    people_by_key,
    plan_referrals,
    same_person,
)
from coffeechat.domain.events import Merge
from coffeechat.domain.meetings import (
    AgendaItem,
    Meeting,
    replace_meeting,
    typed_into,
)
from coffeechat.domain.model import ArchiveReason, Contact, Event
from coffeechat.domain.questions import BUILTIN_QUESTIONS, Question, merge_bank
from coffeechat.domain.records import (
    RecordError,
    contact_from_record,
    contact_to_record,
    event_to_record,
    question_from_record,
    question_to_record,
)
from coffeechat.domain.rules import Settings
from coffeechat.domain.stages import Stage
from coffeechat.storage.atomic import AtomicJSONStorage, gc_paused
from coffeechat.storage.errors import (
    CorruptDatabaseError,
    DatabaseWriteError,
    NewerSchemaError,
    NotFoundError,
    SettingsClashError,
)
from coffeechat.storage.journal import canonical_key

_BUILTINS = {question.id: question for question in BUILTIN_QUESTIONS}


class _Batch:
    """The contacts one change adds or replaces, keyed by id (the last put wins)."""

    def __init__(self) -> None:
        self.contacts: dict[str, Contact] = {}

    def put(self, contact: Contact) -> Contact:
        """Replace a stored contact (or one added earlier in this batch)."""
        self.contacts[contact.id] = contact
        return contact

    def add(self, contact: Contact) -> Contact:
        """A new contact."""
        return self.put(contact)

    def get(self, contact_id: str) -> Contact | None:
        """The contact as this batch has it so far, or None."""
        return self.contacts.get(contact_id)


@dataclass(frozen=True, slots=True)
class MeetingRecorded:
    """What recording a meeting as held did (``Repository.record_meeting``)."""

    contact: Contact
    events: list[Event]  # on the contact: held, and the move to "met"
    added: list[Contact]  # referrals added as new contacts
    linked: list[tuple[Contact, Event]]  # referrals already there, now linked
    plan: ReferralPlan  # what was decided for each referral line (for messages)

    @property
    def undo_steps(self) -> tuple[tuple[str, ...], ...]:
        """(contact id, event id) to undo, in order, to take all of it back."""
        steps = [(self.contact.id, event.id) for event in reversed(self.events)]
        steps += [(new.id, new.events[0].id) for new in self.added]
        steps += [(contact.id, event.id) for contact, event in self.linked]
        return tuple(steps)


@dataclass(frozen=True, slots=True)
class Merged:
    """What merging two contacts did (``Repository.merge_contacts``)."""

    keep: Contact  # the survivor, with the other's details and meetings
    other: Contact  # the merged-away contact, now removed
    repointed: list[tuple[Contact, Event]]  # people the other introduced, linked to keep

    @property
    def undo_steps(self) -> tuple[tuple[str, ...], ...]:
        """(contact id, event id) to undo, in order, to take the whole merge back."""
        steps = [
            (self.other.id, self.other.events[-1].id),
            (self.keep.id, self.keep.events[-1].id),
        ]
        steps += [(contact.id, event.id) for contact, event in self.repointed]
        return tuple(steps)


SCHEMA_VERSION = 4

CONTACTS = "contacts"
QUESTIONS = "questions"
META = "meta"


def _add_meetings(data: dict[str, Any]) -> None:
    """1 -> 2: contacts may carry meetings and a referrer id, and questions are used.

    The new keys are optional, so nothing is rewritten; the version moves so an
    older coffeechat refuses the file instead of saving contacts without them.
    """
    data.setdefault(QUESTIONS, {})


def _typed_events(data: dict[str, Any]) -> None:
    """2 -> 3: every event's meaning moves from free text into a typed ``data`` object.

    Only each contact's ``events`` list is rewritten; everything else in the
    record stays byte for byte.  A record that does not read is left alone,
    so the check that follows refuses the file and names that record.
    """
    for record in data.get(CONTACTS, {}).values():
        try:
            contact = contact_from_record(record)
        except RecordError:
            continue
        record["events"] = [event_to_record(event) for event in contact.events]


def _delete_and_merge(data: dict[str, Any]) -> None:
    """3 -> 4: contacts may be deleted or merged (``remove`` and ``merge`` events).

    Also new: the archive reason "duplicate" and the theme setting.  Nothing
    is rewritten; the version moves so that an older coffeechat says the file
    is newer instead of calling it malformed (and pointing at a backup).
    """


# version -> function upgrading the raw tables dict from that version to the next
MIGRATIONS: dict[int, Callable[[dict[str, Any]], None]] = {
    1: _add_meetings,
    2: _typed_events,
    3: _delete_and_merge,
}


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
        journal: bool = False,
    ) -> None:
        self.path = Path(path)
        self._new_id = id_factory
        self._db = TinyDB(self.path, storage=AtomicJSONStorage, today=today, journal=journal)
        self._storage: AtomicJSONStorage = self._db.storage  # type: ignore[assignment]
        self._cache_generation = -1
        self._contacts: dict[str, Contact] = {}
        self._doc_ids: dict[str, int] = {}
        self._create = create
        self._upgraded_in_memory = False
        if create or self._storage.exists():
            self._open()

    def exists(self) -> bool:
        """Whether the database file is there (StorageError if its folder can't be searched)."""
        return self._storage.exists()

    def open_for_writing(self) -> Repository:
        """Let a repository opened read-only (``create=False``) write from now on.

        For commands that look first (``advance NAME``): a lookup that finds
        no one writes nothing, and one that does need not read the file again.
        An old file upgraded only in memory is read again and migrated
        properly, its backup kept.
        """
        if not self._create:
            self._create = True
            if self._upgraded_in_memory:
                self._storage.discard()
                self._cache_generation = -1
            self._open()
        return self

    # -- reading ------------------------------------------------------------

    def contacts(self, *, include_archived: bool = False) -> list[Contact]:
        """Every contact, oldest first; archived ones only when asked."""
        self._sync()
        if include_archived:
            return [c for c in self._contacts.values() if not c.removed]
        return [c for c in self._contacts.values() if not c.archived and not c.removed]

    def archived(self) -> list[Contact]:
        """The contacts taken off the board, most recently archived first."""
        self._sync()
        archived = [c for c in self._contacts.values() if c.archived and not c.removed]
        return sorted(archived, key=lambda c: c.archived_at or c.created_at, reverse=True)

    def deleted(self) -> list[Contact]:
        """The contacts deleted or merged away (kept in the file, shown nowhere), oldest first."""
        self._sync()
        return [c for c in self._contacts.values() if c.removed]

    def get(self, contact_id: str) -> Contact:
        """The contact with this id; NotFoundError if there is none."""
        self._sync()
        return self._current(contact_id)

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
                raise self._bad_record(
                    QUESTIONS,
                    f"record {document.doc_id} in '{QUESTIONS}' is malformed ({error})",
                    document.doc_id,
                ) from None
        return merge_bank(stored)

    def referrals_of(self, contact_id: str) -> list[Contact]:
        """The contacts this one introduced (by link), oldest first."""
        self._sync()
        return [c for c in self._contacts.values() if c.referrer_id == contact_id and not c.removed]

    def refusal_to_write(self, path: str | os.PathLike[str]) -> str | None:
        """The sentence refusing to write ``path`` if it is one of the database's own files.

        The database, its lock, its backups and temp files, by any route
        (symlinks resolved, hard links recognised); None for any other path.
        Every export and every "save to file" asks this first.
        """
        what = self._storage.own_file(path)
        if what is None:
            return None
        where = "" if what == "the database itself" else f" ({self.path} is the database)"
        return f"{path} is {what}{where}; choose another file."

    def refresh(self) -> bool:
        """Pick up changes another process made; True if anything changed.

        Every changed record is read here (CorruptDatabaseError for one that does
        not read, such as a line appended to the journal by hand), so the caller
        hears of it rather than whatever redraws next.
        """
        before = self._storage.generation
        self._storage.refresh()
        changed = self._storage.generation != before
        if changed or self._cache_generation != self._storage.generation:
            self._sync()  # a record that did not read last time is refused again, not skipped
        return changed

    @property
    def version(self) -> int:
        """A number that moves whenever the data in memory does: one step for each change
        saved here, any number for a re-read of what another process wrote."""
        return self._storage.generation

    @property
    def pending(self) -> int:
        """Saved changes held in the journal only, not yet in the file itself."""
        return self._storage.pending

    def compact(self) -> bool:
        """Fold the journal into the file (the TUI: when idle and at exit); True if it did.

        Everything is read first, under the lock: a line another process
        appended that is not a contact, a question or this schema is refused
        (CorruptDatabaseError), never written into the file.
        """
        return self._storage.compact(check=self._check_before_fold)

    def _check_before_fold(self) -> None:
        self._sync()
        found = self._checked_schema()
        if found != SCHEMA_VERSION:
            raise CorruptDatabaseError(
                self.path,
                f"its journal sets schema version {found},"
                f" older than its records ({SCHEMA_VERSION})",
            )
        self.questions()

    @property
    def journal_path(self) -> Path:
        """The journal of saved changes beside the file (see storage/journal.py)."""
        return self._storage.journal_path

    def notices(self) -> list[str]:
        """Sentences about what opening the file found (a journal replayed over a new file)."""
        said, self._storage.notices[:] = list(self._storage.notices), []
        return said

    # -- writing ------------------------------------------------------------
    #
    # Every change to contacts takes one path: ``_changing()`` holds the lock
    # and re-reads the file if another process wrote it; the change is
    # computed against the contacts *as stored now* and handed to the batch;
    # ``_commit`` gives new contacts their doc ids and writes once.

    def add(
        self, fields: Mapping[str, str], now: datetime, *, allow_duplicate: bool = True
    ) -> Contact:
        """Create a contact in "identified"; ValidationError if a field is bad.

        With ``allow_duplicate=False``, someone of the same name and company
        already there (checked under the lock) raises DuplicateContactError.
        """
        contact = pipeline.new_contact(fields, now, self._new_id(), self._new_id())
        with self._changing() as batch:
            if not allow_duplicate:
                existing = same_person(self._contacts.values(), contact.fields())
                if existing is not None:
                    raise DuplicateContactError(existing)
            batch.add(contact)
        return contact

    def insert_many(self, contacts: list[Contact]) -> None:
        """Store ready-made contacts (demo data) in one write."""
        with self._changing() as batch:
            clashes = [c.name for c in contacts if c.id in self._contacts]
            if clashes:
                raise ValueError(f"contacts already stored: {', '.join(clashes)}")
            for contact in contacts:
                batch.add(contact)

    def advance(
        self,
        contact_id: str,
        now: datetime,
        at: datetime | None = None,
        note: str = "",
        *,
        expected: Stage | None = None,
    ) -> tuple[Contact, Event]:
        """Move the contact one stage on (or log a follow-up touch); only from ``expected``."""
        return self._apply(
            contact_id,
            lambda c: pipeline.advance(c, now, self._new_id(), at=at, note=note, expected=expected),
        )

    def follow_up(
        self, contact_id: str, at: datetime, channel: str, note: str, now: datetime
    ) -> tuple[Contact, Event]:
        """Log a follow-up touch (a call, a coffee, a message) at ``at``."""
        return self._apply(
            contact_id, lambda c: pipeline.follow_up(c, at, channel, note, now, self._new_id())
        )

    def snooze(
        self, contact_id: str, due: str, ref: str, until: datetime, now: datetime
    ) -> tuple[Contact, Event]:
        """Hide one due item of the contact (its kind and which one) until ``until``."""
        return self._apply(
            contact_id, lambda c: pipeline.snooze(c, due, ref, until, now, self._new_id())
        )

    def unsnooze(self, contact_id: str, due: str, ref: str, now: datetime) -> tuple[Contact, Event]:
        """Put a snoozed item of the contact back on the Due list from now."""
        return self._apply(
            contact_id, lambda c: pipeline.unsnooze(c, due, ref, now, self._new_id())
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

    def tick_promise(
        self, contact_id: str, promise_id: str, now: datetime, *, done: bool = True
    ) -> tuple[Contact, Event]:
        """Tick a promise off (or, ``done=False``, back on)."""
        return self._apply(
            contact_id, lambda c: pipeline.promise_done(c, promise_id, done, now, self._new_id())
        )

    def edit(
        self,
        contact_id: str,
        fields: Mapping[str, str],
        now: datetime,
        *,
        base: Mapping[str, str] | None = None,
    ) -> tuple[Contact, Event | None]:
        """Change the given fields; the event is None when nothing actually changed.

        Pass only the fields the person changed, and as ``base`` the values
        they started from: a field changed elsewhere since raises EditConflict
        instead of being overwritten, and fields not passed are left as stored.
        """
        with self._changing() as batch:
            contact = self._current(contact_id)
            event = pipeline.edit(contact, fields, now, self._new_id(), base)
            if event is None:
                return contact, None
            return batch.put(contact.with_event(event)), event

    def undo(self, contact_id: str, event_id: str, now: datetime, *, latest: str = "") -> Contact:
        """Take back ``event_id`` by appending an undo event; the contact after it.

        Undoing the "created" event removes the contact from every list (its
        history stays in the file).  Raises MoveError if something else
        happened to the contact since.
        """
        return self.undo_all([(contact_id, event_id, latest)], now)[0]

    def undo_all(self, steps: Sequence[Sequence[str]], now: datetime) -> list[Contact]:
        """Undo several (contact id, event id[, latest event id]) steps, in order, as one write.

        Every step is checked before anything changes, so a change made
        elsewhere in between leaves all of them in place.  The optional third
        id is the event that must still be the contact's latest (see
        ``pipeline.undo``).
        """
        with self._changing() as batch:
            results: list[Contact] = []
            for contact_id, event_id, *latest in steps:
                contact = batch.get(contact_id) or self._current(contact_id, removed=True)
                event = pipeline.undo(contact, event_id, now, self._new_id(), *latest)
                undone = next(e for e in contact.events if e.id == event_id)
                if type(undone.data) is Merge:
                    self._hand_back_meetings(batch, contact, undone.data)
                results.append(batch.put(contact.with_event(event)))
            return [batch.get(c.id) or c for c in results]

    def _hand_back_meetings(self, batch: _Batch, keep: Contact, merge: Merge) -> None:
        """Give the merged-away contact its meetings back as they are now.

        Undoing a merge takes the moved meetings off the survivor; notes and
        answers typed into them since the merge are not events, so the other
        contact's older copies are replaced by the survivor's current ones.
        """
        moved = {m.id: m for m in keep.meetings if m.id in merge.meetings}
        other = batch.get(merge.other_id) or self._current(merge.other_id, removed=True)
        meetings = tuple(moved.get(m.id, m) for m in other.meetings)
        batch.put(replace(other, meetings=meetings))

    def schedule_meeting(
        self, contact_id: str, meeting_id: str | None, fields: Mapping[str, object], now: datetime
    ) -> tuple[Contact, Event | None]:
        """Schedule a meeting (``meeting_id`` None) or change one; undoable like any event."""
        with self._changing() as batch:
            contact = self._current(contact_id)
            event = pipeline.schedule(contact, meeting_id, fields, now, self._new_id)
            if event is None:
                return contact, None
            return batch.put(contact.with_event(event)), event

    def cancel_meeting(
        self, contact_id: str, meeting_id: str, now: datetime
    ) -> tuple[Contact, Event]:
        """Call off a planned meeting (kept, marked cancelled); undoable like any event."""
        with self._changing() as batch:
            contact = self._current(contact_id)
            event = pipeline.cancel_meeting(contact, meeting_id, now, self._new_id)
            return batch.put(contact.with_event(event)), event

    def save_meeting(
        self, contact_id: str, meeting: Meeting, base: Meeting | None = None
    ) -> Contact:
        """Save what was typed into a meeting (questions, notes, lists) without an event.

        Only what is typed during a meeting is taken from ``meeting``; its
        schedule and which promises are ticked off stay as stored, so a
        change made elsewhere meanwhile survives.  ``base`` is the meeting
        as the typist last saved it: with it, words typed into the same
        meeting in another window are merged, not written over (see
        ``typed_into``).  NotFoundError if the meeting is gone (its
        scheduling undone elsewhere).
        """
        with self._changing() as batch:
            contact = self._current(contact_id)
            stored = contact.meeting(meeting.id)
            if stored is None:
                raise NotFoundError(
                    f"the meeting with {contact.name} no longer exists (undone elsewhere?)"
                )
            merged = typed_into(stored, meeting, base)
            return batch.put(replace(contact, meetings=replace_meeting(contact.meetings, merged)))

    def save_agenda(
        self, contact_id: str, meeting_id: str, agenda: Sequence[AgendaItem]
    ) -> Contact:
        """Set a meeting's picked questions, and nothing else about it (no event).

        The rest of the meeting is taken as stored now, so notes saved
        elsewhere while the picker was open are kept.
        """
        with self._changing() as batch:
            contact = self._current(contact_id)
            stored = contact.meeting(meeting_id)
            if stored is None:
                raise NotFoundError(
                    f"the meeting with {contact.name} no longer exists (undone elsewhere?)"
                )
            picked = replace(stored, agenda=tuple(agenda))
            return batch.put(replace(contact, meetings=replace_meeting(contact.meetings, picked)))

    def finish_meeting(
        self, contact_id: str, meeting_id: str, held_at: datetime, now: datetime
    ) -> tuple[Contact, list[Event], list[Contact]]:
        """Record a meeting as held (``record_meeting``): (contact, its events, people added)."""
        done = self.record_meeting(contact_id, meeting_id, held_at, now)
        return done.contact, done.events, done.added

    def record_meeting(
        self, contact_id: str, meeting_id: str, held_at: datetime, now: datetime
    ) -> MeetingRecorded:
        """Record a meeting as held, move the contact to "met", add or link its referrals.

        A referral naming someone already there (name + company, as imports
        match) is linked as introduced by this contact rather than added
        again; one someone else introduced keeps that link.  A name this
        contact already introduced is not added twice.  All of it is one
        write: it lands whole or not at all.
        """
        with self._changing() as batch:
            contact = self._current(contact_id)
            events = pipeline.hold(contact, meeting_id, held_at, now, self._new_id)
            for event in events:
                contact = contact.with_event(event)
            meeting = contact.meeting(meeting_id)
            plan = plan_referrals(
                contact, meeting.referrals if meeting else (), list(self._contacts.values())
            )
            added: list[Contact] = []
            for raw in plan.new:
                fields = {**raw, "source": "referral", "referred_by": contact.name}
                new = pipeline.new_contact(fields, now, self._new_id(), self._new_id())
                added.append(batch.add(replace(new, referrer_id=contact_id)))
            linked: list[tuple[Contact, Event]] = []
            for existing in plan.link:
                event = pipeline.link_referral(existing, contact, now, self._new_id())
                linked.append((batch.put(existing.with_event(event)), event))
            batch.put(contact)
            return MeetingRecorded(contact, events, added, linked, plan)

    def delete(self, contact_id: str, now: datetime) -> tuple[Contact, Event]:
        """Take the contact off every list; undoing the event brings them back whole."""
        return self._apply(contact_id, lambda c: pipeline.delete(c, now, self._new_id()))

    def merge_contacts(
        self, keep_id: str, other_id: str, now: datetime, *, take_other: Sequence[str] = ()
    ) -> Merged:
        """Merge ``other`` (a duplicate) into ``keep``, in one write (see ``pipeline.merge``).

        ``other`` is removed, pointing at ``keep``; the people ``other``
        introduced are linked to ``keep`` instead.  Undo the ``steps`` of the
        result to take it all back.
        """
        with self._changing() as batch:
            keep, other = self._current(keep_id), self._current(other_id)
            merged, removed = pipeline.merge(keep, other, take_other, now, self._new_id)
            batch.put(merged)
            batch.put(removed)
            repointed: list[tuple[Contact, Event]] = []
            for referral in self._contacts.values():
                if (
                    referral.referrer_id != other.id
                    or referral.removed
                    or referral.id in (keep.id, other.id)  # never one's own referrer
                ):
                    continue
                event = pipeline.repoint_referral(referral, other, merged, now, self._new_id())
                repointed.append((batch.put(referral.with_event(event)), event))
            return Merged(merged, removed, repointed)

    def apply_import(
        self,
        add: Sequence[Mapping[str, str]],
        fill: Sequence[tuple[str, Mapping[str, str]]],
        now: datetime,
    ) -> tuple[list[Contact], list[Contact]]:
        """Add contacts and fill in blank fields of others, in one write; (added, updated).

        Each fill is checked again under the lock: a field someone filled in
        since the import was planned is left as they typed it.  Undo each
        contact's last event to take the whole import back.
        """
        with self._changing() as batch:
            added = [
                batch.add(pipeline.new_contact(fields, now, self._new_id(), self._new_id()))
                for fields in add
            ]
            updated = []
            for contact_id, fields in fill:
                current = self._contacts.get(contact_id)
                if current is None or current.removed:
                    continue
                blanks = {k: v for k, v in fields.items() if not getattr(current, k)}
                event = pipeline.edit(current, blanks, now, self._new_id()) if blanks else None
                if event is not None:
                    updated.append(batch.put(current.with_event(event)))
            return added, updated

    def restore_backup(self, contacts: list[Contact]) -> list[Contact]:
        """Put back whole contacts (from a backup) whose ids are not here yet.

        One whose adding (or restoring) was undone here comes back under a new
        id: the removed one keeps its history, and the plan shown before the
        restore said it would come back.
        """
        with self._changing() as batch:
            restored = []
            new_ids: dict[str, str] = {}
            people = people_by_key(self._contacts.values())
            for contact in contacts:
                stored = self._contacts.get(contact.id)
                if stored is not None and stored.removed:
                    if name_company_key(contact.fields()) in people:
                        continue  # came back before, under a new id (see plan_backup)
                    new_ids[contact.id] = self._new_id()
                    contact = replace(contact, id=new_ids[contact.id])
                elif stored is not None:
                    continue
                restored.append(contact)
            # Introductions follow a referrer that came back under a new id.
            return [
                batch.add(replace(c, referrer_id=new_ids.get(c.referrer_id, c.referrer_id)))
                for c in restored
            ]

    def save_question(self, question: Question, base: Question | None = None) -> Question:
        """Add or change a question in the bank (built-ins: only hidden and tags stick).

        ``base`` is the question as the form showed it: only what differs
        from it is written, onto the question as stored now, so a change
        another window made meanwhile (hiding it, say) is kept.
        """
        with self._writing():
            if base is not None:
                stored = next((q for q in self.questions() if q.id == question.id), None)
                if stored is not None:
                    question = _changes_onto(stored, base, question)
            keys = self._keys_by_id(QUESTIONS)
            self._write_records(QUESTIONS, [(keys.get(question.id), question_to_record(question))])
        return question

    def restore_questions(self, questions: Sequence[Question]) -> None:
        """A backup's questions, in one write: built-ins (hiding, tags) replaced, own ones added.

        Own questions whose ids are stored already are left alone.
        """
        with self._writing():
            known = self._keys_by_id(QUESTIONS)
            changes = [
                (known.get(q.id), question_to_record(q))
                for q in questions
                if q.builtin or q.id not in known
            ]
            if changes:
                self._write_records(QUESTIONS, changes)

    def save_settings(self, settings: Settings, base: Settings | None = None) -> Settings:
        """Store the settings; with ``base`` (what the user saw), only what they changed.

        Settings another window saved meanwhile are kept.  Returns what is stored.
        If what was changed here and what was saved there don't fit together
        (a give-up day before the other window's second nudge), nothing is
        saved (SettingsClashError): taking these whole would silently undo the
        other window's.
        """
        with self._writing():
            if base is not None:
                stored = self.settings()
                try:
                    settings = _changes_onto(stored, base, settings)
                except ValueError as error:
                    raise SettingsClashError(
                        "The settings were changed in another window meanwhile and no longer "
                        f"fit with yours ({error}); nothing was saved."
                    ) from error
            self._set_meta(settings=asdict(settings))
            return settings

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
        """Append the event ``make`` builds from the contact as stored now."""
        with self._changing() as batch:
            contact = self._current(contact_id)
            event = make(contact)
            return batch.put(contact.with_event(event)), event

    def _current(self, contact_id: str, *, removed: bool = False) -> Contact:
        """The contact as stored now (call under the lock, after ``_sync``)."""
        contact = self._contacts.get(contact_id)
        if contact is None:
            raise NotFoundError(f"no contact with id {contact_id[:8]} (deleted elsewhere?)")
        if contact.removed and not removed:
            raise NotFoundError(f"{contact.name} was deleted (perhaps elsewhere)")
        return contact

    @contextmanager
    def _changing(self) -> Iterator[_Batch]:
        """The one way to change contacts: lock, re-read, build the change, write once.

        Nothing is written if the body raises; a failed write leaves the
        cache as it was on disk, so the change is never half-kept.
        """
        with self._writing():
            self._sync()
            batch = _Batch()
            yield batch
            if batch.contacts:
                self._commit(batch.contacts)

    def _commit(self, contacts: Mapping[str, Contact]) -> None:
        """Write ``contacts`` (changed or new) into the file in one atomic write."""
        records: list[tuple[str | None, dict[str, Any]]] = []
        for contact in contacts.values():
            doc_id = self._doc_ids.get(contact.id)
            records.append((None if doc_id is None else str(doc_id), contact_to_record(contact)))
        keys = self._write_records(CONTACTS, records)
        if all(contact_id in self._contacts for contact_id in contacts):
            # Only contacts already there: set in place, the dicts keep their size
            # (copying 100,000 entries per keystroke is what made a save grow with N).
            for contact in contacts.values():
                self._contacts[contact.id] = contact
        else:
            # New dicts, swapped in whole: the UI reads the cache on its own thread
            # while a save runs in a worker, and must never see a dict change size
            # under its loop.
            cached, doc_ids = dict(self._contacts), dict(self._doc_ids)
            for contact, key in zip(contacts.values(), keys, strict=True):
                cached[contact.id] = contact
                doc_ids[contact.id] = int(key)
            self._contacts, self._doc_ids = cached, doc_ids
        self._cache_generation = self._storage.generation

    def _write_records(
        self, table_name: str, records: Sequence[tuple[str | None, dict[str, Any]]]
    ) -> list[str]:
        """Put (key, record) pairs into a table and write the file once; their keys.

        The one place records are written and doc ids given out: a key of None
        is a new record and gets the next free number.  This sets the records in
        the storage's data rather than going through ``Table.update``, which
        rebuilds the whole table twice (~6 ms at 10,000 contacts).
        """
        table = (self._storage.read() or {}).get(table_name, {})
        next_id = 0  # worked out only for a new record: it reads every key
        keyed: list[tuple[str, dict[str, Any]]] = []
        for key, record in records:
            if key is None:
                if not next_id:
                    next_id = max((int(k) for k in table if canonical_key(k)), default=0) + 1
                key, next_id = str(next_id), next_id + 1
            elif key not in table:
                raise NotFoundError(f"record {key} is no longer in '{table_name}'")
            keyed.append((key, record))
        self._storage.put(table_name, keyed)
        return [key for key, _ in keyed]

    def _keys_by_id(self, table_name: str) -> dict[str, str]:
        """Each stored record's ``id`` and the key it is stored under."""
        table = (self._storage.read() or {}).get(table_name, {})
        return {
            str(record.get("id")): key for key, record in table.items() if isinstance(record, dict)
        }

    def _sync(self) -> None:
        self._storage.refresh()
        if self._cache_generation == self._storage.generation:
            return
        touched = self._storage.touched_since(self._cache_generation)
        if touched is not None and self._cache_generation >= 0:
            self._sync_records(touched.get(CONTACTS, set()))
            return
        with gc_paused():
            self._sync_all()

    def _sync_records(self, keys: set[str]) -> None:
        """Re-read only the contact records another process's journal lines touched."""
        if not keys:  # a fold, a setting or a question: the contacts are as they were
            self._cache_generation = self._storage.generation
            return
        table = (self._storage.read() or {}).get(CONTACTS, {})
        contacts, doc_ids = dict(self._contacts), dict(self._doc_ids)
        at_key = {doc_id: contact_id for contact_id, doc_id in doc_ids.items()}
        for key in sorted(keys, key=int):
            doc_id = int(key)
            was = at_key.pop(doc_id, None)
            if was is not None:
                del doc_ids[was]
            record = table.get(key)
            if record is None:
                if was is not None:
                    contacts.pop(was, None)
                continue
            contact = self._parse(Document(record, doc_id))
            if contact.id in doc_ids:
                raise self._bad_record(
                    CONTACTS,
                    f"records {doc_ids[contact.id]} and {doc_id} in '{CONTACTS}'"
                    f" are both contact {contact.id}",
                    doc_id,
                    doc_ids[contact.id],
                )
            if was is not None and was != contact.id:
                contacts.pop(was, None)
            contacts[contact.id] = contact
            doc_ids[contact.id] = doc_id
            at_key[doc_id] = contact.id
        self._contacts, self._doc_ids = contacts, doc_ids
        self._cache_generation = self._storage.generation

    def _sync_all(self) -> None:
        contacts: dict[str, Contact] = {}
        doc_ids: dict[str, int] = {}
        # Doc ids are stored as text keys ("10" sorts before "2"): order numerically.
        for document in sorted(self._table(CONTACTS).all(), key=lambda d: d.doc_id):
            contact = self._parse(document)
            if contact.id in contacts:
                # Two copies of one person (a careless merge or sync): showing
                # either would hide the other's changes, and writes would go
                # to one of them only.
                raise self._bad_record(
                    CONTACTS,
                    f"records {doc_ids[contact.id]} and {document.doc_id} in '{CONTACTS}'"
                    f" are both contact {contact.id}",
                    document.doc_id,
                    doc_ids[contact.id],
                )
            contacts[contact.id] = contact
            doc_ids[contact.id] = document.doc_id
        self._contacts, self._doc_ids = contacts, doc_ids
        self._cache_generation = self._storage.generation

    def _parse(self, document: Document) -> Contact:
        try:
            return contact_from_record(document)
        except RecordError as error:
            raise self._bad_record(
                CONTACTS,
                f"record {document.doc_id} in '{CONTACTS}' is malformed ({error})",
                document.doc_id,
            ) from None

    def _bad_record(self, table: str, problem: str, *doc_ids: int) -> CorruptDatabaseError:
        """The error for records that do not read, blaming the journal line that put one.

        The file itself may be fine then: a backup put over it is no cure.
        """
        for doc_id in doc_ids:
            line = self._storage.journal_line(table, str(doc_id))
            if line is not None:
                return CorruptDatabaseError(
                    self.path,
                    f"{problem}, put there by line {line} of its journal"
                    f" {self._storage.journal_path} (move the journal away to open the file"
                    " without its changes)",
                )
        return CorruptDatabaseError(self.path, problem, self._storage.newest_backup())

    def _meta(self) -> dict[str, Any]:
        documents = self._table(META).all()
        return dict(documents[0]) if documents else {}

    def _set_meta(self, **values: Any) -> None:
        table = (self._storage.read() or {}).get(META, {})
        key = min(table, key=lambda k: int(k) if k.isascii() and k.isdigit() else 0, default=None)
        stored = table.get(key, {}) if key is not None else {}
        self._write_records(META, [(key, {**stored, **values})])

    def _open(self) -> None:
        """Create the file on first use, check its schema, migrate old ones."""
        if not self._storage.exists():
            with self._writing():
                self._sync()
                return
        found = self._checked_schema()
        if found < SCHEMA_VERSION:
            if not self._create:
                # A command that only reads upgrades its copy in memory and
                # leaves the file exactly as it found it.
                self._upgrade(self._storage.read() or {}, found)
                self._upgraded_in_memory = True
            else:
                self._migrate(found)
        if self._create:  # read-only: parsed on first use (``due`` parses only whom it needs)
            self._sync()

    def _checked_schema(self) -> int:
        """The schema version the meta record names; refused if not one coffeechat knows."""
        found = self._meta().get("schema", 1)
        if not isinstance(found, int) or isinstance(found, bool) or found < 1:
            raise CorruptDatabaseError(
                self.path, f"schema version {found!r} is not a version coffeechat wrote"
            )
        if found > SCHEMA_VERSION:
            raise NewerSchemaError(self.path, found, SCHEMA_VERSION)
        return found

    def _private_copy(self, stem: str) -> Path:
        """Copy the file to ``<stem>.bak`` beside it, readable only by its owner.

        Created 0600 from the start (a copy then chmod would leave it readable
        by everyone for a moment), and never over an earlier copy: that one
        may be the only record of an older state (a second migration after
        the user put an old file back).
        """
        original_path = self._storage.target  # beside the real file, not a symlink to it
        backup = original_path.with_name(f"{stem}.bak")
        number = 1
        while True:
            try:
                fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:
                number += 1
                backup = original_path.with_name(f"{stem}-{number}.bak")
        try:
            with os.fdopen(fd, "wb") as out, original_path.open("rb") as original:
                shutil.copyfileobj(original, out)
                out.flush()
                os.fsync(out.fileno())
        except OSError:
            backup.unlink(missing_ok=True)  # half a copy is no backup
            raise
        return backup

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
            try:
                self._private_copy(f"{self._storage.target.name}.schema-{found}")
            except OSError as error:
                self._storage.discard()
                raise DatabaseWriteError(self.path, str(error.strerror)) from error
            self._storage.write(data)

    def raw_contact_records(self) -> list[dict[str, Any]]:
        """The stored contact records as read, unparsed and unchecked, in doc-id order.

        For a read-only fast path (``coffeechat due``) that parses only the
        records it needs; the dicts are the storage's own: never change them.
        """
        table = (self._storage.read() or {}).get(CONTACTS, {})
        return [table[key] for key in sorted(table, key=int)]


_Record = TypeVar("_Record", Question, Settings)


def _changes_onto(stored: _Record, base: _Record, changed: _Record) -> _Record:
    """``stored`` with the fields where ``changed`` differs from ``base`` taken from ``changed``."""
    names = [f.name for f in dataclass_fields(changed)]
    differing = {n: getattr(changed, n) for n in names if getattr(changed, n) != getattr(base, n)}
    return replace(stored, **differing)
