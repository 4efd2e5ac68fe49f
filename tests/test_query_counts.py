"""The inbox and the ticket page ask the database a fixed number of times (≤ 12), however many
tickets, messages, tags, lines and events there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tickets.models import Tag
from tickets.services.tickets import add_internal_note, assign

pytestmark = pytest.mark.django_db
LIMIT = 12


def fill(store, agent, n: int):
    tags = [Tag.objects.get_or_create(name=f"tag-{i}")[0] for i in range(3)]
    last = None
    for i in range(n):
        ticket = factories.TicketFactory(store=store)
        ticket.tags.add(*tags[: i % 4])
        for j in range(1 + i % 3):
            factories.MessageFactory(ticket=ticket, sender_address=f"b{j}@example.com")
            factories.OrderLineFactory(order=ticket.order)
        add_internal_note(ticket, f"note {i}", actor=agent)
        assign(ticket, agent, actor=agent)
        last = ticket
    return last


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen.captured_queries)


@pytest.mark.parametrize(
    "path",
    ["/inbox/", "/inbox/?view=all&sort=priority", "/inbox/?view=sla_risk&sort=sla", "/inbox/?view=mine&q=parcel"],
)
def test_the_inbox_asks_a_fixed_number_of_times(client, agent, shopify_store, path):
    client.force_login(agent)
    fill(shopify_store, agent, 2)
    client.get(path)  # the session's sort is remembered on the first visit
    few = queries(client, path)
    fill(shopify_store, agent, 40)
    many = queries(client, path)
    assert many == few and many <= LIMIT


def test_the_ticket_page_asks_a_fixed_number_of_times(client, agent, shopify_store):
    client.force_login(agent)
    small = fill(shopify_store, agent, 1)
    few = queries(client, reverse("ticket", args=[small.number]))
    big = fill(shopify_store, agent, 12)
    for _ in range(15):
        factories.MessageFactory(ticket=big)
        add_internal_note(big, "more", actor=agent)
    colleague = factories.user_with_role("colleague", factories.AGENT, stores=[shopify_store])
    assign(big, colleague, actor=agent)  # "Assigned to <colleague>": a name the page must show
    # An assignment written before names were recorded, to someone who never acted on the ticket.
    from tickets.models import AuditEvent

    AuditEvent.objects.create(
        action="ticket.assigned",
        object_type="ticket",
        object_id=big.pk,
        ticket=big,
        store_id=big.store_id,
        actor_kind="system",
        before={"assignee": None},
        after={"assignee": colleague.pk},
    )
    factories.RmaFactory(ticket=big)
    factories.RefundFactory(ticket=big)
    many = queries(client, reverse("ticket", args=[big.number]))
    assert many == few and many <= LIMIT
