"""Files planted beside the database before a save: never followed, never reused.

The temp file used to be opened at one fixed name without O_EXCL/O_NOFOLLOW:
a pre-made world-writable temp made the database 0666, and a symlink there
had the whole database written into the link's target.  Each save now makes
a fresh 0600 temp (mkstemp) and removes the stale ones a killed write left.
"""

from __future__ import annotations

import os
import stat
from datetime import date, datetime
from pathlib import Path

import pytest

from coffeechat.storage.errors import DatabaseWriteError
from coffeechat.storage.repository import Repository
from tests.reliability.storage_support import contact_record, database_bytes, stored_names

TODAY = date(2026, 11, 22)
NOW = datetime.fromisoformat("2026-11-22T10:00:00+00:00")
VICTIM = b"someone else's file\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "contacts.json"
    path.write_bytes(database_bytes({"1": contact_record("Ada Lovelace", 1)}))
    path.chmod(0o600)
    return path


def repository(db: Path) -> Repository:
    return Repository(db, today=lambda: TODAY)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_pre_made_world_writable_temp_does_not_make_the_database_world_writable(
    db: Path,
) -> None:
    planted = db.with_name(".contacts.json.tmp")
    planted.write_bytes(b"")
    planted.chmod(0o666)

    repository(db).add({"name": "Grace Hopper"}, NOW)

    assert mode(db) == 0o600
    assert stored_names(db) == ["Ada Lovelace", "Grace Hopper"]
    assert not planted.exists()  # a stale temp at our name is cleared, never reused


def test_a_symlinked_temp_never_receives_the_database(db: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(VICTIM)
    victim.chmod(0o644)
    db.with_name(".contacts.json.tmp").symlink_to(victim)

    repository(db).add({"name": "Grace Hopper"}, NOW)

    assert victim.read_bytes() == VICTIM
    assert mode(victim) == 0o644
    assert not db.is_symlink()
    assert mode(db) == 0o600
    assert stored_names(db) == ["Ada Lovelace", "Grace Hopper"]


def test_a_symlinked_backup_temp_never_receives_the_backup(db: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(VICTIM)
    backups = db.parent / "backups"
    backups.mkdir(mode=0o700)
    (backups / ".contacts-2026-11-22.json.tmp").symlink_to(victim)

    repository(db).add({"name": "Grace Hopper"}, NOW)

    assert victim.read_bytes() == VICTIM
    backup = backups / "contacts-2026-11-22.json"
    assert not backup.is_symlink()
    assert mode(backup) == 0o600
    assert stored_names(backup) == ["Ada Lovelace"]


def test_a_symlinked_lock_is_refused_not_followed(db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "made-by-coffeechat"
    elsewhere.parent.mkdir()
    db.with_name("contacts.json.lock").symlink_to(elsewhere)
    before = db.read_bytes()

    with pytest.raises(DatabaseWriteError, match="symlink"):
        repository(db).add({"name": "Grace Hopper"}, NOW)

    assert not elsewhere.exists()
    assert db.read_bytes() == before


def test_each_save_uses_a_fresh_private_temp_and_leaves_none(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = db.with_name(".contacts.json.k1ll3d.tmp")  # a write killed midway
    stale.write_bytes(b"half a file")
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def spy(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if os.fspath(path).endswith(".tmp"):
            opened.append((os.fspath(path), flags))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    repo = repository(db)
    repo.add({"name": "Grace Hopper"}, NOW)
    repo.add({"name": "Alan Turing"}, NOW)

    assert len(opened) == 3  # the backup's temp and two saves'
    assert len({path for path, _ in opened}) == 3
    for _, flags in opened:
        assert flags & os.O_EXCL
        assert flags & os.O_CREAT
    assert [p.name for p in db.parent.rglob("*.tmp")] == []
    assert mode(db) == 0o600
