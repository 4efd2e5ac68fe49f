"""An exchange in real Chromium: after a QC pass the agent sends a free replacement for the return,
sees it queued in the returns panel, and the phone layout keeps it without sideways scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Order, OutboxAction
from tickets.services.rma import create_rma, record_arrival, record_inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_exchanges_a_returned_item_after_qc(page, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, subject="Wrong size")
    shirt = factories.OrderLineFactory(order=ticket.order, title="Linen shirt", quantity=2)
    factories.OrderLineFactory(order=ticket.order, title="Socks", quantity=1)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent, return_address="Dock 1"), actor=agent)
    record_inspection(rma, actor=agent, passed=True, restock=True)
    log_in(page, agent.username, factories.PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/tickets/{ticket.number}/")
    expect(page.locator(".returns .restocked")).to_contain_text("Linen shirt")
    page.get_by_text("Exchange or reship").click()
    expect(page.get_by_label("Exchange", exact=True)).to_be_checked()  # a live return: exchange is the default
    page.locator(f"input[name=qty-{shirt.pk}]").fill("1")
    page.get_by_label("Note (size, colour, address change)").fill("Size L instead of M")
    page.get_by_role("button", name="Create replacement order").click()
    page.locator(".toast", has_text="Replacement order").wait_for()
    replacement = Order.objects.get(replacement_ticket=ticket)
    assert list(replacement.lines.values_list("replaces_id", "quantity")) == [(shirt.pk, 1)]
    assert OutboxAction.objects.filter(kind="create_replacement", payload__order_id=replacement.pk).exists()
    expect(page.locator(".returns li.replacement")).to_contain_text(replacement.number)
    expect(page.locator(".returns li.replacement")).to_contain_text("Queued for the platform")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
