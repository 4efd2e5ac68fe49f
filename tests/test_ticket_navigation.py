"""j / k on the ticket page: the next and previous ticket of the list the agent came from, for
each sort, with none past the first and the last, and the list's filters kept."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.selectors import keyset, navigation
from tickets.states import TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(shopify_store):
    """Four tickets whose order differs for each sort."""
    now = timezone.now()
    made = []
    for i, (prio, due) in enumerate([("low", 3), ("urgent", 1), ("normal", 4), ("high", 2)]):
        ticket = factories.TicketFactory(
            store=shopify_store,
            priority=prio,
            status=TicketStatus.OPEN,
            last_activity_at=now - timedelta(minutes=10 * i),
            sla_due_at=now + timedelta(hours=due),
        )
        ticket.created_at = now - timedelta(days=i)
        ticket.save(update_fields=["created_at"])
        made.append(ticket)
    return made


EXPECTED = {  # the list's order by index into ``listed``
    "activity": [0, 1, 2, 3],
    "created": [0, 1, 2, 3],
    "sla": [1, 3, 0, 2],
    "priority": [1, 3, 2, 0],
}


def nav_of(client, ticket, query):
    response = client.get(reverse("ticket", args=[ticket.number]) + "?" + query)
    assert response.status_code == 200
    return response.context["nav"]


@pytest.mark.parametrize("sort", sorted(EXPECTED))
def test_each_ticket_leads_to_its_neighbours_in_the_lists_sort(client, agent, listed, sort):
    client.force_login(agent)
    order = [listed[i] for i in EXPECTED[sort]]
    for place, ticket in enumerate(order):
        nav = nav_of(client, ticket, f"view=unsolved&sort={sort}")
        expected_prev = order[place - 1].number if place > 0 else None
        expected_next = order[place + 1].number if place + 1 < len(order) else None
        assert (nav.previous.number if nav.previous else None) == expected_prev
        assert (nav.next.number if nav.next else None) == expected_next


def test_the_first_ticket_has_no_previous_and_the_last_no_next(client, agent, listed):
    client.force_login(agent)
    first = client.get(reverse("ticket", args=[listed[0].number]) + "?view=unsolved&sort=activity")
    last = client.get(reverse("ticket", args=[listed[3].number]) + "?view=unsolved&sort=activity")
    assert first.context["nav"].previous is None and "first in the list" in first.content.decode()
    assert last.context["nav"].next is None and "last in the list" in last.content.decode()


def test_the_lists_filters_are_kept(client, agent, listed):
    client.force_login(agent)
    nav = nav_of(client, listed[1], "view=unsolved&sort=activity&priority=urgent&priority=high")
    assert nav.previous is None and nav.next.number == listed[3].number
    assert "priority=urgent" in nav.query and "priority=high" in nav.query


def test_a_worked_ticket_still_leads_to_the_one_listed_after_it(client, agent, listed):
    """The row's position travels in the link: new activity on the ticket does not move it."""
    client.force_login(agent)
    sort = keyset.SORTS["activity"]
    at = navigation.cursor_of(sort, listed[1])
    listed[1].last_activity_at = timezone.now() + timedelta(minutes=1)
    listed[1].save(update_fields=["last_activity_at"])
    nav = nav_of(client, listed[1], f"view=unsolved&sort=activity&at={at}")
    assert (nav.previous.number, nav.next.number) == (listed[0].number, listed[2].number)


def test_another_stores_tickets_are_never_neighbours(client, agent, listed, ebay_store):
    client.force_login(agent)
    factories.TicketFactory(store=ebay_store, status=TicketStatus.OPEN, last_activity_at=timezone.now())
    nav = nav_of(client, listed[0], "view=all&sort=activity")
    assert nav.previous is None


def test_the_inbox_links_carry_the_list_and_the_rows_place(client, agent, listed):
    client.force_login(agent)
    body = client.get("/inbox/?view=unsolved&sort=sla&priority=urgent").content.decode()
    assert f"/tickets/{listed[1].number}/?view=unsolved" in body
    assert "sort=sla" in body and "&amp;at=" in body


def test_a_page_opened_without_a_list_shows_no_neighbours(client, agent, listed):
    client.force_login(agent)
    response = client.get(reverse("ticket", args=[listed[0].number]))
    assert response.context["nav"] is None and 'data-nav="next"' not in response.content.decode()


def test_a_forged_position_is_ignored(client, agent, listed):
    client.force_login(agent)
    nav = nav_of(client, listed[1], "view=unsolved&sort=activity&at=bm9uc2Vuc2U")
    assert (nav.previous.number, nav.next.number) == (listed[0].number, listed[2].number)


@pytest.mark.parametrize("query", ["view=unsolved&sort=priority&priority=normal&q=parcel", "view=all&sort=sla"])
def test_the_ticket_page_from_a_list_asks_a_fixed_number_of_times(client, agent, shopify_store, query):
    from tests.test_query_counts import LIMIT, fill, queries

    client.force_login(agent)
    small = fill(shopify_store, agent, 2)
    few = queries(client, reverse("ticket", args=[small.number]) + "?" + query)
    big = fill(shopify_store, agent, 12)
    for _ in range(5):
        factories.TicketFactory(store=shopify_store, customer=big.customer)
        factories.RmaFactory(ticket=big)
        factories.OrderFactory(store=shopify_store, customer=big.customer)
    many = queries(client, reverse("ticket", args=[big.number]) + "?" + query)
    assert many == few and many <= LIMIT
