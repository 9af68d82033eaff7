"""Attacks on the journal: hostile lines, odd files, full disks, replaced files.

The standard: nothing acknowledged is lost or misfiled; a file coffeechat
did not write gives one clear sentence naming it, never a traceback, and
nothing is written over.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.domain.stages import Stage
from coffeechat.storage import journal
from coffeechat.storage.atomic import serialise
from coffeechat.storage.errors import CorruptDatabaseError, StorageError
from coffeechat.storage.repository import Repository

NOW = datetime(2026, 11, 12, 10, 0, tzinfo=UTC)


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + journal.SUFFIX)


def folder(db: Path) -> dict[str, bytes | None]:
    """Every entry beside the database (a file's bytes; None for anything else)."""
    return {
        p.name: p.read_bytes() if p.is_file() and not p.is_symlink() else None
        for p in sorted(db.parent.iterdir())
    }


def stages(db: Path) -> dict[str, Stage]:
    return {c.name: c.stage for c in Repository(db).contacts(include_archived=True)}


def header_for(db: Path) -> bytes:
    st = db.stat()
    return journal.header((st.st_ino, st.st_size, st.st_mtime_ns))


def replace_file(db: Path, data: dict[str, dict[str, object]]) -> None:
    """Another tool (a sync, a restore) puts a new file in place."""
    incoming = db.with_name("incoming")
    incoming.write_bytes(serialise(data))
    os.replace(incoming, db)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "contacts.json"
    plain = Repository(path)
    plain.add({"name": "Ada"}, NOW)
    plain.add({"name": "Grace"}, NOW)
    return path


def record(db: Path, key: str) -> dict[str, object]:
    stored: dict[str, object] = json.loads(db.read_bytes())["contacts"][key]
    return stored


# -- hostile lines ------------------------------------------------------------


def _line(puts: str) -> bytes:
    return b'{"puts":[' + puts.encode() + b"]}\n"


@pytest.mark.parametrize("by_id", [False, True], ids=["same-base", "other-base"])
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (_line('["contacts","1",{"id":[1]}]'), "line 2"),
        (_line('["contacts","1",{"id":{"a":1}}]'), "line 2"),
        (_line('["contacts","9",{"id":7}]'), "line 2"),
        (b'{"puts":[["contacts","1",{"id":"\x00"}]]}\n', "line 2 is not JSON"),
        (b'{"puts":[["contacts","1",{"name":"\xff"}]]}\n', "line 2 is not JSON"),
        (b"[" * 2000 + b"]" * 2000 + b"\n", "line 2 is not JSON"),
    ],
    ids=["id-list", "id-object", "id-number", "nul", "bad-utf8", "nested"],
)
def test_a_line_coffeechat_did_not_write_is_one_sentence_naming_the_journal_and_line(
    db: Path, by_id: bool, line: bytes, problem: str
) -> None:
    head = journal.header((1, 2, 3)) if by_id else header_for(db)
    journal_of(db).write_bytes(head + line)
    before = folder(db)

    with pytest.raises(CorruptDatabaseError) as raised:
        Repository(db).contacts()
    assert str(journal_of(db)) in str(raised.value)
    assert problem in str(raised.value)
    with pytest.raises(CorruptDatabaseError):
        Repository(db, journal=True).add({"name": "Hedy"}, NOW)
    with pytest.raises(CorruptDatabaseError):
        Repository(db).add({"name": "Hedy"}, NOW)
    assert folder(db) == before


# -- the by-id replay -----------------------------------------------------------


def test_a_journaled_contact_deleted_from_a_replaced_file_is_kept_until_folded(db: Path) -> None:
    """The journal put Ada where no record was: not "already in the file"."""
    repo = Repository(db, journal=True)
    ada = next(c for c in repo.contacts() if c.name == "Ada")
    repo.advance(ada.id, NOW + timedelta(hours=1))
    data = json.loads(db.read_bytes())
    del data["contacts"]["1"]  # a sync brings a file from before Ada, or where she was deleted
    replace_file(db, data)

    assert stages(db) == {"Ada": Stage.REQUESTED, "Grace": Stage.IDENTIFIED}
    repo.add({"name": "Hedy"}, NOW)  # the next save must not drop the journal as redundant
    assert stages(db) == {
        "Ada": Stage.REQUESTED,
        "Grace": Stage.IDENTIFIED,
        "Hedy": Stage.IDENTIFIED,
    }
    # Killed now, before any fold: a fresh window still has everything.
    repo.compact()
    assert stages(db) == {
        "Ada": Stage.REQUESTED,
        "Grace": Stage.IDENTIFIED,
        "Hedy": Stage.IDENTIFIED,
    }


