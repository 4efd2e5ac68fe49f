"""Money round-trips through the database unchanged: at most 15 significant digits, so SQLite's
floats keep every digit, and both databases accept exactly the same amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tickets.currencies import ISO_4217_MINOR_UNITS
from tickets.errors import MoneyError
from tickets.models import Order
from tickets.money import MAX_SIGNIFICANT_DIGITS, Money


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("12345678901234.5678", "USD"),  # the probe: SQLite read it back as 12345678901234.6
        ("10000000000000", "USD"),  # 14 integer digits + 2 decimals = 16
        ("99999999999999.99", "USD"),
        ("-10000000000000.00", "USD"),
        ("1000000000000.000", "KWD"),  # 13 + 3
        ("100000000000.0000", "UYW"),  # 12 + 4
        ("100000000000000", "JPY"),  # 15 integer digits: more than DECIMAL(18, 4) holds
    ],
)
def test_amount_beyond_15_significant_digits_is_refused(amount, currency):
    with pytest.raises(MoneyError) as caught:
        Money.of(amount, currency)
    assert "15" in str(caught.value)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("9999999999999.99", "USD"),
        ("-9999999999999.99", "USD"),
        ("999999999999.999", "KWD"),
        ("99999999999.9999", "UYW"),
        ("99999999999999", "JPY"),
    ],
)
def test_largest_amount_of_each_precision_is_accepted(amount, currency):
    assert Money.of(amount, currency).amount == Decimal(amount)


def test_rounding_up_past_15_significant_digits_is_refused():
    with pytest.raises(MoneyError):
        Money.rounded("9999999999999.995", "USD")  # rounds up to 16 digits


@pytest.mark.django_db
def test_fifteen_significant_digits_round_trip_through_the_database():
    order = factories.OrderFactory(store=factories.StoreFactory(currency="USD"))
    order.total_amount = Money.of("9999999999999.99", "USD").amount
    order.save(update_fields=["total_amount"])

    order.refresh_from_db()

    assert order.total_amount == Decimal("9999999999999.99")
    assert order.total == Money.of("9999999999999.99", "USD")


@pytest.mark.django_db
def test_the_probe_value_changes_on_sqlite_which_is_why_it_is_refused_everywhere():
    order = factories.OrderFactory(store=factories.StoreFactory(currency="USD"))
    Order.objects.filter(pk=order.pk).update(total_amount=Decimal("12345678901234.5678"))

    order.refresh_from_db()

    if connection.vendor == "sqlite":  # REAL keeps 15 significant digits
        assert order.total_amount == Decimal("12345678901234.6")
    else:
        assert order.total_amount == Decimal("12345678901234.5678")
    with pytest.raises(MoneyError):
        Money.of("12345678901234.5678", "USD")


CURRENCIES = st.sampled_from(["USD", "JPY", "KWD", "IQD", "RSD", "UYW", "EUR", "CLP"])


@st.composite
def any_money(draw) -> tuple[int, str]:
    currency = draw(CURRENCIES)
    exponent = ISO_4217_MINOR_UNITS[currency]
    # Up to one unit past the limit on purpose: those must be refused, the rest must round-trip.
    # Not negative: the order total has a check constraint (>= 0); the sign costs no digits.
    digits = min(MAX_SIGNIFICANT_DIGITS, 14 + exponent)
    units = draw(
        st.one_of(
            st.integers(min_value=0, max_value=10**digits),
            st.integers(min_value=0, max_value=10**8),
        )
    )
    return units, currency


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=any_money())
def test_any_money_that_constructs_round_trips_through_the_database_unchanged(case):
    units, currency = case
    try:
        money = Money.from_minor(units, currency)
    except MoneyError:
        assert len(str(abs(units))) > MAX_SIGNIFICANT_DIGITS or abs(units) >= 10 ** (
            14 + ISO_4217_MINOR_UNITS[currency]
        )
        return
    order = Order.objects.filter(currency=currency).first() or factories.OrderFactory(
        store=factories.StoreFactory(currency=currency)
    )
    order.total_amount = money.amount
    order.save(update_fields=["total_amount"])

    order.refresh_from_db()

    assert order.total_amount == money.amount
    assert Money.of(order.total_amount, currency) == money
