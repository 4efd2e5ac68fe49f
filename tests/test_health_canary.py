"""The canaries behind /healthz: beat sends one per queue with its send time, the task writes the
queue's heartbeat, and beat's scheduler records that it ticks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from aftersales.celery import QUEUES, app
from integrations.health import health
from integrations.heartbeat import HeartbeatScheduler
from integrations.models import BeatHeartbeat, QueueHeartbeat
from integrations.tasks import CANARY_TASK, canary

pytestmark = pytest.mark.django_db


def test_the_canary_writes_its_queues_heartbeat_with_the_send_time():
    sent = timezone.now() - timedelta(seconds=7)
    canary.apply(args=["outbox", sent.isoformat()])
    row = QueueHeartbeat.objects.get(queue="outbox")
    assert row.sent_at == sent
    assert timezone.now() - row.ran_at < timedelta(seconds=5)
    assert 7 <= (row.ran_at - row.sent_at).total_seconds() < 12  # the lag is visible
    assert row.worker


def test_a_canary_run_twice_keeps_one_row_per_queue():
    canary.apply(args=["sync", timezone.now().isoformat()])
    canary.apply(args=["sync", timezone.now().isoformat()])
    canary.apply(args=["triage", timezone.now().isoformat()])
    assert sorted(QueueHeartbeat.objects.values_list("queue", flat=True)) == ["sync", "triage"]


def test_beat_schedules_a_canary_on_every_queue(settings):
    entries = {e["options"]["queue"]: e for e in app.conf.beat_schedule.values() if e["task"] == CANARY_TASK}
    assert set(entries) == set(QUEUES)
    for queue, entry in entries.items():
        assert entry["schedule"] == settings.CANARY_SECONDS
        assert entry["args"][0] == queue
        # A canary stuck behind a backlog longer than the staleness is dropped, not run late.
        assert 0 < entry["options"]["expires"] <= settings.QUEUE_STALE_SECONDS


@pytest.fixture
def memory_broker():
    """Beat publishes for real, into kombu's in-process broker instead of the dev's queue."""
    saved = app.conf.broker_url
    app.conf.broker_url = "memory://"
    try:
        yield
    finally:
        with app.connection_for_read() as conn:
            for queue in QUEUES:
                conn.SimpleQueue(queue).clear()
        app.conf.broker_url = saved


@pytest.fixture
def scheduler(memory_broker, tmp_path):
    made = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "beat-schedule"))
    try:
        yield made
    finally:
        made.close()


def published(queue: str) -> list[tuple[str, list]]:
    """(task name, args) of every message waiting in the queue."""
    found = []
    with app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue, no_ack=True)
        while True:
            try:
                message = simple.get(timeout=0.2)
            except simple.Empty:
                return found
            args, _kwargs, _embed = message.decode()
            found.append((message.headers["task"], args))


def tick_until_idle(scheduler: HeartbeatScheduler) -> float:
    for _ in range(50):
        delay = scheduler.tick()
        if delay > 0:
            return delay
    raise AssertionError("beat kept finding due entries")


def test_beat_sends_every_canary_at_start_with_its_send_time(scheduler):
    before = timezone.now()
    tick_until_idle(scheduler)
    for queue in QUEUES:
        messages = published(queue)
        assert [(task, args[0]) for task, args in messages] == [(CANARY_TASK, queue)]
        sent_at = datetime.fromisoformat(messages[0][1][1])
        assert before - timedelta(seconds=1) <= sent_at <= timezone.now()


def test_canaries_beat_sent_and_a_worker_ran_make_every_queue_ok(scheduler):
    tick_until_idle(scheduler)
    for queue in QUEUES:
        for task, args in published(queue):
            app.tasks[task].apply(args=args)  # what a worker consuming this queue does
    assert health()["queues"] == dict.fromkeys(QUEUES, "ok")
    assert health()["beat"] == "ok"


def test_beat_records_that_it_ticks(scheduler):
    assert not BeatHeartbeat.objects.exists()
    scheduler.tick()
    row = BeatHeartbeat.objects.get()
    assert timezone.now() - row.beat_at < timedelta(seconds=5)


def test_beat_writes_its_heartbeat_at_most_every_few_seconds_and_ticks_that_often(scheduler, settings):
    settings.BEAT_HEARTBEAT_SECONDS = 30
    delay = tick_until_idle(scheduler)
    first = BeatHeartbeat.objects.get().beat_at
    scheduler.tick()
    assert BeatHeartbeat.objects.get().beat_at == first
    # It never sleeps longer than its heartbeat interval, whatever the schedule says.
    assert delay <= 30
    settings.BEAT_HEARTBEAT_SECONDS = 0  # the interval has passed
    scheduler.tick()
    assert BeatHeartbeat.objects.get().beat_at > first


def test_celery_logs_no_info_line_per_canary_but_keeps_other_tasks_and_canary_errors(caplog):
    trace = logging.getLogger("celery.app.trace")
    with caplog.at_level(logging.INFO, logger="celery"):
        trace.info("Task %(name)s[%(id)s] succeeded", {"name": CANARY_TASK, "id": "1"})
        trace.info("Task %(name)s[%(id)s] succeeded", {"name": "tickets.close_silent_resolved_tickets", "id": "2"})
        trace.error("Task %(name)s[%(id)s] raised", {"name": CANARY_TASK, "id": "3"})
        logging.getLogger("celery.beat").info("Scheduler: Sending due task %s (%s)", "canary-sync", CANARY_TASK)
    assert [r.getMessage() for r in caplog.records] == [
        "Task tickets.close_silent_resolved_tickets[2] succeeded",
        "Task integrations.canary[3] raised",
    ]
