"""Money: a Decimal amount with an ISO 4217 currency, at the currency's precision. No floats.

Minor units come from CLDR through Babel (JPY 0, USD 2, KWD 3). An amount with more decimal
places than its currency has is refused, not rounded; rounding happens only where a caller
asks for it by name (``Money.rounded``), with ROUND_HALF_EVEN, the banker's rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, is_currency
from django.utils.translation import gettext as _

from .errors import CurrencyMismatch, MoneyError

ROUNDING = ROUND_HALF_EVEN
MAX_DIGITS = 18  # the database columns are DECIMAL(18, 4)


@lru_cache(maxsize=512)
def currency_exponent(currency: str) -> int:
    """How many decimal places the currency has (its minor unit)."""
    return get_currency_precision(normalize_currency(currency))


def normalize_currency(currency: object) -> str:
    if not isinstance(currency, str):
        raise MoneyError(_("A currency is a three-letter ISO 4217 code, not %(value)r.") % {"value": currency})
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha() or not is_currency(code):
        raise MoneyError(_("%(value)r is not an ISO 4217 currency code.") % {"value": currency})
    return code


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
        if value.adjusted() >= MAX_DIGITS - 4:
            raise MoneyError(_("%(value)s %(currency)s is too large.") % {"value": value, "currency": currency})
        quantum = Decimal(1).scaleb(-currency_exponent(currency))
        exact = value.quantize(quantum, rounding=ROUNDING)
        if exact != value:
            raise MoneyError(
                _("%(value)s has more decimal places than %(currency)s allows (%(places)s).")
                % {"value": value, "currency": currency, "places": currency_exponent(currency)}
            )
        object.__setattr__(self, "currency", currency)
        object.__setattr__(self, "amount", exact)

    # --- construction ----------------------------------------------------------------------
    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        return cls(amount, currency)  # type: ignore[arg-type]

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
        value = _to_decimal(amount)
        if value.adjusted() >= MAX_DIGITS - 4:  # quantize would overflow the Decimal context first
            raise MoneyError(_("%(value)s %(currency)s is too large.") % {"value": value, "currency": currency})
        quantum = Decimal(1).scaleb(-currency_exponent(currency))
        return cls(value.quantize(quantum, rounding=ROUNDING), currency)

    # --- reading ---------------------------------------------------------------------------
    @property
    def minor_units(self) -> int:
        return int(self.amount.scaleb(currency_exponent(self.currency)))

    def is_zero(self) -> bool:
        return self.amount == 0

    def format(self, locale: str | None = None) -> str:
        """Format for a Django language code or Babel locale, e.g. "$1,234.50", "¥12,320"."""
        return format_currency(self.amount, self.currency, locale=babel_locale(locale))

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
