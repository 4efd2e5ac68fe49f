"""Calendar months of the finance pages: read from ``?month=YYYY-MM`` and bounded in each store's
own time zone, so a refund at 23:30 in Berlin on the 31st counts in the month the store saw it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_month(text: str | None) -> date | None:
    """The first day of ``YYYY-MM``, or None for anything else."""
    found = _MONTH.match((text or "").strip())
    if not found:
        return None
    year, month = int(found[1]), int(found[2])
    return date(year, month, 1) if FIRST_YEAR <= year <= LAST_YEAR else None


def this_month() -> date:
    """The current month in the user's time zone."""
    return timezone.localdate().replace(day=1)


def shift(month: date, months: int) -> date:
    """The first day of the month ``months`` after (or before, when negative) ``month``."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of the month in the time zone ``zone``."""
    tz = _zone(zone)
    start = datetime.combine(month, time.min, tzinfo=tz)
    return start, datetime.combine(shift(month, 1), time.min, tzinfo=tz)


def in_month(field: str, stores: Iterable, month: date, *, store_field: str = "store") -> Q:
    """Rows of these stores whose ``field`` falls in the month as each store's clock reads it.
    No stores: no rows."""
    return in_month_until(field, stores, month, store_field=store_field)


def in_month_until(
    field: str,
    stores: Iterable,
    month: date,
    *,
    store_field: str = "store",
    before: Callable[[object], datetime | None] | None = None,
) -> Q:
    """As ``in_month``, and before ``before(store)`` too when that gives a time (a cut-off per store)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for store in stores:
        groups[(store.time_zone, before(store) if before else None)].append(store.pk)
    condition = Q(pk__in=[])
    for (zone, cutoff), ids in groups.items():
        start, end = bounds(month, zone)
        if cutoff is not None:
            end = min(end, cutoff)
        condition |= Q(**{f"{store_field}_id__in": ids, f"{field}__gte": start, f"{field}__lt": end})
    return condition


def _zone(name: str):
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError, OSError):
        return ZoneInfo("UTC")


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)
