"""A rule's JSON is refused with an error per field, every error at once, and cleaned when valid."""

from __future__ import annotations

import pytest

from tests import factories
from tickets.models import KeywordSet, Macro, SlaPolicy, Team
from tickets.rules.schema import RuleInvalid, validate_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def refund_words(db):
    return KeywordSet.objects.create(name="refund_words", keywords=[{"text": "refund", "lang": "en", "mode": "word"}])


def errors_of(**kwargs) -> dict[str, list[str]]:
    base = {
        "name": "Refunds",
        "event": "message_received",
        "conditions": [],
        "actions": [{"type": "add_tags", "tags": ["x"]}],
        "threshold": None,
        "store": None,
    }
    base.update(kwargs)
    with pytest.raises(RuleInvalid) as caught:
        validate_rule(**base)
    return caught.value.errors


def valid(**kwargs):
    base = {
        "name": "Refunds",
        "event": "message_received",
        "conditions": [],
        "actions": [{"type": "add_tags", "tags": ["x"]}],
        "threshold": None,
        "store": None,
    }
    base.update(kwargs)
    return validate_rule(**base)


def test_a_valid_rule_comes_back_cleaned_with_defaults(refund_words):
    clean = valid(
        name="  Refunds ",
        conditions=[{"type": "text", "sets": ["refund_words"]}, {"type": "has_order", "not": True}],
        actions=[{"type": "add_tags", "tags": ["Refund Eligible"]}, {"type": "set_type", "value": "refund"}],
    )
    assert clean.name == "Refunds"
    assert clean.conditions == [
        {"type": "text", "sets": ["refund_words"], "match": "any", "where": "all", "main": False},
        {"type": "has_order", "not": True},
    ]
    assert clean.actions[0] == {"type": "add_tags", "tags": ["refund-eligible"]}
    assert clean.actions[1] == {"type": "set_type", "value": "refund", "reason": ""}


def test_every_error_is_reported_at_once_keyed_by_field(db):
    errors = errors_of(
        name="",
        conditions=[
            {"type": "text", "sets": ["missing_words"]},
            {"type": "order_total", "op": "more", "amount": "1.234", "currency": "EUR"},
            {"type": "teleport"},
        ],
        actions=[{"type": "auto_reply", "macro": 999999}, {"type": "set_priority", "value": "whenever"}],
    )
    assert set(errors) == {
        "name",
        "conditions.0.sets",
        "conditions.1.op",
        "conditions.1.amount",
        "conditions.2.type",
        "actions.0.macro",
        "actions.1.value",
    }
    assert errors["conditions.0.sets"] == ["There is no keyword set “missing_words” for every store."]


def test_structure_errors(db):
    assert "conditions" in errors_of(conditions={"type": "text"})
    assert "actions" in errors_of(actions=[])
    assert "conditions.0" in errors_of(conditions=["text"])
    assert errors_of(conditions=[{"type": "has_order", "colour": "red"}]) == {"conditions.0.colour": ["Unknown field."]}
    assert "conditions.0.not" in errors_of(conditions=[{"type": "has_order", "not": "yes"}])
    assert "event" in errors_of(event="lunch_time")
    assert "name" in errors_of(name="x" * 121)


def test_required_params_are_required(db):
    errors = errors_of(conditions=[{"type": "text"}], actions=[{"type": "set_type"}])
    assert errors == {"conditions.0.sets": ["Required."], "actions.0.value": ["Required."]}


def test_param_kinds_are_checked(db):
    errors = errors_of(
        conditions=[
            {"type": "platform", "platforms": ["myspace"]},  # choices
            {"type": "days_since_delivery", "op": "gt", "days": -1},  # int
            {"type": "return_count", "op": "gt", "count": True, "days": 10},  # a bool is not a number
            {"type": "line_price", "op": "gt", "amount": 12.5, "currency": "EUR"},  # a float is not money
            {"type": "order_total", "op": "gt", "amount": "10", "currency": "XYZ"},  # currency
            {"type": "sku", "skus": []},  # strings
            {"type": "tags", "tags": ["!!!"]},  # tags
            {"type": "text", "sets": ["x"], "main": "yes"},  # bool
        ],
        actions=[{"type": "add_note", "body": "   "}],  # text
    )
    assert set(errors) == {
        "conditions.0.platforms",
        "conditions.1.days",
        "conditions.2.count",
        "conditions.3.amount",
        "conditions.4.currency",
        "conditions.5.skus",
        "conditions.6.tags",
        "conditions.7.sets",
        "conditions.7.main",
        "actions.0.body",
    }


