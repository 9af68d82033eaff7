"""A pseudo-terminal the benchmarks drive an app through, timing what reaches the screen.

The app runs as its own process on a pty of a fixed size (120×40, TERM
xterm-256color), exactly as in a terminal window; everything it writes is read
as it arrives (so it never blocks on a full buffer) and stamped with the time
it was read.  "A frame" is a burst of output: bytes that follow each other
with no pause of ``QUIET`` seconds or more.  A measurement waits for output
that shows an expected change, then for the burst to end, and reports the
time of the burst's last byte (the quiet period itself is not counted).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS, ROWS = 120, 40
QUIET = 0.030  # a pause this long ends a frame
SETTLE = 0.250  # a pause this long means the app has nothing more to draw…
IDLE_TICKS = 3  # …when it used at most this much CPU meanwhile (clock ticks, 10 ms each)

# Escape sequences: CSI (cursor moves, colours, modes), OSC (titles, clipboard), and the
# two-byte ones.  Colours inside a run of text vanish; anything else breaks it, so two
# regions the cursor jumped between never read as one string.
_SGR = re.compile(rb"\x1b\[[0-9;:]*m")
_OTHER = re.compile(
    rb"\x1b\[[0-9;:?<=>!$ ]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[@-_]"
)


def screen_text(raw: bytes) -> str:
    """The text in terminal output, escape sequences removed (cursor jumps become newlines)."""
    return _OTHER.sub(b"\n", _SGR.sub(b"", raw)).decode("utf-8", "replace")


class TerminalError(RuntimeError):
    """The app did not show what was expected in time, or exited."""


@dataclass
class Burst:
    """What one measurement saw: when the change was shown, and the text after the key."""

    matched_at: float  # seconds after the start when output first showed the change
    frame_at: float  # seconds after the start of the last byte of that burst
    durable_at: float | None  # seconds after the start of the first change on disk
    text: str


@dataclass
class Terminal:
    """One app process on a pty.  ``argv`` is started at construction."""

    argv: Sequence[str]
    env: Mapping[str, str]
    cwd: Path | None = None
    started: float = 0.0
    _output: bytearray = field(default_factory=bytearray)
    _last_byte: float = 0.0

    def __post_init__(self) -> None:
        master, slave = os.openpty()
        size = struct.pack("HHHH", ROWS, COLUMNS, 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(self.argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(self.env),
            cwd=self.cwd,
            start_new_session=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.fd = master
        os.set_blocking(master, False)

    # -- reading ----------------------------------------------------------------------

    def _read(self, timeout: float) -> bool:
        """Read what is there (waiting up to ``timeout``); True if anything came."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        got = False
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError as error:  # EIO: the app closed the terminal (it exited)
                raise TerminalError(self._exit_message()) from error
            if not chunk:
                raise TerminalError(self._exit_message())
            self._output += chunk
            got = True
        if got:
            self._last_byte = time.perf_counter()
        return got

    def _exit_message(self) -> str:
        code = self.process.poll()
        tail = screen_text(bytes(self._output[-3000:])).strip()
        return f"the app exited (status {code}); its last output:\n{tail[-1500:]}"

    def wait_for(
        self,
        shown: Callable[[str], bool],
        since: float,
        what: str,
        *,
        timeout: float = 120.0,
        files: Sequence[Path] = (),
    ) -> Burst:
        """Wait until the output written after ``since`` shows ``shown``, and its frame ends.

        With ``files``, also wait for the first change to any of them (their
        ``stat``: inode, size, mtime) after ``since``: the change is on disk.
        Times are seconds after ``since`` (a ``time.perf_counter()`` value).
        """
        mark = len(self._output)
        stamps = {path: _stat(path) for path in files}
        durable_at: float | None = None if files else 0.0
        matched_at: float | None = None
        frame_end: float | None = None
        deadline = since + timeout
        while True:
            if time.perf_counter() > deadline:
                text = screen_text(bytes(self._output[mark:]))
                raise TerminalError(
                    f"no {what} within {timeout:.0f} s; the output since was:\n{text[-1500:]}"
                )
            if durable_at is None:
                for path, stamp in stamps.items():
                    if _stat(path) != stamp:
                        durable_at = time.perf_counter() - since
                        break
            # While a file may change, look at the disk every millisecond.
            poll = 0.001 if durable_at is None else QUIET / 3
            if matched_at is None:
                if self._read(poll) and shown(screen_text(bytes(self._output[mark:]))):
                    matched_at = self._last_byte - since
            elif frame_end is None:
                if not self._read(poll) and time.perf_counter() - self._last_byte >= QUIET:
                    frame_end = self._last_byte - since
            elif durable_at is not None:
                break
            else:
                self._read(poll)  # keep the pipe drained; later output is another frame
        return Burst(
            matched_at=matched_at,
            frame_at=frame_end,
            durable_at=durable_at if files else None,
            text=screen_text(bytes(self._output[mark:])),
        )

    def settle(self, quiet: float = SETTLE, timeout: float = 300.0) -> None:
        """Wait until the app is idle: nothing written and next to no CPU used for ``quiet`` s.

        So a key is never typed while the app is still busy with the last one
        (a save in its thread, work after the first paint) without drawing.
        """
        deadline = time.perf_counter() + timeout
        since, ticks = time.perf_counter(), self._cpu_ticks()
        while time.perf_counter() < deadline:
            if self._read(quiet / 5):
                since, ticks = time.perf_counter(), self._cpu_ticks()
            elif time.perf_counter() - since >= quiet:
                used = self._cpu_ticks() - ticks
                if used <= IDLE_TICKS:
                    return
                since, ticks = time.perf_counter(), self._cpu_ticks()
        raise TerminalError(f"the app kept busy for {timeout:.0f} s")

    def _cpu_ticks(self) -> int:
        """CPU time the app's process (all its threads) has used, in clock ticks."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0
        return int(fields[11]) + int(fields[12])  # utime, stime

    def text(self) -> str:
        """Everything the app has written so far, as text."""
        return screen_text(bytes(self._output))

    # -- writing ----------------------------------------------------------------------

    def press(self, keys: bytes) -> float:
        """Type ``keys`` into the terminal; the moment they were written."""
        moment = time.perf_counter()
        os.write(self.fd, keys)
        return moment

    # -- the process ------------------------------------------------------------------

    def peak_rss_kib(self) -> int:
        """The app's peak resident memory so far (VmHWM), in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if found is None:
            raise TerminalError("no VmHWM in /proc/<pid>/status")
        return int(found.group(1))

    def close(self) -> None:
        """End the app at once (its teardown is never timed) and free the pty."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.fd)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _controlling_terminal() -> None:
    """In the child: make the pty its controlling terminal, as a terminal window does."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def pty_available() -> str | None:
    """None when a pty can be opened here, else why not."""
    try:
        master, slave = os.openpty()
    except OSError as error:
        return f"no pseudo-terminal on this machine ({error})"
    os.close(master)
    os.close(slave)
    return None
