"""The journal: a save is one synced line; readers replay it; nothing acknowledged is lost."""

from __future__ import annotations

import errno
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.domain.model import ArchiveReason
from coffeechat.domain.stages import Stage
from coffeechat.storage import journal
from coffeechat.storage.atomic import AtomicJSONStorage, serialise
from coffeechat.storage.errors import CorruptDatabaseError, DatabaseWriteError
from coffeechat.storage.repository import Repository

NOW = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)


def journaled(db: Path) -> Repository:
    return Repository(db, journal=True)


def names(repo: Repository) -> list[str]:
    return sorted(c.name for c in repo.contacts(include_archived=True))


def stages(repo: Repository) -> dict[str, Stage]:
    return {c.name: c.stage for c in repo.contacts(include_archived=True)}


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + journal.SUFFIX)


def lines(db: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in journal_of(db).read_bytes().splitlines()]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "contacts.json"
    Repository(path).add({"name": "Ada"}, NOW)
    return path


def test_a_change_is_one_synced_line_and_the_file_waits_for_compaction(db: Path) -> None:
    before = db.read_bytes()
    repo = journaled(db)
    ada = repo.contacts()[0]

    repo.advance(ada.id, NOW + timedelta(hours=1))
    repo.add({"name": "Grace"}, NOW + timedelta(hours=2))

    assert db.read_bytes() == before
    written = lines(db)
    assert written[0]["coffeechat-journal"] == journal.FORMAT
    assert len(written) == 3  # the header, then one line per change
    assert stat.S_IMODE(journal_of(db).stat().st_mode) == 0o600
    # Any reader (a CLI, a second window) replays it.
    assert stages(Repository(db)) == {"Ada": Stage.REQUESTED, "Grace": Stage.IDENTIFIED}
    assert repo.pending == 2


def test_compaction_writes_what_a_direct_save_would_have_and_removes_the_journal(
    tmp_path: Path,
) -> None:
    direct, logged = tmp_path / "direct.json", tmp_path / "logged.json"
    ids = iter(f"{n:032x}" for n in range(100))
    ids2 = iter(f"{n:032x}" for n in range(100))
    plain = Repository(direct, id_factory=lambda: next(ids))
    repo = Repository(logged, id_factory=lambda: next(ids2), journal=True)
    for target in (plain, repo):
        ada = target.add({"name": "Ada", "company": "Analytical"}, NOW)
        target.advance(ada.id, NOW + timedelta(hours=1))
        target.archive(ada.id, ArchiveReason.DECLINED, NOW + timedelta(hours=2))

    assert repo.compact() is True
    assert not journal_of(logged).exists()
    assert logged.read_bytes() == direct.read_bytes()
    assert repo.pending == 0
    assert repo.compact() is False  # nothing left to fold


def test_a_line_cut_off_at_the_end_is_ignored_and_cut_by_the_next_writer(db: Path) -> None:
    repo = journaled(db)
    ada = repo.contacts()[0]
    repo.advance(ada.id, NOW + timedelta(hours=1))
    good = journal_of(db).read_bytes()
    # A writer killed mid-write: half a line, no newline.
    cut = journal.change_line([("contacts", "9", {"id": "x", "name": "Half"})])[:-20]
    with journal_of(db).open("ab") as handle:
        handle.write(cut)

    reader = Repository(db)
    assert names(reader) == ["Ada"]
    assert stages(reader) == {"Ada": Stage.REQUESTED}

    other = journaled(db)
    other.add({"name": "Grace"}, NOW + timedelta(hours=2))
    after = journal_of(db).read_bytes()
    assert after.startswith(good)
    assert b"Half" not in after
    assert after.endswith(b"\n")
    assert names(Repository(db)) == ["Ada", "Grace"]


def test_a_header_cut_off_is_an_empty_journal_started_afresh(db: Path) -> None:
    journal_of(db).write_bytes(b'{"coffeechat-jour')
    assert names(Repository(db)) == ["Ada"]
    repo = journaled(db)
    repo.add({"name": "Grace"}, NOW)
    assert lines(db)[0]["coffeechat-journal"] == journal.FORMAT
    assert names(Repository(db)) == ["Ada", "Grace"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a header\n", "line 1 is not a coffeechat journal header"),
        (b'{"coffeechat-journal": 99, "base": [1, 2, 3]}\n', "journal format 99"),
        (b'{"coffeechat-journal": 1, "base": "x"}\n', "does not say which file"),
        ("HEADER\n{bad json}\n", "line 2 is not JSON"),
        ('HEADER\n{"puts": []}\n', "line 2 is not a saved change"),
        ('HEADER\n{"puts": [["contacts", "01", {}]]}\n', "line 2 holds a record"),
        ('HEADER\n{"puts": [["contacts", "1", "x"]]}\n', "line 2 holds a record"),
        ('HEADER\n[1]\n{"puts": [["meta", "1", {}]]}\n', "line 2 is not a saved change"),
    ],
)
def test_a_journal_coffeechat_did_not_write_is_refused_and_nothing_is_written(
    db: Path, content: bytes | str, problem: str
) -> None:
    if isinstance(content, str):
        st = db.stat()
        header = journal.header((st.st_ino, st.st_size, st.st_mtime_ns)).decode()
        content = content.replace("HEADER\n", header).encode()
    journal_of(db).write_bytes(content)
    files = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}

    with pytest.raises(CorruptDatabaseError) as raised:
        Repository(db).contacts()
    assert problem in str(raised.value)
    assert str(journal_of(db)) in str(raised.value)
    with pytest.raises(CorruptDatabaseError):
        journaled(db).add({"name": "Grace"}, NOW)
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == files


