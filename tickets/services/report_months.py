"""Months of the refund report: open, or closed by finance (then nothing in them changes)."""

from __future__ import annotations

from datetime import date

from ..models import ClosedMonth


def month_of(day: date) -> date:
    return day.replace(day=1)


def is_closed(month: date) -> bool:
    return ClosedMonth.objects.filter(month=month_of(month)).exists()


def open_month_for(day: date) -> date:
    """The month ``day`` falls in, or the first open month after it when that one is closed."""
    month = month_of(day)
    closed = set(ClosedMonth.objects.filter(month__gte=month).values_list("month", flat=True))
    while month in closed:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month
