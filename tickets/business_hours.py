"""Business hours of a store: its weekly opening hours in its time zone, minus its country's
public holidays (the ``holidays`` library). SLA targets are counted in these minutes.

All arithmetic is done on aware datetimes: each day's window is built in the store's zone (so a
daylight-saving change moves it correctly) and compared in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = {day: ["09:00", "18:00"] for day in WEEKDAYS[:5]}
MAX_DAYS = 10 * 366  # a target further than ten years of calendar is refused, not looped over


class CalendarError(ValueError):
    """The opening hours cannot be read, or are never open."""


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo
    # weekday (0 = Monday) → (opens, closes); a day missing is closed
    week: tuple[tuple[time, time] | None, ...]
    country: str = ""  # ISO 3166 code for public holidays; "" for none
    always_open: bool = False  # 24/7: targets in plain minutes

    def is_holiday(self, day: date) -> bool:
        return bool(self.country) and day in _holidays(self.country, day.year)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening in UTC, or None when the store is closed that day."""
        hours = self.week[day.weekday()]
        if hours is None or self.is_holiday(day):
            return None
        opens = datetime.combine(day, hours[0], tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, hours[1], tzinfo=self.zone).astimezone(UTC)
        return (opens, closes) if closes > opens else None

    def add_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` of business time after ``start``."""
        if self.always_open:
            return start + timedelta(minutes=minutes)
        remaining = timedelta(minutes=minutes)
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            window = self.window(day)
            if window is not None:
                opens, closes = window
                begin = max(opens, start)
                if begin < closes:
                    if remaining <= closes - begin:
                        return begin + remaining
                    remaining -= closes - begin
            day += timedelta(days=1)
        raise CalendarError("The target lies more than ten years ahead in these opening hours.")

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes from ``start`` to ``end`` (0 when end is not later)."""
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds() / 60
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            window = self.window(day)
            if window is not None:
                begin, finish = max(window[0], start), min(window[1], end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total.total_seconds() / 60


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> holidays.HolidayBase:
    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:  # a country the library does not know: no holidays
        return holidays.HolidayBase()


def _clock(text: str) -> time:
    try:
        hours, minutes = text.split(":")
        if hours == "24" and minutes == "00":
            return time(23, 59, 59, 999999)
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as error:
        raise CalendarError(f"{text!r} is not a time of day like 09:00.") from error


def parse_week(hours: object) -> tuple[tuple[time, time] | None, ...]:
    """``{"mon": ["09:00", "18:00"], …}`` (days left out are closed) as a week of windows."""
    if not isinstance(hours, dict):
        raise CalendarError("Opening hours are a mapping of weekday to [opens, closes].")
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise CalendarError(f"Unknown weekday {sorted(unknown)[0]!r}: use {', '.join(WEEKDAYS)}.")
    week: list[tuple[time, time] | None] = []
    for day in WEEKDAYS:
        value = hours.get(day)
        if not value:
            week.append(None)
            continue
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise CalendarError(f'{day}: give [opens, closes], e.g. ["09:00", "18:00"].')
        opens, closes = _clock(value[0]), _clock(value[1])
        if closes <= opens:
            raise CalendarError(f"{day}: it closes before it opens.")
        week.append((opens, closes))
    if not any(week):
        raise CalendarError("The opening hours have no open day.")
    return tuple(week)


def calendar_for(store) -> Calendar:
    """The store's business calendar (its hours, zone and country's holidays)."""
    zone = ZoneInfo(store.time_zone or "UTC")
    if not store.business_hours_only:
        return Calendar(zone=zone, week=(), always_open=True)
    week = parse_week(store.business_hours or DEFAULT_HOURS)
    return Calendar(zone=zone, week=week, country=holiday_country(store.region))


def holiday_country(region: str) -> str:
    code = (region or "").strip().upper()
    return {"UK": "GB"}.get(code, code)
