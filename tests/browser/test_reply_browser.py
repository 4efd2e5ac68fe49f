"""Replying in real Chromium: `r` focuses the reply box, a macro fills it in the buyer's language,
"Send and set" queues the reply and moves the ticket; a gap in the data blocks sending."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import Macro, MacroVariant, Message, OutboxAction, Ticket
from tickets.models.tickets import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket(shopify_store):
    customer = factories.CustomerFactory(store=shopify_store, name="Jürgen Groß", language="de")
    order = factories.OrderFactory(
        store=shopify_store, customer=customer, number="#4711", carrier="DHL", tracking_number="JD01"
    )
    made = factories.TicketFactory(
        store=shopify_store, customer=customer, order=order, language="de", channel=Channel.EMAIL
    )
    factories.MessageFactory(ticket=made, body="<p>Wo ist mein Paket?</p>")
    macro = Macro.objects.create(name="Paket unterwegs", store=None)
    MacroVariant.objects.create(macro=macro, language="en", body="Hi {{customer.first_name}}, {{order.number}}")
    MacroVariant.objects.create(
        macro=macro,
        language="de",
        body="Hallo {{customer.first_name}}, {{order.number}} ist unterwegs: {{tracking.url}}",
    )
    gap = Macro.objects.create(name="Rücksendung", store=None)
    MacroVariant.objects.create(macro=gap, language="de", body="Ihre Rücksendung {{rma.number}}")
    return made


def pick_macro(page, search: str, name: str) -> None:
    page.locator("#macro-search").fill(search)
    page.locator(".macro-option", has_text=name).click()


def test_an_agent_replies_with_a_macro_in_the_buyers_language(page, agent, ticket):
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reply-body"
    pick_macro(page, "Paket", "Paket unterwegs")
    body = page.locator("#reply-body")
    expect(body).to_have_value(re.compile(r"^Hallo Jürgen, #4711"))
    assert "#4711 ist unterwegs: https://www.dhl.com/" in body.input_value()
    page.get_by_role("button", name="Send and set Waiting for customer").click()
    page.locator(".badge.send-queued").wait_for()
    ticket.refresh_from_db()
    assert ticket.status == "waiting_customer"
    reply = Message.objects.get(ticket=ticket, direction="outbound")
    assert reply.body.startswith("<p>Hallo Jürgen")
    assert OutboxAction.objects.filter(kind="send_reply", payload__message_id=reply.pk).count() == 1


def test_a_placeholder_without_data_blocks_sending_and_keeps_the_text(page, agent, ticket):
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/tickets/{ticket.number}/")
    pick_macro(page, "Rück", "Rücksendung")
    page.locator("#reply-box [role=alert]", has_text="rma.number").wait_for()
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#reply-box [role=alert]", has_text="{{rma.number}}").wait_for()
    assert page.locator("#reply-body").input_value() == "Ihre Rücksendung {{rma.number}}"
    assert not Message.objects.filter(ticket=ticket, direction="outbound").exists()


def test_the_reply_box_speaks_chinese(page, agent, ticket):
    log_in(page, agent.username, factories.PASSWORD)
    page.select_option("#lang-select", "zh-hans")
    page.locator("html[lang=zh-hans]").wait_for()
    page.goto(f"/tickets/{ticket.number}/")
    page.locator("#reply-body").fill("您好，包裹已发出。")
    page.get_by_role("button", name="发送", exact=True).click()
    page.locator(".badge.send-queued").wait_for()
    assert Ticket.objects.get(pk=ticket.pk).status == "open"
    assert page.get_by_text("回复已排队，稍后发出。").count() == 1
