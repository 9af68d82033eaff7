"""The board at 80×24 and 200×50: one strong card, cards that fit, wide cards that use the room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.style import Style
from rich.text import Text

from coffeechat.domain.rules import DueItem, DueKind, Section, Urgency
from coffeechat.domain.stages import PIPELINE, Stage
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from coffeechat.ui.widgets.cards import (
    MARKER,
    WIDE_CARD_HEIGHT,
    CardColumn,
    badge_text,
    fit_name,
)
from tests.ui.conftest import highlighted_name, seed

SMALL = (80, 24)
LARGE = (200, 50)


def column(app, stage: Stage) -> CardColumn:
    found: CardColumn = app.screen.query_one(f"#cards-{stage.value}", CardColumn)
    return found


def lines(col: CardColumn) -> list[str]:
    """The column's text as drawn, line by line."""
    return ["".join(s.text for s in col.render_line(y)) for y in range(col.size.height)]


def backgrounds(col: CardColumn, y: int) -> set[object]:
    return {s.style.bgcolor for s in col.render_line(y) if s.style is not None}


async def test_only_the_focused_columns_card_is_highlighted(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        focused = pilot.app.screen.focused
        assert isinstance(focused, CardColumn)
        plain = focused.rich_style.bgcolor
        for stage in PIPELINE:
            col = column(pilot.app, stage)
            if not col.card_count:
                continue
            cursor_line = (col.cursor or 0) * col.card_height - round(col.scroll_offset.y)
            drawn = lines(col)
            if col is focused:
                assert backgrounds(col, cursor_line) != {plain}  # the one strong card
                assert drawn[cursor_line].startswith(MARKER)
            else:
                assert backgrounds(col, cursor_line) == {plain}, stage
                assert not any(line.startswith(MARKER) for line in drawn), stage
        # The style that would paint a card in an unfocused column is no highlight at all.
        blurred = focused.get_component_rich_style("card-column--cursor-blurred")
        assert blurred.bgcolor == focused.rich_style.bgcolor


async def test_moving_columns_moves_the_one_strong_card(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("l")
        await pilot.pause()
        first, second = column(pilot.app, Stage.IDENTIFIED), column(pilot.app, Stage.REQUESTED)
        assert pilot.app.screen.focused is second
        assert not any(line.startswith(MARKER) for line in lines(first))
        assert lines(second)[0].startswith(MARKER)


async def test_cards_at_80x24_are_not_cut_mid_word(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        identified = "\n".join(lines(column(pilot.app, Stage.IDENTIFIED)))
        assert "Liam O'Connor" in identified
        assert "7d · GreenLoop" in identified
        met = lines(column(pilot.app, Stage.MET))
        # The 44-hour-late thank-you: the badge says what and that it is late, whole words.
        assert met[2].strip() == "thank-you late"
        assert "…" not in " ".join(met[2::3])
        follow_up = "\n".join(lines(column(pilot.app, Stage.FOLLOW_UP)))
        assert "Samuel W." in follow_up  # "Samuel Whitfield" is too long: a short form


async def test_wide_cards_show_role_next_meeting_and_every_due_item(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=LARGE) as pilot:
        await pilot.pause()
        requested = column(pilot.app, Stage.REQUESTED)
        assert requested.card_height == WIDE_CARD_HEIGHT
        text = "\n".join(lines(requested))
        assert "Brand Manager at Pulse Fitness" in text  # the role
        assert "meets Tue 10:00 · video" in text  # the next meeting, on its own line
        assert "meets today 12:00 · phone" in text
        assert "meeting today" in text  # and a badge for today's
        assert "first nudge now" in text  # a nudge's badge
        assert "no reply: archive?" in text
        met = "\n".join(lines(column(pilot.app, Stage.MET)))
        assert "thank-you 44 h late" in met
        assert "promise" in met  # a second badge on the same card
        follow_up = "\n".join(lines(column(pilot.app, Stage.FOLLOW_UP)))
        assert "follow-up overdue" in follow_up


async def test_narrow_cards_show_the_most_urgent_badge_only(app_factory, demo_repo) -> None:
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        met = lines(column(pilot.app, Stage.MET))
        assert "promise" not in "\n".join(met)
        assert column(pilot.app, Stage.MET).card_height == 3


def test_badges_shrink_to_a_word_that_fits(now) -> None:
    item = DueItem(
        "c1", "Ann", "", DueKind.THANK_YOU, now - timedelta(days=2), now - timedelta(days=3),
        Urgency.LATE, Section.THANK_YOUS,
    )  # fmt: skip
    assert badge_text(item, now, 40).plain == " thank-you 2 days late "
    assert badge_text(item, now, 18).plain == "thank-you 2d late"
    assert badge_text(item, now, 14).plain == "thank-you late"
    assert badge_text(item, now, 6).plain == " LATE "
    assert fit_name("Samuel Whitfield", 13) == "Samuel W."
    assert fit_name("Samuel Whitfield", 16) == "Samuel Whitfield"


def test_a_late_badge_is_reverse_video_so_it_shows_without_colour(now) -> None:
    item = DueItem(
        "c1", "Ann", "", DueKind.THANK_YOU, now - timedelta(days=2), now - timedelta(days=3),
        Urgency.LATE, Section.THANK_YOUS,
    )  # fmt: skip
    text: Text = badge_text(item, now, 20)
    (span,) = text.spans
    assert isinstance(span.style, Style)
    assert span.style.reverse
    assert span.style.bold


async def test_no_color_keeps_the_selection_and_late_badges_visible(
    app_factory, demo_repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_factory()
    assert app.no_color
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("l", "l")  # Met, whose first card's thank-you is late
        await pilot.pause()
        met = column(pilot.app, Stage.MET)
        assert pilot.app.screen.focused is met
        strip = met.render_line(2)
        assert strip.text.startswith(MARKER)  # the selection, by a glyph, not a colour
        late = [s for s in strip if "late" in s.text]
        assert late
        assert late[0].style is not None
        assert late[0].style.reverse
        # Its red would turn into a grey hardly darker than the background: no colour at all.
        assert late[0].style.color == met.rich_style.color


async def test_l_and_h_step_over_empty_columns(app_factory, repo, now) -> None:
    seed(repo, now, "Ida Identified")
    seed(repo, now, "Fay Follow", Stage.FOLLOW_UP)
    async with app_factory().run_test(size=SMALL) as pilot:
        assert highlighted_name(pilot.app, repo) == "Ida Identified"
        await pilot.press("l")
        assert highlighted_name(pilot.app, repo) == "Fay Follow"
        assert pilot.app.screen.focused is column(pilot.app, Stage.FOLLOW_UP)
        await pilot.press("l")  # nothing further on: stay
        assert pilot.app.screen.focused is column(pilot.app, Stage.FOLLOW_UP)
        await pilot.press("h")
        assert pilot.app.screen.focused is column(pilot.app, Stage.IDENTIFIED)
        await pilot.press("h")
        assert highlighted_name(pilot.app, repo) == "Ida Identified"


async def test_n_on_a_contact_page_stays_there_and_the_board_keeps_its_card(
    app_factory, repo, now
) -> None:
    seed(repo, now, "Aaron First")
    mary = seed(repo, now, "Mary Met", Stage.MET)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("l")
        assert highlighted_name(pilot.app, repo) == "Mary Met"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactScreen)
        await pilot.press("n", *"Zed Newcomer", "enter")
        await pilot.pause()
        assert any(c.name == "Zed Newcomer" for c in repo.contacts())
        page = pilot.app.screen
        assert isinstance(page, ContactScreen)
        assert page.contact_id == mary.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        assert highlighted_name(pilot.app, repo) == "Mary Met"


async def test_a_on_a_contact_page_still_moves_the_boards_selection_along(
    app_factory, repo, now
) -> None:
    seed(repo, now, "Aaron First")
    mary = seed(repo, now, "Mary Met", Stage.MET)
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.press("l", "enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(mary.id).stage is Stage.THANKED
        await pilot.press("escape")
        await pilot.pause()
        assert highlighted_name(pilot.app, repo) == "Mary Met"
        assert pilot.app.screen.focused is column(pilot.app, Stage.THANKED)


async def test_a_column_with_cards_out_of_sight_says_so_in_its_title(
    app_factory, repo, now
) -> None:
    for n in range(12):
        seed(repo, now, f"Person {n:02}")
    async with app_factory().run_test(size=SMALL) as pilot:
        await pilot.pause()
        title = pilot.app.screen.query_one("#title-identified")
        assert str(title.render()).strip() == "Identified 12 ↓"
        await pilot.press("end")
        await pilot.pause()
        assert str(title.render()).strip() == "Identified 12 ↑"


def test_cut_text_ends_at_a_whole_word_where_one_is_in_reach() -> None:
    from coffeechat.ui.widgets.cards import _cut

    assert _cut("11d · Harbor Freight Co", 22) == "11d · Harbor Freight…"
    assert _cut("16d · Civic Data Trust", 13) == "16d · Civic…"
    assert _cut("2d · Northwind Health", 14) == "2d · Northwin…"  # no shorter whole word
    assert _cut("7d · GreenLoop", 14) == "7d · GreenLoop"
