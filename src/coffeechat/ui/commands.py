"""The command palette (ctrl+p): every key of the current screen and the app, by name.

Built from the bindings themselves (description, tooltip), so a new key is in
the palette the day it is bound, and an action ``check_action`` disables is
not offered.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

#: Palette names for the keys that act on the selected contact: "Advance" alone
#: reads oddly in a list of everything the app can do.
TITLES = {
    "new": "New contact",
    "edit": "Edit contact",
    "advance": "Advance contact",
    "archive": "Archive contact",
    "open": "Open contact",
    "schedule": "Schedule meeting",
    "pick_questions": "Pick questions",
    "meeting": "Meeting mode",
    "draft": "Draft message",
    "follow_up": "Log a follow-up",
    "snooze": "Snooze due item",
    "delete": "Delete contact",
    "merge": "Merge duplicate contacts",
}


class BindingsProvider(Provider):
    """One command per enabled key binding of the screen under the palette (and the app)."""

    def _commands(self) -> Iterator[tuple[str, str, DOMNode, str]]:
        """(title, help, node, action) for each binding worth offering, once per action."""
        seen: set[tuple[int, str]] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not active.enabled:
                continue
            if binding.action == "command_palette":
                continue  # the palette is open already
            identity = (id(active.node), binding.action)
            if identity in seen:
                continue
            seen.add(identity)
            title = TITLES.get(binding.id or "", binding.description)
            shown_key = binding.key_display or key
            help_text = f"{binding.tooltip or binding.description} ({shown_key})"
            yield title, help_text, active.node, binding.action

    async def discover(self) -> Hits:
        """Every command, for the empty palette."""
        for title, help_text, node, action in self._commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action, node), help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands whose name (or, less strongly, explanation) matches."""
        matcher = self.matcher(query)
        for title, help_text, node, action in self._commands():
            score = max(matcher.match(title), matcher.match(f"{title} {help_text}") * 0.5)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action, node),
                    help=help_text,
                )
