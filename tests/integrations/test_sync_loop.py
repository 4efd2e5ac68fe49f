"""The sync loop against the real Amazon adapter and the in-process sandbox: each order stored
once, the cursor moving only with its page, failures kept and replayable, one store's trouble
never stopping another, and a long wait handed to the cursor."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import PayloadStatus, RawPayload, SyncCursor
from integrations.sync import replay, sync_stream
from tickets.models import Order

from .pipe_sandbox import connect, fresh_quota_fixture, rewrite_answers, sandbox_fixture  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def sandbox_orders(box, tenant: str) -> dict:
    return box.world.tenant("amazon", tenant).orders


def test_a_full_sync_creates_each_sandbox_order_once(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    outcome = sync_stream(store.pk, "orders")
    assert outcome.status == "ok", outcome.error
    stored = sorted(Order.objects.filter(store=store).values_list("external_id", flat=True))
    assert stored == sorted(sandbox_orders(sandbox, "acme-us"))


def test_running_the_sync_twice_changes_no_order(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    sync_stream(store.pk, "orders")
    before = list(Order.objects.filter(store=store).order_by("pk").values("pk", "external_id", "total_amount"))
    assert sync_stream(store.pk, "orders").status == "ok"
    # A cursor lost (or a page fetched again after a crash) brings every order back...
    SyncCursor.objects.filter(store=store).update(position={}, next_run_at=None)
    outcome = sync_stream(store.pk, "orders")
    assert outcome.status == "ok" and outcome.records == len(before)
    after = list(Order.objects.filter(store=store).order_by("pk").values("pk", "external_id", "total_amount"))
    assert after == before  # ...and nothing changed


def test_the_cursor_records_position_counters_and_success(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    sync_stream(store.pk, "orders")
    cursor = SyncCursor.objects.get(store=store, stream="orders")
    assert cursor.position.get("high_water")
    assert cursor.records_total == len(sandbox_orders(sandbox, "acme-us"))
    assert cursor.calls_total >= 2  # the token and at least one page
    assert cursor.last_success_at is not None and cursor.last_error == ""
    assert cursor.high_water_mark is not None
    assert cursor.next_run_at > timezone.now()


def test_every_page_is_stored_as_a_processed_raw_payload(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    sync_stream(store.pk, "orders")
    rows = RawPayload.objects.filter(store=store, stream="orders")
    assert rows.exists() and all(row.status == PayloadStatus.PROCESSED for row in rows)
    assert sum(row.records for row in rows) == len(sandbox_orders(sandbox, "acme-us"))


def test_a_page_the_database_refuses_rolls_back_with_its_cursor_and_is_kept_failed(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    orders = sandbox_orders(sandbox, "acme-us")
    sync_stream(store.pk, "orders")
    cursor = SyncCursor.objects.get(store=store, stream="orders")
    position, records = cursor.position, cursor.records_total
    # The platform updates one order and sends a total the order table's check constraint refuses.
    victim = next(iter(orders.values()))
    victim["updated"] = timezone.now() - timedelta(minutes=3)
    broken = {"on": True}

    def negative_total(body):
        for node in body.get("orders", []):
            if node["orderId"] == victim["id"] and broken["on"]:
                node["proceeds"] = {"grandTotal": {"amount": "-5.00", "currencyCode": "USD"}}

    rewrite_answers(sandbox, "amazon", "/orders", negative_total)
    SyncCursor.objects.filter(store=store).update(next_run_at=None)
    outcome = sync_stream(store.pk, "orders")
    assert outcome.status == "error", outcome
    cursor.refresh_from_db()
    assert cursor.position == position and cursor.records_total == records  # did not move
    assert cursor.last_error and cursor.consecutive_failures == 1
    assert Order.objects.get(store=store, external_id=victim["id"]).total_amount >= 0
    kept = RawPayload.objects.get(store=store, stream="orders", status=PayloadStatus.FAILED)
    assert kept.error and victim["id"] in str(kept.payload)  # what the platform sent is not lost
    # Fixed on the platform: the next run fetches the same window again and misses nothing.
    broken["on"] = False
    SyncCursor.objects.filter(store=store).update(next_run_at=None)
    assert sync_stream(store.pk, "orders").status == "ok"
    cursor.refresh_from_db()
    assert cursor.records_total > records and cursor.consecutive_failures == 0 and cursor.last_error == ""


def test_a_malformed_element_is_kept_failed_while_the_rest_is_ingested_and_replay_after_fixing_works(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    orders = sandbox_orders(sandbox, "acme-us")
    victim = next(iter(orders.values()))

    def garbage_total(body):
        for node in body.get("orders", []):
            if node["orderId"] == victim["id"]:
                node["proceeds"] = {"grandTotal": {"amount": "twelve dollars", "currencyCode": "USD"}}

    rewrite_answers(sandbox, "amazon", "/orders", garbage_total)
    outcome = sync_stream(store.pk, "orders")
    assert outcome.status == "ok" and outcome.failed == 1
    assert Order.objects.filter(store=store).count() == len(orders) - 1
    failed = RawPayload.objects.get(store=store, status=PayloadStatus.FAILED)
    assert failed.error and victim["id"] in str(failed.payload)
    assert SyncCursor.objects.get(store=store, stream="orders").failed_total == 1
    # Replaying unchanged fails again, and says why.
    assert replay(failed).status == PayloadStatus.FAILED
    # Fix the stored page (as support would), then replay the element.
    page = RawPayload.objects.get(pk=int(failed.external_id.split(":")[1]))
    for node in page.payload["orders"]:
        if node["orderId"] == victim["id"]:
            node["proceeds"]["grandTotal"]["amount"] = "12.00"
    page.save()
    assert replay(failed).status == PayloadStatus.PROCESSED
    assert Order.objects.filter(store=store, external_id=victim["id"]).exists()


def test_one_store_with_a_bad_token_does_not_stop_another(sandbox):
    bad = connect(sandbox, "amazon", "broken-us", refresh_token="Atzr|revoked")
    good = connect(sandbox, "amazon", "acme-us")
    bad_outcome = sync_stream(bad.pk, "orders")
    good_outcome = sync_stream(good.pk, "orders")
    assert bad_outcome.status == "error"
    bad_cursor = SyncCursor.objects.get(store=bad, stream="orders")
    assert bad_cursor.last_error and bad_cursor.next_run_at > timezone.now() and bad_cursor.position == {}
    assert good_outcome.status == "ok"
    assert Order.objects.filter(store=good).count() == len(sandbox_orders(sandbox, "acme-us"))
    assert not Order.objects.filter(store=bad).exists()


def test_a_rate_limit_sets_the_next_run_instead_of_sleeping(sandbox):
    store = connect(sandbox, "amazon", "acme-us")
    world = sandbox.world
    # Spend the tenant's searchOrders burst, as other callers of the seller account would.
    while world.limit("amazon", "acme-us", "searchOrders", rate=1 / 180, burst=20) == 0:
        pass
    throttled_before = world.throttled_total()
    outcome = sync_stream(store.pk, "orders")
    assert outcome.status == "rate_limited"
    cursor = SyncCursor.objects.get(store=store, stream="orders")
    assert cursor.next_run_at >= timezone.now() + timedelta(seconds=60)  # Amazon: 1 request / 3 min
    assert cursor.position == {} and cursor.last_error == "" and cursor.consecutive_failures == 0
    assert world.throttled_total() - throttled_before == 1  # asked once, then gave the worker back


@contextmanager
def another_worker_runs(cursor_id: int):
    """Hold the cursor's run lock as another worker process would: its own database session."""
    from django.db import connection, connections

    from integrations.sync import ADVISORY_NAMESPACE, run_lock

    if connection.vendor != "postgresql":
        with run_lock(cursor_id) as held:
            assert held
            yield
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as db:
            db.execute("SELECT pg_advisory_lock(%s, %s), pg_backend_pid()", [ADVISORY_NAMESPACE, cursor_id])
            pid = db.fetchone()[1]
        yield
    finally:
        other.close()  # a worker that dies: its session ends and the lock with it
    # The server ends that session a moment after the client hangs up, not at once.
    deadline = time.monotonic() + 10
    with connection.cursor() as db:
        while time.monotonic() < deadline:
            db.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if db.fetchone() is None:
                break
            time.sleep(0.05)


