"""Duplicates: referrals that name someone already there, refused adds, delete and merge."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.duplicates import (
    DuplicateContactError,
    MergeSides,
    merge_sides,
    plan_referrals,
    same_person,
)
from coffeechat.domain.events import ArchiveReason, EventKind, Merge, Remove
from coffeechat.domain.model import Contact
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from tests.conftest import counting_ids
from tests.unit.test_meetings import schedule_fields

# -- matching ---------------------------------------------------------------------


def test_same_person_matches_name_and_company_ignoring_case_and_spaces(
    repo: Repository, now: datetime
) -> None:
    priya = repo.add({"name": "Priya Raman", "company": "Northwind Health"}, now)
    repo.add({"name": "Priya Raman", "company": "Contoso"}, now)
    contacts = repo.contacts()
    found = same_person(contacts, {"name": " priya  raman", "company": "NORTHWIND health"})
    assert found is not None
    assert found.id == priya.id
    assert same_person(contacts, {"name": "Priya Raman"}) is None  # no company: someone else
    assert same_person(contacts, {"name": ""}) is None


def test_imports_match_through_the_same_function() -> None:
    from coffeechat.domain.duplicates import name_company_key
    from coffeechat.interchange import matching

    assert vars(matching)["_name_company"] is name_company_key


# -- referrals (issue 10, item 7) ---------------------------------------------------


def _meeting_with_referrals(
    repo: Repository, now: datetime, referrals: tuple[str, ...], name: str = "Ada Lovelace"
) -> tuple[Contact, str, datetime]:
    contact = repo.add({"name": name, "company": "Analytical"}, now - timedelta(days=3))
    start = now - timedelta(minutes=20)
    contact, _ = repo.schedule_meeting(contact.id, None, schedule_fields(start), now)
    meeting = contact.next_meeting
    assert meeting is not None
    repo.save_meeting(contact.id, replace(meeting, referrals=referrals, started_at=start))
    return contact, meeting.id, start


def test_a_referral_naming_someone_on_the_board_links_them_instead_of_a_second_card(
    repo: Repository, now: datetime
) -> None:
    priya = repo.add({"name": "Priya Raman", "company": "Northwind Health"}, now - timedelta(9))
    ada, meeting_id, start = _meeting_with_referrals(
        repo, now, ("priya raman, Northwind Health", "Sam Lee")
    )
    done = repo.record_meeting(ada.id, meeting_id, start, now)
    names = sorted(c.name for c in repo.contacts())
    assert names == ["Ada Lovelace", "Priya Raman", "Sam Lee"]  # no second Priya
    linked = repo.get(priya.id)
    assert linked.referrer_id == ada.id
    assert linked.referred_by == "Ada Lovelace"
    assert [c.name for c in done.added] == ["Sam Lee"]
    assert done.plan.sentences("Ada Lovelace") == [
        "Adds 1 referral: Sam Lee.",
        "Priya Raman is already on your board; linked as introduced by Ada Lovelace.",
    ]
    repo.undo_all(done.undo_steps, now)
    assert repo.get(priya.id).referrer_id == ""
    assert repo.get(priya.id).referred_by == ""
    assert sorted(c.name for c in repo.contacts()) == ["Ada Lovelace", "Priya Raman"]


def test_a_referral_someone_else_introduced_keeps_that_link(
    repo: Repository, now: datetime
) -> None:
    sam, meeting_id, start = _meeting_with_referrals(repo, now, ("Priya Raman, Northwind",), "Sam")
    repo.record_meeting(sam.id, meeting_id, start, now)
    (priya,) = repo.referrals_of(sam.id)
    ada, meeting_id, start = _meeting_with_referrals(repo, now, ("Priya Raman, Northwind",))
    done = repo.record_meeting(ada.id, meeting_id, start, now)
    assert not done.added
    assert not done.linked
    assert repo.get(priya.id).referrer_id == sam.id
    assert done.plan.sentences("Ada Lovelace") == [
        "Priya Raman is already on your board, introduced by Sam; that is kept."
    ]


def test_plan_keeps_a_typed_referrer_without_a_link(repo: Repository, now: datetime) -> None:
    repo.add({"name": "Priya Raman", "referred_by": "Jo from the meetup"}, now)
    ada = repo.add({"name": "Ada"}, now)
    plan = plan_referrals(ada, ["Priya Raman", "Ada", ""], repo.contacts())
    assert plan.new == []
    assert plan.link == []
    assert [(c.name, by) for c, by in plan.kept] == [("Priya Raman", "Jo from the meetup")]


# -- add refuses a duplicate unless forced ------------------------------------------------


def test_add_refuses_a_duplicate_when_asked_to(repo: Repository, now: datetime) -> None:
    priya = repo.add({"name": "Priya Raman", "company": "Northwind"}, now)
    with pytest.raises(DuplicateContactError, match=f"already there, id {priya.id[:8]}") as err:
        repo.add({"name": "PRIYA RAMAN", "company": "northwind"}, now, allow_duplicate=False)
    assert err.value.existing.id == priya.id
    assert len(repo.contacts()) == 1
    repo.add({"name": "Priya Raman", "company": "Northwind"}, now)  # forced (the default)
    assert len(repo.contacts()) == 2


# -- delete (item 8) ------------------------------------------------------------------


def test_delete_removes_from_every_view_and_undo_brings_them_back(
    repo: Repository, now: datetime, db_path: Path
) -> None:
    priya = repo.add({"name": "Priya Raman"}, now)
    repo.archive(priya.id, ArchiveReason.DUPLICATE, now)
    deleted, event = repo.delete(priya.id, now)
    assert event.data == Remove()
    assert deleted.removed
    assert repo.contacts(include_archived=True) == []
    assert repo.archived() == []
    reopened = Repository(db_path)
    (stored,) = reopened._contacts.values()  # the history stays in the file
    assert stored.removed
    assert stored.events[-1].kind is EventKind.REMOVE
    back = repo.undo(priya.id, event.id, now)
    assert not back.removed
    assert back.archived
    assert back.archive_reason == "duplicate"
    with pytest.raises(pipeline.MoveError, match="already deleted"):
        pipeline.delete(deleted, now, "x")


# -- merge (item 8) -------------------------------------------------------------------


@pytest.fixture
def pair(repo: Repository, now: datetime) -> tuple[Contact, Contact]:
    """Ada met (with a meeting and an introduction), and a sparse duplicate with more details."""
    keep, meeting_id, start = _meeting_with_referrals(repo, now, ())
    repo.record_meeting(keep.id, meeting_id, start, now)
    repo.edit(keep.id, {"role": "Analyst", "notes": "Loves engines"}, now)
    other = repo.add(
        {"name": "Ada Lovelace", "company": "Analytical Engines Ltd", "email": "ada@ae.org",
         "notes": "Met at the meetup"},
        now - timedelta(days=1),
    )  # fmt: skip
    other, _ = repo.schedule_meeting(other.id, None, schedule_fields(now + timedelta(1)), now)
    return repo.get(keep.id), other


def test_merge_conflicts_list_fields_both_fill_differently(pair: tuple[Contact, Contact]) -> None:
    keep, other = pair
    assert pipeline.merge_conflicts(keep, other) == {
        "company": ("Analytical", "Analytical Engines Ltd")
    }


def test_merge_keeps_both_histories_fills_blanks_and_moves_meetings(
    repo: Repository, now: datetime, pair: tuple[Contact, Contact], db_path: Path
) -> None:
    keep, other = pair
    merged = repo.merge_contacts(keep.id, other.id, now, take_other=["company"])
    survivor = repo.get(keep.id)
    assert survivor.email == "ada@ae.org"  # a blank filled
    assert survivor.company == "Analytical Engines Ltd"  # the conflict, as chosen
    assert survivor.role == "Analyst"
    assert survivor.notes == "Loves engines\n\nMet at the meetup"
    assert survivor.stage is Stage.MET
    assert {m.id for m in survivor.meetings} == {m.id for m in (*keep.meetings, *other.meetings)}
    assert survivor.events[: len(keep.events)] == keep.events  # its history, untouched
    assert type(survivor.events[-1].data) is Merge
    assert [c.id for c in repo.contacts()] == [keep.id]
    gone = Repository(db_path)._contacts[other.id]
    assert gone.removed
    assert gone.merged_into == keep.id
    assert gone.events[: len(other.events)] == other.events  # the other history too
    assert merged.undo_steps[0] == (other.id, gone.events[-1].id)


def test_undoing_a_merge_restores_both(
    repo: Repository, now: datetime, pair: tuple[Contact, Contact]
) -> None:
    keep, other = pair
    merged = repo.merge_contacts(keep.id, other.id, now)
    assert repo.get(keep.id).company == "Analytical"  # a conflict keeps the survivor's
    repo.undo_all(merged.undo_steps, now)
    assert repo.get(keep.id).fields() == keep.fields()
    assert repo.get(keep.id).meetings == keep.meetings
    assert repo.get(other.id).fields() == other.fields()
    assert repo.get(other.id).meetings == other.meetings
    assert {c.id for c in repo.contacts()} == {keep.id, other.id}


def test_merge_repoints_referrals_of_the_merged_away_contact(db_path: Path, now: datetime) -> None:
    repo = Repository(db_path, id_factory=counting_ids())
    keep = repo.add({"name": "Ada Lovelace"}, now)
    other, meeting_id, start = _meeting_with_referrals(repo, now, ("Sam Lee",), "Ada L.")
    done = repo.record_meeting(other.id, meeting_id, start, now)
    (sam,) = done.added
    merged = repo.merge_contacts(keep.id, other.id, now)
    assert repo.get(sam.id).referrer_id == keep.id
    assert repo.get(sam.id).referred_by == "Ada Lovelace"
    assert [c.id for c in repo.referrals_of(keep.id)] == [sam.id]
    survivor = repo.get(keep.id)
    assert survivor.meeting(meeting_id) is not None  # the held meeting moved with it
    repo.undo_all(merged.undo_steps, now)
    assert repo.get(sam.id).referrer_id == other.id
    assert repo.get(sam.id).referred_by == "Ada L."


def test_merge_refuses_the_same_contact_twice(repo: Repository, now: datetime) -> None:
    ada = repo.add({"name": "Ada"}, now)
    with pytest.raises(pipeline.MoveError, match="merged with themselves"):
        repo.merge_contacts(ada.id, ada.id, now)


def test_undoing_a_merge_keeps_notes_typed_into_a_moved_meeting_since(
    repo: Repository, now: datetime, pair: tuple[Contact, Contact]
) -> None:
    """Meeting notes are not events: undoing the merge must hand them back, not drop them."""
    keep, other = pair
    merged = repo.merge_contacts(keep.id, other.id, now)
    moved = next(m for m in repo.get(keep.id).meetings if m.id == other.meetings[0].id)
    typed = replace(moved, notes="Ask about the analytics team", takeaways=("Learn Ada",))
    repo.save_meeting(keep.id, typed, moved)
    repo.undo_all(merged.undo_steps, now)
    back = repo.get(other.id).meetings[0]
    assert (back.notes, back.takeaways) == ("Ask about the analytics team", ("Learn Ada",))
    assert repo.get(keep.id).meetings == keep.meetings


# -- who survives a merge (issue 10, item 8, red team) ---------------------------------


def test_merge_sides_keeps_the_live_then_the_further_along_then_the_named(
    repo: Repository, now: datetime
) -> None:
    named = repo.add({"name": "Ann Lee", "role": "Analyst"}, now - timedelta(days=3))
    met = repo.add({"name": "Ann Lee", "role": "Lead"}, now - timedelta(days=3))
    repo.advance(met.id, now, at=now - timedelta(days=2))
    met, _ = repo.advance(met.id, now, at=now - timedelta(days=1))
    sides = merge_sides(named, met)
    assert (sides.keep.id, sides.other.id, sides.reason) == (met.id, named.id, "further along")
    assert sides.why(done=True) == (
        "kept Ann Lee (met) — further along; merged the identified copy into it"
    )
    assert sides.take_other(["role"]) == []  # "Lead" chosen: the survivor's own
    assert sides.take_other([]) == ["role"]  # "Analyst" kept: take it from the other
    assert merge_sides(met, named) == MergeSides(met, named)  # already the right way round
    assert merge_sides(met, named).take_other(["role"]) == ["role"]
    twin = repo.add({"name": "Ann Lee"}, now)
    assert merge_sides(twin, named) == MergeSides(twin, named)  # a tie: the named one
    archived, _ = repo.archive(met.id, ArchiveReason.DUPLICATE, now)
    sides = merge_sides(archived, named)
    assert (sides.keep.id, sides.reason) == (named.id, "not archived")
    assert sides.why(done=False) == (
        "keeps Ann Lee (identified) — not archived; merges the archived, met copy into it"
    )


def _hand_edit_referrer(db_path: Path, contact_id: str, referrer_id: str) -> None:
    data = json.loads(db_path.read_text(encoding="utf-8"))
    for record in data["contacts"].values():
        if record["id"] == contact_id:
            record["referrer_id"] = referrer_id
    db_path.write_text(json.dumps(data), encoding="utf-8")


def test_merge_of_a_contact_naming_itself_as_referrer_removes_it_and_links_no_one_to_itself(
    db_path: Path, now: datetime
) -> None:
    repo = Repository(db_path)
    keep = repo.add({"name": "Ada Lovelace"}, now)
    other = repo.add({"name": "Ada L."}, now)
    _hand_edit_referrer(db_path, other.id, other.id)  # a hand-edited file
    merged = repo.merge_contacts(keep.id, other.id, now)
    assert merged.repointed == []
    again = Repository(db_path)
    assert [c.id for c in again.contacts()] == [keep.id]
    assert again.get(keep.id).referrer_id == ""
    assert again.deleted()[0].merged_into == keep.id


def test_merge_never_makes_the_survivor_its_own_referrer(repo: Repository, now: datetime) -> None:
    keep = repo.add({"name": "Ada Lovelace"}, now)
    other = repo.add({"name": "Ada L."}, now)
    keep = replace(keep, referrer_id=keep.id)  # as a hand edit leaves it
    merged, _ = pipeline.merge(keep, other, (), now, counting_ids())
    assert merged.referrer_id == ""
    other = replace(other, referrer_id=other.id)
    merged, _ = pipeline.merge(replace(keep, referrer_id=""), other, (), now, counting_ids())
    assert merged.referrer_id == ""


def test_a_referral_whose_referrer_was_deleted_is_linked_to_the_new_one(
    repo: Repository, now: datetime
) -> None:
    sam, meeting_id, start = _meeting_with_referrals(repo, now, ("Priya Raman, Northwind",), "Sam")
    repo.record_meeting(sam.id, meeting_id, start, now)
    (priya,) = repo.referrals_of(sam.id)
    repo.delete(sam.id, now)  # a removed referrer counts as no referrer
    ada, meeting_id, start = _meeting_with_referrals(repo, now, ("Priya Raman, Northwind",))
    assert plan_referrals(ada, ["Priya Raman, Northwind"], repo.contacts()).link == [
        repo.get(priya.id)
    ]
    done = repo.record_meeting(ada.id, meeting_id, start, now)
    assert done.plan.sentences("Ada Lovelace") == [
        "Priya Raman is already on your board; linked as introduced by Ada Lovelace."
    ]
    linked = repo.get(priya.id)
    assert (linked.referrer_id, linked.referred_by) == (ada.id, "Ada Lovelace")
    repo.undo_all(done.undo_steps, now)
    assert (repo.get(priya.id).referrer_id, repo.get(priya.id).referred_by) == (sam.id, "Sam")


def test_the_same_name_composed_or_decomposed_is_the_same_person(
    repo: Repository, now: datetime
) -> None:
    """macOS sends "José Núñez" decomposed (NFD); typed, it is usually composed (NFC)."""
    composed = unicodedata.normalize("NFC", "José Núñez")
    decomposed = unicodedata.normalize("NFD", "José Núñez")
    assert composed != decomposed
    jose = repo.add({"name": composed, "company": "Café Ｃｏ"}, now)
    found = same_person(repo.contacts(), {"name": decomposed, "company": "CAFÉ  Co"})
    assert found is not None
    assert found.id == jose.id
    with pytest.raises(DuplicateContactError):
        repo.add({"name": decomposed, "company": "Café Co"}, now, allow_duplicate=False)
    ada = repo.add({"name": "Ada"}, now)
    plan = plan_referrals(ada, [f"{decomposed}, Café Co", decomposed], repo.contacts())
    assert plan.link == [jose]
    assert plan.new == [{"name": decomposed}]  # no company: someone else, added once


def test_taking_the_others_referred_by_takes_its_link_too(repo: Repository, now: datetime) -> None:
    """The text said "Ref Two" while the link still pointed at Ref One (red team)."""
    one, two = repo.add({"name": "Ref One"}, now), repo.add({"name": "Ref Two"}, now)
    ann = repo.add({"name": "Ann Lee", "company": "Acme", "referred_by": "Ref One"}, now)
    copy = repo.add(
        {"name": "Ann Lee", "company": "Acme", "referred_by": "Ref Two"}, now, allow_duplicate=True
    )
    with repo._changing() as batch:  # links as finishing a meeting would have set them
        batch.put(replace(repo._current(ann.id), referrer_id=one.id))
        batch.put(replace(repo._current(copy.id), referrer_id=two.id))
    repo.merge_contacts(ann.id, copy.id, now, take_other=["referred_by"])
    kept = repo.get(ann.id)
    assert (kept.referred_by, kept.referrer_id) == ("Ref Two", two.id)
