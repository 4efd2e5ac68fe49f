"""Orders and refunds: their fields and their filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests import factories


def ids(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_order_fields(client_for, agent, shopify_store):
    order = factories.OrderFactory(store=shopify_store, carrier="UPS", tracking_number="1Z999")
    line = factories.OrderLineFactory(order=order, sku="SHIRT-M", quantity=2, unit_price=Decimal("25.0000"))
    body = client_for(agent).get(f"/api/orders/{order.pk}/").json()
    assert body["external_id"] == order.external_id
    assert body["number"] == order.number
    assert body["store"] == {"id": shopify_store.pk, "name": "Acme Shopify", "platform": "shopify"}
    assert (body["carrier"], body["tracking_number"], body["tracking_status"]) == ("UPS", "1Z999", "unknown")
    assert body["lines"] == [
        {
            "id": line.pk,
            "sku": "SHIRT-M",
            "title": "Linen shirt",
            "quantity": 2,
            "unit_price": {"amount": "25.00", "currency": "USD"},
        }
    ]


def test_order_list_takes_a_fixed_number_of_queries(client_for, agent, shopify_store, django_assert_max_num_queries):
    for _ in range(20):
        factories.OrderLineFactory.create_batch(3, order=factories.OrderFactory(store=shopify_store))
    client = client_for(agent)
    with django_assert_max_num_queries(4):  # permissions (2), the page, the page's lines
        response = client.get("/api/orders/")
    assert len(response.json()["results"]) == 20


def test_refund_fields(client_for, agent, supervisor, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    refund = factories.RefundFactory(
        ticket=ticket, requested_by=agent, approved_by=supervisor, status="approved", platform_refund_id="re_1"
    )
    body = client_for(agent).get(f"/api/refunds/{refund.pk}/").json()
    assert body["ticket"] == ticket.number
    assert body["order"] == ticket.order.number
    assert body["amount"] == {"amount": "30.00", "currency": "USD"}
    assert (body["requested_by"], body["approved_by"]) == ("agent_a", "super")
    assert (body["kind"], body["method"], body["status"]) == ("partial", "original_payment", "approved")
    assert body["attribution_month"] == refund.attribution_month.isoformat()
    assert body["platform_refund_id"] == "re_1"


def test_refund_list_takes_a_fixed_number_of_queries(client_for, agent, shopify_store, django_assert_max_num_queries):
    for _ in range(20):
        factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store), requested_by=agent)
    client = client_for(agent)
    with django_assert_max_num_queries(3):  # permissions (2), the page
        response = client.get("/api/refunds/")
    assert len(response.json()["results"]) == 20


def test_order_filter_by_store(client_for, supervisor, shopify_store, ebay_store):
    wanted = factories.OrderFactory(store=ebay_store)
    factories.OrderFactory(store=shopify_store)
    assert ids(client_for(supervisor), f"/api/orders/?store={ebay_store.pk}") == {wanted.pk}


def test_order_filter_by_number(client_for, agent, shopify_store):
    wanted = factories.OrderFactory(store=shopify_store, number="#2001")
    factories.OrderFactory(store=shopify_store, number="#2002")
    assert ids(client_for(agent), "/api/orders/?number=%232001") == {wanted.pk}


def test_order_filter_by_tracking_number(client_for, agent, shopify_store):
    wanted = factories.OrderFactory(store=shopify_store, tracking_number="1ZAAA")
    factories.OrderFactory(store=shopify_store, tracking_number="1ZBBB")
    assert ids(client_for(agent), "/api/orders/?tracking_number=1ZAAA") == {wanted.pk}


def test_refund_filter_by_store(client_for, supervisor, shopify_store, ebay_store):
    wanted = factories.RefundFactory(ticket=factories.TicketFactory(store=ebay_store))
    factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store))
    assert ids(client_for(supervisor), f"/api/refunds/?store={ebay_store.pk}") == {wanted.pk}


def test_refund_filter_by_status(client_for, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    wanted = factories.RefundFactory(ticket=ticket, status="succeeded")
    factories.RefundFactory(ticket=ticket, status="requested")
    assert ids(client_for(agent), "/api/refunds/?status=succeeded") == {wanted.pk}


def test_refund_filter_by_currency_ignores_case(client_for, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    wanted = factories.RefundFactory(ticket=ticket, currency="EUR")
    factories.RefundFactory(ticket=ticket, currency="USD")
    assert ids(client_for(agent), "/api/refunds/?currency=eur") == {wanted.pk}


def test_refund_filter_by_attribution_month(client_for, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    wanted = factories.RefundFactory(ticket=ticket, attribution_month=date(2024, 5, 1))
    factories.RefundFactory(ticket=ticket, attribution_month=date(2024, 6, 1))
    assert ids(client_for(agent), "/api/refunds/?attribution_month=2024-05") == {wanted.pk}


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        ("status=bogus", "status", 400),
        ("currency=XYZ1", "currency", 400),
        ("attribution_month=2024-13", "attribution_month", 400),
        ("store=abc", "store", 400),
        # Well-formed, so the schema allows them, but the domain cannot use them: 422.
        ("currency=ZZZ", "currency", 422),
        ("attribution_month=2024-02-31", "attribution_month", 422),
    ],
)
def test_invalid_refund_filter_value_is_refused_with_message(client_for, agent, query, field, status):
    response = client_for(agent).get(f"/api/refunds/?{query}")
    assert response.status_code == status
    [message] = response.json()["fields"][field]
    assert message
