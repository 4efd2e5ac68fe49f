"""The Celery app: configuration from Django settings, queues and the beat schedule."""

import logging
import os
from datetime import UTC, datetime

from celery import Celery
from celery.beat import BeatLazyFunc
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

app = Celery("aftersales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Queues of DESIGN.md §6; a worker started without -Q consumes all of them. /healthz watches each.
QUEUES = ("default", "sync", "triage", "outbox", "reports")
app.conf.task_routes = {
    "integrations.sync_*": {"queue": "sync"},
    "integrations.process_payload": {"queue": "sync"},
    "integrations.schedule_syncs": {"queue": "default"},
    "integrations.drain_outbox": {"queue": "outbox"},
    "tickets.triage_*": {"queue": "triage"},
    "tickets.run_rules": {"queue": "triage"},
    "tickets.report_*": {"queue": "reports"},
}
app.conf.task_queues = None
app.conf.beat_schedule = {
    "close-silent-resolved-tickets": {
        "task": "tickets.close_silent_resolved_tickets",
        "schedule": crontab(minute="*/15"),
    },
    # Sends each due (store, stream) to the sync queue; cheap when nothing is due.
    "schedule-syncs": {
        "task": "integrations.schedule_syncs",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    # The drain is woken after each commit; this catches lost wake-ups and due retries.
    "drain-outbox": {
        "task": "integrations.drain_outbox",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # SLA at risk / breached: marks, notifies and announces each ticket once per state.
    "sweep-sla": {
        "task": "tickets.sweep_sla",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    # Notification e-mails are queued after each commit; this sends whatever a lost task left.
    "email-notifications": {
        "task": "tickets.email_notifications",
        "schedule": 120.0,
        "options": {"expires": 120},
    },
    # Search documents older than their ticket's last activity: a lost refresh, a path that
    # does not refresh. Every minute for recent tickets, hourly (in a bounded run) for all.
    "reindex-search": {
        "task": "tickets.reindex_search",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "reindex-search-all": {
        "task": "tickets.reindex_search_all",
        "schedule": crontab(minute=35),
        "options": {"expires": 3600},
    },
    # Buyers' return-risk flags (the refund approval policy and the triage rules read them).
    "sweep-return-risk": {
        "task": "tickets.sweep_return_risk",
        "schedule": crontab(minute=50),
        "options": {"expires": 3600},
    },
    # Platform refunds each ingest page could not link yet (ours got its platform id later).
    "reconcile-refunds": {
        "task": "tickets.reconcile_refunds",
        "schedule": crontab(minute="*/30"),
        "options": {"expires": 1800},
    },
    # Time-based triage events (first response due, buyer silent, no activity, customs, approval
    # waiting): each fires once per ticket and period (tickets/rules/clock.py).
    "triage-clock": {
        "task": "tickets.triage_clock",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 300},
    },
    "expire-unshipped-returns": {
        "task": "tickets.expire_unshipped_returns",
        "schedule": crontab(minute=20, hour="*/6"),
    },
}

# Beat's own liveness is a heartbeat its scheduler writes on every tick (integrations/heartbeat.py).
app.conf.beat_scheduler = "integrations.heartbeat:HeartbeatScheduler"


def canary_sent_at() -> str:
    """Evaluated by beat at each send, so the canary carries the moment it left."""
    return datetime.now(UTC).isoformat()


@app.on_after_configure.connect
def _schedule_canaries(sender, **kwargs) -> None:
    # Read when the configuration is, not at import: Django's settings may not be loaded yet.
    from django.conf import settings

    from integrations.heartbeat import CANARY_TASK

    for queue in QUEUES:
        sender.conf.beat_schedule[f"canary-{queue}"] = {
            "task": CANARY_TASK,
            "schedule": settings.CANARY_SECONDS,
            "args": (queue, BeatLazyFunc(canary_sent_at)),
            # A canary stuck behind a backlog older than the staleness would only say "ok" late.
            "options": {"queue": queue, "expires": settings.QUEUE_STALE_SECONDS},
        }


def _install_heartbeat() -> None:
    from integrations.heartbeat import CANARY_CHATTY_LOGGERS, HeartbeatStep, QuietCanaries

    app.steps["worker"].add(HeartbeatStep)
    for name in CANARY_CHATTY_LOGGERS:
        logging.getLogger(name).addFilter(QuietCanaries())


_install_heartbeat()
