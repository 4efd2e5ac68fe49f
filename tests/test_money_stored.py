"""Stored amounts with more decimals than their currency: read rounded half-even with a warning, never a 500."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.money_checks import api_client, money_warnings
from tickets.errors import MoneyError
from tickets.models import AuditEvent, Customer, OrderLine, Refund
from tickets.money import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def legacy_line(shopify_store):
    """An order line as a platform or an older version left it: 12.3456 USD, four decimals."""
    ticket = factories.TicketFactory(store=shopify_store)
    line = factories.OrderLineFactory(order=ticket.order, unit_price=Decimal("50.00"))
    # .update() writes the column directly, the way a legacy row or a raw import holds it.
    OrderLine.objects.filter(pk=line.pk).update(unit_price=Decimal("12.3456"))
    return ticket, line


@pytest.fixture
def legacy_refund(shopify_store):
    """A refund row at 10.005 USD: half a cent too precise."""
    ticket = factories.TicketFactory(store=shopify_store)
    refund = factories.RefundFactory(ticket=ticket, amount=Decimal("10.00"))
    Refund.objects.filter(pk=refund.pk).update(amount=Decimal("10.005"))
    return ticket, refund


# --- the constructor itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("12.3456", "USD", "12.35"), ("10.005", "USD", "10.00"), ("10.015", "USD", "10.02"), ("2.5", "JPY", "2")],
)
def test_stored_rounds_half_even_to_the_currency(amount, currency, expected, caplog):
    caplog.set_level(logging.WARNING, logger="tickets.money")

    money = Money.stored(Decimal(amount), currency)

    assert money == Money.of(expected, currency)
    [record] = money_warnings(caplog)
    assert amount in record.getMessage() and currency in record.getMessage()


def test_stored_logs_nothing_for_an_exact_value_with_trailing_zeros(caplog):
    caplog.set_level(logging.WARNING, logger="tickets.money")

    assert Money.stored(Decimal("12.3400"), "USD") == Money.of("12.34", "USD")
    assert money_warnings(caplog) == []


def test_stored_still_refuses_a_float():
    with pytest.raises(MoneyError):
        Money.stored(12.3456, "USD")


def test_writing_an_amount_with_extra_decimals_is_still_refused():
    with pytest.raises(MoneyError):
        Money.of("12.3456", "USD")


# --- the ticket page ---------------------------------------------------------------------------


def test_ticket_page_shows_a_legacy_line_price_rounded_half_even(client, agent, legacy_line, caplog):
    ticket, _ = legacy_line
    caplog.set_level(logging.WARNING, logger="tickets.money")
    client.force_login(agent)

    response = client.get(reverse("ticket", args=[ticket.number]))

    assert response.status_code == 200
    assert "$12.35" in response.content.decode()
    assert any("12.3456" in r.getMessage() and "USD" in r.getMessage() for r in money_warnings(caplog))


def test_ticket_page_shows_a_legacy_refund_amount_rounded_half_even(client, agent, legacy_refund, caplog):
    ticket, _ = legacy_refund
    caplog.set_level(logging.WARNING, logger="tickets.money")
    client.force_login(agent)

    response = client.get(reverse("ticket", args=[ticket.number]))

    assert response.status_code == 200
    assert "$10.00" in response.content.decode()
    assert any("10.005" in r.getMessage() and "USD" in r.getMessage() for r in money_warnings(caplog))


def test_ticket_page_shows_a_legacy_lifetime_spend_rounded(client, agent, shopify_store, caplog):
    ticket = factories.TicketFactory(store=shopify_store)
    Customer.objects.filter(pk=ticket.customer_id).update(lifetime_spend=Decimal("1234.5678"))
    caplog.set_level(logging.WARNING, logger="tickets.money")
    client.force_login(agent)

    response = client.get(reverse("ticket", args=[ticket.number]))

    assert response.status_code == 200
    assert "$1,234.57" in response.content.decode()
    assert money_warnings(caplog)


def test_timeline_reads_a_refund_request_with_extra_decimals_rounded(client, agent, legacy_refund):
    ticket, refund = legacy_refund
    AuditEvent.objects.create(
        actor_kind="user",
        action="refund.requested",
        object_type="refund",
        object_id=refund.pk,
        store=ticket.store,
        ticket=ticket,
        after={"status": "requested", "amount": "10.005", "currency": "USD"},
    )
    client.force_login(agent)

    response = client.get(reverse("ticket", args=[ticket.number]))

    assert response.status_code == 200
    assert "Refund of $10.00 requested" in response.content.decode()


# --- the API -----------------------------------------------------------------------------------


def test_api_order_shows_a_legacy_line_price_rounded_half_even(agent, legacy_line, caplog):
    ticket, _ = legacy_line
    caplog.set_level(logging.WARNING, logger="tickets.money")

    response = api_client(agent).get(f"/api/orders/{ticket.order_id}/")

    assert response.status_code == 200
    [line] = response.json()["lines"]
    assert line["unit_price"] == {"amount": "12.35", "currency": "USD"}
    assert any("12.3456" in r.getMessage() for r in money_warnings(caplog))


def test_api_refund_shows_a_legacy_amount_rounded_half_even(agent, legacy_refund, caplog):
    _, refund = legacy_refund
    caplog.set_level(logging.WARNING, logger="tickets.money")

    response = api_client(agent).get(f"/api/refunds/{refund.pk}/")

    assert response.status_code == 200
    assert response.json()["amount"] == {"amount": "10.00", "currency": "USD"}
    assert any("10.005" in r.getMessage() for r in money_warnings(caplog))


def test_api_order_total_and_paid_read_legacy_values_rounded(agent, shopify_store, caplog):
    order = factories.OrderFactory(store=shopify_store)
    type(order).objects.filter(pk=order.pk).update(total_amount=Decimal("99.9950"), paid_amount=Decimal("99.9850"))
    caplog.set_level(logging.WARNING, logger="tickets.money")

    body = api_client(agent).get(f"/api/orders/{order.pk}/").json()

    assert body["total"] == {"amount": "100.00", "currency": "USD"}
    assert body["paid"] == {"amount": "99.98", "currency": "USD"}
    assert len(money_warnings(caplog)) >= 2
