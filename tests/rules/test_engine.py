"""The engine: which rules match and why, the outcome they would leave, try it, simulate, the cache."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tickets.models import KeywordSet, Macro, MacroVariant, Rule, Ticket
from tickets.rules import cache
from tickets.rules.engine import evaluate, preview, rules_for, simulate, try_message
from tickets.rules.facts import Facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def words(db):
    KeywordSet.objects.create(
        name="refund_words",
        keywords=[
            {"text": "refund", "lang": "en", "mode": "word"},
            {"text": "rückerstattung", "lang": "de", "mode": "prefix"},
        ],
    )
    KeywordSet.objects.create(name="damage_words", keywords=[{"text": "broken", "lang": "en", "mode": "word"}])


@pytest.fixture
def macro(db):
    macro = Macro.objects.create(name="Refund received")
    MacroVariant.objects.create(macro=macro, language="en", body="Hello {{customer.first_name}}, we got it.")
    MacroVariant.objects.create(macro=macro, language="de", body="Hallo {{customer.first_name}}, angekommen.")
    return macro


def rule(name="r", conditions=(), actions=({"type": "add_tags", "tags": ["x"]},), **kwargs) -> Rule:
    kwargs.setdefault("event", "message_received")
    return Rule.objects.create(name=name, conditions=list(conditions), actions=list(actions), **kwargs)


REFUND = {"type": "text", "sets": ["refund_words"]}


def test_evaluate_explains_every_rule_matched_or_not(words):
    yes = rule("refunds", [REFUND], [{"type": "add_tags", "tags": ["rma-request"]}])
    no = rule("damage", [{"type": "text", "sets": ["damage_words"]}])
    results = evaluate(Facts.for_text("", "I want a refund"), [yes, no])
    assert [(r.rule, r.matched) for r in results] == [(yes, True), (no, False)]
    assert results[0].conditions[0].why == "“refund” (en, whole word) in the body"
    assert results[0].actions[0].description == "Add tags: rma-request"
    assert results[1].conditions[0].result is False
    assert results[1].actions == ()


def test_checking_stops_at_the_first_failed_condition_unless_explained(words):
    r = rule("r", [{"type": "has_order"}, REFUND])
    quick = evaluate(Facts.for_text("", "refund"), [r])[0]
    assert [c.result for c in quick.conditions] == [False, None]
    assert quick.conditions[1].why == "not checked: an earlier condition does not hold"
    full = evaluate(Facts.for_text("", "refund"), [r], explain=True)[0]
    assert [c.result for c in full.conditions] == [False, True]


def test_cheap_conditions_are_checked_first_without_changing_the_result(words):
    r = rule("r", [REFUND, {"type": "has_order"}])
    facts = Facts.for_text("", "refund")
    result = evaluate(facts, [r])[0]
    assert not result.matched
    assert result.conditions[0].result is None  # the order was checked first, the text never
    assert result.conditions[1].why == "no order"


def test_rules_whose_keywords_are_absent_are_skipped_with_the_same_answer(words):
    rules = [
        rule("any", [{"type": "has_order", "not": True}, REFUND]),
        rule("all", [{"type": "text", "sets": ["refund_words", "damage_words"], "match": "all"}]),
        rule("subject", [{"type": "text", "sets": ["damage_words"], "where": "subject"}]),
        rule("missing set", [{"type": "text", "sets": ["nope"]}]),
        rule("negated", [{"type": "text", "sets": ["refund_words"], "not": True}]),
    ]
    facts = Facts.for_text("broken", "Where is my parcel?")
    quick = evaluate(facts, rules)
    full = evaluate(Facts.for_text("broken", "Where is my parcel?"), rules, explain=True)
    assert [r.matched for r in quick] == [r.matched for r in full] == [False, False, True, False, True]
    for fast, slow in zip(quick, full, strict=True):
        for condition in fast.conditions:
            if condition.result is not None:
                assert condition in slow.conditions
    assert quick[0].conditions[1].why == "no keyword of refund_words in the message"
    assert quick[3].conditions[0].why == "there is no keyword set “nope” for this store"


def test_stop_after_match_ends_the_evaluation(words):
    first = rule("first", [REFUND], stop_after_match=True)
    second = rule("second")
    results = evaluate(Facts.for_text("", "refund"), [first, second])
    assert results[0].matched
    assert results[1].matched is False and results[1].stopped_by == "first"


def test_a_broken_condition_does_not_hold_and_does_not_stop_the_others(db):
    broken = rule("broken", [{"type": "order_total", "op": "gt"}])  # no amount: cannot be checked
    fine = rule("fine")
    results = evaluate(Facts.for_text("", "x", context={"order_total": "5"}), [broken, fine])
    assert not results[0].matched and "could not be checked" in results[0].conditions[0].why
    assert results[1].matched
    unknown = rule("unknown", [{"type": "teleport"}])
    assert evaluate(Facts.for_text("", "x"), [unknown])[0].conditions[0].why == "unknown condition"


def test_preview_applies_the_actions_in_memory_and_later_rules_see_them(words, macro):
    rule(
        "classify",
        [REFUND],
        [
            {"type": "set_type", "value": "refund", "reason": "changed_mind"},
            {"type": "add_tags", "tags": ["rma-request", "temp"]},
            {"type": "remove_tags", "tags": ["temp"]},
            {"type": "set_priority", "value": "high"},
            {"type": "suggest_macro", "macro": macro.pk},
        ],
    )
    rule("follow", [{"type": "ticket_type", "values": ["refund"]}], [{"type": "auto_reply", "macro": macro.pk}])
    rule("never", [{"type": "tags", "tags": ["temp"]}], [{"type": "set_reason", "value": "other"}])
    facts = Facts.for_text(
        "", "Ich möchte eine Rückerstattung, bitte. Die Jacke passt nicht.", context={"priority": "normal"}
    )
    outcome = preview(facts, list(Rule.objects.order_by("id")))
    assert (outcome.type, outcome.reason, outcome.priority) == ("refund", "changed_mind", "high")
    assert outcome.tags == ["rma-request"]
    assert outcome.suggested_macro == macro.pk
    assert outcome.language == "de"
    assert outcome.reply == {
        "macro": macro.pk,
        "language": "de",
        "body": "Hallo {{customer.first_name}}, angekommen.",
        "missing": ["customer.first_name"],
        "complete": False,
    }
    assert [r.matched for r in outcome.results] == [True, True, False]
    assert facts.type == "" and facts.tags == set()  # the caller's facts are untouched


def test_preview_renders_the_reply_for_a_ticket(words, macro, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, language="en", customer__name="Ada Lovelace")
    factories.MessageFactory(ticket=ticket, body="<p>I want a refund</p>")
    rule("reply", [REFUND], [{"type": "auto_reply", "macro": macro.pk}])
    outcome = preview(Facts.for_ticket(ticket), list(Rule.objects.all()))
    assert outcome.reply["body"] == "Hello Ada, we got it."
    assert outcome.reply["complete"] is True


def test_try_message_uses_the_stores_enabled_rules(words, shopify_store, ebay_store):
    mine = rule("mine", [REFUND], store=shopify_store)
    rule("theirs", [REFUND], store=ebay_store)
    rule("off", [REFUND], enabled=False)
    everyone = rule("everyone", [REFUND])
    rule("other event", [REFUND], event="ticket_created")
    outcome = try_message(text="refund please", store=shopify_store)
    assert [r.rule.pk for r in outcome.results] == [mine.pk, everyone.pk]
    answer = outcome.as_dict()
    assert answer["tags"] == ["x"]
    assert answer["matched"][0]["conditions"][0] == {
        "condition": REFUND,
        "result": True,
        "why": "“refund” (en, whole word) in the body",
    }
    assert answer["text"]["cleaned"] == "refund please"


def test_try_message_on_a_ticket_reads_its_order(words, shopify_store):
    order = factories.OrderFactory(store=shopify_store, fulfilment="fba", total_amount=Decimal("300.00"))
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    factories.MessageFactory(ticket=ticket, body="<p>broken on arrival, refund</p>")
    r = rule("fba", [{"type": "fulfilment", "values": ["fba"]}, REFUND])
    outcome = try_message(text="", ticket=ticket, rules=[r])
    assert outcome.results[0].matched
    outcome = try_message(text="just a question", ticket=ticket, rules=[r])
    assert not outcome.results[0].matched


def test_facts_for_a_ticket_take_few_queries(shopify_store):
    order = factories.OrderFactory(store=shopify_store)
    factories.OrderLineFactory.create_batch(3, order=order)
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    fresh = Ticket.objects.get(pk=ticket.pk)
    with CaptureQueriesContext(connection) as queries:
        facts = Facts.for_ticket(fresh)
    assert len(queries) == 3  # ticket + store + buyer + order; lines; tags
    assert len(facts.lines) == 3


def test_rules_for_is_cached_and_invalidated_by_a_change(db):
    r = rule("r")
    assert [x.pk for x in rules_for("message_received", None)] == [r.pk]
    with CaptureQueriesContext(connection) as queries:
        rules_for("message_received", None)
    assert len(queries) == 0
    r.enabled = False
    r.save()  # any save of a rule invalidates the cache
    assert rules_for("message_received", None) == []


def test_a_changed_keyword_set_is_used_at_once(words):
    r = rule("r", [REFUND])
    assert not evaluate(Facts.for_text("", "money back"), [r])[0].matched
    row = KeywordSet.objects.get(name="refund_words")
    row.keywords = [{"text": "money back", "lang": "en", "mode": "word"}]
    row.save()
    assert evaluate(Facts.for_text("", "money back"), [r])[0].matched


def test_another_process_sees_a_change_within_a_second(db):
    r = rule("r")
    assert rules_for("message_received", None)
    # Another process bumped the shared version (this one has not been told).
    cache._bump_shared()
    Rule.objects.filter(pk=r.pk).update(enabled=False)
    cache._state["checked"] -= cache.CHECK_EVERY
    assert rules_for("message_received", None) == []


def _everything() -> dict:
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    counts["ticket.updated_at"] = sorted(Ticket.objects.values_list("pk", "updated_at"))
    return counts


def test_simulate_matches_recent_visible_tickets_and_writes_nothing(words, macro, shopify_store, ebay_store, agent):
    for n in range(5):
        t = factories.TicketFactory(store=shopify_store)
        factories.MessageFactory(ticket=t, body=f"<p>I want a refund ({n})</p>")
        factories.MessageFactory(ticket=t, body="<p>broken</p>", created_at=timezone.now() + timedelta(minutes=1))
    quiet = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=quiet, body="<p>Where is it?</p>")
    other = factories.TicketFactory(store=ebay_store)
    factories.MessageFactory(ticket=other, body="<p>refund</p>")
    old = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=old, body="<p>refund</p>")
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    draft = Rule(
        name="draft",
        event="message_received",
        conditions=[REFUND, {"type": "has_order"}],
        actions=[
            {"type": "add_tags", "tags": ["refund"]},
            {"type": "auto_reply", "macro": macro.pk},
            {"type": "request_rma"},
        ],
    )
    before = _everything()
    result = simulate(draft, user=agent, days=30)
    assert _everything() == before
    assert result.scanned == 6  # the agent's store only, the last 30 days
    assert len(result.matches) == 5
    assert all(r.matched for _t, r in result.matches)
    assert result.matches[0][1].actions[0].description == "Add tags: refund"
    assert draft.pk is None
    assert simulate(draft, user=agent, days=30, limit=2).scanned == 2


def test_simulate_uses_few_queries_whatever_the_number_of_tickets(words, shopify_store, supervisor):
    for _ in range(30):
        t = factories.TicketFactory(store=shopify_store)
        factories.MessageFactory(ticket=t, body="<p>refund</p>")
        factories.OrderLineFactory(order=t.order, category="electronics")
    draft = Rule(
        name="d",
        event="message_received",
        conditions=[
            REFUND,
            {"type": "category", "categories": ["electronics"]},
            {"type": "return_count", "op": "gte", "count": 0, "days": 30},
        ],
        actions=[{"type": "add_tags", "tags": ["x"]}],
    )
    with CaptureQueriesContext(connection) as queries:
        result = simulate(draft, user=supervisor)
    assert len(result.matches) == 30
    assert len(queries) <= 8


def test_facts_for_a_ticket_read_the_given_message(words, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=ticket, body="<p>Where is my parcel?</p>")
    later = factories.MessageFactory(ticket=ticket, body="<p>Now I want a <b>refund</b></p>")
    r = rule("r", [REFUND])
    assert not evaluate(Facts.for_ticket(ticket), [r])[0].matched  # the first message from the buyer
    assert evaluate(Facts.for_ticket(ticket, later), [r])[0].matched


def test_simulate_keeps_to_the_draft_rules_store(words, shopify_store, ebay_store, supervisor):
    for store in (shopify_store, ebay_store):
        t = factories.TicketFactory(store=store)
        factories.MessageFactory(ticket=t, body="<p>refund</p>")
    draft = Rule(name="d", event="message_received", store=ebay_store, conditions=[REFUND], actions=[])
    result = simulate(draft, user=supervisor)
    assert result.scanned == 1
    assert [t.store_id for t, _r in result.matches] == [ebay_store.pk]


def test_preview_stops_after_a_stopping_rule(words):
    rule("first", [REFUND], [{"type": "add_tags", "tags": ["a"]}], stop_after_match=True)
    rule("second", [REFUND], [{"type": "add_tags", "tags": ["b"]}])
    outcome = preview(Facts.for_text("", "refund"), list(Rule.objects.order_by("id")))
    assert outcome.tags == ["a"]
    assert outcome.results[1].stopped_by == "first"


def test_a_condition_shared_by_rules_is_answered_afresh_in_each_run(db):
    rules = [rule(f"r{i}", [{"type": "has_order"}, {"type": "fulfilment", "values": ["fba"]}]) for i in range(3)]
    facts = Facts.for_text("", "x", context={"fulfilment": "fba"})
    assert [r.matched for r in evaluate(facts, rules)] == [True, True, True]
    facts.fulfilment = "merchant"  # the facts changed between two runs: the next run checks again
    results = evaluate(facts, rules)
    assert [r.matched for r in results] == [False, False, False]
    assert results[2].conditions[1].why == "fulfilled as merchant, not fba"
    facts.has_order = False
    assert [r.conditions[0].why for r in evaluate(facts, rules, explain=True)] == ["no order"] * 3


def test_tags_an_earlier_rule_adds_are_seen_by_a_later_rules_tag_condition(db):
    first = rule("first", [{"type": "tags", "match": "none", "tags": ["vip"]}], [{"type": "add_tags", "tags": ["vip"]}])
    second = rule("second", [{"type": "tags", "match": "none", "tags": ["vip"]}])
    third = rule("third", [{"type": "tags", "tags": ["vip"]}])
    outcome = preview(Facts.for_text("", "x"), [first, second, third])
    assert [r.matched for r in outcome.results] == [True, False, True]
