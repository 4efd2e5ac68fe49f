"""Money: a Decimal amount with an ISO 4217 currency, at the currency's precision. No floats.

Minor units come from the ISO 4217 list kept in ``tickets/currencies.py`` (JPY 0, USD 2, IQD 3);
Babel only formats. Codes that are not tender (XXX, XTS, metals, funds, withdrawn ones such as
DEM or VEF) are refused.

Writing and reading differ on purpose. An amount being written (``Money(...)``, ``Money.of``)
with more decimal places than its currency has is refused, not rounded: ingest and forms must
say what is wrong. A value read back from the database (``Money.stored``) is what a platform or
an older version already left there; it is rounded half-even to the currency and logged, never
raised, so one odd row cannot break a page. The same holds for its currency: a row in a withdrawn
code (HRK, kept from before the euro) is read at the minor units the code had (ISO List Three,
``WITHDRAWN_MINOR_UNITS``), and a code nobody knows ('ZZZ') is read with two decimals, logged,
and shown plainly as "12.50 ZZZ". Such a Money is not ``checked``: it shows and compares, but
any arithmetic builds a new Money and is refused, so nothing is ever written in that currency.
Otherwise rounding happens only where a caller asks for it by name (``Money.rounded``), with
ROUND_HALF_EVEN, the banker's rounding.

Text amounts are plain ASCII decimals ("-1234.50"): Python's Decimal also reads "1_000",
Arabic-Indic or fullwidth digits and "1E+3", none of which a platform or a form means as money.
Negative zero is zero ("-0" shows as "$0.00", never "-$0.00").

Size: at most 15 significant digits at the currency's precision (integer digits + minor units
<= 15, so USD up to 9,999,999,999,999.99, JPY up to 99,999,999,999,999), on every database.
Why: SQLite, the embedded default, keeps a DECIMAL column as a REAL and Django reads it back
with 15 significant digits, so 12345678901234.5678 came back as 12345678901234.6. Refusing what
a double cannot hold keeps both databases accepting exactly the same amounts and guarantees
that nothing written changes on read. The alternative, whole minor units in BigInteger
columns, would change every money column and query for amounts no order reaches; the columns
stay DECIMAL(18, 4), whose 14 integer digits are a second bound (JPY).
"""

from __future__ import annotations

import logging
import re
from copy import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern
from django.utils.translation import gettext as _

from .currencies import ISO_4217_MINOR_UNITS, WITHDRAWN_MINOR_UNITS
from .errors import CurrencyMismatch, MoneyError

logger = logging.getLogger("tickets.money")

ROUNDING = ROUND_HALF_EVEN
MAX_INTEGER_DIGITS = 14  # the database columns are DECIMAL(18, 4)
MAX_SIGNIFICANT_DIGITS = 15  # what SQLite's REAL and Django's reader keep exactly
UNKNOWN_CURRENCY_EXPONENT = 2  # how a stored code in no ISO list is read: the common case
PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def currency_exponent(currency: str) -> int:
    """How many decimal places the currency has (its ISO 4217 minor unit)."""
    return ISO_4217_MINOR_UNITS[normalize_currency(currency)]


def normalize_currency(currency: object) -> str:
    if not isinstance(currency, str):
        raise MoneyError(_("A currency is a three-letter ISO 4217 code, not %(value)r.") % {"value": currency})
    return _normalize_code(currency)


@lru_cache(maxsize=512)
def _normalize_code(currency: str) -> str:
    # Cached: every amount of a page names one of a few codes. A refused code raises, and an
    # exception is never cached, so its message is built in the language of each call.
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise MoneyError(_("%(value)r is not an ISO 4217 currency code.") % {"value": currency})
    if code not in ISO_4217_MINOR_UNITS:
        raise MoneyError(
            _(
                "%(code)s is not a currency in use: test codes, funds, precious metals and withdrawn "
                "currencies are not accepted."
            )
            % {"code": code}
        )
    return code


def stored_exponent(currency: str) -> int | None:
    """The minor units of a stored code: current (List One) or withdrawn (List Three); None when
    it is in neither. For reading only; what is written goes through ``currency_exponent``."""
    return ISO_4217_MINOR_UNITS.get(currency, WITHDRAWN_MINOR_UNITS.get(currency))


