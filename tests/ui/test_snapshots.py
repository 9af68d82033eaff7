"""Snapshot SVGs of the main screens at a frozen clock (update with --snapshot-update)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.ui.conftest import SIZE


async def type_and_hold_the_cursor(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys``, then stop the cursor blinking (shown, as in the snapshot): on a
    loaded machine the 0.5 s blink could pass before the screenshot and hide it."""
    await pilot.press(*keys)
    await pilot.pause()
    fields: list[Input | TextArea] = [*pilot.app.screen.query(Input)]
    for field in [*fields, *pilot.app.screen.query(TextArea)]:
        field.cursor_blink = False


def test_pipeline_with_demo_data(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=SIZE)


def test_due_with_demo_data(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["d"], terminal_size=SIZE)


def test_contact_page_of_the_most_overdue(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["d", "enter"], terminal_size=SIZE)


def test_empty_board(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=SIZE)


def test_new_contact_form_with_an_error(snap_compare, app_factory) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await type_and_hold_the_cursor(pilot, "n", "ctrl+s")

    assert snap_compare(app_factory(), run_before=run_before, terminal_size=SIZE)


def test_archive_dialog(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["x"], terminal_size=SIZE)


def test_network_with_demo_data(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["w"], terminal_size=SIZE)


def test_meeting_mode_two_minutes_before_the_end(snap_compare, repo, now) -> None:
    from dataclasses import replace
    from datetime import timedelta

    from coffeechat.domain.clock import frozen_clock
    from coffeechat.domain.meetings import Promise
    from coffeechat.ui.app import make_app
    from tests.ui.test_meeting_mode import with_meeting

    # Scheduled 13½ minutes ago: the countdown runs from the scheduled start.
    contact, meeting_id = with_meeting(repo, now - timedelta(minutes=13, seconds=30))
    meeting = repo.get(contact.id).meeting(meeting_id)
    assert meeting is not None
    agenda = list(meeting.agenda)
    agenda[0] = replace(agenda[0], asked=True, answer="Support desk first, then product")
    repo.save_meeting(
        contact.id,
        replace(
            meeting,
            agenda=tuple(agenda),
            notes="Team of 6 PMs; weekly clinic visits.",
            takeaways=("Shadow a clinic day before applying",),
            promises=(Promise("p1", "Send my case study", now + timedelta(days=2)),),
            referrals=("Sam Lee, Acme Health",),
        ),
    )
    app = make_app(repo, frozen_clock(now))
    assert snap_compare(app, press=["m"], terminal_size=SIZE)


def test_merge_dialog(snap_compare, repo, now, app_factory) -> None:
    repo.add({"name": "Ada Lovelace", "company": "Engines", "notes": "Met at PyCon"}, now)
    repo.add({"name": "Ada L.", "company": "Engines Ltd", "email": "ada@e.org",
              "notes": "Alumni list"}, now)  # fmt: skip

    async def run_before(pilot: Pilot[None]) -> None:
        await type_and_hold_the_cursor(pilot, "M", *"ada l", "enter")

    assert snap_compare(app_factory(), run_before=run_before, terminal_size=SIZE)


def test_finish_dialog_at_80x24_wraps_what_recording_will_do(
    snap_compare, repo, now, app_factory
) -> None:
    """The referral sentences used to be cut at the dialog's edge ("linked as introduced by")."""
    from coffeechat.domain.stages import Stage
    from tests.ui.conftest import seed
    from tests.ui.test_meeting_mode import with_meeting

    seed(repo, now, "Sam Lee", Stage.MET, company="Acme")  # a later column than Priya's
    with_meeting(repo, now, referrals=("Sam Lee, Acme", "Eve Park-Whitaker, Umbrella Holdings"))

    async def run_before(pilot: Pilot[None]) -> None:
        await type_and_hold_the_cursor(pilot, "m", "ctrl+s")

    assert snap_compare(app_factory(), run_before=run_before, terminal_size=(80, 24))
