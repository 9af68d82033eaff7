"""A full JSON backup: every contact with its history and meetings, the question bank, settings.

Records have exactly the shape the database stores (``domain.records``), so a
backup reads like the database file and restores without loss.  Restoring is
by id and additive: a contact whose id is already there is left alone, so
restoring the same backup twice restores nothing the second time.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from coffeechat.domain.duplicates import name_company_key
from coffeechat.domain.model import Contact
from coffeechat.domain.questions import BUILTIN_QUESTIONS, Question
from coffeechat.domain.records import (
    RecordError,
    contact_from_record,
    contact_to_record,
    question_from_record,
    question_to_record,
)
from coffeechat.domain.settings import Settings
from coffeechat.domain.text import one_line
from coffeechat.interchange.csv_files import line_of_byte
from coffeechat.interchange.errors import InterchangeError
from coffeechat.interchange.matching import ImportPlan, RowError

FORMAT = "coffeechat-backup"
# 2: events carry a typed ``data`` object (schema 3).  Version 1 backups still
# read (the record reader knows the older event shape); an older coffeechat
# refuses a version 2 backup instead of reading its events without meaning.
# 3: events may be "remove" and "merge" (schema 4); version 2 backups still read.
VERSION = 3

_BUILTINS = {question.id: question for question in BUILTIN_QUESTIONS}


def export_json(
    contacts: Iterable[Contact],
    questions: Iterable[Question],
    settings: Mapping[str, object],
    now: datetime,
    out: TextIO,
) -> None:
    """Write the backup to ``out`` (open it with ``encoding="utf-8"``): sorted keys, indent 2."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now.isoformat(),
        "contacts": [contact_to_record(contact) for contact in contacts],
        "questions": [question_to_record(question) for question in questions],
        "settings": dict(settings),
    }
    json.dump(document, out, indent=2, sort_keys=True, ensure_ascii=False)
    out.write("\n")


@dataclass(slots=True)
class Backup:
    """What a backup file holds; malformed records are in ``errors`` and nowhere else."""

    contacts: list[Contact] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    #: The settings it holds, checked (only names coffeechat knows); {} if none or invalid.
    settings: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    exported_at: str = ""