@pytest.mark.parametrize("shape", ["renumbered", "key-taken"])
def test_a_replaced_file_with_other_keys_gets_each_change_on_its_own_contact(
    db: Path, shape: str
) -> None:
    repo = Repository(db, journal=True)
    ada = next(c for c in repo.contacts() if c.name == "Ada")
    repo.advance(ada.id, NOW + timedelta(hours=1))
    data = json.loads(db.read_bytes())
    ada_record, grace_record = data["contacts"]["1"], data["contacts"]["2"]
    if shape == "renumbered":
        data["contacts"] = {"5": grace_record, "9": ada_record}
    else:  # Linus, added elsewhere, now holds the key the journal names for Ada
        linus = {**grace_record, "id": "f" * 32, "name": "Linus"}
        data["contacts"] = {"1": linus, "2": grace_record, "3": ada_record}
    replace_file(db, data)
    expected = {"Ada": Stage.REQUESTED, "Grace": Stage.IDENTIFIED}
    if shape == "key-taken":
        expected["Linus"] = Stage.IDENTIFIED

    assert stages(db) == expected
    repo.advance(ada.id, NOW + timedelta(hours=2))
    expected["Ada"] = Stage.MET
    assert stages(db) == expected
    repo.compact()
    assert stages(db) == expected
    assert not journal_of(db).exists()


def test_a_hand_edited_file_whose_id_is_a_list_is_refused_not_crashed_on_by_id(db: Path) -> None:
    repo = Repository(db, journal=True)
    ada = next(c for c in repo.contacts() if c.name == "Ada")
    repo.advance(ada.id, NOW + timedelta(hours=1))
    data = json.loads(db.read_bytes())
    data["contacts"]["2"]["id"] = ["not", "text"]
    replace_file(db, data)
    before = folder(db)

    with pytest.raises(CorruptDatabaseError, match="record 2 in 'contacts' is malformed"):
        Repository(db).contacts()
    assert folder(db) == before


# -- folding what was never checked -----------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        _line('["contacts","1",{"id":"x"}]'),  # not a contact
        _line('["contacts","7",RECORD1]'),  # Ada again, under another key
        _line('["meta","1",{"schema":"x"}]'),
        _line('["meta","1",{"schema":99}]'),
        _line('["questions","1",{"id":"q"}]'),
    ],
    ids=["not-a-contact", "duplicate-id", "schema-garbage", "schema-newer", "bad-question"],
)
def test_a_bad_line_appended_while_a_window_is_open_is_never_folded_into_the_file(
    db: Path, line: bytes
) -> None:
    """Another process (a sync, a hand edit) appends a line; the window's idle fold runs."""
    window = Repository(db, journal=True)
    window.add({"name": "Hedy"}, NOW)  # acknowledged, in the journal
    with journal_of(db).open("ab") as handle:
        handle.write(line.replace(b"RECORD1", json.dumps(record(db, "1")).encode()))
    before = folder(db)

    with suppress(StorageError):
        window.refresh()  # the app's poll: reads the new line (and may refuse it)...
    with pytest.raises(StorageError) as raised:
        window.compact()  # ...and its fold must refuse it, not write it into the file
    assert str(db) in str(raised.value)
    assert folder(db) == before
    kept = before["contacts.json.journal"]
    assert kept is not None
    journal_of(db).write_bytes(kept[: kept.rindex(b"\n", 0, -1) + 1])  # the bad line goes
    assert "Hedy" in stages(db)


