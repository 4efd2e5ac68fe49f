"""``manage.py load_demo``: what the demo holds, that it is consistent, and that a second run writes nothing."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Sum
from django.test import RequestFactory, override_settings
from django.utils import timezone

from tickets.demo.catalogue import CATALOGUE
from tickets.demo.conversations import LANGUAGES, packs
from tickets.demo.plan import build_plan
from tickets.demo.scenarios import SCENARIOS
from tickets.models import (
    AuditEvent,
    Customer,
    Direction,
    Message,
    Order,
    OrderLine,
    Refund,
    ReturnAuthorization,
    RmaLine,
    Store,
    StoreMembership,
    Tag,
    Ticket,
    TicketType,
)
from tickets.roles import ADMIN, AGENT, FINANCE, SUPERVISOR
from tickets.selectors.sla import sla_clock
from tickets.states import REFUND_COMMITTED, TICKET_UNSOLVED, RefundStatus, TicketStatus

LANGUAGE_CODES = {"en", "de", "fr", "es", "ja", "zh-hans"}
ORDER_ID = {
    "shopify": re.compile(r"^gid://shopify/Order/\d{13}$"),
    "amazon": re.compile(r"^\d{3}-\d{7}-\d{7}$"),
    "ebay": re.compile(r"^\d{2}-\d{5}-\d{5}$"),
}


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo, loaded once for this module inside a transaction that is rolled back afterwards,
    so other modules start from an empty database. Each test still runs in its own savepoint."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(loaded_once, db) -> str:
    return loaded_once


def counts() -> dict[str, int]:
    models = (
        Store,
        User,
        StoreMembership,
        Customer,
        Order,
        OrderLine,
        Ticket,
        Message,
        AuditEvent,
        ReturnAuthorization,
        RmaLine,
        Refund,
        Tag,
    )
    result = {model.__name__: model.objects.count() for model in models}
    result["ticket tags"] = Ticket.tags.through.objects.count()
    result["user groups"] = User.groups.through.objects.count()
    return result


# --- the plan and the texts (no database) -----------------------------------------------------------


def test_every_language_tells_every_scenario_and_its_texts_format():
    context = {
        "name": "N",
        "agent": "A",
        "order": "#1001",
        "item": "Tent",
        "carrier": "DHL",
        "tracking": "123",
        "rma": "RMA-01001",
        "days": 30,
        "amount": "$1",
    }
    assert set(LANGUAGES) == LANGUAGE_CODES
    for language, pack in packs().items():
        assert pack.code == language
        assert set(pack.texts) == {s.key for s in SCENARIOS}, language
        pack.closing.format(**context)
        for key, conversation in pack.texts.items():
            for text in (conversation.subject, conversation.message, conversation.reply, conversation.followup):
                assert text, (language, key)
                text.format(**context)


def test_plan_is_deterministic():
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    first, second = build_plan(now), build_plan(now)
    assert [t.message_id for t in first.tickets] == [t.message_id for t in second.tickets]
    assert [(o.external_id, o.number, o.total) for o in first.orders] == [
        (o.external_id, o.number, o.total) for o in second.orders
    ]


# --- what the demo holds ----------------------------------------------------------------------------


def test_three_stores_and_five_users_with_their_roles_and_memberships(demo):
    assert Store.objects.count() == 3
    assert set(Store.objects.values_list("platform", flat=True)) == {"shopify", "amazon", "ebay"}
    roles = {"agent": AGENT, "agent2": AGENT, "supervisor": SUPERVISOR, "finance": FINANCE, "admin": ADMIN}
    for username, role in roles.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert StoreMembership.objects.filter(user__username="agent").count() == 3
    agent2_stores = StoreMembership.objects.filter(user__username="agent2").values_list("store__platform", flat=True)
    assert list(agent2_stores) == ["ebay"]
    assert StoreMembership.objects.get(user__username="agent", store__platform="ebay").refund_approval_limit == 50
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_demo_password_logs_in(demo):
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="agent", password="aftersales-demo") is not None
    assert authenticate(request, username="supervisor", password="aftersales-demo") is not None


def test_about_three_hundred_paid_orders_from_the_forty_skus(demo):
    assert 250 <= Order.objects.count() <= 350
    assert OrderLine.objects.values("sku").distinct().count() == len(CATALOGUE) == 40
    for order in Order.objects.select_related("store"):
        assert ORDER_ID[order.store.platform].match(order.external_id), order.external_id
        assert order.paid_amount == order.total_amount > 0
        assert order.currency == order.store.currency
        assert order.platform_url.startswith("https://")
        if order.store.platform == "shopify":
            assert re.match(r"^#\d{4}$", order.number)
        else:
            assert order.number == order.external_id
    assert Order.objects.filter(tracking_status="delivered").count() > 150
    assert set(Order.objects.filter(store__platform="amazon").values_list("fulfilment", flat=True)) == {"fba", "mfn"}


def test_order_totals_are_the_sum_of_their_lines(demo):
    for order in Order.objects.prefetch_related("lines"):
        assert order.total_amount == sum((line.unit_price * line.quantity for line in order.lines.all()), Decimal(0))


def test_customer_counts_match_their_orders_and_returns(demo):
    customers = Customer.objects.annotate(orders_n=Count("orders"), spend=Sum("orders__total_amount"))
    for customer in customers:
        assert customer.order_count == customer.orders_n
        assert customer.lifetime_spend == customer.spend
    returns = Counter(ReturnAuthorization.objects.values_list("ticket__customer_id", flat=True))
    for customer in Customer.objects.all():
        assert customer.return_count == returns.get(customer.pk, 0)
    assert Customer.objects.filter(tier="vip").exists()


def test_tickets_in_six_languages_of_every_type_and_status(demo):
    assert 70 <= Ticket.objects.count() <= 90
    assert set(Ticket.objects.values_list("language", flat=True)) == LANGUAGE_CODES
    assert set(Ticket.objects.values_list("type", flat=True)) == set(TicketType.values)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(TicketStatus.values)
    assert Ticket.objects.filter(status=TicketStatus.RESOLVED).exists()
    assert Ticket.objects.filter(assignee__isnull=False).exists()
    assert Ticket.objects.filter(tags__isnull=False).exists()
    assert ReturnAuthorization.objects.exists()
    statuses = set(Refund.objects.values_list("status", flat=True))
    assert {"pending_approval", "approved", "succeeded", "rejected"} <= statuses
    # Every demo refund went through request_refund: the policy decides at once, none rests "requested".
    assert "requested" not in statuses


def test_messages_are_in_the_buyers_language_and_in_order(demo):
    now = timezone.now()
    for ticket in Ticket.objects.prefetch_related("messages"):
        messages = list(ticket.messages.all())
        first = messages[0]
        assert first.direction == Direction.INBOUND and first.created_at == ticket.created_at
        assert [m.created_at for m in messages] == sorted(m.created_at for m in messages)
        assert messages[-1].created_at <= now
        for message in messages:
            if message.direction == Direction.NOTE:
                assert message.author is not None
            else:
                assert message.original_language == ticket.language
        conversation = [m for m in messages if m.direction != Direction.NOTE]
        assert ticket.last_message_at == conversation[-1].created_at
        replies = [m.created_at for m in messages if m.direction == Direction.OUTBOUND]
        assert ticket.first_response_at == (replies[0] if replies else None)


def test_agent2_sees_only_ebay_tickets(demo):
    agent2 = User.objects.get(username="agent2")
    visible = Ticket.objects.visible_to(agent2)
    assert visible.exists()
    assert set(visible.values_list("store__platform", flat=True)) == {"ebay"}
    assert not Ticket.objects.filter(assignee=agent2).exclude(store__platform="ebay").exists()


def test_every_worked_ticket_has_an_audit_event_for_its_status(demo):
    reached = defaultdict(set)
    for ticket_id, after in AuditEvent.objects.filter(action="ticket.status_changed").values_list("ticket_id", "after"):
        reached[ticket_id].add(after["status"])
    for ticket in Ticket.objects.exclude(status=TicketStatus.NEW):
        assert ticket.status in reached[ticket.pk], ticket.number


def test_committed_refunds_never_exceed_the_paid_amount(demo):
    committed = defaultdict(Decimal)
    for refund in Refund.objects.filter(status__in=REFUND_COMMITTED).select_related("order"):
        assert refund.currency == refund.order.currency
        committed[refund.order] += refund.amount
    assert committed
    for order, amount in committed.items():
        assert amount <= order.paid_amount
    for refund in Refund.objects.filter(status=RefundStatus.APPROVED).exclude(approved_by=None):
        # Nobody approves their own request, except within their own limit, which the refund records.
        assert refund.approved_by_id != refund.requested_by_id or (
            refund.self_approved and refund.approval_limit >= refund.amount
        )


def test_unsolved_tickets_have_sla_clocks_mostly_far_some_at_risk_some_overdue(demo):
    now = timezone.now()
    states = Counter(
        sla_clock(t.resolution_due_at, t.created_at, now).state
        for t in Ticket.objects.filter(status__in=TICKET_UNSOLVED)
    )
    assert states["breached"] >= 2 and states["at_risk"] >= 2
    assert states["ok"] > states["breached"] + states["at_risk"]


# --- running again ----------------------------------------------------------------------------------


def test_running_twice_creates_no_duplicates(demo):
    before = counts()
    output = load()
    assert counts() == before
    assert "nothing written" in output
