"""A return in real Chromium: create it for one line of the order, mark the parcel arrived, pass QC."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import ReturnAuthorization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_creates_a_return_for_one_line_and_records_qc(page, agent, shopify_store):
    shopify_store.return_address = "Acme Returns\n1 Dock Rd\nReno NV"
    shopify_store.save()
    ticket = factories.TicketFactory(store=shopify_store, subject="Wrong size")
    shirt = factories.OrderLineFactory(order=ticket.order, title="Linen shirt", quantity=2)
    factories.OrderLineFactory(order=ticket.order, title="Socks", quantity=1)
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    page.get_by_text("Create a return").click()
    page.locator(f"input[name=qty-{shirt.pk}]").fill("1")
    page.get_by_role("button", name="Create return").click()
    page.locator(".toast", has_text="created").wait_for()
    rma = ReturnAuthorization.objects.get(ticket=ticket)
    assert list(rma.lines.values_list("order_line_id", "quantity")) == [(shirt.pk, 1)]
    page.get_by_role("button", name="Parcel arrived").click()
    page.get_by_label("Pass").check()
    page.get_by_label("Back to stock").check()
    page.get_by_role("button", name="Record QC").click()
    page.locator(".qc-pass").wait_for()
    rma.refresh_from_db()
    assert (rma.status, rma.qc_result, rma.restock) == ("inspected", "pass", True)
