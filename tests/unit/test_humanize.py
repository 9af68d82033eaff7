"""Human phrases for spans and moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from coffeechat.domain.humanize import badge, due_reason, moment, span
from coffeechat.domain.rules import DueItem, DueKind, Urgency
from coffeechat.domain.text import sentence

# Sunday 22 November 2026, 10:30 UTC.
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(0), "1 min"),
        (timedelta(seconds=30), "1 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=5, seconds=59), "5 min"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=3, minutes=59), "3 h"),
        (timedelta(hours=24), "24 h"),
        (timedelta(hours=47, minutes=59), "47 h"),
        (timedelta(hours=48), "2 days"),
        (timedelta(days=2, hours=23), "2 days"),
        (timedelta(days=45), "45 days"),
        (timedelta(hours=-3), "3 h"),
        (timedelta(days=-3), "3 days"),
    ],
)
def test_span(delta: timedelta, text: str) -> None:
    assert span(delta) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (datetime(2026, 11, 22, 14, 0, tzinfo=UTC), "today 14:00"),
        (datetime(2026, 11, 22, 0, 5, tzinfo=UTC), "today 00:05"),
        (datetime(2026, 11, 21, 23, 59, tzinfo=UTC), "Sat 23:59"),
        (datetime(2026, 11, 20, 14, 0, tzinfo=UTC), "Fri 14:00"),
        (datetime(2026, 11, 16, 9, 0, tzinfo=UTC), "Mon 09:00"),
        (datetime(2026, 11, 28, 9, 0, tzinfo=UTC), "Sat 09:00"),
        (datetime(2026, 11, 15, 9, 0, tzinfo=UTC), "15 Nov 09:00"),
        (datetime(2026, 11, 29, 9, 0, tzinfo=UTC), "29 Nov 09:00"),
        (datetime(2026, 1, 3, 18, 45, tzinfo=UTC), "03 Jan 18:45"),
        (datetime(2025, 11, 22, 10, 30, tzinfo=UTC), "22 Nov 2025"),
        (datetime(2027, 1, 2, 10, 30, tzinfo=UTC), "02 Jan 2027"),
    ],
)
def test_moment(when: datetime, text: str) -> None:
    assert moment(when, NOW) == text


def test_moment_is_shown_in_nows_time_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = NOW.astimezone(tokyo)  # Sunday 19:30 in Tokyo
    late_saturday_utc = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert moment(late_saturday_utc, now) == "today 08:30"
    assert moment(late_saturday_utc, NOW) == "Sat 23:30"


def _item(urgency: Urgency, since: datetime, due_at: datetime) -> DueItem:
    return DueItem(
        contact_id="c1",
        name="Ada",
        company="Acme",
        kind=DueKind.THANK_YOU,
        due_at=due_at,
        since=since,
        urgency=urgency,
    )


def test_due_reason_and_badge_for_an_item_coming_due() -> None:
    since = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    item = _item(Urgency.DUE, since, since + timedelta(hours=24))
    assert due_reason(item, NOW) == "met today 08:00 · due in 21 h"
    assert badge(item, NOW) == "thank-you in 21 h"


def test_due_reason_and_badge_for_an_overdue_item() -> None:
    since = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    item = _item(Urgency.OVERDUE, since, since + timedelta(hours=24))
    assert due_reason(item, NOW) == "met Sat 09:00 · 1 h late"
    assert badge(item, NOW) == "thank-you 1 h late"


def test_due_reason_and_badge_for_a_late_item() -> None:
    since = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    item = _item(Urgency.LATE, since, since + timedelta(hours=24))
    assert due_reason(item, NOW) == "met Tue 14:00 · 3 days late"
    assert badge(item, NOW) == "thank-you 3 days late"


def test_reasons_for_follow_ups_and_nudges_say_why_and_since_when() -> None:
    from datetime import UTC, datetime

    from coffeechat.domain.rules import DueItem, DueKind, Section, Urgency

    now = datetime(2026, 11, 22, 10, tzinfo=UTC)

    def item(kind: DueKind, since: datetime, due: datetime, detail: str) -> DueItem:
        return DueItem("c", "Ada", "", kind, due, since, Urgency.DUE, Section.NUDGES, "r", detail)

    june, sept = datetime(2026, 6, 25, tzinfo=UTC), datetime(2026, 9, 25, tzinfo=UTC)
    assert due_reason(item(DueKind.FOLLOW_UP, june, sept, ""), now) == (
        "last in touch 25 Jun · due since 25 Sep"
    )
    nov6, nov13 = datetime(2026, 11, 6, tzinfo=UTC), datetime(2026, 11, 13, tzinfo=UTC)
    assert due_reason(item(DueKind.NUDGE, nov6, nov13, "first nudge"), now) == (
        "asked 06 Nov · first nudge now"
    )
    assert due_reason(item(DueKind.NUDGE, nov6, nov13, "give up"), now) == (
        "asked 06 Nov · archive? (a)"
    )
    later = datetime(2026, 11, 23, tzinfo=UTC)
    assert due_reason(item(DueKind.NUDGE, nov6, later, "second nudge"), now) == (
        "asked 06 Nov · second nudge tomorrow"
    )


def test_sentence_keeps_the_rest_of_the_text_as_written() -> None:
    assert sentence("a spreadsheet saved as CSV") == "A spreadsheet saved as CSV"
    assert sentence("") == ""
