"""Stored rows in a withdrawn (HRK, SLL) or unknown (ZZZ) currency are read and shown, never a 500;
writing such a currency stays refused."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.money_checks import api_client, money_warnings
from tickets.currencies import ISO_4217_MINOR_UNITS, WITHDRAWN_MINOR_UNITS
from tickets.errors import MoneyError
from tickets.models import Order, OrderLine, Refund
from tickets.money import Money, currency_exponent, normalize_currency

# --- the table of withdrawn codes ----------------------------------------------------------------


def test_withdrawn_table_holds_the_recent_withdrawals_with_their_minor_units():
    for code, places in {"HRK": 2, "SLL": 2, "DEM": 2, "VEF": 2, "LTL": 2, "EEK": 2, "ITL": 0, "ESP": 0}.items():
        assert WITHDRAWN_MINOR_UNITS[code] == places


def test_withdrawn_table_does_not_overlap_list_one():
    assert set(WITHDRAWN_MINOR_UNITS).isdisjoint(ISO_4217_MINOR_UNITS)
    assert all(len(code) == 3 and code.isalpha() and code.isupper() for code in WITHDRAWN_MINOR_UNITS)


# --- writing stays refused -----------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["HRK", "SLL", "DEM", "ZZZ"])
def test_writing_a_withdrawn_or_unknown_currency_is_still_refused(currency):
    with pytest.raises(MoneyError):
        Money.of("1.00", currency)
    with pytest.raises(MoneyError):
        Money(Decimal("1.00"), currency)
    with pytest.raises(MoneyError):
        normalize_currency(currency)
    with pytest.raises(MoneyError):
        currency_exponent(currency)


def test_arithmetic_on_a_stored_withdrawn_amount_is_refused():
    # A sum is a new amount being written: it is not in a currency anyone can pay in.
    kuna = Money.stored(Decimal("10.00"), "HRK")
    with pytest.raises(MoneyError):
        kuna + kuna  # noqa: B018


# --- reading a stored value ----------------------------------------------------------------------


@pytest.mark.parametrize(("currency", "amount", "expected"), [("HRK", "12.5", "12.50"), ("ITL", "150", "150")])
def test_stored_reads_a_withdrawn_currency_at_its_historic_minor_units(currency, amount, expected, caplog):
    caplog.set_level(logging.WARNING, logger="tickets.money")

    money = Money.stored(Decimal(amount), currency)

    assert money.currency == currency
    assert str(money.amount) == expected
    assert money.checked is False
    assert expected in money.format("en")
    assert money_warnings(caplog) == []  # a known historic code is not an anomaly


def test_stored_rounds_a_withdrawn_currency_half_even(caplog):
    caplog.set_level(logging.WARNING, logger="tickets.money")

    assert Money.stored(Decimal("10.005"), "SLL").amount == Decimal("10.00")
    assert money_warnings(caplog)


@pytest.mark.parametrize("currency", ["ZZZ", "zz9", "", "EURO", "€"])
def test_stored_reads_an_unknown_currency_plainly_with_two_places_and_a_warning(currency, caplog):
    caplog.set_level(logging.WARNING, logger="tickets.money")

    money = Money.stored(Decimal("12.5"), currency)

    assert money.amount == Decimal("12.50")
    assert money.checked is False
    assert money.format("en") == f"12.50 {currency.strip().upper()}".strip()
    assert money.format("de") == money.format("en")  # no locale guesses for a code nobody knows
    assert any(repr(currency.strip().upper()) in r.getMessage() for r in money_warnings(caplog))


def test_a_current_currency_is_checked():
    assert Money.of("1", "USD").checked is True
    assert Money.stored(Decimal("1"), "USD").checked is True


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def legacy_orders(shopify_store):
    """Three tickets whose orders (and a refund, a line) were left in HRK, SLL and ZZZ."""
    tickets = {}
    for currency in ("HRK", "SLL", "ZZZ"):
        ticket = factories.TicketFactory(store=shopify_store)
        factories.OrderLineFactory(order=ticket.order, unit_price=Decimal("50.00"))
        refund = factories.RefundFactory(ticket=ticket, amount=Decimal("10.00"))
        # .update() writes the columns directly, the way rows from before the withdrawal hold them.
        Order.objects.filter(pk=ticket.order_id).update(
            currency=currency, total_amount=Decimal("1234.50"), paid_amount=Decimal("1234.50")
        )
        OrderLine.objects.filter(order_id=ticket.order_id).update(unit_price=Decimal("617.25"))
        Refund.objects.filter(pk=refund.pk).update(currency=currency)
        tickets[currency] = ticket
    return tickets


@pytest.mark.django_db
@pytest.mark.parametrize("currency", ["HRK", "SLL", "ZZZ"])
def test_ticket_page_shows_an_order_in_a_withdrawn_or_unknown_currency(client, agent, legacy_orders, currency):
    client.force_login(agent)

    response = client.get(reverse("ticket", args=[legacy_orders[currency].number]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "1,234.50" in body or "1234.50" in body
    assert currency in body


@pytest.mark.django_db
def test_api_order_list_reads_orders_in_withdrawn_and_unknown_currencies(agent, legacy_orders):
    response = api_client(agent).get("/api/orders/")

    assert response.status_code == 200, response.content
    totals = {row["currency"]: row["total"] for row in response.json()["results"]}
    assert totals["HRK"] == {"amount": "1234.50", "currency": "HRK"}
    assert totals["SLL"] == {"amount": "1234.50", "currency": "SLL"}
    assert totals["ZZZ"] == {"amount": "1234.50", "currency": "ZZZ"}


@pytest.mark.django_db
def test_api_order_detail_and_refund_read_a_withdrawn_currency(agent, legacy_orders):
    order = legacy_orders["HRK"].order
    client = api_client(agent)

    body = client.get(f"/api/orders/{order.pk}/").json()
    [refund] = Refund.objects.filter(order=order)
    refund_body = client.get(f"/api/refunds/{refund.pk}/").json()

    assert body["lines"][0]["unit_price"] == {"amount": "617.25", "currency": "HRK"}
    assert refund_body["amount"] == {"amount": "10.00", "currency": "HRK"}
