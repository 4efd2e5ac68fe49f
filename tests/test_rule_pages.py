"""The rule pages: who may use them, store scoping, the form builder's saves and errors, reordering,
enabling, try it and simulate."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import KeywordSet, Rule, RuleRun
from tickets.services import rules as service

pytestmark = pytest.mark.django_db

PAGES = ["/rules/", "/rules/new/", "/rules/try/", "/rules/keywords/", "/rules/keywords/new/"]


@pytest.fixture
def sup_a(shopify_store):
    return factories.user_with_role("sup_a", factories.SUPERVISOR, stores=[shopify_store])


@pytest.fixture
def refund_words(db):
    # Named apart from the shipped default sets (migration 0017), which every test database has.
    return KeywordSet.objects.create(
        name="test_refund", label="Refund words", keywords=[{"text": "refund", "lang": "en", "mode": "word"}]
    )


def make_rule(actor, store, name="Tag refunds", event="message_received", **extra):
    return service.create_rule(
        actor=actor,
        name=name,
        event=event,
        store=store,
        conditions=extra.pop("conditions", [{"type": "has_order"}]),
        actions=extra.pop("actions", [{"type": "add_tags", "tags": ["refund"]}]),
        **extra,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def rule_form(name="Refund words", **extra):
    data = {
        "name": name,
        "event": "message_received",
        "conditions": ["c0"],
        "c0-type": "text",
        "c0-p-sets": ["test_refund"],
        "actions": ["a0"],
        "a0-type": "add_tags",
        "a0-p-tags": "refund-request, needs-reply",
        "enabled": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("url", PAGES)
def test_agents_and_finance_are_refused_every_rule_page(client, agent, finance, url):
    assert signed_in(client, agent).get(url).status_code == 403
    assert signed_in(client, finance).get(url).status_code == 403


def test_only_rule_editors_see_the_rules_link_in_the_top_bar(client, agent, supervisor):
    assert 'href="/rules/"' not in signed_in(client, agent).get("/inbox/").content.decode()
    assert 'href="/rules/"' in signed_in(client, supervisor).get("/inbox/").content.decode()


def test_the_list_groups_rules_by_event_with_their_runs_of_the_last_week(client, supervisor, shopify_store):
    tagged = make_rule(supervisor, shopify_store)
    make_rule(supervisor, shopify_store, name="Silent buyer", event="buyer_silent", threshold=3)
    ticket = factories.TicketFactory(store=shopify_store)
    for n in range(3):
        RuleRun.objects.create(rule=tagged, ticket=ticket, event_id=f"msg:{n}", event="message_received", matched=True)
    page = signed_in(client, supervisor).get("/rules/").content.decode()
    assert "Message received" in page and "No buyer reply for N days" in page
    assert "Tag refunds" in page and "Silent buyer" in page
    assert '<td class="c-runs num">3</td>' in page
    assert "Add tags: refund" in page  # the actions summary


def test_the_list_counts_runs_in_one_query(client, supervisor, shopify_store, django_assert_max_num_queries):
    for n in range(6):
        make_rule(supervisor, shopify_store, name=f"Rule {n}")
    signed_in(client, supervisor).get("/rules/")
    with django_assert_max_num_queries(14):
        assert client.get("/rules/").status_code == 200


def test_filters_keep_one_event_and_one_store(client, supervisor, shopify_store, ebay_store):
    make_rule(supervisor, shopify_store, name="Shopify rule")
    make_rule(supervisor, ebay_store, name="Ebay rule")
    page = signed_in(client, supervisor).get(f"/rules/?store={ebay_store.pk}").content.decode()
    assert "Ebay rule" in page and "Shopify rule" not in page
    page = client.get(f"/rules/?event=ticket_created&store={ebay_store.pk}").content.decode()
    assert "No rules match these filters." in page


def test_a_supervisor_of_store_a_neither_sees_nor_edits_store_b_rules(client, sup_a, supervisor, ebay_store):
    theirs = make_rule(supervisor, ebay_store, name="Ebay only")
    signed_in(client, sup_a)
    assert "Ebay only" not in client.get("/rules/").content.decode()
    assert client.get(f"/rules/{theirs.pk}/").status_code == 404
    assert client.post(f"/rules/{theirs.pk}/", rule_form(name="Taken")).status_code == 404
    assert client.post(f"/rules/{theirs.pk}/enabled/", {}).status_code == 404
    assert client.post(f"/rules/{theirs.pk}/move/", {"direction": "up"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.enabled) == ("Ebay only", True)


def test_a_supervisor_cannot_put_a_rule_in_a_store_they_are_not_in(client, sup_a, ebay_store, refund_words):
    response = signed_in(client, sup_a).post("/rules/new/", rule_form(store=str(ebay_store.pk)))
    assert response.status_code == 400
    assert "Choose one of your stores." in response.content.decode()
    assert not Rule.objects.filter(name="Refund words").exists()


def test_the_editor_saves_a_rule_built_from_rows(client, supervisor, shopify_store, refund_words):
    response = signed_in(client, supervisor).post("/rules/new/", rule_form(store=str(shopify_store.pk)))
    rule = Rule.objects.get(name="Refund words")
    assert response.status_code == 302 and response["Location"] == reverse("rule-edit", args=[rule.pk])
    assert rule.store == shopify_store and rule.enabled and rule.created_by == supervisor
    assert rule.conditions[0]["type"] == "text" and rule.conditions[0]["sets"] == ["test_refund"]
    assert rule.actions == [{"type": "add_tags", "tags": ["refund-request", "needs-reply"]}]
    page = client.get(response["Location"]).content.decode()
    assert 'value="test_refund" checked' in page and "refund-request, needs-reply" in page


def test_bad_input_is_shown_next_to_each_field_and_saves_nothing(client, supervisor, shopify_store, refund_words):
    data = rule_form(name="", store=str(shopify_store.pk), **{"c0-p-sets": ["no_such_set"], "a0-p-tags": ""})
    response = signed_in(client, supervisor).post("/rules/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert not Rule.objects.filter(store=shopify_store).exists()
    assert 'id="f-name-err"' in page  # the name's own message
    assert 'id="f-c0-p-sets-err"' in page  # on the condition row's keyword sets
    assert 'id="f-a0-p-tags-err"' in page  # on the action row's tags
    assert 'value="no_such_set" checked' in page  # what was typed stays


def test_a_time_based_event_asks_for_its_waiting_time(client, supervisor, shopify_store):
    data = {
        "name": "Nudge",
        "event": "buyer_silent",
        "store": str(shopify_store.pk),
        "actions": ["a0"],
        "a0-type": "add_tags",
        "a0-p-tags": "nudge",
    }
    response = signed_in(client, supervisor).post("/rules/new/", data)
    assert response.status_code == 400 and 'id="f-threshold-err"' in response.content.decode()
    response = client.post("/rules/new/", {**data, "threshold": "3"})
    assert response.status_code == 302 and Rule.objects.get(name="Nudge").threshold == 3


def test_editing_keeps_the_rule_and_changes_its_rows(client, supervisor, shopify_store, refund_words):
    rule = make_rule(supervisor, shopify_store)
    data = rule_form(name="Renamed", store=str(shopify_store.pk))
    data.pop("enabled")
    assert signed_in(client, supervisor).post(f"/rules/{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Renamed" and not rule.enabled and rule.conditions[0]["type"] == "text"


def test_the_enable_switch_answers_with_the_row(client, supervisor, shopify_store):
    rule = make_rule(supervisor, shopify_store, enabled=False)
    signed_in(client, supervisor)
    response = client.post(f"/rules/{rule.pk}/enabled/", {"enabled": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="rule-{rule.pk}"' in response.content.decode()
    assert "enabled" in response["HX-Trigger"]
    rule.refresh_from_db()
    assert rule.enabled
    client.post(f"/rules/{rule.pk}/enabled/", {}, HTTP_HX_REQUEST="true")
    rule.refresh_from_db()
    assert not rule.enabled


def test_rules_for_every_store_are_read_only_to_a_supervisor_of_some_stores(client, supervisor, shopify_store):
    factories.StoreFactory(name="A store the supervisor is no member of")
    admin = factories.user_with_role("root", factories.ADMIN)
    admin.is_superuser = True
    admin.save()
    everywhere = make_rule(admin, None, name="Everywhere")
    signed_in(client, supervisor)
    assert client.get(f"/rules/{everywhere.pk}/").status_code == 200
    assert client.post(f"/rules/{everywhere.pk}/enabled/", {}).status_code == 403
    everywhere.refresh_from_db()
    assert everywhere.enabled


def test_a_supervisor_of_every_store_disables_a_shipped_rule_from_the_list(client, supervisor, shopify_store):
    admin = factories.user_with_role("root", factories.ADMIN)
    admin.is_superuser = True
    admin.save()
    everywhere = make_rule(admin, None, name="Everywhere")
    signed_in(client, supervisor)
    answer = client.post(f"/rules/{everywhere.pk}/enabled/", {}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "disabled" in answer.content.decode()
    everywhere.refresh_from_db()
    assert not everywhere.enabled


def order_of(store, event="message_received"):
    """The store's own rules in order (they run interleaved with the shipped rules for every store)."""
    rows = Rule.objects.filter(event=event, store=store).order_by("position", "id")
    return list(rows.values_list("name", flat=True))


