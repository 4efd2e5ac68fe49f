"""`make run` end to end: it migrates, loads the demo, starts web + worker + beat; an agent logs in
over HTTP and sees the demo inbox; /healthz reports every part and queue ok within 45 s; the worker
takes a task from the broker and carries it out; SIGTERM to `make run` stops every process of its
tree cleanly (a warm Celery shutdown, no SIGKILL).

Runs on whatever the suite runs on: SQLite + filesystem broker on the embedded default, or a
fresh PostgreSQL database + Redis when DATABASE_URL / REDIS_URL are set.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import NamedTuple
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


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Start `make run` in its own process group with a private var dir, database and port.

    One stack serves the module's tests (starting it takes most of a minute); the last test stops it.
    """
    tmp_path = tmp_path_factory.mktemp("make-run")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    # As a newcomer runs it: debug off, plain HTTP on this machine (make run sets that switch itself
    # once it does; set here too so the test does not depend on it).
    env.update(AFTERSALES_VAR_DIR=str(tmp_path / "var"), AFTERSALES_LOCAL_HTTP="1", PYTHONUNBUFFERED="1")
    for name in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS"):
        env.pop(name, None)
    pg_name = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], pg_name = fresh_postgres_database(os.environ["DATABASE_URL"])
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + "/14"  # a db of its own
    port = free_port()
    # The sandbox marketplace's ports, free ones so a running `make run` on this machine does not clash.
    env.update(
        AFTERSALES_SANDBOX_PORT=str(free_port()),
        AFTERSALES_SANDBOX_IMAP_PORT=str(free_port()),
        AFTERSALES_SANDBOX_SMTP_PORT=str(free_port()),
    )
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    stack = {"url": f"http://127.0.0.1:{port}", "env": env, "log": tmp_path / "make-run.log", "process": process}
    try:
        yield stack
    finally:
        tree = stack.get("tree") or process_tree(process.pid)
        if process.poll() is None:
            # SIGTERM to make, which passes it on to honcho (and waits out honcho's grace period).
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in still_running(tree):  # what outlived make (Procfile processes have sessions of their own)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
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


def all_ok(report: dict) -> bool:
    """Every part of a /healthz report, and every queue in it, says ok."""
    return bool(report) and all(
        all_ok(value) if isinstance(value, dict) else value == "ok" for value in report.values()
    )


def wait_for_health(stack: dict, until, seconds: float) -> dict:
    """/healthz once `until(report)` holds (or the last report after `seconds`)."""
    deadline = time.monotonic() + seconds
    report = {}
    while time.monotonic() < deadline:
        report = requests.get(stack["url"] + "/healthz", timeout=5).json()
        if until(report):
            break
        time.sleep(1)
    return report


class Proc(NamedTuple):
    parent: int
    state: str  # "Z": exited, waiting for its parent to collect it
    started: int  # clock ticks after boot: with the pid, it names one process (pids are reused)
    cmdline: str


def process_table() -> dict[int, Proc]:
    """Every process on the host, read from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        # The command name in field 2 may hold spaces and parentheses: split after its last ")".
        fields = stat[stat.rindex(")") + 2 :].split()  # fields 3 (state), 4 (ppid) ... 22 (starttime)
        table[int(entry.name)] = Proc(int(fields[1]), fields[0], int(fields[19]), cmdline)
    return table


def process_tree(root: int) -> dict[int, Proc]:
    """Every descendant of `root`, whatever its session or process group."""
    table = process_table()
    tree, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, proc in table.items():
            if proc.parent == parent and pid not in tree:
                tree[pid] = proc
                frontier.append(pid)
    return tree


def still_running(tree: dict[int, Proc]) -> dict[int, str]:
    """The processes of `tree` that have not exited yet, pid -> command line."""
    table = process_table()
    return {
        pid: proc.cmdline
        for pid, proc in tree.items()
        if pid in table and table[pid].started == proc.started and table[pid].state != "Z"
    }


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

    # /healthz: database, broker, a worker heartbeat, beat, and a canary run on every queue (beat
    # sends one every AFTERSALES_CANARY_SECONDS, 15 s by default) within 45 s of the web answering.
    report = wait_for_health(stack, all_ok, seconds=45)
    assert {"database", "broker", "worker"} <= report.keys() and all_ok(report), report

    # The agent logs in over HTTP and sees the demo inbox of all three stores.
    session = requests.Session()
    login = session.get(url + "/accounts/login/", timeout=10)
    assert login.status_code == 200, (login.status_code, login.text[:2000])
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


def test_make_run_brings_new_orders_and_tickets_from_each_platform_within_two_minutes(stack):
    """No settings, no credentials: the demo stores are connected to the sandbox marketplace, and
    the worker's syncs bring its new orders and buyers' tickets (by API and by email) into the desk."""
    wait_for_web(stack["url"], stack)
    started = time.monotonic()
    code = (
        "import json\n"
        "from tickets.models import Order, Ticket, Message\n"
        "from integrations.models import StoreConnection\n"
        "out = {}\n"
        "for c in StoreConnection.objects.select_related('store'):\n"
        "    s = c.store\n"
        "    out[s.platform] = {\n"
        "        'orders': Order.objects.filter(store=s, created_at__gt=c.created_at).count(),\n"
        "        'tickets': Ticket.objects.filter(store=s, created_at__gt=c.created_at).count(),\n"
        "    }\n"
        "print(json.dumps(out))"
    )
    counts = {}
    while time.monotonic() - started < 120:
        counts = json.loads(manage(stack, code))
        if len(counts) == 3 and all(c["orders"] and c["tickets"] for c in counts.values()):
            break
        time.sleep(3)
    assert set(counts) == {"shopify", "amazon", "ebay"}, counts
    for platform, seen in counts.items():
        assert seen["orders"] > 0 and seen["tickets"] > 0, (platform, counts, stack["log"].read_text()[-3000:])


def test_sigterm_to_make_run_stops_every_process_within_ten_seconds_without_sigkill(stack):
    """The supervisor is honcho, make's direct child: SIGTERM to `make run` (what a process manager or
    `kill` sends) reaches it, it sends SIGTERM to web, worker and beat and waits for them. The worker's
    main process alone gets the signal and shuts its prefork pool down in order (a warm shutdown)."""
    wait_for_web(stack["url"], stack)
    assert wait_for_health(stack, lambda report: report.get("worker") == "ok", seconds=30).get("worker") == "ok"
    make = stack["process"]
    tree = stack["tree"] = process_tree(make.pid)
    pool = [pid for pid, proc in tree.items() if "celery" in proc.cmdline and "worker" in proc.cmdline]
    assert len(pool) >= 3, tree  # the worker's main process and its two pool processes

    os.kill(make.pid, signal.SIGTERM)  # make alone, not its process group
    deadline = time.monotonic() + 10
    alive = still_running(tree)
    while time.monotonic() < deadline:
        make.poll()
        alive = still_running(tree)
        if not alive and make.returncode is not None:
            break
        time.sleep(0.2)
    log = stack["log"].read_text()
    assert alive == {}, f"still running 10 s after SIGTERM: {alive}\n{log[-3000:]}"
    assert make.returncode is not None
    assert "SIGKILL" not in log, log[-3000:]
    assert "Warm shutdown" in log
    assert "exited with 'signal" not in log, log[-3000:]  # no pool process was killed under its main process
