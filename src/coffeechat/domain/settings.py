"""The user's reminder settings, and their defaults: the one place each number is written.

The give-up days, the thank-you hours, the follow-up interval and the rest
are read from here by the rules, the forms, the CLI help and the message
templates; none of them repeats a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from coffeechat.domain.text import one_line

# The longest follow-up interval, for the setting and for a contact's own cadence.
MAX_FOLLOW_UP_MONTHS = 24


@dataclass(frozen=True, slots=True)
class Settings:
    """The user's reminder limits (stored in the database's meta table)."""

    thank_you_due_hours: int = 24
    thank_you_late_hours: int = 48
    my_name: str = ""  # signs the message drafts
    follow_up_months: int = 3
    follow_up_overdue_factor: float = 1.5
    nudge_days: int = 7
    second_nudge_days: int = 14
    give_up_days: int = 21
    theme: str = ""  # the TUI's colour theme by name; "" is Textual's default

    def __post_init__(self) -> None:
        if not 0 < self.thank_you_due_hours <= self.thank_you_late_hours <= 24 * 365:
            raise ValueError("thank-you hours must satisfy 0 < due ≤ late ≤ 8760 (a year)")
        if not isinstance(self.my_name, str):
            raise ValueError("my_name must be text")
        if not isinstance(self.theme, str):
            raise ValueError("theme must be text")
        # A synced or hand-edited file's name signs drafts: the text rule applies.
        object.__setattr__(self, "my_name", one_line(self.my_name))
        if not 1 <= self.follow_up_months <= MAX_FOLLOW_UP_MONTHS:
            raise ValueError(f"follow_up_months must be 1 to {MAX_FOLLOW_UP_MONTHS}")
        if not 1 <= self.follow_up_overdue_factor <= 10:
            raise ValueError("follow_up_overdue_factor must be 1 to 10")
        if not 0 < self.nudge_days <= self.second_nudge_days <= self.give_up_days <= 365:
            raise ValueError("nudge days must satisfy 0 < first ≤ second ≤ give up ≤ 365")


DEFAULT_SETTINGS = Settings()
"""What a new database starts with; read it rather than repeating a number."""
