"""Content-Security-Policy per area: the desk and the admin run no inline script; only the API docs
(Swagger UI) keep the inline script they are built with."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    raise AssertionError(f"{name} missing from {policy!r}")


@pytest.fixture
def root(client, shopify_store):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    return client


@pytest.fixture
def admin_urls(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    return [
        reverse("admin:index"),
        reverse("admin:tickets_ticket_changelist"),
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        reverse("admin:tickets_store_change", args=[shopify_store.pk]),
        reverse("admin:tickets_store_add"),
        reverse("admin:auth_user_add"),
        reverse("admin:tickets_store_delete", args=[shopify_store.pk]),
    ]


def test_admin_pages_allow_no_inline_script(root, admin_urls):
    for url in admin_urls:
        response = root.get(url)
        assert response.status_code == 200, url
        scripts = directive(response["Content-Security-Policy"], "script-src")
        assert scripts == ["'self'"], url


def test_admin_pages_need_no_inline_script(root, admin_urls):
    # The policy above would break any admin page that had one: none has.
    for url in admin_urls:
        content = root.get(url).content.decode()
        assert "<script" in content, url  # the admin's own scripts load, from files
        assert INLINE_SCRIPT.findall(content) == [], url
        assert EVENT_HANDLER.findall(content) == [], url


def test_the_api_docs_keep_the_inline_script_swagger_ui_is_built_with(root):
    response = root.get(reverse("api:docs"))
    assert response.status_code == 200
    assert INLINE_SCRIPT.search(response.content.decode())
    assert "'unsafe-inline'" in directive(response["Content-Security-Policy"], "script-src")


def test_the_desk_allows_neither_inline_script_nor_inline_style(root):
    policy = root.get(reverse("inbox"))["Content-Security-Policy"]
    assert directive(policy, "script-src") == ["'self'"] and directive(policy, "style-src") == ["'self'"]
