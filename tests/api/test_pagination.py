"""Every list of the API pages by keyset cursor: next and previous links, no count and no offset,
a stable order with the id breaking ties, whatever number of rows share the ordering column."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.pagination import LimitOffsetPagination, PageNumberPagination

from tests import factories
from tickets.api.pagination import KeysetPagination
from tickets.api.urls import router
from tickets.models import KeywordSet, Rule, StoreMembership

LISTS = [f"/api/{prefix}/" for prefix, _viewset, _name in router.registry]


def walk(client, url: str, key: str = "id") -> tuple[list, list[dict]]:
    seen, bodies = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row[key] for row in body["results"]]
        bodies.append(body)
        url = body["next"]
    return seen, bodies


def test_every_router_list_uses_a_keyset_cursor_ending_in_the_id():
    assert len(router.registry) >= 4
    for prefix, viewset, _name in router.registry:
        paginator = viewset.pagination_class
        assert issubclass(paginator, KeysetPagination), prefix
        assert not issubclass(paginator, LimitOffsetPagination | PageNumberPagination), prefix
        assert paginator.ordering[-1].lstrip("-") == "id", prefix


def test_the_default_paginator_is_a_keyset_cursor_too():
    from django.utils.module_loading import import_string

    assert issubclass(import_string(settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]), KeysetPagination)


@pytest.fixture
def three_of_each(shopify_store, agent):
    now = timezone.now()
    for i in range(3):
        ticket = factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(minutes=i))
        factories.RefundFactory(ticket=ticket, requested_by=agent)
    for i in range(2):
        store = factories.StoreFactory(name=f"Extra {i}")
        StoreMembership.objects.create(store=store, user=agent)
    # Rules and keyword sets are a supervisor's to read: this agent may read them too.
    agent.user_permissions.add(Permission.objects.get(content_type__app_label="tickets", codename="view_rule"))
    for i in range(3):
        Rule.objects.create(name=f"Rule {i}", store=shopify_store, event="message_received", actions=[])
        KeywordSet.objects.create(name=f"set-{i}", store=shopify_store)


@pytest.mark.parametrize("url", LISTS)
def test_every_list_answers_with_cursor_links_and_no_count(client_for, agent, three_of_each, url):
    client = client_for(agent)
    first = client.get(url, {"page_size": 1}).json()
    assert set(first) == {"next", "previous", "results"}  # no count, no offset
    assert first["previous"] is None
    assert "cursor=" in first["next"] and "offset" not in first["next"]
    second = client.get(first["next"]).json()
    assert "cursor=" in second["previous"]
    assert client.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize("url", LISTS)
def test_walking_every_list_yields_each_row_once(client_for, agent, three_of_each, url):
    client = client_for(agent)
    key = "number" if "tickets" in url else "id"
    everything = client.get(url, {"page_size": 200}).json()["results"]
    seen, bodies = walk(client, f"{url}?page_size=1", key)
    assert seen == [row[key] for row in everything]
    assert len(seen) == len(set(seen)) >= 3
    assert bodies[-1]["next"] is None


def test_ties_on_the_ordering_column_are_broken_by_id(client_for, agent, shopify_store):
    # A (column, id) keyset, not DRF's position plus offset (which gives up past 1,000 ties):
    # 7 tied rows on pages of 2 come out in id order, each once.
    same = timezone.now()
    orders = [factories.OrderFactory(store=shopify_store, placed_at=same) for _ in range(7)]
    seen, bodies = walk(client_for(agent), "/api/orders/?page_size=2")
    assert seen == [order.pk for order in reversed(orders)]
    assert len(bodies) == 4


def test_previous_link_walks_back_to_the_first_page(client_for, agent, shopify_store):
    now = timezone.now()
    tickets = [
        factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(minutes=i)) for i in range(5)
    ]
    client = client_for(agent)
    _seen, bodies = walk(client, "/api/tickets/?page_size=2", "number")
    back, url = [], bodies[-1]["previous"]
    while url:
        body = client.get(url).json()
        back = [row["number"] for row in body["results"]] + back
        url = body["previous"]
    assert back == [t.number for t in tickets[:4]]


def test_rows_added_meanwhile_do_not_shift_the_next_page(client_for, agent, shopify_store):
    now = timezone.now()
    old = [factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(hours=i)) for i in range(1, 4)]
    client = client_for(agent)
    first = client.get("/api/tickets/?page_size=2").json()
    factories.TicketFactory(store=shopify_store, last_activity_at=now)  # newer than everything
    second = client.get(first["next"]).json()
    assert [row["number"] for row in second["results"]] == [old[2].number]


def test_next_link_keeps_filters_and_page_size(client_for, agent, shopify_store):
    for _ in range(3):
        factories.TicketFactory(store=shopify_store, priority="high")
    body = client_for(agent).get("/api/tickets/?page_size=1&priority=high").json()
    assert "priority=high" in body["next"] and "page_size=1" in body["next"]
