"""Every task of ours has a hard and a soft time limit below the broker's visibility timeout, so a
slow task is killed before Redis hands the same message to a second worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from aftersales.celery import app

ROOT = Path(__file__).resolve().parent.parent

# Run where the worker runs: the app as the worker loads it, with every task module imported.
LIMITS_SCRIPT = """
import json
from aftersales.celery import app
app.loader.import_default_modules()  # the worker's autodiscovery
tasks = {
    name: [task.time_limit, task.soft_time_limit]
    for name, task in app.tasks.items()
    if name.startswith(("tickets.", "integrations."))
}
print(json.dumps({
    "broker": app.conf.broker_url.split(":")[0],
    "visibility_timeout": app.conf.broker_transport_options.get("visibility_timeout"),
    "worker_defaults": [app.conf.task_time_limit, app.conf.task_soft_time_limit],
    "tasks": tasks,
}))
"""


def limits_under(env_overrides: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", LIMITS_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_limited(tasks: dict[str, list], ceiling: int) -> None:
    assert {"tickets.close_silent_resolved_tickets", "integrations.canary"} <= set(tasks)
    for name, (hard, soft) in tasks.items():
        assert hard, f"{name} has no time_limit"
        assert soft, f"{name} has no soft_time_limit"
        assert soft < hard < ceiling, f"{name}: soft {soft}, hard {hard}, ceiling {ceiling}"


def test_every_task_in_this_process_has_limits_below_the_visibility_timeout():
    app.loader.import_default_modules()
    tasks = {
        name: [task.time_limit, task.soft_time_limit]
        for name, task in app.tasks.items()
        if name.startswith(("tickets.", "integrations."))
    }
    assert_limited(tasks, settings.BROKER_VISIBILITY_TIMEOUT)


def test_on_redis_every_task_ends_before_its_message_is_redelivered():
    # REDIS_URL only selects the transport here: nothing connects to it.
    report = limits_under({"REDIS_URL": "redis://127.0.0.1:6379/5"})
    assert report["broker"] == "redis"
    visibility = report["visibility_timeout"]
    assert visibility, "the Redis transport must have a visibility timeout"
    hard, soft = report["worker_defaults"]
    assert soft < hard < visibility
    assert_limited(report["tasks"], visibility)


def test_a_shorter_visibility_timeout_moves_the_default_limits_below_it():
    report = limits_under({"REDIS_URL": "redis://127.0.0.1:6379/5", "AFTERSALES_BROKER_VISIBILITY_TIMEOUT": "300"})
    assert report["visibility_timeout"] == 300
    assert_limited(report["tasks"], 300)


def test_on_the_filesystem_broker_tasks_are_limited_too(tmp_path):
    report = limits_under({"AFTERSALES_VAR_DIR": str(tmp_path), "REDIS_URL": ""})
    assert report["broker"] == "filesystem"
    assert report["visibility_timeout"] is None  # no redelivery on this transport, limits still hold
    assert_limited(report["tasks"], settings.BROKER_VISIBILITY_TIMEOUT)
