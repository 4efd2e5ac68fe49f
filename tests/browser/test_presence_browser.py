"""Presence in real Chromium, two agents of one store on one ticket, each in their own browser
context: the second sees the first viewing, then typing, and is asked before a second reply."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Direction, Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quick_presence(settings):
    settings.PRESENCE_POLL_SECONDS = 1
    cache.clear()  # ticket and user ids repeat between tests; the cache outlives each one
    yield
    cache.clear()


def named(username: str, first: str, last: str, store):
    user = factories.user_with_role(username, factories.AGENT, stores=[store])
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_a_second_agent_sees_the_first_and_is_asked_before_a_second_reply(browser, live_server, page, shopify_store):
    li = named("liwei", "Li", "Wei", shopify_store)
    anna = named("anna", "Anna", "Berg", shopify_store)
    ticket = factories.TicketFactory(store=shopify_store, subject="Where is my parcel?", channel="portal")
    factories.MessageFactory(ticket=ticket, body="<p>Still nothing here.</p>")

    log_in(page, li.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")

    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    try:
        other = context.new_page()
        log_in(other, anna.username, factories.PASSWORD)
        other.goto(f"/tickets/{ticket.number}/")

        expect(other.locator("#presence")).to_contain_text("Li Wei is viewing")
        expect(page.locator("#presence")).to_contain_text("Anna Berg is viewing")

        page.locator("#reply-body").press_sequentially("It left our warehouse today.")
        expect(other.locator("#presence")).to_contain_text("Li Wei is typing…")

        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.locator(".toast")).to_contain_text("Reply posted")

        other.locator("#reply-body").fill("We will check with the courier.")
        other.get_by_role("button", name="Send", exact=True).click()
        expect(other.locator(".reply-warning")).to_contain_text(
            "Li Wei replied to the buyer after you opened this ticket"
        )
        expect(other.locator("#reply-body")).to_have_value("We will check with the courier.")
        assert Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).count() == 1

        other.get_by_role("button", name="Send", exact=True).click()
        expect(other.locator(".toast")).to_contain_text("Reply posted")
        assert Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).count() == 2
    finally:
        context.close()


def test_the_bell_and_my_settings_fit_a_phone(browser, live_server, shopify_store):
    li = named("liwei", "Li", "Wei", shopify_store)
    ticket = factories.TicketFactory(store=shopify_store, subject="A rather long subject line " * 4)
    from tickets.services.notifications import notify

    notify([li], "mentioned", ticket=ticket, detail="@liwei could you look at the zipper photos " * 5)
    context = browser.new_context(viewport={"width": 390, "height": 800}, base_url=live_server.url)
    try:
        phone = context.new_page()
        log_in(phone, li.username, factories.PASSWORD)
        expect(phone.locator("#bell-count")).to_have_text("1 unread")
        phone.locator(".bell > summary").click()
        expect(phone.locator(".bell-panel")).to_contain_text("Mentioned in a note")
        phone.screenshot(path="/tmp/team-bell-phone.png")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.goto("/me/settings/")
        phone.get_by_label("Time zone").fill("Mars/Olympus")
        phone.get_by_role("button", name="Save").click()
        expect(phone.locator("#time-zone-error")).to_contain_text("Mars/Olympus")
        phone.screenshot(path="/tmp/team-settings-phone.png", full_page=True)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