async def test_the_app_says_so_and_keeps_the_file_when_a_bad_line_arrives(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coffeechat.domain.clock import frozen_clock
    from coffeechat.ui import app as app_module
    from coffeechat.ui.app import make_app

    monkeypatch.setattr(app_module, "COMPACT_AFTER_IDLE_SECONDS", 0.0)
    repo = Repository(db, journal=True)
    app = make_app(repo, frozen_clock(NOW + timedelta(days=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")  # Ada (the first card) asked: acknowledged, in the journal
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert stages(db)["Ada"] is Stage.REQUESTED
        with journal_of(db).open("ab") as handle:
            handle.write(_line('["contacts","1",{"id":"x"}]'))
        before = folder(db)

        for _ in range(3):  # the 1-second poll, idle: it would fold
            app.check_for_outside_changes()
            await app.workers.wait_for_complete()
            await pilot.pause()

        said = [str(toast.message) for toast in app.toasts]
        problems = [s for s in said if str(db) in s]
        assert len(problems) == 1, said  # said once, not again by every poll or fold
        assert problems[0].endswith(".")
        assert folder(db) == before


# -- values coffeechat cannot write back --------------------------------------------


def test_a_value_nested_deeper_than_coffeechat_writes_is_refused_not_crashed_on(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """orjson reads 1024 levels but writes 255: the save would crash with TypeError."""
    from tests.reliability.storage_support import cli

    meta = json.loads(db.read_bytes())["meta"]["1"]
    deep = b"[" * 300 + b"]" * 300
    line = _line('["meta","1",' + json.dumps({**meta, "note": "DEEP"}) + "]")
    journal_of(db).write_bytes(header_for(db) + line.replace(b'"DEEP"', deep))
    before = folder(db)

    added = cli(capsys, db, "add", "Hedy")
    assert added.code == 1
    assert added.err.count("\n") == 1
    assert str(db) in added.err
    with pytest.raises(StorageError):
        Repository(db, journal=True).compact()
    assert folder(db) == before


# -- odd files at the journal's name --------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"HEADER"], ids=["empty", "started"])
def test_a_journal_hard_linked_to_another_file_is_never_written_into(
    db: Path, content: bytes
) -> None:
    """A link (planted, or a `cp -al` backup) would get every change appended to it too."""
    other = db.parent.parent / "notes.txt"
    other.write_bytes(content.replace(b"HEADER", header_for(db)))
    os.link(other, journal_of(db))
    kept = other.read_bytes()

    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    repo.add({"name": "Linus"}, NOW)

    assert other.read_bytes() == kept
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}
    repo.compact()
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}
    assert other.read_bytes() == kept


def test_a_journal_linked_while_the_window_is_open_is_not_written_into(db: Path) -> None:
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    other = db.parent.parent / "snapshot.journal"
    os.link(journal_of(db), other)
    kept = other.read_bytes()

    repo.add({"name": "Linus"}, NOW)

    assert other.read_bytes() == kept
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}


def test_a_read_only_journal_is_not_appended_to(db: Path) -> None:
    """Read-only means hands off, as for the file (checked by mode bits: root may write)."""
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    journal_of(db).chmod(0o400)
    kept = journal_of(db).read_bytes()
    try:
        with pytest.raises(StorageError, match="read-only") as raised:
            repo.add({"name": "Linus"}, NOW)
        assert str(journal_of(db)) in str(raised.value)
        assert journal_of(db).read_bytes() == kept
        assert set(stages(db)) == {"Ada", "Grace", "Hedy"}
    finally:
        journal_of(db).chmod(0o600)
    repo.add({"name": "Linus"}, NOW)
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}


def test_an_unreadable_journal_is_one_sentence_and_nothing_is_written(db: Path) -> None:
    Repository(db, journal=True).add({"name": "Hedy"}, NOW)
    journal_of(db).chmod(0o000)
    before = folder(db)
    try:
        with pytest.raises(StorageError, match="permission denied") as raised:
            Repository(db).contacts()
        assert str(journal_of(db)) in str(raised.value)
        with pytest.raises(StorageError):
            Repository(db, journal=True).add({"name": "Linus"}, NOW)
        with pytest.raises(StorageError):
            Repository(db).add({"name": "Linus"}, NOW)
        assert folder(db) == before
    finally:
        journal_of(db).chmod(0o600)


# -- the CLI against every broken journal ------------------------------------------------


def _plant(db: Path, kind: str) -> None:
    path = journal_of(db)
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        path.symlink_to(db.parent / "nowhere")
    elif kind == "not-a-header":
        path.write_bytes(b"hello\n")
    elif kind == "bad-json":
        path.write_bytes(header_for(db) + b"{oops\n")
    elif kind == "not-a-contact":
        path.write_bytes(header_for(db) + _line('["contacts","1",{"id":"x"}]'))
    elif kind == "id-list":
        path.write_bytes(journal.header((1, 2, 3)) + _line('["contacts","1",{"id":[1]}]'))
    elif kind == "schema-garbage":
        path.write_bytes(header_for(db) + _line('["meta","1",{"schema":"x"}]'))


@pytest.mark.parametrize(
    "command",
    [["list"], ["due"], ["add", "Hedy"], ["advance", "Ada"], ["export", "json"]],
    ids=lambda argv: argv[0],
)
@pytest.mark.parametrize(
    "kind",
    [
        "directory",
        "fifo",
        "symlink",
        "not-a-header",
        "bad-json",
        "not-a-contact",
        "id-list",
        "schema-garbage",
    ],
)
def test_the_cli_on_a_broken_journal_says_one_line_and_writes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], kind: str, command: list[str]
) -> None:
    from tests.reliability.storage_support import cli

    _plant(db, kind)
    before = folder(db)
    result = cli(capsys, db, *command)
    assert result.code == 1, result
    assert result.err.count("\n") == 1, result.err
    assert str(db) in result.err
    assert result.out == ""
    assert folder(db) == before


