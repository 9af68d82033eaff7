"""Contacts: everything derived from the event history, and field cleaning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.events import Advance, ArchiveReason, Created, Edit, Event, EventKind, Undo
from coffeechat.domain.model import CONTACT_FIELDS, Contact, ValidationError, clean_fields
from coffeechat.domain.stages import Stage

MakeContact = Callable[..., Contact]
Ids = Callable[[], str]


# -- derivations from the history ------------------------------------------------


def test_new_contact_is_identified_since_creation(make_contact: MakeContact, now: datetime) -> None:
    contact = make_contact(stage_at=now)
    assert contact.stage is Stage.IDENTIFIED
    assert contact.stage_changed_at == now
    assert contact.created_at == now
    assert contact.last_touch_at == now
    assert not contact.archived
    assert contact.archive_reason == ""
    assert contact.archived_at is None
    assert contact.met_at is None
    assert [e.kind for e in contact.events] == [EventKind.CREATED]


@pytest.mark.parametrize("stage", list(Stage))
def test_stage_and_stage_changed_at_follow_the_last_advance(
    make_contact: MakeContact, now: datetime, stage: Stage
) -> None:
    entered = now - timedelta(days=2)
    contact = make_contact(stage=stage, stage_at=entered)
    assert contact.stage is stage
    assert contact.stage_changed_at == entered
    assert contact.days_in_stage(now) == 2


def test_days_in_stage_is_never_negative(make_contact: MakeContact, now: datetime) -> None:
    contact = make_contact(stage_at=now)
    assert contact.days_in_stage(now - timedelta(days=3)) == 0


def test_stage_ignores_archive_restore_edit_and_touch_events(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    entered = now - timedelta(days=5)
    contact = make_contact(stage=Stage.MET, stage_at=entered)
    contact = contact.with_event(pipeline.archive(contact, ArchiveReason.DECLINED, now, ids()))
    assert contact.stage is Stage.MET
    assert contact.stage_changed_at == entered
    contact = contact.with_event(pipeline.restore(contact, now, ids()))
    edit = pipeline.edit(contact, {"role": "CTO"}, now, ids())
    assert edit is not None  # the role really changes
    contact = contact.with_event(edit)
    assert contact.stage is Stage.MET
    assert contact.stage_changed_at == entered


def test_touch_keeps_follow_up_and_its_start_but_updates_last_touch(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    entered = now - timedelta(days=10)
    contact = make_contact(stage=Stage.FOLLOW_UP, stage_at=entered)
    touch = pipeline.advance(contact, now, ids())
    contact = contact.with_event(touch)
    assert touch.kind is EventKind.TOUCH
    assert contact.stage is Stage.FOLLOW_UP
    assert contact.stage_changed_at == entered
    assert contact.last_touch_at == now


def test_archived_follows_the_latest_archive_or_restore(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.REQUESTED, stage_at=now - timedelta(days=3))
    first = now - timedelta(days=2)
    contact = contact.with_event(pipeline.archive(contact, ArchiveReason.NO_RESPONSE, first, ids()))
    assert contact.archived
    assert contact.archive_reason == "no response"
    assert contact.archived_at == first

    contact = contact.with_event(pipeline.restore(contact, now - timedelta(days=1), ids()))
    assert not contact.archived
    assert contact.archive_reason == ""
    assert contact.archived_at is None
    assert contact.stage is Stage.REQUESTED

    contact = contact.with_event(pipeline.archive(contact, ArchiveReason.NOT_A_FIT, now, ids()))
    assert contact.archived
    assert contact.archive_reason == "not a fit"
    assert contact.archived_at == now


def test_met_at_is_the_meeting_time_not_when_it_was_logged(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.REQUESTED, stage_at=now - timedelta(days=7))
    meeting = now - timedelta(days=3)
    event = pipeline.advance(contact, now, ids(), at=meeting)
    contact = contact.with_event(event)
    assert event.at == meeting
    assert event.recorded_at == now
    assert contact.met_at == meeting
    assert contact.stage_changed_at == meeting
    # later stages keep the meeting time
    contact = contact.with_event(pipeline.advance(contact, now, ids()))
    assert contact.stage is Stage.THANKED
    assert contact.met_at == meeting


def test_met_at_is_the_latest_move_into_met(now: datetime) -> None:
    def moved(n: int, to: Stage, at: datetime) -> Event:
        return Event(f"e{n}", at, at, Advance(Stage.REQUESTED, to))

    first, second = now - timedelta(days=9), now - timedelta(days=2)
    created = Event("e0", first, first, Created())
    # a history with two meetings (say, merged from two copies of the file)
    contact = Contact(
        id="c1",
        name="Ada",
        events=(
            created,
            moved(1, Stage.MET, first),
            moved(2, Stage.THANKED, first),
            moved(3, Stage.MET, second),
        ),
    )
    assert contact.stage is Stage.MET
    assert contact.met_at == second
    assert contact.stage_changed_at == second


def test_met_at_is_none_before_the_meeting(make_contact: MakeContact) -> None:
    assert make_contact(stage=Stage.REQUESTED).met_at is None


def test_met_at_ignores_undone_moves(make_contact: MakeContact, ids: Ids, now: datetime) -> None:
    contact = make_contact(stage=Stage.MET, stage_at=now - timedelta(days=1))
    contact = contact.with_event(pipeline.advance(contact, now, ids()))
    again = pipeline.advance(contact, now, ids(), at=now)  # thanked -> follow-up
    moved = contact.with_event(again)
    undone = moved.with_event(pipeline.undo(moved, again.id, now, ids()))
    assert undone.met_at == now - timedelta(days=1)
    assert undone.stage is Stage.THANKED


def test_with_event_does_not_change_the_original(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact()
    moved = contact.with_event(pipeline.advance(contact, now, ids()))
    assert contact.stage is Stage.IDENTIFIED
    assert len(contact.events) == 1
    assert moved.stage is Stage.REQUESTED
    assert len(moved.events) == 2


def test_edit_applies_and_undo_reverts_the_fields(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(company="Acme", role="Engineer")
    event = pipeline.edit(contact, {"company": "Initech", "role": "Engineer"}, now, ids())
    assert event is not None
    assert isinstance(event.data, Edit)
    assert dict(event.data.fields) == {"company": ("Acme", "Initech")}
    edited = contact.with_event(event)
    assert edited.company == "Initech"
    assert edited.role == "Engineer"

    undo = pipeline.undo(edited, event.id, now, ids())
    reverted = edited.with_event(undo)
    assert reverted.fields() == contact.fields()
    assert reverted.company == "Acme"
    # the history only grows: the edit stays, marked undone
    assert [e.id for e in reverted.events] == [*(e.id for e in contact.events), event.id, undo.id]
    assert reverted.is_undone(event.id)
    assert reverted.effective_events == contact.events


def test_undo_appends_and_the_stage_leaves_the_undone_move_out(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.REQUESTED)
    advance = pipeline.advance(contact, now, ids())
    moved = contact.with_event(advance)
    assert moved.stage is Stage.MET
    undo = pipeline.undo(moved, advance.id, now, ids())
    assert isinstance(undo.data, Undo)
    assert undo.data.event_id == advance.id
    back = moved.with_event(undo)
    assert back.stage is Stage.REQUESTED
    assert back.stage_changed_at == contact.stage_changed_at
    assert len(back.events) == len(contact.events) + 2


def test_only_the_latest_change_that_counts_can_be_undone(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.REQUESTED)
    first = pipeline.advance(contact, now, ids())
    contact = contact.with_event(first)
    second = pipeline.advance(contact, now, ids())
    contact = contact.with_event(second)
    with pytest.raises(pipeline.MoveError, match="changed since"):
        pipeline.undo(contact, first.id, now, ids())
    contact = contact.with_event(pipeline.undo(contact, second.id, now, ids()))
    with pytest.raises(pipeline.MoveError, match="already undone"):
        pipeline.undo(contact, second.id, now, ids())
    # with the second undone, the first is the latest that counts again
    contact = contact.with_event(pipeline.undo(contact, first.id, now, ids()))
    assert contact.stage is Stage.REQUESTED


def test_an_undo_cannot_itself_be_undone(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact(stage=Stage.REQUESTED)
    advance = pipeline.advance(contact, now, ids())
    contact = contact.with_event(advance)
    undo = pipeline.undo(contact, advance.id, now, ids())
    contact = contact.with_event(undo)
    with pytest.raises(pipeline.MoveError, match="no such change"):
        pipeline.undo(contact, undo.id, now, ids())


def test_undoing_the_created_event_removes_the_contact(
    make_contact: MakeContact, ids: Ids, now: datetime
) -> None:
    contact = make_contact()
    removed = contact.with_event(pipeline.undo(contact, contact.events[0].id, now, ids()))
    assert removed.removed
    assert not contact.removed


def test_a_history_must_start_with_created(now: datetime) -> None:
    advance = Event("e1", now, now, Advance(Stage.IDENTIFIED, Stage.REQUESTED))
    with pytest.raises(ValueError, match="created"):
        Contact(id="c1", name="Ada", events=(advance,))


def test_fields_lists_every_editable_field(make_contact: MakeContact) -> None:
    contact = make_contact(company="Acme", email="ada@example.com")
    fields = contact.fields()
    assert tuple(fields) == CONTACT_FIELDS
    assert fields["name"] == "Ada Lovelace"
    assert fields["company"] == "Acme"
    assert fields["email"] == "ada@example.com"
    assert fields["notes"] == ""


# -- clean_fields ------------------------------------------------------------------


def test_clean_fields_strips_and_collapses_single_line_fields() -> None:
    cleaned = clean_fields(
        {"name": "  Ada   Lovelace \t", "company": " Analytical\nEngines ", "notes": " a\n\nb "}
    )
    assert cleaned == {"name": "Ada Lovelace", "company": "Analytical Engines", "notes": "a\n\nb"}


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_empty_name_is_rejected(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_fields({"name": name})
    assert set(caught.value.errors) == {"name"}
    assert "Name" in str(caught.value)


def test_missing_name_is_fine_for_a_partial_edit() -> None:
    assert clean_fields({"role": "CTO"}) == {"role": "CTO"}


@pytest.mark.parametrize(
    "email", ["ada", "ada@", "@example.com", "ada@example", "ada lovelace@example.com", "a@b@c.d"]
)
def test_bad_email_is_rejected(email: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_fields({"name": "Ada", "email": email})
    assert set(caught.value.errors) == {"email"}
    assert "does not look like an email address" in caught.value.errors["email"]


@pytest.mark.parametrize("email", ["ada@example.com", "a.b+c@mail.example.co.uk", ""])
def test_good_or_empty_email_is_kept(email: str) -> None:
    assert clean_fields({"email": f" {email} "})["email"] == email


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("linkedin.com/in/ada", "https://linkedin.com/in/ada"),
        ("www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("https://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada"),
        ("http://linkedin.com/in/ada", "http://linkedin.com/in/ada"),
        ("HTTPS://LinkedIn.com/in/Ada", "HTTPS://LinkedIn.com/in/Ada"),
        ("  linkedin.com/in/ada  ", "https://linkedin.com/in/ada"),
        ("", ""),
    ],
)
def test_linkedin_is_normalised_to_a_web_address(typed: str, stored: str) -> None:
    assert clean_fields({"linkedin": typed})["linkedin"] == stored


@pytest.mark.parametrize("typed", ["ada lovelace", "not-a-url", "linkedin com/in/ada"])
def test_linkedin_that_is_not_a_web_address_is_rejected(typed: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_fields({"linkedin": typed})
    assert set(caught.value.errors) == {"linkedin"}
    # the error quotes what the person typed, not our normalised version
    assert repr(typed) in caught.value.errors["linkedin"]


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_fields({"name": " ", "email": "nope", "linkedin": "no way"})
    assert set(caught.value.errors) == {"name", "email", "linkedin"}
    message = str(caught.value)
    assert "Name:" in message
    assert "Email:" in message
    assert "LinkedIn URL:" in message


def test_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="shoe_size"):
        clean_fields({"name": "Ada", "shoe_size": "7"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"connected_on": "2026-11-20"}, {"connected_on": "2026-11-20"}),
        ({"connected_on": "20 Nov 2026"}, {"connected_on": "2026-11-20"}),
        ({"connected_on": "03/04/2025"}, {"connected_on": "2025-04-03"}),  # day first
        ({"cadence": "3"}, {"cadence": "3"}),
        ({"cadence": " 6 months "}, {"cadence": "6"}),
        ({"cadence": "1 month"}, {"cadence": "1"}),
        ({"cadence": "12m"}, {"cadence": "12"}),
        ({"cadence": ""}, {"cadence": ""}),
    ],
)
def test_clean_fields_reads_dates_and_cadences(raw, expected) -> None:
    assert clean_fields(raw) == expected


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"connected_on": "someday"}, "connected_on"),
        ({"connected_on": "2026-02-30"}, "connected_on"),
        ({"cadence": "0"}, "cadence"),
        ({"cadence": "25"}, "cadence"),
        ({"cadence": "quarterly"}, "cadence"),
        ({"cadence": "1.5"}, "cadence"),
    ],
)
def test_clean_fields_rejects_bad_dates_and_cadences(raw, field) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_fields(raw)
    assert set(caught.value.errors) == {field}
