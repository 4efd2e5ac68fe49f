"""`check --deploy` (figure F18): clean with the production switches on PostgreSQL + Redis, failing
with a clear message on SQLite, the filesystem broker, plain local HTTP or debug; no start without a key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("DJANGO_", "AFTERSALES_", "DATABASE_", "REDIS_URL")
POSTGRES = "postgres://postgres@127.0.0.1:5432/aftersales_settings"
REDIS = "redis://127.0.0.1:6379/4"
# `check` connects to neither: a closed port must give the same clean answer.
UNREACHABLE = {"DATABASE_URL": "postgres://u:p@127.0.0.1:1/nowhere", "REDIS_URL": "redis://127.0.0.1:1/0"}


def production(**extra: str) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "desk.example.com",
        "DATABASE_URL": POSTGRES,
        "REDIS_URL": REDIS,
        "AFTERSALES_CREDENTIAL_KEYS": "Hn4Jq2mX0yq3u7mY8gYp4B6d8hQmJ9pVq1yXo8r1c2Y=",
        **extra,
    }


def run_check(extra_env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env.update(DJANGO_SETTINGS_MODULE="aftersales.settings", AFTERSALES_VAR_DIR=str(tmp_path / "var"), **extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("services", [{}, UNREACHABLE], ids=["local-services", "unreachable-services"])
def test_check_deploy_is_clean_with_the_production_switches_on_postgres_and_redis(tmp_path, services):
    result = run_check(production(**services), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_sqlite_fails_check_deploy_and_says_why(tmp_path):
    env = production()
    del env["DATABASE_URL"]
    result = run_check(env, tmp_path)
    assert result.returncode != 0
    assert "aftersales.E002" in result.stderr
    assert "select_for_update" in result.stderr and "DATABASE_URL=postgres://" in result.stderr


def test_the_filesystem_broker_fails_check_deploy_and_says_why(tmp_path):
    env = production()
    del env["REDIS_URL"]
    result = run_check(env, tmp_path)
    assert result.returncode != 0
    assert "aftersales.E003" in result.stderr
    assert "redelivery" in result.stderr and "REDIS_URL" in result.stderr


def test_local_http_fails_check_deploy(tmp_path):
    result = run_check(production(AFTERSALES_LOCAL_HTTP="1"), tmp_path)
    assert result.returncode != 0
    assert "aftersales.E001" in result.stderr and "AFTERSALES_LOCAL_HTTP" in result.stderr


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env.update(DJANGO_SETTINGS_MODULE="aftersales.settings", AFTERSALES_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


@pytest.mark.parametrize("entry", ["aftersales.wsgi", "aftersales.celery"])
def test_production_without_a_secret_key_refuses_to_start(tmp_path, entry):
    env = production()
    del env["DJANGO_SECRET_KEY"]
    script = f"import django, {entry}; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean_env(tmp_path, **env), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_without_a_secret_key_fails_as_local_http(tmp_path):
    env = production()
    del env["DJANGO_SECRET_KEY"]
    result = run_check(env, tmp_path)
    assert result.returncode != 0
    assert "aftersales.E001" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_manage_py_commands_run_on_a_fresh_clone_with_nothing_set(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_debug_settings_are_flagged_by_check_deploy(tmp_path):
    result = run_check(production(DJANGO_DEBUG="1"), tmp_path)
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_debug_fails_check_deploy_even_with_local_http_off(tmp_path):
    # `--fail-level ERROR`: Django's own security.W018 is only a warning and would let it pass.
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env.update(production(DJANGO_DEBUG="1", AFTERSALES_LOCAL_HTTP="0"), AFTERSALES_VAR_DIR=str(tmp_path / "var"))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "aftersales.E004" in result.stderr


def test_production_without_credential_keys_fails_check_deploy_and_says_why(tmp_path):
    env = production()
    del env["AFTERSALES_CREDENTIAL_KEYS"]
    result = run_check(env, tmp_path)
    assert result.returncode != 0
    assert "aftersales.E005" in result.stderr
    assert "AFTERSALES_CREDENTIAL_KEYS" in result.stderr
