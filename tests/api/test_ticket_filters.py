"""TicketFilter: each filter keeps exactly the tickets that match; bad values are 400s."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tests import factories
from tickets.models import StoreMembership, Tag, Ticket
from tickets.selectors.filters import TicketFilter


def numbers(client, query: str) -> set[int]:
    response = client.get(f"/api/tickets/?{query}")
    assert response.status_code == 200, response.json()
    return {row["number"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "match", "other"),
    [
        ("status=open", {"status": "open"}, {"status": "waiting_customer"}),
        ("type=return", {"type": "return"}, {"type": "inquiry"}),
        ("reason=size", {"reason": "size"}, {"reason": "late"}),
        ("language=de", {"language": "de"}, {"language": "en"}),
        ("priority=high", {"priority": "high"}, {"priority": "normal"}),
    ],
    ids=["status", "type", "reason", "language", "priority"],
)
def test_choice_filter_keeps_only_matching_tickets(client_for, agent, shopify_store, query, match, other):
    wanted = factories.TicketFactory(store=shopify_store, **match)
    factories.TicketFactory(store=shopify_store, **other)
    assert numbers(client_for(agent), query) == {wanted.number}


def test_status_filter_takes_several_values(client_for, agent, shopify_store):
    new = factories.TicketFactory(store=shopify_store, status="new")
    opened = factories.TicketFactory(store=shopify_store, status="open")
    factories.TicketFactory(store=shopify_store, status="resolved")
    assert numbers(client_for(agent), "status=new&status=open") == {new.number, opened.number}


def test_store_filter_keeps_only_that_store(client_for, supervisor, shopify_store, ebay_store):
    wanted = factories.TicketFactory(store=shopify_store)
    factories.TicketFactory(store=ebay_store)
    assert numbers(client_for(supervisor), f"store={shopify_store.pk}") == {wanted.number}


def test_store_filter_takes_several_stores(client_for, supervisor, shopify_store, ebay_store):
    third = factories.StoreFactory(name="Third")
    StoreMembership.objects.create(store=third, user=supervisor)
    a = factories.TicketFactory(store=shopify_store)
    b = factories.TicketFactory(store=ebay_store)
    factories.TicketFactory(store=third)
    assert numbers(client_for(supervisor), f"store={shopify_store.pk}&store={ebay_store.pk}") == {a.number, b.number}


def test_store_filter_refuses_a_store_the_user_is_not_member_of(client_for, agent, ebay_store):
    response = client_for(agent).get(f"/api/tickets/?store={ebay_store.pk}")
    assert response.status_code == 422
    assert "store" in response.json()["fields"]


def test_foreign_store_filter_reads_like_a_missing_one(client_for, agent, ebay_store):
    foreign = client_for(agent).get(f"/api/tickets/?store={ebay_store.pk}")
    missing = client_for(agent).get("/api/tickets/?store=999999")
    assert (foreign.status_code, foreign.json()["code"]) == (missing.status_code, missing.json()["code"])


def test_platform_filter_keeps_only_that_platform(client_for, supervisor, shopify_store, ebay_store):
    wanted = factories.TicketFactory(store=ebay_store)
    factories.TicketFactory(store=shopify_store)
    assert numbers(client_for(supervisor), "platform=ebay") == {wanted.number}


def test_assignee_me_keeps_the_callers_tickets(client_for, agent, supervisor, shopify_store):
    mine = factories.TicketFactory(store=shopify_store, assignee=agent)
    factories.TicketFactory(store=shopify_store, assignee=supervisor)
    factories.TicketFactory(store=shopify_store, assignee=None)
    assert numbers(client_for(agent), "assignee=me") == {mine.number}


def test_assignee_none_keeps_unassigned_tickets(client_for, agent, shopify_store):
    unassigned = factories.TicketFactory(store=shopify_store, assignee=None)
    factories.TicketFactory(store=shopify_store, assignee=agent)
    assert numbers(client_for(agent), "assignee=none") == {unassigned.number}


def test_assignee_id_keeps_that_users_tickets(client_for, agent, supervisor, shopify_store):
    theirs = factories.TicketFactory(store=shopify_store, assignee=supervisor)
    factories.TicketFactory(store=shopify_store, assignee=agent)
    factories.TicketFactory(store=shopify_store, assignee=None)
    assert numbers(client_for(agent), f"assignee={supervisor.pk}") == {theirs.number}


def test_tag_filter_keeps_tagged_tickets(client_for, agent, shopify_store):
    tagged = factories.TicketFactory(store=shopify_store)
    tagged.tags.add(Tag.objects.create(name="fragile"), Tag.objects.create(name="vip"))
    other = factories.TicketFactory(store=shopify_store)
    other.tags.add(Tag.objects.get(name="vip"))
    factories.TicketFactory(store=shopify_store)
    assert numbers(client_for(agent), "tag=fragile") == {tagged.number}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("type=bogus", "type"),
        ("reason=bogus", "reason"),
        ("priority=bogus", "priority"),
        ("platform=myspace", "platform"),
        ("store=abc", "store"),
        ("assignee=someone", "assignee"),
    ],
    ids=["status", "type", "reason", "priority", "platform", "store", "assignee"],
)
def test_invalid_filter_value_is_400_with_message(client_for, agent, query, field):
    response = client_for(agent).get(f"/api/tickets/?{query}")
    assert response.status_code == 400
    [message] = response.json()["fields"][field]
    assert message


def test_filterset_reports_bad_values_as_form_errors_on_a_plain_queryset(agent, shopify_store):
    wanted = factories.TicketFactory(store=shopify_store, assignee=None, status="open")
    factories.TicketFactory(store=shopify_store, assignee=agent, status="open")
    request = RequestFactory().get("/inbox", {"assignee": "none", "priority": "bogus"})
    request.user = agent
    filterset = TicketFilter(request.GET, queryset=Ticket.objects.visible_to(agent), request=request)
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"priority"}
    assert list(filterset.qs) == [wanted]  # the valid filters still apply


@pytest.mark.parametrize(
    "params",
    [{"assignee": "²"}, {"assignee": "9" * 40}, {"store": "99999999999999999999999"}, {"store": "abc"}],
)
def test_bad_id_values_are_a_400_not_a_500(params, shopify_store, agent):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(agent)
    response = client.get("/api/tickets/", params)
    assert response.status_code == 400
