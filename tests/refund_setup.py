"""The order, ticket and request most refund tests start from (the ``order`` and ``ticket``
fixtures, offered to every test by tests/conftest.py; a module may define its own): two lines (SHIRT 2 × 40.00, CAP
1 × 20.00) and 10.00 shipping, paid 110.00, and a partial refund asked for through the service."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories
from tickets.models import RefundKind, RefundMethod
from tickets.services.refunds import request_refund
from tickets.states import TicketStatus


def shirt_and_cap_order(store, *, category: str = "Apparel"):
    order = factories.OrderFactory(store=store, total_amount=Decimal("110.00"), paid_amount=Decimal("110.00"))
    factories.OrderLineFactory(order=order, sku="SHIRT", unit_price=Decimal("40.00"), quantity=2, category=category)
    factories.OrderLineFactory(order=order, sku="CAP", unit_price=Decimal("20.00"), quantity=1, category=category)
    return order  # lines 100.00 + 10.00 shipping


def open_ticket(order):
    return factories.TicketFactory(store=order.store, order=order, customer=order.customer, status=TicketStatus.OPEN)


def ask(ticket, actor, amount=None, **kw):
    """request_refund with the usual terms: a partial refund to the original payment."""
    kw.setdefault("kind", RefundKind.PARTIAL)
    kw.setdefault("method", RefundMethod.ORIGINAL_PAYMENT)
    kw.setdefault("reason", "Arrived damaged")
    return request_refund(ticket, actor=actor, amount=amount, **kw)


@pytest.fixture
def order(shopify_store):
    return shirt_and_cap_order(shopify_store)


@pytest.fixture
def ticket(order):
    return open_ticket(order)
