"""Triage rules through the API: POST /api/rules/try/ answers the documented shape with the
evidence of each condition and writes nothing; rules and keyword sets are listed, created, changed
and deleted through services/rules.py (validated and audited, as the editor's writes are), within
the caller's stores and role."""

from __future__ import annotations

import pytest

from tests import factories
from tickets.models import AuditEvent, KeywordSet, Rule, RuleRun, Ticket

pytestmark = pytest.mark.django_db

REFUND_DE = (
    "Hallo,\n\nich möchte eine Rückerstattung für meine Bestellung, die Schuhe sind zu klein.\n\n"
    "Mit freundlichen Grüßen\nAnna Schmidt\n\n"
    "Am 2. Dezember 2026 um 10:00 schrieb Shop <service@shop.example>:\n"
    "> Vielen Dank für Ihre Bestellung!\n"
)


def post(client, url, data):
    return client.post(url, data, format="json")


def keyword_set_body(**fields) -> dict:
    body = {
        "name": "refund_words_api",
        "label": "Refund words",
        "keywords": [
            {"text": "refund", "lang": "en", "mode": "word"},
            {"text": "rückerstattung", "lang": "de", "mode": "prefix"},
        ],
    }
    body.update(fields)
    return body


def rule_body(**fields) -> dict:
    body = {
        "name": "Refund requests",
        "event": "message_received",
        "conditions": [{"type": "text", "sets": ["refund_words_api"], "match": "any", "where": "all"}],
        "actions": [{"type": "add_tags", "tags": ["rma-request"]}, {"type": "set_type", "value": "refund"}],
    }
    body.update(fields)
    return body


@pytest.fixture
def refund_rule(client_for, supervisor, shopify_store):
    """A keyword set and a rule of the Shopify store made through the API itself, by a supervisor;
    every other rule (the shipped defaults) disabled, so what a try shows is this rule's doing."""
    Rule.objects.update(enabled=False)
    client = client_for(supervisor)
    created = post(client, "/api/keyword-sets/", keyword_set_body(store=shopify_store.pk))
    assert created.status_code == 201, created.json()
    response = post(client, "/api/rules/", rule_body(store=shopify_store.pk))
    assert response.status_code == 201, response.json()
    return Rule.objects.get(pk=response.json()["id"])


# --- try --------------------------------------------------------------------------------------------
def test_try_answers_the_documented_shape_for_a_german_refund_message(
    client_for, supervisor, refund_rule, shopify_store
):
    body = {"text": REFUND_DE, "subject": "Rückerstattung", "store": shopify_store.pk}
    response = post(client_for(supervisor), "/api/rules/try/", body)

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == {"language", "type", "reason", "tags", "priority", "reply", "matched", "text"}
    assert data["language"] == "de"
    assert data["type"] == "refund"
    assert "rma-request" in data["tags"]
    assert data["reply"] is None or set(data["reply"]) == {"macro", "language", "body"}
    ours = [match for match in data["matched"] if match["rule"]["id"] == refund_rule.pk]
    assert len(ours) == 1
    match = ours[0]
    assert set(match) == {"rule", "conditions", "actions"}
    assert match["rule"]["name"] == "Refund requests"
    (condition,) = match["conditions"]
    assert set(condition) == {"condition", "result", "why"}
    assert condition["result"] is True
    assert condition["condition"]["type"] == "text"
    assert "ckerstattung" in condition["why"].casefold()
    assert [action["action"]["type"] for action in match["actions"]] == ["add_tags", "set_type"]
    assert all(action["description"] for action in match["actions"])
    assert set(data["text"]) == {"cleaned", "removed"}
    assert "Vielen Dank für Ihre Bestellung" not in data["text"]["cleaned"]
    assert "Rückerstattung" in data["text"]["cleaned"]
    assert {item["kind"] for item in data["text"]["removed"]} >= {"quoted_reply"}


