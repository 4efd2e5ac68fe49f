"""Celery tasks of the integrations app: thin wrappers around services, safe to run twice."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task

from .heartbeat import CANARY_TASK, record_canary

__all__ = ["CANARY_TASK", "canary", "drain_outbox", "process_payload", "schedule_syncs", "sync_stream"]

logger = logging.getLogger("integrations.tasks")


# Beat sends one per queue; a canary does nothing but prove that its queue is consumed. A lost one
# needs no redelivery (the next comes within seconds), hence no acks_late. Its limits are short: a
# canary that needs seconds means the database is in trouble, and the slot should go back to work.
@shared_task(bind=True, name=CANARY_TASK, acks_late=False, ignore_result=True, time_limit=30, soft_time_limit=20)
def canary(self, queue: str, sent_at: str) -> None:
    record_canary(queue=queue, sent_at=datetime.fromisoformat(sent_at), worker=self.request.hostname or "")


# A killed worker's sync is redelivered (acks_late) and resumes from the committed cursor.
@shared_task(name="integrations.sync_stream", acks_late=True, ignore_result=True)
def sync_stream(store_id: int, stream: str) -> None:
    from .sync import MAX_PAGES_PER_RUN
    from .sync import sync_stream as run

    outcome = run(store_id, stream)
    if outcome.status == "ok" and outcome.has_more and outcome.pages >= MAX_PAGES_PER_RUN:
        sync_stream.delay(store_id, stream)  # more right now: give the slot back, carry on at once


@shared_task(name="integrations.schedule_syncs", acks_late=True, ignore_result=True, expires=30)
def schedule_syncs() -> int:
    from .schedule import due_streams

    due = due_streams()
    for store_id, stream in due:
        sync_stream.delay(store_id, stream)
    return len(due)


@shared_task(name="integrations.process_payload", acks_late=True, ignore_result=True)
def process_payload(raw_payload_id: int) -> None:
    from .sync import process_payload as run

    run(raw_payload_id)


@shared_task(name="integrations.drain_outbox", acks_late=True, ignore_result=True)
def drain_outbox() -> int:
    from .outbox import drain

    return drain()
