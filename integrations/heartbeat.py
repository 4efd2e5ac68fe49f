"""The heartbeats /healthz reads: a worker bootstep that writes the worker's row on a timer, the
canary's write of its queue's row, and beat's scheduler that records each tick and probes every
queue as soon as it starts."""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime

from celery import bootsteps
from celery.beat import PersistentScheduler

CANARY_TASK = "integrations.canary"

logger = logging.getLogger(__name__)


def _close_stale_connections() -> None:
    # The timer runs outside any task, so Celery's Django fix-up does not recycle connections
    # here; do it ourselves, but never inside a transaction someone else opened.
    from django.db import close_old_connections, connection

    if not connection.in_atomic_block:
        close_old_connections()


def _write_process_heartbeat(model_name: str, hostname: str, started_at) -> None:
    from django.apps import apps
    from django.utils import timezone

    model = apps.get_model("integrations", model_name)
    _close_stale_connections()
    try:
        model.objects.update_or_create(
            hostname=hostname, defaults={"pid": os.getpid(), "started_at": started_at, "beat_at": timezone.now()}
        )
    except Exception:  # a database hiccup must not kill the process; /healthz will show the gap
        logger.exception("could not write the %s", model._meta.verbose_name)
    finally:
        _close_stale_connections()


def write_heartbeat(hostname: str, started_at) -> None:
    """A worker is alive: its row, one per hostname."""
    _write_process_heartbeat("WorkerHeartbeat", hostname, started_at)


def write_beat_heartbeat(hostname: str, started_at) -> None:
    """Beat ticks: its row, one per hostname."""
    _write_process_heartbeat("BeatHeartbeat", hostname, started_at)


class QuietCanaries(logging.Filter):
    """Drops the INFO lines Celery writes per canary (sent, received, succeeded): five queues every
    few seconds would drown the log. Warnings and errors about a canary still show."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or CANARY_TASK not in record.getMessage()


CANARY_CHATTY_LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")


def record_canary(*, queue: str, sent_at: datetime, worker: str) -> None:
    """A canary ran on this queue now; it was sent at sent_at."""
    from django.utils import timezone

    from .models import QueueHeartbeat

    QueueHeartbeat.objects.update_or_create(
        queue=queue, defaults={"sent_at": sent_at, "ran_at": timezone.now(), "worker": worker}
    )


class HeartbeatScheduler(PersistentScheduler):
    """Beat's scheduler (``beat_scheduler``): the persistent one, plus a heartbeat row per tick.

    A beat process that hangs or dies stops ticking, so its row ages; the canaries alone could not
    tell a dead beat from every queue stalling at once.
    """

    _last_heartbeat: float | None = None
    _started_at = None

    def setup_schedule(self) -> None:
        super().setup_schedule()
        # Probe every queue at start, not one interval later: a fresh deploy shows its health at once.
        for entry in self.schedule.values():
            run_every = getattr(entry.schedule, "run_every", None)
            if entry.task == CANARY_TASK and run_every is not None:
                entry.last_run_at = entry.default_now() - run_every

    def tick(self, *args, **kwargs) -> float:
        from django.conf import settings

        every = settings.BEAT_HEARTBEAT_SECONDS
        if self._last_heartbeat is None or time.monotonic() - self._last_heartbeat >= every:
            self._write_heartbeat()
        # Never sleep past the next heartbeat, however far away the next due entry is.
        return min(super().tick(*args, **kwargs), every)

    def _write_heartbeat(self) -> None:
        from django.utils import timezone

        if self._started_at is None:
            self._started_at = timezone.now()
        write_beat_heartbeat(f"beat@{socket.gethostname()}", self._started_at)
        self._last_heartbeat = time.monotonic()


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
