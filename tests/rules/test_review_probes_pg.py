"""Review probes (HR) on PostgreSQL: NUL bytes, concurrent round robin and clock sweeps."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tickets.errors import DomainError
from tickets.models import KeywordSet, Rule, RuleRun, Team, Ticket
from tickets.rules import clock, runner
from tickets.services import rules as rule_services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def only_this_tests_rules(db):
    Rule.objects.all().delete()


def in_threads(target, n):
    start = threading.Barrier(n)
    errors, results = [], []
    guard = threading.Lock()

    def work(i):
        try:
            start.wait()
            out = target(i)
            with guard:
                results.append(out)
        except BaseException as exc:
            with guard:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


@pytest.mark.parametrize(
    "field",
    ["name", "note", "sku"],
)
def test_a_nul_byte_in_a_rule_is_refused_by_the_service_with_a_domain_error(supervisor, shopify_store, field):
    name = "bad\x00name" if field == "name" else "ok"
    actions = [{"type": "add_note", "body": "a\x00b"}] if field == "note" else [{"type": "add_tags", "tags": ["x"]}]
    conditions = [{"type": "sku", "skus": ["A\x00B"]}] if field == "sku" else []
    with pytest.raises(DomainError):
        rule_services.create_rule(
            actor=supervisor,
            name=name,
            event="message_received",
            conditions=conditions,
            actions=actions,
            store=shopify_store,
        )
    assert not Rule.objects.exists()


def test_a_nul_byte_in_a_keyword_is_refused_with_a_domain_error(supervisor, shopify_store):
    with pytest.raises(DomainError):
        rule_services.save_keyword_set(
            actor=supervisor,
            name="nul_words",
            keywords=[{"text": "re\x00fund", "lang": "en", "mode": "word"}],
            store=shopify_store,
        )
    assert not KeywordSet.objects.filter(name="nul_words").exists()


def test_concurrent_round_robin_gives_two_tickets_to_two_people(shopify_store):
    team = Team.objects.create(name="Returns probe")
    people = [factories.user_with_role(f"rr{i}", factories.AGENT, stores=[shopify_store]) for i in range(2)]
    team.members.add(*people)
    rule = Rule.objects.create(name="rr", event="message_received", actions=[{"type": "assign_team", "team": team.pk}])
    tickets = [factories.TicketFactory(store=shopify_store) for _ in range(2)]
    msgs = [factories.MessageFactory(ticket=t) for t in tickets]

    def go(i):
        return runner.handle(
            {
                "name": "message_received",
                "store_id": shopify_store.pk,
                "ticket_id": tickets[i].pk,
                "data": {"message_id": msgs[i].pk},
            }
        )

    results, errors = in_threads(go, 2)
    assert not errors, errors
    assert RuleRun.objects.filter(rule=rule).count() == 2
    assignees = sorted(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("assignee_id", flat=True))
    assert assignees == sorted(p.pk for p in people)


def test_two_concurrent_clock_sweeps_fire_once(shopify_store):
    rule = Rule.objects.create(
        name="idle", event="no_activity", threshold=14, actions=[{"type": "add_note", "body": "idle"}]
    )
    ticket = factories.TicketFactory(store=shopify_store)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=timezone.now() - timedelta(days=20))
    now = timezone.now()
    results, errors = in_threads(lambda i: clock.sweep(now=now), 3)
    assert not errors, errors
    assert RuleRun.objects.filter(rule=rule).count() == 1
    assert ticket.messages.filter(direction="note").count() == 1


@pytest.mark.parametrize("field", ["name", "note"])
def test_the_rule_editor_page_answers_a_nul_byte_with_a_form_error_not_a_500(client, supervisor, shopify_store, field):
    from django.urls import reverse

    client.raise_request_exception = False
    client.force_login(supervisor)
    data = {
        "name": "bad\x00name" if field == "name" else "ok",
        "event": "message_received",
        "store": str(shopify_store.pk),
        "actions": "a0",
        "a0-type": "add_note",
        "a0-p-body": "a\x00b" if field == "note" else "fine",
    }
    response = client.post(reverse("rule-new"), data)
    assert response.status_code == 400
    assert not Rule.objects.exists()
