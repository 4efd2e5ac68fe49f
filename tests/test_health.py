"""/healthz: database, broker and worker heartbeat, each "ok" or the error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.celery import app
from integrations.heartbeat import write_heartbeat
from integrations.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_healthz_reports_a_missing_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert body["worker"].startswith("error: no worker")


def test_healthz_is_ok_with_a_fresh_heartbeat(client):
    write_heartbeat("worker@test", timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "worker": "ok"}


def test_healthz_shows_a_dead_worker(client, settings):
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="worker@gone", pid=1, started_at=now, beat_at=now - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error: last heartbeat 3")


def test_heartbeat_updates_one_row_per_worker():
    started = timezone.now()
    write_heartbeat("worker@a", started)
    write_heartbeat("worker@a", started)
    write_heartbeat("worker@b", started)
    assert WorkerHeartbeat.objects.count() == 2


def test_healthz_reports_an_unreachable_broker(client):
    write_heartbeat("worker@test", timezone.now())
    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = saved
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error:")
    assert response.json()["database"] == "ok"


def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
