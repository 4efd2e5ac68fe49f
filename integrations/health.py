"""Health of the three parts a desk needs: the database, the broker and at least one live worker."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat

OK = "ok"
logger = logging.getLogger(__name__)


def _failed(part: str, exc: Exception) -> str:
    # The answer is public (load balancers call it): the class name only; details go to the log.
    logger.warning("health check of the %s failed", part, exc_info=exc)
    return f"error: {exc.__class__.__name__}"


def database_health() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _failed("database", exc)
    return OK


def broker_health() -> str:
    from aftersales.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return _failed("broker", exc)
    return OK


def worker_health() -> str:
    try:
        latest = WorkerHeartbeat.objects.order_by("-beat_at").first()
    except Exception as exc:
        return _failed("worker heartbeat", exc)
    if latest is None:
        return "error: no worker has reported yet"
    age = timezone.now() - latest.beat_at
    if age > timedelta(seconds=settings.WORKER_STALE_SECONDS):
        return f"error: last heartbeat {int(age.total_seconds())} s ago"
    return OK


def health() -> dict[str, str]:
    return {"database": database_health(), "broker": broker_health(), "worker": worker_health()}
