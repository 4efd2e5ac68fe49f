"""An admin connects a store in real Chromium: fills the form, saves, presses "Test connection"
and sees the result line change in place; the page fits at 1440 px and at 390 px."""

from __future__ import annotations

import socket

import pytest

from integrations.models import StoreConnection
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sandbox():
    """The in-process sandbox with a Shopify tenant, or None while its Shopify module is missing."""
    try:
        from integrations.sandbox.core import World
        from integrations.sandbox.server import Sandbox

        world = World()
        world.tenant("shopify", "acme")
        credentials = world.modules["shopify"].credentials("acme")
    except (ImportError, KeyError):
        return None, None
    return Sandbox(world).start(), credentials


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture
def admin(db):
    store = factories.StoreFactory(platform="shopify", name="Übergrößenträger Outdoor 户外用品旗舰店", currency="EUR")
    return factories.user_with_role("store_admin", factories.ADMIN, stores=[store]), store


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_connects_a_store_and_tests_it_in_place(page, admin):
    user, store = admin
    sandbox, credentials = _sandbox()
    try:
        if sandbox is not None:
            base_url, token = f"{sandbox.base_url}/shopify/acme", credentials["access_token"]
        else:
            base_url, token = f"http://127.0.0.1:{_closed_port()}/shopify/acme", "shpat_nothing_listens"
        log_in(page, user.username, factories.PASSWORD)
        page.get_by_role("link", name="Stores").click()
        page.get_by_role("link", name=store.name).click()
        page.get_by_label("Shop domain").fill("acme.myshopify.com")
        page.get_by_label("Admin API access token").fill(token)
        page.get_by_label("API base URL").fill(base_url)
        page.get_by_label("Sync interval (seconds)").fill("120")
        page.get_by_label("Sync interval (seconds)").press("Enter")  # Enter submits the form
        page.locator(".toast").first.wait_for()
        connection = StoreConnection.objects.get(store=store)
        assert connection.credentials["access_token"] == token
        assert token not in page.content()
        assert _fits(page)

        page.evaluate("window.__notReloaded = true")
        page.get_by_role("button", name="Test connection").click()
        expected = "Connection works" if sandbox is not None else "Connection failed"
        page.locator("#test-result", has_text=expected).wait_for(timeout=30_000)
        assert page.evaluate("window.__notReloaded === true")
        assert "Traceback" not in page.locator("#test-result").inner_text()
        connection.refresh_from_db()
        assert connection.last_test_ok is (sandbox is not None)

        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert _fits(page)
        page.goto("/settings/stores/")
        assert _fits(page)
    finally:
        if sandbox is not None:
            sandbox.stop()


def test_agent_cannot_open_the_store_settings(page, db):
    store = factories.StoreFactory(platform="shopify", name="Acme", currency="USD")
    agent = factories.user_with_role("plain_agent", factories.AGENT, stores=[store])
    log_in(page, agent.username, factories.PASSWORD)
    assert page.get_by_role("link", name="Stores").count() == 0
    response = page.goto(f"/settings/stores/{store.pk}/connection/")
    assert response.status == 404
