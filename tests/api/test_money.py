"""Money in the API: a decimal string at the currency's minor units, with the currency. Never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories
from tickets.models import StoreMembership


@pytest.fixture
def store_in(agent):
    def make(currency: str):
        store = factories.StoreFactory(currency=currency)
        StoreMembership.objects.create(store=store, user=agent)
        return store

    return make


def test_usd_total_has_two_decimals(client_for, agent, store_in):
    order = factories.OrderFactory(store=store_in("USD"), total_amount=Decimal("12.5000"))
    assert client_for(agent).get(f"/api/orders/{order.pk}/").json()["total"] == {"amount": "12.50", "currency": "USD"}


def test_jpy_total_has_no_decimals(client_for, agent, store_in):
    order = factories.OrderFactory(store=store_in("JPY"), total_amount=Decimal("12320.0000"), paid_amount=Decimal(0))
    body = client_for(agent).get(f"/api/orders/{order.pk}/").json()
    assert body["total"] == {"amount": "12320", "currency": "JPY"}
    assert body["paid"] == {"amount": "0", "currency": "JPY"}


def test_kwd_total_has_three_decimals(client_for, agent, store_in):
    order = factories.OrderFactory(store=store_in("KWD"), total_amount=Decimal("7.2500"))
    assert client_for(agent).get(f"/api/orders/{order.pk}/").json()["total"] == {"amount": "7.250", "currency": "KWD"}


def test_order_line_unit_price_uses_the_order_currency(client_for, agent, store_in):
    order = factories.OrderFactory(store=store_in("JPY"), total_amount=Decimal(3000), paid_amount=Decimal(3000))
    factories.OrderLineFactory(order=order, unit_price=Decimal("1500.0000"))
    [line] = client_for(agent).get(f"/api/orders/{order.pk}/").json()["lines"]
    assert line["unit_price"] == {"amount": "1500", "currency": "JPY"}


def test_refund_amount_is_a_string_with_currency(client_for, agent, store_in):
    ticket = factories.TicketFactory(store=store_in("KWD"))
    refund = factories.RefundFactory(ticket=ticket, amount=Decimal("1.0050"), currency="KWD")
    body = client_for(agent).get(f"/api/refunds/{refund.pk}/").json()
    assert body["amount"] == {"amount": "1.005", "currency": "KWD"}


def test_money_is_never_a_json_number(client_for, agent, store_in):
    order = factories.OrderFactory(store=store_in("USD"), total_amount=Decimal("0.1000"))
    response = client_for(agent).get(f"/api/orders/{order.pk}/")
    assert b'"amount":"0.10"' in response.content
