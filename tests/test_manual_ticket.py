"""Tickets opened by hand (a phone call, a letter), and the order panel's facts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import AuditEvent, Customer, Direction, Ticket

pytestmark = pytest.mark.django_db


def form(store, **extra):
    data = {
        "store": store.pk,
        "channel": "phone",
        "buyer_email": "caller@example.com",
        "buyer_name": "Cal Ler",
        "order_number": "",
        "subject": "Called about a late parcel",
        "type": "inquiry",
        "reason": "late",
        "priority": "normal",
        "body": "Parcel not here after two weeks.\nWants a refund.",
        "as_note": "0",
    }
    data.update(extra)
    return data


def test_an_agent_opens_a_phone_ticket_with_the_buyers_words(client, agent, shopify_store):
    client.force_login(agent)
    response = client.post(reverse("ticket-new"), form(shopify_store))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("ticket", args=[ticket.number])
    assert (ticket.channel, ticket.reason, ticket.store_id) == ("phone", "late", shopify_store.pk)
    assert ticket.customer.email == "caller@example.com" and ticket.sla_due_at is not None
    message = ticket.messages.get()
    assert message.direction == Direction.INBOUND and "<br>" in message.body
    assert AuditEvent.objects.filter(ticket=ticket, action="ticket.created", actor=agent).exists()


def test_it_is_numbered_from_the_ticket_counter(client, agent, shopify_store):
    client.force_login(agent)
    client.post(reverse("ticket-new"), form(shopify_store))
    client.post(reverse("ticket-new"), form(shopify_store, subject="Second call"))
    first, second = Ticket.objects.order_by("pk")
    assert second.number == first.number + 1


def test_the_first_message_may_be_an_internal_note(client, agent, shopify_store):
    client.force_login(agent)
    client.post(reverse("ticket-new"), form(shopify_store, as_note="1", channel="letter"))
    message = Ticket.objects.get().messages.get()
    assert message.direction == Direction.NOTE and message.author == agent


def test_a_known_buyer_and_order_are_found(client, agent, shopify_store):
    order = factories.OrderFactory(store=shopify_store, number="#4242")
    client.force_login(agent)
    client.post(reverse("ticket-new"), form(shopify_store, buyer_email=order.customer.email, order_number="4242"))
    ticket = Ticket.objects.get()
    assert (ticket.order_id, ticket.customer_id) == (order.pk, order.customer_id)
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("subject", ""), ("body", "   "), ("buyer_email", "not-an-address"), ("order_number", "#999999")],
)
def test_bad_input_gets_an_inline_error_and_creates_nothing(client, agent, shopify_store, field, value):
    client.force_login(agent)
    response = client.post(reverse("ticket-new"), form(shopify_store, **{field: value}))
    assert response.status_code == 400 and response.context["form"].errors.get(field)
    assert not Ticket.objects.exists() and not Customer.objects.exists()


def test_another_stores_order_number_is_not_found(client, agent, shopify_store, ebay_store):
    factories.OrderFactory(store=ebay_store, number="#5151")
    client.force_login(agent)
    response = client.post(reverse("ticket-new"), form(shopify_store, order_number="#5151"))
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_a_store_the_agent_is_not_in_cannot_be_chosen(client, agent, ebay_store):
    client.force_login(agent)
    response = client.post(reverse("ticket-new"), form(ebay_store))
    assert response.status_code == 400 and "store" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_finance_cannot_open_tickets(client, finance, shopify_store):
    client.force_login(finance)
    assert client.get(reverse("ticket-new")).status_code == 403


# The order panel -------------------------------------------------------------------------------


def test_the_order_panel_shows_titles_images_and_the_carriers_tracking_link(client, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    ticket.order.carrier, ticket.order.tracking_number = "DHL", "JD0123"
    ticket.order.save()
    factories.OrderLineFactory(order=ticket.order, title="Blue linen shirt", image_url="https://cdn.example.com/a.jpg")
    factories.OrderLineFactory(order=ticket.order, title="Socks")
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "Blue linen shirt" in page and "Socks" in page
    assert page.count('class="line-image"') == 1 and "https://cdn.example.com/a.jpg" in page
    assert 'class="tracking-link"' in page and "JD0123" in page and "dhl" in page.lower()


def test_refund_rows_show_their_date_and_approver(client, agent, supervisor, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    factories.RefundFactory(ticket=ticket, amount=Decimal("12.00"), approved_by=supervisor)
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "approved by super" in page and 'class="refund-row"' in page


def test_the_buyers_return_rate_and_previous_tickets(client, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    buyer = ticket.customer
    for i in range(8):
        order = factories.OrderFactory(store=shopify_store, customer=buyer)
        if i < 1:
            earlier = factories.TicketFactory(store=shopify_store, customer=buyer, order=order)
            factories.RmaFactory(ticket=earlier)
    factories.RmaFactory(ticket=ticket)
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "2 of 9 orders returned (22%)" in page
    assert '<dd class="previous-count">1</dd>' in page
