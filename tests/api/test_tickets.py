"""The ticket list and detail: fields, messages, keyset pagination and a fixed query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from tests import factories
from tickets.models import Direction, StoreMembership, Tag

LIST_QUERIES = 4  # permissions (user + groups), the page, the page's tags


def test_ticket_list_fields(client_for, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, assignee=agent, reason="size")
    ticket.tags.add(Tag.objects.create(name="vip"), Tag.objects.create(name="fragile"))
    row = client_for(agent).get("/api/tickets/").json()["results"][0]
    assert row["number"] == ticket.number
    assert row["store"] == {"id": shopify_store.pk, "name": "Acme Shopify", "platform": "shopify"}
    assert row["customer"] == {"name": ticket.customer.name, "email": ticket.customer.email, "tier": "regular"}
    assert row["order"] == {"id": ticket.order.pk, "number": ticket.order.number}
    assert row["assignee"] == "agent_a"
    assert row["tags"] == ["fragile", "vip"]
    assert (row["type"], row["reason"], row["status"], row["priority"]) == ("inquiry", "size", "new", "normal")
    assert {"first_response_due_at", "resolution_due_at", "last_activity_at", "created_at"} <= set(row)
    assert "messages" not in row


def test_ticket_without_customer_order_or_assignee_has_nulls(client_for, agent, shopify_store):
    factories.TicketFactory(store=shopify_store, customer=None, order=None)
    row = client_for(agent).get("/api/tickets/").json()["results"][0]
    assert (row["customer"], row["order"], row["assignee"]) == (None, None, None)


def test_ticket_detail_is_addressed_by_number_and_has_messages(client_for, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    now = timezone.now()
    factories.MessageFactory(ticket=ticket, created_at=now - timedelta(minutes=2), original_language="de")
    factories.MessageFactory(ticket=ticket, direction=Direction.NOTE, author_name="Agent", created_at=now)
    body = client_for(agent).get(f"/api/tickets/{ticket.number}/").json()
    assert body["number"] == ticket.number
    assert [m["direction"] for m in body["messages"]] == ["inbound", "note"]
    assert set(body["messages"][0]) == {"id", "direction", "author_name", "body", "original_language", "created_at"}
    assert body["messages"][0]["original_language"] == "de"


def test_internal_notes_hidden_without_message_view_permission(client_for, shopify_store):
    user = User.objects.create_user(username="ticket_reader")
    user.user_permissions.add(Permission.objects.get(codename="view_ticket"))
    StoreMembership.objects.create(store=shopify_store, user=user)
    ticket = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=ticket)
    factories.MessageFactory(ticket=ticket, direction=Direction.NOTE)
    body = client_for(User.objects.get(pk=user.pk)).get(f"/api/tickets/{ticket.number}/").json()
    assert [m["direction"] for m in body["messages"]] == ["inbound"]


def test_non_numeric_ticket_number_is_404(client_for, agent):
    assert client_for(agent).get("/api/tickets/abc/").status_code == 404


def test_ticket_list_is_newest_activity_first(client_for, agent, shopify_store):
    now = timezone.now()
    old = factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(hours=2))
    new = factories.TicketFactory(store=shopify_store, last_activity_at=now)
    mid = factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(hours=1))
    numbers = [row["number"] for row in client_for(agent).get("/api/tickets/").json()["results"]]
    assert numbers == [new.number, mid.number, old.number]


def _walk(client, url: str) -> tuple[list[int], int]:
    numbers, pages = [], 0
    while url:
        body = client.get(url).json()
        numbers += [row["number"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    return numbers, pages


def test_cursor_pages_continue_without_overlap(client_for, agent, shopify_store):
    now = timezone.now()
    tickets = [
        factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(minutes=i)) for i in range(5)
    ]
    client = client_for(agent)
    first = client.get("/api/tickets/?page_size=2").json()
    assert "cursor=" in first["next"] and first["previous"] is None
    numbers, pages = _walk(client, "/api/tickets/?page_size=2")
    assert numbers == [t.number for t in tickets]
    assert pages == 3


def test_cursor_pages_break_activity_ties_by_id(client_for, agent, shopify_store):
    same = timezone.now()
    tickets = [factories.TicketFactory(store=shopify_store, last_activity_at=same) for _ in range(5)]
    numbers, _ = _walk(client_for(agent), "/api/tickets/?page_size=2")
    assert numbers == [t.number for t in reversed(tickets)]


def test_cursor_pagination_keeps_filters_in_next_link(client_for, agent, shopify_store):
    for _ in range(3):
        factories.TicketFactory(store=shopify_store, priority="high")
    factories.TicketFactory(store=shopify_store, priority="low")
    numbers, pages = _walk(client_for(agent), "/api/tickets/?page_size=2&priority=high")
    assert len(numbers) == len(set(numbers)) == 3
    assert pages == 2


@pytest.fixture
def thirty_busy_tickets(shopify_store, agent):
    tags = [Tag.objects.create(name=f"tag-{i}") for i in range(3)]
    for _ in range(30):
        ticket = factories.TicketFactory(store=shopify_store, assignee=agent)
        ticket.tags.add(*tags)
        factories.MessageFactory(ticket=ticket)


def test_ticket_list_of_30_takes_a_fixed_number_of_queries(
    client_for, agent, thirty_busy_tickets, django_assert_max_num_queries
):
    client = client_for(agent)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/api/tickets/")
    assert len(response.json()["results"]) == 30


def test_ticket_detail_takes_a_fixed_number_of_queries(client_for, agent, shopify_store, django_assert_max_num_queries):
    ticket = factories.TicketFactory(store=shopify_store)
    for _ in range(10):
        factories.MessageFactory(ticket=ticket)
    client = client_for(agent)
    with django_assert_max_num_queries(LIST_QUERIES + 1):  # plus the messages
        response = client.get(f"/api/tickets/{ticket.number}/")
    assert len(response.json()["messages"]) == 10
