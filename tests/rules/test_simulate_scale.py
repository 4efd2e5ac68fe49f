"""Simulating a draft rule over 10,000 tickets writes nothing and reads them in a few queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tickets import models as m
from tickets.rules.engine import simulate

pytestmark = pytest.mark.django_db
TICKETS = 10_000


def every_table() -> dict:
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    counts["ticket.updated_at"] = m.Ticket.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    counts["tags"] = m.Ticket.tags.through.objects.count()
    return counts


def fill(store, n: int) -> None:
    now = timezone.now()
    buyer = factories.CustomerFactory(store=store)
    orders = m.Order.objects.bulk_create(
        m.Order(
            store=store,
            customer=buyer,
            external_id=f"sim-{i}",
            number=f"#S{i}",
            placed_at=now - timedelta(days=20),
            delivered_at=now - timedelta(days=i % 40),
            currency="USD",
            total_amount=Decimal(20 + i % 400),
        )
        for i in range(n)
    )
    m.OrderLine.objects.bulk_create(
        m.OrderLine(order=o, sku=f"SKU-{i % 50}", title="Item", quantity=1, unit_price=o.total_amount)
        for i, o in enumerate(orders)
    )
    first = (m.Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    tickets = m.Ticket.objects.bulk_create(
        m.Ticket(number=first + i, store=store, customer=buyer, order=o, subject=f"Order #S{i}", last_activity_at=now)
        for i, o in enumerate(orders)
    )
    words = ["I want a refund, it is broken.", "Where is my parcel?", "Je voudrais un remboursement."]
    m.Message.objects.bulk_create(
        m.Message(ticket=t, store=store, direction="inbound", body=f"<p>{words[i % 3]}</p>", created_at=now)
        for i, t in enumerate(tickets)
    )


def test_simulating_over_ten_thousand_tickets_writes_nothing(shopify_store, supervisor):
    m.KeywordSet.objects.create(
        name="refund_words",
        keywords=[
            {"text": "refund", "lang": "en", "mode": "word"},
            {"text": "remboursement", "lang": "fr", "mode": "word"},
        ],
    )
    macro = m.Macro.objects.create(name="Ack")
    m.MacroVariant.objects.create(macro=macro, language="en", body="Thanks {{customer.name}}")
    fill(shopify_store, TICKETS)
    draft = m.Rule(
        name="Refunds within the window",
        event="message_received",
        conditions=[{"type": "text", "sets": ["refund_words"]}, {"type": "within_return_window"}],
        actions=[
            {"type": "add_tags", "tags": ["refund-eligible"]},
            {"type": "auto_reply", "macro": macro.pk},
            {"type": "request_rma"},
            {"type": "set_priority", "value": "high"},
        ],
    )
    before = every_table()
    with CaptureQueriesContext(connection) as queries:
        result = simulate(draft, user=supervisor, days=30, limit=TICKETS)
    assert every_table() == before
    assert draft.pk is None
    assert result.scanned == TICKETS
    # Two messages in three speak of a refund; 31 delivery ages in 40 fall within the 30 days.
    expected = sum(1 for i in range(TICKETS) if i % 3 != 1 and i % 40 <= 30)
    assert len(result.matches) == expected
    assert len(queries) < 60  # batches of hundreds of tickets, not a query per ticket
