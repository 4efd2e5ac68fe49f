"""Bulk actions in real Chromium: tick a row, shift-click a range, `x` on the keyboard row, apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_bulk_assigns_twenty_tickets_with_a_shift_click(page, agent, shopify_store):
    for i in range(22):
        factories.TicketFactory(store=shopify_store, subject=f"Parcel {i}")
    log_in(page, agent.username, factories.PASSWORD)
    page.goto("/inbox/?view=unassigned")
    boxes = page.locator("tr.ticket-row input[type=checkbox]")
    expect(boxes).to_have_count(22)
    apply = page.locator("[data-bulk-apply]")
    expect(apply).to_be_disabled()
    boxes.nth(0).click()
    boxes.nth(19).click(modifiers=["Shift"])
    expect(page.locator("[data-bulk-count]")).to_have_text("20")
    page.locator("[data-bulk-action]").select_option("assign:me")
    apply.click()
    page.locator(".toast", has_text="20 done").wait_for()
    assert Ticket.objects.filter(assignee=agent).count() == 20


def test_x_ticks_the_keyboard_row_and_a_tag_is_added(page, agent, shopify_store):
    made = [factories.TicketFactory(store=shopify_store, subject=f"Box {i}") for i in range(3)]
    log_in(page, agent.username, factories.PASSWORD)
    page.goto("/inbox/")
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("[data-bulk-count]")).to_have_text("2")
    page.locator("[data-bulk-action]").select_option("tag:")
    page.locator("[data-bulk-tag] input").fill("破损")
    page.locator("[data-bulk-apply]").click()
    page.locator(".toast", has_text="2 done").wait_for()
    tagged = Ticket.objects.filter(pk__in=[t.pk for t in made], tags__name="破损").count()
    assert tagged == 2
