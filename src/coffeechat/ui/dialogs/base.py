"""The one dialog base: escape cancels, ctrl+s or enter submits, errors show inline.

Every dialog is a title, a body (``DialogBody``, id ``fields``) that scrolls,
and the buttons and hint under it, which stay in sight: the body is capped
at the room the terminal leaves them, so at 80×24 a tall form scrolls
instead of pushing Save and Cancel off the screen.

Escape on a form whose typed fields changed asks first ("Discard changes?").

A dialog can be given a ``commit``: an async function that saves the value
(in a thread worker) and returns an error sentence or None.  Then the dialog
stays open until the save succeeds, showing why it did not, so nothing the
person typed is lost to a locked or read-only file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

ResultT = TypeVar("ResultT")

#: Saves a dialog's value; returns why it could not (shown in the dialog), or None.
Commit = Callable[[ResultT], Awaitable[str | None]]


def after_pending_keys(screen: Screen[Any], callback: Callable[[], object]) -> None:
    """Run ``callback`` on ``screen`` once every key typed so far has landed.

    A priority binding (ctrl+s) runs the moment the app reads its key, but
    the keys typed just before it were only *queued* for the focused widget:
    on a busy app the Input has not inserted them yet, and a form read then
    saves a truncated name.  So the read waits behind them: first in the
    focused widget's queue (its keys), then in the screen's (the Changed
    messages those keys posted).
    """

    def when_landed() -> None:
        if screen.is_active:  # a second ctrl+s after the first closed it does nothing
            callback()

    focused = screen.focused
    if focused is None or not focused.call_later(screen.call_later, when_landed):
        screen.call_later(when_landed)


def save_key(label: str, tooltip: str) -> Binding:
    """ctrl+s under the name of what it does in this dialog ("Archive", "Snooze"…)."""
    return Binding("ctrl+s", "save", label, id="save", priority=True, tooltip=tooltip)


class Invalid(Exception):
    """What ``Dialog.collect`` raises when a field is wrong: field name → sentence."""

    def __init__(
        self,
        errors: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
        order: Iterable[str] = (),
    ) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)
        self.labels = labels
        self.order = tuple(order)


class DialogBox(Vertical):
    """A dialog's frame (``#dialog``).  When its height changes (a "Saving…" line
    appears, an error wraps) the body is fitted again from the sizes just laid
    out: fitting a frame later raced the layout, and a loaded machine drew the
    dialog a row taller than the room it had."""

    def __init__(self, *children: Widget, classes: str | None = None) -> None:
        super().__init__(*children, id="dialog", classes=classes)

    def on_resize(self) -> None:
        """Fit the dialog's body to the room left now."""
        screen = self.screen
        if isinstance(screen, Dialog):
            screen.fit_body()


class DialogBody(VerticalScroll):
    """A dialog's body: it scrolls when the terminal is too short for it.

    It takes the focus (to scroll with the keys) only when nothing in it can:
    a form's Tab goes from field to field, never onto the box around them.
    """

    def __init__(self, *children: Widget) -> None:
        super().__init__(*children, id="fields")

    def allow_focus(self) -> bool:
        """Only a body of plain text takes the focus."""
        return (
            not any(widget.focusable for widget in self.query("*") if widget is not self)
            and super().allow_focus()
        )


#: Rows left free above and below a dialog that fills the terminal's height.
_SCREEN_MARGIN = 1
#: Below this many rows, dialogs drop their padding above and below (class ``-short``).
_SHORT = 30