def _document(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and top-level object; InterchangeError if it is not a backup."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InterchangeError(f"Can't read {path}: {error.strerror or error}.") from None
    skipped = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skipped:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = skipped + error.start  # in the file, BOM included
        raise InterchangeError(
            f"{path} is not a coffeechat backup: byte {offset} (0x{data[offset]:02x}, "
            f"line {line_of_byte(data, offset)}) is not UTF-8 text."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InterchangeError(
            f"{path} is not a coffeechat backup: it is not valid JSON "
            f"(line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except RecursionError:
        raise InterchangeError(
            f"{path} is not a coffeechat backup: its JSON is nested too deeply."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InterchangeError(
            f'{path} is not a coffeechat backup (it has no "format": "{FORMAT}" at the top).'
        )
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise InterchangeError(f"{path} is not a coffeechat backup: its version is {version!r}.")
    if version > VERSION:
        raise InterchangeError(
            f"{path} was written by a newer coffeechat (backup version {version}; "
            f"this one reads version {VERSION}): update coffeechat to restore it."
        )
    for key in ("contacts", "questions"):
        if not isinstance(document.get(key, []), list):
            raise InterchangeError(f'{path} is not a coffeechat backup: "{key}" is not a list.')
    return text, document


def read_backup(path: Path) -> Backup:
    """Read a backup written by ``export_json``.

    A file that is not one raises InterchangeError (one sentence naming the
    file, and the line and column when the JSON is broken).  A malformed
    contact or question is skipped and reported as a RowError naming its
    place in the file and its line.
    """
    text, document = _document(path)
    backup = Backup(exported_at=str(document.get("exported_at", "")))
    lines = _Lines(text)
    seen: set[str] = set()
    records = document.get("contacts", [])
    for index, record in enumerate(records):
        try:
            contact = contact_from_record(record)
        except RecordError as error:
            backup.errors.append(
                RowError(
                    lines.of("contacts", index),
                    f"contact {index + 1} of {len(records)} is malformed and was skipped: {error}",
                )
            )
            continue
        if contact.id in seen:
            backup.errors.append(
                RowError(
                    lines.of("contacts", index),
                    f"contact {index + 1} of {len(records)} repeats the id {contact.id} "
                    "of an earlier one and was skipped",
                )
            )
            continue
        seen.add(contact.id)
        backup.contacts.append(contact)
    questions = document.get("questions", [])
    for index, record in enumerate(questions):
        try:
            backup.questions.append(question_from_record(record, _BUILTINS))
        except RecordError as error:
            backup.errors.append(
                RowError(
                    lines.of("questions", index),
                    f"question {index + 1} of {len(questions)} is malformed and was skipped: "
                    f"{error}",
                )
            )
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        backup.errors.append(RowError(lines.of_key("settings"), "the settings are not an object"))
        return backup
    known = {k: v for k, v in settings.items() if k in Settings.__dataclass_fields__}
    for name in ("my_name", "theme"):  # text, under the rule all text follows
        if isinstance(known.get(name), str):
            known[name] = one_line(known[name])
    try:
        Settings(**known)
    except (TypeError, ValueError) as error:
        backup.errors.append(
            RowError(
                lines.of_key("settings"), f"the settings are not valid ({error}); yours are kept"
            )
        )
    else:
        backup.settings = known
    return backup


_SPACE = re.compile(r"[ \t\n\r]*")


class _Lines:
    """Where things start in a backup's text, found only when an error needs a line.

    Walks the top-level object with ``raw_decode``; the text already parsed,
    so the walk can trust its shape (and falls back to line 1 if it can't).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: dict[str, tuple[int, list[int]]] | None = None

    def _walk(self) -> dict[str, tuple[int, list[int]]]:
        text, decoder = self.text, json.JSONDecoder()
        starts: dict[str, tuple[int, list[int]]] = {}

        def skip(at: int) -> int:
            match = _SPACE.match(text, at)
            return match.end() if match else at

        try:
            at = skip(0) + 1  # past "{"
            while text[skip(at)] != "}":
                key, at = decoder.raw_decode(text, skip(at))
                at = skip(skip(at) + 1)  # past ":"
                key_start = at
                items: list[int] = []
                if text[at] == "[":
                    at = skip(at + 1)
                    while text[at] != "]":
                        items.append(at)
                        _, at = decoder.raw_decode(text, at)
                        at = skip(at)
                        if text[at] == ",":
                            at = skip(at + 1)
                    at += 1
                else:
                    _, at = decoder.raw_decode(text, at)
                starts[key] = (key_start, items)  # a repeated key: the last wins, as in json
                at = skip(at)
                if text[at] == ",":
                    at += 1
        except (IndexError, ValueError):
            pass
        return starts

    def _line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def of(self, key: str, index: int) -> int:
        """The line where item ``index`` of the top-level list ``key`` starts."""
        if self._starts is None:
            self._starts = self._walk()
        items = self._starts.get(key, (0, []))[1]
        return self._line(items[index]) if index < len(items) else 1

    def of_key(self, key: str) -> int:
        """The line where the value of top-level ``key`` starts."""
        if self._starts is None:
            self._starts = self._walk()
        return self._line(self._starts.get(key, (0, []))[0])


def plan_backup(
    existing: Iterable[Contact], backup: Backup, gone: Iterable[str] = ()
) -> tuple[list[Contact], ImportPlan]:
    """The contacts to restore whole (ids not there yet), and the plan for the rest.

    A contact whose id is already there is left alone and counted in
    ``plan.unchanged``; ``plan.errors`` carries the backup's skipped records.
    ``plan.add`` and ``plan.update`` stay empty: restoring is by id, not by
    matching names (see ``restore_summary`` for the sentence to show).

    ``gone`` are the ids deleted (or restored and undone) here.  Such a
    contact comes back under a new id, so its id no longer finds it: it
    counts as already there when someone with its name and company is, or
    every restore after an undo would add another copy.
    """
    existing = list(existing)
    present = {contact.id for contact in existing}
    people = {name_company_key(contact.fields()) for contact in existing}
    gone = set(gone)
    restored: list[Contact] = []
    plan = ImportPlan(errors=list(backup.errors))
    for contact in backup.contacts:
        key = name_company_key(contact.fields())
        if contact.id in present or (contact.id in gone and key in people):
            plan.unchanged += 1
        else:
            restored.append(contact)
            present.add(contact.id)
            people.add(key)
    return restored, plan


def restore_summary(restored: list[Contact], plan: ImportPlan, *, done: bool = False) -> str:
    """ "3 to restore · 5 already there · 1 skipped"; ``done``: "Restored 3 · 1 skipped"."""
    if not done:
        parts = [f"{len(restored)} to restore", f"{plan.unchanged} already there"]
    else:
        parts = [f"Restored {len(restored)}"]
        if plan.unchanged:
            parts.append(f"{plan.unchanged} already there")
    if plan.errors:
        parts.append(f"{len(plan.errors)} skipped")
    return " · ".join(parts)
