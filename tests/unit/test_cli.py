"""The ``coffeechat`` script commands, run in-process through ``cli.main``."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coffeechat import __version__
from coffeechat.domain.stages import Stage
from coffeechat.storage.repository import Repository
from tests.unit.cli_support import NOW, NOW_TEXT, Result, Run

STAGE_VALUES = {"identified", "requested", "met", "thanked", "follow-up"}
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def assert_user_error(result: Result) -> None:
    """Exit status 1 and exactly one line on stderr, prefixed with the program name."""
    assert result.code == 1, result
    assert result.err.startswith("coffeechat: "), result.err
    assert result.err.count("\n") == 1, result.err
    assert result.err.endswith("\n")


def add(run: Run, name: str, *options: str) -> str:
    result = run("add", name, *options)
    assert result.code == 0, result
    return result.out.strip()


def stored(db: Path) -> dict[str, Any]:
    """The contacts in the file, by name (read through a fresh repository)."""
    return {c.name: c for c in Repository(db).contacts(include_archived=True)}


def listed(run: Run, *options: str) -> dict[str, dict[str, Any]]:
    result = run("list", "--json", *options)
    assert result.code == 0, result
    return {row["name"]: row for row in result.json()}


def bring_to_met(run: Run, name: str, met_at: datetime) -> None:
    """identified → requested (an hour before) → met at ``met_at``."""
    earlier = (met_at - timedelta(hours=1)).isoformat()
    assert run("advance", name, "--at", earlier).code == 0
    assert run("advance", name, "--at", met_at.isoformat()).code == 0


# -- add ---------------------------------------------------------------------------------


def test_add_prints_a_hex_id_and_stores_every_option(run: Run, db: Path) -> None:
    result = run(
        "add",
        "Ada Lovelace",
        "--company",
        "Analytical Engines",
        "--role",
        "Programmer",
        "--email",
        "ada@engines.example",
        "--phone",
        "+44 20 7946 0000",
        "--linkedin",
        "https://www.linkedin.com/in/ada",
        "--source",
        "Alumni list",
        "--referred-by",
        "Charles Babbage",
        "--connected-on",
        "20 Nov 2026",
        "--cadence",
        "2 months",
        "--note",
        "Loves poetry",
    )
    assert result.code == 0
    assert result.err == ""
    contact_id = result.out.strip()
    assert HEX_ID.match(contact_id), result.out
    assert result.out == contact_id + "\n"

    contact = Repository(db).get(contact_id)
    assert contact.fields() == {
        "name": "Ada Lovelace",
        "company": "Analytical Engines",
        "role": "Programmer",
        "email": "ada@engines.example",
        "phone": "+44 20 7946 0000",
        "linkedin": "https://www.linkedin.com/in/ada",
        "source": "Alumni list",
        "referred_by": "Charles Babbage",
        "connected_on": "2026-11-20",
        "cadence": "2",
        "notes": "Loves poetry",
    }
    assert contact.stage is Stage.IDENTIFIED
    assert contact.created_at == NOW


def test_add_twice_gives_distinct_ids(run: Run, db: Path) -> None:
    first = add(run, "Ada Lovelace")
    second = add(run, "Grace Hopper")
    assert first != second
    assert {c.id for c in Repository(db).contacts()} == {first, second}


@pytest.mark.parametrize("name", ["", "   "])
def test_add_without_a_name_fails_and_stores_nothing(run: Run, db: Path, name: str) -> None:
    result = run("add", name, "--company", "ACME")
    assert_user_error(result)
    assert "name" in result.err.lower()
    assert result.out == ""
    assert stored(db) == {}


def test_add_with_a_bad_email_fails_and_stores_nothing(run: Run, db: Path) -> None:
    result = run("add", "Ada Lovelace", "--email", "not-an-email")
    assert_user_error(result)
    assert "not-an-email" in result.err
    assert stored(db) == {}


# -- advance -----------------------------------------------------------------------------


def test_advance_by_case_insensitive_unique_substring(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    add(run, "Grace Hopper")
    result = run("advance", "LOVE")
    assert result.code == 0, result
    assert "Ada Lovelace" in result.out
    assert "requested" in result.out
    contacts = stored(db)
    assert contacts["Ada Lovelace"].stage is Stage.REQUESTED
    assert contacts["Grace Hopper"].stage is Stage.IDENTIFIED


def test_advance_by_id(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    grace = add(run, "Grace Hopper")
    assert run("advance", grace).code == 0
    assert run("advance", grace).code == 0
    contacts = stored(db)
    assert contacts["Grace Hopper"].stage is Stage.MET
    assert contacts["Grace Hopper"].stage_changed_at == NOW
    assert contacts["Ada Lovelace"].stage is Stage.IDENTIFIED


def test_advance_with_an_ambiguous_name_lists_the_candidates(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace", "--company", "Engines")
    add(run, "Ada Byron")
    result = run("advance", "ada")
    assert_user_error(result)
    assert "Ada Lovelace" in result.err
    assert "Ada Byron" in result.err
    assert {c.stage for c in stored(db).values()} == {Stage.IDENTIFIED}


def test_advance_an_unknown_name_fails(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    result = run("advance", "Nobody")
    assert_user_error(result)
    assert "Nobody" in result.err
    assert stored(db)["Ada Lovelace"].stage is Stage.IDENTIFIED


def test_advance_at_records_that_time(run: Run) -> None:
    add(run, "Ada Lovelace")
    result = run("advance", "ada", "--at", "yesterday 3pm")
    assert result.code == 0, result
    # COFFEECHAT_NOW is read in the machine's time zone; "yesterday 3pm" is local too.
    local_now = NOW.astimezone()
    expected = (local_now - timedelta(days=1)).replace(hour=15, minute=0, second=0)
    row = listed(run)["Ada Lovelace"]
    assert row["stage"] == "requested"
    assert datetime.fromisoformat(row["stage_changed_at"]) == expected
    assert datetime.fromisoformat(row["created_at"]) == NOW


@pytest.mark.parametrize("when", ["tomorrow", "in 2 hours", "2026-11-22T10:01:00+00:00"])
def test_advance_at_a_future_moment_fails(run: Run, db: Path, when: str) -> None:
    add(run, "Ada Lovelace")
    result = run("advance", "ada", "--at", when)
    assert_user_error(result)
    assert "future" in result.err
    contact = stored(db)["Ada Lovelace"]
    assert contact.stage is Stage.IDENTIFIED
    assert len(contact.events) == 1


def test_advance_at_unreadable_text_names_the_text(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    result = run("advance", "ada", "--at", "flibbertigibbet")
    assert_user_error(result)
    assert "flibbertigibbet" in result.err
    assert stored(db)["Ada Lovelace"].stage is Stage.IDENTIFIED


# -- list --------------------------------------------------------------------------------


def test_list_text_shows_stages_and_names(run: Run) -> None:
    add(run, "Ada Lovelace", "--company", "Engines", "--role", "Programmer")
    add(run, "Grace Hopper", "--company", "Navy")
    run("advance", "grace")
    result = run("list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["STAGE", "DAYS", "NAME", "COMPANY", "ROLE"]
    assert len(lines) == 3
    # Pipeline order: identified before requested.
    assert lines[1].split()[0] == "identified"
    assert "Ada Lovelace" in lines[1]
    assert "Engines" in lines[1]
    assert "Programmer" in lines[1]
    assert lines[2].split()[0] == "requested"
    assert "Grace Hopper" in lines[2]


def test_list_with_no_contacts_says_so(run: Run, db: Path) -> None:
    Repository(db)  # an empty database (a missing one is an error: see test_cli_contracts)
    result = run("list")
    assert result.code == 0
    assert "No contacts yet" in result.out


def test_list_json_has_the_documented_keys(run: Run) -> None:
    ada = add(run, "Ada Lovelace", "--company", "Engines", "--role", "Programmer")
    add(run, "Grace Hopper", "--email", "grace@navy.example")
    run("advance", "grace")
    rows = run("list", "--json").json()
    assert isinstance(rows, list)
    assert len(rows) == 2
    required = {"id", "name", "company", "role", "email", "stage", "stage_changed_at", "archived"}
    for row in rows:
        assert required <= row.keys()
        assert HEX_ID.match(row["id"])
        assert row["stage"] in STAGE_VALUES
        assert row["archived"] is False
        datetime.fromisoformat(row["stage_changed_at"])
    by_name = {row["name"]: row for row in rows}
    assert by_name["Ada Lovelace"]["id"] == ada
    assert by_name["Ada Lovelace"]["company"] == "Engines"
    assert by_name["Ada Lovelace"]["role"] == "Programmer"
    assert by_name["Ada Lovelace"]["stage"] == "identified"
    assert by_name["Grace Hopper"]["email"] == "grace@navy.example"
    assert by_name["Grace Hopper"]["stage"] == "requested"


def test_list_stage_filter(run: Run) -> None:
    add(run, "Ada Lovelace")
    add(run, "Grace Hopper")
    add(run, "Alan Turing")
    bring_to_met(run, "grace", NOW - timedelta(hours=2))
    bring_to_met(run, "alan", NOW - timedelta(hours=3))
    assert set(listed(run, "--stage", "met")) == {"Grace Hopper", "Alan Turing"}
    assert set(listed(run, "--stage", "identified")) == {"Ada Lovelace"}
    assert listed(run, "--stage", "thanked") == {}
    text = run("list", "--stage", "MET").out
    assert "Grace Hopper" in text
    assert "Ada Lovelace" not in text


def test_list_unknown_stage_is_a_usage_error(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("list", "--stage", "bogus")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "bogus" in err
    assert "Traceback" not in err


# -- due ---------------------------------------------------------------------------------


def test_due_lists_thank_yous_most_overdue_first(run: Run) -> None:
    add(run, "Alan Turing")
    add(run, "Ada Lovelace", "--company", "Engines")
    add(run, "Grace Hopper", "--company", "Navy")
    add(run, "Katherine Johnson")  # never met: nothing due
    # Neither the order added, nor the order met, nor the alphabet is the expected order.
    bring_to_met(run, "ada", NOW - timedelta(hours=30))
    bring_to_met(run, "alan", NOW - timedelta(hours=2))
    bring_to_met(run, "grace", NOW - timedelta(hours=60))

    items = run("due", "--json", "--at", NOW_TEXT).json()
    assert [item["name"] for item in items] == ["Grace Hopper", "Ada Lovelace", "Alan Turing"]
    for item in items:
        assert {"contact_id", "name", "kind", "due_at", "overdue"} <= item.keys()
        assert item["kind"] == "thank-you"
        assert HEX_ID.match(item["contact_id"])
    assert [item["overdue"] for item in items] == [True, True, False]
    due_at = [datetime.fromisoformat(item["due_at"]) for item in items]
    assert due_at == [
        NOW - timedelta(hours=36),
        NOW - timedelta(hours=6),
        NOW + timedelta(hours=22),
    ]
    assert items[0]["company"] == "Navy"

    text = run("due", "--at", NOW_TEXT)
    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0] == "2 overdue · 0 due today as of Sun 22 Nov 2026 10:00"
    assert lines[2].split()[:2] == ["STATUS", "WHAT"]
    assert lines[3] == "Overdue thank-yous (2)"
    assert lines[6] == "Next 7 days (1)"
    names = ["Grace Hopper", "Ada Lovelace", "Alan Turing"]
    rows = [lines[4], lines[5], lines[7]]
    assert [next(n for n in names if n in line) for line in rows] == names
    assert lines[4].startswith("  LATE")
    assert lines[5].startswith("  OVERDUE")
    assert "thank-you" in lines[4]

    quiet = run("due", "--quiet", "--at", NOW_TEXT)
    assert (quiet.code, quiet.out) == (0, "2 overdue · 0 due today\n")


def test_due_defaults_to_the_frozen_now(run: Run) -> None:
    add(run, "Ada Lovelace")
    bring_to_met(run, "ada", NOW - timedelta(hours=25))
    items = run("due", "--json").json()
    assert [(item["name"], item["overdue"]) for item in items] == [("Ada Lovelace", True)]


@pytest.mark.parametrize(
    ("after", "overdue"),
    [(timedelta(hours=23, minutes=59), False), (timedelta(hours=24, minutes=1), True)],
)
def test_due_boundary_is_24_hours_after_the_meeting(
    run: Run, after: timedelta, overdue: bool
) -> None:
    met_at = datetime.fromisoformat("2026-11-20T10:00:00+00:00")
    add(run, "Ada Lovelace")
    bring_to_met(run, "ada", met_at)
    items = run("due", "--json", "--at", (met_at + after).isoformat()).json()
    assert len(items) == 1
    assert items[0]["overdue"] is overdue
    assert datetime.fromisoformat(items[0]["due_at"]) == met_at + timedelta(hours=24)


def test_due_with_nothing_due(run: Run) -> None:
    add(run, "Ada Lovelace")
    assert run("due", "--json").json() == []
    result = run("due")
    assert result.code == 0
    assert "Nothing due" in result.out


def test_due_at_unreadable_text_fails(run: Run) -> None:
    add(run, "Ada Lovelace")
    result = run("due", "--at", "flibbertigibbet")
    assert_user_error(result)
    assert "flibbertigibbet" in result.err


# -- --db and the environment ------------------------------------------------------------


@pytest.mark.parametrize("position", ["before", "after"])
def test_db_option_before_or_after_the_command_wins_over_the_variable(
    run: Run, db: Path, tmp_path: Path, position: str
) -> None:
    other = tmp_path / "elsewhere" / "other.json"

    def with_db(command: str, *rest: str) -> list[str]:
        if position == "before":
            return ["--db", str(other), command, *rest]
        return [command, "--db", str(other), *rest]

    result = run(*with_db("add", "Ada Lovelace"))
    assert result.code == 0, result
    assert other.exists()
    assert set(stored(other)) == {"Ada Lovelace"}
    assert not db.exists()  # COFFEECHAT_DB's file was not touched

    assert set(listed(run, "--db", str(other))) == {"Ada Lovelace"}
    assert run("--db", str(other), "list", "--json").json()[0]["name"] == "Ada Lovelace"
    assert run(*with_db("advance", "ada")).code == 0
    assert stored(other)["Ada Lovelace"].stage is Stage.REQUESTED
    assert not db.exists()
    assert_user_error(run("list"))  # without --db: COFFEECHAT_DB's file, still not there


def test_db_variable_is_used_without_the_option(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    assert set(stored(db)) == {"Ada Lovelace"}


@pytest.mark.parametrize("value", ["garbage", "next blursday", "2026-13-45"])
def test_bad_coffeechat_now_fails(run: Run, db: Path, value: str) -> None:
    result = run("list", environ={"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": value})
    assert_user_error(result)
    assert "COFFEECHAT_NOW" in result.err
    assert not db.exists()


def test_coffeechat_now_freezes_the_clock(run: Run, db: Path) -> None:
    environ = {"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": "2026-03-01T08:15:00+00:00"}
    run("add", "Ada Lovelace", environ=environ)
    assert stored(db)["Ada Lovelace"].created_at == datetime.fromisoformat(
        "2026-03-01T08:15:00+00:00"
    )


# -- damaged and read-only files ---------------------------------------------------------


@pytest.mark.parametrize(
    "argv", [("list",), ("list", "--json"), ("add", "Ada Lovelace"), ("due",), ("advance", "a")]
)
def test_corrupt_database_is_reported_and_left_alone(
    run: Run, db: Path, argv: tuple[str, ...]
) -> None:
    db.write_text("{not json")
    before = db.read_bytes()
    result = run(*argv)
    assert_user_error(result)
    assert str(db) in result.err
    assert "line 1" in result.err
    assert result.out == ""
    assert db.read_bytes() == before


def test_read_only_database_refuses_writes_but_still_lists(run: Run, db: Path) -> None:
    add(run, "Ada Lovelace")
    os.chmod(db, 0o400)
    try:
        before = db.read_bytes()
        result = run("add", "Grace Hopper")
        assert_user_error(result)
        assert str(db) in result.err
        assert result.out == ""
        assert db.read_bytes() == before

        assert_user_error(run("advance", "ada"))
        assert db.read_bytes() == before

        listing = run("list")
        assert listing.code == 0, listing
        assert "Ada Lovelace" in listing.out
        assert "Grace Hopper" not in listing.out
        assert set(listed(run)) == {"Ada Lovelace"}
        assert run("due").code == 0
    finally:
        os.chmod(db, 0o600)


# -- misc --------------------------------------------------------------------------------


def test_version(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("--version")
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"coffeechat {__version__}"


def test_unknown_command_is_a_usage_error(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("frobnicate")
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
