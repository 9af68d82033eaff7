"""Each setting's default is written once (domain/settings.py, DEFAULT_MINUTES)."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest

from coffeechat.domain import rules
from coffeechat.domain.humanize import due_reason
from coffeechat.domain.meetings import DEFAULT_MINUTES
from coffeechat.domain.rules import GIVE_UP, DueItem, DueKind, Urgency
from coffeechat.domain.settings import DEFAULT_SETTINGS, Settings
from coffeechat.domain.templates import PLACEHOLDERS, template_values

SRC = Path(__file__).resolve().parents[2] / "src" / "coffeechat"

# Where a literal may stand: the definitions themselves, and 15:00 ("afternoon").
DEFINED_IN = {"domain/settings.py", "domain/meetings.py", "domain/dates.py"}
OWNED_ELSEWHERE: set[str] = set()


def constants(path: Path) -> list[ast.Constant]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Constant)]


def test_settings_have_one_home() -> None:
    assert rules.Settings is Settings
    assert Settings() == DEFAULT_SETTINGS


@pytest.mark.parametrize("number", [DEFAULT_SETTINGS.give_up_days, DEFAULT_MINUTES])
def test_no_module_repeats_a_default_number(number: int) -> None:
    found = sorted(
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in SRC.rglob("*.py")
        if str(path.relative_to(SRC)) not in DEFINED_IN | OWNED_ELSEWHERE
        and "demo" not in path.name  # sample data
        for node in constants(path)
        if type(node.value) is int and node.value == number
    )
    assert found == []


def test_no_text_spells_out_a_default() -> None:
    spelled = re.compile(r"default,? \d|\d+ unless you changed it|three weeks", re.IGNORECASE)
    found = sorted(
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in SRC.rglob("*.py")
        if "screens/due.py" not in str(path)  # the Due screen's empty state: its own change
        for node in constants(path)
        if isinstance(node.value, str) and spelled.search(node.value)
    )
    assert found == []


def test_templates_read_the_default_meeting_length() -> None:
    default = inspect.signature(template_values).parameters["minutes"].default
    assert default == DEFAULT_MINUTES
    assert f"({DEFAULT_MINUTES} unless you changed it)" in PLACEHOLDERS["minutes"]


def test_the_give_up_nudge_reads_the_rules_word(now) -> None:
    item = DueItem(
        "c1", "Ada", "", DueKind.NUDGE, now - timedelta(days=1), now - timedelta(days=22),
        Urgency.DUE, detail=GIVE_UP,
    )  # fmt: skip
    assert due_reason(item, now).endswith("archive? (a)")
