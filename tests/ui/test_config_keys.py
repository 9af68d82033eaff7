"""Keys rebound in the config file's [keys] table work, and a bad entry is a toast, not a stop."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from coffeechat.config import parse_config
from coffeechat.domain.clock import frozen_clock
from coffeechat.domain.stages import Stage
from coffeechat.ui.app import binding_ids, make_app
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.help import THIS_SCREEN, HelpScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from tests.ui.conftest import seed
from tests.ui.test_footers import footer_line

SMALL = (80, 24)
README = Path(__file__).resolve().parents[2] / "README.md"


def config(text: str):
    return parse_config(Path("/home/me/.config/coffeechat/config.toml"), text)


async def test_a_rebound_key_works_and_the_old_one_no_longer_does(repo, now) -> None:
    contact = seed(repo, now, "Ada", company="Engines")
    app = make_app(repo, frozen_clock(now), config('[keys]\nadvance = "v"\ndue = "ctrl+d"\n'))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.IDENTIFIED  # a is no longer advance
        await pilot.press("v")
        await pilot.pause()
        assert repo.get(contact.id).stage is Stage.REQUESTED
        assert "v Advance" in footer_line(pilot.app)
        assert "^d Due" in footer_line(pilot.app)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)
        assert all(t.title != "Config file" for t in app.toasts)


async def test_a_rebound_palette_key_opens_the_palette_and_the_footer_says_so(repo, now) -> None:
    app = make_app(repo, frozen_clock(now), config('[keys]\npalette = "f2"\n'))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert footer_line(pilot.app).rstrip().endswith("f2 Palette")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CommandPalette)


async def test_help_shows_the_rebound_key(repo, now) -> None:
    app = make_app(repo, frozen_clock(now), config('[keys]\nadvance = "v"\nhelp = "f1"\n'))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        own = {row.what: row.keys for row in dict(screen.sections)[THIS_SCREEN]}
        assert own["Advance"] == "v"
        await pilot.press("f1")  # the rebound help key closes it too
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)


async def test_a_bad_entry_is_one_sentence_and_the_rest_still_apply(repo, now) -> None:
    app = make_app(repo, frozen_clock(now), config('[keys]\nadvanc = "A"\ndue = "ctrl+d"\n'))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        (toast,) = [t for t in app.toasts if t.title == "Config file"]
        assert toast.message == (
            "/home/me/.config/coffeechat/config.toml, line 2: coffeechat has no key called "
            '"advanc" (did you mean "advance"?), so it was ignored.'
        )
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)


async def test_a_file_that_does_not_parse_still_opens_the_app(repo, now) -> None:
    app = make_app(repo, frozen_clock(now), config("[keys]\nadvance A\n"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, PipelineScreen)
        (toast,) = [t for t in app.toasts if t.title == "Config file"]
        assert "line 2, column 9" in toast.message
        await pilot.press("d")  # every key as built
        await pilot.pause()
        assert isinstance(pilot.app.screen, DueScreen)


async def test_a_key_another_action_also_has_is_said_once(repo, now) -> None:
    app = make_app(repo, frozen_clock(now), config('\n[keys]\nadvance = "A"\n'))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("j", "k")
        await pilot.pause()
        (toast,) = [t for t in app.toasts if t.title == "Config file"]
        assert toast.message == (
            '/home/me/.config/coffeechat/config.toml, line 3: "A" is also the key for '
            '"show-archive", so one of them will not work; give one of them another key.'
        )


def test_the_readme_names_only_binding_ids_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Keys you can change", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    named = {name for cell in first_cells for name in cell.split("`")[1::2]}
    assert {"advance", "due", "help", "quit", "palette", "column-right", "mine", "theirs"} <= named
    assert named <= binding_ids()
