"""`u` appends to the history instead of erasing it, and the contact page shows what was undone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from coffeechat.domain.events import Advance, Undo
from coffeechat.domain.meetings import Promise
from coffeechat.domain.scheduling import clean_schedule
from coffeechat.domain.stages import Stage
from coffeechat.storage.atomic import AtomicJSONStorage
from coffeechat.storage.repository import Repository
from coffeechat.ui.screens.contact import ContactScreen, timeline_rows
from coffeechat.ui.widgets.keyed_table import KeyedTable
from tests.ui.conftest import SIZE, seed


async def test_u_keeps_the_advance_in_the_file_and_the_page_marks_it_undone(
    app_factory, repo: Repository, now, db_path: Path
) -> None:
    contact = seed(repo, now, "Edsger Dijkstra")
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        after = repo.get(contact.id)
        assert after.stage is Stage.IDENTIFIED
        advance, undo = after.events[-2:]
        assert isinstance(advance.data, Advance)
        assert undo.data == Undo(advance.id)
        # As any other process reads it: the file with its journal replayed.
        stored = (AtomicJSONStorage(db_path).read() or {})["contacts"]["1"]["events"]
        assert [e["kind"] for e in stored] == ["created", "advance", "undo"]

        await pilot.press("enter")
        await pilot.pause()
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        table = page.query_one("#timeline", KeyedTable)
        assert table.row_count == 2  # the undo itself is not a row of its own
        said = str(table.get_row(advance.id)[1])
        assert "Identified → Requested" in said or "identified → requested" in said
        assert said.endswith("undone")
        assert "undone" in str(table.get_row(advance.id)[2])


def test_timeline_rows_strike_through_undone_changes_only(repo: Repository, now) -> None:
    contact = seed(repo, now, "Ada", Stage.REQUESTED)
    moved, advance = repo.advance(contact.id, now)
    undone = repo.undo(contact.id, advance.id, now)
    rows = dict(timeline_rows(undone))
    assert set(rows) == {e.id for e in moved.events}
    struck = rows[advance.id][1]
    assert "strike" in str(getattr(struck, "spans", ""))
    others = [cells[1] for key, cells in rows.items() if key != advance.id]
    assert all(isinstance(cell, str) for cell in others)


def test_contact_page_with_an_undone_change(snap_compare, repo: Repository, now, app_factory):
    contact = seed(repo, now, "Grace Hopper", Stage.REQUESTED, company="Navy")
    _, advance = repo.advance(contact.id, now)
    repo.undo(contact.id, advance.id, now)
    assert snap_compare(app_factory(), press=["enter"], terminal_size=SIZE)


def test_the_timeline_names_the_promise_ticked_off(repo: Repository, now) -> None:
    contact = seed(repo, now, "Ada", Stage.REQUESTED)
    fields = clean_schedule(scheduled_at=now, format="video", minutes="15", place="",
                            research="", goals="")  # fmt: skip
    contact, _ = repo.schedule_meeting(contact.id, None, fields, now)
    meeting = contact.next_meeting
    assert meeting is not None
    promise = Promise("p1", "Send the team deck", now)
    repo.save_meeting(contact.id, replace(meeting, promises=(promise,)))
    ticked, event = repo.tick_promise(contact.id, "p1", now)
    said = dict(timeline_rows(ticked))[event.id][1]
    assert said == "Ticked off “Send the team deck”"