def largest(currency: str) -> Decimal:
    """The largest amount Money holds in the currency (9999999999999.99 for USD)."""
    exponent = currency_exponent(currency)
    digits = min(MAX_INTEGER_DIGITS, MAX_SIGNIFICANT_DIGITS - exponent)
    return Decimal(10) ** digits - Decimal(1).scaleb(-exponent)


def _too_large(value: Decimal, exponent: int) -> bool:
    # adjusted() is the power of ten of the leading digit, so this counts integer digits
    # without quantizing first (quantize would overflow the Decimal context on 1E+30).
    return value != 0 and value.adjusted() >= min(MAX_INTEGER_DIGITS, MAX_SIGNIFICANT_DIGITS - exponent)


def _refuse_too_large(value: Decimal, currency: str) -> None:
    if _too_large(value, currency_exponent(currency)):
        raise MoneyError(
            _(
                "%(value)s %(currency)s is too large: amounts keep at most %(digits)s significant digits, "
                "up to %(largest)s %(currency)s."
            )
            % {
                "value": value,
                "currency": currency,
                "digits": MAX_SIGNIFICANT_DIGITS,
                "largest": largest(currency),
            }
        )


def _to_decimal(amount: object) -> Decimal:
    if isinstance(amount, (bool, float)):
        raise MoneyError(f"Money never takes a float or bool ({amount!r}); pass a Decimal or a string.")
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, str):
        text = amount.strip()
        if not PLAIN_DECIMAL.fullmatch(text):
            raise MoneyError(
                _(
                    "%(value)r is not a plain decimal number: write the digits 0-9 with an optional sign "
                    "and decimal point, such as 1234.50."
                )
                % {"value": amount}
            )
        value = Decimal(text)
    else:
        raise MoneyError(f"Money takes a Decimal, int or string amount, not {type(amount).__name__}.")
    if not value.is_finite():
        raise MoneyError(_("%(value)r is not a finite amount.") % {"value": amount})
    return value


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        currency = normalize_currency(self.currency)
        value = _to_decimal(self.amount)
        _refuse_too_large(value, currency)
        places = currency_exponent(currency)
        exact = value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
        if exact != value:
            raise MoneyError(
                _("%(value)s has more decimal places than %(currency)s allows (%(places)s).")
                % {"value": value, "currency": currency, "places": places}
            )
        # quantize(1.00) of 9999999999999.999 rounds up a digit: checked again after it.
        _refuse_too_large(exact, currency)
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "amount", _unsigned_zero(exact))

    # --- construction ----------------------------------------------------------------------
    @classmethod
    def _checked(cls, exact: Decimal, code: str) -> Money:
        """Money from an amount the caller already quantized to ``code`` (a normalized code) and
        checked with ``_refuse_too_large``: what ``__post_init__`` would do, without doing it twice."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", _unsigned_zero(exact))
        object.__setattr__(money, "currency", code)
        return money

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(amount, currency)  # type: ignore[arg-type]

    @classmethod
    def stored(cls, amount: Decimal | int | str, currency: str) -> Money:
        """A value read back from the database: rounded half-even to the currency, never refused
        for its decimals (a platform or an older version may have left more), and logged when
        it had to be rounded so the row can be found and corrected.

        The currency is not refused either: a withdrawn code is read at its historic minor units,
        an unknown one with two decimals and a warning (see the module docstring)."""
        code = currency.strip().upper() if isinstance(currency, str) else ""
        places = stored_exponent(code)
        if places is None:
            logger.warning(
                "Stored currency %r is not an ISO 4217 code, current or withdrawn; read with %s decimals.",
                code,
                UNKNOWN_CURRENCY_EXPONENT,
            )
            places = UNKNOWN_CURRENCY_EXPONENT
        value = _to_decimal(amount)
        if value != 0 and value.adjusted() >= MAX_INTEGER_DIGITS:
            # No DECIMAL(18, 4) column holds this: not a stored value.
            raise MoneyError(
                _("%(value)s %(currency)s is too large for a stored amount.") % {"value": value, "currency": code}
            )
        exact = _unsigned_zero(value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING))
        if exact != value:
            logger.warning(
                "Stored amount %s %s has more decimal places than the currency; read as %s.",
                value,
                code,
                exact,
            )
        if code in ISO_4217_MINOR_UNITS and not _too_large(exact, places):
            return cls(exact, code)
        if _too_large(exact, places):
            # Written before the 15-digit bound, or by hand: show it as it is rather than fail
            # the page; it stays refused for anything written (arithmetic builds a new Money).
            logger.warning("Stored amount %s %s is beyond what Money accepts; shown as stored.", value, code)
        # Unchecked: built without __post_init__, which refuses what may not be written.
        money = object.__new__(cls)
        object.__setattr__(money, "currency", code)
        object.__setattr__(money, "amount", exact)
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        if isinstance(units, bool) or not isinstance(units, int):
            raise MoneyError(f"Minor units are a whole number, not {units!r}.")
        return cls(Decimal(units).scaleb(-currency_exponent(currency)), currency)

    @classmethod
    def rounded(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Round to the currency's precision: the one named place where rounding happens."""
        currency = normalize_currency(currency)
        value = _to_decimal(amount)
        _refuse_too_large(value, currency)  # before quantize, which would overflow on 1E+30
        quantum = Decimal(1).scaleb(-currency_exponent(currency))
        return cls(value.quantize(quantum, rounding=ROUNDING), currency)

    # --- reading ---------------------------------------------------------------------------
    @property
    def checked(self) -> bool:
        """False for a stored value in a withdrawn or unknown currency: shown, never written."""
        return self.currency in ISO_4217_MINOR_UNITS

    @property
    def places(self) -> int:
        """The decimal places this amount is kept at (historic for a withdrawn code, 2 if unknown)."""
        places = stored_exponent(self.currency)
        return UNKNOWN_CURRENCY_EXPONENT if places is None else places

    @property
    def minor_units(self) -> int:
        return int(self.amount.scaleb(self.places))

    def is_zero(self) -> bool:
        return self.amount == 0

    def format(self, locale: str | None = None) -> str:
        """Format for a Django language code or Babel locale, e.g. "$1,234.50", "¥12,320".

        The locale gives symbol, separators and pattern; the decimals are the ISO minor units,
        not CLDR's (which shows IQD and RSD without decimals). A stored code that is in no ISO list
        is shown plainly, "12.50 ZZZ": no locale knows its symbol or its place."""
        if stored_exponent(self.currency) is None:
            return str(self)
        babel, pattern = _currency_pattern(babel_locale(locale), self.places)
        return pattern.apply(self.amount, babel, currency=self.currency, currency_digits=False)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}".rstrip()

    # --- arithmetic: same currency only -----------------------------------------------------
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise MoneyError(f"Money combines only with Money, not {type(other).__name__}.")
        if other.currency != self.currency:
            raise CurrencyMismatch(_("Cannot combine %(a)s with %(b)s.") % {"a": self.currency, "b": other.currency})
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount


def _unsigned_zero(value: Decimal) -> Decimal:
    # Decimal keeps the sign of zero ("-0", or -0.001 rounded), and Babel shows it as "-$0.00".
    return value.copy_abs() if value.is_zero() else value


def total(amounts: list[Money], currency: str) -> Money:
    """Sum amounts of one currency; a stray currency raises instead of mixing."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result


@lru_cache(maxsize=256)
def _currency_pattern(locale: str, places: int) -> tuple[Locale, NumberPattern]:
    babel = Locale.parse(locale)
    pattern = copy(babel.currency_formats["standard"])  # a copy: Babel shares its patterns
    pattern.frac_prec = (places, places)
    return babel, pattern


@lru_cache(maxsize=64)
def babel_locale(language: str | None) -> str:
    """Map a Django language code ("en", "zh-hans", "de") to a Babel locale name."""
    if not language:
        from django.utils import translation

        language = translation.get_language() or "en"
    try:
        return str(Locale.parse(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return "en"
