"""``coffeechat due`` reads thin views of the stored records: the same list as from whole contacts.

The rules (domain/rules.py) run on both; what is compared is every field of
every item, times as their ISO text (what ``due --json`` prints), in order.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coffeechat import cli
from coffeechat.domain import due_records
from coffeechat.domain.demo import demo_contacts
from coffeechat.domain.due_records import DueView, due_subjects
from coffeechat.domain.errors import UserError
from coffeechat.domain.events import ArchiveReason
from coffeechat.domain.meetings import Promise
from coffeechat.domain.model import Contact
from coffeechat.domain.records import RecordError
from coffeechat.domain.rules import DueItem, Settings, due_items
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.storage.repository import Repository
from tests.conftest import NOW, counting_ids

ZONES = [UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]


def shown(items: list[DueItem]) -> list[tuple[Any, ...]]:
    """Every field of every item, times as text: equal lists print byte for byte the same."""
    return [
        (
            i.contact_id, i.name, i.company, i.kind, i.due_at.isoformat(), i.since.isoformat(),
            i.urgency, i.section, i.ref, i.detail, i.key,
        )
        for i in items
    ]  # fmt: skip


def assert_same_due_list(repository: Repository, at: datetime, chosen: Settings) -> None:
    thin = due_items(due_subjects(repository.raw_contact_records()), at, chosen)
    full = due_items(repository.contacts(), at, chosen)
    assert shown(thin) == shown(full)


# -- random databases, made by the app's own moves ---------------------------------------------

OPERATIONS = st.sampled_from(
    ["add", "add", "add", "advance", "advance", "advance", "advance", "advance", "follow_up",
     "message", "archive", "restore", "snooze", "snooze", "unsnooze", "schedule", "schedule",
     "cancel", "hold", "hold", "promise", "promise", "tick", "untick", "edit", "delete", "merge",
     "undo", "undo", "cadence"]
)  # fmt: skip
STEPS = st.lists(
    st.tuples(OPERATIONS, st.integers(0, 7), st.integers(-20, 160), st.integers(0, 5)),
    min_size=8,
    max_size=40,
)
SETTINGS = st.builds(
    lambda due, late, months, factor, nudge: Settings(
        thank_you_due_hours=due,
        thank_you_late_hours=due + late,
        follow_up_months=months,
        follow_up_overdue_factor=factor,
        nudge_days=nudge,
        second_nudge_days=nudge * 2,
        give_up_days=nudge * 3,
    ),
    st.integers(1, 72),
    st.integers(0, 72),
    st.integers(1, 24),
    st.sampled_from([1.0, 1.5, 2.0, 3.0]),
    st.integers(1, 30),
)


def _apply(repo: Repository, step: tuple[str, int, int, int], start: datetime) -> None:
    op, who, days, extra = step
    when = start + timedelta(days=days, hours=extra * 5)
    everyone = repo.contacts(include_archived=True)
    if op == "add" or not everyone:
        names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra"]
        repo.add({"name": names[who % 4], "company": ["", "ACME", "Navy"][extra % 3]}, when)
        return
    contact = everyone[who % len(everyone)]
    meetings = [m for m in contact.meetings if m.planned]
    item = next(iter(due_items([contact], when, repo.settings())), None)
    if op == "advance":
        repo.advance(contact.id, when, at=when - timedelta(hours=extra))
    elif op == "follow_up":
        repo.follow_up(contact.id, when, "call", "", when)
    elif op == "message":
        repo.message_sent(contact.id, ["request", "thank-you", "follow-up"][extra % 3], when, when)
    elif op == "archive":
        repo.archive(contact.id, list(ArchiveReason)[extra % len(ArchiveReason)], when)
    elif op == "restore":
        repo.restore(contact.id, when)
    elif op == "snooze" and item is not None:
        repo.snooze(contact.id, item.kind.value, item.ref, when + timedelta(days=extra), when)
    elif op == "unsnooze" and item is not None:
        repo.unsnooze(contact.id, item.kind.value, item.ref, when)
    elif op == "schedule":
        fields = clean_schedule(scheduled_at=when + timedelta(days=extra - 2), format="video",
                                minutes="30", place="", research="", goals="")  # fmt: skip
        repo.schedule_meeting(contact.id, None, fields, when)
    elif op == "cancel" and meetings:
        repo.cancel_meeting(contact.id, meetings[0].id, when)
    elif op == "hold" and meetings:
        repo.record_meeting(contact.id, meetings[0].id, when, when)
    elif op == "promise" and contact.meetings:
        meeting = contact.meetings[-1]
        promise = Promise(repo.new_id(), "send the deck", when + timedelta(days=extra - 2))
        repo.save_meeting(contact.id, replace(meeting, promises=(*meeting.promises, promise)))
    elif op in ("tick", "untick"):
        promises = [p for m in contact.meetings for p in m.promises]
        if promises:
            repo.tick_promise(contact.id, promises[0].id, when, done=op == "tick")
    elif op == "edit":
        repo.edit(contact.id, {"company": f"Co {extra}"}, when)
    elif op == "cadence":
        repo.edit(contact.id, {"cadence": str(extra + 1) if extra else ""}, when)
    elif op == "delete":
        repo.delete(contact.id, when)
    elif op == "merge" and len(everyone) > 1:
        other = everyone[(who + 1) % len(everyone)]
        repo.merge_contacts(contact.id, other.id, when, take_other=())
    elif op == "undo":
        everything = [*everyone, *repo.deleted()]
        target = everything[who % len(everything)]
        repo.undo(target.id, target.events[-1].id, when)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=STEPS,
    chosen=SETTINGS,
    offsets=st.lists(st.integers(-60 * 24, 60 * 24 * 200), min_size=1, max_size=4),
    zone=st.sampled_from(ZONES),
)
def test_the_thin_read_gives_the_same_due_list_as_whole_contacts(
    tmp_path: Path,
    steps: list[tuple[str, int, int, int]],
    chosen: Settings,
    offsets: list[int],
    zone: ZoneInfo,
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        path = Path(folder) / "contacts.json"
        repo = Repository(path, id_factory=counting_ids())
        start = NOW - timedelta(days=150)
        for step in steps:
            with contextlib.suppress(UserError, ValueError):
                _apply(repo, step, start)
        repo.save_settings(chosen)
        reader = Repository(path, create=False)
        for minutes in offsets:
            moment = (NOW + timedelta(minutes=minutes)).astimezone(zone)
            assert_same_due_list(reader, moment, chosen)


# -- what is left out, and what is read in full --------------------------------------------------


def test_nobody_with_something_due_is_left_out(repo: Repository, now: datetime) -> None:
    ada = repo.add({"name": "Ada Lovelace"}, now - timedelta(days=30))
    grace = repo.add({"name": "Grace Hopper"}, now - timedelta(days=30))
    alan = repo.add({"name": "Alan Turing"}, now - timedelta(days=30))
    repo.advance(grace.id, now - timedelta(days=29))  # requested long ago: a nudge
    repo.advance(alan.id, now - timedelta(days=29))
    repo.archive(alan.id, ArchiveReason.NO_RESPONSE, now - timedelta(days=2))
    subjects = due_subjects(repo.raw_contact_records())
    assert [s.id for s in subjects] == [grace.id]  # Ada: identified; Alan: archived
    assert isinstance(subjects[0], DueView)
    assert [i.contact_id for i in due_items(subjects, now, repo.settings())] == [grace.id]
    assert ada.id not in {i.contact_id for i in due_items(repo.contacts(), now, repo.settings())}


def test_an_identified_contact_with_a_meeting_is_read(repo: Repository, now: datetime) -> None:
    ada = repo.add({"name": "Ada Lovelace"}, now - timedelta(days=3))
    fields = clean_schedule(scheduled_at=now + timedelta(days=1), format="video", minutes="30",
                            place="", research="", goals="")  # fmt: skip
    repo.schedule_meeting(ada.id, None, fields, now)
    [subject] = due_subjects(repo.raw_contact_records())
    assert [i.kind.value for i in due_items([subject], now, repo.settings())] == ["meeting"]
    assert_same_due_list(repo, now, repo.settings())


def test_a_history_with_an_undo_is_read_as_a_whole_contact(repo: Repository, now: datetime) -> None:
    ada = repo.add({"name": "Ada Lovelace", "role": "Engineer"}, now - timedelta(days=30))
    ada, _ = repo.advance(ada.id, now - timedelta(days=29))
    repo.archive(ada.id, ArchiveReason.NO_RESPONSE, now - timedelta(days=2))
    archived = repo.get(ada.id)
    repo.undo(ada.id, archived.events[-1].id, now - timedelta(days=1))
    [subject] = due_subjects(repo.raw_contact_records())
    assert not isinstance(subject, DueView)  # the undo took the archiving back
    assert isinstance(subject, Contact)
    assert (subject.name, subject.role) == ("Ada Lovelace", "")  # only what the rules read
    assert_same_due_list(repo, now, repo.settings())


def test_a_second_meeting_held_counts_as_being_in_touch(repo: Repository, now: datetime) -> None:
    ada = repo.add({"name": "Ada Lovelace"}, now - timedelta(days=200))
    for days in (199, 198):
        repo.advance(ada.id, now - timedelta(days=days))  # requested, met
    repo.message_sent(ada.id, "thank-you", now - timedelta(days=197), now - timedelta(days=197))
    fields = clean_schedule(scheduled_at=now - timedelta(days=80), format="video", minutes="30",
                            place="", research="", goals="")  # fmt: skip
    ada, _ = repo.schedule_meeting(ada.id, None, fields, now - timedelta(days=90))
    assert ada.next_meeting is not None
    repo.record_meeting(ada.id, ada.next_meeting.id, now - timedelta(days=80), now)
    [subject] = due_subjects(repo.raw_contact_records())
    assert subject.last_touch_at == now - timedelta(days=80) == repo.get(ada.id).last_touch_at
    [item] = due_items([subject], now + timedelta(days=12), repo.settings())
    assert (item.kind.value, item.since) == ("follow-up", now - timedelta(days=80))
    assert_same_due_list(repo, now + timedelta(days=12), repo.settings())


def _stored(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data


def test_a_malformed_record_that_is_read_raises(repo: Repository, now: datetime) -> None:
    ada = repo.add({"name": "Ada Lovelace"}, now - timedelta(days=30))
    repo.advance(ada.id, now - timedelta(days=29))
    records = [dict(r) for r in repo.raw_contact_records()]
    records[0]["events"] = [*records[0]["events"], {**records[0]["events"][-1], "at": "soon"}]
    with pytest.raises(RecordError):
        due_subjects(records)
    records[0]["name"] = 5
    with pytest.raises(RecordError, match="name is not text"):
        due_subjects(records)
    with pytest.raises(due_records.DuplicateIdsError):
        due_subjects([records[0], records[0]])


def test_a_malformed_record_gives_due_the_repository_s_message(
    tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "db.json"
    repo = Repository(path)
    ada = repo.add({"name": "Ada Lovelace"}, now - timedelta(days=30))
    repo.advance(ada.id, now - timedelta(days=29))
    data = _stored(path)
    data["contacts"]["1"]["events"][-1]["data"]["to_stage"] = "married"
    path.write_bytes(orjson.dumps(data))
    status, out, err = _run(["due", "--db", str(path)])
    assert (status, out) == (1, "")
    assert "record 1 in 'contacts' is malformed" in err


# -- the demo data and the benchmark's data, through the command itself -------------------------


def _run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv, env or {"COFFEECHAT_NOW": "2026-11-22 10:00"})
    return status, out.getvalue(), err.getvalue()


def _both_ways(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> tuple[str, str]:
    """``due``'s output read thinly, then with the thin read refused (whole contacts)."""
    status, thin, _ = _run(argv)
    assert status == 0

    def refuse(records: object) -> list[Any]:
        raise RecordError("refused")

    with monkeypatch.context() as patch:
        patch.setattr(due_records, "due_subjects", refuse)
        status, full, _ = _run(argv)
    assert status == 0
    return thin, full


