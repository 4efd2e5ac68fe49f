"""Field validators shared by models and forms."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Files of the system's zoneinfo directory that are not IANA zone names: "localtime" is whatever
# the server is set to, "Factory" a placeholder, posix/ and right/ the same zones twice over.
NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    zones = {
        zone for zone in available_timezones() if zone not in NOT_ZONES and not zone.startswith(("posix/", "right/"))
    }
    return frozenset(zones) | {"UTC"}


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


# Ids are BigAutoField: nothing above this reaches the database, where it would overflow.
MAX_ID = 2**63 - 1
_INTEGER_RE = re.compile(r"-?[0-9]+")
# int() refuses a string of more than 4,300 digits with a ValueError (a 500); no range of ours needs
# more than MAX_ID's 19, so a longer number is out of range without ever reaching int().
MAX_DIGITS = len(str(MAX_ID))


def parse_integer(value: str) -> int | None:
    """The whole number a query value spells (leading zeros allowed), or None if it spells none.

    A number of more than MAX_DIGITS significant digits comes back as ±10**MAX_DIGITS, outside
    every range a Param may have, instead of reaching int() (which refuses 4,300+ digits).
    """
    if not _INTEGER_RE.fullmatch(value):
        return None
    sign, digits = (-1, value[1:]) if value.startswith("-") else (1, value)
    digits = digits.lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        return sign * 10**MAX_DIGITS
    return sign * int(digits)