def test_try_writes_nothing(client_for, supervisor, refund_rule, shopify_store):
    audits, tickets = AuditEvent.objects.count(), Ticket.objects.count()

    response = post(client_for(supervisor), "/api/rules/try/", {"text": REFUND_DE, "store": shopify_store.pk})

    assert response.status_code == 200
    assert (AuditEvent.objects.count(), Ticket.objects.count(), RuleRun.objects.count()) == (audits, tickets, 0)


def test_try_leaves_out_rules_that_do_not_match(client_for, supervisor, refund_rule, shopify_store):
    body = {"text": "Where is my parcel? It has not arrived.", "store": shopify_store.pk}
    response = post(client_for(supervisor), "/api/rules/try/", body)

    assert response.status_code == 200
    assert refund_rule.pk not in [match["rule"]["id"] for match in response.json()["matched"]]


def test_try_uses_the_rules_of_the_given_store_only(client_for, supervisor, shopify_store, ebay_store):
    client = client_for(supervisor)
    assert post(client, "/api/keyword-sets/", keyword_set_body(store=ebay_store.pk)).status_code == 201
    ebay_rule = post(client, "/api/rules/", rule_body(store=ebay_store.pk)).json()["id"]

    on_shopify = post(client, "/api/rules/try/", {"text": "I want a refund", "store": shopify_store.pk}).json()
    on_ebay = post(client, "/api/rules/try/", {"text": "I want a refund", "store": ebay_store.pk}).json()

    assert ebay_rule not in [match["rule"]["id"] for match in on_shopify["matched"]]
    assert ebay_rule in [match["rule"]["id"] for match in on_ebay["matched"]]


def test_try_finds_the_order_by_its_platform_number_in_your_stores(client_for, supervisor, refund_rule, shopify_store):
    order = factories.OrderFactory(store=shopify_store, number="SH-4711")

    response = post(client_for(supervisor), "/api/rules/try/", {"text": "I want a refund", "order": order.number})

    assert response.status_code == 200
    # No store given: the order's store, so that store's rules run.
    assert refund_rule.pk in [match["rule"]["id"] for match in response.json()["matched"]]


