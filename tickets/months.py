"""Calendar months of the refund report: "YYYY-MM" in and out, first days, and their UTC bounds.

A month is the ``date`` of its first day. Months are UTC months: a refund that succeeded on
30 November 23:30 in Tokyo (14:30 UTC) counts in November, whatever the viewer's time zone, so
every user, export and API call reads the same month the same way.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.utils import timezone

from .errors import InvalidMonth

# 1900-01 … 2199-12: wide enough for any order, narrow enough that the month after and the twelve
# before always exist. The API's query contract uses the same pattern.
MONTH_PATTERN = r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def parse_month(text: str | None) -> date:
    """The first day of the month written as "YYYY-MM"; anything else raises InvalidMonth."""
    if not isinstance(text, str) or not _MONTH.fullmatch(text):
        raise InvalidMonth()
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def month_start(day: date | datetime) -> date:
    """The first day of the month of ``day``; an aware datetime is read in UTC."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date() if timezone.is_aware(day) else day.date()
    return day.replace(day=1)


def current_month() -> date:
    return month_start(timezone.now())


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def utc_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of the month as aware UTC datetimes."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = next_month(month)
    return start, datetime(end.year, end.month, 1, tzinfo=UTC)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
