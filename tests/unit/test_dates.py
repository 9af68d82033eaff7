"""parse_when: every phrase people type, read against a frozen "now"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.domain.dates import (
    DateParseError,
    parse_day,
    parse_deadline,
    parse_when,
    working_days_ahead,
)

# Sunday 22 November 2026, 10:30 UTC.
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


def at(day: int, hour: int = 10, minute: int = 30, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "prefer", "expected"),
    [
        # words for now and nearby days (without a time, they keep now's time)
        ("now", "past", NOW),
        ("NOW", "future", NOW),
        ("  now  ", "past", NOW),
        ("today", "past", NOW),
        ("yesterday", "past", at(21)),
        ("tomorrow", "future", at(23)),
        ("yesterday 3pm", "past", at(21, 15, 0)),
        ("Yesterday 3 PM", "past", at(21, 15, 0)),
        ("yesterday at 9:15", "past", at(21, 9, 15)),
        ("yesterday morning", "past", at(21, 9, 0)),
        ("today 12am", "past", at(22, 0, 0)),
        ("today 12pm", "past", at(22, 12, 0)),
        ("today 14:05", "past", at(22, 14, 5)),
        ("tonight 8pm", "future", at(22, 20, 0)),
        ("tomorrow noon", "future", at(23, 12, 0)),
        ("tomorrow afternoon", "future", at(23, 15, 0)),
        ("tomorrow evening", "future", at(23, 19, 0)),
        ("tomorrow at 9", "future", at(23, 9, 0)),
        # weekdays: "last"/"next" skip today; a bare weekday follows `prefer`
        ("last friday", "past", at(20)),
        ("last friday", "future", at(20)),
        ("next friday", "past", at(27)),
        ("next tuesday 3pm", "future", at(24, 15, 0)),
        ("next tue 3pm", "past", at(24, 15, 0)),
        ("friday", "past", at(20)),
        ("friday", "future", at(27)),
        ("Fri 9am", "past", at(20, 9, 0)),
        ("monday", "past", at(16)),
        ("monday", "future", at(23)),
        ("saturday", "past", at(21)),
        ("saturday", "future", at(28)),
        # today is Sunday: a bare "sunday" is today, "last"/"next" are a week away
        ("sunday", "past", NOW),
        ("sunday", "future", NOW),
        ("last sunday", "past", at(15)),
        ("next sunday", "future", at(29)),
        ("this friday", "past", at(27)),
        # relative amounts
        ("in 3 days", "future", at(25)),
        ("in 3 days", "past", at(25)),
        ("in 2 weeks", "future", at(6, month=12)),
        ("in 90 minutes", "future", at(22, 12, 0)),
        ("in 1 month", "future", at(22, month=12)),
        ("in 0 days", "future", NOW),
        ("2 hours ago", "past", at(22, 8, 30)),
        ("2h ago", "past", at(22, 8, 30)),
        ("30 min ago", "past", at(22, 10, 0)),
        ("5 days ago", "past", at(17)),
        ("1 week ago", "past", at(15)),
        ("1 month ago", "past", at(22, month=10)),
        # formats dateutil reads
        ("2026-11-20", "past", at(20, 0, 0)),
        ("2026-11-20 14:00", "past", at(20, 14, 0)),
        ("2026-11-20T14:00", "future", at(20, 14, 0)),
        ("2026-11-20T14:00+05:00", "past", at(20, 9, 0)),
        ("2026-11-20 14:00Z", "past", at(20, 14, 0)),
        ("20 Nov 3pm", "past", at(20, 15, 0)),
        ("20 November 2026 15:00", "past", at(20, 15, 0)),
        ("Nov 20", "past", at(20, 0, 0)),
        ("Nov 20, 2026 9:45", "past", at(20, 9, 45)),
        ("10:00", "past", at(22, 10, 0)),
    ],
)
def test_parse_when(text: str, prefer: str, expected: datetime) -> None:
    result = parse_when(text, NOW, prefer)  # type: ignore[arg-type]
    assert result == expected
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20 Nov", at(20, 0, 0)),
        ("3pm", at(22, 15, 0)),
    ],
)
def test_parse_when_number_then_word_goes_to_dateutil(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no date given"),
        ("   ", "no date given"),
        (",,,", "no date given"),
        ("garbage", "can't read 'garbage'"),
        ("next blah", "expected a weekday after 'next'"),
        ("last week", "expected a weekday after 'last'"),
        ("25pm", "'25pm'"),
        ("in 3 fortnights", "'in 3 fortnights'"),
        ("3 days", "can't read '3 days'"),
        ("today 25:00", "not a time of day"),
        ("today 13pm", "not a time of day"),
        ("yesterday 0pm", "not a time of day"),
        ("tomorrow 10:75", "not a time of day"),
        ("tomorrow banana", "can't read"),
        ("friday 3 apples", "can't read"),
        ("yesterday 2026-01-01", "not a time of day"),
        ("2026-02-30", "can't read"),
        ("2026-13-01", "can't read"),
        ("in 9999 years", "can't read"),
        ("9999 years ago", "can't read"),
        ("in 99999 days", "can't read"),
        ("99999999999999999999", "can't read"),
        ("0:10000000000000000000000000000", "can't read"),  # decimal.InvalidOperation inside
        ("1" * 400, "can't read"),
    ],
)
def test_unreadable_text_is_a_date_parse_error(text: str, message: str) -> None:
    with pytest.raises(DateParseError, match=message.replace("(", r"\(")):
        parse_when(text, NOW)


def test_error_suggests_what_to_type() -> None:
    with pytest.raises(DateParseError, match=r"try e\.g\. 'now'"):
        parse_when("soonish", NOW)


@pytest.mark.parametrize(
    "zone", [ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), timezone(timedelta(hours=9))]
)
def test_result_is_in_nows_time_zone(zone: ZoneInfo | timezone) -> None:
    now = NOW.astimezone(zone)
    yesterday = parse_when("yesterday 3pm", now)
    assert yesterday.tzinfo is zone
    assert (yesterday.hour, yesterday.minute) == (15, 0)
    assert yesterday.date() == now.date() - timedelta(days=1)
    iso = parse_when("2026-11-20 14:00", now)
    assert iso.tzinfo is zone
    assert (iso.day, iso.hour) == (20, 14)
    converted = parse_when("2026-11-20T14:00+00:00", now)
    assert converted == datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert converted.tzinfo is zone


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware") as caught:
        parse_when("now", NOW.replace(tzinfo=None))
    assert not isinstance(caught.value, DateParseError)


_PIECES = st.sampled_from(
    [
        "now", "today", "tonight", "yesterday", "tomorrow", "in", "ago", "at", "last",
        "next", "this", "friday", "sun", "noon", "morning", "3", "12", "25", "0", "9999",
        "99999999999", "pm", "am", "days", "h", "weeks", "months", "years", "nov", "2026",
        "-", ":", "/", ",", "+05:00", "T", "Z", "utc", "2026-11-20", "14:00", "1e9", "٣",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(_PIECES, max_size=6).map(" ".join),
    st.lists(_PIECES, max_size=6).map("".join),
)


@settings(max_examples=400, deadline=None, database=None)
@given(text=_TEXT, prefer=st.sampled_from(["past", "future"]))
def test_parse_when_returns_an_aware_datetime_or_raises_date_parse_error(
    text: str, prefer: str
) -> None:
    try:
        result = parse_when(text, NOW, prefer)  # type: ignore[arg-type]
    except DateParseError as error:
        message = str(error)
    else:
        assert isinstance(result, datetime)
        assert result.tzinfo is not None
        assert result.utcoffset() is not None
        return
    assert message  # every error is a sentence for the person


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday", date(2026, 11, 21)),
        ("today", date(2026, 11, 22)),
        ("last friday", date(2026, 11, 20)),
        ("friday", date(2026, 11, 20)),
        ("3 days ago", date(2026, 11, 19)),
        ("2026-11-20", date(2026, 11, 20)),
        ("03/04/2025", date(2025, 4, 3)),  # calendar dates read day first, as parse_date
        ("20 Nov 2026", date(2026, 11, 20)),
    ],
)
def test_parse_day_reads_words_and_calendar_dates(text: str, expected: date) -> None:
    assert parse_day(text, NOW) == expected


@pytest.mark.parametrize("text", ["flibbertigibbet", "next blah", "in 9999 years", ""])
def test_parse_day_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_day(text, NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("friday", datetime(2026, 11, 20, 17, 0, tzinfo=UTC)),  # today, a Friday: end of work
        ("tomorrow", datetime(2026, 11, 21, 17, 0, tzinfo=UTC)),
        ("3 dec", datetime(2026, 12, 3, 17, 0, tzinfo=UTC)),
        ("friday 3pm", datetime(2026, 11, 20, 15, 0, tzinfo=UTC)),
        ("tomorrow morning", datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
        ("in 2 hours", datetime(2026, 11, 20, 11, 0, tzinfo=UTC)),
        ("monday 9:30", datetime(2026, 11, 23, 9, 30, tzinfo=UTC)),
        ("fri 18", datetime(2026, 11, 20, 18, 0, tzinfo=UTC)),  # a bare hour is a time
        ("tomorrow 14", datetime(2026, 11, 21, 14, 0, tzinfo=UTC)),
        ("tomorrow at 9", datetime(2026, 11, 21, 9, 0, tzinfo=UTC)),
        ("dec 3", datetime(2026, 12, 3, 17, 0, tzinfo=UTC)),  # a day of the month is not
        ("3 dec 14h", datetime(2026, 12, 3, 14, 0, tzinfo=UTC)),  # any time the parser reads
    ],
)
def test_a_deadline_given_as_a_day_is_due_at_the_end_of_its_working_day(
    text: str, expected: datetime
) -> None:
    friday_morning = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert parse_deadline(text, friday_morning) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", datetime(2026, 11, 20, 23, 59, tzinfo=UTC)),  # work is over: the day's end
        ("friday", datetime(2026, 11, 20, 23, 59, tzinfo=UTC)),
        ("tomorrow", datetime(2026, 11, 21, 17, 0, tzinfo=UTC)),
        ("next friday", datetime(2026, 11, 27, 17, 0, tzinfo=UTC)),
    ],
)
def test_a_deadline_for_today_said_after_work_is_not_already_late(
    text: str, expected: datetime
) -> None:
    friday_evening = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
    assert parse_deadline(text, friday_evening) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 16, 10, 0, tzinfo=UTC), datetime(2026, 11, 18, 17, 0, tzinfo=UTC)),
        (datetime(2026, 11, 18, 9, 0, tzinfo=UTC), datetime(2026, 11, 20, 17, 0, tzinfo=UTC)),
        # Thursday and Friday: two days on is the weekend, so Monday.
        (datetime(2026, 11, 19, 10, 0, tzinfo=UTC), datetime(2026, 11, 23, 17, 0, tzinfo=UTC)),
        (datetime(2026, 11, 20, 16, 0, tzinfo=UTC), datetime(2026, 11, 23, 17, 0, tzinfo=UTC)),
        (datetime(2026, 11, 21, 10, 0, tzinfo=UTC), datetime(2026, 11, 23, 17, 0, tzinfo=UTC)),
        (datetime(2026, 11, 22, 10, 0, tzinfo=UTC), datetime(2026, 11, 24, 17, 0, tzinfo=UTC)),
    ],
)
def test_two_working_days_ahead_skips_the_weekend(now: datetime, expected: datetime) -> None:
    assert working_days_ahead(now, 2) == expected


def test_working_days_ahead_keeps_the_local_end_of_work_across_a_clock_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    thursday = datetime(2026, 10, 22, 10, 0, tzinfo=berlin)  # clocks go back on the 25th
    due = working_days_ahead(thursday, 2)
    assert due.replace(tzinfo=None) == datetime(2026, 10, 26, 17, 0)
    assert due.utcoffset() == timedelta(hours=1)