def test_try_refuses_a_store_or_order_that_is_not_yours_like_a_missing_one(client_for, shopify_store, ebay_store):
    supervisor_a = factories.user_with_role("sup_a", factories.SUPERVISOR, stores=[shopify_store])
    client = client_for(supervisor_a)
    order = factories.OrderFactory(store=ebay_store, number="EB-1")

    foreign = post(client, "/api/rules/try/", {"text": "Refund", "store": ebay_store.pk})
    missing = post(client, "/api/rules/try/", {"text": "Refund", "store": 987654})
    foreign_order = post(client, "/api/rules/try/", {"text": "Refund", "order": order.number})
    missing_order = post(client, "/api/rules/try/", {"text": "Refund", "order": "NOPE-1"})

    assert foreign.status_code == missing.status_code == 422
    assert foreign.json() == missing.json()
    assert foreign.json()["fields"] == {"store": ["Not a store you are a member of."]}
    assert foreign_order.status_code == missing_order.status_code == 422
    assert foreign_order.json() == missing_order.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": 12}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "refund", "store": "1"}, "store"),
        ({"text": "refund", "store": 0}, "store"),
        ({"text": "refund", "subject": ["a"]}, "subject"),
        ({"text": "refund", "order": 5}, "order"),
    ],
)
def test_try_refuses_bad_input_with_field_errors(client_for, supervisor, body, field):
    response = post(client_for(supervisor), "/api/rules/try/", body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


def test_try_needs_permission_to_read_rules(client_for, agent, finance, anon):
    assert post(client_for(agent), "/api/rules/try/", {"text": "refund"}).status_code == 403
    assert post(client_for(finance), "/api/rules/try/", {"text": "refund"}).status_code == 403
    assert post(anon, "/api/rules/try/", {"text": "refund"}).status_code == 401


# --- rules -------------------------------------------------------------------------------------------
def test_create_update_delete_a_rule_is_audited(client_for, supervisor, refund_rule):
    client = client_for(supervisor)
    created = AuditEvent.objects.filter(object_type="rule", object_id=refund_rule.pk)
    assert created.exists()
    assert created.first().actor == supervisor

    before = created.count()
    response = client.patch(f"/api/rules/{refund_rule.pk}/", {"enabled": False, "name": "Refunds"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["enabled"] is False
    assert response.json()["name"] == "Refunds"
    assert response.json()["updated_by"] == supervisor.username
    assert AuditEvent.objects.filter(object_type="rule", object_id=refund_rule.pk).count() > before

    response = client.delete(f"/api/rules/{refund_rule.pk}/")
    assert response.status_code == 204
    assert not Rule.objects.filter(pk=refund_rule.pk).exists()
    assert AuditEvent.objects.filter(object_type="rule", object_id=refund_rule.pk).count() > before + 1


def test_rule_reads_as_written(client_for, supervisor, refund_rule):
    data = client_for(supervisor).get(f"/api/rules/{refund_rule.pk}/").json()

    assert data["name"] == "Refund requests"
    assert data["store"] == refund_rule.store_id
    assert data["event"] == "message_received"
    assert data["conditions"][0]["sets"] == ["refund_words_api"]
    assert data["actions"][0] == {"type": "add_tags", "tags": ["rma-request"]}
    assert data["created_by"] == supervisor.username


def test_put_replaces_the_rule(client_for, supervisor, refund_rule, ebay_store):
    body = rule_body(name="Replaced", store=ebay_store.pk, actions=[{"type": "set_priority", "value": "high"}])
    body["conditions"] = []

    response = client_for(supervisor).put(f"/api/rules/{refund_rule.pk}/", body, format="json")

    assert response.status_code == 200, response.json()
    refund_rule.refresh_from_db()
    assert (refund_rule.name, refund_rule.store_id) == ("Replaced", ebay_store.pk)
    assert refund_rule.actions == [{"type": "set_priority", "value": "high"}]


def test_move_puts_a_rule_first_among_its_events_rules(client_for, supervisor, refund_rule, shopify_store):
    client = client_for(supervisor)
    second = post(client, "/api/rules/", rule_body(name="Second", store=shopify_store.pk)).json()
    audits = AuditEvent.objects.filter(action="rule.moved").count()

    response = post(client, f"/api/rules/{second['id']}/move/", {"to": 0})

    assert response.status_code == 200, response.json()
    ordered = Rule.objects.filter(event="message_received").order_by("position", "id").values_list("pk", flat=True)
    assert list(ordered)[0] == second["id"]
    assert response.json()["position"] == Rule.objects.get(pk=second["id"]).position
    assert AuditEvent.objects.filter(action="rule.moved").count() == audits + 1
    down = post(client, f"/api/rules/{second['id']}/move/", {"direction": "down"})
    assert down.status_code == 200
    assert post(client, f"/api/rules/{second['id']}/move/", {"direction": "up", "to": 1}).status_code == 422
    assert post(client, f"/api/rules/{second['id']}/move/", {}).status_code == 422
    assert post(client, f"/api/rules/{second['id']}/move/", {"direction": "left"}).status_code == 400


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            {"conditions": [{"type": "text", "sets": ["no_such_set"], "match": "any", "where": "all"}]},
            "conditions.0.sets",
        ),
        (
            {"actions": [{"type": "add_tags", "tags": ["ok"]}, {"type": "set_priority", "value": "yesterday"}]},
            "actions.1.value",
        ),
        ({"actions": [{"type": "suggest_macro", "macro": 987654}]}, "actions.0.macro"),
    ],
)
def test_invalid_rule_is_refused_with_the_validations_keys_and_nothing_saved(
    client_for, supervisor, refund_rule, shopify_store, change, key
):
    client = client_for(supervisor)
    rules, audits = Rule.objects.count(), AuditEvent.objects.count()

    created = post(client, "/api/rules/", rule_body(store=shopify_store.pk, **change))
    changed = client.patch(f"/api/rules/{refund_rule.pk}/", change, format="json")

    for response in (created, changed):
        assert response.status_code == 422, response.json()
        assert response.json()["code"] == "rule_invalid"
        assert key in response.json()["fields"], response.json()
    assert (Rule.objects.count(), AuditEvent.objects.count()) == (rules, audits)
    refund_rule.refresh_from_db()
    assert refund_rule.conditions[0]["sets"] == ["refund_words_api"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (rule_body(name=""), "name"),
        (rule_body(event="whenever"), "event"),
        (rule_body(actions=[]), "actions"),
        (rule_body(actions="add_tags"), "actions"),
        (rule_body(conditions=[{"sets": ["x"]}]), "conditions.0.type"),
        (rule_body(conditions=[{"type": "no_such_condition"}]), "conditions.0.type"),
        (rule_body(conditions=["text"]), "conditions.0"),
        (rule_body(enabled="yes"), "enabled"),
        (rule_body(store="1"), "store"),
    ],
)
def test_malformed_rule_is_a_400_and_nothing_saved(client_for, supervisor, body, field):
    response = post(client_for(supervisor), "/api/rules/", body)

    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"], response.json()
    assert not Rule.objects.filter(name=body.get("name") or "").exists()
    assert not AuditEvent.objects.filter(object_type="rule").exists()