def test_list_into_a_reader_that_leaves_early_with_a_journal_present(tmp_path: Path) -> None:
    """`coffeechat list | head -1` while the journal holds changes, and a notice to print."""
    import subprocess
    import sys

    from coffeechat.domain import pipeline

    db = tmp_path / "data" / "contacts.json"
    Repository(db).insert_many(
        [
            pipeline.new_contact({"name": f"Person {n:05d}"}, NOW, f"c{n:031x}", f"e{n:031x}")
            for n in range(1, 4001)
        ]
    )
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    data = json.loads(db.read_bytes())
    data["contacts"]["1"]["name"] = "Person renamed elsewhere"
    replace_file(db, data)  # so the journal is replayed by id, and a notice is printed
    before = folder(db)

    run = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m coffeechat --db "{db}" list 2>"{tmp_path}/err"'
         ' | head -1; echo "${PIPESTATUS[0]}"'],
        capture_output=True, text=True, timeout=60, check=True,
        env={**os.environ, "COFFEECHAT_NOW": "2026-11-22T10:00:00+00:00"},
    )  # fmt: skip
    first, status = run.stdout.splitlines()
    err = (tmp_path / "err").read_text()
    assert "NAME" in first
    assert status == "0", err
    assert "Traceback" not in err
    assert "Exception ignored" not in err
    assert folder(db) == before


# -- the journal removed under a window --------------------------------------------------


def test_a_journal_removed_by_something_else_loses_nothing_the_window_saved(db: Path) -> None:
    """A cleaner or a sync that does not know the file deletes it while changes wait."""
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)  # acknowledged: in the journal only
    journal_of(db).unlink()

    repo.refresh()
    assert {c.name for c in repo.contacts()} == {"Ada", "Grace", "Hedy"}
    said = repo.notices()
    assert len(said) == 1, said
    assert str(journal_of(db)) in said[0]
    assert "the change saved in it is kept" in said[0]
    assert repo.pending == 1
    repo.add({"name": "Linus"}, NOW)  # the next save writes everything into the file
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}
    repo.compact()
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}


def test_a_journal_removed_then_the_idle_fold_writes_what_it_held(db: Path) -> None:
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    journal_of(db).unlink()
    repo.refresh()
    assert repo.compact() is True
    assert set(stages(db)) == {"Ada", "Grace", "Hedy"}
    assert repo.pending == 0


