"""At 80×24, every widget that can take the focus is in sight once focused (issue 11).

The routes are the table in ``test_every_screen``; this half sits in its own
file so that pytest-xdist can run it beside the snapshots.  A route marked
``cut`` fails here today (strict xfail): when the screen is fixed the test
passes, the run fails, and the mark comes off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget

from tests.ui.test_every_screen import ROUTES, SMALL, Route, arrive, start


def assert_visible(widget: Widget) -> None:
    """Fail unless ``widget`` is wholly where the person can see it.

    The compositor places each widget at a *region* in screen cells, and
    *clips* it by the visible window of every container it sits in: the
    screen itself (0, 0, width, height), a dialog, a scrolling body (its
    window, after the scroll offset, minus its scrollbars and any docked
    footer).  What is drawn is region ∩ clip.  So a widget is wholly in sight
    when its region is not empty and lies inside its clip, and the clip lies
    inside the screen.  A widget scrolled out of its container's window, or a
    button below the bottom edge of a dialog taller than the terminal, has a
    region that pokes out of its clip; a widget in a container too small to
    draw it gets no place in the map at all.

    Only what is around it is looked at, not what is drawn over it (a toast,
    another layer): the routes clear the toasts first.
    """
    screen = widget.screen
    screen_region = Region(0, 0, *screen.size)
    name = describe(widget)
    try:
        placed = screen.find_widget(widget)
    except Exception as error:  # NoWidget: laid out nowhere
        raise AssertionError(f"{name} is laid out nowhere on the screen") from error
    region, clip = placed.region, placed.clip
    assert region.area > 0, f"{name} has no room ({region})"
    assert screen_region.contains_region(region), (
        f"{name} at {region} is not wholly inside the {screen_region.size} screen"
    )
    assert clip.contains_region(region), (
        f"{name} at {region} is cut by its container's visible window {clip}"
    )


def describe(widget: Widget) -> str:
    return f"{type(widget).__name__}#{widget.id or '?'}"


def focusables(app: App[None]) -> list[Widget]:
    """The widgets Tab visits on the active screen, in order (none on the empty board)."""
    return list(app.screen.focus_chain)


def cases() -> Iterator[object]:
    for route in ROUTES:
        marks = [pytest.mark.xfail(strict=True, reason=route.cut)] if route.cut else []
        yield pytest.param(route, id=route.name, marks=marks)


@pytest.mark.parametrize("route", cases())
async def test_every_focusable_widget_is_in_sight_at_80x24(repo, now, route: Route) -> None:
    app = start(route, repo, now)
    async with app.run_test(size=SMALL) as pilot:
        await arrive(pilot, route)
        screen = app.screen
        pinned = ", ".join(filter(None, [route.pinned, "Button" if screen.is_modal else ""]))
        if route.pinned:
            assert screen.query(route.pinned), f"no {route.pinned} on {route.screen}"
        cut: list[str] = []
        for widget in focusables(app):
            if not widget.is_attached or widget.screen is not screen:
                continue  # gone since (a redraw replaced it)
            screen.set_focus(widget)  # scrolls it into view, as Tab does
            await pilot.pause()
            assert app.screen is screen, f"focusing {widget!r} left {route.screen}"
            focused = screen.focused or widget
            for shown in [focused, *(screen.query(pinned) if pinned else ())]:
                try:
                    assert_visible(shown)
                except AssertionError as problem:
                    where = "" if shown is focused else f" (focus on {describe(focused)})"
                    cut.append(str(problem).splitlines()[0] + where)
        assert not cut, "\n".join(dict.fromkeys(cut))
