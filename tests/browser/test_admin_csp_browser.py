"""The admin under its policy without 'unsafe-inline' scripts, in real Chromium: no page reports a
Content-Security-Policy violation, and the admin's scripts still run."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports each blocked script, style or handler as a console error naming the policy.
VIOLATION = "Content Security Policy"


def test_admin_pages_run_without_csp_violations(page, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    User.objects.create_superuser("root", "root@example.com", "root-password-123")
    violations: list[str] = []
    page.on("console", lambda message: VIOLATION in message.text and violations.append(message.text))

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("root-password-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    for url in (
        "/admin/tickets/ticket/",
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        f"/admin/tickets/store/{shopify_store.pk}/change/",
        "/admin/tickets/store/add/",
        "/admin/auth/user/add/",
    ):
        response = page.goto(url)
        page.wait_for_load_state("load")
        # The strict script policy is in force, so a silent page means nothing inline was needed.
        assert "script-src 'self';" in response.headers["content-security-policy"], url
    # The change list's select-all box is wired by the admin's actions.js: scripts from files run.
    page.goto("/admin/tickets/store/")
    page.locator("#action-toggle").check()
    assert page.locator("input.action-select").first.is_checked()
    assert violations == []
