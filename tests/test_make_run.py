"""`make run` end to end: it migrates, loads the demo, starts web + worker + beat; an agent logs in
over HTTP and sees the demo inbox; /healthz reports the worker alive within 30 s; the worker
takes a task from the broker and carries it out.

Runs on whatever the suite runs on: SQLite + filesystem broker on the embedded default, or a
fresh PostgreSQL database + Redis when DATABASE_URL / REDIS_URL are set.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
pytestmark = pytest.mark.processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres_database(url: str) -> tuple[str, str]:
    """A new empty database beside the one DATABASE_URL names; returns (url, name)."""
    import psycopg2

    parts = urlsplit(url)
    name = f"aftersales_run_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def stack(tmp_path):
    """Start `make run` in its own process group with a private var dir, database and port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(AFTERSALES_VAR_DIR=str(tmp_path / "var"), DJANGO_DEBUG="1", PYTHONUNBUFFERED="1")
    env.pop("DJANGO_SECRET_KEY", None)
    pg_name = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], pg_name = fresh_postgres_database(os.environ["DATABASE_URL"])
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + "/14"  # a db of its own
    port = free_port()
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield {"url": f"http://127.0.0.1:{port}", "env": env, "log": tmp_path / "make-run.log", "process": process}
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
        log.close()
        if pg_name:
            drop_postgres_database(os.environ["DATABASE_URL"], pg_name)
        if env.get("REDIS_URL"):
            import redis

            redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def wait_for_web(url: str, stack: dict, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack["process"].poll() is not None:
            pytest.fail("make run exited early:\n" + stack["log"].read_text()[-3000:])
        try:
            requests.get(url + "/accounts/login/", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.5)
    pytest.fail("the web process never answered:\n" + stack["log"].read_text()[-3000:])


def manage(stack: dict, code: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=stack["env"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_make_run_serves_the_demo_inbox_and_a_live_worker(stack):
    url = stack["url"]
    wait_for_web(url, stack)
    web_up = time.monotonic()

    # /healthz: database, broker and a worker heartbeat, within 30 s of the web answering.
    report = {}
    while time.monotonic() - web_up < 30:
        report = requests.get(url + "/healthz", timeout=5).json()
        if report.get("worker") == "ok":
            break
        time.sleep(1)
    assert report == {"database": "ok", "broker": "ok", "worker": "ok"}, report

    # The agent logs in over HTTP and sees the demo inbox of all three stores.
    session = requests.Session()
    login = session.get(url + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    inbox = session.post(
        url + "/accounts/login/",
        data={
            "username": "agent",
            "password": "aftersales-demo",
            "csrfmiddlewaretoken": token,
            "next": "/inbox/?view=all",
        },
        headers={"Referer": url + "/accounts/login/"},
        timeout=10,
    )
    assert inbox.status_code == 200 and inbox.url.startswith(url + "/inbox/"), inbox.url
    rows = re.findall(r'class="ticket-row', inbox.text)
    assert len(rows) >= 40
    for platform in ("platform-shopify", "platform-amazon", "platform-ebay"):
        assert platform in inbox.text

    # A task goes through the broker to the worker: the auto-close of a long-silent resolved ticket.
    number = manage(
        stack,
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from tickets.models import Ticket\n"
        "t = Ticket.objects.filter(status='resolved').order_by('number').first()\n"
        "Ticket.objects.filter(pk=t.pk).update(resolved_at=timezone.now() - timedelta(days=30))\n"
        "from aftersales.celery import app\n"
        "app.send_task('tickets.close_silent_resolved_tickets')\n"
        "print(t.number)",
    )
    deadline = time.monotonic() + 30
    state = {}
    while time.monotonic() < deadline:
        state = json.loads(
            manage(
                stack,
                "import json\nfrom tickets.models import AuditEvent, Ticket\n"
                f"t = Ticket.objects.get(number={number})\n"
                "e = AuditEvent.objects.filter(ticket=t, after__status='closed').first()\n"
                "print(json.dumps({'status': t.status, 'kind': e.actor_kind if e else None}))",
            )
        )
        if state["status"] == "closed":
            break
        time.sleep(1)
    assert state == {"status": "closed", "kind": "system"}
