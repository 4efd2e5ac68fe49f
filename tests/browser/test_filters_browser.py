"""The inbox's "More filters" in real Chromium: a filter applied with its button lands in the URL,
and the open panel fits a 390 px phone without sideways scrolling."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import CustomerTier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_more_filters_apply_a_tier_and_keep_it_in_the_url(page, agent, shopify_store):
    vip = factories.TicketFactory(store=shopify_store, subject="VIP parcel", customer__tier=CustomerTier.VIP)
    factories.TicketFactory(store=shopify_store, subject="Regular parcel")
    log_in(page, agent.username, factories.PASSWORD)
    page.goto("/inbox/?view=all")
    page.get_by_text("More filters").click()
    page.get_by_label("Buyer tier").select_option("vip")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**tier=vip**")
    rows = page.locator("tr.ticket-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-number") == str(vip.number)


def test_open_more_filters_fit_a_phone(page, agent, shopify_store):
    factories.TicketFactory(store=shopify_store)
    log_in(page, agent.username, factories.PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/inbox/?view=all&sku=TEE-RED-M")
    assert page.locator("details.more-filters").get_attribute("open") is not None
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
