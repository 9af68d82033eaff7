"""Which contacts changed since a screen last looked, or "anything".

The board re-files only the contacts a change touched instead of walking
every contact after each keystroke.  That is only right if it never misses a
change, so this errs the other way:

* every write the app makes is logged with the data version before and after
  it, and with the contacts it touched only when the code that made it says
  so (``apply_change``: one contact) and the version moved by exactly one
  write (nothing another process wrote was read in along with it);
* a reader remembers the version it last filed; when the version now is not
  where the logged writes since then leave it, something else changed the
  data (another process's change, read in by any look at the repository),
  and ``since`` answers None: look at everything.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

#: How many writes are remembered; a reader further behind than that looks at everything.
KEPT = 256


class ChangeLog:
    """The app's writes, numbered: the contacts each touched (None: any) and the versions.

    Written from the storage thread and read on the UI thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serial = 0
        self._entries: deque[tuple[int, frozenset[str] | None, int | None, int | None]] = deque(
            maxlen=KEPT
        )

    @property
    def serial(self) -> int:
        """The number of the latest write logged (0 before the first)."""
        return self._serial

    def note(
        self, contact_ids: Iterable[str] | None, before: int | None, after: int | None
    ) -> None:
        """A write touched these contacts (None: any), taking the data version from/to these."""
        ids = None if contact_ids is None else frozenset(contact_ids)
        if before is None or after is None or after != before + 1:
            ids = None  # more than this write changed the data (or nobody can tell)
        with self._lock:
            self._serial += 1
            self._entries.append((self._serial, ids, before, after))

    def since(
        self, serial: int, version: int | None, version_now: int | None
    ) -> tuple[int, frozenset[str] | None]:
        """(the latest write's serial, the contacts changed since a reader saw ``serial``).

        The reader saw write ``serial`` at data ``version``; ``version_now`` is the
        data version now, read before calling this.  The contacts are None when
        anything may have changed: a write that touched unknown contacts, a change
        nobody logged, or a reader that has seen nothing yet (-1).
        """
        with self._lock:
            now = self._serial
            entries = [entry for entry in self._entries if entry[0] > serial]
        if version is None or version_now is None or not 0 <= serial <= now:
            return now, None
        if len(entries) != now - serial:
            return now, None  # some of them fell out of the log
        touched: set[str] = set()
        expected = version
        for _, ids, before, after in entries:
            if ids is None or before != expected or after is None:
                return now, None
            touched |= ids
            expected = after
        if version_now != expected:
            return now, None  # a write still under way, or a change from elsewhere
        return now, frozenset(touched)
