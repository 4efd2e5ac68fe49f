"""Every rule condition, true and false, with the reason it gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from tests import factories
from tickets.models import ExchangeRate, KeywordSet
from tickets.rules.conditions import CONDITIONS, evaluate
from tickets.rules.facts import Facts

pytestmark = pytest.mark.django_db


NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def refund_words(db):
    return KeywordSet.objects.create(
        name="refund_words",
        keywords=[
            {"text": "refund", "lang": "en", "mode": "word"},
            {"text": "rückerstattung", "lang": "de", "mode": "prefix"},
            {"text": "退款", "lang": "zh", "mode": "substring"},
        ],
    )


@pytest.fixture
def tracking_words(db):
    return KeywordSet.objects.create(
        name="tracking_words",
        keywords=[{"text": "where is my order", "lang": "en", "mode": "word"}],
    )


def check(condition: dict, facts: Facts) -> tuple[bool, str]:
    result, why = evaluate(condition, facts)
    return result, str(why)


def text(body: str, subject: str = "", **kwargs) -> Facts:
    return Facts.for_text(subject, body, now=NOW, **kwargs)


def test_every_condition_of_the_spec_is_registered():
    assert set(CONDITIONS) == {
        "text",
        "withdrawal",
        "store",
        "platform",
        "fulfilment",
        "order_total",
        "line_price",
        "category",
        "sku",
        "has_order",
        "within_return_window",
        "days_since_delivery",
        "tracking_status",
        "buyer_tier",
        "return_risk",
        "return_count",
        "ticket_type",
        "ticket_reason",
        "language",
        "priority",
        "channel",
        "tags",
        "business_hours",
    }


# --- text ------------------------------------------------------------------------------------------


def test_text_matches_a_keyword_and_names_it(refund_words):
    ok, why = check({"type": "text", "sets": ["refund_words"]}, text("I would like a refund please."))
    assert ok
    assert why == "“refund” (en, whole word) in the body"


def test_text_matches_a_german_compound_by_word_start(refund_words):
    ok, why = check({"type": "text", "sets": ["refund_words"]}, text("Ich stelle einen Rückerstattungsantrag."))
    assert ok
    assert why == "“rückerstattung” (de, word start) in the body"


def test_text_matches_chinese_anywhere(refund_words):
    ok, why = check({"type": "text", "sets": ["refund_words"]}, text("我想申请退款谢谢"))
    assert ok
    assert "anywhere" in why


def test_text_without_a_keyword_says_so(refund_words):
    ok, why = check({"type": "text", "sets": ["refund_words"]}, text("Where is my parcel?"))
    assert not ok
    assert why == "no keyword of refund_words in the message"


def test_text_does_not_match_a_negated_keyword(refund_words):
    ok, why = check({"type": "text", "sets": ["refund_words"]}, text("I do not want a refund, just the parcel."))
    assert not ok
    assert why.startswith("only negated: “refund”")


def test_text_where_subject_ignores_the_body(refund_words):
    facts = text("I want a refund", subject="Hello")
    ok, why = check({"type": "text", "sets": ["refund_words"], "where": "subject"}, facts)
    assert not ok
    assert why == "no keyword of refund_words in the subject"
    ok, why = check({"type": "text", "sets": ["refund_words"], "where": "body"}, facts)
    assert ok


def test_text_all_needs_every_set(refund_words, tracking_words):
    both = {"type": "text", "sets": ["refund_words", "tracking_words"], "match": "all"}
    ok, why = check(both, text("Where is my order? Otherwise I want a refund."))
    assert ok
    assert "“refund”" in why and "“where is my order”" in why
    ok, why = check(both, text("I want a refund."))
    assert not ok
    assert why == "no keyword of tracking_words in the message"


def test_text_main_request_decides_between_sets(refund_words, tracking_words):
    condition = {"type": "text", "sets": ["tracking_words"], "main": True, "among": ["tracking_words", "refund_words"]}
    ok, why = check(condition, text("Where is my order? If it does not come I want a refund."))
    assert ok
    assert "the main request is tracking_words" in why
    ok, why = check(condition, text("I want a refund. Also: where is my order?"))
    assert not ok
    assert "but the main request is refund_words" in why


def test_text_with_an_unknown_set_is_false(db):
    ok, why = check({"type": "text", "sets": ["nope"]}, text("refund"))
    assert not ok
    assert why == "there is no keyword set “nope” for this store"


def test_a_store_set_overrides_the_global_one_of_that_name(refund_words, shopify_store, ebay_store):
    KeywordSet.objects.create(
        name="refund_words", store=shopify_store, keywords=[{"text": "money back", "lang": "en", "mode": "word"}]
    )
    condition = {"type": "text", "sets": ["refund_words"]}
    assert check(condition, text("I want my money back", store=shopify_store))[0]
    assert not check(condition, text("I want a refund", store=shopify_store))[0]
    assert check(condition, text("I want a refund", store=ebay_store))[0]


def test_a_disabled_set_matches_nothing(refund_words):
    refund_words.enabled = False
    refund_words.save()
    assert not check({"type": "text", "sets": ["refund_words"]}, text("refund"))[0]


def test_each_set_is_searched_once_per_message(refund_words):
    facts = text("refund")
    check({"type": "text", "sets": ["refund_words"]}, facts)
    first = facts.hits["refund_words"]
    check({"type": "text", "sets": ["refund_words"], "where": "body"}, facts)
    assert facts.hits["refund_words"] is first


def test_withdrawal_recognises_the_model_form(db):
    ok, why = check(
        {"type": "withdrawal"},
        text(
            "Hiermit widerrufe ich den von mir abgeschlossenen Vertrag über den Kauf der folgenden Waren: Jacke",
            subject="Widerruf",
        ),
    )
    assert ok
    assert why == "a statutory withdrawal is declared"
    ok, why = check({"type": "withdrawal"}, text("Where is my parcel?"))
    assert not ok
    assert why == "no statutory withdrawal"


# --- store and order -------------------------------------------------------------------------------


def test_store(shopify_store, ebay_store):
    ok, why = check({"type": "store", "stores": [shopify_store.pk]}, text("x", store=shopify_store))
    assert ok and "Acme Shopify" in why
    ok, why = check({"type": "store", "stores": [shopify_store.pk]}, text("x", store=ebay_store))
    assert not ok and "is not one of those listed" in why
    assert check({"type": "store", "stores": [shopify_store.pk]}, text("x")) == (False, "no store")


def test_platform(ebay_store):
    assert check({"type": "platform", "platforms": ["ebay"]}, text("x", store=ebay_store)) == (True, "platform ebay")
    ok, why = check({"type": "platform", "platforms": ["amazon"]}, text("x", store=ebay_store))
    assert not ok and why == "platform ebay, not amazon"
    assert check({"type": "platform", "platforms": ["amazon"]}, text("x", context={"platform": "amazon"}))[0]


def test_fulfilment(db):
    assert check({"type": "fulfilment", "values": ["fba"]}, text("x", context={"fulfilment": "fba"})) == (
        True,
        "fulfilled as fba",
    )
    ok, why = check({"type": "fulfilment", "values": ["fba"]}, text("x", context={"fulfilment": "mfn"}))
    assert not ok and why == "fulfilled as mfn, not fba"
    assert check({"type": "fulfilment", "values": ["fba"]}, text("x")) == (False, "no order")


def test_order_total_in_the_same_currency(db):
    facts = text("x", context={"order_total": "250.00", "currency": "EUR"})
    ok, why = check({"type": "order_total", "op": "gt", "amount": "200.00", "currency": "EUR"}, facts)
    assert ok and why == "order total 250.00 EUR > 200.00 EUR: yes"
    ok, why = check({"type": "order_total", "op": "lte", "amount": "200.00", "currency": "EUR"}, facts)
    assert not ok and why == "order total 250.00 EUR ≤ 200.00 EUR: no"


def test_order_total_is_converted_at_the_days_rate(db):
    ExchangeRate.objects.create(base="USD", quote="EUR", rate=Decimal("0.9"), valid_on=NOW.date())
    facts = text("x", context={"order_total": "250.00", "currency": "USD"})  # 225 EUR
    ok, why = check({"type": "order_total", "op": "gt", "amount": "200", "currency": "EUR"}, facts)
    assert ok and why == "order total 250.00 USD = 225.00 EUR > 200.00 EUR: yes"
    assert not check({"type": "order_total", "op": "gt", "amount": "230", "currency": "EUR"}, facts)[0]


def test_order_total_without_a_rate_is_false_and_says_so(db):
    facts = text("x", context={"order_total": "250.00", "currency": "USD"})
    ok, why = check({"type": "order_total", "op": "gt", "amount": "1", "currency": "EUR"}, facts)
    assert not ok
    assert why == "no exchange rate USD→EUR on 2026-12-02"


def test_order_total_without_an_order(db):
    assert check({"type": "order_total", "op": "gt", "amount": "1", "currency": "EUR"}, text("x")) == (
        False,
        "no order",
    )


def test_line_price_from_the_order_rows(shopify_store):
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("350.00"))
    factories.OrderLineFactory(order=order, sku="CABLE-1", unit_price=Decimal("20.00"))
    factories.OrderLineFactory(order=order, sku="PHONE-9", unit_price=Decimal("330.00"))
    facts = Facts.for_text("", "x", order=order, now=NOW)
    ok, why = check({"type": "line_price", "op": "gte", "amount": "300", "currency": "USD"}, facts)
    assert ok and why == "PHONE-9: unit price 330.00 USD ≥ 300.00 USD: yes"
    ok, why = check({"type": "line_price", "op": "gt", "amount": "500", "currency": "USD"}, facts)
    assert not ok and why.startswith("no line's unit price is > 500.00 USD")
    assert check({"type": "line_price", "op": "gt", "amount": "1", "currency": "USD"}, text("x")) == (
        False,
        "no order lines",
    )


def test_category_is_compared_casefolded(db):
    facts = text("x", context={"category": "Electronics"})
    assert check({"type": "category", "categories": ["electronics"]}, facts) == (
        True,
        "a line in category electronics",
    )
    ok, why = check({"type": "category", "categories": ["Shoes"]}, facts)
    assert not ok and why == "categories electronics, none of Shoes"


def test_sku_exact_or_prefix(db):
    facts = text("x", context={"sku": "PHONE-12"})
    assert check({"type": "sku", "skus": ["PHONE-*"]}, facts) == (True, "SKU PHONE-12 matches PHONE-*")
    assert check({"type": "sku", "skus": ["PHONE-12"]}, facts)[0]
    ok, why = check({"type": "sku", "skus": ["PHONE-1"]}, facts)
    assert not ok and why == "no SKU matches PHONE-1"


def test_has_order(db):
    assert check({"type": "has_order"}, text("x", context={"order_total": "1"})) == (True, "the ticket has an order")
    assert check({"type": "has_order"}, text("x")) == (False, "no order")


def test_within_return_window(shopify_store):
    shopify_store.return_window_days = 14
    inside = text("x", store=shopify_store, context={"delivered_days_ago": 12})
    assert check({"type": "within_return_window"}, inside) == (True, "delivered 12 days ago; window 14 days")
    past = text("x", store=shopify_store, context={"delivered_days_ago": 20})
    assert check({"type": "within_return_window"}, past) == (False, "delivered 20 days ago; window 14 days, past it")
    assert check({"type": "within_return_window"}, text("x", store=shopify_store)) == (False, "not delivered")


def test_within_return_window_from_the_context_window(db):
    facts = text("x", context={"delivered_days_ago": 1, "store_return_window_days": 0})
    assert check({"type": "within_return_window"}, facts) == (False, "delivered 1 day ago; window 0 days, past it")


def test_days_since_delivery(db):
    facts = text("x", context={"delivered_days_ago": 10})
    assert check({"type": "days_since_delivery", "op": "gte", "days": 10}, facts) == (
        True,
        "delivered 10 days ago (≥ 10: yes)",
    )
    assert not check({"type": "days_since_delivery", "op": "lt", "days": 10}, facts)[0]
    assert check({"type": "days_since_delivery", "op": "lt", "days": 10}, text("x")) == (False, "not delivered")


def test_tracking_status(db):
    facts = text("x", context={"tracking_status": "in_transit"})
    assert check({"type": "tracking_status", "values": ["in_transit"]}, facts) == (True, "tracking status in_transit")
    ok, why = check({"type": "tracking_status", "values": ["delivered"]}, facts)
    assert not ok and why == "tracking status in_transit, not delivered"


# --- buyer -----------------------------------------------------------------------------------------


def test_buyer_tier(db):
    assert check({"type": "buyer_tier", "values": ["vip"]}, text("x", context={"buyer_tier": "vip"})) == (
        True,
        "buyer tier vip",
    )
    ok, why = check({"type": "buyer_tier", "values": ["vip"]}, text("x", context={"buyer_tier": "regular"}))
    assert not ok and why == "buyer tier regular, not vip"
    assert check({"type": "buyer_tier", "values": ["vip"]}, text("x")) == (False, "no buyer known")


def test_return_risk(db):
    assert check({"type": "return_risk"}, text("x", context={"return_risk": True})) == (
        True,
        "the buyer is flagged as a return risk",
    )
    assert check({"type": "return_risk"}, text("x")) == (False, "the buyer is not flagged as a return risk")


def test_return_count_from_the_context(db):
    facts = text("x", context={"return_count": 4})
    assert check({"type": "return_count", "op": "gte", "count": 3, "days": 180}, facts) == (
        True,
        "4 returns in 180 days (≥ 3: yes)",
    )
    assert not check({"type": "return_count", "op": "lt", "count": 3, "days": 180}, facts)[0]


def test_return_count_counts_the_buyers_returns_in_the_period(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    for _ in range(2):
        factories.RmaFactory(ticket=ticket)
    facts = Facts.for_ticket(ticket)
    assert check({"type": "return_count", "op": "gte", "count": 2, "days": 30}, facts)[0]
    assert not check({"type": "return_count", "op": "gte", "count": 3, "days": 30}, facts)[0]


# --- ticket ----------------------------------------------------------------------------------------


def test_ticket_type_and_reason(db):
    facts = text("x", context={"ticket_type": "return", "ticket_reason": "size"})
    assert check({"type": "ticket_type", "values": ["return"]}, facts) == (True, "the type is return")
    ok, why = check({"type": "ticket_type", "values": ["refund"]}, facts)
    assert not ok and why == "the type is return, not refund"
    assert check({"type": "ticket_reason", "values": ["size"]}, facts) == (True, "the reason is size")
    assert check({"type": "ticket_reason", "values": ["size"]}, text("x")) == (False, "the reason is not set")


def test_language_of_the_ticket_or_the_message(db):
    assert check({"type": "language", "values": ["de"]}, text("x", context={"language": "de-AT"})) == (
        True,
        "the language is de-AT",
    )
    ok, why = check({"type": "language", "values": ["de"]}, text("x", context={"language": "fr"}))
    assert not ok and why == "the language is fr, not de"
    assert check({"type": "language", "values": ["ko"]}, text("환불해 주세요"))[0]


def test_priority_and_channel(db):
    facts = text("x", context={"priority": "high", "channel": "ebay"})
    assert check({"type": "priority", "values": ["high", "urgent"]}, facts) == (True, "the priority is high")
    assert not check({"type": "priority", "values": ["low"]}, facts)[0]
    assert check({"type": "channel", "values": ["ebay"]}, facts) == (True, "the channel is ebay")
    ok, why = check({"type": "channel", "values": ["email"]}, facts)
    assert not ok and why == "the channel is ebay, not email"


def test_tags_any_all_none(db):
    facts = text("x", context={"tags": ["vip", "damaged"]})
    assert check({"type": "tags", "match": "any", "tags": ["vip", "x"]}, facts) == (True, "tagged vip")
    assert check({"type": "tags", "match": "all", "tags": ["vip", "x"]}, facts) == (False, "tags x missing")
    assert check({"type": "tags", "match": "all", "tags": ["vip", "damaged"]}, facts)[0]
    assert check({"type": "tags", "match": "none", "tags": ["vip"]}, facts) == (False, "tagged vip")
    assert check({"type": "tags", "match": "none", "tags": ["x"]}, facts) == (True, "none of x")
    assert check({"type": "tags", "tags": ["x"]}, facts) == (False, "none of x")


def test_business_hours(shopify_store):
    shopify_store.time_zone = "Europe/Berlin"
    shopify_store.region = "DE"
    shopify_store.business_hours = {"wed": ["09:00", "18:00"]}
    inside = text("x", store=shopify_store)  # 11:00 UTC = 12:00 in Berlin
    assert check({"type": "business_hours"}, inside) == (True, "Wed 12:00 is within business hours")
    evening = Facts.for_text("", "x", store=shopify_store, now=NOW + timedelta(hours=8))
    assert check({"type": "business_hours"}, evening) == (False, "Wed 20:00 is outside business hours")
    shopify_store.business_hours_only = False
    assert check({"type": "business_hours"}, Facts.for_text("", "x", store=shopify_store, now=NOW))[0]
    assert check({"type": "business_hours"}, text("x")) == (False, "no store, so no business hours")


def test_not_inverts_the_result_and_says_so(db):
    ok, why = check({"type": "has_order", "not": True}, text("x"))
    assert ok
    assert why == "not: no order"


def test_the_reason_is_translated_when_shown(db):
    _ok, why = evaluate({"type": "has_order"}, text("x"))
    with translation.override("de"):
        german = str(why)
    assert german  # translated by the catalogue when it has the sentence, else English