def test_nul_inside_a_condition_is_refused_not_a_server_error(client_for, supervisor, shopify_store):
    conditions = [{"type": "text", "sets": ["a\x00b"], "match": "any", "where": "all"}]
    body = rule_body(conditions=conditions, store=shopify_store.pk)

    response = post(client_for(supervisor), "/api/rules/", body)

    assert response.status_code == 422
    assert "conditions.0" in response.json()["fields"]


def test_agent_reads_no_rules_and_writes_none(client_for, agent, refund_rule):
    client = client_for(agent)

    assert client.get("/api/rules/").status_code == 403
    assert client.get(f"/api/rules/{refund_rule.pk}/").status_code == 403
    assert post(client, "/api/rules/", rule_body(name="Agent's")).status_code == 403
    assert client.patch(f"/api/rules/{refund_rule.pk}/", {"enabled": False}, format="json").status_code == 403
    assert client.delete(f"/api/rules/{refund_rule.pk}/").status_code == 403
    assert client.get("/api/keyword-sets/").status_code == 403
    assert post(client, "/api/keyword-sets/", keyword_set_body(name="agents")).status_code == 403
    refund_rule.refresh_from_db()
    assert refund_rule.enabled
    assert not Rule.objects.filter(name="Agent's").exists()


def test_rule_of_another_store_is_404_and_cannot_be_made(client_for, shopify_store, ebay_store):
    ebay_supervisor = factories.user_with_role("sup_ebay", factories.SUPERVISOR, stores=[ebay_store])
    shop_supervisor = factories.user_with_role("sup_shop", factories.SUPERVISOR, stores=[shopify_store])
    ebay = client_for(ebay_supervisor)
    assert post(ebay, "/api/keyword-sets/", keyword_set_body(store=ebay_store.pk)).status_code == 201
    rule_id = post(ebay, "/api/rules/", rule_body(store=ebay_store.pk)).json()["id"]
    shop = client_for(shop_supervisor)

    assert shop.get(f"/api/rules/{rule_id}/").status_code == 404
    assert shop.get(f"/api/rules/{rule_id}/").json() == shop.get("/api/rules/987654/").json()
    assert shop.patch(f"/api/rules/{rule_id}/", {"enabled": False}, format="json").status_code == 404
    assert shop.delete(f"/api/rules/{rule_id}/").status_code == 404
    assert rule_id not in [row["id"] for row in shop.get("/api/rules/").json()["results"]]
    made = post(shop, "/api/rules/", rule_body(store=ebay_store.pk))
    assert made.status_code == 422
    assert made.json()["fields"] == {"store": ["Not a store you are a member of."]}
    assert Rule.objects.filter(pk=rule_id, enabled=True).exists()


