"""A member of store A never sees store B: its rows are missing from lists and 404 in detail."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def ebay_rows(ebay_store):
    ticket = factories.TicketFactory(store=ebay_store)
    return {"ticket": ticket, "order": ticket.order, "refund": factories.RefundFactory(ticket=ticket)}


@pytest.fixture
def shopify_rows(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    return {"ticket": ticket, "order": ticket.order, "refund": factories.RefundFactory(ticket=ticket)}


def test_ticket_of_other_store_is_404(client_for, agent, ebay_rows):
    response = client_for(agent).get(f"/api/tickets/{ebay_rows['ticket'].number}/")
    assert response.status_code == 404


def test_order_of_other_store_is_404(client_for, agent, ebay_rows):
    assert client_for(agent).get(f"/api/orders/{ebay_rows['order'].pk}/").status_code == 404


def test_refund_of_other_store_is_404(client_for, agent, ebay_rows):
    assert client_for(agent).get(f"/api/refunds/{ebay_rows['refund'].pk}/").status_code == 404


def test_other_store_is_404(client_for, agent, ebay_store):
    assert client_for(agent).get(f"/api/stores/{ebay_store.pk}/").status_code == 404


def test_missing_ticket_looks_like_forbidden_one(client_for, agent, ebay_rows):
    forbidden = client_for(agent).get(f"/api/tickets/{ebay_rows['ticket'].number}/")
    missing = client_for(agent).get("/api/tickets/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_ticket_list_holds_only_own_stores(client_for, agent, shopify_rows, ebay_rows):
    numbers = [row["number"] for row in client_for(agent).get("/api/tickets/").json()["results"]]
    assert numbers == [shopify_rows["ticket"].number]


def test_order_list_holds_only_own_stores(client_for, agent, shopify_rows, ebay_rows):
    ids = [row["id"] for row in client_for(agent).get("/api/orders/").json()["results"]]
    assert ids == [shopify_rows["order"].pk]


def test_refund_list_holds_only_own_stores(client_for, agent, shopify_rows, ebay_rows):
    ids = [row["id"] for row in client_for(agent).get("/api/refunds/").json()["results"]]
    assert ids == [shopify_rows["refund"].pk]


def test_store_list_holds_only_own_stores(client_for, agent, shopify_store, ebay_store):
    ids = [row["id"] for row in client_for(agent).get("/api/stores/").json()["results"]]
    assert ids == [shopify_store.pk]


def test_member_of_both_stores_sees_both(client_for, supervisor, shopify_rows, ebay_rows):
    numbers = {row["number"] for row in client_for(supervisor).get("/api/tickets/").json()["results"]}
    assert numbers == {shopify_rows["ticket"].number, ebay_rows["ticket"].number}
