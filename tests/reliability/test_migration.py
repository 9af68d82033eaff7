"""The schema-migration mechanism (SCHEMA_VERSION, MIGRATIONS, Repository._migrate).

There is no older real schema yet, so these tests pretend the current version
is 2 (or 3) and that schema 1 stored the company under "employer".  They rely
on the repository reading the module globals at call time, which the first
test checks.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import coffeechat.cli
import coffeechat.storage.repository as repository_module
from coffeechat.cli import main
from coffeechat.storage.atomic import serialise
from coffeechat.storage.errors import DatabaseWriteError, NewerSchemaError
from coffeechat.storage.repository import Repository

ADA_ID = "c0000000000000000000000000000001"
GRACE_ID = "c0000000000000000000000000000002"


def old_contact(contact_id: str, name: str, employer: str) -> dict[str, Any]:
    """A contact as the pretend schema 1 stored it: "employer", not "company"."""
    created = {
        "id": "e" + contact_id[1:],
        "kind": "created",
        "at": "2026-11-12T10:00:00+00:00",
        "recorded_at": "2026-11-12T10:00:00+00:00",
        "from": None,
        "to": "identified",
        "note": "",
    }
    return {"id": contact_id, "name": name, "employer": employer, "events": [created]}


def schema_1_bytes(schema: int = 1) -> bytes:
    data = {
        "contacts": {
            "1": old_contact(ADA_ID, "Ada Lovelace", "Engines"),
            "2": old_contact(GRACE_ID, "Grace Hopper", "Navy"),
        },
        "meta": {"1": {"schema": schema, "settings": {"thank_you_due_hours": 12,
                                                      "thank_you_late_hours": 36}}},
        "questions": {},
    }  # fmt: skip
    return serialise(data)


class Migrations:
    """Pretend migrations that record each call."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def rename_employer(self, data: dict[str, Any]) -> None:
        self.calls.append(1)
        for record in data.get("contacts", {}).values():
            record["company"] = record.pop("employer", "")

    def add_pronouns_note(self, data: dict[str, Any]) -> None:
        self.calls.append(2)
        for record in data.get("contacts", {}).values():
            assert "employer" not in record, "2→3 ran before 1→2"
            record["notes"] = (record.get("notes", "") + " [pronouns: ?]").strip()


@pytest.fixture
def migrations(monkeypatch: pytest.MonkeyPatch) -> Migrations:
    """This coffeechat knows schema 2; schema 1 files get the employer→company rename."""
    recorder = Migrations()
    monkeypatch.setattr(repository_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(repository_module, "MIGRATIONS", {1: recorder.rename_employer})
    return recorder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "contacts.json"


def raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes())
    return data


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_repository_reads_the_version_globals_when_it_opens(
    db: Path, migrations: Migrations
) -> None:
    """Patching the module globals is enough: nothing captured them at import time."""
    Repository(db)  # a new file is written with the current version
    assert raw(db)["meta"]["1"]["schema"] == 2
    db.unlink()
    db.write_bytes(schema_1_bytes(schema=3))
    with pytest.raises(NewerSchemaError, match="schema 3; this version knows up to 2"):
        Repository(db)


def test_a_schema_1_file_is_migrated_once_with_a_private_backup(
    db: Path, migrations: Migrations
) -> None:
    original = schema_1_bytes()
    db.write_bytes(original)
    db.chmod(0o644)  # the backup must not inherit a looser mode

    repo = Repository(db)

    assert migrations.calls == [1]
    assert {c.id: c.company for c in repo.contacts()} == {ADA_ID: "Engines", GRACE_ID: "Navy"}
    on_disk = raw(db)
    assert on_disk["meta"]["1"]["schema"] == 2
    assert on_disk["meta"]["1"]["settings"] == {"thank_you_due_hours": 12,
                                                "thank_you_late_hours": 36}  # fmt: skip
    for record in on_disk["contacts"].values():
        assert "employer" not in record
        assert record["company"] in {"Engines", "Navy"}
    assert repo.settings().thank_you_due_hours == 12  # other data untouched
    backup = db.with_name("contacts.json.schema-1.bak")
    assert backup.read_bytes() == original
    assert mode(backup) == 0o600
    assert sorted(p.name for p in db.parent.iterdir()) == [
        "backups",  # the daily backup, taken before the day's first write
        "contacts.json",
        "contacts.json.lock",
        "contacts.json.schema-1.bak",
    ]
    [daily] = (db.parent / "backups").iterdir()
    assert daily.read_bytes() == original

    migrated = db.read_bytes()
    backup_stat = backup.stat()
    again = Repository(db)
    assert migrations.calls == [1], "migrated twice"
    assert db.read_bytes() == migrated
    assert backup.read_bytes() == original
    assert backup.stat().st_mtime_ns == backup_stat.st_mtime_ns
    assert [c.company for c in again.contacts()] == ["Engines", "Navy"]
    # and the migrated file keeps working: a change is saved at schema 2
    contact, _ = again.advance(ADA_ID, again.get(ADA_ID).created_at)
    assert Repository(db).get(ADA_ID).stage is contact.stage
    assert raw(db)["meta"]["1"]["schema"] == 2
    assert migrations.calls == [1]


