"""The API only reads, but for refund requests and decisions (tests/api/test_refund_writes.py):
every other write is refused and leaves the database as it was."""

from __future__ import annotations

import pytest

from tests import factories
from tickets.models import Order, Refund, Store, Ticket


@pytest.fixture
def rows(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, subject="Original")
    refund = factories.RefundFactory(ticket=ticket)
    return {
        "stores": (Store, shopify_store.pk),
        "tickets": (Ticket, ticket.number),
        "orders": (Order, ticket.order.pk),
        "refunds": (Refund, refund.pk),
    }


def snapshot() -> list:
    return [list(model.objects.order_by("pk").values()) for model in (Store, Ticket, Order, Refund)]


WRITES = [("post", False), ("put", True), ("patch", True), ("delete", True)]


# Every write but POST /api/refunds/, which requests a refund.
AGENT_WRITES = [
    (collection, method, on_detail)
    for collection in ("stores", "tickets", "orders", "refunds")
    for method, on_detail in WRITES
    if (collection, method) != ("refunds", "post")
]


@pytest.mark.parametrize(
    ("collection", "method", "on_detail"), AGENT_WRITES, ids=[f"{c}-{m}" for c, m, _ in AGENT_WRITES]
)
def test_agent_write_is_405_and_changes_nothing(client_for, agent, rows, collection, method, on_detail):
    before = snapshot()
    url = f"/api/{collection}/{rows[collection][1]}/" if on_detail else f"/api/{collection}/"
    response = getattr(client_for(agent), method)(url, {"subject": "Changed", "name": "Changed"}, format="json")
    assert response.status_code == 405
    assert snapshot() == before


def test_agent_gets_405_not_403_for_a_ticket_post(client_for, agent, rows):
    # Agents hold add_ticket, so only the missing method stops them: 405 says why.
    assert client_for(agent).post("/api/tickets/", {}, format="json").status_code == 405


def test_finance_reads_tickets_orders_and_refunds(client_for, finance, rows):
    client = client_for(finance)
    for collection in ("tickets", "orders", "refunds"):
        assert client.get(f"/api/{collection}/").status_code == 200
        assert client.get(f"/api/{collection}/{rows[collection][1]}/").status_code == 200


@pytest.mark.parametrize(("method", "on_detail"), WRITES[1:], ids=[m for m, _ in WRITES[1:]])
def test_finance_write_is_405_and_changes_nothing(client_for, finance, rows, method, on_detail):
    # 405 before the role is looked at: the schema offers no such write, whoever asks.
    before = snapshot()
    url = f"/api/refunds/{rows['refunds'][1]}/" if on_detail else "/api/refunds/"
    response = getattr(client_for(finance), method)(url, {"status": "succeeded"}, format="json")
    assert response.status_code == 405
    assert snapshot() == before


def test_finance_refund_request_is_403_and_changes_nothing(client_for, finance, rows):
    # The operation exists, so the role decides; finance reads refunds and changes none.
    before = snapshot()
    response = client_for(finance).post("/api/refunds/", {"status": "succeeded"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert snapshot() == before
