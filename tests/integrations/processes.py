"""Real processes for the integration tests: a fresh PostgreSQL database and a Redis db per module,
Celery workers, beat and the web started in sessions of their own (logs to files), ``manage.py``
runs, and plain SQL reads of the fresh database from the test process (pytest-django's own test
database is a different one)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_make_run import drop_postgres_database, free_port, fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
QUEUES = "default,sync,outbox,triage"


@contextlib.contextmanager
def process_env(tmp_path: Path, redis_db: int, **extra: str) -> Iterator[dict]:
    """The environment the subprocesses run in: a fresh database, a Redis db of its own, plain HTTP."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        AFTERSALES_VAR_DIR=str(tmp_path / "var"),
        AFTERSALES_LOCAL_HTTP="1",
        PYTHONUNBUFFERED="1",
        REDIS_URL=re.sub(r"/\d*$", "", os.environ["REDIS_URL"]) + f"/{redis_db}",
        **extra,
    )
    env.pop("DJANGO_SECRET_KEY", None)
    env["DATABASE_URL"], name = fresh_postgres_database(os.environ["DATABASE_URL"])
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    try:
        yield env
    finally:
        drop_postgres_database(os.environ["DATABASE_URL"], name)
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()


class Processes:
    """Started in their own sessions, logged to files; stopped warmly by pid, or killed as a group."""

    def __init__(self, env: dict, logs: Path) -> None:
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen] = {}
        self._files: list = []

    def start(self, name: str, *argv: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("a")
        self._files.append(log)
        process = subprocess.Popen(
            [str(a) for a in argv],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = process
        return process

    def worker(self, name: str, *, concurrency: int = 2) -> subprocess.Popen:
        return self.start(
            name,
            BIN / "celery",
            "-A",
            "aftersales",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "--queues",
            QUEUES,
            "--hostname",
            f"{name}@%h",
        )

    def beat(self) -> subprocess.Popen:
        schedule = self.logs / "beat-schedule"
        return self.start("beat", BIN / "celery", "-A", "aftersales", "beat", "--loglevel", "INFO", "-s", schedule)

    def web(self) -> str:
        port = free_port()
        self.start("web", BIN / "python", "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}")
        return f"http://127.0.0.1:{port}"

    def kill(self, name: str) -> None:
        """SIGKILL the process's whole group: a worker's main process and its pool children at once."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)
        for log in self._files:
            log.close()

    def tails(self, chars: int = 2500) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-chars:]}" for p in sorted(self.logs.glob("*.log")))


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def shell_json(env: dict, code: str) -> Any:
    """Run ``code`` in ``manage.py shell``; it prints one JSON line last, which is returned."""
    out = manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


class Database:
    """Plain SQL on the subprocesses' database."""

    def __init__(self, url: str) -> None:
        import psycopg2

        self.connection = psycopg2.connect(url)
        self.connection.autocommit = True

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def value(self, sql: str, params: tuple | list = ()) -> Any:
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        self.connection.close()


def wait_until(check: Callable[[], Any], seconds: float, what: str, processes: Processes | None = None) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what``, with the logs."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"never happened within {seconds} s: {what}\n{processes.tails() if processes else ''}")
        time.sleep(0.3)
