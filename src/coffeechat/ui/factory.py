"""Every screen, registered by name: the only module that knows the screen classes.

The app shows screens by name (``Host.show_screen("contact", id)``), so
screens never import each other and the app never imports a screen module.

A screen's module is imported the first time its name is looked up: the app
starts on the board, and the meeting mode, the question picker, the drafts
and the rest need not be loaded before the board is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from textual.screen import Screen

ScreenFactory = Callable[..., Screen[Any]]


def _pipeline() -> ScreenFactory:
    from coffeechat.ui.screens.pipeline import PipelineScreen

    return PipelineScreen


def _due() -> ScreenFactory:
    from coffeechat.ui.screens.due import DueScreen

    return DueScreen


def _contact() -> ScreenFactory:
    from coffeechat.ui.screens.contact import ContactScreen

    return ContactScreen


def _archive() -> ScreenFactory:
    from coffeechat.ui.screens.archive import ArchiveScreen

    return ArchiveScreen


def _network() -> ScreenFactory:
    from coffeechat.ui.screens.network import NetworkScreen

    return NetworkScreen


def _questions() -> ScreenFactory:
    from coffeechat.ui.screens.questions import QuestionPicker

    return QuestionPicker


def _meeting() -> ScreenFactory:
    from coffeechat.ui.screens.meeting import MeetingScreen

    return MeetingScreen


def _draft() -> ScreenFactory:
    from coffeechat.ui.screens.draft import DraftScreen

    return DraftScreen


def _settings() -> ScreenFactory:
    from coffeechat.ui.dialogs.settings import SettingsDialog

    return SettingsDialog


def _help() -> ScreenFactory:
    from coffeechat.ui.screens.help import HelpScreen

    return HelpScreen


class _Registry(Mapping[str, ScreenFactory]):
    """Name → screen class, each imported when first looked up (then kept)."""

    def __init__(self, loaders: Mapping[str, Callable[[], ScreenFactory]]) -> None:
        self._loaders = dict(loaders)
        self._loaded: dict[str, ScreenFactory] = {}

    def __getitem__(self, name: str) -> ScreenFactory:
        found = self._loaded.get(name)
        if found is None:
            found = self._loaded[name] = self._loaders[name]()
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)


#: Name → how to build the screen (its arguments: ids, a meeting…).
SCREENS: Mapping[str, ScreenFactory] = _Registry(
    {
        "pipeline": _pipeline,
        "due": _due,
        "contact": _contact,
        "archive": _archive,
        "network": _network,
        "questions": _questions,
        "meeting": _meeting,
        "draft": _draft,
        "settings": _settings,
        "help": _help,
    }
)

#: The home screens, each a mode with its own stack (p and d switch between them).
MODES: tuple[str, ...] = ("pipeline", "due")


def mode_factory(name: str) -> Callable[[], Screen[Any]]:
    """Builds a home screen when its mode is first shown (its module loaded only then)."""
    return lambda: SCREENS[name]()
