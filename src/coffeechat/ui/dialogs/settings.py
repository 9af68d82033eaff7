"""The Settings form (palette: "Settings"): every number in ``meta.settings``, checked as typed.

Each number field carries a Textual ``Validator``, so a bad value shows one
sentence under it while it is typed; the limits that depend on one another
(due before late, first nudge before the second) are checked on save.
Escape with changes asks before anything typed is thrown away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Select, Static

from coffeechat.domain.settings import MAX_FOLLOW_UP_MONTHS, Settings
from coffeechat.ui.dialogs.base import Commit, Dialog, DialogBody, DialogBox, Invalid

YEAR_HOURS = 24 * 365


class InRange(Validator):
    """A number from ``low`` to ``high`` (whole unless ``whole`` is False); one sentence if not."""

    def __init__(self, low: float, high: float, unit: str, *, whole: bool = True) -> None:
        kind = "a whole number" if whole else "a number"
        super().__init__(f"Enter {kind} of {unit} from {low:g} to {high:g}.")
        self.low = low
        self.high = high
        self.whole = whole

    def validate(self, value: str) -> ValidationResult:
        """Success if the text is such a number."""
        try:
            number = int(value.strip()) if self.whole else float(value.strip())
        except ValueError:
            return self.failure()
        if number != number or not self.low <= number <= self.high:  # NaN, or out of range
            return self.failure()
        return self.success()


#: Field name → (label, unit after the input, validator); in the order shown.
NUMBERS: Mapping[str, tuple[str, str, InRange]] = {
    "thank_you_due_hours": ("Thank-you due", "hours after a meeting",
                            InRange(1, YEAR_HOURS, "hours")),
    "thank_you_late_hours": ("Thank-you late", "hours after a meeting",
                             InRange(1, YEAR_HOURS, "hours")),
    "follow_up_months": ("Keep in touch", "months apart",
                         InRange(1, MAX_FOLLOW_UP_MONTHS, "months")),
    "follow_up_overdue_factor": ("Follow-up late", "× the interval, e.g. 1.5",
                                 InRange(1, 10, "times the interval", whole=False)),
    "nudge_days": ("First nudge", "days after a request", InRange(1, 365, "days")),
    "second_nudge_days": ("Second nudge", "days after a request", InRange(1, 365, "days")),
    "give_up_days": ("Give up", "days after a request", InRange(1, 365, "days")),
}  # fmt: skip

LABELS = {"my_name": "Your name", "theme": "Theme"} | {
    name: label for name, (label, _, _) in NUMBERS.items()
}
ORDER = ("my_name", *NUMBERS, "theme")


def shown(value: float) -> str:
    """A stored number as the field shows it: 1.5, 3 (not 3.0)."""
    return f"{value:g}"


class SettingsDialog(Dialog[Settings | None]):
    """Your name, the reminder limits and the theme; dismisses with the new settings."""

    def __init__(
        self,
        settings: Settings,
        themes: Sequence[str],
        theme: str,
        commit: Commit[Settings | None] | None = None,
    ) -> None:
        super().__init__(commit=commit)
        self.settings = settings
        self.themes = list(themes)
        self.theme = theme if theme in self.themes else (self.themes or [""])[0]

    def compose(self) -> ComposeResult:
        """A row per setting, each with room for its error; Save and Cancel below the scroll."""
        with DialogBox(classes="form settings"):
            yield Label("Settings", id="dialog-title")
            with DialogBody():
                with Horizontal(classes="field-row"):
                    yield Label(LABELS["my_name"], classes="field-label")
                    yield Input(self.settings.my_name, id="field-my_name", compact=True,
                                placeholder="signs your message drafts")  # fmt: skip
                yield Label("", id="error-my_name", classes="field-error")
                for name, (label, unit, validator) in NUMBERS.items():
                    with Horizontal(classes="field-row"):
                        yield Label(label, classes="field-label")
                        yield Input(
                            shown(getattr(self.settings, name)),
                            id=f"field-{name}",
                            compact=True,
                            validators=[validator],
                            validate_on=["changed", "submitted"],
                        )
                        yield Label(unit, classes="field-unit")
                    yield Label("", id=f"error-{name}", classes="field-error")
                with Horizontal(classes="field-row"):
                    yield Label(LABELS["theme"], classes="field-label")
                    yield Select(
                        [(name, name) for name in self.themes],
                        value=self.theme,
                        allow_blank=False,
                        id="field-theme",
                        compact=True,
                    )
                yield Label("", id="error-theme", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
            yield Static("ctrl+s saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        """Start in the first field."""
        self.query_one("#field-my_name", Input).focus()

    # -- checking ------------------------------------------------------------

    @on(Input.Changed)
    def _checked_as_typed(self, event: Input.Changed) -> None:
        """The field's sentence under it while it is wrong, gone once it is right."""
        name = (event.input.id or "").removeprefix("field-")
        if name not in NUMBERS:
            return
        label = self.query_one(f"#error-{name}", Label)
        result = event.validation_result
        problem = "" if result is None or result.is_valid else result.failure_descriptions[0]
        label.update(problem)
        label.set_class(bool(problem), "shown")

    def _values(self) -> dict[str, str]:
        """What each field holds, as text."""
        values = {name: self.query_one(f"#field-{name}", Input).value for name in ORDER[:-1]}
        values["theme"] = str(self.query_one("#field-theme", Select).value)
        return values

    def collect(self) -> Settings | None:
        """The settings the fields hold; every problem at once, each under its field."""
        values = self._values()
        errors: dict[str, str] = {}
        numbers: dict[str, float] = {}
        for name, (_, _, validator) in NUMBERS.items():
            result = validator.validate(values[name])
            if result.is_valid:
                text = values[name].strip()
                numbers[name] = int(text) if validator.whole else float(text)
            else:
                errors[name] = result.failure_descriptions[0]
        if not errors:
            errors = _out_of_order(numbers)
        if errors:
            raise Invalid(errors, order=ORDER)
        theme = values["theme"] if values["theme"] != self.theme else self.settings.theme
        try:
            return Settings(my_name=" ".join(values["my_name"].split()), theme=theme, **numbers)  # type: ignore[arg-type]
        except ValueError as error:  # a limit the fields above did not foresee
            raise Invalid({"my_name": f"{error}."}, order=ORDER) from error


def _out_of_order(numbers: Mapping[str, float]) -> dict[str, str]:
    """The limits that must come one after another, where they don't."""
    errors: dict[str, str] = {}
    if numbers["thank_you_late_hours"] < numbers["thank_you_due_hours"]:
        errors["thank_you_late_hours"] = "A thank-you can't be late before it is due."
    if numbers["second_nudge_days"] < numbers["nudge_days"]:
        errors["second_nudge_days"] = "The second nudge can't come before the first."
    if numbers["give_up_days"] < numbers["second_nudge_days"]:
        errors["give_up_days"] = "Giving up can't come before the second nudge."
    return errors
