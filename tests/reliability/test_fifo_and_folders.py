"""Files and folders coffeechat cannot use: one sentence, never a traceback, never a hang.

A FIFO as the database used to hang every command (opening a FIFO for reading
waits for a writer); an unsearchable data folder raised PermissionError from
``Path.exists``.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coffeechat.cli import main
from tests.reliability.storage_support import cli
from tests.unit.cli_support import NOW_TEXT, Result

AS_ROOT = os.geteuid() == 0
COMMANDS = {
    "list": ("list",),
    "due": ("due", "--json"),
    "add": ("add", "Grace Hopper"),
    "export": ("export", "json"),
}
HANG_GUARD = 60.0  # seconds; a hang guard, not a speed bound


def in_a_thread(work: Callable[[], Any], unblock: Callable[[], None]) -> Any:
    """``work()``'s result; if it has not returned within HANG_GUARD, unblock it and fail."""
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(work()), daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    if thread.is_alive():
        unblock()
        thread.join(HANG_GUARD)
        pytest.fail("the command hung on the FIFO")
    return results[0]


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS)
def test_a_fifo_as_the_database_is_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    fifo = tmp_path / "contacts.json"
    os.mkfifo(fifo)

    def unblock() -> None:  # a writer lets a blocked open() return
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    result: Result = in_a_thread(lambda: cli(capsys, fifo, *command), unblock)

    assert result.code == 1
    assert result.out == ""
    [line] = result.err.splitlines()
    assert line.startswith(f"coffeechat: {fifo} is not a readable coffeechat database")
    assert "named pipe (FIFO)" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.json"]


def test_a_device_as_the_database_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    result = cli(capsys, Path(os.devnull), "add", "Grace Hopper")

    assert result.code == 1
    assert "a device, not a file" in result.err


def deny(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` unsearchable, as chmod 000 does for anyone but root."""
    real_stat, real_open, real_mkdir = os.stat, os.open, os.mkdir
    inside = str(folder) + os.sep

    def check(path: Any) -> None:
        if isinstance(path, (str, os.PathLike)) and os.fspath(path).startswith(inside):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        check(path)
        return real_stat(path, *args, **kwargs)

    def open_(path: Any, *args: Any, **kwargs: Any) -> int:
        check(path)
        return real_open(path, *args, **kwargs)

    def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        check(path)
        real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "mkdir", mkdir)


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS)
def test_an_unsearchable_folder_holding_the_database_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "contacts.json"
    assert cli(capsys, db, "add", "Ada Lovelace").code == 0
    deny(monkeypatch, folder)

    result = cli(capsys, db, *command)

    assert result.code == 1
    assert result.out == ""
    [line] = result.err.splitlines()
    assert str(db) in line
    assert "permission denied" in line


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS)
def test_an_unsearchable_parent_of_the_data_home_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    locked = tmp_path / "locked"
    (locked / "share").mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(locked / "share"))
    deny(monkeypatch, locked)

    code = main(list(command), {"COFFEECHAT_NOW": NOW_TEXT})
    out, err = capsys.readouterr()

    assert "Traceback" not in err
    assert code == 1
    assert out == ""
    [line] = err.splitlines()
    assert str(locked / "share") in line
    assert "permission denied" in line


@pytest.mark.skipif(AS_ROOT, reason="root can search any folder")
def test_a_folder_made_unsearchable_with_chmod_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "contacts.json"
    assert cli(capsys, db, "add", "Ada Lovelace").code == 0
    folder.chmod(0)
    try:
        for command in COMMANDS.values():
            result = cli(capsys, db, *command)
            assert result.code == 1
            assert "permission denied" in result.err
    finally:
        folder.chmod(0o700)
