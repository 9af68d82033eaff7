"""The board model: incremental re-filing gives the same result as a full rebuild."""

from __future__ import annotations

from datetime import timedelta

from coffeechat.domain.rules import Settings
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui import board as board_module
from coffeechat.ui.board import Board
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
    repo, now, monkeypatch
) -> None:
    seed(repo, now, "Ida")
    seed(repo, now, "Max", Stage.MET, met_hours_ago=30)
    made: list[str] = []
    real = board_module.make_card

    def counting(contact, when, settings):
        made.append(contact.name)
        return real(contact, when, settings)

    monkeypatch.setattr(board_module, "make_card", counting)
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
