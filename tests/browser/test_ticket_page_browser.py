"""The ticket page in real Chromium: j / k through a filtered list, fields edited in place with the
timeline line appearing without a reload, and a merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Message, Ticket
from tickets.states import TicketStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_j_and_k_move_through_a_filtered_list(page, agent, shopify_store):
    now = timezone.now()
    urgent = [
        factories.TicketFactory(
            store=shopify_store,
            priority="urgent",
            status=TicketStatus.OPEN,
            subject=f"Urgent {i}",
            last_activity_at=now - timedelta(minutes=i),
        )
        for i in range(3)
    ]
    factories.TicketFactory(store=shopify_store, priority="low", status=TicketStatus.OPEN, last_activity_at=now)
    log_in(page, agent.username, factories.PASSWORD)
    page.goto("/inbox/?view=unsolved&sort=activity&priority=urgent")
    page.get_by_role("link", name="Urgent 0").click()
    expect(page.locator("#ticket-subject")).to_contain_text("Urgent 0")
    page.keyboard.press("j")
    expect(page.locator("#ticket-subject")).to_contain_text("Urgent 1")
    page.keyboard.press("]")
    expect(page.locator("#ticket-subject")).to_contain_text("Urgent 2")
    expect(page.get_by_text("last in the list")).to_be_visible()
    page.keyboard.press("k")
    expect(page.locator("#ticket-subject")).to_contain_text("Urgent 1")
    assert urgent[1].number and f"/tickets/{urgent[1].number}/" in page.url


def test_priority_and_a_tag_change_in_place_with_their_timeline_lines(page, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN)
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    page.evaluate("window.__same_page = true")
    page.get_by_label("Priority").select_option("urgent")
    expect(page.locator("#ticket-thread .timeline", has_text="Priority: Normal → Urgent")).to_be_visible()
    page.get_by_label("Add tags").fill("fragile")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#ticket-thread .timeline", has_text="Tagged fragile")).to_be_visible()
    expect(page.locator("#ticket-header .tag", has_text="fragile")).to_be_visible()
    assert page.evaluate("window.__same_page") is True  # no reload happened
    ticket.refresh_from_db()
    assert ticket.priority == "urgent" and list(ticket.tags.values_list("name", flat=True)) == ["fragile"]


def test_an_agent_merges_a_duplicate_into_the_first_ticket(page, agent, shopify_store):
    first = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN)
    duplicate = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.OPEN, customer=first.customer, order=first.order
    )
    factories.MessageFactory(ticket=duplicate, body="<p>Me again about the parcel</p>")
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{duplicate.number}/")
    page.get_by_label("Merge this ticket into #").fill(str(first.number))
    page.get_by_role("button", name="Merge", exact=True).click()
    page.wait_for_url(f"**/tickets/{first.number}/")
    expect(page.locator("#ticket-thread")).to_contain_text("Me again about the parcel")
    expect(
        page.locator("#ticket-thread .timeline", has_text=f"#{duplicate.number} merged into this ticket")
    ).to_be_visible()
    assert Ticket.objects.get(pk=duplicate.pk).status == TicketStatus.CLOSED
    assert Message.objects.filter(ticket=first).count() == 1