def test_the_cli_reads_old_files_in_memory_and_migrates_on_first_write(
    db: Path, migrations: Migrations, capsys: pytest.CaptureFixture[str]
) -> None:
    db.write_bytes(schema_1_bytes())
    before = db.read_bytes()
    environ = {"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": "2026-11-22 10:00"}

    assert main(["list", "--json"], environ) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["name"]: row["company"] for row in rows} == {
        "Ada Lovelace": "Engines",
        "Grace Hopper": "Navy",
    }
    assert main(["list", "--json"], environ) == 0
    assert migrations.calls == [1, 1]  # upgraded in memory each time
    assert db.read_bytes() == before  # a command that only reads never writes

    assert main(["add", "Ida Rhodes"], environ) == 0
    assert migrations.calls == [1, 1, 1]
    assert raw(db)["meta"]["1"]["schema"] == 2


def test_migrations_run_in_order_from_the_file_s_version(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Migrations()
    monkeypatch.setattr(repository_module, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(
        repository_module,
        "MIGRATIONS",
        {1: recorder.rename_employer, 2: recorder.add_pronouns_note},
    )
    db.write_bytes(schema_1_bytes())
    ada = Repository(db).get(ADA_ID)
    assert recorder.calls == [1, 2]
    assert (ada.company, ada.notes) == ("Engines", "[pronouns: ?]")
    assert raw(db)["meta"]["1"]["schema"] == 3
    assert db.with_name("contacts.json.schema-1.bak").read_bytes() == schema_1_bytes()

    # a file already at schema 2 gets only the 2→3 step, and its own backup
    recorder.calls.clear()
    second = db.with_name("second.json")
    at_2 = raw(db)
    at_2["meta"]["1"]["schema"] = 2
    for record in at_2["contacts"].values():
        record["notes"] = ""
    second.write_bytes(serialise(at_2))
    assert Repository(second).get(GRACE_ID).notes == "[pronouns: ?]"
    assert recorder.calls == [2]
    assert second.with_name("second.json.schema-2.bak").read_bytes() == serialise(at_2)
    assert not second.with_name("second.json.schema-1.bak").exists()


def test_a_failing_migration_leaves_the_file_as_it_was(
    db: Path, migrations: Migrations, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = schema_1_bytes()
    db.write_bytes(original)

    def broken(data: dict[str, Any]) -> None:
        for record in data["contacts"].values():
            record["company"] = record.pop("employer")
        raise RuntimeError("bug in migration")

    monkeypatch.setitem(repository_module.MIGRATIONS, 1, broken)
    with pytest.raises(RuntimeError, match="bug in migration"):
        Repository(db)
    assert db.read_bytes() == original
    assert raw(db)["meta"]["1"]["schema"] == 1

    # fixed, it migrates from the untouched original
    monkeypatch.setitem(repository_module.MIGRATIONS, 1, migrations.rename_employer)
    assert Repository(db).get(GRACE_ID).company == "Navy"
    assert db.with_name("contacts.json.schema-1.bak").read_bytes() == original


def test_a_read_only_old_file_is_not_migrated_and_says_why(
    db: Path, migrations: Migrations
) -> None:
    original = schema_1_bytes()
    db.write_bytes(original)
    db.chmod(0o400)
    with pytest.raises(DatabaseWriteError, match="permission denied") as error:
        Repository(db)
    assert str(db) in str(error.value)
    assert db.read_bytes() == original
    assert mode(db) == 0o400


def test_a_full_disk_while_backing_up_before_migrating_is_one_clear_line(
    db: Path,
    migrations: Migrations,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    original = schema_1_bytes()
    db.write_bytes(original)

    def copyfileobj(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(f"{repository_module.__name__}.shutil.copyfileobj", copyfileobj)
    monkeypatch.setattr(coffeechat.cli, "_launch", lambda *_: 0)
    code = main(["add", "Ida"], {"COFFEECHAT_DB": str(db), "COFFEECHAT_NOW": "2026-11-22 10:00"})
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("coffeechat: ")
    assert str(db) in err
    assert len(err.splitlines()) == 1
    assert db.read_bytes() == original
    assert not list(db.parent.glob("*.bak"))  # half a copy is no backup


def test_two_openers_racing_migrate_only_once(
    db: Path, migrations: Migrations, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = schema_1_bytes()
    db.write_bytes(original)
    real_migrate = Repository._migrate
    raced: list[bool] = []

    def migrate_after_the_other_process(self: Repository, found: int) -> None:
        # This opener has read "schema 1" but not yet taken the lock; meanwhile
        # another process (here: another Repository) opens the file and migrates it.
        if not raced:
            raced.append(True)
            Repository(db)
        real_migrate(self, found)

    monkeypatch.setattr(Repository, "_migrate", migrate_after_the_other_process)
    repo = Repository(db)

    assert raced
    assert migrations.calls == [1]
    assert db.with_name("contacts.json.schema-1.bak").read_bytes() == original
    assert {c.company for c in repo.contacts()} == {"Engines", "Navy"}
