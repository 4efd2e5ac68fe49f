"""The approvals queue: who reaches it, what it lists and in which order, what a supervisor of one
store can never see or decide, decisions one by one and in bulk with their results, the refunds
that failed on the platform, the top bar's count, and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import OutboxAction, Refund, RefundKind, RefundMethod, Ticket
from tickets.selectors import approvals
from tickets.services import refund_decisions
from tickets.services.outbox import refund_action_key
from tickets.services.refunds import request_refund, transition_refund
from tickets.states import ActorKind, RefundStatus, TicketStatus

F = RefundStatus
HX = {"HTTP_HX_REQUEST": "true"}
QUEUE = "/approvals/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def limited_agent(shopify_store, ebay_store):
    return factories.user_with_role("limited", factories.AGENT, stores=[shopify_store, ebay_store], approval_limit="50")


@pytest.fixture
def supervisor_a(shopify_store):
    return factories.user_with_role("super_a", factories.SUPERVISOR, stores=[shopify_store], approval_limit="1000")


def pending(store, actor, amount="80.00", *, paid="200.00", subject=None, ago=None) -> Refund:
    order = factories.OrderFactory(store=store, total_amount=Decimal(paid), paid_amount=Decimal(paid))
    factories.OrderLineFactory(order=order, sku=f"SKU-{order.pk}", unit_price=Decimal(paid), quantity=1)
    ticket = factories.TicketFactory(
        store=store,
        order=order,
        customer=order.customer,
        status=TicketStatus.OPEN,
        **({"subject": subject} if subject else {}),
    )
    refund = request_refund(
        ticket,
        actor=actor,
        kind=RefundKind.PARTIAL,
        method=RefundMethod.ORIGINAL_PAYMENT,
        reason="Arrived torn",
        amount=amount,
    )
    assert refund.status == F.PENDING_APPROVAL
    if ago is not None:
        Refund.objects.filter(pk=refund.pk).update(created_at=timezone.now() - ago)
    return refund


def decide(client, ids, decision, note="", htmx=False, **extra):
    data = {"refund": [str(i) for i in ids], "decision": decision, "note": note, **extra}
    return client.post(reverse("approvals-decide"), data, **(HX if htmx else {}))


def test_agents_and_finance_are_refused(client, agent, finance):
    for user in (agent, finance):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.get(reverse("approvals-pane") + "?refund=1", **HX).status_code == 403
        assert decide(client, [1], "approve").status_code == 403
        assert client.post(reverse("approvals-retry"), {"refund": 1}).status_code == 403
        assert 'id="approvals-link"' not in client.get("/inbox/").content.decode()


def test_pending_refunds_are_listed_oldest_first_with_waiting_time_and_sla(
    client, shopify_store, limited_agent, supervisor
):
    pending(shopify_store, limited_agent, subject="Newer request", ago=timedelta(hours=2))
    older = pending(shopify_store, limited_agent, subject="Older request", ago=timedelta(days=3))
    Ticket.objects.filter(pk=older.ticket_id).update(
        sla_due_at=timezone.now() - timedelta(hours=5), created_at=timezone.now() - timedelta(days=4)
    )
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()

    assert html.index("Older request") < html.index("Newer request")
    assert "3 d ago" in html and "2 h ago" in html
    assert "overdue 5 h" in html
    assert "Above the requester&#x27;s approval limit" in html
    # The oldest is shown in the pane, with the request, the order and the buyer.
    assert f'data-refund="{older.pk}"' in html and "The request" in html and older.order.number in html


def test_a_supervisor_of_store_a_never_sees_nor_decides_store_b_refunds(
    client, shopify_store, ebay_store, limited_agent, supervisor_a
):
    ours = pending(shopify_store, limited_agent, subject="Our store's refund")
    theirs = pending(ebay_store, limited_agent, subject="Their store's refund")
    client.force_login(supervisor_a)

    html = client.get(QUEUE).content.decode()
    assert "Our store&#x27;s refund" in html and "Their store" not in html
    assert client.get(reverse("approvals-pane") + f"?refund={theirs.pk}", **HX).status_code == 404
    assert f'data-refund="{theirs.pk}"' not in client.get(f"{QUEUE}?refund={theirs.pk}").content.decode()

    response = decide(client, [theirs.pk], "approve")
    assert "refused: Not found." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == F.PENDING_APPROVAL and not OutboxAction.objects.filter(payload__refund_id=theirs.pk)
    assert ours.status == F.PENDING_APPROVAL


def test_bulk_approval_decides_each_and_says_which_were_refused_and_why(
    client, shopify_store, limited_agent, supervisor
):
    fine = pending(shopify_store, limited_agent, "80.00")
    own = pending(shopify_store, supervisor, "1500.00", paid="2000.00")  # above even a supervisor's limit
    first = pending(shopify_store, limited_agent, "150.00", paid="200.00")
    second = Refund.objects.get(
        pk=request_refund(
            first.ticket,
            actor=limited_agent,
            kind="partial",
            method="original_payment",
            reason="Second half",
            amount="100.00",
        ).pk
    )  # together 250.00 of an order paid 200.00
    client.force_login(supervisor)

    response = decide(client, [fine.pk, own.pk, first.pk, second.pk], "approve", note="Photos checked", htmx=True)

    assert response.status_code == 200
    html = response.content.decode()
    for refund in (fine, own, first, second):
        refund.refresh_from_db()
    assert [r.status for r in (fine, own, first, second)] == [
        F.APPROVED,
        F.PENDING_APPROVAL,
        F.APPROVED,
        F.PENDING_APPROVAL,
    ]
    assert fine.decision_note == "Photos checked"
    assert "Approved: 2 · refused: 2" in html
    assert "Nobody may approve their own refund request." in html
    assert "Only $50.00 is left to refund" in html
    assert 'hx-swap-oob="true"' in html  # the top bar's count follows


def test_reject_needs_a_comment_and_decides_nothing_without_one(client, shopify_store, limited_agent, supervisor):
    refund = pending(shopify_store, limited_agent)
    client.force_login(supervisor)

    response = decide(client, [refund.pk], "reject", note="  ")

    assert response.status_code == 400 and "Say why the refund is rejected" in response.content.decode()
    refund.refresh_from_db()
    assert refund.status == F.PENDING_APPROVAL

    decide(client, [refund.pk], "reject", note="Offer a partial refund")
    refund.refresh_from_db()
    assert refund.status == F.REJECTED and refund.decision_note == "Offer a partial refund"


def test_a_refund_the_supervisor_asked_for_shows_but_cannot_be_approved_by_them(client, shopify_store, supervisor):
    own = pending(shopify_store, supervisor, "1500.00", paid="2000.00")
    client.force_login(supervisor)

    html = client.get(f"{QUEUE}?refund={own.pk}").content.decode()

    assert f'data-refund="{own.pk}"' in html
    assert "You asked for this refund yourself" in html and "Nobody decides on their own request." in html
    assert 'data-decision="approve"' not in html  # no buttons for it
    assert f'name="refund" value="{own.pk}" form="approvals-bulk"' not in html  # nor a tick box
    decide(client, [own.pk], "approve")
    own.refresh_from_db()
    assert own.status == F.PENDING_APPROVAL


def test_deciding_from_the_pane_moves_on_to_the_next_refund(client, shopify_store, limited_agent, supervisor):
    first = pending(shopify_store, limited_agent, subject="First", ago=timedelta(hours=3))
    second = pending(shopify_store, limited_agent, subject="Second", ago=timedelta(hours=1))
    client.force_login(supervisor)

    html = decide(client, [first.pk], "approve", htmx=True, next=str(second.pk)).content.decode()

    first.refresh_from_db()
    assert first.status == F.APPROVED
    assert 'id="approvals-title"' in html and "<html" not in html  # the body only, swapped in place
    assert f'<article class="decide-pane" data-refund="{second.pk}"' in html
    assert "Approved: 1 · refused: 0" in html


def test_the_pane_shows_everything_needed_to_decide(client, shopify_store, limited_agent, supervisor):
    refund = pending(shopify_store, limited_agent, "80.00")
    ticket = refund.ticket
    factories.MessageFactory(ticket=ticket, body="<p>The seam came apart on day one.</p>")
    factories.RmaFactory(ticket=ticket, qc_result="fail", qc_note="Seam torn")
    customer = ticket.customer
    customer.return_risk, customer.period_returns, customer.period_orders = True, 4, 5
    customer.save()
    earlier = factories.TicketFactory(store=shopify_store, customer=customer)
    factories.RefundFactory(ticket=earlier, amount=Decimal("25.00"), status=F.SUCCEEDED, currency="USD")
    client.force_login(supervisor)

    html = client.get(reverse("approvals-pane") + f"?refund={refund.pk}", **HX).content.decode()

    assert "Arrived torn" in html and "$80.00" in html and "limited" in html  # the request
    assert f"SKU-{refund.order_id}" in html  # the order's lines
    assert "QC" in html and "Seam torn" in html  # evidence and returns
    assert "Return risk" in html and "returns 4 · orders 5" in html
    assert "$25.00" in html  # earlier refunds of the buyer, per currency
    assert "The seam came apart on day one." in html  # the conversation


def test_failed_refunds_have_their_own_section_with_the_platforms_words_and_retry(
    client, shopify_store, limited_agent, supervisor
):
    refund = pending(shopify_store, limited_agent, "80.00")
    refund_decisions.approve_refund(refund, actor=supervisor)
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(refund, F.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason="Card expired (402)")
    OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).update(status="dead", attempts=1)
    client.force_login(supervisor)

    html = client.get(QUEUE).content.decode()
    assert "Failed on the platform" in html and "Card expired (402)" in html

    response = client.post(reverse("approvals-retry"), {"refund": refund.pk}, **HX)

    assert "Sent to the platform again" in response.content.decode()
    refund.refresh_from_db()
    assert refund.status == F.EXECUTING


def test_supervisors_see_the_pending_count_in_the_top_bar(client, shopify_store, limited_agent, supervisor, agent):
    for _ in range(3):
        pending(shopify_store, limited_agent)
    client.force_login(supervisor)

    html = client.get("/inbox/").content.decode()

    assert 'id="approvals-link"' in html and '<span class="approvals-count">3</span>' in html


def test_the_top_bar_count_is_capped():
    assert approvals.badge(100) == "99+" and approvals.badge(99) == "99"


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen.captured_queries)


def test_the_queue_asks_a_fixed_number_of_times(client, shopify_store, ebay_store, limited_agent, supervisor):
    client.force_login(supervisor)
    pending(shopify_store, limited_agent)
    few = queries(client, QUEUE)
    for store in (shopify_store, ebay_store) * 6:
        refund = pending(store, limited_agent)
        factories.MessageFactory(ticket=refund.ticket)
    own = pending(shopify_store, supervisor, "1500.00", paid="2000.00")
    assert own
    many = queries(client, QUEUE)
    assert many == few and many <= 20
