"""Pilot tests for the Network view (w)."""

from __future__ import annotations

from textual.widgets import Tree

from coffeechat.domain.stages import Stage
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.network import NetworkScreen
from tests.ui.conftest import SIZE, seed


def tree_lines(screen: NetworkScreen) -> list[str]:
    tree = screen.query_one(Tree)
    lines = []
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None:
            lines.append(str(node.label))
    return lines


async def test_w_shows_who_introduced_whom_and_enter_opens_them(app_factory, repo, now) -> None:
    seed(repo, now, "Ana Diaz", Stage.FOLLOW_UP)
    ben = repo.add({"name": "Ben Ode", "referred_by": "Ana Diaz"}, now)
    repo.add({"name": "Cat Ng", "referred_by": "Ana Diaz"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, NetworkScreen)
        lines = tree_lines(screen)
        assert lines[0].startswith("Ana Diaz")
        assert "2 intros, 0 met" in lines[0]
        assert [line.split()[0] for line in lines[1:]] == ["Ben", "Cat"]
        summary = str(screen.query_one("#network-summary").render())
        assert "2 contacts came from introductions · 0 became meetings" in summary
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ContactScreen)
        assert pilot.app.screen.contact_id == ben.id
        await pilot.press("escape", "k", "escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, NetworkScreen)


async def test_network_redraws_when_someone_is_introduced(app_factory, repo, now) -> None:
    seed(repo, now, "Ana Diaz", Stage.FOLLOW_UP)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        screen = pilot.app.screen
        assert screen.query_one("#network-empty").display
        repo.add({"name": "Ben Ode", "referred_by": "Ana Diaz"}, now)
        pilot.app.data_changed.publish(None)  # as after any save
        await pilot.pause()
        assert not screen.query_one("#network-empty").display
        assert "1 intro, 0 met" in tree_lines(screen)[0]


async def test_w_again_does_not_stack_another_network_view(app_factory, repo, now) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("w", "w")
        await pilot.pause()
        assert sum(isinstance(s, NetworkScreen) for s in pilot.app.screen_stack) == 1
