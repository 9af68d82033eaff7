"""Snoozed items: listed until their snooze ends, and put back by a snooze that ends now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.model import Contact
from coffeechat.domain.pipeline import MoveError
from coffeechat.domain.rules import DueKind, Settings, due_items, snoozed_items
from coffeechat.domain.stages import Stage

SETTINGS = Settings()


@pytest.fixture
def met(make_contact: Callable[..., Contact], now: datetime) -> Contact:
    """Someone met two days ago: a late thank-you."""
    return make_contact("Sam", stage=Stage.MET, stage_at=now - timedelta(days=2))


def snoozed_thank_you(contact: Contact, now: datetime, until: datetime) -> Contact:
    (item,) = due_items([contact], now, SETTINGS)
    assert item.kind is DueKind.THANK_YOU
    return contact.with_event(pipeline.snooze(contact, item.kind.value, item.ref, until, now, "s1"))


@pytest.mark.parametrize(
    ("later", "listed"),
    [
        (timedelta(0), True),
        (timedelta(days=7) - timedelta(minutes=1), True),
        (timedelta(days=7), False),  # the snooze has ended: back on the Due list
    ],
)
def test_a_snoozed_item_is_listed_until_its_snooze_ends(
    met: Contact, now: datetime, later: timedelta, listed: bool
) -> None:
    contact = snoozed_thank_you(met, now, now + timedelta(days=7))
    at = now + later
    found = snoozed_items([contact], at, SETTINGS)
    assert bool(found) is listed
    assert bool(due_items([contact], at, SETTINGS)) is not listed
    if listed:
        assert found[0].until == now + timedelta(days=7)
        assert found[0].item.contact_id == contact.id


def test_snoozed_items_come_back_soonest_first(
    make_contact: Callable[..., Contact], now: datetime
) -> None:
    ago = now - timedelta(days=2)
    a = snoozed_thank_you(make_contact("A", stage=Stage.MET, stage_at=ago), now, now + timedelta(9))
    b = snoozed_thank_you(make_contact("B", stage=Stage.MET, stage_at=ago), now, now + timedelta(3))
    assert [s.item.name for s in snoozed_items([a, b], now, SETTINGS)] == ["B", "A"]


def test_unsnooze_puts_the_item_back_now_and_undo_hides_it_again(
    met: Contact, now: datetime
) -> None:
    contact = snoozed_thank_you(met, now, now + timedelta(days=7))
    later = now + timedelta(hours=1)
    (snoozed,) = snoozed_items([contact], later, SETTINGS)
    event = pipeline.unsnooze(contact, snoozed.item.kind.value, snoozed.item.ref, later, "u1")
    shown = contact.with_event(event)
    assert snoozed_items([shown], later, SETTINGS) == []
    assert [i.contact_id for i in due_items([shown], later, SETTINGS)] == [contact.id]
    undone = shown.with_event(pipeline.undo(shown, event.id, later, "u2"))
    assert len(snoozed_items([undone], later, SETTINGS)) == 1
    assert due_items([undone], later, SETTINGS) == []


def test_unsnoozing_what_is_not_snoozed_is_refused(met: Contact, now: datetime) -> None:
    (item,) = due_items([met], now, SETTINGS)
    with pytest.raises(MoveError, match="not snoozed"):
        pipeline.unsnooze(met, item.kind.value, item.ref, now, "u1")
