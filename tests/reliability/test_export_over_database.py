"""``export … -o`` never writes over the database or any of its own files.

It used to replace the database with the export, exit 0.  Every export
format is refused, with one sentence, for the database by any route (a
symlink, a hard link, a relative path), its lock, its daily and migration
backups and its temp files; nothing beside the database changes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from coffeechat.transfer import EXPORT_FORMATS
from tests.reliability.storage_support import cli, stored_names

KINDS = sorted(EXPORT_FORMATS)


def snapshot(folder: Path) -> dict[str, tuple[bool, bytes | None]]:
    return {
        str(p.relative_to(folder)): (p.is_symlink(), None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if not p.is_symlink() or p.exists()
    }


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A database with two contacts, a lock, a daily backup and a migration backup."""
    path = tmp_path / "data" / "contacts.json"
    assert cli(capsys, path, "add", "Ada Lovelace").code == 0
    assert cli(capsys, path, "add", "Grace Hopper").code == 0
    (path.parent / "contacts.json.schema-2.bak").write_bytes(path.read_bytes())
    return path


def the_database(db: Path) -> Path:
    return db


def through_a_symlink(db: Path) -> Path:
    link = db.parent.parent / "link.json"
    link.symlink_to(db)
    return link


def through_a_hard_link(db: Path) -> Path:
    other = db.parent.parent / "hard.json"
    os.link(db, other)
    return other


def through_dot_dot(db: Path) -> Path:
    return db.parent / ".." / db.parent.name / db.name


def the_lock(db: Path) -> Path:
    return db.with_name("contacts.json.lock")


def the_daily_backup(db: Path) -> Path:
    [backup] = (db.parent / "backups").iterdir()
    return backup


def a_new_file_in_the_backups_folder(db: Path) -> Path:
    return db.parent / "backups" / "contacts-2099-01-01.json"


def the_migration_backup(db: Path) -> Path:
    return db.with_name("contacts.json.schema-2.bak")


def a_temp_name(db: Path) -> Path:
    return db.with_name(".contacts.json.abc123.tmp")


ROUTES: dict[str, Callable[[Path], Path]] = {
    f.__name__: f
    for f in (
        the_database,
        through_a_symlink,
        through_a_hard_link,
        through_dot_dot,
        the_lock,
        the_daily_backup,
        a_new_file_in_the_backups_folder,
        the_migration_backup,
        a_temp_name,
    )
}


@pytest.mark.parametrize("route", ROUTES.values(), ids=ROUTES)
@pytest.mark.parametrize("kind", KINDS)
def test_export_over_the_database_or_its_files_is_refused(
    db: Path, capsys: pytest.CaptureFixture[str], kind: str, route: Callable[[Path], Path]
) -> None:
    output = route(db)
    before = snapshot(db.parent.parent)

    result = cli(capsys, db, "export", kind, "-o", str(output))

    assert result.code == 1
    assert result.out == ""
    [line] = result.err.splitlines()
    assert line.startswith(f"coffeechat: {output} is ")
    assert line.endswith("; choose another file.")
    assert snapshot(db.parent.parent) == before
    assert stored_names(db) == ["Ada Lovelace", "Grace Hopper"]


@pytest.mark.parametrize("kind", KINDS)
def test_export_beside_the_database_still_works(
    db: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    output = db.with_name(f"contacts-export.{kind}")

    result = cli(capsys, db, "export", kind, "-o", str(output))

    assert result.code == 0, result.err
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert stored_names(db) == ["Ada Lovelace", "Grace Hopper"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_literal_tilde_folder_is_checked_as_it_is_written(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """`-o './~/db.json'` from a folder holding a folder named "~": the export writes there.

    The check used to expand "~" to the home folder while the export wrote the
    path as typed, so the database in ./~/ was replaced.
    """
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "~" / "db.json"
    assert cli(capsys, db, "add", "Ada Lovelace").code == 0
    before = db.read_bytes()
    result = cli(capsys, db, "export", kind, "-o", "./~/db.json")
    assert result.code == 1
    assert "the database itself" in result.err
    assert db.read_bytes() == before


def test_a_leading_tilde_in_o_is_home_as_in_db(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--db '~/x.json' export csv -o '~/x.json'`: both mean the same file, so it is refused."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    db = tmp_path / "home" / "x.json"
    assert cli(capsys, db, "add", "Ada Lovelace").code == 0
    before = db.read_bytes()
    result = cli(capsys, db, "export", "csv", "-o", "~/x.json")
    assert result.code == 1
    assert "the database itself" in result.err
    assert db.read_bytes() == before
