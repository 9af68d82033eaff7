"""The ``--demo`` sample data: realistic, complete, and storable."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coffeechat.domain.demo import demo_contacts
from coffeechat.domain.model import Contact
from coffeechat.domain.records import payload_to_record
from coffeechat.domain.rules import DueKind, Settings, due_items
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository

NEW_YORK = ZoneInfo("America/New_York")

MOMENTS = [
    datetime(2026, 11, 22, 10, 30, tzinfo=UTC),
    datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),  # the morning clocks go back
    datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK),  # the morning clocks go forward
    datetime(2026, 1, 1, 0, 5, tzinfo=ZoneInfo("Asia/Kolkata")),  # just after midnight
    datetime(2026, 6, 30, 23, 55, tzinfo=ZoneInfo("Pacific/Auckland")),  # just before
]


def counter_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"demo{next(counter):05d}"


def canonical(contact: Contact) -> tuple[object, ...]:
    """Everything about a contact, with each moment as its ISO text (instant and offset)."""
    events = tuple(
        (
            e.id,
            e.kind,
            e.at.isoformat(),
            e.recorded_at.isoformat(),
            payload_to_record(e.data),
        )
        for e in contact.events
    )
    return (contact.fields(), events)


@pytest.fixture(params=MOMENTS, ids=lambda moment: moment.isoformat())
def moment(request: pytest.FixtureRequest) -> datetime:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def contacts(moment: datetime) -> list[Contact]:
    return demo_contacts(moment, counter_ids())


def test_size(contacts: list[Contact]) -> None:
    assert 25 <= len(contacts) <= 40


def test_every_stage_is_on_the_board(contacts: list[Contact]) -> None:
    on_board = {c.stage for c in contacts if not c.archived}
    assert on_board == set(Stage)


def test_some_are_archived_but_most_are_not(contacts: list[Contact]) -> None:
    archived = [c for c in contacts if c.archived]
    assert archived
    assert len(archived) < len(contacts) / 2
    assert all(c.archive_reason for c in archived)


def test_at_least_one_thank_you_is_overdue(contacts: list[Contact], moment: datetime) -> None:
    items = due_items(contacts, moment, Settings())
    overdue = [i for i in items if i.overdue and i.kind is DueKind.THANK_YOU]
    assert overdue
    # ... and also one still coming up, so the Due list shows both kinds.
    assert any(not i.overdue for i in items)


def test_nothing_happens_in_the_future(contacts: list[Contact], moment: datetime) -> None:
    for contact in contacts:
        for event in contact.events:
            assert event.at <= moment, (contact.name, event)
            assert event.recorded_at <= moment, (contact.name, event)


def test_histories_are_in_order(contacts: list[Contact]) -> None:
    for contact in contacts:
        times = [event.at for event in contact.events]
        assert times == sorted(times), contact.name
        stages = [e.to_stage for e in contact.events if e.to_stage is not None]
        assert stages == list(Stage)[: len(stages)], contact.name


def test_ids_are_unique(contacts: list[Contact]) -> None:
    contact_ids = [c.id for c in contacts]
    event_ids = [e.id for c in contacts for e in c.events]
    assert len(set(contact_ids)) == len(contact_ids)
    assert len(set(event_ids)) == len(event_ids)
    assert not set(contact_ids) & set(event_ids)


def test_names_are_unique_and_fields_are_filled(contacts: list[Contact]) -> None:
    names = [c.name for c in contacts]
    assert len(set(names)) == len(names)
    assert all(c.company and c.role and "@" in c.email for c in contacts)


def test_demo_contacts_store_and_read_back_equal(
    contacts: list[Contact], moment: datetime, tmp_path: Path
) -> None:
    path = tmp_path / "demo.json"
    Repository(path).insert_many(contacts)
    read_back = Repository(path).contacts(include_archived=True)
    assert len(read_back) == len(contacts)
    assert {c.id: canonical(c) for c in read_back} == {c.id: canonical(c) for c in contacts}
    if moment.utcoffset() == moment.replace(fold=1).utcoffset():
        # Outside a repeated hour the contacts compare equal as they are.  (Inside one,
        # Python never counts a ZoneInfo time equal to the same instant at a fixed offset.)
        assert {c.id: c for c in read_back} == {c.id: c for c in contacts}
    assert len(Repository(path).contacts()) == len([c for c in contacts if not c.archived])


def test_demo_contacts_cannot_be_inserted_twice(contacts: list[Contact], tmp_path: Path) -> None:
    repository = Repository(tmp_path / "demo.json")
    repository.insert_many(contacts)
    with pytest.raises(ValueError, match="already stored"):
        repository.insert_many(contacts[:1])
    assert len(repository.contacts(include_archived=True)) == len(contacts)
