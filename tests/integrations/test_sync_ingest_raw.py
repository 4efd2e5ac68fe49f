"""One raw body through the sync path (webhooks, saved files): stored once, processed once,
kept failed with the reason when it cannot be read, and replayable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integrations.models import PayloadStatus, RawPayload
from integrations.sync import ingest_raw, process_payload, replay, store_raw
from tickets.models import Order

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces"
WEBHOOK = json.loads((FIXTURES / "shopify" / "webhook.orders-create.body.json").read_text())
PAGE = json.loads((FIXTURES / "shopify" / "graphql.orders.page.assembled.json").read_text())


def test_a_webhook_body_is_stored_and_its_order_ingested(shopify_store):
    row = ingest_raw(shopify_store, "webhook:orders/create", WEBHOOK, delivery_id="d-1")
    assert row.status == PayloadStatus.PROCESSED and row.records == 1
    assert Order.objects.filter(store=shopify_store).count() == 1


def test_a_duplicate_delivery_is_stored_once_and_processed_once(shopify_store):
    first = ingest_raw(shopify_store, "webhook:orders/create", WEBHOOK, delivery_id="d-1")
    again = ingest_raw(shopify_store, "webhook:orders/create", WEBHOOK, delivery_id="d-1")
    assert first.pk == again.pk and again.attempts == 1
    assert RawPayload.objects.count() == 1


def test_the_same_bytes_without_a_delivery_id_are_stored_once(shopify_store):
    ingest_raw(shopify_store, "orders", PAGE)
    ingest_raw(shopify_store, "orders", PAGE)
    assert RawPayload.objects.count() == 1
    assert Order.objects.filter(store=shopify_store).count() >= 1


def test_store_raw_only_keeps_the_body_and_process_payload_ingests_it(shopify_store):
    row = store_raw(shopify_store, "webhook:orders/create", WEBHOOK, delivery_id="d-2")
    assert row.status == PayloadStatus.PENDING and not Order.objects.exists()
    assert process_payload(row.pk).status == PayloadStatus.PROCESSED
    assert Order.objects.count() == 1


def test_an_unreadable_body_is_kept_failed_with_the_error_and_replay_works_after_fixing(shopify_store):
    row = ingest_raw(shopify_store, "orders", {"data": {"orders": "not a connection"}})
    assert row.status == PayloadStatus.FAILED and row.error
    assert RawPayload.objects.get().payload == {"data": {"orders": "not a connection"}}
    row.payload = PAGE
    row.save()
    assert replay(row).status == PayloadStatus.PROCESSED
    assert Order.objects.filter(store=shopify_store).exists()
