"""Celery tasks of the integrations app: thin wrappers around services, safe to run twice."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from .heartbeat import CANARY_TASK, record_canary

__all__ = ["CANARY_TASK", "canary"]


# Beat sends one per queue; a canary does nothing but prove that its queue is consumed. A lost one
# needs no redelivery (the next comes within seconds), hence no acks_late. Its limits are short: a
# canary that needs seconds means the database is in trouble, and the slot should go back to work.
@shared_task(bind=True, name=CANARY_TASK, acks_late=False, ignore_result=True, time_limit=30, soft_time_limit=20)
def canary(self, queue: str, sent_at: str) -> None:
    record_canary(queue=queue, sent_at=datetime.fromisoformat(sent_at), worker=self.request.hostname or "")