class Dialog(ModalScreen[ResultT]):
    """A modal that collects one typed value.

    Subclasses compose ``#field-NAME`` widgets, each with an ``#error-NAME``
    label (class ``field-error``) under it, inside a ``DialogBody`` within a
    ``#dialog`` container (the title above the body, the buttons and hint
    below it); they implement ``collect`` (the value, or raise ``Invalid``)
    and may set ``CANCELLED`` (what escape returns).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Close without saving"),
        save_key("Save", "Check and save"),
    ]

    #: The result of escape.
    CANCELLED: ClassVar[object] = None

    #: Escape asks "Discard changes?" when a typed field changed (off for questions).
    ASK_BEFORE_DISCARD: ClassVar[bool] = True

    def __init__(self, *, commit: Commit[ResultT] | None = None) -> None:
        super().__init__()
        self._commit = commit
        self._committing = False
        self._started: dict[str, object] | None = None
        self._room = 0  # the body's height cap, in rows (see fit_body)

    # -- fitting the terminal ---------------------------------------------------

    @on(events.Mount)
    def _after_mount(self) -> None:
        self._started = self.typed()
        self.call_after_refresh(self.fit_body)

    @on(events.Resize)
    def _resized(self) -> None:
        self.call_after_refresh(self.fit_body)

    def fit_body(self) -> None:
        """Cap the body's height at the room the title, buttons and hint leave it.

        The body scrolls within that; the buttons under it stay on the screen.
        """
        dialog = self.query("#dialog")
        body = self.query("#fields")
        if not dialog or not body:
            return
        # A short terminal gets the dialog's blank top and bottom rows back.
        self.set_class(self.size.height < _SHORT, "-short")
        box, scroller = dialog.first(), body.first()
        others = box.outer_size.height - scroller.outer_size.height
        room = max(3, self.size.height - 2 * _SCREEN_MARGIN - others)
        if self._room != room:
            self._room = room
            scroller.styles.max_height = room
        self.call_after_refresh(self._focus_in_sight)

    def _focus_in_sight(self) -> None:
        """After a resize the field being typed in stays in sight (not scrolled out of the body)."""
        focused = self.focused
        if focused is not None:
            focused.scroll_visible(animate=False)

    # -- what was typed -----------------------------------------------------------

    def typed(self) -> dict[str, object]:
        """Every typed field's value, by widget id: what "changes" compares."""
        values: dict[str, object] = {}
        for index, widget in enumerate(self.query("Input, TextArea, Select")):
            key = widget.id or f"#{index}"
            if isinstance(widget, Input):
                values[key] = widget.value
            elif isinstance(widget, TextArea):
                values[key] = widget.text
            elif isinstance(widget, Select):
                values[key] = widget.value
        return values

    @property
    def changed(self) -> bool:
        """True when a typed field differs from what the dialog opened with."""
        return self._started is not None and self.typed() != self._started

    def collect(self) -> ResultT:
        """The value the fields hold, or raise ``Invalid``; subclasses implement it."""
        raise NotImplementedError

    @on(events.Mount)
    def _show_own_keys(self) -> None:
        """The dialog's keys at the foot: the footer behind it shows the screen's."""
        self.mount(Footer(compact=True, show_command_palette=False))

    # -- submitting ------------------------------------------------------------

    def action_save(self) -> None:
        """Check the fields once the keys typed before this one are in them, and submit."""
        after_pending_keys(self, self._save_now)

    def _save_now(self) -> None:
        """Check the fields; dismiss with the value (after saving it, given a commit)."""
        if self._committing:
            return
        try:
            value = self.collect()
        except Invalid as problem:
            self.show_errors(problem.errors, problem.labels, problem.order)
            return
        self.clear_errors()
        if self._commit is None:
            self.dismiss(value)
        else:
            self._run_commit(value)

    @work(group="dialog-commit")
    async def _run_commit(self, value: ResultT) -> None:
        assert self._commit is not None
        self._committing = True
        self.show_problem("Saving…", error=False)
        try:
            problem = await self._commit(value)
        finally:
            self._committing = False
        if problem is None:
            self.dismiss(value)
        else:
            self.show_problem(problem)

    def action_cancel(self) -> None:
        """Close without saving (not while a save is under way: it may still land).

        With changes typed, ask first: one escape must not lose them.
        """
        if self._committing:
            self.notify("Still saving: wait for it to finish or fail.", timeout=3)
            return
        if self.ASK_BEFORE_DISCARD and self.changed:
            self.app.push_screen(DiscardChanges(), self._discard_answered)
            return
        self.dismiss(self.CANCELLED)  # type: ignore[arg-type]

    def _discard_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(self.CANCELLED)  # type: ignore[arg-type]

    # -- errors ----------------------------------------------------------------

    def clear_errors(self) -> None:
        """Empty every error line (before checking again)."""
        for label in self.query(".field-error").results(Label):
            label.update("")
            label.remove_class("shown")

    def show_errors(
        self,
        errors: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
        order: Iterable[str] = (),
    ) -> None:
        """Show each message under its field ("Label: message") and focus the first bad field."""
        self.clear_errors()
        for name, message in errors.items():
            label = self.query_one(f"#error-{name}", Label)
            label.update(f"{labels[name]}: {message}" if labels else message)
            label.add_class("shown")
        first = next((name for name in order if name in errors), next(iter(errors)))
        found = self.query(f"#field-{first}")
        if found:
            found.first().focus()
        # The field and the sentence under it, both in sight in a scrolled body.
        shown = self.query_one(f"#error-{first}", Label)
        self.call_after_refresh(shown.scroll_visible, animate=False)

    def show_problem(self, message: str, *, error: bool = True) -> None:
        """A line under the dialog's title: why the save failed (or that it is under way).

        Under the title, not at the foot: a tall form in a short terminal
        scrolls its foot out of sight.
        """
        found = self.query("#dialog-problem")
        if found:
            line = found.first(Label)
        else:
            line = Label("", id="dialog-problem", classes="field-error", markup=False)
            self.query_one("#dialog").mount(line, after="#dialog-title")
        line.update(message)
        line.set_class(True, "shown")
        line.set_class(not error, "-pending")
        self.call_after_refresh(self.fit_body)

    # -- the usual ways to submit and cancel ------------------------------------

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class ChoiceDialog(Dialog[ResultT]):
    """A question answered with one of a few buttons (each with its key: ``choose(x)``).

    ``CHOICES`` maps each button's id to what it answers; the first is the
    safe one: it has the focus, so enter takes it, and so does ctrl+s.
    """

    CHOICES: ClassVar[Mapping[str, object]] = {}
    ASK_BEFORE_DISCARD: ClassVar[bool] = False

    BINDINGS: ClassVar[list[BindingType]] = [
        # Still the safe choice, but "Save" would mislead: the footer shows the choices' keys.
        Binding("ctrl+s", "save", "Save", id="save", priority=True, show=False,
                tooltip="Take the first choice"),
    ]  # fmt: skip

    def on_mount(self) -> None:
        """The safe choice has the focus."""
        self.query_one(f"#{next(iter(self.CHOICES))}", Button).focus()

    def collect(self) -> ResultT:
        """ctrl+s takes the safe choice, like enter."""
        return next(iter(self.CHOICES.values()))  # type: ignore[return-value]

    def action_choose(self, choice: ResultT) -> None:
        """Close with the choice (its key was pressed)."""
        self.dismiss(choice)

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        chosen = event.button.id
        if chosen is not None and chosen in self.CHOICES:
            event.stop()
            self.dismiss(self.CHOICES[chosen])  # type: ignore[arg-type]


class DiscardChanges(ChoiceDialog[bool]):
    """ "Discard changes?" on escape from a changed form: keep editing (the safe one) or discard."""

    CHOICES: ClassVar[Mapping[str, object]] = {"keep": False, "discard": True}
    CANCELLED: ClassVar[object] = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Keep editing", id="cancel", tooltip="Back to the form"),
        Binding("k", "choose(False)", "Keep editing", id="keep_editing", show=False,
                tooltip="Back to the form, with what you typed"),
        Binding("d", "choose(True)", "Discard", id="discard_changes",
                tooltip="Close the form; what you typed is lost"),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        """The question and its two answers."""
        with DialogBox(classes="small"):
            yield Label("Discard changes?", id="dialog-title")
            yield DialogBody(Static("What you typed in this form will be lost.", markup=False))
            with Horizontal(classes="buttons"):
                yield Button("Keep editing (k)", variant="primary", id="keep")
                yield Button("Discard (d)", variant="error", id="discard")
