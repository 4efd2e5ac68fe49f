"""The outbox drain against the real adapters and the in-process sandbox: a refund reaches the
platform exactly once, a crash between "in progress" and "result recorded" is settled by a lookup
(never a second refund), refusals dead-letter with the platform's words, and two drains never
run the same action."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from integrations import registry
from integrations.models import StoreConnection
from integrations.outbox import MAX_ATTEMPTS, claim_next, drain
from integrations.sync import sync_stream
from tests import factories
from tickets.models import Order, OutboxAction, Refund
from tickets.models.outbox import OutboxStatus
from tickets.services.outbox import enqueue_refund_execution
from tickets.states import RefundStatus

from .pipe_sandbox import connect, count_requests, fresh_quota_fixture, sandbox_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def synced_shop(box, tenant: str = "acme"):
    store = connect(box, "shopify", tenant)
    assert sync_stream(store.pk, "orders").status == "ok"
    return store


def approved_refund(store, *, amount: str = "5.00", order: Order | None = None) -> Refund:
    order = order or Order.objects.filter(store=store).exclude(total_amount=None).order_by("pk").first()
    customer = order.customer or factories.CustomerFactory(store=store)
    ticket = factories.TicketFactory(store=store, order=order, customer=customer)
    return factories.RefundFactory(
        ticket=ticket, amount=Decimal(amount), currency=order.currency, status=RefundStatus.APPROVED
    )


def shop_refunds(box, tenant: str = "acme") -> list:
    return box.world.tenant("shopify", tenant).refunds


def test_an_execute_refund_action_reaches_the_sandbox_exactly_once(sandbox):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    action = enqueue_refund_execution(refund)
    assert drain() == 1
    refund.refresh_from_db()
    action.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.platform_refund_id.startswith("gid://shopify/Refund/")
    assert refund.platform_amount == Decimal("5.00")
    assert action.status == OutboxStatus.DONE and action.attempts == 1
    (executed,) = shop_refunds(sandbox)
    assert str(refund.idempotency_key) in str(executed)
    assert drain() == 0 and len(shop_refunds(sandbox)) == 1


def test_enqueue_refund_execution_is_idempotent_and_keyed_by_the_refund(sandbox):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    first = enqueue_refund_execution(refund)
    second = enqueue_refund_execution(refund)
    assert first.pk == second.pk and OutboxAction.objects.count() == 1
    assert str(refund.idempotency_key) in first.idempotency_key
    assert first.payload == {"refund_id": refund.pk, "lines": []}


def test_enqueue_wakes_the_drain_only_after_commit(sandbox, django_capture_on_commit_callbacks):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_refund_execution(refund)
        enqueue_refund_execution(refund)
    assert len(callbacks) == 1


def test_a_crash_after_the_call_is_settled_by_lookup_and_refunds_once(sandbox):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    action = enqueue_refund_execution(refund)
    mutations = count_requests(sandbox, "shopify", b"refundCreate")
    # A worker claims the action (in_progress committed), refunds on the platform, and dies
    # before it records the result.
    claim = claim_next()
    assert claim.action.pk == action.pk
    refund.refresh_from_db()
    assert refund.status == RefundStatus.EXECUTING
    adapter = registry.adapter_for(store)
    from integrations.outbox import refund_payload

    adapter.push("execute_refund", refund_payload(refund, claim.action), idempotency_key=str(refund.idempotency_key))
    assert len(mutations) == 1
    # Its lease runs out; another drain takes the action over.
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.DONE and action.attempts == 2
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(mutations) == 1  # found by lookup: not sent again
    assert len(shop_refunds(sandbox)) == 1
    assert refund.platform_refund_id == shop_refunds(sandbox)[0]["id"]


def test_a_crash_before_the_call_sends_after_lookup_finds_nothing(sandbox):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    action = enqueue_refund_execution(refund)
    mutations = count_requests(sandbox, "shopify", b"refundCreate")
    claim_next()  # claimed, then the worker died before calling
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert drain() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(mutations) == 1 and len(shop_refunds(sandbox)) == 1


def test_an_action_whose_lease_still_runs_is_left_alone(sandbox):
    store = synced_shop(sandbox)
    enqueue_refund_execution(approved_refund(store))
    claim_next()
    assert drain() == 0
    assert shop_refunds(sandbox) == []


def test_a_platform_refusal_dead_letters_at_once_with_the_platforms_message(sandbox):
    store = synced_shop(sandbox)
    order = Order.objects.filter(store=store).order_by("pk").first()
    refund = approved_refund(store, amount=str(order.total_amount + 100), order=order)
    action = enqueue_refund_execution(refund)
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.DEAD and action.attempts == 1
    assert "exceeds the refundable amount" in action.last_error
    assert refund.status == RefundStatus.FAILED and "exceeds the refundable amount" in refund.failure_reason
    assert shop_refunds(sandbox) == []


def test_transient_trouble_retries_later_then_dead_letters_after_max_attempts(sandbox):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    action = enqueue_refund_execution(refund)
    StoreConnection.objects.filter(store=store).update(base_url="http://127.0.0.1:9/shopify/acme")
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.FAILED and action.next_attempt_at > timezone.now()
    assert "ConnectionError" in action.last_error
    assert refund.status == RefundStatus.EXECUTING  # unknown: never failed while it may have happened
    assert drain() == 0  # not due yet
    OutboxAction.objects.filter(pk=action.pk).update(attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.DEAD and "ConnectionError" in action.last_error
    assert action.last_error.startswith("Needs reconciliation")
    # Any of those attempts may have paid the buyer: the refund stays executing, so what it holds
    # is not free to be refunded again until a person settles it.
    assert refund.status == RefundStatus.EXECUTING


def synced_ebay(box, tenant: str = "bay"):
    store = connect(box, "ebay", tenant)
    assert sync_stream(store.pk, "orders").status == "ok"
    return store


def ebay_refunds(box, order: Order, tenant: str = "bay") -> list:
    return [r for r in box.world.tenant("ebay", tenant).refunds if r["orderId"] == order.external_id]


def test_an_accepted_refund_is_polled_past_max_attempts_and_never_failed_by_a_transient_error(sandbox):
    store = synced_ebay(sandbox)
    refund = approved_refund(store)
    action = enqueue_refund_execution(refund)
    assert drain() == 1
    action.refresh_from_db()
    assert action.status == OutboxStatus.IN_PROGRESS and action.payload["reference"]  # eBay: PENDING
    # Polled many times already; then the status check meets a dead host once.
    OutboxAction.objects.filter(pk=action.pk).update(attempts=MAX_ATTEMPTS + 3, next_attempt_at=timezone.now())
    StoreConnection.objects.filter(store=store).update(base_url="http://127.0.0.1:9/ebay/bay")
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.FAILED and action.next_attempt_at > timezone.now()
    assert refund.status == RefundStatus.EXECUTING
    # The host is back and eBay has settled the refund: the next poll finishes it, with no resend.
    StoreConnection.objects.filter(store=store).update(base_url=f"{sandbox.base_url}/ebay/bay")
    sandbox.world.clock.advance(600)
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now())
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.DONE and refund.status == RefundStatus.SUCCEEDED
    assert len(ebay_refunds(sandbox, refund.order)) == 1


def test_ebay_lookup_never_takes_an_earlier_refund_of_the_same_amount_for_ours(sandbox):
    store = synced_ebay(sandbox)
    first = approved_refund(store, amount="5.00")
    enqueue_refund_execution(first)
    assert drain() == 1
    sandbox.world.clock.advance(600)
    OutboxAction.objects.update(next_attempt_at=timezone.now())
    assert drain() == 1
    first.refresh_from_db()
    assert first.status == RefundStatus.SUCCEEDED and first.platform_refund_id
    # A second refund of the same amount on the same order: the worker sends it and dies before it
    # records eBay's answer (eBay takes no idempotency key and echoes nothing of ours).
    second = approved_refund(store, amount="5.00", order=first.order)
    action = enqueue_refund_execution(second)
    claim = claim_next()
    second.refresh_from_db()
    from integrations.outbox import refund_payload

    adapter = registry.adapter_for(store)
    adapter.push("execute_refund", refund_payload(second, claim.action), idempotency_key=str(second.idempotency_key))
    assert len(ebay_refunds(sandbox, first.order)) == 2
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    sandbox.world.clock.advance(600)
    assert drain() == 1
    second.refresh_from_db()
    assert second.status == RefundStatus.SUCCEEDED
    assert second.platform_refund_id and second.platform_refund_id != first.platform_refund_id
    assert len(ebay_refunds(sandbox, first.order)) == 2  # found by lookup: not sent a third time


def test_ebay_lookup_takes_our_refund_even_after_a_sync_stored_it_unlinked(sandbox):
    """The worker died after eBay made the refund; before the drain looks, a sync brings the order
    with that refund in, linked to nothing of ours (eBay echoes nothing). It is still ours to find."""
    from integrations.outbox import refund_payload
    from tickets.models import PlatformRefund

    store = synced_ebay(sandbox)
    refund = approved_refund(store, amount="4.00")
    action = enqueue_refund_execution(refund)
    claim = claim_next()
    refund.refresh_from_db()
    adapter = registry.adapter_for(store)
    adapter.push("execute_refund", refund_payload(refund, claim.action), idempotency_key=str(refund.idempotency_key))
    sandbox.world.clock.advance(600)
    # What the orders sync stores of it: the order's refund entry, as the eBay parser reads it.
    from integrations.ebay.parse import parse_order
    from tickets.services.ingest import ingest_records

    order_node = sandbox.world.tenant("ebay", "bay").orders[refund.order.external_id]
    ingest_records(store, [parse_order(order_node)])
    assert PlatformRefund.objects.filter(
        store=store, order_external_id=refund.order.external_id, refund__isnull=True
    ).exists()
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert drain() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(ebay_refunds(sandbox, refund.order)) == 1  # found by lookup, never sent again


@pytest.mark.parametrize("stated", ["converted from", "seller currency only"])
def test_ebay_lookup_finds_a_cross_border_refund_in_the_sellers_currency(sandbox, stated):
    """The buyer paid in their currency; eBay states the refund in the seller's. The worker died
    after eBay made it: the lookup must still know it for ours, with or without convertedFromValue."""
    from django.db.models import F

    from integrations.outbox import refund_payload

    store = synced_ebay(sandbox)
    order = (
        Order.objects.filter(store=store)
        .exclude(shop_currency="")
        .exclude(currency=F("shop_currency"))
        .exclude(total_amount=None)
        .order_by("pk")
        .first()
    )
    assert order is not None, "the sandbox's eBay store has cross-border orders"
    refund = approved_refund(store, amount="1.00", order=order)
    action = enqueue_refund_execution(refund)
    claim = claim_next()
    refund.refresh_from_db()
    adapter = registry.adapter_for(store)
    adapter.push("execute_refund", refund_payload(refund, claim.action), idempotency_key=str(refund.idempotency_key))
    made = ebay_refunds(sandbox, order)
    assert len(made) == 1 and made[0]["amount"]["currency"] != order.currency
    if stated == "seller currency only":
        for node in sandbox.world.tenant("ebay", "bay").orders[order.external_id]["paymentSummary"]["refunds"]:
            node["amount"].pop("convertedFromValue", None)
            node["amount"].pop("convertedFromCurrency", None)
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    sandbox.world.clock.advance(600)
    assert drain() == 1
    refund.refresh_from_db()
    assert refund.status in (RefundStatus.EXECUTING, RefundStatus.SUCCEEDED)
    assert refund.platform_refund_id == made[0]["refundId"]
    assert len(ebay_refunds(sandbox, order)) == 1  # found by lookup, never sent again


def test_a_cancelled_refund_is_never_sent(sandbox):
    store = synced_shop(sandbox)
    refund = approved_refund(store)
    action = enqueue_refund_execution(refund)
    Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.CANCELLED)
    drain()
    action.refresh_from_db()
    assert action.status == OutboxStatus.DEAD and shop_refunds(sandbox) == []


def test_an_asynchronous_amazon_refund_waits_then_succeeds_once(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    assert sync_stream(store.pk, "orders").status == "ok"
    order = Order.objects.filter(store=store).exclude(total_amount=None).order_by("pk").first()
    refund = approved_refund(store, amount="1.00", order=order)
    action = enqueue_refund_execution(refund)
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.IN_PROGRESS and action.payload["reference"]  # the feed id
    assert refund.status == RefundStatus.EXECUTING
    sandbox.world.clock.advance(60)  # Amazon processes the feed
    OutboxAction.objects.filter(pk=action.pk).update(next_attempt_at=timezone.now())
    assert drain() == 1
    action.refresh_from_db()
    refund.refresh_from_db()
    assert action.status == OutboxStatus.DONE and refund.status == RefundStatus.SUCCEEDED
    tenant = sandbox.world.tenant("amazon", "acme-us")
    assert tenant.refund_counts[str(refund.idempotency_key)] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_drains_in_two_threads_never_execute_the_same_action(sandbox):
    store = synced_shop(sandbox)
    refunds = [approved_refund(store, amount="1.00") for _ in range(6)]
    for refund in refunds:
        OutboxAction.objects.create(
            kind="execute_refund",
            store=store,
            payload={"refund_id": refund.pk, "lines": []},
            idempotency_key=f"refund:{refund.idempotency_key}",
        )
    mutations = count_requests(sandbox, "shopify", b"refundCreate")
    handled: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            handled.append(drain())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(handled) == 6
    assert sorted(OutboxAction.objects.values_list("attempts", flat=True)) == [1] * 6
    assert len(mutations) == 6 and len(shop_refunds(sandbox)) == 6
    assert set(Refund.objects.values_list("status", flat=True)) == {RefundStatus.SUCCEEDED}


def test_an_email_reply_is_sent_once_by_smtp_and_marked_sent(shopify_store, mailoutbox):
    from tickets.models import Direction, Mailbox, Message, SendStatus
    from tickets.services.outbox import enqueue

    Mailbox.objects.create(store=shopify_store, address="support@acme.example")
    ticket = factories.TicketFactory(store=shopify_store, channel="email")
    factories.MessageFactory(ticket=ticket, sender_address="buyer@example.com", platform_message_id="<b1@example.com>")
    reply = factories.MessageFactory(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        author_name="Agent",
        body="<p>It ships today.</p>",
        platform_message_id="",
        send_status=SendStatus.QUEUED,
    )
    action = enqueue(
        kind="send_reply", store=shopify_store, payload={"message_id": reply.pk}, idempotency_key=f"reply:{reply.pk}"
    )
    assert drain() == 1
    action.refresh_from_db()
    assert action.status == OutboxStatus.DONE, action.last_error
    assert Message.objects.get(pk=reply.pk).send_status == SendStatus.SENT
    assert len(mailoutbox) == 1 and mailoutbox[0].to in (["buyer@example.com"], [ticket.customer.email])
    OutboxAction.objects.filter(pk=action.pk).update(status=OutboxStatus.PENDING)  # delivered twice
    drain()
    assert len(mailoutbox) == 1
