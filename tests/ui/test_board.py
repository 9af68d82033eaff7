"""The board model: incremental re-filing gives the same result as a full rebuild."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.domain import pipeline
from coffeechat.domain.model import Contact
from coffeechat.domain.rules import Settings
from coffeechat.domain.search import matches_filter
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.board import Board, card_order, make_card
from coffeechat.ui.changes import KEPT, ChangeLog
from tests.ui.conftest import seed


def ids(board: Board, stage: Stage) -> list[str]:
    return [card.contact.id for card in board.cards(stage)]


def rebuilt(contacts, now, text: str = "") -> Board:
    board = Board()
    board.refresh(contacts, now, Settings(), text)
    return board


def test_first_refresh_files_every_contact_and_reports_every_stage(repo, now) -> None:
    seed(repo, now, "Ida")
    seed(repo, now, "Max", Stage.MET, met_hours_ago=30)
    board = Board()
    changed = board.refresh(repo.contacts(), now, Settings(), "")
    assert changed == set(PIPELINE)  # every column draws the first time, empty ones too
    assert [board.count(stage) for stage in PIPELINE] == [1, 0, 1, 0, 0]


def test_advancing_one_contact_changes_only_its_two_stages(repo, now) -> None:
    first = seed(repo, now, "Ida")
    seed(repo, now, "Bo", Stage.REQUESTED)
    seed(repo, now, "Cy", Stage.THANKED)
    board = rebuilt(repo.contacts(), now)
    repo.advance(first.id, now)
    changed = board.refresh(repo.contacts(), now, Settings(), "")
    assert changed == {Stage.IDENTIFIED, Stage.REQUESTED}
    for stage in PIPELINE:
        assert ids(board, stage) == ids(rebuilt(repo.contacts(), now), stage)


def test_nothing_changed_reports_nothing(repo, now) -> None:
    seed(repo, now, "Ida")
    seed(repo, now, "Max", Stage.MET, met_hours_ago=30)
    board = rebuilt(repo.contacts(), now)
    assert board.refresh(repo.contacts(), now, Settings(), "") == set()


def test_met_cards_follow_the_clock(repo, now) -> None:
    seed(repo, now, "Max", Stage.MET, met_hours_ago=20)
    board = rebuilt(repo.contacts(), now)
    assert not board.cards(Stage.MET)[0].due.overdue  # type: ignore[union-attr]
    later = now + timedelta(hours=5)
    assert board.refresh(repo.contacts(), later, Settings(), "") == {Stage.MET}
    assert board.cards(Stage.MET)[0].due.overdue  # type: ignore[union-attr]


def test_overdue_thank_yous_sort_to_the_top_of_met(repo, now) -> None:
    recent = seed(repo, now, "Recent", Stage.MET, met_hours_ago=2)
    oldest = seed(repo, now, "Oldest", Stage.MET, met_hours_ago=70)
    middle = seed(repo, now, "Middle", Stage.MET, met_hours_ago=30)
    assert ids(rebuilt(repo.contacts(), now), Stage.MET) == [oldest.id, middle.id, recent.id]


def test_archived_and_filtered_out_contacts_leave_the_board(repo, now) -> None:
    from coffeechat.domain.model import ArchiveReason

    ada = seed(repo, now, "Ada", company="Analytical")
    bob = seed(repo, now, "Bob", company="Difference")
    board = rebuilt(repo.contacts(), now)
    board.refresh(repo.contacts(), now, Settings(), "analyt")
    assert ids(board, Stage.IDENTIFIED) == [ada.id]
    board.refresh(repo.contacts(), now, Settings(), "")
    repo.archive(bob.id, ArchiveReason.DECLINED, now)
    assert board.refresh(repo.contacts(), now, Settings(), "") == {Stage.IDENTIFIED}
    assert ids(board, Stage.IDENTIFIED) == [ada.id]


def test_a_filter_reuses_this_minutes_cards_and_a_new_minute_or_setting_does_not(
    repo, now, made: list[str]
) -> None:
    seed(repo, now, "Ida")
    seed(repo, now, "Max", Stage.MET, met_hours_ago=30)
    board = Board()
    board.refresh(repo.contacts(), now, Settings(), "")
    assert sorted(made) == ["Ida", "Max"]
    made.clear()
    for text in ("m", "ma", ""):  # typing a filter, then clearing it
        board.refresh(repo.contacts(), now, Settings(), text)
    assert made == []  # nobody's due items were worked out again
    board.refresh(repo.contacts(), now + timedelta(minutes=1), Settings(), "")
    assert sorted(made) == ["Ida", "Max"]  # what is due depends on the time
    made.clear()
    later = now + timedelta(minutes=1)
    board.refresh(repo.contacts(), later, Settings(thank_you_due_hours=1), "")
    assert sorted(made) == ["Ida", "Max"]  # and on the settings
    assert board.cards(Stage.MET)[0].due is not None


# -- filed in place = filed from scratch ------------------------------------------------------

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
NAMES = ("Ada Lovelace", "Bob Ng", "Cy Young", "Ida Bell", "Amy Pond", "Ben Ada")
COMPANIES = ("Acme", "Globex", "Initech", "")
ROLES = ("PM", "Engineer", "Analyst", "")
#: Filters are typed from these, so they often match and often narrow what matched.
TYPED = "abceilmnopy A"


def from_scratch(contacts: Iterable[Contact], text: str, now: datetime) -> dict[Stage, list[str]]:
    """Each column as a full rebuild would have it: filter, make every card, sort."""
    cards = [make_card(c, now, Settings()) for c in contacts if matches_filter(c, text)]
    cards.sort(key=card_order)
    return {stage: [c.contact.id for c in cards if c.contact.stage is stage] for stage in PIPELINE}


def person(index: int, name: str, company: str, role: str, moves: int) -> Contact:
    """Someone created a month ago and moved ``moves`` stages on, an hour apart."""
    made = NOW - timedelta(days=30, hours=index)
    contact = pipeline.new_contact(
        {"name": name, "company": company, "role": role}, made, f"{index:032x}", f"e{index}"
    )
    for step in range(moves):
        at = contact.events[-1].at + timedelta(hours=1)
        event = pipeline.advance(contact, NOW, f"e{index}-{step}", at=at)
        contact = contact.with_event(event)
    return contact


people = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.sampled_from(COMPANIES),
        st.sampled_from(ROLES),
        st.integers(0, 4),
    ),
    max_size=14,
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.sampled_from(TYPED)),
        st.tuples(st.just("erase"), st.just(0)),
        st.tuples(st.just("filter"), st.text(TYPED, max_size=4)),
        st.tuples(st.just("advance"), st.integers(0, 30)),
        st.tuples(st.just("drop"), st.integers(0, 30)),
        st.tuples(st.just("add"), st.integers(0, 5)),
        st.tuples(st.just("everyone"), st.just(0)),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(people, steps)
def test_the_board_filed_in_place_equals_one_filed_from_scratch(
    crowd: list[tuple[str, str, str, int]], actions: list[tuple[str, Any]]
) -> None:
    """Typing, erasing, moving, dropping and adding people, in any order: the columns are
    always what filtering, making and sorting every card afresh gives."""
    stored = {c.id: c for c in (person(i, *who) for i, who in enumerate(crowd))}
    board = Board()
    text = ""
    board.refresh(stored.values(), NOW, Settings(), text)
    for action, value in actions:
        changes: dict[str, Contact | None] = {}
        if action == "type":
            text += value
        elif action == "erase":
            text = text[:-1]
        elif action == "filter":
            text = value
        elif action in ("advance", "drop") and stored:
            contact_id = sorted(stored)[value % len(stored)]
            if action == "drop":
                del stored[contact_id]
                changes[contact_id] = None
            else:
                contact = stored[contact_id]
                at = contact.events[-1].at + timedelta(minutes=1)
                event = pipeline.advance(contact, NOW, f"{contact_id}-{len(contact.events)}", at=at)
                changes[contact_id] = stored[contact_id] = contact.with_event(event)
        elif action == "add":
            newcomer = person(100 + len(stored) + value, NAMES[value], COMPANIES[value % 4], "", 0)
            changes[newcomer.id] = stored[newcomer.id] = newcomer
        if action == "everyone":
            board.refresh(list(stored.values()), NOW, Settings(), text)
        else:
            board.update(changes, NOW, Settings(), text)
        assert {stage: ids(board, stage) for stage in PIPELINE} == from_scratch(
            stored.values(), text, NOW
        )
        assert board.total == len(stored)
        for stage in PIPELINE:
            for index, card in enumerate(board.cards(stage)):
                assert board.index_in(stage, card.contact.id) == index


def test_more_than_a_few_changes_at_once_are_filed_by_sorting_again(repo, now) -> None:
    """An import of hundreds: one sort per column, and still the same columns."""
    crowd = [person(i, NAMES[i % 6], COMPANIES[i % 4], ROLES[i % 3], i % 5) for i in range(200)]
    board = Board()
    board.refresh(crowd[:10], NOW, Settings(), "a")
    assert board.refresh(crowd, NOW, Settings(), "a") == set(PIPELINE)
    assert {stage: ids(board, stage) for stage in PIPELINE} == from_scratch(crowd, "a", NOW)


# -- the change log ------------------------------------------------------------------------------


def test_the_log_names_the_contacts_of_writes_that_said_which() -> None:
    log = ChangeLog()
    log.note(["ann"], 5, 6)
    log.note(["bo"], 6, 7)
    assert log.since(0, 5, 7) == (2, frozenset({"ann", "bo"}))
    assert log.since(1, 6, 7) == (2, frozenset({"bo"}))
    assert log.since(2, 7, 7) == (2, frozenset())


@pytest.mark.parametrize(
    ("notes", "seen", "version_now"),
    [
        ([], (-1, 5), 5),  # a reader that has filed nothing yet
        ([(None, 5, 6)], (0, 5), 6),  # a write that could not say whom it touched
        ([(["ann"], 5, 7)], (0, 5), 7),  # a write that read another process's change in
        ([(["ann"], 5, 6)], (0, 5), 8),  # a change after it nobody logged (a re-read)
        ([(["ann"], 6, 7)], (0, 5), 7),  # ... or before it
        ([], (0, 5), 6),  # ... or with no write at all
        ([(["ann"], None, None)], (0, None), None),  # a repository with no version
    ],
)
def test_the_log_says_anything_when_it_cannot_be_sure(
    notes: list[tuple[list[str] | None, int | None, int | None]],
    seen: tuple[int, int | None],
    version_now: int | None,
) -> None:
    log = ChangeLog()
    for ids_, before, after in notes:
        log.note(ids_, before, after)
    assert log.since(*seen, version_now) == (len(notes), None)


def test_a_reader_further_behind_than_the_log_keeps_looks_at_everything() -> None:
    log = ChangeLog()
    for version in range(KEPT + 1):
        log.note(["ann"], version, version + 1)
    assert log.since(0, 0, KEPT + 1) == (KEPT + 1, None)
    assert log.since(1, 1, KEPT + 1) == (KEPT + 1, frozenset({"ann"}))
