"""The one parser for dates and times that people type.

python-dateutil reads the formats (``2026-11-20 14:00``, ``20 Nov 3pm``,
``Nov 20``); on top of it we read a few words: now, today, yesterday,
tomorrow, ``in 3 days``, ``2 hours ago``, ``last friday``, ``next tuesday
3pm``.  Anything else is a DateParseError with a sentence for the person,
never a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from coffeechat.domain.errors import UserError

Prefer = Literal["past", "future"]

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_UNITS = {
    "minute": "minutes", "min": "minutes", "mins": "minutes", "minutes": "minutes",
    "hour": "hours", "hr": "hours", "hrs": "hours", "hours": "hours", "h": "hours",
    "day": "days", "days": "days", "d": "days",
    "week": "weeks", "weeks": "weeks", "w": "weeks",
    "month": "months", "months": "months",
    "year": "years", "years": "years",
}  # fmt: skip
_RELATIVE = re.compile(r"^(?:in\s+)?(\d{1,4})\s*([a-z]+)(\s+ago)?$")
_TIME_OF_DAY = re.compile(r"^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")

# Further than this is a typo, and near year 1 or 9999 time-zone maths overflows.
MAX_YEARS_AWAY = 100

# When a promise due "friday" is due: the end of that working day; said after
# it ("today" at 18:00), the end of the day itself.
END_OF_WORKING_DAY = time(17, 0)
END_OF_DAY = time(23, 59)
SATURDAY = 5

HINT = "try e.g. 'now', 'yesterday 3pm', 'last tuesday', 'in 3 days' or '2026-11-20 14:00'"


class DateParseError(UserError, ValueError):
    """Text that is not a date or time we can read without guessing."""


# A fixed default (not today) so a missing day or month is obvious, and
# parsing a calendar date never needs a clock.
_NO_DAY = datetime(2000, 1, 1)


def is_month_name(word: str) -> bool:
    """True for an English month name or abbreviation as dates are read ("Nov", "Sept")."""
    return _ENGLISH.month(word) is not None


_ENGLISH = dateutil_parser.parserinfo()


def parse_date(text: str) -> date:
    """A calendar date typed or imported: "2026-11-20", "20 Nov 2026", "03/04/2025" (3 April).

    ISO dates are read as ISO; anything else day first, with English month
    names whatever the locale (what LinkedIn writes).  DateParseError (a
    ValueError) for text that is not a real date.
    """
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dateutil_parser.parse(text, default=_NO_DAY, dayfirst=True).date()
    # dateutil's ParserError is a ValueError; huge numbers raise OverflowError
    # or decimal.InvalidOperation (both ArithmeticErrors).
    except (ValueError, ArithmeticError):
        raise DateParseError(f"{text!r} is not a date like 2026-11-20") from None


def parse_day(text: str, now: datetime, prefer: Prefer = "past") -> date:
    """A calendar day typed by a person: parse_date's formats, or words like "yesterday".

    Words ("today", "last friday", "3 days ago") are read against ``now`` the
    way parse_when reads them; everything else is a calendar date, day first.
    """
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    try:
        moment = _parse_words(cleaned, now, prefer, None) if cleaned else None
    except (ValueError, ArithmeticError):
        moment = None
    if moment is None:
        return parse_date(text)
    if abs(moment.year - now.year) > MAX_YEARS_AWAY:
        raise DateParseError(f"{text.strip()!r} is more than {MAX_YEARS_AWAY} years from now")
    return moment.date()


def parse_when(
    text: str, now: datetime, prefer: Prefer = "past", *, untimed: time | None = None
) -> datetime:
    """Read ``text`` as a moment in the same time zone as ``now``.

    ``prefer`` decides bare weekdays: "friday" is the last Friday when logging
    something that happened, the next one when planning.  ``untimed`` is the
    time of day for a day named without one ("friday", "3 dec"); by default
    such a day keeps now's time ("today", a weekday) or midnight (a date).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    if not cleaned:
        raise DateParseError(f"no date given; {HINT}")
    try:
        result = _parse_words(cleaned, now, prefer, untimed)
        if result is None:
            result = _parse_with_dateutil(cleaned, now, untimed)
    except (ValueError, ArithmeticError) as error:
        if isinstance(error, DateParseError):
            raise
        raise DateParseError(f"can't read {text.strip()!r} as a date; {HINT}") from None
    if abs(result.year - now.year) > MAX_YEARS_AWAY:
        raise DateParseError(f"{text.strip()!r} is more than {MAX_YEARS_AWAY} years from now")
    return result


