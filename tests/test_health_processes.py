"""/healthz against real processes: two Celery workers that split the queues between them (one
queue consumed by nobody), celery beat with a short canary interval, and the web, all on Redis db 5
and a fresh database. A stopped worker's queues show stalled while the other worker still reports
alive; a stopped beat shows dead.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.test_make_run import drop_postgres_database, free_port, fresh_postgres_database

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
pytestmark = [pytest.mark.redis, pytest.mark.processes]

QUEUE_STALE_SECONDS = 6
BEAT_STALE_SECONDS = 4


@pytest.fixture
def env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        AFTERSALES_VAR_DIR=str(tmp_path / "var"),
        AFTERSALES_LOCAL_HTTP="1",  # plain HTTP on this machine, as make run serves
        PYTHONUNBUFFERED="1",
        REDIS_URL=re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + "/5",  # a db of its own
        AFTERSALES_CANARY_SECONDS="2",
        AFTERSALES_QUEUE_STALE_SECONDS=str(QUEUE_STALE_SECONDS),
        AFTERSALES_BEAT_HEARTBEAT_SECONDS="1",
        AFTERSALES_BEAT_STALE_SECONDS=str(BEAT_STALE_SECONDS),
        AFTERSALES_WORKER_HEARTBEAT_SECONDS="2",
    )
    env.pop("DJANGO_SECRET_KEY", None)
    pg_name = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], pg_name = fresh_postgres_database(os.environ["DATABASE_URL"])
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'health.sqlite3'}"
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    try:
        yield env
    finally:
        if pg_name:
            drop_postgres_database(os.environ["DATABASE_URL"], pg_name)
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()


class Processes:
    """Started in their own sessions, logged to files, stopped by pid."""

    def __init__(self, env: dict, logs: Path) -> None:
        self.env, self.logs, self.running = env, logs, {}

    def start(self, name: str, *argv: str) -> None:
        log = (self.logs / f"{name}.log").open("w")
        self.running[name] = (
            subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            ),
            log,
        )

    def stop(self, name: str) -> None:
        process, log = self.running.pop(name)
        # The main process only: a Celery worker then shuts its pool down warmly.
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()

    def tails(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-1500:]}" for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def processes(env, tmp_path):
    made = Processes(env, tmp_path)
    try:
        yield made
    finally:
        for name in list(made.running):
            made.stop(name)


def wait_for(url: str, processes: Processes, wanted, seconds: float) -> dict:
    """Poll /healthz until wanted(status, body) holds; fail with the last answer and the logs."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            response = requests.get(url + "/healthz", timeout=5)
            last = (response.status_code, response.json())
            if wanted(*last):
                return last[1]
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"/healthz never got there; last answer {last}\n{processes.tails()}")


def test_healthz_shows_each_queue_and_beat_of_real_processes(env, processes, tmp_path):
    started = time.monotonic()
    subprocess.run([BIN / "python", "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    celery = [str(BIN / "celery"), "-A", "aftersales"]
    worker = [*celery, "worker", "--loglevel", "INFO", "--concurrency", "1"]
    processes.start("worker-a", *worker, "--queues", "sync,triage", "--hostname", "a@%h")
    processes.start("worker-b", *worker, "--queues", "default,outbox", "--hostname", "b@%h")
    processes.start("beat", *celery, "beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule"))
    port = free_port()
    processes.start("web", str(BIN / "python"), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}")
    url = f"http://127.0.0.1:{port}"

    # Both workers consume: four queues are ok; nobody consumes "reports", so /healthz is 503.
    consumed = ("default", "sync", "triage", "outbox")
    body = wait_for(url, processes, lambda status, body: all(body["queues"][q] == "ok" for q in consumed), 45)
    assert body == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
        "queues": {"default": "ok", "sync": "ok", "triage": "ok", "outbox": "ok", "reports": "error: never ran"},
    }
    assert requests.get(url + "/healthz", timeout=5).status_code == 503

    # Worker B stops: worker A still reports alive, but B's queues stall within the staleness.
    processes.stop("worker-b")
    stopped = time.monotonic()
    body = wait_for(url, processes, lambda status, body: body["queues"]["default"] != "ok", 30)
    assert time.monotonic() - stopped <= QUEUE_STALE_SECONDS + 10
    assert body["worker"] == "ok" and body["beat"] == "ok"
    for queue in ("default", "outbox"):
        assert re.fullmatch(r"error: last ran \d+ s ago", body["queues"][queue]), body
    assert body["queues"]["sync"] == body["queues"]["triage"] == "ok"
    assert body["queues"]["reports"] == "error: never ran"

    # Beat stops: it shows dead, with the workers still alive.
    processes.stop("beat")
    body = wait_for(url, processes, lambda status, body: body["beat"] != "ok", BEAT_STALE_SECONDS + 10)
    assert re.fullmatch(r"error: last tick \d+ s ago", body["beat"]), body
    assert body["worker"] == "ok"
    assert time.monotonic() - started < 90