def test_a_symlink_planted_at_the_journal_is_refused_not_followed(db: Path) -> None:
    elsewhere = db.parent / "elsewhere"
    journal_of(db).symlink_to(elsewhere)
    with pytest.raises(CorruptDatabaseError, match="symlink"):
        journaled(db).add({"name": "Grace"}, NOW)
    assert not elsewhere.exists()


def test_replaying_twice_changes_nothing_a_compaction_cut_off_after_the_file(db: Path) -> None:
    repo = journaled(db)
    ada = repo.contacts()[0]
    repo.advance(ada.id, NOW + timedelta(hours=1))
    repo.add({"name": "Grace"}, NOW + timedelta(hours=2))
    left = journal_of(db).read_bytes()
    repo.compact()
    folded = db.read_bytes()
    # Killed between writing the file and removing the journal: both are there.
    journal_of(db).write_bytes(left)

    assert stages(Repository(db)) == {"Ada": Stage.REQUESTED, "Grace": Stage.IDENTIFIED}
    writer = journaled(db)
    writer.add({"name": "Hedy"}, NOW + timedelta(hours=3))
    # The stale journal was removed under the lock (all of it was in the file);
    # no copy of the file was kept as "replaced".
    assert lines(db)[0]["base"] != json.loads(left.splitlines()[0])["base"]
    assert len(lines(db)) == 2
    assert db.read_bytes() == folded
    assert not list(db.parent.glob("*.replaced-*"))
    assert names(Repository(db)) == ["Ada", "Grace", "Hedy"]


def test_a_file_replaced_while_changes_waited_keeps_both_sides(db: Path) -> None:
    repo = journaled(db)
    ada = repo.contacts()[0]
    repo.advance(ada.id, NOW + timedelta(hours=1))
    # Meanwhile a sync tool puts another version of the file in place: Ada as
    # she was, plus Linus added on another machine.
    other = Repository(db.parent / "other.json")
    other_data = json.loads(db.read_bytes())
    linus = other.add({"name": "Linus"}, NOW)
    other_data["contacts"]["2"] = json.loads((db.parent / "other.json").read_bytes())["contacts"][
        "1"
    ]
    assert other_data["contacts"]["2"]["id"] == linus.id
    replaced = serialise(other_data)
    tmp = db.with_name("incoming")
    tmp.write_bytes(replaced)
    os.replace(tmp, db)

    reader = journaled(db)
    assert stages(reader) == {"Ada": Stage.REQUESTED, "Linus": Stage.IDENTIFIED}
    assert any("replaced while they waited" in said for said in reader.notices())
    reader.compact()
    kept = list(db.parent.glob("contacts.json.replaced-*.bak"))
    assert [path.read_bytes() for path in kept] == [replaced]
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert stages(Repository(db)) == {"Ada": Stage.REQUESTED, "Linus": Stage.IDENTIFIED}


def test_a_journal_whose_file_was_deleted_is_kept_aside_never_replayed_into_a_new_one(
    db: Path,
) -> None:
    repo = journaled(db)
    repo.add({"name": "Grace"}, NOW)
    left = journal_of(db).read_bytes()
    db.unlink()

    fresh = journaled(db)
    fresh.add({"name": "Hedy"}, NOW)

    assert names(Repository(db)) == ["Hedy"]
    assert journal_of(db).with_name("contacts.json.journal-1.bak").read_bytes() == left


