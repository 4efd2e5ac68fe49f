"""The rule editor in real Chromium: a supervisor builds a rule (message received; the text has a
word of a keyword set; add a tag), tries it on a message, saves and enables it; the next matching
message is tagged by it and the ticket's timeline says which rule did it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import KeywordSet, Rule, Ticket
from tickets.records import MessageRecord
from tickets.services.ingest_messages import receive_platform_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page) -> None:
    """HTMX has swapped, settled and wired up what it brought (a row's select must hear its change)."""
    page.locator(".htmx-request, .htmx-settling, .htmx-added, .htmx-swapping").first.wait_for(state="detached")


def test_a_supervisor_builds_tries_and_enables_a_rule_that_then_tags_a_message(
    page, supervisor, shopify_store, settings
):
    settings.AFTERSALES_TRIAGE_INLINE = True  # the rules run in-process, right after the commit
    KeywordSet.objects.create(
        name="test_refund",  # apart from the shipped refund_words
        label="Test refund words",
        keywords=[
            {"text": "refund", "lang": "en", "mode": "word"},
            {"text": "rückerstattung", "lang": "de", "mode": "prefix"},
        ],
    )
    log_in(page, supervisor.username, factories.PASSWORD)

    page.get_by_role("link", name="Rules", exact=True).first.click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name").fill("Refund tagger")
    page.get_by_label("When").select_option("message_received")
    page.get_by_label("Store").first.select_option(str(shopify_store.pk))

    page.get_by_role("button", name="Add condition").click()
    page.locator("#cond-rows select.row-type").wait_for()
    settled(page)
    page.locator("#cond-rows select.row-type").select_option("text")
    page.get_by_role("group", name="Keyword sets").get_by_label("Test refund words (test_refund)").check()
    page.get_by_role("button", name="Add action").click()
    page.locator("#act-rows select.row-type").wait_for()
    settled(page)
    page.locator("#act-rows select.row-type").select_option("add_tags")
    page.locator("#act-rows").get_by_label("Tags").fill("refund-request")

    page.get_by_label("Message").fill("Hallo, ich möchte eine Rückerstattungsanfrage stellen. Danke")
    page.get_by_role("button", name="Try it").click()
    result = page.locator("#try-result")
    result.locator(".rule-results li.matched", has_text="Refund tagger").wait_for()
    assert "this draft" in result.inner_text()
    assert "refund-request" in result.locator(".outcome .facts").inner_text()
    assert not Rule.objects.filter(name="Refund tagger").exists()  # trying writes nothing

    page.get_by_role("button", name="Save rule").click()
    page.locator(".toast", has_text="saved").wait_for()
    rule = Rule.objects.get(name="Refund tagger")
    assert not rule.enabled  # a new rule starts off: tried and simulated first

    page.get_by_role("link", name="All rules").click()
    page.get_by_label("Enable “Refund tagger”").check()
    page.locator(".toast", has_text="enabled").wait_for()
    rule.refresh_from_db()
    assert rule.enabled

    arrived = receive_platform_message(
        MessageRecord(
            external_id="m-refund-1",
            channel="email",
            sent_at=timezone.now(),
            subject="Shoes too small",
            sender_address="buyer@example.com",
            body_html="<p>I would like a refund, the shoes are too small.</p>",
        ),
        store=shopify_store,
    )
    ticket = Ticket.objects.get(pk=arrived.ticket_id)
    page.goto(f"/tickets/{ticket.number}/")
    page.locator(".ticket-header", has_text="refund-request").wait_for()
    assert "Rule ‹Refund tagger›" in page.locator(".thread").inner_text()


def test_dragging_a_rule_above_another_saves_the_order_and_buttons_move_it_back(page, supervisor, shopify_store):
    from tickets.services.rules import create_rule

    for name in ("First rule", "Second rule"):
        create_rule(
            actor=supervisor,
            name=name,
            event="message_received",
            store=shopify_store,
            actions=[{"type": "add_tags", "tags": ["x"]}],
        )

    def order():
        rows = Rule.objects.filter(store=shopify_store).order_by("position", "id")
        return list(rows.values_list("name", flat=True))

    log_in(page, supervisor.username, factories.PASSWORD)
    page.goto(f"/rules/?event=message_received&store={shopify_store.pk}")
    rows = page.locator("table.rules tr.rule-row")
    rows.nth(1).drag_to(rows.nth(0), target_position={"x": 200, "y": 4})
    page.locator(".toast", has_text="Order saved").wait_for()
    assert order() == ["Second rule", "First rule"]
    assert page.locator("table.rules tr.rule-row .c-name a").all_inner_texts() == ["Second rule", "First rule"]

    page.get_by_role("button", name="Move “First rule” up").click()
    page.locator("table.rules tr.rule-row .c-name a").first.filter(has_text="First rule").wait_for()
    assert order() == ["First rule", "Second rule"]
