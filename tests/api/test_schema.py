"""The OpenAPI schema validates without warnings; the docs page serves its assets locally."""

from __future__ import annotations

import re

from django.core.management import call_command


def test_schema_endpoint_returns_openapi(anon, db):
    response = anon.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/tickets/", "/api/tickets/{number}/", "/api/auth/token/"} <= set(schema["paths"])


def test_schema_describes_money_as_strings(anon, db):
    money = anon.get("/api/schema/?format=json").json()["components"]["schemas"]["Money"]
    assert money["properties"]["amount"]["type"] == "string"
    assert money["properties"]["currency"]["type"] == "string"


def test_spectacular_validate_passes_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/refunds/" in target.read_text()


def test_docs_page_uses_local_static_assets(anon, db):
    response = anon.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "cdn" not in html.lower()
