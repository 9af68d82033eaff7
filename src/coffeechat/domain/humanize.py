"""Short, human phrases for moments and durations ("2 days late", "Tue 14:00")."""

from __future__ import annotations

from datetime import datetime, timedelta

from coffeechat.domain.rules import GIVE_UP, DueItem, DueKind, Urgency


def span(delta: timedelta) -> str:
    """A rough length of time: "5 min", "3 h" (under two days), "2 days"."""
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))} min"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h"
    days = int(seconds // 86400)
    return f"{days} day" if days == 1 else f"{days} days"


def moment(when: datetime, now: datetime) -> str:
    """A moment in ``now``'s time zone: "today 14:00", "Tue 14:00" this week, else a date."""
    local = when.astimezone(now.tzinfo)
    if local.date() == now.date():
        return f"today {local:%H:%M}"
    if abs((now.date() - local.date()).days) < 7:
        return f"{local:%a %H:%M}"
    if local.year == now.year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y}"


def day(when: datetime, now: datetime) -> str:
    """A day in ``now``'s time zone: "today", "yesterday", "Tue 24 Nov", "3 Jan 2025"."""
    local = when.astimezone(now.tzinfo).date()
    if local == now.date():
        return "today"
    if (now.date() - local).days == 1:
        return "yesterday"
    if (local - now.date()).days == 1:
        return "tomorrow"
    if abs((local - now.date()).days) < 7:
        return f"{local:%a %d %b}"
    if local.year == now.year:
        return f"{local:%d %b}"
    return f"{local:%d %b %Y}"


def due_reason(item: DueItem, now: datetime) -> str:
    """Why the item is on the Due list: "met Tue 14:00 · 2 days late"."""
    if item.kind is DueKind.MEETING:
        if item.overdue:
            return f"{item.detail} was {moment(item.due_at, now)} · not recorded yet (m)"
        return f"{item.detail} {moment(item.due_at, now)}"
    if item.kind is DueKind.PROMISE:
        what = f"“{item.detail}”"
        if item.overdue:
            return f"{what} · {span(now - item.due_at)} late"
        return f"{what} · due {moment(item.due_at, now)}"
    if item.kind is DueKind.FOLLOW_UP:
        touched = f"last in touch {day(item.since, now)}"
        if item.due_at > now:
            return f"{touched} · due {day(item.due_at, now)}"
        return f"{touched} · due since {day(item.due_at, now)}"
    if item.kind is DueKind.NUDGE:
        asked = f"asked {day(item.since, now)}"
        if item.detail == GIVE_UP:
            return f"{asked} · archive? (a)"
        if item.due_at > now:
            return f"{asked} · {item.detail} {day(item.due_at, now)}"
        return f"{asked} · {item.detail} now"
    met = f"met {moment(item.since, now)}"
    if item.overdue:
        return f"{met} · {span(now - item.due_at)} late"
    return f"{met} · due in {span(item.due_at - now)}"


def badge(item: DueItem, now: datetime) -> str:
    """The few characters a pipeline card shows for a due item."""
    if item.urgency is Urgency.DUE:
        return f"thank-you in {span(item.due_at - now)}"
    return f"thank-you {span(now - item.due_at)} late"


def due_summary(items: list[DueItem], now: datetime) -> str:
    """One line for a shell prompt or cron: "3 overdue · 2 due today"."""
    overdue = sum(item.overdue for item in items)
    today = sum(
        not item.overdue and item.due_at.astimezone(now.tzinfo).date() <= now.date()
        for item in items
    )
    return f"{overdue} overdue · {today} due today"
