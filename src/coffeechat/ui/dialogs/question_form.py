"""Write or edit a question for the bank: text, category, tags."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from coffeechat.domain.model import ValidationError
from coffeechat.domain.questions import Category, Question, clean_question
from coffeechat.ui.dialogs.base import Dialog, DialogBody, DialogBox, Invalid


class QuestionForm(Dialog[tuple[str, Category, tuple[str, ...]] | None]):
    """Write or edit a question: text, category, tags."""

    def __init__(self, question: Question | None) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        """Three rows, each with room for an error."""
        question = self.question
        builtin = question is not None and question.builtin
        title = "New question" if question is None else "Edit question"
        with DialogBox(classes="form"):
            yield Label(title, id="dialog-title")
            with DialogBody():
                with Horizontal(classes="field-row"):
                    yield Label("Question", classes="field-label")
                    yield Input(
                        question.text if question else "",
                        id="field-text",
                        compact=True,
                        disabled=builtin,
                        placeholder="an open question: what, how, why…",
                    )
                yield Label("", id="error-text", classes="field-error")
                with Horizontal(classes="field-row"):
                    yield Label("Category", classes="field-label")
                    yield Select(
                        [(c.value.capitalize(), c.value) for c in Category],
                        value=(question.category if question else Category.CAREER_PATH).value,
                        allow_blank=False,
                        id="field-category",
                        compact=True,
                        disabled=builtin,
                    )
                yield Label("", id="error-category", classes="field-error")
                with Horizontal(classes="field-row"):
                    yield Label("Tags", classes="field-label")
                    yield Input(" ".join(question.tags) if question else "", id="field-tags",
                                compact=True, placeholder="remote, startup…")  # fmt: skip
                yield Label("", id="error-tags", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            hint = (
                "Built-in questions keep their words; you can tag or hide them.  "
                if builtin
                else ""
            )
            yield Static(hint + "ctrl+s or enter saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Start typing where it makes sense."""
        builtin = self.question is not None and self.question.builtin
        self.query_one("#field-tags" if builtin else "#field-text", Input).focus()

    def collect(self) -> tuple[str, Category, tuple[str, ...]] | None:
        """The cleaned text, category and tags; problems go on their fields."""
        try:
            return clean_question(
                self.query_one("#field-text", Input).value,
                str(self.query_one("#field-category", Select).value),
                self.query_one("#field-tags", Input).value,
            )
        except ValidationError as error:
            raise Invalid(error.errors, order=("text", "category", "tags")) from None
