"""What an agent clicks and types, in real Chromium: log in, move with the keyboard, open a
ticket, change its status in place, switch the interface to Chinese."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tickets(shopify_store, ebay_store):
    mine = [factories.TicketFactory(store=shopify_store, subject=f"Parcel {i} missing") for i in range(3)]
    factories.TicketFactory(store=ebay_store, subject="Other store ticket")
    return mine


def test_agent_logs_in_and_sees_only_their_stores_tickets(page, agent, tickets):
    log_in(page, agent.username, factories.PASSWORD)
    rows = page.locator("tr.ticket-row")
    assert rows.count() == 3
    assert page.get_by_text("Other store ticket").count() == 0


def test_keyboard_opens_a_ticket_and_htmx_changes_its_status(page, agent, tickets):
    log_in(page, agent.username, factories.PASSWORD)
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tickets/**")
    number = int(urlparse(page.url).path.rstrip("/").split("/")[-1])  # the link carries the list
    page.get_by_label("Set status").select_option("open")
    page.get_by_role("button", name="Apply").click()
    page.locator("#ticket-header .status-open").wait_for()
    page.locator(".toast").first.wait_for()
    assert Ticket.objects.get(number=number).status == "open"


def test_agent_cannot_close_a_resolved_ticket_in_the_ui(page, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, status="open")
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    page.keyboard.press("e")  # resolve
    page.locator("#ticket-header .status-resolved").wait_for()
    options = page.locator("#status-select option").all_inner_texts()
    assert "Closed" not in options
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"


def test_switching_to_chinese_translates_the_interface(page, agent, tickets):
    log_in(page, agent.username, factories.PASSWORD)
    page.select_option("#lang-select", "zh-hans")
    page.wait_for_load_state("load")
    page.locator("html[lang=zh-hans]").wait_for()
    assert page.get_by_role("button", name="退出登录").count() == 1


def test_pages_run_under_a_strict_content_security_policy(page, agent, tickets):
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    log_in(page, agent.username, factories.PASSWORD)
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tickets/**")
    page.get_by_role("button", name="Assign to me").click()
    page.locator("#ticket-header .toast, .toast").first.wait_for()
    assert violations == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_phone_width_pages_do_not_scroll_sideways(page, supervisor, shopify_store, language):
    from tickets.services.tickets import receive_message

    closed = factories.TicketFactory(
        store=shopify_store, status="closed", resolved_at=timezone.now(), closed_at=timezone.now()
    )
    follow_up = receive_message(closed, body_html="<p>Ersatzlampe kaputt</p>", platform_message_id="p-1")[0].ticket
    # A long name and the admin link make the top bar as wide as it gets.
    type(supervisor).objects.filter(pk=supervisor.pk).update(
        first_name="Maximilian", last_name="Schwarzenberger-Löwenstein", is_staff=True
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, supervisor.username, factories.PASSWORD)
    if language != "en":
        page.select_option("#lang-select", language)
        page.locator(f"html[lang={language}]").wait_for()
    for path in ("/inbox/", f"/tickets/{follow_up.number}/", f"/tickets/{closed.number}/", "/tickets/999999/"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    assert page.locator("#global-search").is_visible()


def test_a_new_ticket_appears_in_an_open_inbox_without_a_reload(page, agent, shopify_store, settings):
    settings.INBOX_POLL_SECONDS = 1
    factories.TicketFactory(store=shopify_store, subject="Already there")
    log_in(page, agent.username, factories.PASSWORD)
    boxes = page.locator("tr.ticket-row input[type=checkbox]")
    boxes.first.check()
    page.evaluate("window.__sameDocument = true")
    # The page is live once a first poll has come back; then the next one must bring the ticket.
    with page.expect_response(lambda response: "/inbox/changes/" in response.url, timeout=20_000):
        pass
    factories.TicketFactory(store=shopify_store, subject="Arrived while looking")
    page.get_by_text("Arrived while looking").wait_for(timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert page.locator("tr.ticket-row").first.get_by_text("Arrived while looking").count() == 1
    assert page.locator("tr.ticket-row", has_text="Already there").locator("input[type=checkbox]").is_checked()
