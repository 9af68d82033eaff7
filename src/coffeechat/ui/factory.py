"""Every screen, registered by name: the only module that knows the screen classes.

The app shows screens by name (``Host.show_screen("contact", id)``), so
screens never import each other and the app never imports a screen module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual.screen import Screen

from coffeechat.ui.dialogs.settings import SettingsDialog
from coffeechat.ui.screens.archive import ArchiveScreen
from coffeechat.ui.screens.contact import ContactScreen
from coffeechat.ui.screens.draft import DraftScreen
from coffeechat.ui.screens.due import DueScreen
from coffeechat.ui.screens.help import HelpScreen
from coffeechat.ui.screens.meeting import MeetingScreen
from coffeechat.ui.screens.network import NetworkScreen
from coffeechat.ui.screens.pipeline import PipelineScreen
from coffeechat.ui.screens.questions import QuestionPicker

ScreenFactory = Callable[..., Screen[Any]]

#: Name → how to build the screen (its arguments: ids, a meeting…).
SCREENS: Mapping[str, ScreenFactory] = {
    "pipeline": PipelineScreen,
    "due": DueScreen,
    "contact": ContactScreen,
    "archive": ArchiveScreen,
    "network": NetworkScreen,
    "questions": QuestionPicker,
    "meeting": MeetingScreen,
    "draft": DraftScreen,
    "settings": SettingsDialog,
    "help": HelpScreen,
}

#: The home screens, each a mode with its own stack (p and d switch between them).
MODES: tuple[str, ...] = ("pipeline", "due")
