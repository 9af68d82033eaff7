"""Red-team values for the Settings form's numbers (issue 11): each is one sentence or a number."""

from __future__ import annotations

import pytest

from coffeechat.ui.dialogs.settings import NUMBERS, InRange

WHOLE = NUMBERS["nudge_days"][2]
FACTOR = NUMBERS["follow_up_overdue_factor"][2]


@pytest.mark.parametrize(
    "text", ["1e400", "-1e400", "nan", "NaN", "inf", "-0", "0", "", "   ", "9" * 5000, "1e-400"]
)
@pytest.mark.parametrize("validator", [WHOLE, FACTOR], ids=["days", "factor"])
def test_nonsense_is_one_sentence_not_a_crash(validator: InRange, text: str) -> None:
    result = validator.validate(text)
    assert not result.is_valid
    (sentence,) = result.failure_descriptions
    assert sentence.startswith("Enter ")
    assert sentence.endswith(".")


@pytest.mark.parametrize(("text", "number"), [(" 7 ", 7), ("７", 7), ("+7", 7)])
def test_padding_a_sign_and_full_width_digits_are_read(text: str, number: int) -> None:
    """A Japanese input method types ７: Python reads it as 7, and so does the form."""
    assert WHOLE.validate(text).is_valid
    assert int(text.strip()) == number
