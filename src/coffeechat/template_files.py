"""The person's own message templates, read from files (the domain never touches the disk)."""

from __future__ import annotations

from pathlib import Path

from coffeechat.domain.templates import BUILTIN_TEMPLATES, MessageKind, checked_template


def template_path(kind: MessageKind, folder: Path) -> Path:
    """Where the override for ``kind`` lives: ``folder / "<kind>.txt"``."""
    return folder / f"{kind.value}.txt"


def load_template(kind: MessageKind, folder: Path | None) -> tuple[str, str | None]:
    """The template text for ``kind`` and a warning to show, or None.

    ``folder / "<kind>.txt"`` overrides the built-in when it exists.  A file
    that can't be read falls back to the built-in (with a warning); what is
    read is checked by ``checked_template``.
    """
    if folder is None:
        return BUILTIN_TEMPLATES[kind], None
    path = template_path(kind, folder)
    try:
        # utf-8-sig: editors on Windows start files with a byte-order mark,
        # which would otherwise hide the Subject: line.
        raw = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, NotADirectoryError):
        return BUILTIN_TEMPLATES[kind], None  # no override: the usual case
    except UnicodeDecodeError as error:
        reason = (
            f"it is not UTF-8 text (byte {error.object[error.start]:#04x} at offset {error.start})"
        )
        return BUILTIN_TEMPLATES[
            kind
        ], f"Could not read {path}: {reason}; using the built-in template."
    except OSError as error:
        reason = error.strerror or str(error)
        return BUILTIN_TEMPLATES[
            kind
        ], f"Could not read {path}: {reason}; using the built-in template."
    return checked_template(kind, raw, str(path))