def parse_deadline(text: str, now: datetime) -> datetime:
    """When something promised is due: like ``parse_when`` looking ahead, but a day
    given without a time of day ("friday", "tomorrow", "3 dec") is due at the end
    of that working day, not at this minute of it (a promise "@ friday" made on a
    Friday morning was overdue a minute later).  A day whose working hours are
    already over ("today" said at 18:00) is due at its very end instead."""
    due = parse_when(text, now, prefer="future", untimed=END_OF_WORKING_DAY)
    if due < now:
        late = parse_when(text, now, prefer="future", untimed=END_OF_DAY)
        if late >= now:
            return late
    return due


def working_days_ahead(now: datetime, days: int) -> datetime:
    """The end of the working day ``days`` days after ``now``, moved on to Monday if
    that falls on a weekend (two days from a Thursday is Monday, not Saturday)."""
    day = now + timedelta(days=days)
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return _untimed(day, END_OF_WORKING_DAY)


def _parse_words(text: str, now: datetime, prefer: Prefer, untimed: time | None) -> datetime | None:
    if text == "now":
        return now
    head, _, rest = text.partition(" ")
    day_offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    if head in day_offsets:
        day = now + timedelta(days=day_offsets[head])
        if not rest:
            return _untimed(day, untimed)
        return _at_time_of_day(day, rest)
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit, ago = relative.groups()
        if not ago and not text.startswith("in "):
            return None  # "3pm", "20 nov": dateutil's; "3 days" alone is refused there
        if unit not in _UNITS:
            raise DateParseError(f"unknown unit {unit!r} in {text!r}; {HINT}")
        amount_of_unit: dict[str, Any] = {_UNITS[unit]: int(amount)}
        delta = relativedelta(**amount_of_unit)
        moved: datetime = now - delta if ago else now + delta
        return moved
    words = text.split(" ")
    direction: Prefer | None = None
    if words[0] in ("last", "next", "this"):
        direction = "past" if words[0] == "last" else "future"
        words = words[1:]
    if words and words[0] in _WEEKDAYS:
        day = _weekday(now, _WEEKDAYS[words[0]], direction or prefer, strict=direction is not None)
        rest = " ".join(words[1:])
        return _at_time_of_day(day, rest) if rest else _untimed(day, untimed)
    if direction is not None:
        raise DateParseError(f"can't read {text!r}: expected a weekday after {text.split()[0]!r}")
    return None


def _weekday(now: datetime, weekday: int, prefer: Prefer, strict: bool) -> datetime:
    """The nearest ``weekday`` before (past) or after (future) now.

    Today counts for a bare weekday; "last"/"next" (strict) skip today.
    """
    if prefer == "past":
        back = (now.weekday() - weekday) % 7
        if back == 0 and strict:
            back = 7
        return now - timedelta(days=back)
    ahead = (weekday - now.weekday()) % 7
    if ahead == 0 and strict:
        ahead = 7
    return now + timedelta(days=ahead)


def _at_time_of_day(day: datetime, text: str) -> datetime:
    match = _TIME_OF_DAY.match(text)
    if match:
        hour, minute, meridian = int(match[1]), int(match[2] or 0), match[3]
        if meridian:
            if not 1 <= hour <= 12:
                raise DateParseError(f"{text!r} is not a time of day")
            hour = hour % 12 + (12 if meridian == "pm" else 0)
        if hour > 23 or minute > 59:
            raise DateParseError(f"{text!r} is not a time of day")
        return day.replace(hour=hour, minute=minute, second=0, microsecond=0)
    named = {"morning": time(9), "noon": time(12), "afternoon": time(15), "evening": time(19)}
    if text in named:
        return datetime.combine(day.date(), named[text], tzinfo=day.tzinfo)
    parsed: datetime = dateutil_parser.parse(text, default=day.replace(second=0, microsecond=0))
    if parsed.date() != day.date():
        raise DateParseError(f"{text!r} is not a time of day")
    return parsed.replace(tzinfo=day.tzinfo)


def _untimed(day: datetime, untimed: time | None) -> datetime:
    """A day named without a time of day: at ``untimed``, else as it came."""
    if untimed is None:
        return day
    return day.replace(hour=untimed.hour, minute=untimed.minute, second=0, microsecond=0)


def _parse_with_dateutil(text: str, now: datetime, untimed: time | None) -> datetime:
    default = now.replace(hour=0, minute=0, second=0, microsecond=0)
    parsed: datetime = dateutil_parser.parse(text, default=default)
    if untimed is not None:
        # dateutil fills what the text leaves out from the default: if the hour
        # moves with it, the text named no time of day.
        other: datetime = dateutil_parser.parse(text, default=_untimed(default, untimed))
        if other.hour != parsed.hour:
            parsed = other
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=now.tzinfo)
    return parsed.astimezone(now.tzinfo)