def test_rule_list_is_paged(client_for, supervisor, refund_rule):
    data = client_for(supervisor).get("/api/rules/?page_size=1").json()

    assert set(data) == {"next", "previous", "results"}
    assert len(data["results"]) <= 1


# --- keyword sets ------------------------------------------------------------------------------------
def test_keyword_set_create_update_delete_is_audited(client_for, supervisor, shopify_store):
    client = client_for(supervisor)

    created = post(client, "/api/keyword-sets/", keyword_set_body(store=shopify_store.pk))
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["keywords"][1] == {"text": "rückerstattung", "lang": "de", "mode": "prefix"}
    changed = client.patch(f"/api/keyword-sets/{pk}/", {"label": "Money back"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["label"] == "Money back"
    assert len(changed.json()["keywords"]) == 2
    assert AuditEvent.objects.filter(object_type="keywordset", object_id=pk).count() >= 2

    assert client.delete(f"/api/keyword-sets/{pk}/").status_code == 204
    assert not KeywordSet.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("keywords", "status"),
    [
        ([{"text": "refund", "lang": "en", "mode": "sometimes"}], 400),
        ([{"lang": "en"}], 400),
        ("refund", 400),
        ([{"text": "refund", "lang": "xx"}], 400),
        ([{"text": "\u200bx\u200b", "lang": "en"}], 422),
    ],
)
def test_malformed_keywords_are_refused_and_nothing_saved(client_for, supervisor, shopify_store, keywords, status):
    body = keyword_set_body(keywords=keywords, store=shopify_store.pk)
    response = post(client_for(supervisor), "/api/keyword-sets/", body)

    assert response.status_code == status, response.json()
    assert any(key.startswith("keywords") for key in response.json()["fields"])
    assert not KeywordSet.objects.filter(name="refund_words_api").exists()


def test_keyword_set_keeps_its_name_and_store_when_changed(client_for, supervisor, refund_rule):
    keyword_set = KeywordSet.objects.get(name="refund_words_api")
    body = {"keywords": [{"text": "money back", "lang": "en"}], "name": "other", "store": None}

    response = client_for(supervisor).put(f"/api/keyword-sets/{keyword_set.pk}/", body, format="json")

    assert response.status_code == 200, response.json()
    keyword_set.refresh_from_db()
    assert (keyword_set.name, keyword_set.store_id) == ("refund_words_api", refund_rule.store_id)
    assert keyword_set.keywords == [{"text": "money back", "lang": "en", "mode": "word"}]


def test_keyword_set_a_rule_names_is_not_deleted(client_for, supervisor, refund_rule):
    keyword_set = KeywordSet.objects.get(name="refund_words_api")

    response = client_for(supervisor).delete(f"/api/keyword-sets/{keyword_set.pk}/")

    assert response.status_code == 422
    assert response.json()["code"] == "keyword_set_in_use"
    assert KeywordSet.objects.filter(pk=keyword_set.pk).exists()


def test_only_an_administrator_or_a_member_of_every_store_writes_what_applies_to_every_store(
    client_for, supervisor, refund_rule
):
    factories.StoreFactory(name="A store the supervisor is no member of")
    client = client_for(supervisor)

    refused = post(client, "/api/rules/", rule_body(name="Everywhere", conditions=[]))
    refused_set = post(client, "/api/keyword-sets/", keyword_set_body(name="everywhere"))
    moved = client.patch(f"/api/rules/{refund_rule.pk}/", {"store": None}, format="json")

    assert (refused.status_code, refused_set.status_code, moved.status_code) == (403, 403, 403)
    assert not Rule.objects.filter(name="Everywhere").exists()
    assert not KeywordSet.objects.filter(name="everywhere").exists()
    root = factories.user_with_role("root", factories.ADMIN)
    root.is_superuser = True
    root.save()
    made = post(client_for(root), "/api/rules/", rule_body(name="Everywhere", conditions=[]))
    assert made.status_code == 201, made.json()
    assert made.json()["store"] is None
    assert client.get(f"/api/rules/{made.json()['id']}/").status_code == 200  # every supervisor reads it
