"""/healthz: database, broker, worker heartbeat, beat and each queue's canary, each "ok" or the error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from aftersales.celery import QUEUES, app
from integrations.health import health
from integrations.heartbeat import write_beat_heartbeat, write_heartbeat
from integrations.models import BeatHeartbeat, QueueHeartbeat, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def all_alive(*, queues=QUEUES) -> None:
    """Real rows, written now: a worker, beat and the given queues' canaries."""
    now = timezone.now()
    write_heartbeat("worker@test", now)
    write_beat_heartbeat("beat@test", now)
    for queue in queues:
        QueueHeartbeat.objects.update_or_create(queue=queue, defaults={"sent_at": now, "ran_at": now})


def age_queue(queue: str, seconds: float) -> None:
    then = timezone.now() - timedelta(seconds=seconds)
    QueueHeartbeat.objects.filter(queue=queue).update(sent_at=then, ran_at=then)


def test_the_five_queues_of_the_design_are_watched():
    assert set(QUEUES) == {"sync", "triage", "outbox", "reports", "default"}


def test_healthz_reports_a_missing_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"] == "ok"
    assert body["worker"].startswith("error: no worker")


def test_healthz_is_ok_when_worker_beat_and_every_queue_are_alive(client):
    all_alive()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
        "queues": dict.fromkeys(QUEUES, "ok"),
    }


def test_healthz_shows_a_dead_worker(client, settings):
    all_alive()
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"].startswith("error: last heartbeat 3")


def test_one_live_worker_does_not_hide_a_stalled_queue(client):
    all_alive()
    age_queue("outbox", 200)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"] == "ok" and body["beat"] == "ok"
    assert body["queues"]["outbox"] == "error: last ran 200 s ago"
    assert {q: v for q, v in body["queues"].items() if q != "outbox"} == {q: "ok" for q in QUEUES if q != "outbox"}


def test_a_queue_no_canary_ever_ran_on_is_reported(client):
    all_alive(queues=[q for q in QUEUES if q != "reports"])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queues"]["reports"] == "error: never ran"


def test_a_queue_stalls_after_the_configured_staleness(settings):
    all_alive()
    settings.QUEUE_STALE_SECONDS = 60
    age_queue("sync", 45)
    assert health()["queues"]["sync"] == "ok"
    settings.QUEUE_STALE_SECONDS = 30
    assert health()["queues"]["sync"] == "error: last ran 45 s ago"


def test_the_default_staleness_shows_a_stalled_queue_within_a_minute(settings):
    assert settings.QUEUE_STALE_SECONDS <= 60
    assert settings.CANARY_SECONDS < settings.QUEUE_STALE_SECONDS
    all_alive()
    age_queue("triage", 61)
    assert health()["queues"]["triage"].startswith("error: last ran")


def test_a_canary_of_another_queue_name_is_not_counted():
    all_alive(queues=[q for q in QUEUES if q != "sync"])
    QueueHeartbeat.objects.create(queue="sync-old", sent_at=timezone.now(), ran_at=timezone.now())
    assert health()["queues"]["sync"] == "error: never ran"


def test_healthz_reports_beat_that_never_ran(client):
    all_alive()
    BeatHeartbeat.objects.all().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["beat"] == "error: beat has not run yet"


def test_healthz_reports_a_dead_beat(client, settings):
    all_alive()
    settings.BEAT_STALE_SECONDS = 60
    BeatHeartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=90))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["beat"] == "error: last tick 90 s ago"


def test_the_newest_beat_counts():
    all_alive()
    BeatHeartbeat.objects.create(
        hostname="beat@old", pid=1, started_at=timezone.now(), beat_at=timezone.now() - timedelta(hours=2)
    )
    assert health()["beat"] == "ok"


def test_heartbeat_updates_one_row_per_worker():
    started = timezone.now()
    write_heartbeat("worker@a", started)
    write_heartbeat("worker@a", started)
    write_heartbeat("worker@b", started)
    assert WorkerHeartbeat.objects.count() == 2


def test_beat_heartbeat_updates_one_row_per_beat():
    started = timezone.now()
    write_beat_heartbeat("beat@a", started)
    first = BeatHeartbeat.objects.get().beat_at
    write_beat_heartbeat("beat@a", started)
    assert BeatHeartbeat.objects.count() == 1
    assert BeatHeartbeat.objects.get().beat_at >= first


def test_healthz_reports_an_unreachable_broker(client):
    all_alive()
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


@pytest.mark.parametrize("name", ["integrations_queueheartbeat", "integrations_beatheartbeat"])
def test_heartbeats_are_listed_read_only_in_admin(client, name):
    from django.contrib.auth.models import User
    from django.urls import reverse

    all_alive()
    QueueHeartbeat.objects.filter(queue="sync").update(sent_at=F("ran_at") - timedelta(seconds=3))
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    page = client.get(reverse(f"admin:{name}_changelist"))
    assert page.status_code == 200
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    if name == "integrations_queueheartbeat":
        assert ">3.0<" in page.content.decode()  # the lag of the sync canary


def test_the_web_probe_stays_ok_while_a_queue_is_stalled(client):
    all_alive(queues=[q for q in QUEUES if q != "reports"])

    full = client.get("/healthz")
    web = client.get("/healthz?scope=web")

    assert full.status_code == 503
    assert (web.status_code, web.json()) == (200, {"database": "ok"})
