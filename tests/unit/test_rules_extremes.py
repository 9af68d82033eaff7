"""Year-9999 (and year-1) dates and 2**62-minute meetings in the file: the rules never overflow."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from coffeechat.domain.humanize import badge, due_reason, due_summary
from coffeechat.domain.rules import Settings, due_items, next_follow_up, thank_you_item
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.storage.repository import Repository

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)

#: Every stored moment replaced by one at the calendar's edge (the offset matters:
#: 9999-12-31 23:59 at -12:00 is past the last moment UTC can hold).
EDGES = {
    "last day": "9999-12-31T23:59:59+00:00",
    "last day, west": "9999-12-31T23:59:59-12:00",
    "first day, east": "0001-01-01T00:00:00+14:00",
}


def extreme_file(path: Path, moment: str) -> Path:
    """A database with someone in every stage, a meeting, a promise and a snooze, then every
    date in it set to ``moment`` and every meeting 2**62 minutes long."""
    repo = Repository(path)
    people = []
    for stages, name in enumerate(("Ida", "Rae", "Mei", "Tam", "Flo")):
        contact = repo.add({"name": name, "company": "Edge Co"}, NOW - timedelta(days=30))
        for step in range(stages):
            contact, _ = repo.advance(contact.id, NOW, at=NOW - timedelta(days=20 - step))
        people.append(contact)
    fields = clean_schedule(scheduled_at=NOW + timedelta(hours=3), format="phone", minutes="15",
                            place="", research="", goals="")  # fmt: skip
    repo.schedule_meeting(people[1].id, None, fields, NOW)
    repo.snooze(people[3].id, "follow-up", "x", NOW + timedelta(days=3), NOW)
    text = path.read_text()
    text = re.sub(r'"\d{4}-\d\d-\d\dT[0-9:.]+\+00:00"', json.dumps(moment), text)
    text = re.sub(r'"minutes": \d+', f'"minutes": {2**62}', text)
    path.write_text(text)
    return path


@pytest.fixture(params=list(EDGES.values()), ids=list(EDGES))
def edge_repo(request: pytest.FixtureRequest, tmp_path: Path) -> Repository:
    return Repository(extreme_file(tmp_path / "edge.json", request.param))


@pytest.mark.parametrize("zone", [UTC, ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Etc/GMT+12")])
def test_due_at_the_edges_of_the_calendar_neither_overflows_nor_hides_it(
    edge_repo: Repository, zone
) -> None:
    now = NOW.astimezone(zone)
    contacts = edge_repo.contacts()
    assert len(contacts) == 5
    items = due_items(contacts, now, Settings())
    for item in items:
        assert due_reason(item, now)
        assert item.due_at.tzinfo is not None
    due_summary(items, now)
    for contact in contacts:
        thank_you = thank_you_item(contact, now, Settings())
        if thank_you is not None:
            assert badge(thank_you, now)
        next_follow_up(contact, now, Settings())


def test_a_meeting_in_year_9999_is_due_then_not_now(tmp_path: Path) -> None:
    repo = Repository(extreme_file(tmp_path / "edge.json", EDGES["last day"]))
    items = due_items(repo.contacts(), NOW, Settings())
    assert items == []  # everything is in the far future: nothing due today
    late = datetime(9999, 12, 30, tzinfo=UTC)
    items = due_items(repo.contacts(), late, Settings())
    assert {item.kind.value for item in items} >= {"meeting"}


def test_due_on_the_last_days_of_the_calendar(tmp_path: Path) -> None:
    repo = Repository(extreme_file(tmp_path / "edge.json", EDGES["first day, east"]))
    for now in (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), datetime(1, 1, 2, tzinfo=UTC)):
        for item in due_items(repo.contacts(), now, Settings()):
            due_reason(item, now)
