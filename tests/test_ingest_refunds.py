"""Ingest of platform refunds: stored once, only forward, settling our executing refund exactly once."""

from decimal import Decimal

import pytest

from tests import factories
from tests.ingest_records import at, order, refund
from tickets.models import AuditEvent, PlatformRefund, Refund
from tickets.services.ingest import ingest_records, record_platform_refund, upsert_order
from tickets.states import RefundStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def executing(shopify_store):
    upsert_order(order(total="100.00"), store=shopify_store)
    synced = shopify_store.orders.get(external_id="O1")
    ticket = factories.TicketFactory(store=shopify_store, order=synced)
    return factories.RefundFactory(ticket=ticket, order=synced, status=RefundStatus.EXECUTING)


def test_platform_refund_is_stored_once(shopify_store):
    record_platform_refund(refund(), store=shopify_store)
    again = record_platform_refund(refund(), store=shopify_store)
    assert not again.created
    assert PlatformRefund.objects.filter(store=shopify_store).count() == 1


def test_platform_refund_naming_our_key_marks_our_refund_succeeded_once(shopify_store, executing):
    record = refund(reference=str(executing.idempotency_key), amount="29.99")
    record_platform_refund(record, store=shopify_store)
    record_platform_refund(record, store=shopify_store)
    executing.refresh_from_db()
    assert (executing.status, executing.platform_refund_id, executing.platform_amount) == (
        RefundStatus.SUCCEEDED,
        "RF1",
        Decimal("29.99"),
    )
    assert PlatformRefund.objects.get(external_id="RF1").refund == executing
    moves = AuditEvent.objects.filter(object_type="refund", object_id=executing.pk, action="refund.status_changed")
    assert moves.count() == 1


def test_platform_refund_matching_our_platform_id_links_it(shopify_store, executing):
    Refund.objects.filter(pk=executing.pk).update(platform_refund_id="RF1")
    ingest_records(shopify_store, [refund()])
    assert PlatformRefund.objects.get(external_id="RF1").refund_id == executing.pk


def test_failed_platform_refund_fails_ours_with_the_reason(shopify_store, executing):
    record = refund(reference=str(executing.idempotency_key), status="failed", reason="card expired")
    record_platform_refund(record, store=shopify_store)
    executing.refresh_from_db()
    assert (executing.status, executing.failure_reason) == (RefundStatus.FAILED, "card expired")


def test_pending_platform_refund_leaves_ours_executing(shopify_store, executing):
    record_platform_refund(refund(reference=str(executing.idempotency_key), status="pending"), store=shopify_store)
    executing.refresh_from_db()
    assert executing.status == RefundStatus.EXECUTING


def test_another_stores_refund_key_is_not_linked(shopify_store, ebay_store, executing):
    record_platform_refund(refund(reference=str(executing.idempotency_key)), store=ebay_store)
    executing.refresh_from_db()
    assert executing.status == RefundStatus.EXECUTING
    assert PlatformRefund.objects.get(store=ebay_store).refund is None


def test_older_platform_refund_changes_nothing(shopify_store):
    record_platform_refund(refund(status="succeeded", updated_at=at(60)), store=shopify_store)
    record_platform_refund(refund(status="pending", updated_at=at(40)), store=shopify_store)
    assert PlatformRefund.objects.get(external_id="RF1").status == "succeeded"


def test_platform_refund_never_creates_a_refund(shopify_store):
    upsert_order(order(), store=shopify_store)
    record_platform_refund(refund(reference="not-a-uuid"), store=shopify_store)
    assert not Refund.objects.exists()


def test_rounded_platform_refund_keeps_the_raw_amount(shopify_store):
    record_platform_refund(refund(amount="12.345"), store=shopify_store)
    stored = PlatformRefund.objects.get(external_id="RF1")
    assert (stored.amount, stored.raw_amount) == (Decimal("12.34"), "12.345")
