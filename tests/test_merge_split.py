"""Merging a ticket into another, splitting a message off, and linking an order or buyer by hand."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.errors import MergeRefused, NotFound, PermissionDenied, SplitRefused
from tickets.models import AuditEvent, Message, Ticket
from tickets.services.links import link_customer, link_order
from tickets.services.merge import merge_tickets, split_message
from tickets.states import TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(shopify_store):
    source = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN)
    target = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.OPEN, customer=source.customer, order=source.order
    )
    factories.MessageFactory(ticket=source, body="<p>first</p>")
    factories.MessageFactory(ticket=target, body="<p>second</p>")
    return source, target


def test_a_merge_moves_the_conversation_and_work_and_closes_the_source(pair, agent):
    source, target = pair
    rma = factories.RmaFactory(ticket=source)
    refund = factories.RefundFactory(ticket=source)
    source.tags.add(factories.m.Tag.objects.create(name="dup"))
    merge_tickets(source=source, target=target, actor=agent)
    source.refresh_from_db()
    assert source.status == TicketStatus.CLOSED and source.closed_at is not None
    assert Message.objects.filter(ticket=target).count() == 2 and not Message.objects.filter(ticket=source).exists()
    rma.refresh_from_db()
    refund.refresh_from_db()
    assert rma.ticket_id == target.pk and refund.ticket_id == target.pk
    assert list(target.tags.values_list("name", flat=True)) == ["dup"]


def test_tickets_about_two_orders_are_not_merged_and_nothing_moves(shopify_store, agent):
    source = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN)
    target = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, customer=source.customer)
    refund = factories.RefundFactory(ticket=source)
    with pytest.raises(MergeRefused, match="different orders"):
        merge_tickets(source=source, target=target, actor=agent)
    refund.refresh_from_db()
    source.refresh_from_db()
    assert refund.ticket_id == source.pk and source.status == TicketStatus.OPEN


def test_a_ticket_without_an_order_merges_into_one_with_an_order(shopify_store, agent):
    source = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, order=None)
    target = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, customer=source.customer)
    factories.MessageFactory(ticket=source)
    merge_tickets(source=source, target=target, actor=agent)
    assert Message.objects.filter(ticket=target).count() == 1


def test_a_merge_moves_the_replacement_orders_too(pair, agent):
    from tickets.services.replacements import create_replacement

    source, target = pair
    line = factories.OrderLineFactory(order=source.order, quantity=2)
    replacement = create_replacement(source, {line.pk: 1}, actor=agent, kind="reship")
    merge_tickets(source=source, target=target, actor=agent)
    replacement.refresh_from_db()
    assert replacement.replacement_ticket_id == target.pk


def test_a_ticket_with_a_return_keeps_its_order(shopify_store, agent):
    from tickets.errors import LinkRefused

    ticket = factories.TicketFactory(store=shopify_store)
    factories.RmaFactory(ticket=ticket)
    other = factories.OrderFactory(store=shopify_store, customer=ticket.customer)
    with pytest.raises(LinkRefused):
        link_order(ticket=ticket, order=other, actor=agent)
    ticket.refresh_from_db()
    assert ticket.order_id != other.pk


def test_a_ticket_with_a_replacement_or_dispute_keeps_its_order(shopify_store, agent):
    from tickets.errors import LinkRefused
    from tickets.services.replacements import create_replacement

    reshipped = factories.TicketFactory(store=shopify_store)
    line = factories.OrderLineFactory(order=reshipped.order, quantity=1)
    create_replacement(reshipped, {line.pk: 1}, actor=agent, kind="reship")
    disputed = factories.TicketFactory(store=shopify_store)
    factories.m.Dispute.objects.create(
        ticket=disputed,
        store=shopify_store,
        order=disputed.order,
        external_id="case-1",
        kind=factories.m.DisputeKind.values[0],
        opened_at=timezone.now(),
    )
    for ticket in (reshipped, disputed):
        other = factories.OrderFactory(store=shopify_store, customer=ticket.customer)
        with pytest.raises(LinkRefused):
            link_order(ticket=ticket, order=other, actor=agent)
        ticket.refresh_from_db()
        assert ticket.order_id != other.pk


def test_a_replacement_order_is_not_linked_as_a_tickets_order(shopify_store, agent):
    from tickets.errors import LinkRefused
    from tickets.services.replacements import create_replacement

    ticket = factories.TicketFactory(store=shopify_store)
    line = factories.OrderLineFactory(order=ticket.order, quantity=1)
    replacement = create_replacement(ticket, {line.pk: 1}, actor=agent, kind="reship")
    other = factories.TicketFactory(store=shopify_store, order=None)
    with pytest.raises(LinkRefused, match="replacement"):
        link_order(ticket=other, order=replacement, actor=agent)


def test_a_merge_is_audited_on_both_tickets(pair, agent):
    source, target = pair
    merge_tickets(source=source, target=target, actor=agent)
    into = AuditEvent.objects.get(ticket=source, action="ticket.merged_into")
    assert into.after["into"] == target.number and into.actor == agent
    assert AuditEvent.objects.get(ticket=target, action="ticket.merged").after["from"] == source.number


def test_the_source_shows_merged_into_the_target(client, pair, agent):
    source, target = pair
    merge_tickets(source=source, target=target, actor=agent)
    client.force_login(agent)
    assert f"Merged into #{target.number}" in client.get(reverse("ticket", args=[source.number])).content.decode()


def test_a_ticket_cannot_be_merged_into_itself(pair, agent):
    source, _target = pair
    with pytest.raises(MergeRefused):
        merge_tickets(source=source, target=source, actor=agent)


def test_nothing_merges_into_a_closed_ticket(pair, agent):
    source, target = pair
    Ticket.objects.filter(pk=target.pk).update(status=TicketStatus.CLOSED, closed_at=target.last_activity_at)
    with pytest.raises(MergeRefused):
        merge_tickets(source=source, target=target, actor=agent)
    assert Message.objects.filter(ticket=source).count() == 1 and not AuditEvent.objects.exists()


def test_tickets_of_two_stores_are_not_merged(pair, supervisor, ebay_store):
    source, _target = pair
    foreign = factories.TicketFactory(store=ebay_store, status=TicketStatus.OPEN)
    with pytest.raises(MergeRefused):
        merge_tickets(source=source, target=foreign, actor=supervisor)


def test_a_ticket_of_a_store_the_actor_cannot_see_is_not_found(pair, agent, ebay_store):
    source, _target = pair
    foreign = factories.TicketFactory(store=ebay_store, status=TicketStatus.OPEN)
    with pytest.raises(NotFound):
        merge_tickets(source=source, target=foreign, actor=agent)


def test_merging_from_the_page_into_an_unseen_ticket_is_refused_clearly(client, pair, agent, ebay_store):
    source, _target = pair
    foreign = factories.TicketFactory(store=ebay_store, status=TicketStatus.OPEN)
    client.force_login(agent)
    response = client.post(reverse("ticket-merge", args=[source.number]), {"into": foreign.number}, follow=True)
    assert f"There is no ticket #{foreign.number} you can see." in response.content.decode()
    source.refresh_from_db()
    assert source.status == TicketStatus.OPEN


def test_merging_from_the_page_lands_on_the_target(client, pair, agent):
    source, target = pair
    client.force_login(agent)
    response = client.post(reverse("ticket-merge", args=[source.number]), {"into": f"#{target.number}"})
    assert response.status_code == 302 and response.url == reverse("ticket", args=[target.number])


def test_finance_cannot_merge(pair, finance):
    source, target = pair
    with pytest.raises(PermissionDenied):
        merge_tickets(source=source, target=target, actor=finance)


def test_a_split_message_opens_a_ticket_of_the_same_buyer_and_order(pair, agent):
    source, _target = pair
    second = factories.MessageFactory(ticket=source, body="<p>and another thing</p>")
    new = split_message(message=second, actor=agent)
    assert (new.store_id, new.customer_id, new.order_id) == (source.store_id, source.customer_id, source.order_id)
    assert list(new.messages.values_list("pk", flat=True)) == [second.pk]
    assert new.number != source.number and new.sla_due_at is not None
    assert AuditEvent.objects.get(ticket=source, action="ticket.split_off").after["to"] == new.number
    assert AuditEvent.objects.get(ticket=new, action="ticket.split_from").after["from"] == source.number


def test_a_tickets_only_message_is_not_split_off(pair, agent):
    source, _target = pair
    with pytest.raises(SplitRefused):
        split_message(message=source.messages.get(), actor=agent)


def test_a_message_of_another_stores_ticket_cannot_be_split_from_the_page(client, agent, ebay_store):
    foreign = factories.TicketFactory(store=ebay_store)
    message = factories.MessageFactory(ticket=foreign)
    factories.MessageFactory(ticket=foreign)
    client.force_login(agent)
    assert client.post(reverse("ticket-split", args=[foreign.number]), {"message": message.pk}).status_code == 404


def test_a_message_of_another_ticket_is_not_found_on_this_one(client, pair, agent):
    source, target = pair
    client.force_login(agent)
    other = target.messages.get()
    assert client.post(reverse("ticket-split", args=[source.number]), {"message": other.pk}).status_code == 404


def test_linking_an_order_sets_it_and_is_audited(shopify_store, agent):
    ticket = factories.TicketFactory(store=shopify_store, order=None, customer=None)
    order = factories.OrderFactory(store=shopify_store)
    link_order(ticket=ticket, order=order, actor=agent)
    ticket.refresh_from_db()
    assert (ticket.order_id, ticket.customer_id) == (order.pk, order.customer_id)
    assert AuditEvent.objects.get(action="ticket.order_linked").after["order"] == order.number


def test_another_stores_order_or_buyer_cannot_be_linked(shopify_store, ebay_store, supervisor):
    ticket = factories.TicketFactory(store=shopify_store)
    with pytest.raises(NotFound):
        link_order(ticket=ticket, order=factories.OrderFactory(store=ebay_store), actor=supervisor)
    with pytest.raises(NotFound):
        link_customer(ticket=ticket, customer=factories.CustomerFactory(store=ebay_store), actor=supervisor)


def test_the_link_page_refuses_another_stores_order_clearly(client, shopify_store, ebay_store, agent):
    ticket = factories.TicketFactory(store=shopify_store)
    foreign = factories.OrderFactory(store=ebay_store)
    client.force_login(agent)
    response = client.post(reverse("ticket-link", args=[ticket.number]), {"order": foreign.pk}, follow=True)
    assert "No such order in Acme Shopify." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.order_id != foreign.pk


def test_the_link_search_finds_the_stores_order_and_buyer_only(client, shopify_store, ebay_store, agent):
    ticket = factories.TicketFactory(store=shopify_store)
    mine = factories.OrderFactory(store=shopify_store, number="#7001")
    factories.OrderFactory(store=ebay_store, number="#7001")
    buyer = factories.CustomerFactory(store=shopify_store, email="ann@example.com")
    factories.CustomerFactory(store=ebay_store, email="ann@example.com")
    client.force_login(agent)
    url = reverse("ticket-link-search", args=[ticket.number])
    orders = client.get(url, {"q": "7001"}).context["orders"]
    customers = client.get(url, {"q": "ANN@example.com"}).context["customers"]
    assert orders == [mine] and customers == [buyer]


def test_linking_a_buyer_from_the_page(client, shopify_store, agent):
    ticket = factories.TicketFactory(store=shopify_store)
    buyer = factories.CustomerFactory(store=shopify_store)
    client.force_login(agent)
    client.post(reverse("ticket-link", args=[ticket.number]), {"customer": buyer.pk})
    ticket.refresh_from_db()
    assert ticket.customer_id == buyer.pk


def test_a_bad_merge_number_changes_nothing(client, pair, agent):
    source, _target = pair
    client.force_login(agent)
    response = client.post(reverse("ticket-merge", args=[source.number]), {"into": "abc"}, follow=True)
    assert "Give the number of the ticket to merge into." in response.content.decode()
    assert not AuditEvent.objects.exists()
