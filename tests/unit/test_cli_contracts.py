"""What a scripter relies on from ``coffeechat``: ids, dates, missing files, messages (issue 10)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path

import pytest

from coffeechat.domain.events import ArchiveReason
from coffeechat.domain.stages import Stage
from coffeechat.paths import default_db_path
from coffeechat.storage.repository import Repository
from tests.unit.cli_support import NOW, Result, Run


def assert_user_error(result: Result) -> None:
    """Exit status 1 and exactly one line on stderr, prefixed with the program name."""
    assert result.code == 1, result
    assert result.err.startswith("coffeechat: "), result.err
    assert result.err.count("\n") == 1, result.err


def add(run: Run, name: str, *options: str) -> str:
    result = run("add", name, *options)
    assert result.code == 0, result
    return result.out.strip()


def stored(db: Path) -> dict[str, object]:
    return {c.name: c for c in Repository(db).contacts(include_archived=True)}


def fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def repository_with_ids(db: Path, *ids: str) -> Repository:
    """A repository whose next contacts get ``ids`` (event ids come from a counter)."""
    contact_ids = iter(ids)
    counter = itertools.count(1)

    def next_id() -> str:
        # Repository.add asks for the contact's id first, then the event's.
        step = next(counter)
        return next(contact_ids) if step % 2 else f"{step:032x}"

    return Repository(db, id_factory=next_id)


# -- 22: id prefixes -----------------------------------------------------------------------


def test_a_unique_id_prefix_of_six_or_more_characters_names_the_contact(run: Run, db: Path) -> None:
    ada = add(run, "Ada Lovelace")
    add(run, "Grace Hopper")
    assert run("advance", ada[:8]).code == 0
    assert run("advance", ada[:6].upper()).code == 0
    assert stored(db)["Ada Lovelace"].stage is Stage.MET  # type: ignore[attr-defined]


def test_an_id_prefix_shorter_than_six_is_not_an_id(run: Run, db: Path) -> None:
    repository_with_ids(db, "fa37b66a" + "1" * 24).add({"name": "Ada Lovelace"}, NOW)
    result = run("advance", "fa37b")
    assert_user_error(result)
    assert "no contact matches" in result.err


def test_an_ambiguous_id_prefix_lists_prefixes_that_work(run: Run, db: Path) -> None:
    first, second = "fa37b66a01" + "0" * 22, "fa37b66a02" + "0" * 22
    repository = repository_with_ids(db, first, second)
    repository.add({"name": "Ada Lovelace"}, NOW)
    repository.add({"name": "Grace Hopper"}, NOW)
    result = run("advance", "fa37b66a")
    assert_user_error(result)
    assert "matches 2 contacts" in result.err
    assert "Ada Lovelace" in result.err
    assert "Grace Hopper" in result.err
    shown = [word.rstrip(");") for word in result.err.split() if word.startswith("fa37b66a0")]
    assert shown == [first[:10], second[:10]]
    # ...and each prefix shown does name its contact.
    assert run("advance", shown[1]).code == 0
    assert stored(db)["Grace Hopper"].stage is Stage.REQUESTED  # type: ignore[attr-defined]


# -- 23: bare weekdays -------------------------------------------------------------------


def test_due_at_a_bare_weekday_looks_ahead(run: Run) -> None:
    # NOW is Sunday 22 Nov; "friday 9am" asked of `due` is Friday 27 Nov.
    add(run, "Ada Lovelace")
    assert run("advance", "ada", "--at", "2 hours ago").code == 0
    assert run("advance", "ada", "--at", "1 hour ago").code == 0  # met Sunday 9:00
    items = run("due", "--json", "--at", "friday 9am").json()
    assert [(item["kind"], item["overdue"]) for item in items] == [("thank-you", True)]


def test_due_at_says_which_moment_it_shows(run: Run) -> None:
    add(run, "Ada Lovelace")
    first = run("due", "--at", "friday 9am").out.splitlines()[0]
    assert first == "Nothing due as of Fri 27 Nov 2026 09:00. Nice."
    assert "as of" not in run("due").out


def test_advance_at_a_bare_weekday_looks_back(run: Run) -> None:
    add(run, "Ada Lovelace")
    assert run("advance", "ada", "--at", "friday 9am").code == 0
    row = run("list", "--json").json()[0]
    assert datetime.fromisoformat(row["stage_changed_at"]) == datetime.fromisoformat(
        "2026-11-20T09:00:00+00:00"
    )


# -- 24: read-only commands on a missing database ----------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("list",),
        ("list", "--json"),
        ("due",),
        ("due", "--quiet"),
        ("due", "--json"),
        ("export", "csv"),
        ("export", "json", "-o", "out.json"),
    ],
)
def test_reading_a_missing_database_fails_and_creates_nothing(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    folder = tmp_path / "nowhere"
    folder.mkdir()
    missing = folder / "contacts.json"
    monkeypatch.chdir(folder)
    result = run(*argv, "--db", str(missing))
    assert_user_error(result)
    assert f"no database at {missing}" in result.err
    assert result.out == ""
    assert list(folder.iterdir()) == []


def test_reading_before_the_first_contact_on_the_default_path_says_so(run: Run) -> None:
    default = default_db_path()
    result = run("due", "--quiet", environ={"COFFEECHAT_NOW": NOW.isoformat()})
    assert_user_error(result)
    assert f"no database at {default}" in result.err
    assert "coffeechat add" in result.err
    assert not default.parent.exists()


# -- 25: messages ------------------------------------------------------------------------


def test_list_of_an_empty_stage_names_the_stage(run: Run) -> None:
    add(run, "Ada Lovelace")
    result = run("list", "--stage", "met")
    assert result.code == 0
    assert "No contacts yet" not in result.out
    assert "met" in result.out


def test_list_of_an_empty_database_still_says_no_contacts_yet(run: Run, db: Path) -> None:
    Repository(db)
    result = run("list")
    assert result.code == 0
    assert "No contacts yet" in result.out


def test_advance_on_an_archived_contact_says_it_is_archived(run: Run, db: Path) -> None:
    ada = add(run, "Ada Lovelace")
    Repository(db).archive(ada, ArchiveReason.DECLINED, NOW)
    before = fingerprint(db)
    for text in ("ada", ada, ada[:8]):
        result = run("advance", text)
        assert_user_error(result)
        assert "Ada Lovelace is archived" in result.err
    assert fingerprint(db) == before


def test_advance_prefers_the_active_contact_over_an_archived_namesake(run: Run, db: Path) -> None:
    old = add(run, "Ada Lovelace", "--company", "Old Co")
    Repository(db).archive(old, ArchiveReason.OTHER, NOW)
    add(run, "Ada Lovelace", "--company", "New Co")
    assert run("advance", "ada").code == 0
    stages = {c.company: c.stage for c in Repository(db).contacts(include_archived=True)}
    assert stages == {"Old Co": Stage.IDENTIFIED, "New Co": Stage.REQUESTED}


def test_advance_at_before_the_previous_stage_change_is_refused(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    assert run("advance", "ada", "--at", "2 hours ago").code == 0
    before = fingerprint(db)
    result = run("advance", "ada", "--at", "3 hours ago")
    assert_user_error(result)
    assert "2026-11-22 08:00" in result.err
    assert fingerprint(db) == before


def test_advance_at_before_the_contact_was_added_is_allowed(run: Run, db: Path) -> None:
    # Adding someone you already wrote to last week, then saying so.
    add(run, "Ada Lovelace")
    assert run("advance", "ada", "--at", "last monday").code == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yesterday", "2026-11-21"), ("last friday", "2026-11-20"), ("20 Nov 2026", "2026-11-20")],
)
def test_connected_on_reads_words_like_every_other_date(
    run: Run, db: Path, text: str, expected: str
) -> None:
    add(run, "Ada Lovelace", "--connected-on", text)
    assert stored(db)["Ada Lovelace"].connected_on == expected  # type: ignore[attr-defined]


def test_connected_on_nonsense_is_still_an_error(run: Run, db: Path) -> None:
    result = run("add", "Ada Lovelace", "--connected-on", "flibbertigibbet")
    assert_user_error(result)
    assert "flibbertigibbet" in result.err
    assert not db.exists() or stored(db) == {}


def test_due_json_and_quiet_together_is_a_usage_error(
    run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("due", "--json", "--quiet")
    assert exit_info.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


# -- 21: a failed advance writes nothing -------------------------------------------------


def test_a_failed_advance_leaves_an_old_file_untouched(run: Run, db: Path) -> None:
    db.write_text(json.dumps({"contacts": {}, "meta": {"1": {"schema": 1}}}))
    before = fingerprint(db)
    result = run("advance", "Nobody")
    assert_user_error(result)
    assert fingerprint(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_an_advance_on_an_old_file_migrates_it_with_its_backup(run: Run, db: Path) -> None:
    """The lookup reads the old file read-only; the write then migrates it properly."""
    add(run, "Ada Lovelace")
    data = json.loads(db.read_text())
    data["meta"]["1"]["schema"] = 3  # the 3 -> 4 migration rewrites nothing but the version
    db.write_text(json.dumps(data))
    old = db.read_bytes()
    assert run("advance", "ada").code == 0
    assert json.loads(db.read_text())["meta"]["1"]["schema"] == 4
    assert (db.parent / f"{db.name}.schema-3.bak").read_bytes() == old
    assert stored(db)["Ada Lovelace"].stage is Stage.REQUESTED  # type: ignore[attr-defined]


def test_a_failed_advance_creates_no_database(run: Run, db: Path) -> None:
    assert_user_error(run("advance", "Nobody"))
    assert list(db.parent.iterdir()) == []


def test_a_successful_advance_after_a_failed_one_still_works(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    assert_user_error(run("advance", "Nobody"))
    assert run("advance", "ada").code == 0
    assert stored(db)["Ada Lovelace"].stage is Stage.REQUESTED  # type: ignore[attr-defined]
