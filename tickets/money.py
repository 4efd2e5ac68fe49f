"""Money: a Decimal amount with an ISO 4217 currency, at the currency's precision. No floats.

Minor units come from the ISO 4217 list kept in ``tickets/currencies.py`` (JPY 0, USD 2, IQD 3);
Babel only formats. Codes that are not tender (XXX, XTS, metals, funds, withdrawn ones such as
DEM or VEF) are refused.

Writing and reading differ on purpose. An amount being written (``Money(...)``, ``Money.of``)
with more decimal places than its currency has is refused, not rounded: ingest and forms must
say what is wrong. A value read back from the database (``Money.stored``) is what a platform or
an older version already left there; it is rounded half-even to the currency and logged, never
raised, so one odd row cannot break a page. Otherwise rounding happens only where a caller asks
for it by name (``Money.rounded``), with ROUND_HALF_EVEN, the banker's rounding.

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
from copy import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberPattern
from django.utils.translation import gettext as _

from .currencies import ISO_4217_MINOR_UNITS
from .errors import CurrencyMismatch, MoneyError

logger = logging.getLogger("tickets.money")

ROUNDING = ROUND_HALF_EVEN
MAX_INTEGER_DIGITS = 14  # the database columns are DECIMAL(18, 4)
MAX_SIGNIFICANT_DIGITS = 15  # what SQLite's REAL and Django's reader keep exactly


def currency_exponent(currency: str) -> int:
    """How many decimal places the currency has (its ISO 4217 minor unit)."""
    return ISO_4217_MINOR_UNITS[normalize_currency(currency)]


def normalize_currency(currency: object) -> str:
    if not isinstance(currency, str):
        raise MoneyError(_("A currency is a three-letter ISO 4217 code, not %(value)r.") % {"value": currency})
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


def largest(currency: str) -> Decimal:
    """The largest amount Money holds in the currency (9999999999999.99 for USD)."""
    exponent = currency_exponent(currency)
    digits = min(MAX_INTEGER_DIGITS, MAX_SIGNIFICANT_DIGITS - exponent)
    return Decimal(10) ** digits - Decimal(1).scaleb(-exponent)


def _too_large(value: Decimal, currency: str) -> bool:
    # adjusted() is the power of ten of the leading digit, so this counts integer digits
    # without quantizing first (quantize would overflow the Decimal context on 1E+30).
    exponent = currency_exponent(currency)
    return value != 0 and value.adjusted() >= min(MAX_INTEGER_DIGITS, MAX_SIGNIFICANT_DIGITS - exponent)


def _refuse_too_large(value: Decimal, currency: str) -> None:
    if _too_large(value, currency):
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
        try:
            value = Decimal(amount.strip())
        except InvalidOperation as exc:
            raise MoneyError(_("%(value)r is not a number.") % {"value": amount}) from exc
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
        object.__setattr__(self, "amount", exact)

    # --- construction ----------------------------------------------------------------------
    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(amount, currency)  # type: ignore[arg-type]

    @classmethod
    def stored(cls, amount: Decimal | int | str, currency: str) -> Money:
        """A value read back from the database: rounded half-even to the currency, never refused
        for its decimals (a platform or an older version may have left more), and logged when
        it had to be rounded so the row can be found and corrected."""
        currency = normalize_currency(currency)
        value = _to_decimal(amount)
        if value != 0 and value.adjusted() >= MAX_INTEGER_DIGITS:
            _refuse_too_large(value, currency)  # no DECIMAL(18, 4) column holds this: not a stored value
        exact = value.quantize(Decimal(1).scaleb(-currency_exponent(currency)), rounding=ROUNDING)
        if exact != value:
            logger.warning(
                "Stored amount %s %s has more decimal places than the currency; read as %s.",
                value,
                currency,
                exact,
            )
        if _too_large(exact, currency):
            # Written before the 15-digit bound, or by hand: show it as it is rather than fail
            # the page; it stays refused for anything written (arithmetic builds a new Money).
            logger.warning("Stored amount %s %s is beyond what Money accepts; shown as stored.", value, currency)
            money = object.__new__(cls)
            object.__setattr__(money, "currency", currency)
            object.__setattr__(money, "amount", exact)
            return money
        return cls(exact, currency)

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
    def minor_units(self) -> int:
        return int(self.amount.scaleb(currency_exponent(self.currency)))

    def is_zero(self) -> bool:
        return self.amount == 0

    def format(self, locale: str | None = None) -> str:
        """Format for a Django language code or Babel locale, e.g. "$1,234.50", "¥12,320".

        The locale gives symbol, separators and pattern; the decimals are the ISO minor units,
        not CLDR's (which shows IQD and RSD without decimals)."""
        babel, pattern = _currency_pattern(babel_locale(locale), currency_exponent(self.currency))
        return pattern.apply(self.amount, babel, currency=self.currency, currency_digits=False)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

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
