"""A database reached through a symlink (Syncthing, Dropbox): saves go to the target.

Replacing the path itself would turn the link into a regular file and leave
the synced target stale.  The write replaces the target in the target's own
folder; the lock and the daily backups live beside the target, so a process
opening the link and one opening the target share one lock.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from coffeechat.storage.errors import DatabaseLockedError
from coffeechat.storage.repository import Repository
from tests.reliability.storage_support import cli, contact_record, database_bytes, stored_names


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """The real file, in a synced folder."""
    folder = tmp_path / "Sync"
    folder.mkdir()
    target = folder / "contacts.json"
    target.write_bytes(database_bytes({"1": contact_record("Ada Lovelace", 1)}))
    return target


@pytest.fixture
def link(tmp_path: Path, synced: Path) -> Path:
    """Where coffeechat looks: a symlink to the synced file (a relative one, as ln -s makes)."""
    data = tmp_path / "data"
    data.mkdir()
    path = data / "contacts.json"
    path.symlink_to(os.path.relpath(synced, data))
    return path


def test_a_save_through_the_link_writes_the_target_and_keeps_the_link(
    link: Path, synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, link, "add", "Grace Hopper").code == 0
    assert cli(capsys, link, "advance", "Ada").code == 0

    assert link.is_symlink()
    assert link.resolve() == synced.resolve()
    assert stored_names(synced) == ["Ada Lovelace", "Grace Hopper"]
    assert stat.S_IMODE(synced.stat().st_mode) == 0o600
    # the lock and the backups are beside the real file, nothing is beside the link
    assert sorted(p.name for p in link.parent.iterdir()) == ["contacts.json"]
    assert (synced.parent / "contacts.json.lock").is_file()
    [backup] = (synced.parent / "backups").iterdir()
    assert [c["name"] for c in json.loads(backup.read_bytes())["contacts"].values()] == [
        "Ada Lovelace"
    ]
    assert [p.name for p in synced.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_the_link_and_the_target_share_one_lock(link: Path, synced: Path) -> None:
    via_link = Repository(link)
    via_target = Repository(synced)
    blocked = Repository(synced)
    blocked._storage._lock_timeout = 0.05
    with via_link._storage.transaction(), pytest.raises(DatabaseLockedError):
        blocked.add({"name": "Blocked"}, via_link.contacts()[0].created_at)
    added = via_target.add({"name": "Grace Hopper"}, via_link.contacts()[0].created_at)

    assert via_link.refresh() is True
    assert [c.name for c in via_link.contacts()] == ["Ada Lovelace", added.name]


def test_a_link_to_a_file_not_there_yet_creates_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "Sync" / "contacts.json"
    target.parent.mkdir()
    link = tmp_path / "contacts.json"
    link.symlink_to(target)

    assert cli(capsys, link, "add", "Grace Hopper").code == 0

    assert link.is_symlink()
    assert stored_names(target) == ["Grace Hopper"]


def test_a_migration_backup_goes_beside_the_target(link: Path, synced: Path) -> None:
    old = json.loads(synced.read_bytes())
    old["meta"]["1"]["schema"] = 2
    for record in old["contacts"].values():
        for event in record["events"]:
            event.pop("data")
    synced.write_text(json.dumps(old))

    Repository(link)

    assert link.is_symlink()
    assert (synced.parent / "contacts.json.schema-2.bak").is_file()
    assert json.loads(synced.read_bytes())["meta"]["1"]["schema"] > 2