def test_move_up_and_down(client, supervisor, shopify_store):
    first, second, third = (make_rule(supervisor, shopify_store, name=n) for n in ("one", "two", "three"))
    signed_in(client, supervisor)
    response = client.post(f"/rules/{third.pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert order_of(shopify_store) == ["one", "three", "two"]
    client.post(f"/rules/{first.pk}/move/", {"direction": "down"})
    assert order_of(shopify_store) == ["three", "one", "two"]
    assert client.post(f"/rules/{first.pk}/move/", {"direction": "sideways"}).status_code == 400


def test_dragging_saves_the_new_order(client, supervisor, shopify_store):
    one, two, three = (make_rule(supervisor, shopify_store, name=n) for n in ("one", "two", "three"))
    signed_in(client, supervisor)
    response = client.post(
        "/rules/reorder/", {"rule": [two.pk, three.pk, one.pk], "moved": one.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert order_of(shopify_store) == ["two", "three", "one"]
    client.post("/rules/reorder/", {"rule": [three.pk, two.pk, one.pk], "moved": three.pk})
    assert order_of(shopify_store) == ["three", "two", "one"]


def test_a_type_chosen_in_a_row_swaps_in_its_fields(client, supervisor, refund_words):
    signed_in(client, supervisor)
    response = client.get("/rules/row/", {"section": "conditions", "key": "c4", "conditions": "c4", "c4-type": "text"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="c4-p-sets" value="test_refund"' in page and 'name="c4-not"' in page
    page = client.get("/rules/row/", {"section": "actions", "add": "1", "actions": ["a0", "a1"]}).content.decode()
    assert 'name="actions" value="a2"' in page
    money = client.get(
        "/rules/row/", {"section": "conditions", "key": "c0", "conditions": "c0", "c0-type": "order_total"}
    )
    assert 'name="c0-p-amount"' in money.content.decode() and '<option value="EUR"' in money.content.decode()


def test_try_it_shows_each_rule_and_condition_with_its_why(client, supervisor, shopify_store, refund_words):
    make_rule(supervisor, shopify_store, name="Refund tag", conditions=[{"type": "text", "sets": ["test_refund"]}])
    signed_in(client, supervisor)
    data = {"try-subject": "Order 1001", "try-text": "I want a refund please", "try-store": str(shopify_store.pk)}
    response = client.post("/rules/try/", data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Refund tag" in page and "matched" in page and "refund" in page
    assert 'class="tag">refund</span>' in page


def test_try_it_runs_the_draft_being_edited(client, supervisor, shopify_store, refund_words):
    signed_in(client, supervisor)
    data = rule_form(name="Draft rule", store=str(shopify_store.pk), draft="1")
    data.update({"try-text": "refund now", "try-subject": ""})
    page = client.post("/rules/try/", data, HTTP_HX_REQUEST="true").content.decode()
    assert "Draft rule" in page and "this draft" in page and "refund-request" in page
    assert not Rule.objects.filter(name="Draft rule").exists()


def test_try_it_refuses_another_stores_ticket(client, sup_a, ebay_store):
    ticket = factories.TicketFactory(store=ebay_store)
    signed_in(client, sup_a)
    response = client.post("/rules/try/", {"try-ticket": str(ticket.number)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and f"No ticket #{ticket.number}" in response.content.decode()


def test_simulate_lists_matching_tickets_and_writes_nothing(client, supervisor, shopify_store, refund_words):
    rules_before = Rule.objects.count()
    hit = factories.TicketFactory(store=shopify_store, subject="Refund please")
    factories.MessageFactory(ticket=hit, body="<p>I want a refund</p>")
    miss = factories.TicketFactory(store=shopify_store, subject="Hello")
    factories.MessageFactory(ticket=miss, body="<p>Where is it?</p>")
    signed_in(client, supervisor)
    data = rule_form(name="Sim", store=str(shopify_store.pk), days="30")
    response = client.post("/rules/simulate/", data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert f"#{hit.number}" in page and f"#{miss.number}" not in page
    assert "1 of 2 tickets would match." in page
    assert Rule.objects.count() == rules_before and not RuleRun.objects.exists()
    assert client.post("/rules/simulate/", {**data, "days": "0"}).status_code == 400


def test_keyword_sets_save_rows_and_show_errors_inline(client, supervisor, shopify_store):
    signed_in(client, supervisor)
    data = {
        "name": "test_delay",
        "store": str(shopify_store.pk),
        "enabled": "on",
        "keywords": ["k0", "k1"],
        "k0-text": "late",
        "k0-lang": "en",
        "k0-mode": "word",
        "k1-text": "verspätet",
        "k1-lang": "de",
        "k1-mode": "nonsense",
    }
    response = client.post("/rules/keywords/new/", data)
    assert response.status_code == 400 and not KeywordSet.objects.filter(name="test_delay").exists()
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.post("/rules/keywords/new/", {**data, "k1-mode": "prefix"})
    saved = KeywordSet.objects.get(name="test_delay")
    assert response.status_code == 302 and saved.store == shopify_store
    assert [k["text"] for k in saved.keywords] == ["late", "verspätet"]
    page = client.get("/rules/keywords/").content.decode()
    assert "test_delay" in page
    assert "verspätet" in client.get(f"/rules/keywords/{saved.pk}/").content.decode()
