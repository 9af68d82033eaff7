"""Issue 11: words as a person says them: "1 contact", "every month", "as a Data Scientist"."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.rules import due_items
from coffeechat.domain.settings import Settings
from coffeechat.domain.templates import BUILTIN_TEMPLATES, MessageKind, render, template_values
from coffeechat.domain.words import (
    article,
    counted,
    every,
    full_sentence,
    plural,
    with_article,
)
from coffeechat.storage.repository import Repository
from coffeechat.ui import transfer_actions
from coffeechat.ui.app import make_app
from coffeechat.ui.screens.due import nothing_due
from tests.unit.cli_support import Run

DATA = Path(__file__).parent.parent / "data" / "interchange"


@pytest.mark.parametrize(
    ("count", "word", "said"),
    [
        (0, "contact", "0 contacts"),
        (1, "contact", "1 contact"),
        (2, "contact", "2 contacts"),
        (1, "day", "1 day"),
        (7, "day", "7 days"),
        (1, "person", "1 person"),
        (3, "person", "3 people"),
        (2, "company", "2 companies"),
    ],
)
def test_counted_says_the_number_with_the_right_form(count: int, word: str, said: str) -> None:
    assert counted(count, word) == said


def test_plural_takes_an_irregular_form_when_given() -> None:
    assert plural("index", 2, "indices") == "indices"
    assert plural("index", 1, "indices") == "index"


@pytest.mark.parametrize(
    ("count", "said"), [(1, "every month"), (2, "every 2 months"), (24, "every 24 months")]
)
def test_every_says_one_without_a_number(count: int, said: str) -> None:
    assert every(count, "month") == said


@pytest.mark.parametrize(
    ("role", "said"),
    [
        ("Data Scientist", "a Data Scientist"),
        ("Engineer", "an Engineer"),
        ("engineering manager", "an engineering manager"),
        ("UX Designer", "a UX Designer"),
        ("SRE", "an SRE"),
        ("MBA intern", "an MBA intern"),
        ("VP of Sales", "a VP of Sales"),
        ("University lecturer", "a University lecturer"),
        ("European policy adviser", "a European policy adviser"),
        ("hourly consultant", "an hourly consultant"),
        ("Illustrator", "an Illustrator"),
        ("the Head of Data", "the Head of Data"),  # its own article stays
        ("An Analyst", "An Analyst"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_with_article_puts_a_or_an_before_a_role(role: str, said: str) -> None:
    assert with_article(role) == said


def test_article_of_nothing_is_a() -> None:
    assert article("") == "a"


@pytest.mark.parametrize(
    ("fragment", "said"),
    [
        ("Ada was deleted (perhaps elsewhere)", "Ada was deleted (perhaps elsewhere)."),
        ("no contact 1234 (deleted elsewhere?)", "No contact 1234 (deleted elsewhere?)."),
        ("Is it there?", "Is it there?"),
        ("Cannot read x.json: locked.", "Cannot read x.json: locked."),
        ("Saving…", "Saving…"),
        ("", ""),
    ],
)
def test_full_sentence_capitalises_and_ends_with_a_full_stop(fragment: str, said: str) -> None:
    assert full_sentence(fragment) == said


def test_the_introduced_request_says_as_a_role(now: datetime) -> None:
    values = template_values(
        name="Ann Lee", role="Data Scientist", company="Acme", referrer="Sam Lee", now=now
    )
    draft = render(MessageKind.REFERRAL, BUILTIN_TEMPLATES[MessageKind.REFERRAL], values)
    assert "your experience as a Data Scientist at Acme" in draft.body
    values = template_values(name="Ann Lee", role="Engineer", company="Acme", now=now)
    draft = render(MessageKind.REFERRAL, BUILTIN_TEMPLATES[MessageKind.REFERRAL], values)
    assert "as an Engineer at Acme" in draft.body


def test_the_empty_due_list_counts_in_words() -> None:
    one = Settings(thank_you_due_hours=1, thank_you_late_hours=1, follow_up_months=1,
                   nudge_days=1, second_nudge_days=1, give_up_days=1)  # fmt: skip
    text = nothing_due(one)
    assert "due 1 hour after" in text
    assert "late after 1 hour;" in text
    assert "every month after" in text
    assert "1 day after a request" in text
    assert "1 months" not in text
    assert "every 3 months" in nothing_due(Settings())


def test_a_monthly_follow_up_says_every_month(repo: Repository, now: datetime) -> None:
    contact = repo.add({"name": "Ann Lee", "cadence": "1"}, now - timedelta(days=200))
    for _ in range(3):  # to Thanked: the follow-up clock runs
        contact, _ = repo.advance(contact.id, now - timedelta(days=100))
    details = [item.detail for item in due_items(repo.contacts(), now, Settings())]
    assert "every month" in details


# -- after an import: what was done, not what would be --------------------------------------


def test_the_cli_says_added_after_an_import(run: Run, db: Path) -> None:
    result = run("import", "linkedin", str(DATA / "linkedin_connections.csv"))
    assert result.code == 0
    assert result.out.startswith("Added 5 · 2 skipped\n")
    assert "to add" not in result.out


def test_a_dry_run_still_says_what_it_would_add(run: Run, db: Path) -> None:
    result = run("import", "linkedin", str(DATA / "linkedin_connections.csv"), "--dry-run")
    assert result.out.startswith("Dry run: 5 to add")


async def test_the_toast_says_added_after_an_import(repo: Repository, now: datetime) -> None:
    from textual.widgets import Input

    from coffeechat.ui.dialogs.prompts import ConfirmDialog

    app = make_app(repo, frozen_clock(now))
    async with app.run_test(size=(80, 24)) as pilot:
        transfer_actions.start_import(app, "linkedin")
        await pilot.pause()
        app.screen.query_one(Input).value = str(DATA / "linkedin_connections.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(20):  # the import runs in a thread
            if app.toasts and app.toasts[-1].title == transfer_actions.IMPORTS["linkedin"][0]:
                break
            await pilot.pause()
        toast = app.toasts[-1].message
    assert toast.startswith("Added 5 · 2 skipped.")
    assert "to add" not in toast
    assert len(repo.contacts()) == 5


# -- a request is a request, even to someone introduced -------------------------------------


def test_a_request_to_someone_introduced_is_called_a_request() -> None:
    from coffeechat.domain.templates import message_name
    from coffeechat.ui.screens.contact import _said

    assert message_name(MessageKind.REFERRAL) == "request"
    assert message_name("referral") == "request"
    assert message_name("thank-you") == "thank-you"
    assert _said("email", "referral", "") == " (email): sent request"  # the timeline
