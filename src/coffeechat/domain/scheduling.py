"""Checking what a person typed into the schedule form."""

from __future__ import annotations

from datetime import datetime

from coffeechat.domain.meetings import DEFAULT_MINUTES, MAX_MINUTES, MeetingFormat
from coffeechat.domain.model import ValidationError
from coffeechat.domain.text import one_line, printable


def clean_schedule(
    *,
    scheduled_at: datetime | None,
    format: str,
    minutes: str,
    place: str,
    research: str,
    goals: str,
) -> dict[str, object]:
    """Check a schedule form; ValidationError names every bad field."""
    errors: dict[str, str] = {}
    try:
        meeting_format = MeetingFormat(format.strip().lower())
    except ValueError:
        known = ", ".join(f.value for f in MeetingFormat)
        errors["format"] = f"{format!r} is not a format; choose one of {known}"
        meeting_format = MeetingFormat.VIDEO
    text = minutes.strip().removesuffix("min").strip() or str(DEFAULT_MINUTES)
    length = 0
    if not text.isdecimal() or not 1 <= (length := int(text)) <= MAX_MINUTES:
        errors["minutes"] = f"{minutes!r} is not a length in minutes (1 to {MAX_MINUTES})"
    if errors:
        raise ValidationError(errors)
    return {
        "scheduled_at": scheduled_at,
        "format": meeting_format,
        "minutes": length,
        "place": one_line(place),
        "research": printable(research).strip(),
        "goals": printable(goals).strip(),
    }
