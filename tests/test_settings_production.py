"""The settings' switches, read in a fresh interpreter per case: DEBUG off unless asked, plain local
HTTP as a switch of its own, no secret on the debug page, no folders created at import."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Everything the settings read: a case starts from none of them, so the runner's own can't leak in.
OURS = ("DJANGO_", "AFTERSALES_", "DATABASE_", "REDIS_URL")
KEY = secrets.token_urlsafe(50)
DB_PASSWORD = "s3cretpw-db"
REDIS_PASSWORD = "s3cretpw-redis"


def run_python(code: str, extra_env: dict[str, str], *, var_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    if var_dir is not None:
        env["AFTERSALES_VAR_DIR"] = str(var_dir)
    env.update(extra_env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


SHOW = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "LOCAL_HTTP", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "BEHIND_TLS_PROXY", "TLS_PROXY_COUNT", "AXES_CLIENT_IP_CALLABLE")}))
"""


def settings_with(extra_env: dict[str, str], tmp_path: Path) -> dict:
    result = run_python(SHOW, extra_env, var_dir=tmp_path / "var")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_is_off_when_nothing_asks_for_it(tmp_path):
    shown = settings_with({"DJANGO_SECRET_KEY": KEY, "DJANGO_ALLOWED_HOSTS": "desk.example.com"}, tmp_path)
    assert shown["DEBUG"] is False
    assert shown["LOCAL_HTTP"] is False


def test_production_switches_turn_on_https_redirect_secure_cookies_and_hsts(tmp_path):
    shown = settings_with({"DJANGO_SECRET_KEY": KEY, "DJANGO_ALLOWED_HOSTS": "desk.example.com"}, tmp_path)
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 31_536_000 and shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["ALLOWED_HOSTS"] == ["desk.example.com"]


def test_local_http_serves_plain_http_with_debug_off_and_needs_no_secret_key(tmp_path):
    shown = settings_with({"AFTERSALES_LOCAL_HTTP": "1"}, tmp_path)
    assert shown["DEBUG"] is False
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SESSION_COOKIE_SECURE"] is False and shown["CSRF_COOKIE_SECURE"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0 and shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert shown["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]", "testserver"]


def test_csrf_cookie_is_http_only(tmp_path):
    assert settings_with({"AFTERSALES_LOCAL_HTTP": "1"}, tmp_path)["CSRF_COOKIE_HTTPONLY"] is True


def test_the_proxy_switch_reaches_the_address_django_axes_locks_out(tmp_path):
    shown = settings_with(
        {"AFTERSALES_LOCAL_HTTP": "1", "DJANGO_BEHIND_TLS_PROXY": "1", "DJANGO_TLS_PROXY_COUNT": "2"}, tmp_path
    )
    assert shown["BEHIND_TLS_PROXY"] is True and shown["TLS_PROXY_COUNT"] == 2
    assert shown["AXES_CLIENT_IP_CALLABLE"] == "aftersales.security.client_ip_address"
    assert settings_with({"AFTERSALES_LOCAL_HTTP": "1"}, tmp_path)["BEHIND_TLS_PROXY"] is False


def test_without_local_http_a_missing_secret_key_says_how_to_run_locally(tmp_path):
    result = run_python("import django; django.setup()", {}, var_dir=tmp_path / "var")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "AFTERSALES_LOCAL_HTTP=1" in result.stderr


DEBUG_PAGE = """
import os, sys, django
django.setup()
from django.test import RequestFactory
from django.views.debug import technical_500_response
request = RequestFactory().get("/boom")
# runserver hands the whole process environment to the request as META: the page shows it.
request.META.update(os.environ)
try:
    raise RuntimeError("boom")
except RuntimeError:
    response = technical_500_response(request, *sys.exc_info())
sys.stdout.write(response.content.decode())
"""


def test_debug_page_never_shows_the_database_or_redis_password(tmp_path):
    result = run_python(
        DEBUG_PAGE,
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"postgres://u:{DB_PASSWORD}@db.internal:5432/aftersales",
            "REDIS_URL": f"redis://:{REDIS_PASSWORD}@redis.internal:6379/0",
        },
        var_dir=tmp_path / "var",
    )
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert "RuntimeError" in page and "CELERY_BROKER_URL" in page  # the settings table was rendered
    assert DB_PASSWORD not in page
    assert REDIS_PASSWORD not in page


def test_settings_import_creates_no_folders(tmp_path):
    var_dir = tmp_path / "var"
    result = run_python("import aftersales.settings", {"AFTERSALES_LOCAL_HTTP": "1"}, var_dir=var_dir)
    assert result.returncode == 0, result.stderr
    assert not var_dir.exists()


def test_the_embedded_broker_folders_are_made_when_django_starts(tmp_path):
    var_dir = tmp_path / "var"
    result = run_python("import django; django.setup()", {"AFTERSALES_LOCAL_HTTP": "1"}, var_dir=var_dir)
    assert result.returncode == 0, result.stderr
    assert (var_dir / "broker" / "queue").is_dir() and (var_dir / "broker" / "control").is_dir()


def test_with_postgres_and_redis_no_embedded_folders_are_made(tmp_path):
    var_dir = tmp_path / "var"
    result = run_python(
        "import django; django.setup()",
        {
            "AFTERSALES_LOCAL_HTTP": "1",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        },
        var_dir=var_dir,
    )
    assert result.returncode == 0, result.stderr
    assert not (var_dir / "broker").exists()
    assert not (var_dir / "aftersales.sqlite3").exists()


def test_make_run_sets_local_http_and_leaves_debug_off():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run\b[^:\n]*: export AFTERSALES_LOCAL_HTTP = 1$", makefile, re.M)
    assert "DJANGO_DEBUG" not in makefile
