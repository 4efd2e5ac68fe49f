"""Which streams beat sends (integrations.schedule), the tasks' names and queues, and the beat entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.celery import app
from integrations.models import StoreConnection, SyncCursor
from integrations.schedule import due_streams
from integrations.shopify.adapter import ShopifyAdapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected(shopify_store):
    StoreConnection.objects.create(store=shopify_store, credentials={}, sync_interval_seconds=60)
    return shopify_store


def test_a_stream_never_run_is_due(connected):
    assert due_streams() == [(connected.pk, stream) for stream in ShopifyAdapter.streams]


def test_a_stream_whose_next_run_is_ahead_is_not_due_and_becomes_due_when_it_passes(connected):
    now = timezone.now()
    SyncCursor.objects.create(store=connected, stream="orders", next_run_at=now + timedelta(seconds=30))
    assert due_streams(now) == []
    assert due_streams(now + timedelta(seconds=31)) == [(connected.pk, "orders")]


def test_without_a_next_run_the_interval_since_the_last_run_decides(connected):
    now = timezone.now()
    SyncCursor.objects.create(store=connected, stream="orders", last_run_at=now - timedelta(seconds=30))
    assert due_streams(now) == []
    assert due_streams(now + timedelta(seconds=31)) == [(connected.pk, "orders")]


def test_disabled_stores_and_connections_are_not_scheduled(connected, ebay_store):
    StoreConnection.objects.create(store=ebay_store, credentials={}, enabled=False)
    connected.enabled = False
    connected.save(update_fields=["enabled"])
    assert due_streams() == []


def test_a_stream_that_is_running_is_not_sent_again(connected):
    from integrations.sync import run_lock

    cursor = SyncCursor.objects.create(store=connected, stream="orders")
    with run_lock(cursor.pk) as held:
        assert held
        assert due_streams() == []
    assert due_streams() == [(connected.pk, "orders")]


def test_the_tasks_are_registered_under_their_fixed_names_and_late_acked():
    import integrations.tasks  # noqa: F401 - registers them

    for name in ("sync_stream", "schedule_syncs", "process_payload", "drain_outbox"):
        task = app.tasks[f"integrations.{name}"]
        assert task.acks_late, name


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("integrations.sync_stream", "sync"),
        ("integrations.process_payload", "sync"),
        ("integrations.drain_outbox", "outbox"),
        ("integrations.schedule_syncs", "default"),
    ],
)
def test_tasks_are_routed_to_their_queues(task, queue):
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue


def test_beat_schedules_the_sync_scheduler_and_a_catch_up_drain():
    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    assert entries["integrations.schedule_syncs"]["schedule"] <= 15
    assert entries["integrations.drain_outbox"]["schedule"] <= 60
