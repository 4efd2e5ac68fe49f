"""Health of what a desk needs: the database, the broker, a live worker, a ticking beat, and every
queue actually consumed (a canary beat sent on it ran lately)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import BeatHeartbeat, QueueHeartbeat, WorkerHeartbeat

OK = "ok"
logger = logging.getLogger(__name__)

# The answers are tokens for monitors and load balancers, compared as strings, so they are not
# translated.
NEVER_RAN = "error: never ran"
NO_BEAT = "error: beat has not run yet"


def _failed(part: str, exc: Exception) -> str:
    # The answer is public (load balancers call it): the class name only; details go to the log.
    logger.warning("health check of the %s failed", part, exc_info=exc)
    return f"error: {exc.__class__.__name__}"


def _seconds_since(moment) -> int:
    return int((timezone.now() - moment).total_seconds())


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


def _heartbeat_health(model, *, part: str, stale_seconds: int, missing: str, stale: str) -> str:
    """The newest heartbeat row of ``model``: ok, ``missing`` when none, ``stale`` (with the age)."""
    try:
        latest = model.objects.order_by("-beat_at").first()
    except Exception as exc:
        return _failed(part, exc)
    if latest is None:
        return missing
    age = _seconds_since(latest.beat_at)
    return stale % {"age": age} if age > stale_seconds else OK


def worker_health() -> str:
    return _heartbeat_health(
        WorkerHeartbeat,
        part="worker heartbeat",
        stale_seconds=settings.WORKER_STALE_SECONDS,
        missing="error: no worker has reported yet",
        stale="error: last heartbeat %(age)s s ago",
    )


def beat_health() -> str:
    return _heartbeat_health(
        BeatHeartbeat,
        part="beat heartbeat",
        stale_seconds=settings.BEAT_STALE_SECONDS,
        missing=NO_BEAT,
        stale="error: last tick %(age)s s ago",
    )


def queue_health() -> dict[str, str]:
    """Each queue of aftersales.celery.QUEUES: ok, or how long ago a canary last ran on it."""
    from aftersales.celery import QUEUES

    try:
        ran = dict(QueueHeartbeat.objects.filter(queue__in=QUEUES).values_list("queue", "ran_at"))
    except Exception as exc:
        failed = _failed("queue heartbeats", exc)
        return dict.fromkeys(QUEUES, failed)
    report = {}
    for queue in QUEUES:
        if queue not in ran:
            report[queue] = NEVER_RAN
            continue
        age = _seconds_since(ran[queue])
        report[queue] = OK if age <= settings.QUEUE_STALE_SECONDS else f"error: last ran {age} s ago"
    return report


def health() -> dict:
    return {
        "database": database_health(),
        "broker": broker_health(),
        "worker": worker_health(),
        "beat": beat_health(),
        "queues": queue_health(),
    }


def is_healthy(report: dict) -> bool:
    """Every part, and every queue, is ok."""
    return all(is_healthy(value) if isinstance(value, dict) else value == OK for value in report.values())
