"""``add`` refuses a duplicate; ``delete`` and ``merge-contacts`` are the ways out of one."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from tests.unit.cli_support import NOW, Run
from tests.unit.test_cli import add, assert_user_error, bring_to_met, stored
from tests.unit.test_duplicates import _meeting_with_referrals


def test_add_of_a_name_and_company_already_there_is_refused(run: Run, db: Path) -> None:
    first = add(run, "Priya Raman", "--company", "Northwind Health")
    result = run("add", "priya raman", "--company", "Northwind  Health")
    assert_user_error(result)
    assert f"Priya Raman at Northwind Health is already there, id {first[:8]}" in result.err
    assert "--force" in result.err
    assert len(Repository(db).contacts()) == 1


def test_add_force_adds_the_duplicate(run: Run, db: Path) -> None:
    add(run, "Priya Raman", "--company", "Northwind Health")
    add(run, "Priya Raman", "--company", "Northwind Health", "--force")
    add(run, "Priya Raman", "--company", "Contoso")  # another company: another person
    assert len(Repository(db).contacts()) == 3


def test_delete_with_yes_removes_and_undo_brings_back(run: Run, db: Path) -> None:
    ada = add(run, "Ada Lovelace", "--company", "Engines")
    result = run("delete", ada, "--yes")
    assert result.code == 0, result
    assert "Deleted Ada Lovelace at Engines" in result.out
    assert stored(db) == {}
    assert run("list", "--json").json() == []
    assert "Ada Lovelace" not in run("list", "--archived").out
    back = run("delete", "--undo", "ada")
    assert back.code == 0, back
    assert "Brought back Ada Lovelace" in back.out
    assert set(stored(db)) == {"Ada Lovelace"}


def test_delete_without_yes_off_a_terminal_refuses(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    result = run("delete", "Ada")
    assert_user_error(result)
    assert "--yes" in result.err
    assert set(stored(db)) == {"Ada Lovelace"}


@pytest.mark.parametrize(("answer", "kept"), [("y\n", False), ("\n", True)])
def test_delete_asks_first_at_a_terminal(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch, answer: str, kept: bool
) -> None:
    add(run, "Ada Lovelace")
    terminal = io.StringIO(answer)
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", terminal)
    result = run("delete", "Ada")
    assert result.code == 0, result
    assert "Delete Ada Lovelace" in result.out
    assert ("Ada Lovelace" in stored(db)) is kept


def test_merge_contacts_asks_about_conflicts_then_merges(run: Run, db: Path) -> None:
    keep = add(run, "Ada Lovelace", "--company", "Engines", "--role", "Analyst")
    other = add(run, "Ada L.", "--company", "Engines Ltd", "--email", "ada@e.org", "--force")
    undecided = run("merge-contacts", keep, other)
    assert_user_error(undecided)
    assert "Name: 'Ada Lovelace' or 'Ada L.'" in undecided.err
    assert "--take-other name,company or --keep-mine" in undecided.err
    assert len(stored(db)) == 2  # nothing merged yet
    result = run("merge-contacts", keep, other, "--take-other", "company", "--keep-mine")
    assert result.code == 0, result
    assert result.out.startswith(f"Merged Ada L. (id {other[:8]}) into Ada Lovelace; took ")
    contacts = stored(db)
    assert set(contacts) == {"Ada Lovelace"}
    ada = contacts["Ada Lovelace"]
    assert (ada.company, ada.email, ada.role) == ("Engines Ltd", "ada@e.org", "Analyst")


def test_merge_contacts_repoints_introductions(run: Run, db: Path) -> None:
    keep = add(run, "Ada Lovelace")
    bring_to_met(run, keep, NOW - timedelta(days=1))  # as far along: the one named stays
    repo = Repository(db)
    other, meeting_id, start = _meeting_with_referrals(repo, NOW, ("Grace Hopper",), "Ada L.")
    (grace,) = repo.record_meeting(other.id, meeting_id, start, NOW).added
    result = run("merge-contacts", keep, other.id, "--keep-mine")
    assert result.code == 0, result
    assert "moved 1 meeting; 1 introduction now point to Ada Lovelace" in result.out
    again = Repository(db).get(grace.id)
    assert again.referrer_id == keep
    assert again.referred_by == "Ada Lovelace"


def test_merge_contacts_with_an_unknown_field_is_an_error(run: Run, db: Path) -> None:
    keep, other = add(run, "Ada Lovelace"), add(run, "Ada L.")
    result = run("merge-contacts", keep, other, "--take-other", "shoe size")
    assert_user_error(result)
    assert "shoe size is not a field" in result.err


def _ann_twice(run: Run) -> tuple[str, str]:
    """Ann Lee only identified (A), and a copy of her (B) met two days ago: a thank-you overdue."""
    a = add(run, "Ann Lee", "--company", "Acme", "--role", "Analyst")
    b = add(run, "Ann Lee", "--company", "Acme", "--email", "ann@acme.com", "--role", "Lead",
            "--force")  # fmt: skip
    met = NOW - timedelta(days=2)
    assert run("advance", b, "--at", (met - timedelta(hours=1)).isoformat()).code == 0
    assert run("advance", b, "--at", met.isoformat()).code == 0
    assert "OVERDUE" in run("due").out
    return a, b


@pytest.mark.parametrize(("choice", "role"), [("--keep-mine", "Analyst"), ("--take-other", "Lead")])
def test_merge_contacts_keeps_the_one_further_along(
    run: Run, db: Path, choice: str, role: str
) -> None:
    """Merging the met copy into the identified one must not drop the overdue thank-you."""
    a, b = _ann_twice(run)
    options = [choice] if choice == "--keep-mine" else [choice, "role"]
    result = run("merge-contacts", a, b, *options)
    assert result.code == 0, result
    assert "Kept Ann Lee (met) — further along; merged the identified copy into it" in result.out
    assert "OVERDUE" in run("due").out
    (ann,) = Repository(db).contacts()
    assert ann.id == b
    assert (ann.stage, ann.email, ann.role) == (Stage.MET, "ann@acme.com", role)


def test_delete_undo_of_a_merged_contact_takes_the_whole_merge_back(run: Run, db: Path) -> None:
    keep = add(run, "Ada Lovelace", "--role", "Analyst")
    bring_to_met(run, keep, NOW - timedelta(days=1))
    repo = Repository(db)
    other, meeting_id, start = _meeting_with_referrals(repo, NOW, ("Grace Hopper",), "Ada L.")
    (grace,) = repo.record_meeting(other.id, meeting_id, start, NOW).added
    before = {c.id: c.fields() for c in Repository(db).contacts()}
    merged = run("merge-contacts", keep, other.id, "--keep-mine")
    assert f"coffeechat delete --undo {other.id} takes the merge back" in merged.out
    assert Repository(db).get(grace.id).referrer_id == keep
    result = run("delete", "--undo", other.id)
    assert result.code == 0, result
    assert result.out == (
        f"Took back the merge of Ada L. (id {other.id[:8]}) into Ada Lovelace (id {keep[:8]}):"
        " both are back as they were; 1 introduction point to them again.\n"
    )
    again = Repository(db)
    assert {c.id: c.fields() for c in again.contacts()} == before
    assert again.get(grace.id).referrer_id == other.id
    assert again.get(other.id).meeting(meeting_id) is not None
    assert again.get(keep).meeting(meeting_id) is None


def test_delete_undo_of_a_merge_changed_since_is_refused(run: Run, db: Path) -> None:
    keep, other = add(run, "Ada Lovelace"), add(run, "Ada L.", "--email", "ada@e.org")
    assert run("merge-contacts", keep, other, "--keep-mine").code == 0
    assert run("advance", keep).code == 0  # a change since
    result = run("delete", "--undo", other)
    assert_user_error(result)
    assert "Ada Lovelace has changed since" in result.err
    assert set(stored(db)) == {"Ada Lovelace"}


def test_delete_undo_of_a_contact_not_deleted_says_so(run: Run, db: Path) -> None:
    ada = add(run, "Ada Lovelace")
    result = run("delete", "--undo", "ada")
    assert_user_error(result)
    assert f"Ada Lovelace (id {ada[:8]}) is not deleted; nothing to bring back" in result.err
    assert_user_error(run("delete", "--undo", "nobody"))


def test_importing_a_backup_again_after_a_delete_adds_no_second_copy(
    run: Run, db: Path, tmp_path: Path
) -> None:
    """Delete Xena, restore the backup: she comes back once, not once per import."""
    add(run, "Rita Ref", "--company", "Foo")
    add(run, "Xena X", "--company", "Foo")
    backup = tmp_path / "backup.json"
    assert run("export", "json", "-o", str(backup)).code == 0
    assert run("delete", "Xena", "--yes").code == 0
    assert run("import", "json", str(backup)).code == 0
    again = run("import", "json", str(backup))
    assert again.code == 0
    assert "Restored 0 · 2 already there" in again.out
    names = [c["name"] for c in run("list", "--json").json()]
    assert sorted(names) == ["Rita Ref", "Xena X"]
