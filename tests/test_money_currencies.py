"""Minor units follow the ISO 4217 list, not Babel's digits; codes that are not tender are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tickets.currencies import ISO_4217_MINOR_UNITS, PUBLISHED
from tickets.errors import MoneyError
from tickets.money import Money, currency_exponent, normalize_currency

# Where Babel (CLDR) says 0 and ISO 4217 says otherwise, plus a few ordinary ones.
ISO_EXPONENTS = {
    "IQD": 3,
    "RSD": 2,
    "LAK": 2,
    "LBP": 2,
    "MGA": 2,
    "MMK": 2,
    "SOS": 2,
    "SYP": 2,
    "YER": 2,
    "ALL": 2,
    "AFN": 2,
    "IRR": 2,
    "KPW": 2,
    "SLE": 2,
    "USD": 2,
    "JPY": 0,
    "KWD": 3,
    "BHD": 3,
    "CLP": 0,
    "UYW": 4,
}


@pytest.mark.parametrize(("currency", "exponent"), sorted(ISO_EXPONENTS.items()))
def test_currency_exponent_follows_iso_4217(currency, exponent):
    assert currency_exponent(currency) == exponent


def test_a_serbian_dinar_amount_with_two_decimals_is_accepted():
    money = Money.of("1234.50", "RSD")

    assert money.amount == Decimal("1234.50")
    assert money.minor_units == 123450


def test_an_iraqi_dinar_amount_has_three_decimals():
    assert str(Money.of("7.25", "IQD").amount) == "7.250"
    with pytest.raises(MoneyError):
        Money.of("7.2501", "IQD")


@pytest.mark.parametrize(
    "currency",
    [
        "XXX",  # no currency involved
        "XTS",  # reserved for testing
        "XAU",  # gold
        "XAG",  # silver
        "XPT",  # platinum
        "XPD",  # palladium
        "XDR",  # IMF special drawing right
        "XBA",
        "XBB",
        "XBC",
        "XBD",  # bond market units
        "XSU",  # Sucre
        "XUA",  # ADB unit of account
        "BOV",  # funds codes (IsFund in the list)
        "CLF",
        "USN",
        "CHE",
        "DEM",  # withdrawn: Deutsche Mark
        "VEF",  # withdrawn: Bolívar Fuerte
        "SLL",  # withdrawn: the old leone, replaced by SLE
        "HRK",  # withdrawn: kuna, replaced by EUR in 2023
        "ZZZ",  # never assigned
    ],
)
def test_codes_that_are_not_tender_are_refused(currency):
    with pytest.raises(MoneyError) as caught:
        Money.of("1", currency)
    assert currency in str(caught.value)
    with pytest.raises(MoneyError):
        normalize_currency(currency)
    with pytest.raises(MoneyError):
        currency_exponent(currency)


def test_the_table_holds_only_tender_codes_with_their_minor_units():
    assert PUBLISHED == "2026-01-01"
    assert len(ISO_4217_MINOR_UNITS) > 150
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in ISO_4217_MINOR_UNITS)
    assert set(ISO_4217_MINOR_UNITS.values()) <= {0, 2, 3, 4}
    assert {"XXX", "XTS", "XAU", "XDR", "SLL"}.isdisjoint(ISO_4217_MINOR_UNITS)


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        ("1234.5", "RSD", "en", "RSD1,234.50"),
        ("1234.5", "RSD", "de", "1.234,50\xa0RSD"),
        ("1234.5", "IQD", "en", "IQD1,234.500"),
        ("1234", "LAK", "en", "LAK1,234.00"),
        ("0.5", "YER", "en", "YER0.50"),
        ("1234.5", "AFN", "en", "AFN1,234.50"),
        ("1234.5", "IRR", "en", "IRR1,234.50"),
        ("12320", "JPY", "en", "¥12,320"),
        ("1234.5", "USD", "en", "$1,234.50"),
        ("-3", "KWD", "en", "-KWD3.000"),
    ],
)
def test_format_shows_the_iso_minor_units_in_the_locale(amount, currency, language, expected):
    assert Money.of(amount, currency).format(language) == expected


def test_format_of_a_code_babel_does_not_know_shows_the_code():
    # XAD (Arab Accounting Dinar) entered the list in 2025; CLDR in this Babel has no name for it.
    assert Money.of("12.5", "XAD").format("en") == "XAD12.50"