def test_a_full_disk_mid_append_keeps_nothing_and_cuts_the_line_back(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = journaled(db)
    ada = repo.contacts()[0]
    repo.advance(ada.id, NOW + timedelta(hours=1))
    good = journal_of(db).read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdatasync", full)
    with pytest.raises(DatabaseWriteError, match="the disk is full"):
        repo.add({"name": "Grace"}, NOW)
    monkeypatch.undo()

    assert journal_of(db).read_bytes() == good
    assert names(repo) == ["Ada"]
    assert names(Repository(db)) == ["Ada"]
    repo.add({"name": "Hedy"}, NOW)
    assert names(Repository(db)) == ["Ada", "Hedy"]


def test_a_read_only_file_is_not_journaled_over(db: Path) -> None:
    db.chmod(0o400)
    try:
        with pytest.raises(DatabaseWriteError, match="read-only"):
            journaled(db).add({"name": "Grace"}, NOW)
        assert not journal_of(db).exists()
    finally:
        db.chmod(0o600)


def test_another_windows_lines_are_read_alone_not_the_whole_file(db: Path) -> None:
    mine, theirs = journaled(db), journaled(db)
    theirs.add({"name": "Grace"}, NOW)  # starts the journal
    assert names(mine) == ["Ada", "Grace"]
    before = {c.name: c for c in mine.contacts()}

    grace = next(c for c in theirs.contacts() if c.name == "Grace")
    theirs.advance(grace.id, NOW + timedelta(hours=1))

    assert mine.refresh() is True
    after = {c.name: c for c in mine.contacts()}
    assert after["Ada"] is before["Ada"]  # not parsed again
    assert after["Grace"].stage is Stage.REQUESTED
    mine.add({"name": "Hedy"}, NOW)
    assert names(theirs) == ["Ada", "Grace", "Hedy"]


def test_the_journal_is_one_of_the_databases_own_files(db: Path) -> None:
    repo = journaled(db)
    repo.add({"name": "Grace"}, NOW)
    assert repo.refusal_to_write(journal_of(db)) is not None
    assert repo.refusal_to_write(db.with_name("contacts.json.replaced-1.bak")) is not None


def test_the_daily_backup_is_taken_when_the_file_is_first_rewritten(db: Path) -> None:
    before = db.read_bytes()
    day = NOW.date() + timedelta(days=400)
    repo = Repository(db, journal=True, today=lambda: day)
    repo.add({"name": "Grace"}, NOW)
    backup = AtomicJSONStorage(db).backup_dir / f"contacts-{day:%Y-%m-%d}.json"
    assert not backup.exists()
    repo.compact()
    assert backup.read_bytes() == before


def test_a_reader_opens_the_journal_before_the_file(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order that makes a compaction between the two opens harmless.

    Opened journal-first, a compaction in between gives the old journal and
    the new file, which holds all of it; file-first would give the old file
    and no journal — every change in it missing from what the reader shows.
    """
    journaled(db).add({"name": "Grace"}, NOW)
    opened: list[str] = []
    real_open = os.open

    def watching(path: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
        opened.append(os.fspath(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", watching)
    assert names(Repository(db)) == ["Ada", "Grace"]
    monkeypatch.undo()
    reads = [path for path in opened if path in (str(db), str(journal_of(db)))]
    assert reads[:2] == [str(journal_of(db)), str(db)]


def test_the_cli_says_when_a_journal_was_put_onto_a_replaced_file(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.reliability.storage_support import cli

    repo = journaled(db)
    repo.advance(repo.contacts()[0].id, NOW + timedelta(hours=1))
    old = db.read_bytes()
    tmp = db.with_name("incoming")
    tmp.write_bytes(old.replace(b'"name": "Ada"', b'"name": "Ada L."'))
    os.replace(tmp, db)

    listed = cli(capsys, db, "list")
    assert listed.code == 0
    assert "Ada" in listed.out
    assert listed.err.count("\n") == 1
    assert "replaced while they waited" in listed.err


def test_a_first_line_that_failed_leaves_a_journal_the_next_save_starts_afresh(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = journaled(db)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdatasync", full)
    with pytest.raises(DatabaseWriteError):
        repo.add({"name": "Grace"}, NOW)
    monkeypatch.undo()
    assert journal_of(db).read_bytes() == b""  # cut back to nothing

    repo.add({"name": "Hedy"}, NOW)
    journaled(db).add({"name": "Linus"}, NOW)
    assert names(Repository(db)) == ["Ada", "Hedy", "Linus"]


def test_a_fold_that_fails_when_the_journal_is_full_still_keeps_the_change(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "COMPACT_AT_BYTES", 1)
    repo = journaled(db)
    db.chmod(0o400)  # appending is refused too (read-only means hands off)...
    try:
        with pytest.raises(DatabaseWriteError):
            repo.add({"name": "Grace"}, NOW)
    finally:
        db.chmod(0o600)

    def no_rename(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", no_rename)  # ...but a fold failing on its own is not
    grace = repo.add({"name": "Grace"}, NOW)
    monkeypatch.undo()
    assert grace.name == "Grace"
    assert names(Repository(db)) == ["Ada", "Grace"]


def test_folding_the_journal_keeps_the_contacts_already_read(db: Path) -> None:
    repo = journaled(db)
    repo.add({"name": "Grace"}, NOW)
    before = {c.id: c for c in repo.contacts()}
    assert repo.compact() is True
    # The same objects: a fold changes the file, not what it says, so the
    # 10,000 contacts are not parsed again after every idle fold.
    assert all(before[c.id] is c for c in repo.contacts())
