"""Storage failures, each carrying one sentence a person can act on."""

from __future__ import annotations

from pathlib import Path

from coffeechat.domain.errors import UserError


class StorageError(UserError):
    """Base class: the message is a complete sentence naming the file."""


class CorruptDatabaseError(StorageError):
    """The file exists but is not a coffeechat database; it is never written over."""

    def __init__(self, path: Path, problem: str, backup: Path | None = None) -> None:
        self.path = path
        recovery = (
            f" The newest backup is {backup}; copy it over the file to recover."
            if backup
            else " Fix or move the file away; coffeechat will not write over it."
        )
        super().__init__(f"{path} is not a readable coffeechat database: {problem}.{recovery}")


class DatabaseWriteError(StorageError):
    """A save that did not reach the disk; the change was not kept."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"Could not save to {path}: {problem}. Nothing was changed.")


class DatabaseLockedError(StorageError):
    """Another process held the write lock for too long."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        super().__init__(
            f"{path} is locked by another coffeechat process (waited {seconds:.0f} s); "
            "try again, or close the other one."
        )


class NewerSchemaError(StorageError):
    """The file was written by a newer coffeechat than this one."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        self.path = path
        super().__init__(
            f"{path} was written by a newer coffeechat (schema {found}; this version "
            f"knows up to {known}). Upgrade coffeechat to open it; the file was not changed."
        )


class NotFoundError(StorageError):
    """No contact matched."""


class SettingsClashError(UserError, ValueError):
    """Settings changed in a form no longer fit with those another window saved meanwhile."""


# Every failure a person can cause derives from UserError; the CLI prints it
# as one line and the TUI shows it as a toast.  Kept as a tuple for the
# ``except USER_FACING_ERRORS`` that already read it.
USER_FACING_ERRORS: tuple[type[Exception], ...] = (UserError,)
