"""The one base class for mistakes a person can see and fix.

Every error that carries a sentence for the person (a bad field, an
unreadable date, a move that does not apply, a file that can't be imported,
a database that can't be written) derives from ``UserError``.  The CLI prints
one as a single line and the TUI shows it as a toast; anything else is a bug
and may show a traceback.  Subclasses that used to be ``ValueError``s still
are, so older ``except ValueError`` code keeps working.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the person can act on; ``str(error)`` is the sentence to show them."""
