"""Money: exact amounts at the currency's precision, one currency at a time."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.errors import CurrencyMismatch, MoneyError
from tickets.money import Money, currency_exponent, total

# --- construction -------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [1.5, 0.0, 10.0])
def test_money_never_accepts_a_float(amount):
    with pytest.raises(MoneyError):
        Money.of(amount, "USD")


@pytest.mark.parametrize("amount", [True, False])
def test_money_never_accepts_a_bool(amount):
    with pytest.raises(MoneyError):
        Money.of(amount, "USD")


def test_from_minor_refuses_a_float_or_bool():
    with pytest.raises(MoneyError):
        Money.from_minor(150.0, "USD")
    with pytest.raises(MoneyError):
        Money.from_minor(True, "USD")


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("1.234", "USD"), ("1.5", "JPY"), ("1.2345", "KWD"), ("0.001", "EUR"), ("1.2345", "BHD")],
)
def test_amount_with_more_decimals_than_the_currency_has_is_refused(amount, currency):
    with pytest.raises(MoneyError):
        Money.of(amount, currency)


def test_trailing_zeros_beyond_the_precision_are_accepted_and_normalized():
    money = Money.of("1.230", "USD")

    assert money.amount == Decimal("1.23")
    assert money.amount.as_tuple().exponent == -2
    assert str(money) == "1.23 USD"


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("1.234", "KWD", "1.234"), ("1500", "JPY", "1500"), ("7", "USD", "7.00"), ("0.5", "BHD", "0.500")],
)
def test_amount_at_the_currency_precision_is_accepted_and_quantized(amount, currency, expected):
    assert str(Money.of(amount, currency).amount) == expected


@pytest.mark.parametrize(("currency", "exponent"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3)])
def test_currency_exponent_comes_from_iso_4217(currency, exponent):
    assert currency_exponent(currency) == exponent


def test_currency_code_is_normalized_to_upper_case():
    assert Money.of("1", " usd ").currency == "USD"


@pytest.mark.parametrize("currency", ["ZZZ", "US", "DOLLAR", "", "12A", None, 840])
def test_unknown_currency_is_refused(currency):
    with pytest.raises(MoneyError):
        Money.of("1", currency)


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity", Decimal("NaN"), Decimal("Infinity")])
def test_nan_and_infinity_are_refused(amount):
    with pytest.raises(MoneyError):
        Money.of(amount, "USD")


@pytest.mark.parametrize("amount", ["abc", "1,50", "", "1.2.3"])
def test_text_that_is_not_a_number_is_refused(amount):
    with pytest.raises(MoneyError):
        Money.of(amount, "USD")


def test_largest_usd_amount_of_15_significant_digits_is_accepted():
    assert Money.of("9999999999999.99", "USD").amount == Decimal("9999999999999.99")


@pytest.mark.parametrize(
    "amount", ["10000000000000", "99999999999999.99", "100000000000000", "1E+14", "-100000000000000", "1E+30"]
)
def test_amount_beyond_15_significant_digits_is_refused(amount):
    with pytest.raises(MoneyError):
        Money.of(amount, "USD")


def test_sum_too_large_for_the_database_is_refused():
    big = Money.of("9999999999999.99", "USD")
    with pytest.raises(MoneyError):
        big + big  # noqa: B018


@pytest.mark.parametrize("amount", ["1E+30", "99999999999999.995", "9999999999999.995"])
def test_rounding_an_amount_too_large_is_refused_as_money_error(amount):
    with pytest.raises(MoneyError):
        Money.rounded(amount, "USD")


# --- minor units and rounding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "currency", "amount"),
    [
        (12345, "USD", "123.45"),
        (12345, "JPY", "12345"),
        (12345, "KWD", "12.345"),
        (-5, "USD", "-0.05"),
        (0, "BHD", "0"),
    ],
)
def test_from_minor_places_the_decimal_point_by_the_currency(units, currency, amount):
    money = Money.from_minor(units, currency)

    assert money.amount == Decimal(amount)
    assert money.minor_units == units


def test_minor_units_of_a_usd_amount_are_cents():
    assert Money.of("19.99", "USD").minor_units == 1999


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("2.345", "2.34"), ("2.355", "2.36"), ("2.3450001", "2.35"), ("-2.345", "-2.34"), ("2.344", "2.34")],
)
def test_rounded_uses_round_half_even(amount, expected):
    assert Money.rounded(amount, "USD").amount == Decimal(expected)


def test_rounded_to_jpy_drops_all_decimals_half_even():
    assert Money.rounded("2.5", "JPY").amount == Decimal("2")
    assert Money.rounded("3.5", "JPY").amount == Decimal("4")


def test_rounded_still_refuses_a_float():
    with pytest.raises(MoneyError):
        Money.rounded(2.345, "USD")


# --- arithmetic --------------------------------------------------------------------------------


def test_adding_and_subtracting_same_currency_is_exact():
    a, b = Money.of("0.10", "USD"), Money.of("0.20", "USD")

    assert a + b == Money.of("0.30", "USD")
    assert b - a == Money.of("0.10", "USD")
    assert -a == Money.of("-0.10", "USD")


def test_comparisons_in_one_currency():
    a, b = Money.of("1.00", "EUR"), Money.of("2.00", "EUR")

    assert a < b
    assert b > a
    assert a <= Money.of("1", "EUR")
    assert b >= a


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a > b,
        lambda a, b: a <= b,
        lambda a, b: a >= b,
    ],
    ids=["add", "sub", "lt", "gt", "le", "ge"],
)
def test_mixing_currencies_raises_currency_mismatch(operation):
    with pytest.raises(CurrencyMismatch):
        operation(Money.of("1.00", "USD"), Money.of("1.00", "EUR"))


def test_combining_money_with_a_bare_number_is_refused():
    with pytest.raises(MoneyError):
        Money.of("1.00", "USD") + Decimal("1.00")  # noqa: B018


def test_amounts_in_different_currencies_are_not_equal():
    assert Money.of("1.00", "USD") != Money.of("1.00", "EUR")


def test_total_sums_one_currency_and_refuses_a_stray_one():
    amounts = [Money.of("1.10", "USD"), Money.of("2.20", "USD")]

    assert total(amounts, "USD") == Money.of("3.30", "USD")
    with pytest.raises(CurrencyMismatch):
        total([*amounts, Money.of("1", "JPY")], "USD")


# --- formatting --------------------------------------------------------------------------------


def test_format_usd_for_english():
    assert Money.of("1234.5", "USD").format("en") == "$1,234.50"


def test_format_eur_for_german_puts_the_symbol_after_with_comma_decimals():
    assert Money.of("1234.5", "EUR").format("de") == "1.234,50\xa0€"


def test_format_jpy_has_no_decimals():
    assert Money.of("12320", "JPY").format("en") == "¥12,320"


def test_format_kwd_shows_three_decimals():
    assert Money.of("1.5", "KWD").format("en").endswith("1.500")


def test_format_accepts_a_django_language_code():
    assert Money.of("1234.5", "CNY").format("zh-hans") == "¥1,234.50"


# --- properties (RELIABILITY §5, F23) ----------------------------------------------------------

EXPONENT_CURRENCIES = {"JPY": 0, "USD": 2, "KWD": 3}
currencies = st.sampled_from(sorted(EXPONENT_CURRENCIES))


@st.composite
def minor_amounts(draw, currency=None):
    currency = currency or draw(currencies)
    # 15 significant digits at the currency's precision, and DECIMAL(18, 4)'s 14 integer digits.
    limit = 10 ** min(15, 14 + EXPONENT_CURRENCIES[currency]) - 1
    return draw(st.integers(min_value=-limit, max_value=limit)), currency


@settings(max_examples=300, deadline=None)
@given(minor_amounts())
def test_any_minor_unit_count_round_trips_through_from_minor(case):
    units, currency = case

    assert Money.from_minor(units, currency).minor_units == units


@settings(max_examples=300, deadline=None)
@given(minor_amounts())
def test_any_amount_round_trips_through_its_string(case):
    units, currency = case
    money = Money.from_minor(units, currency)

    again = Money.of(str(money.amount), currency)

    assert again == money
    assert again.minor_units == units
    assert again.amount.as_tuple().exponent == -EXPONENT_CURRENCIES[currency]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_adding_amounts_of_two_currencies_always_raises(data):
    first, second = data.draw(st.lists(currencies, min_size=2, max_size=2, unique=True))
    a_units, _ = data.draw(minor_amounts(first))
    b_units, _ = data.draw(minor_amounts(second))

    with pytest.raises(CurrencyMismatch):
        Money.from_minor(a_units, first) + Money.from_minor(b_units, second)  # noqa: B018
