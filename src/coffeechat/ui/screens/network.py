"""The snowball (`w`): who introduced whom, as a tree, with what came of it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Label, Static, Tree
from textual.widgets.tree import TreeNode

from coffeechat.domain.model import printable
from coffeechat.domain.network import Node, build_network
from coffeechat.ui.screens.app_screen import AppScreen

NOBODY_YET = """\
[b]No introductions yet.[/b]

At the end of every meeting, ask who else you should talk to.  Names you add
under Referrals in meeting mode (m) land on the board, linked to whoever
introduced them, and this tree grows from there."""


class NetworkScreen(AppScreen[None]):
    """The referral forest; enter opens the highlighted person."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="back", tooltip="Back to where you were"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def compose(self) -> ComposeResult:
        """A summary line over the tree."""
        yield Header()
        yield Label("", id="network-summary")
        tree: Tree[str] = Tree("Introductions", id="network-tree")
        tree.show_root = False
        tree.guide_depth = 3
        tree.auto_expand = False  # enter opens the person; the tree stays open
        yield tree
        yield Static(NOBODY_YET, id="network-empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Draw, redraw on change, focus the tree."""
        self.sub_title = "Network"
        self.redraw_on_change(self.reload)
        self.guarded(self.reload)
        self.query_one(Tree).focus()

    def on_screen_resume(self) -> None:
        """Redraw on return (a contact page may have changed things)."""
        self.guarded(self.reload)

    def reload(self) -> None:
        """Rebuild the tree from every contact (archived ones too: they still introduced people)."""
        network = build_network(self.coffeechat.repository.contacts(include_archived=True))
        tree: Tree[str] = self.query_one(Tree)
        selected = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        for root in network.roots:
            self._add(tree.root, root)
        tree.root.expand_all()
        tree.cursor_line = 0  # start on the first person, not above the list
        if selected is not None:
            for line in range(tree.last_line + 1):
                node = tree.get_node_at_line(line)
                if node is not None and node.data == selected:
                    tree.cursor_line = line
                    break
        self.query_one("#network-summary", Label).update(
            f"[b]{network.referred}[/b] contact{'s' * (network.referred != 1)} came from "
            f"introductions · [b]{network.met}[/b] became meetings"
            if not network.empty
            else ""
        )
        tree.display = not network.empty
        self.query_one("#network-empty").display = network.empty

    def _add(self, parent: TreeNode[str], node: Node) -> None:
        contact = node.contact
        label = Text(printable(contact.name), style="bold" if node.introductions else "")
        if contact.company:
            label.append(f" · {printable(contact.company)}", style="dim")
        label.append(f"  {contact.stage.label}", style="cyan")
        if contact.archived:
            label.append(" (archived)", style="italic" if self.app.no_color else "magenta")
        if node.introductions:
            label.append(
                f"  {node.introductions} intro{'s' * (node.introductions != 1)}, "
                f"{node.meetings} met",
                style="green",
            )
        branch = parent.add(label, data=contact.id, expand=True, allow_expand=bool(node.children))
        for child in node.children:
            self._add(branch, child)

    def action_cursor_down(self) -> None:
        """Next line of the tree."""
        self.query_one(Tree).action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous line of the tree."""
        self.query_one(Tree).action_cursor_up()

    @on(Tree.NodeSelected)
    def _open(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data is not None:
            self.coffeechat.show_screen("contact", event.node.data)