def test_a_busy_cursor_is_left_to_the_run_that_holds_it(sandbox):
    from integrations.sync import lease_held

    store = connect(sandbox, "amazon", "acme-us")
    cursor = SyncCursor.objects.create(store=store, stream="orders")
    with another_worker_runs(cursor.pk):
        assert lease_held(cursor.pk)
        assert sync_stream(store.pk, "orders").status == "busy"
    assert not lease_held(cursor.pk)
    assert not Order.objects.filter(store=store).exists()
    assert sync_stream(store.pk, "orders").status == "ok"


def test_a_store_without_connection_records_the_error_on_its_cursor(db):
    from tests import factories

    store = factories.StoreFactory(platform="amazon", currency="USD")
    outcome = sync_stream(store.pk, "orders")
    assert outcome.status == "error"
    assert "no enabled connection" in SyncCursor.objects.get(store=store, stream="orders").last_error


def test_a_full_sync_of_a_shopify_shop_creates_each_order_once(sandbox):
    store = connect(sandbox, "shopify", "acme")
    assert sync_stream(store.pk, "orders").status == "ok"
    SyncCursor.objects.filter(store=store).update(position={}, next_run_at=None)
    assert sync_stream(store.pk, "orders").status == "ok"
    shop = sandbox.world.tenant("shopify", "acme")
    stored = sorted(Order.objects.filter(store=store).values_list("external_id", flat=True))
    assert stored == sorted(shop.orders)
