"""Snapshot SVGs of the main screens at a frozen clock (update with --snapshot-update)."""

from __future__ import annotations

from tests.ui.conftest import SIZE


def test_pipeline_with_demo_data(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=SIZE)


def test_due_with_demo_data(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["d"], terminal_size=SIZE)


def test_contact_page_of_the_most_overdue(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["d", "enter"], terminal_size=SIZE)


def test_empty_board(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=SIZE)


def test_new_contact_form_with_an_error(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), press=["n", "ctrl+s"], terminal_size=SIZE)


def test_archive_dialog(snap_compare, demo_repo, app_factory) -> None:
    assert snap_compare(app_factory(), press=["x"], terminal_size=SIZE)
