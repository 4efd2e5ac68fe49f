"""Field validators shared by models and forms."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this machine knows, e.g. Europe/Berlin."""
    if value not in _known_zones():
        raise ValidationError(_("%(value)s is not a known time zone (e.g. Europe/Berlin)."), params={"value": value})


def validate_currency(value: str) -> None:
    """An active ISO 4217 currency code in its canonical form, e.g. EUR (not eur, not XXX)."""
    from .errors import MoneyError
    from .money import normalize_currency

    try:
        canonical = normalize_currency(value)
    except MoneyError as exc:
        raise ValidationError(str(exc)) from exc
    if canonical != value:
        raise ValidationError(_("Write the currency as %(code)s."), params={"code": canonical})


def small_int(text: object, *, digits: int = 9) -> int | None:
    """``text`` as a non-negative int when it is plain ASCII digits (at most ``digits``), else None.
    str.isdigit() also takes "²" and other digits int() refuses: never trust it for ids."""
    if isinstance(text, str) and 0 < len(text) <= digits and text.isascii() and text.isdecimal():
        return int(text)
    return None
