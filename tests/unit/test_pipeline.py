"""The moves: add, advance, archive, restore, edit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.events import (
    Advance,
    Archive,
    ArchiveReason,
    Created,
    Edit,
    EventKind,
    Touch,
)
from coffeechat.domain.model import Contact, ValidationError
from coffeechat.domain.pipeline import MoveError
from coffeechat.domain.stages import PIPELINE, Stage

MakeContact = Callable[..., Contact]
Ids = Callable[[], str]


def test_new_contact_starts_identified_with_the_given_ids(now: datetime) -> None:
    contact = pipeline.new_contact(
        {"name": " Grace  Hopper ", "company": "Navy"}, now, "contact-1", "event-1"
    )
    assert contact.id == "contact-1"
    assert contact.name == "Grace Hopper"
    assert contact.company == "Navy"
    assert contact.stage is Stage.IDENTIFIED
    [created] = contact.events
    assert created.id == "event-1"
    assert created.kind is EventKind.CREATED
    assert created.at == created.recorded_at == now
    assert created.data == Created()
    assert created.to_stage is Stage.IDENTIFIED


def test_new_contact_needs_a_name(now: datetime) -> None:
    with pytest.raises(ValidationError) as caught:
        pipeline.new_contact({"company": "Navy"}, now, "c", "e")
    assert set(caught.value.errors) == {"name"}


def test_new_contact_rejects_bad_fields(now: datetime) -> None:
    with pytest.raises(ValidationError) as caught:
        pipeline.new_contact({"name": "Grace", "email": "grace@"}, now, "c", "e")
    assert set(caught.value.errors) == {"email"}


def test_advance_walks_through_every_stage_then_logs_touches(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage_at=now - timedelta(days=10))
    seen = [contact.stage]
    for step in range(1, len(PIPELINE)):
        when = now - timedelta(days=10 - step)
        event = pipeline.advance(contact, now, ids(), at=when, note=f"step {step}")
        assert event.kind is EventKind.ADVANCE
        assert event.data == Advance(PIPELINE[step - 1], PIPELINE[step], note=f"step {step}")
        assert event.to_stage is PIPELINE[step]
        assert event.at == when
        assert event.recorded_at == now
        contact = contact.with_event(event)
        seen.append(contact.stage)
    assert seen == list(PIPELINE)

    touch = pipeline.advance(contact, now, ids(), note="sent an article")
    assert touch.kind is EventKind.TOUCH
    assert touch.data == Touch(note="sent an article")
    assert touch.at == now
    contact = contact.with_event(touch)
    assert contact.stage is Stage.FOLLOW_UP
    assert contact.last_touch_at == now


def test_advance_defaults_to_now(make_contact: MakeContact, ids: Ids, now: datetime) -> None:
    event = pipeline.advance(make_contact(), now, ids())
    assert event.at == now
    assert event.recorded_at == now


def test_archived_contact_cannot_advance(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.REQUESTED)
    contact = contact.with_event(pipeline.archive(contact, ArchiveReason.NO_RESPONSE, now, ids()))
    with pytest.raises(MoveError, match="archived"):
        pipeline.advance(contact, now, ids())


def test_advance_into_the_future_is_rejected(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    with pytest.raises(MoveError, match="in the future"):
        pipeline.advance(make_contact(), now, ids(), at=now + timedelta(minutes=1))


def test_advance_exactly_now_is_allowed(make_contact: MakeContact, ids: Ids, now: datetime) -> None:
    assert pipeline.advance(make_contact(), now, ids(), at=now).at == now


def test_archive_records_reason_and_stage(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.MET)
    event = pipeline.archive(contact, ArchiveReason.OTHER, now, ids())
    assert event.kind is EventKind.ARCHIVE
    assert event.data == Archive(ArchiveReason.OTHER, Stage.MET)
    assert event.to_stage is None
    assert event.at == now


def test_archive_twice_is_refused(make_contact: MakeContact, ids: Ids, now: datetime) -> None:
    contact = make_contact()
    contact = contact.with_event(pipeline.archive(contact, ArchiveReason.DECLINED, now, ids()))
    with pytest.raises(MoveError, match="already archived"):
        pipeline.archive(contact, ArchiveReason.DECLINED, now, ids())


def test_restore_needs_an_archived_contact(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    with pytest.raises(MoveError, match="not archived"):
        pipeline.restore(make_contact(), now, ids())


def test_restore_puts_the_contact_back_in_its_stage_and_it_can_move_again(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.THANKED)
    contact = contact.with_event(pipeline.archive(contact, ArchiveReason.DECLINED, now, ids()))
    event = pipeline.restore(contact, now, ids())
    assert event.kind is EventKind.RESTORE
    contact = contact.with_event(event)
    assert not contact.archived
    assert contact.stage is Stage.THANKED
    contact = contact.with_event(pipeline.advance(contact, now, ids()))
    assert contact.stage is Stage.FOLLOW_UP


def test_edit_records_only_the_fields_that_change(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(company="Acme", email="ada@example.com")
    event = pipeline.edit(
        contact,
        {"name": "Ada Lovelace", "company": " Initech ", "email": "ada@example.com"},
        now,
        ids(),
    )
    assert event is not None
    assert event.kind is EventKind.EDIT
    assert event.at == event.recorded_at == now
    assert isinstance(event.data, Edit)
    assert dict(event.data.fields) == {"company": ("Acme", "Initech")}


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"name": "Ada Lovelace"},
        {"name": "  Ada   Lovelace  ", "company": "Acme "},
        {"linkedin": "linkedin.com/in/ada"},
    ],
)
def test_edit_returns_none_when_nothing_changes(
    make_contact: MakeContact, ids: Ids, now: datetime, raw: dict[str, str]
) -> None:
    contact = make_contact(company="Acme", linkedin="https://linkedin.com/in/ada")
    assert pipeline.edit(contact, raw, now, ids()) is None


def test_edit_validates(make_contact: MakeContact, ids: Ids, now: datetime) -> None:
    with pytest.raises(ValidationError) as caught:
        pipeline.edit(make_contact(), {"name": ""}, now, ids())
    assert set(caught.value.errors) == {"name"}


def test_advance_before_the_last_stage_change_is_refused_naming_it(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.MET, stage_at=now - timedelta(hours=2))
    with pytest.raises(MoveError, match=r"before Ada Lovelace moved to met \(2026-11-22 08:00\)"):
        pipeline.advance(contact, now, ids(), at=now - timedelta(hours=3))
    same_moment = pipeline.advance(contact, now, ids(), at=now - timedelta(hours=2))
    assert same_moment.at == now - timedelta(hours=2)


def test_a_last_move_at_the_calendars_edge_is_named_not_a_crash(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    """A hand-edited 9999-12-31 23:59 -14:00 can't be shown in UTC: say it in its own zone."""
    edge = datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-14)))
    contact = make_contact(stage=Stage.MET, stage_at=edge)
    with pytest.raises(MoveError, match=r"moved to met \(9999-12-31 23:59\)"):
        pipeline.advance(contact, now, ids())


def test_advance_before_the_contact_was_added_is_allowed(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact()  # identified, added an hour ago
    event = pipeline.advance(contact, now, ids(), at=now - timedelta(days=5))
    assert event.at == now - timedelta(days=5)
