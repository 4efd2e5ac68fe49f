"""A worker bootstep that writes a heartbeat row on a timer, so /healthz can tell a dead worker."""

from __future__ import annotations

import logging
import os

from celery import bootsteps

logger = logging.getLogger(__name__)


def _close_stale_connections() -> None:
    # The timer runs outside any task, so Celery's Django fix-up does not recycle connections
    # here; do it ourselves, but never inside a transaction someone else opened.
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:
        close_old_connections()


def write_heartbeat(hostname: str, started_at) -> None:
    from django.utils import timezone

    from .models import WorkerHeartbeat

    _close_stale_connections()
    try:
        WorkerHeartbeat.objects.update_or_create(
            hostname=hostname, defaults={"pid": os.getpid(), "started_at": started_at, "beat_at": timezone.now()}
        )
    except Exception:  # a database hiccup must not kill the worker; /healthz will show the gap
        logger.exception("could not write the worker heartbeat")
    finally:
        _close_stale_connections()


class HeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs) -> None:
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker) -> None:
        from django.conf import settings
        from django.utils import timezone

        started_at = timezone.now()
        write_heartbeat(worker.hostname, started_at)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, write_heartbeat, (worker.hostname, started_at), priority=10
        )

    def stop(self, worker) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
