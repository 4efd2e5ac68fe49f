"""Writing rules and keyword sets: who may, validation that saves nothing, audit, order, caches."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests import factories
from tickets.errors import DomainError, NotFound, PermissionDenied
from tickets.models import AuditEvent, KeywordSet, Rule
from tickets.rules.engine import rules_for
from tickets.rules.schema import RuleInvalid
from tickets.services import rules as rule_services

pytestmark = pytest.mark.django_db


TAG = [{"type": "add_tags", "tags": ["checked"]}]


@pytest.fixture
def supervisor_a(shopify_store):
    return factories.user_with_role("sup_a", factories.SUPERVISOR, stores=[shopify_store])


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", "root@example.com", factories.PASSWORD)


def make(actor, store, name="Rule", event="message_received", **kwargs) -> Rule:
    return rule_services.create_rule(actor=actor, name=name, event=event, actions=TAG, store=store, **kwargs)


def test_a_supervisor_creates_a_rule_for_their_store_and_it_is_audited(supervisor_a, shopify_store):
    rule = make(supervisor_a, shopify_store, conditions=[{"type": "has_order"}])
    assert rule.created_by == supervisor_a and rule.store == shopify_store
    assert rule.conditions == [{"type": "has_order"}]
    event = AuditEvent.objects.get(action="rule.created", object_id=rule.pk)
    assert event.actor == supervisor_a and event.store_id == shopify_store.pk
    assert event.after["name"] == "Rule"


def test_an_agent_cannot_create_rules(agent, shopify_store):
    with pytest.raises(PermissionDenied):
        make(agent, shopify_store)
    assert not Rule.objects.exists()


def test_a_supervisor_cannot_create_a_rule_for_another_store(supervisor_a, ebay_store):
    with pytest.raises(NotFound):
        make(supervisor_a, ebay_store)
    assert not Rule.objects.exists()


def test_a_supervisor_of_one_store_cannot_make_a_rule_for_every_store(supervisor_a, admin_user, ebay_store):
    with pytest.raises(PermissionDenied):
        make(supervisor_a, None)
    rule = make(admin_user, None)
    assert rule.store is None


def test_a_supervisor_of_every_store_changes_the_rules_for_every_store(supervisor_a, shopify_store, ebay_store):
    every = factories.user_with_role("sup_all", factories.SUPERVISOR, stores=[shopify_store, ebay_store])
    rule = make(every, None)
    rule_services.set_rule_enabled(actor=every, rule=rule, enabled=False)
    rule.refresh_from_db()
    assert rule.store is None and not rule.enabled
    with pytest.raises(PermissionDenied):
        rule_services.set_rule_enabled(actor=supervisor_a, rule=rule, enabled=True)


def test_a_supervisor_of_store_a_cannot_edit_store_bs_rule(supervisor_a, supervisor, ebay_store):
    rule = make(supervisor, ebay_store)
    before = AuditEvent.objects.count()
    with pytest.raises(NotFound):
        rule_services.update_rule(actor=supervisor_a, rule=rule, name="Mine now")
    with pytest.raises(NotFound):
        rule_services.set_rule_enabled(actor=supervisor_a, rule=rule, enabled=False)
    with pytest.raises(NotFound):
        rule_services.move_rule(actor=supervisor_a, rule=rule, direction="up")
    with pytest.raises(NotFound):
        rule_services.delete_rule(actor=supervisor_a, rule=rule)
    rule.refresh_from_db()
    assert rule.name == "Rule" and rule.enabled
    assert AuditEvent.objects.count() == before


def test_a_supervisor_cannot_move_their_rule_to_another_store(supervisor_a, shopify_store, ebay_store):
    rule = make(supervisor_a, shopify_store)
    with pytest.raises(NotFound):
        rule_services.update_rule(actor=supervisor_a, rule=rule, store=ebay_store)
    rule.refresh_from_db()
    assert rule.store == shopify_store


def test_an_invalid_rule_saves_nothing_and_says_why(supervisor_a, shopify_store):
    with pytest.raises(RuleInvalid) as caught:
        make(supervisor_a, shopify_store, name="", conditions=[{"type": "text", "sets": ["nope"]}])
    assert set(caught.value.errors) == {"name", "conditions.0.sets"}
    assert not Rule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="rule.").exists()


def test_update_validates_the_whole_rule_and_audits_what_changed(supervisor_a, shopify_store):
    rule = make(supervisor_a, shopify_store)
    with pytest.raises(RuleInvalid):
        rule_services.update_rule(actor=supervisor_a, rule=rule, event="buyer_silent")  # no threshold
    rule.refresh_from_db()
    assert rule.event == "message_received"
    updated = rule_services.update_rule(actor=supervisor_a, rule=rule, event="buyer_silent", threshold=3, name="Nudge")
    assert (updated.event, updated.threshold, updated.name) == ("buyer_silent", 3, "Nudge")
    event = AuditEvent.objects.get(action="rule.updated", object_id=rule.pk)
    assert event.before == {"name": "Rule", "event": "message_received", "threshold": None}
    assert event.after["threshold"] == 3


def test_update_refuses_unknown_fields(supervisor_a, shopify_store):
    rule = make(supervisor_a, shopify_store)
    with pytest.raises(DomainError):
        rule_services.update_rule(actor=supervisor_a, rule=rule, is_default=True)


def test_enable_and_disable_are_audited_and_reach_the_cached_rules(supervisor_a, shopify_store):
    rule = make(supervisor_a, shopify_store)
    assert [r.pk for r in rules_for("message_received", shopify_store.pk)] == [rule.pk]
    rule_services.set_rule_enabled(actor=supervisor_a, rule=rule, enabled=False)
    assert rules_for("message_received", shopify_store.pk) == []
    assert AuditEvent.objects.filter(action="rule.disabled", object_id=rule.pk).exists()
    rule_services.set_rule_enabled(actor=supervisor_a, rule=rule, enabled=True)
    assert [r.pk for r in rules_for("message_received", shopify_store.pk)] == [rule.pk]


def test_move_up_down_and_to_a_place_among_the_global_rules(supervisor_a, admin_user, shopify_store, ebay_store):
    make(admin_user, None, name="g1")
    a1 = make(supervisor_a, shopify_store, name="a1")
    make(admin_user, ebay_store, name="b1")
    make(admin_user, None, name="g2")
    a2 = make(supervisor_a, shopify_store, name="a2")

    def order(store):
        return [r.name for r in rule_services.rules_in_order("message_received", store.pk)]

    assert order(shopify_store) == ["g1", "a1", "g2", "a2"]
    rule_services.move_rule(actor=supervisor_a, rule=a2, direction="up")
    assert order(shopify_store) == ["g1", "a1", "a2", "g2"]
    rule_services.move_rule(actor=supervisor_a, rule=a1, to=0)
    assert order(shopify_store) == ["a1", "g1", "a2", "g2"]
    rule_services.move_rule(actor=supervisor_a, rule=a1, direction="down")
    assert order(shopify_store) == ["g1", "a1", "a2", "g2"]
    rule_services.move_rule(actor=supervisor_a, rule=a1, to=99)
    assert order(shopify_store) == ["g1", "a2", "g2", "a1"]
    # The other store's order relative to the global rules did not change.
    assert order(ebay_store) == ["g1", "b1", "g2"]
    positions = list(
        Rule.objects.filter(event="message_received").order_by("position").values_list("position", flat=True)
    )
    assert positions == [1, 2, 3, 4, 5]
    assert [r.name for r in rules_for("message_received", shopify_store.pk)] == ["g1", "a2", "g2", "a1"]
    assert AuditEvent.objects.filter(action="rule.moved", object_id=a1.pk).count() == 3


def test_a_supervisor_of_one_store_cannot_move_a_rule_for_every_store(supervisor_a, admin_user, ebay_store):
    rule = make(admin_user, None)
    with pytest.raises(PermissionDenied):
        rule_services.move_rule(actor=supervisor_a, rule=rule, direction="down")


def test_delete_is_audited_and_a_shipped_rule_is_disabled_instead(supervisor_a, shopify_store):
    rule = make(supervisor_a, shopify_store)
    rule_services.delete_rule(actor=supervisor_a, rule=rule)
    assert not Rule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(action="rule.deleted", object_id=rule.pk).exists()
    shipped = make(supervisor_a, shopify_store)
    Rule.objects.filter(pk=shipped.pk).update(is_default=True)
    shipped.refresh_from_db()
    with pytest.raises(DomainError):
        rule_services.delete_rule(actor=supervisor_a, rule=shipped)
    assert Rule.objects.filter(pk=shipped.pk).exists()


def test_save_keyword_set_creates_validates_and_updates(supervisor_a, shopify_store):
    row = rule_services.save_keyword_set(
        actor=supervisor_a,
        name="refund_words",
        store=shopify_store,
        keywords=[{"text": "refund", "lang": "en", "mode": "word"}],
    )
    assert row.keywords[0]["text"] == "refund"
    assert AuditEvent.objects.filter(action="keyword_set.created", object_id=row.pk).exists()
    with pytest.raises(RuleInvalid) as caught:
        rule_services.save_keyword_set(
            actor=supervisor_a, name="refund_words", store=shopify_store, keywords=[{"text": "x", "mode": "teleport"}]
        )
    assert "name" in caught.value.errors and "keywords.0.mode" in caught.value.errors
    updated = rule_services.save_keyword_set(
        actor=supervisor_a,
        keyword_set=row,
        name="ignored",
        keywords=[{"text": "money back", "lang": "en", "mode": "word"}],
    )
    assert updated.name == "refund_words"
    assert updated.keywords[0]["text"] == "money back"
    assert AuditEvent.objects.filter(action="keyword_set.updated", object_id=row.pk).exists()


def test_keyword_set_permissions(agent, supervisor_a, shopify_store, ebay_store):
    with pytest.raises(PermissionDenied):
        rule_services.save_keyword_set(actor=agent, name="x", store=shopify_store, keywords=[])
    with pytest.raises(NotFound):
        rule_services.save_keyword_set(actor=supervisor_a, name="x", store=ebay_store, keywords=[])
    with pytest.raises(PermissionDenied):
        rule_services.save_keyword_set(actor=supervisor_a, name="x", store=None, keywords=[])
    assert not KeywordSet.objects.exists()


def test_a_bad_keyword_set_name_is_refused(supervisor_a, shopify_store):
    with pytest.raises(RuleInvalid) as caught:
        rule_services.save_keyword_set(actor=supervisor_a, name="refund words!", store=shopify_store, keywords=[])
    assert list(caught.value.errors) == ["name"]