async def test_the_app_keeps_and_writes_changes_whose_journal_was_removed(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coffeechat.domain.clock import frozen_clock
    from coffeechat.ui import app as app_module
    from coffeechat.ui.app import make_app

    app = make_app(Repository(db, journal=True), frozen_clock(NOW + timedelta(days=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")  # Ada asked: acknowledged, in the journal
        await pilot.pause()
        await app.workers.wait_for_complete()
        journal_of(db).unlink()

        monkeypatch.setattr(app_module, "COMPACT_AFTER_IDLE_SECONDS", 0.0)
        app.check_for_outside_changes()
        await app.workers.wait_for_complete()
        await pilot.pause()

        said = [str(toast.message) for toast in app.toasts]
        assert any(str(journal_of(db)) in s for s in said), said
        assert stages(db)["Ada"] is Stage.REQUESTED


# -- a full disk at every step -------------------------------------------------------


def _failing(monkeypatch: pytest.MonkeyPatch, name: str, nth: int = 1) -> None:
    """Make the ``nth`` call of ``os.<name>`` from now on fail as a full disk would."""
    real = getattr(os, name)
    calls = [0]

    def fake(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] == nth:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, fake)


@pytest.mark.parametrize("first", [True, False], ids=["new-journal", "later-line"])
@pytest.mark.parametrize("step", ["pwrite", "fdatasync", "fsync"])
def test_a_full_disk_at_any_step_of_an_append_keeps_what_was_acknowledged(
    db: Path, monkeypatch: pytest.MonkeyPatch, step: str, first: bool
) -> None:
    repo = Repository(db, journal=True)
    if not first:
        repo.add({"name": "Hedy"}, NOW)
    acknowledged = set(stages(db))
    _failing(monkeypatch, step)
    said = ""
    try:
        repo.add({"name": "Linus"}, NOW)
    except StorageError as error:
        said = str(error)
    else:
        acknowledged.add("Linus")  # this step was not on the way (fsync of the folder)
    monkeypatch.undo()
    assert not said or "the disk is full" in said

    assert set(stages(db)) == acknowledged
    assert {c.name for c in repo.contacts()} == acknowledged
    assert journal_of(db).read_bytes().endswith(b"\n") or not journal_of(db).read_bytes()
    repo.add({"name": "Barbara"}, NOW)
    assert set(stages(db)) == acknowledged | {"Barbara"}
    assert repo.compact() is True
    assert set(stages(db)) == acknowledged | {"Barbara"}
    assert not [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("step", "nth"),
    [
        *[("write", 1), ("write", 2), ("fsync", 1), ("fsync", 2), ("fsync", 3)],
        *[("replace", 1), ("replace", 2), ("unlink", 1), ("open", 1), ("open", 2)],
    ],
)
def test_a_full_disk_at_any_step_of_a_fold_loses_nothing_and_leaves_no_half_file(
    db: Path, monkeypatch: pytest.MonkeyPatch, step: str, nth: int
) -> None:
    later = NOW.date() + timedelta(days=30)  # so the fold takes a daily backup too
    repo = Repository(db, journal=True, today=lambda: later)
    repo.add({"name": "Hedy"}, NOW)
    _failing(monkeypatch, step, nth)
    said = str(db)
    try:
        repo.compact()
    except StorageError as error:
        said = str(error)
    monkeypatch.undo()
    assert str(db) in said

    assert set(stages(db)) == {"Ada", "Grace", "Hedy"}
    json.loads(db.read_bytes())  # whole, whatever happened
    assert not [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]
    repo.add({"name": "Linus"}, NOW)
    repo.compact()
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}
    assert not journal_of(db).exists()


def test_a_save_reported_failed_is_not_in_the_journal(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anything failing after the line is synced must not say "Nothing was changed"."""
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    real_sync, real_fstat = os.fdatasync, os.fstat
    synced = [False]

    def sync(fd: int) -> None:
        real_sync(fd)
        synced[0] = True

    def fstat(fd: int) -> os.stat_result:
        if synced[0]:
            raise OSError(5, "Input/output error")
        return real_fstat(fd)

    monkeypatch.setattr(os, "fdatasync", sync)
    monkeypatch.setattr(os, "fstat", fstat)
    try:
        repo.add({"name": "Linus"}, NOW)
        reported_saved = True
    except StorageError:
        reported_saved = False
    monkeypatch.undo()
    assert ("Linus" in stages(db)) == reported_saved


# -- the journal replaced or cut short under a window ----------------------------------


@pytest.mark.parametrize("how", ["older-copy", "cut-short", "another-journal"])
def test_a_journal_put_back_or_cut_short_keeps_the_windows_saved_changes(
    db: Path, how: str
) -> None:
    """A sync restores an older journal, or an editor saves it without its last line."""
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    older = journal_of(db).read_bytes()
    repo.add({"name": "Linus"}, NOW)  # acknowledged
    if how == "older-copy":
        incoming = db.with_name("incoming")
        incoming.write_bytes(older)
        os.replace(incoming, journal_of(db))
    elif how == "cut-short":
        with journal_of(db).open("r+b") as handle:
            handle.truncate(len(older))
    else:  # a journal begun on the same file by another machine, synced over this one
        incoming = db.with_name("incoming")
        other = json.loads(older.splitlines()[1])["puts"][0]
        other[2] = {**other[2], "id": "f" * 32, "name": "Barbara"}
        incoming.write_bytes(header_for(db) + journal.change_line([tuple(other)]))
        os.replace(incoming, journal_of(db))

    repo.refresh()
    shown = {c.name for c in repo.contacts()}
    assert {"Hedy", "Linus"} <= shown
    said = repo.notices()
    assert any(str(journal_of(db)) in s for s in said), said
    repo.add({"name": "Grace Hopper"}, NOW)  # the next save writes everything into the file
    assert {"Hedy", "Linus", "Grace Hopper"} <= set(stages(db))
    repo.compact()
    assert set(stages(db)) == shown | {"Grace Hopper"}


def test_a_journal_copied_over_itself_is_read_again_without_a_word(db: Path) -> None:
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    incoming = db.with_name("incoming")
    incoming.write_bytes(journal_of(db).read_bytes())
    os.replace(incoming, journal_of(db))  # a sync that rewrites what it copies

    repo.refresh()
    assert {c.name for c in repo.contacts()} == {"Ada", "Grace", "Hedy"}
    assert repo.notices() == []
    repo.add({"name": "Linus"}, NOW)
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}


def test_a_window_whose_change_another_window_folded_and_changed_again_is_not_rolled_back(
    db: Path,
) -> None:
    mine, theirs = Repository(db, journal=True), Repository(db, journal=True)
    ada = next(c for c in mine.contacts() if c.name == "Ada")
    mine.advance(ada.id, NOW + timedelta(hours=1))
    theirs.advance(ada.id, NOW + timedelta(hours=2))
    theirs.compact()  # the file now holds both; the journal is gone
    mine.refresh()
    assert mine.get(ada.id).stage is Stage.MET
    assert mine.notices() == []


# -- the sentence names the journal's line, not the file, when the line is at fault ------------


@pytest.mark.parametrize(
    ("puts", "problem"),
    [
        ('["contacts","1",{"id":"x"}]', "is malformed"),
        ('["contacts","7",RECORD1]', "both contact"),
        ('["questions","1",{"id":"q"}]', "is malformed"),
    ],
    ids=["not-a-contact", "duplicate-id", "bad-question"],
)
@pytest.mark.parametrize("when", ["at-open", "appended-later"])
def test_a_bad_record_from_the_journal_is_blamed_on_its_line(
    db: Path, puts: str, problem: str, when: str
) -> None:
    line = _line(puts).replace(b"RECORD1", json.dumps(record(db, "1")).encode())
    window = Repository(db, journal=True)
    window.add({"name": "Hedy"}, NOW)  # line 2
    window.questions()
    with journal_of(db).open("ab") as handle:
        handle.write(line)  # line 3

    def read_everything() -> None:
        reader = window if when == "appended-later" else Repository(db)
        reader.contacts()
        reader.questions()

    with pytest.raises(CorruptDatabaseError) as raised:
        read_everything()
    said = str(raised.value)
    assert f"line 3 of its journal {journal_of(db)}" in said
    assert problem in said
    assert "move the journal away" in said
    assert "backup" not in said  # the file is fine: putting a backup over it would lose Hedy


# -- keys and bases at the edges -------------------------------------------------------


def test_a_journal_key_too_long_to_be_a_number_is_refused(db: Path) -> None:
    """Python will not turn 4,300 digits into an int: that was a ValueError crash."""
    zed = {**record(db, "1"), "id": "f" * 32, "name": "Zed"}
    line = journal.change_line([("contacts", "1" * 5000, zed)])
    journal_of(db).write_bytes(header_for(db) + line)
    before = folder(db)
    with pytest.raises(CorruptDatabaseError, match="line 2 holds a record"):
        Repository(db).contacts()
    with pytest.raises(CorruptDatabaseError):
        Repository(db, journal=True).add({"name": "Hedy"}, NOW)
    assert folder(db) == before


@pytest.mark.parametrize(
    "key",
    ["1" * 5000, "0" * 5000 + "7", "9" * 19],
    ids=["5000-digits", "zeros-then-7", "19-digits"],
)
def test_a_file_key_too_long_to_be_a_number_is_renumbered_not_crashed_on(
    db: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    from tests.reliability.storage_support import cli

    data = json.loads(db.read_bytes())
    data["contacts"][key] = {**record(db, "1"), "id": "f" * 32, "name": "Zed"}
    db.write_bytes(serialise(data))
    listed = cli(capsys, db, "list")
    assert listed.code == 0, listed.err
    assert "Zed" in listed.out
    repo = Repository(db, journal=True)
    repo.add({"name": "Hedy"}, NOW)
    repo.compact()
    assert set(stages(db)) == {"Ada", "Grace", "Zed", "Hedy"}


@pytest.mark.parametrize("base", [(-1, -1, -1), (0, 0, 0), (2**62, 2**62, 2**62)])
def test_a_header_base_no_file_has_replays_by_id(db: Path, base: tuple[int, int, int]) -> None:
    hedy = {**record(db, "1"), "id": "f" * 32, "name": "Hedy"}
    line = journal.change_line([("contacts", "1", hedy)])
    journal_of(db).write_bytes(journal.header(base) + line)
    assert set(stages(db)) == {"Ada", "Grace", "Hedy"}  # Hedy does not take Ada's key
    repo = Repository(db, journal=True)
    repo.add({"name": "Linus"}, NOW)
    repo.compact()
    assert set(stages(db)) == {"Ada", "Grace", "Hedy", "Linus"}


# -- the TUI while others fold, or the journal is made read-only ---------------------------


async def test_the_app_loses_nothing_when_another_window_folds_between_its_saves(
    db: Path,
) -> None:
    from coffeechat.domain.clock import frozen_clock
    from coffeechat.ui.app import make_app

    app = make_app(Repository(db, journal=True), frozen_clock(NOW + timedelta(days=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")  # Ada asked
        await pilot.pause()
        await app.workers.wait_for_complete()
        other = Repository(db, journal=True)
        other.add({"name": "Hedy"}, NOW)
        assert other.compact() is True  # the other window folds: the file is replaced
        await pilot.press("u")  # undo it: a save over the folded file
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.check_for_outside_changes()
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [str(toast.message) for toast in app.toasts]
        assert not [s for s in said if "journal" in s], said
    assert stages(db) == {
        "Ada": Stage.IDENTIFIED,
        "Grace": Stage.IDENTIFIED,
        "Hedy": Stage.IDENTIFIED,
    }
    ada = next(c for c in Repository(db).contacts() if c.name == "Ada")
    assert len(ada.events) == 3  # created, asked, the undo: none lost to the fold


async def test_the_app_says_one_sentence_when_its_journal_is_read_only(db: Path) -> None:
    from coffeechat.domain.clock import frozen_clock
    from coffeechat.ui.app import make_app

    app = make_app(Repository(db, journal=True), frozen_clock(NOW + timedelta(days=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")  # Ada asked: the journal begins
        await pilot.pause()
        await app.workers.wait_for_complete()
        journal_of(db).chmod(0o400)
        try:
            await pilot.press("u")  # undo: a save refused
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            said = [str(toast.message) for toast in app.toasts]
            assert any(str(journal_of(db)) in s and "read-only" in s for s in said), said
            assert stages(db)["Ada"] is Stage.REQUESTED  # the refused save is not kept
        finally:
            journal_of(db).chmod(0o600)
