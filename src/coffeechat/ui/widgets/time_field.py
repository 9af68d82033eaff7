"""One time field: an Input, a live preview of how the text reads, and an inline error.

Every dialog that asks "when?" uses it, so the preview line and the error
read the same everywhere.  The reading itself is coffeechat.domain.dates,
wrapped in a Textual ``Validator``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label

from coffeechat.domain.dates import DateParseError, parse_when
from coffeechat.domain.humanize import moment

#: Reads typed text as a moment; None means "not agreed yet"; DateParseError if unreadable.
TimeReader = Callable[[str], datetime | None]


def past_moment(text: str, now: datetime) -> datetime:
    """A typed moment that has already happened; DateParseError if unreadable or future."""
    when = parse_when(text, now, prefer="past")
    if when > now:
        raise DateParseError(
            f"{moment(when, now)} is in the future; record it once it has happened"
        )
    return when


def past_reader(now: datetime) -> TimeReader:
    """A reader for things that already happened (a meeting held, a message sent)."""
    return lambda text: past_moment(text, now)


def future_reader(
    now: datetime, *, optional: bool = False, strictly_after: bool = False
) -> TimeReader:
    """A reader for plans; ``optional``: empty text is "not agreed yet" (None)."""

    def read(text: str) -> datetime | None:
        if optional and not text.strip():
            return None
        when = parse_when(text, now, prefer="future")
        if strictly_after and when <= now:
            raise DateParseError("Pick a moment in the future.")
        return when

    return read


class TimeValidator(Validator):
    """Valid when the reader can read the text; the failure says why, in its words."""

    def __init__(self, read: TimeReader) -> None:
        super().__init__()
        self.read = read

    def validate(self, value: str) -> ValidationResult:
        """Success, or a failure carrying the parser's sentence."""
        try:
            self.read(value)
        except DateParseError as error:
            return self.failure(str(error), value)
        return self.success()


def preview_text(read: TimeReader, text: str) -> str:
    """How the typed text reads ("→ Tue 24 Nov 2026, 15:00"), or nothing if it can't."""
    try:
        when = read(text)
    except DateParseError:
        return ""
    return f"→ {when:%a %d %b %Y, %H:%M}" if when else "→ not agreed yet"


class TimeField(Vertical):
    """Input + preview + error line.  ``name`` names the error label (``#error-NAME``)."""

    DEFAULT_CSS = """
    TimeField { height: auto; }
    """

    def __init__(
        self,
        value: str,
        read: TimeReader,
        *,
        input_id: str,
        name: str = "when",
        label: str | None = None,
        placeholder: str = "",
        compact: bool = True,
    ) -> None:
        super().__init__(id=f"{name}-field")
        self.value = value
        self.reader = read
        self.input_id = input_id
        self.error_name = name
        self.label = label
        self.placeholder = placeholder
        self.compact = compact

    def compose(self) -> ComposeResult:
        """A labelled row (or a bare input), the preview, the error line."""
        field = Input(
            self.value,
            id=self.input_id,
            placeholder=self.placeholder,
            compact=self.compact and self.label is not None,
            validators=[TimeValidator(self.reader)],
            validate_on=["changed", "submitted"],
        )
        if self.label is None:
            yield field
        else:
            with Horizontal(classes="field-row"):
                yield Label(self.label, classes="field-label")
                yield field
        yield Label(
            preview_text(self.reader, self.value),
            id=f"{self.error_name}-preview",
            classes="preview" if self.label is not None else "",
        )
        yield Label("", id=f"error-{self.error_name}", classes="field-error")

    @property
    def input(self) -> Input:
        """The text box."""
        return self.query_one(f"#{self.input_id}", Input)

    def read(self) -> datetime | None:
        """The typed moment; DateParseError (with a sentence) if it can't be read."""
        return self.reader(self.input.value)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self.query_one(f"#{self.error_name}-preview", Label).update(
            preview_text(self.reader, event.value)
        )
        error = self.query_one(f"#error-{self.error_name}", Label)
        error.update("")
        error.remove_class("shown")
