"""Which contacts the data changes since a screen last looked touched, or "anything".

The board re-files only the contacts a change touched instead of walking
every contact after each keystroke.  That is only right if it never misses
a change, so the log errs the other way: every write the app makes counts
as "anything may have changed" unless the code that made it says exactly
which contacts it touched (``apply_change``: one contact), and so does a
change another process made to the file.  A reader that gets None back
looks at everything again.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

#: How many changes are remembered; a reader further behind than that looks at everything.
KEPT = 256


class ChangeLog:
    """A numbered log of data changes: the contact ids each touched, or None for anything.

    Written from the storage thread and read on the UI thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serial = 0
        self._entries: deque[tuple[int, frozenset[str] | None]] = deque(maxlen=KEPT)

    @property
    def serial(self) -> int:
        """The number of the latest change (0 before the first)."""
        return self._serial

    def note(self, contact_ids: Iterable[str] | None) -> None:
        """A change touched these contacts (None: anything, as far as anyone knows)."""
        ids = None if contact_ids is None else frozenset(contact_ids)
        with self._lock:
            self._serial += 1
            self._entries.append((self._serial, ids))

    def since(self, serial: int) -> tuple[int, frozenset[str] | None]:
        """(the serial now, the contacts touched after ``serial``; None if it may be anything).

        A reader that has looked at nothing yet passes -1 and gets None.
        """
        with self._lock:
            now = self._serial
            if serial == now:
                return now, frozenset()
            if serial < 0 or serial > now:
                return now, None
            entries = [ids for number, ids in self._entries if number > serial]
        if len(entries) < now - serial:
            return now, None  # some of them fell out of the log
        touched: set[str] = set()
        for ids in entries:
            if ids is None:
                return now, None
            touched |= ids
        return now, frozenset(touched)
