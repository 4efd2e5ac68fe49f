"""docker-compose.yml keeps its promises: one worker per queue group, each queue consumed exactly once,
and .env.example names every variable the compose file reads."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from aftersales import celery

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
# DESIGN.md §6 names these; the Celery app may name more (its QUEUES), which must be consumed too.
DESIGN_QUEUES = {"default", "sync", "triage", "outbox", "reports"}


def services() -> dict[str, dict]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else list(command)


def worker_queues() -> dict[str, list[str]]:
    """Each Celery worker service and the queues it consumes (from --queues/-Q)."""
    found = {}
    for name, service in services().items():
        words = command_words(service)
        if "celery" in words and "worker" in words:
            flag = next(i for i, word in enumerate(words) if word in {"--queues", "-Q"})
            found[name] = words[flag + 1].split(",")
    return found


def test_sync_outbox_and_the_rest_run_in_separate_workers():
    queues = worker_queues()
    groups = sorted(sorted(group) for group in queues.values())
    assert groups == [["default", "reports", "triage"], ["outbox"], ["sync"]], queues


def test_every_queue_is_consumed_by_exactly_one_worker():
    consumed = Counter(queue for group in worker_queues().values() for queue in group)
    expected = DESIGN_QUEUES | set(getattr(celery, "QUEUES", ()))
    assert set(consumed) == expected
    assert all(count == 1 for count in consumed.values()), consumed


def test_every_worker_gets_the_app_settings_and_time_for_a_warm_shutdown():
    all_services = services()
    for name in worker_queues():
        assert all_services[name]["env_file"] == ".env", name
        assert all_services[name]["environment"]["REDIS_URL"].startswith("redis://"), name
        assert all_services[name]["stop_grace_period"], name


def variables_the_compose_file_reads() -> set[str]:
    text = COMPOSE.read_text()
    interpolated = set(re.findall(r"\$\{(\w+)", text))
    read_in_commands = set(re.findall(r"os\.environ\[\\?['\"](\w+)", text))
    return interpolated | read_in_commands


def variables_in_env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def test_env_example_names_every_variable_the_compose_file_reads():
    read = variables_the_compose_file_reads()
    assert read >= {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "POSTGRES_PASSWORD"}  # the parser finds them
    assert read - set(variables_in_env_example()) == set()


def test_every_variable_in_env_example_is_explained_by_a_comment():
    lines = ENV_EXAMPLE.read_text().splitlines()
    for index, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            assert index > 0 and lines[index - 1].startswith("#"), line
