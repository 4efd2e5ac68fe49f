"""An agent's working day in real Chromium, in English and in Chinese, end to end: sort "SLA at
risk", filter to unassigned returns, open the ticket, reply with a macro in the buyer's language,
create a return for one line, upload a photo, record QC pass; a second agent sees the first on the
ticket; twenty tickets assigned at once; a new ticket appears in the open inbox without a reload;
the phone layout has no sideways scroll. Locators use the page's structure, never English words,
so one test serves both languages; what the user reads is checked in each language."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests import factories
from tickets.models import Attachment, Macro, MacroVariant, Message, OutboxAction, ReturnAuthorization, Ticket
from tickets.models.tickets import Channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each language's user reads at the steps the test checks.
WORDS = {
    "en": {"locale": "en-US", "viewing": "is viewing", "done": "20 done", "html": "en"},
    "zh-hans": {"locale": "zh-CN", "viewing": "正在查看", "done": "20 个已完成", "html": "zh-hans"},
}


@pytest.fixture(autouse=True)
def quick_polls(settings, tmp_path):
    settings.PRESENCE_POLL_SECONDS = 1
    settings.INBOX_POLL_SECONDS = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(out, format="PNG")
    return out.getvalue()


def named(username: str, first: str, last: str, store):
    user = factories.user_with_role(username, factories.AGENT, stores=[store])
    user.first_name, user.last_name = first, last
    user.save()
    return user


def sign_in(browser, live_server, user, words, width: int = 1440):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale=words["locale"]
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", words["html"])
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/inbox/**")
    return context, page


def no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def desk(shopify_store):
    shopify_store.return_address = "Acme Returns\n1 Dock Rd\nReno NV"
    shopify_store.save()
    buyer = factories.CustomerFactory(store=shopify_store, name="Jürgen Groß", language="de")
    order = factories.OrderFactory(
        store=shopify_store, customer=buyer, number="#4711", carrier="DHL", tracking_number="JD014600003"
    )
    coat = factories.OrderLineFactory(order=order, title="Wollmantel", quantity=2)
    factories.OrderLineFactory(order=order, title="Schal", quantity=1)
    urgent = factories.TicketFactory(
        store=shopify_store,
        customer=buyer,
        order=order,
        subject="Mantel zu groß – Rücksendung",
        type="return",
        language="de",
        channel=Channel.EMAIL,
        sla_due_at=timezone.now() + timedelta(minutes=40),
    )
    factories.MessageFactory(ticket=urgent, body="<p>Der Mantel ist zu groß, ich möchte ihn zurückschicken.</p>")
    # An unassigned inquiry that is not a return, and a return that is already someone's.
    factories.TicketFactory(store=shopify_store, subject="Wo ist mein Paket?", type="inquiry")
    macro = Macro.objects.create(name="Rücksendung bestätigt", store=None)
    MacroVariant.objects.create(
        macro=macro, language="en", body="Hi {{customer.first_name}}, return for {{order.number}}"
    )
    MacroVariant.objects.create(
        macro=macro,
        language="de",
        body="Hallo {{customer.first_name}}, Ihre Rücksendung zu {{order.number}} ist notiert.",
    )
    return {"ticket": urgent, "line": coat}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_agents_day_from_sla_at_risk_to_qc_pass(browser, live_server, shopify_store, desk, language):
    words = WORDS[language]
    li = named("liwei", "Li", "Wei", shopify_store)
    anna = named("anna", "Anna", "Berg", shopify_store)
    ticket, line = desk["ticket"], desk["line"]
    context, page = sign_in(browser, live_server, li, words)
    try:
        # "SLA at risk": the urgent return is listed, the list sorted by SLA due.
        page.locator("nav.views a[href*='view=sla_risk']").click()
        page.wait_for_url(re.compile(r"view=sla_risk"))
        expect(page.locator("select[name=sort]")).to_have_value("sla")
        expect(page.locator(f"#t-{ticket.number}")).to_be_visible()

        # Unassigned returns: the filter narrows the list to the return.
        page.goto("/inbox/?view=unassigned")
        page.locator("select[name=type]").select_option("return")
        page.wait_for_url(re.compile(r"type=return"))
        expect(page.locator("tr.ticket-row")).to_have_count(1)
        page.locator(f"#t-{ticket.number} a.subject").click()
        page.wait_for_url(re.compile(rf"/tickets/{ticket.number}/"))

        # A second agent opens the same ticket and sees the first one there.
        other_context, other = sign_in(browser, live_server, anna, words)
        try:
            other.goto(f"/tickets/{ticket.number}/")
            expect(other.locator("#presence")).to_contain_text("Li Wei")
            expect(other.locator("#presence")).to_contain_text(words["viewing"])
        finally:
            other_context.close()

        # Reply with a macro: the German variant, placeholders filled from the order.
        page.keyboard.press("r")
        page.locator("#macro-search").fill("Rück")
        page.locator(".macro-option", has_text="Rücksendung bestätigt").click()
        body = page.locator("#reply-body")
        expect(body).to_have_value("Hallo Jürgen, Ihre Rücksendung zu #4711 ist notiert.")
        page.locator("#reply-box button.primary[name=then_status]").click()
        expect(page.locator(".badge.send-queued")).to_be_visible()
        reply = Message.objects.get(ticket=ticket, direction="outbound")
        assert reply.body.startswith("<p>Hallo Jürgen")
        assert OutboxAction.objects.filter(kind="send_reply", payload__message_id=reply.pk).count() == 1

        # A return for one of the two coats.
        page.locator("details.new-return > summary").click()
        page.locator(f"input[name=qty-{line.pk}]").fill("1")
        page.locator("details.new-return button.primary[type=submit]").click()
        expect(page.locator(".toast")).to_be_visible()
        rma = ReturnAuthorization.objects.get(ticket=ticket)
        assert list(rma.lines.values_list("order_line_id", "quantity")) == [(line.pk, 1)]

        # A photo of what came back.
        page.locator("#evidence-kind-panel").select_option("photo")
        page.locator("#evidence-file-panel").set_input_files(
            files=[{"name": "mantel.png", "mimeType": "image/png", "buffer": png()}]
        )
        page.locator("#evidence button[type=submit]").first.click()
        expect(page.locator("#evidence img[alt='mantel.png']")).to_be_visible()
        assert Attachment.objects.get(ticket=ticket).kind == "photo"

        # The parcel arrives; QC passes and the coat goes back to stock.
        page.locator("form[action$='/returns/arrived/'] button[type=submit]").click()
        page.locator(".qc-form input[name=qc][value=pass]").check()
        page.locator(".qc-form input[name=restock]").check()
        page.locator(".qc-form button[type=submit]").click()
        page.locator(".qc-pass").wait_for()
        rma.refresh_from_db()
        assert (rma.status, rma.qc_result, rma.restock) == ("inspected", "pass", True)
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_twenty_assigned_at_once_and_a_new_ticket_arrives_live(browser, live_server, shopify_store, language):
    words = WORDS[language]
    li = named("liwei", "Li", "Wei", shopify_store)
    for i in range(22):
        factories.TicketFactory(store=shopify_store, subject=f"Paket {i} fehlt")
    context, page = sign_in(browser, live_server, li, words)
    try:
        page.goto("/inbox/?view=unassigned")
        boxes = page.locator("tr.ticket-row input[type=checkbox]")
        expect(boxes).to_have_count(22)
        boxes.nth(0).click()
        boxes.nth(19).click(modifiers=["Shift"])
        expect(page.locator("[data-bulk-count]")).to_have_text("20")
        page.locator("[data-bulk-action]").select_option("assign:me")
        page.locator("[data-bulk-apply]").click()
        expect(page.locator(".toast", has_text=words["done"])).to_be_visible()
        assert Ticket.objects.filter(assignee=li).count() == 20

        page.goto("/inbox/?view=all")
        page.evaluate("window.__sameDocument = true")
        with page.expect_response(lambda response: "/inbox/changes/" in response.url, timeout=20_000):
            pass
        factories.TicketFactory(store=shopify_store, subject="Neu: 拉链坏了")
        expect(page.get_by_text("Neu: 拉链坏了")).to_be_visible(timeout=20_000)
        assert page.evaluate("window.__sameDocument") is True
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_phone_layout_has_no_sideways_scroll(browser, live_server, shopify_store, desk, language):
    words = WORDS[language]
    li = named("liwei", "Li", "Wei", shopify_store)
    context, page = sign_in(browser, live_server, li, words, width=390)
    try:
        for path in ("/inbox/", "/inbox/?view=sla_risk", f"/tickets/{desk['ticket'].number}/", "/notifications/"):
            page.goto(path)
            assert no_sideways_scroll(page) <= 0, path
        page.goto("/inbox/?view=all")
        row = page.locator(f"#t-{desk['ticket'].number}")
        # On a phone a row still shows what decides the next click: SLA, buyer and subject.
        for cell in (".c-sla .sla", ".c-buyer", ".c-subject .subject"):
            expect(row.locator(cell)).to_be_visible()
    finally:
        context.close()
