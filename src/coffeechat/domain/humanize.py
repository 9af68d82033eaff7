"""Short, human phrases for moments and durations ("2 days late", "Tue 14:00")."""

from __future__ import annotations

from datetime import datetime, timedelta

from coffeechat.domain.rules import DueItem, DueKind, Urgency


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
    met = f"met {moment(item.since, now)}"
    if item.overdue:
        return f"{met} · {span(now - item.due_at)} late"
    return f"{met} · due in {span(item.due_at - now)}"


def badge(item: DueItem, now: datetime) -> str:
    """The few characters a pipeline card shows for a due item."""
    if item.urgency is Urgency.DUE:
        return f"thank-you in {span(item.due_at - now)}"
    return f"thank-you {span(now - item.due_at)} late"