def test_amount_has_the_currencys_decimals(db):
    assert "conditions.0.amount" in errors_of(
        conditions=[{"type": "order_total", "op": "gt", "amount": "100.5", "currency": "JPY"}]
    )
    clean = valid(conditions=[{"type": "order_total", "op": "gt", "amount": "200", "currency": "eur"}])
    assert clean.conditions[0] == {"type": "order_total", "op": "gt", "amount": "200.00", "currency": "EUR"}


def test_threshold_is_required_for_time_based_events_and_refused_otherwise(db):
    assert "threshold" in errors_of(event="buyer_silent", threshold=None)
    assert "threshold" in errors_of(event="buyer_silent", threshold=0)
    assert "threshold" in errors_of(event="message_received", threshold=3)
    assert valid(event="buyer_silent", threshold=3).threshold == 3


def test_references_must_belong_to_the_rules_store_or_every_store(shopify_store, ebay_store):
    ebay_macro = Macro.objects.create(name="eBay only", store=ebay_store)
    global_macro = Macro.objects.create(name="Everyone")
    ebay_policy = SlaPolicy.objects.create(
        name="eBay", store=ebay_store, first_response_minutes=1, next_response_minutes=1, resolution_minutes=1
    )
    KeywordSet.objects.create(name="shop_words", store=shopify_store, keywords=[])
    actions = [
        {"type": "auto_reply", "macro": ebay_macro.pk},
        {"type": "suggest_macro", "macro": global_macro.pk},
        {"type": "set_sla_policy", "policy": ebay_policy.pk},
    ]
    errors = errors_of(store=shopify_store, actions=actions, conditions=[{"type": "text", "sets": ["shop_words"]}])
    assert set(errors) == {"actions.0.macro", "actions.2.policy"}
    # A rule for every store uses only what every store has.
    errors = errors_of(store=None, actions=actions, conditions=[{"type": "text", "sets": ["shop_words"]}])
    assert set(errors) == {"actions.0.macro", "actions.2.policy", "conditions.0.sets"}
    assert valid(store=ebay_store, actions=actions)


def test_store_condition_names_visible_stores_of_the_rule(shopify_store, ebay_store, agent):
    assert "conditions.0.stores" in errors_of(conditions=[{"type": "store", "stores": [999999]}])
    assert "conditions.0.stores" in errors_of(
        store=shopify_store, conditions=[{"type": "store", "stores": [ebay_store.pk]}]
    )
    # The agent is a member of the Shopify store only: the eBay store is not found for them.
    assert "conditions.0.stores" in errors_of(conditions=[{"type": "store", "stores": [ebay_store.pk]}], user=agent)


def test_assign_user_needs_a_member_of_the_store(shopify_store, ebay_store, agent, other_agent):
    team = Team.objects.create(name="Schema test team")
    clean = valid(
        store=shopify_store,
        actions=[{"type": "assign_user", "user": agent.pk}, {"type": "assign_team", "team": team.pk}],
    )
    assert clean.actions[0] == {"type": "assign_user", "user": agent.pk}
    errors = errors_of(store=shopify_store, actions=[{"type": "assign_user", "user": other_agent.pk}])
    assert errors == {"actions.0.user": ["That person is not a member of this store."]}
    assert "actions.0.user" in errors_of(store=None, actions=[{"type": "assign_user", "user": agent.pk}])
    assert "actions.0.team" in errors_of(actions=[{"type": "assign_team", "team": 999999}])
    inactive = factories.user_with_role("gone", factories.AGENT, stores=[shopify_store])
    inactive.is_active = False
    inactive.save()
    assert "actions.0.user" in errors_of(store=shopify_store, actions=[{"type": "assign_user", "user": inactive.pk}])


def test_ids_given_as_digit_strings_are_accepted(db):
    macro = Macro.objects.create(name="Everyone")
    assert valid(actions=[{"type": "suggest_macro", "macro": str(macro.pk)}]).actions[0]["macro"] == macro.pk


def test_the_error_is_a_domain_error_with_a_message(db):
    with pytest.raises(RuleInvalid) as caught:
        validate_rule(name="", event="message_received", conditions=[], actions=[], threshold=None, store=None)
    assert caught.value.code == "rule_invalid"
    assert caught.value.message.startswith("name: ")
