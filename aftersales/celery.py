"""The Celery app: configuration from Django settings, queues and the beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

app = Celery("aftersales")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Queues of DESIGN.md §6; a worker started without -Q consumes all of them.
app.conf.task_routes = {
    "integrations.sync_*": {"queue": "sync"},
    "integrations.drain_outbox": {"queue": "outbox"},
    "tickets.triage_*": {"queue": "triage"},
    "tickets.report_*": {"queue": "reports"},
}
app.conf.task_queues = None
app.conf.beat_schedule = {
    "close-silent-resolved-tickets": {
        "task": "tickets.close_silent_resolved_tickets",
        "schedule": crontab(minute="*/15"),
    },
}


def _install_heartbeat() -> None:
    from integrations.heartbeat import HeartbeatStep

    app.steps["worker"].add(HeartbeatStep)


_install_heartbeat()