@pytest.mark.parametrize("extra", [[], ["--json"], ["--quiet"], ["--at", "friday 9am"]])
def test_the_demo_data_prints_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    path = tmp_path / "demo.json"
    Repository(path).insert_many(demo_contacts(NOW - timedelta(minutes=1), counting_ids()))
    thin, full = _both_ways(monkeypatch, ["due", "--db", str(path), *extra])
    assert thin == full
    assert thin.count("\n") > 3 or extra == ["--quiet"]


@pytest.mark.parametrize("extra", [[], ["--json"], ["--at", "in 40 days"]])
def test_the_benchmark_data_prints_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2]))
    try:
        from benchmarks.synthetic import write_database
    finally:
        sys.path.pop(0)
    path = tmp_path / "bench.json"
    write_database(path, 600, NOW)
    thin, full = _both_ways(monkeypatch, ["due", "--db", str(path), *extra])
    assert thin == full
    assert len(thin) > 1000


def test_due_does_not_load_textual_or_the_file_formats(tmp_path: Path) -> None:
    import subprocess

    path = tmp_path / "db.json"
    Repository(path).add({"name": "Ada Lovelace"}, NOW)
    code = (
        "import sys; from coffeechat import cli; "
        f"cli.main(['due', '--db', {str(path)!r}], {{}}); "
        "print(sorted(m for m in sys.modules if m.startswith(('textual', 'coffeechat.interchange',"
        " 'coffeechat.transfer', 'coffeechat.config'))))"
    )
    src = str(Path(__file__).parents[2] / "src")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": src},
        check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"
