"""Dated exchange rates: convert an amount into another currency at the rate of a day.

A rate is looked up for the day itself or up to ``MAX_AGE_DAYS`` before it (a weekend or a bank
holiday has no reference rate); a rate stored the other way round (EUR→USD for USD→EUR) serves
too. No rate is an answer, not a guess: ``convert`` returns None and the caller decides (the
refund approval policy then asks a supervisor)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import ExchangeRate
from ..money import ROUNDING, Money, currency_exponent, normalize_currency
from . import audit

MAX_AGE_DAYS = 7
RATE_PLACES = Decimal("1e-10")


class RateRefused(DomainError):
    code = "invalid_exchange_rate"


def rate_on(base: str, quote: str, on: date) -> Decimal | None:
    """How many ``quote`` one ``base`` buys on the day (or the latest of the week before)."""
    base, quote = normalize_currency(base), normalize_currency(quote)
    if base == quote:
        return Decimal(1)
    window = {"valid_on__lte": on, "valid_on__gte": on - timedelta(days=MAX_AGE_DAYS)}
    found = (
        ExchangeRate.objects.filter(base__in=[base, quote], quote__in=[base, quote], **window)
        .order_by("-valid_on", "-id")
        .values_list("base", "rate")
        .first()
    )
    if found is None:
        return None
    stored_base, rate = found
    return rate if stored_base == base else (Decimal(1) / rate).quantize(RATE_PLACES)


def convert(money: Money, currency: str, *, on: date, rounding: str = ROUNDING) -> Money | None:
    """The amount in ``currency`` at the day's rate, rounded to that currency (half-even unless
    the caller names the way: a limit converts rounded down, an amount checked against a limit
    rounded up, so a cent of rounding never lets a refund above a limit through); None without
    a rate."""
    rate = rate_on(money.currency, currency, on)
    if rate is None:
        return None
    quantum = Decimal(1).scaleb(-currency_exponent(currency))
    return Money.of((money.amount * rate).quantize(quantum, rounding=rounding), currency)


def record_rate(base: str, quote: str, rate, valid_on: date, *, actor, source: str = "") -> ExchangeRate:
    """Store (or correct) the rate of a day; a refused value writes nothing and says why."""
    try:
        base, quote = normalize_currency(base), normalize_currency(quote)
        value = Decimal(str(rate).strip())
    except (ArithmeticError, ValueError) as error:
        raise RateRefused(_("%(rate)r is not a rate.") % {"rate": rate}) from error
    if base == quote:
        raise RateRefused(_("A rate converts between two different currencies."))
    if not value.is_finite() or value <= 0 or value.adjusted() > 12 or value.quantize(RATE_PLACES) <= 0:
        raise RateRefused(_("A rate is a positive number, not %(rate)s.") % {"rate": rate})
    with transaction.atomic():
        row, created = ExchangeRate.objects.update_or_create(
            base=base,
            quote=quote,
            valid_on=valid_on,
            defaults={"rate": value.quantize(RATE_PLACES), "source": source[:64]},
        )
        audit.record(
            actor=actor,
            action="exchange_rate.recorded",
            obj=row,
            after={"base": base, "quote": quote, "rate": str(row.rate), "valid_on": valid_on.isoformat()},
        )
    return row
