"""What text Money accepts as an amount: plain ASCII decimals only; and no negative zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tickets.errors import MoneyError
from tickets.money import Money


@pytest.mark.parametrize(
    "amount",
    [
        "1_000",  # Python's Decimal takes digit-group underscores
        "1_000.00",
        "١٢٣",  # Arabic-Indic digits, which Decimal reads as 123
        "१२३",  # Devanagari digits
        "１２３",  # fullwidth digits
        "1E+3",  # exponent notation: no platform or form writes an amount that way
        "1e3",
        "1.5E-1",
        ".5",
        "5.",
        "--5",
        "+-5",
        "1 000",
        "0x10",
        "12.50\n1",
    ],
)
@pytest.mark.parametrize("construct", [Money.of, Money.stored, Money.rounded])
def test_text_that_is_not_a_plain_ascii_decimal_is_refused(construct, amount):
    with pytest.raises(MoneyError) as caught:
        construct(amount, "USD")
    assert "plain decimal" in str(caught.value)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("1000", "1000.00"), ("+12.5", "12.50"), ("-12.50", "-12.50"), (" 12.50 ", "12.50"), ("007", "7.00")],
)
def test_plain_ascii_decimals_are_accepted(amount, expected):
    assert Money.of(amount, "USD").amount == Decimal(expected)


def test_a_decimal_in_exponent_form_is_still_accepted():
    # Only text is held to the plain form; a Decimal is already a number, however it prints.
    assert Money.of(Decimal("1E+3"), "USD").amount == Decimal("1000.00")


@pytest.mark.parametrize("amount", ["-0", "-0.00", Decimal("-0"), Decimal("-0.000")])
@pytest.mark.parametrize("construct", [Money.of, Money.stored, Money.rounded])
def test_negative_zero_is_zero(construct, amount):
    money = construct(amount, "USD")

    assert not money.amount.is_signed()
    assert money.format("en") == "$0.00"
    assert str(money) == "0.00 USD"


def test_negating_zero_gives_zero():
    assert not (-Money.zero("USD")).amount.is_signed()
    assert (-Money.zero("JPY")).format("en") == "¥0"


def test_rounding_a_tiny_negative_amount_to_zero_gives_zero():
    assert Money.rounded("-0.001", "USD").format("en") == "$0.00"
