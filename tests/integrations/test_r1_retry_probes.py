"""Reviewer r1: a retried refund on the platform (sandbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.outbox import drain
from integrations.sync import sync_stream
from tests import factories
from tickets.models import OutboxAction
from tickets.models.outbox import OutboxStatus
from tickets.services import refund_decisions
from tickets.services.outbox import enqueue_refund_execution
from tickets.states import RefundStatus

from .pipe_sandbox import connect, count_requests, fresh_quota_fixture, sandbox_fixture  # noqa: F401
from .test_outbox_drain import approved_refund, ebay_refunds

pytestmark = pytest.mark.django_db


def test_a_retry_after_ebay_failed_the_refund_sends_it_again(sandbox):
    store = connect(sandbox, "ebay", "bay")
    assert sync_stream(store.pk, "orders").status == "ok"
    boss = factories.user_with_role("boss", factories.SUPERVISOR, stores=[store])
    refund = approved_refund(store, amount="5.00")
    action = enqueue_refund_execution(refund)
    assert drain() == 1  # accepted: PENDING on eBay, polled through lookup
    # eBay fails it (card closed).
    tenant = sandbox.world.tenant("ebay", "bay")
    for r in tenant.refunds:
        r["refundStatus"] = "FAILED"
    for entry in tenant.orders[refund.order.external_id]["paymentSummary"]["refunds"]:
        entry["refundStatus"] = "FAILED"
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now())
    assert drain() == 1
    refund.refresh_from_db()
    action.refresh_from_db()
    assert refund.status == RefundStatus.FAILED, refund.status
    sent = len(ebay_refunds(sandbox, refund.order))

    refund_decisions.retry_refund(refund, actor=boss)
    drain()
    refund.refresh_from_db()
    action.refresh_from_db()
    print(
        "\nRETRY eBay: refund",
        refund.status,
        "| action",
        action.status,
        action.last_error[:80],
        "| sent before/after",
        sent,
        len(ebay_refunds(sandbox, refund.order)),
    )
    # A supervisor's retry should reach eBay again (same refund), not re-read the old failure.
    assert len(ebay_refunds(sandbox, refund.order)) == sent + 1


def test_a_retried_refund_whose_worker_dies_after_the_call_reaches_shopify_once(sandbox):
    from integrations import registry
    from integrations.outbox import claim_next, refund_payload
    from tickets.services.refunds import transition_refund
    from tickets.states import ActorKind

    store = connect(sandbox, "shopify", "acme")
    assert sync_stream(store.pk, "orders").status == "ok"
    boss = factories.user_with_role("boss", factories.SUPERVISOR, stores=[store])
    refund = approved_refund(store, amount="5.00")
    action = enqueue_refund_execution(refund)
    transition_refund(refund, RefundStatus.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(refund, RefundStatus.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason="x")
    OutboxAction.objects.filter(pk=action.pk).update(status=OutboxStatus.DEAD, attempts=1)
    mutations = count_requests(sandbox, "shopify", b"refundCreate")
    refund_decisions.retry_refund(refund, actor=boss)
    claim = claim_next()
    refund.refresh_from_db()
    registry.adapter_for(store).push(
        "execute_refund", refund_payload(refund, claim.action), idempotency_key=str(refund.idempotency_key)
    )  # ... and the worker dies
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    drain()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and len(mutations) == 1
