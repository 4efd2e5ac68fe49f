"""On PostgreSQL, with real concurrent transactions: a rule fires once per event when two workers
run the same event at once, and when the same message is ingested twice."""

import threading

import pytest
from django.db import connection

from tests import factories
from tests.ingest_records import message
from tickets.models import AuditEvent, Message, Rule, RuleRun, Ticket
from tickets.rules.runner import handle
from tickets.services.ingest import ingest_records
from tickets.states import ActorKind

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 4


@pytest.fixture(autouse=True)
def only_this_tests_rules(db):
    Rule.objects.all().delete()  # the shipped default rules (migration 0017) would fire as well


def test_two_workers_with_the_same_event_fire_each_rule_once(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    msg = factories.MessageFactory(ticket=ticket)
    rule = Rule.objects.create(
        name="Tag it",
        event="message_received",
        actions=[{"type": "add_tags", "tags": ["seen"]}, {"type": "add_note", "body": "Seen by triage"}],
    )
    event = {
        "name": "message_received",
        "store_id": shopify_store.pk,
        "ticket_id": ticket.pk,
        "data": {"message_id": msg.pk},
    }
    start = threading.Barrier(THREADS)
    fired: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def work() -> None:
        try:
            start.wait()
            count = handle(event)
            with guard:
                fired.append(count)
        except BaseException as exc:  # reported below, so a failing thread fails the test
            with guard:
                errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert not errors
    assert sorted(fired) == [0] * (THREADS - 1) + [1]
    assert RuleRun.objects.filter(rule=rule).count() == 1
    assert Message.objects.filter(ticket=ticket, direction="note").count() == 1
    assert AuditEvent.objects.filter(action="ticket.tagged", actor_kind=ActorKind.RULE).count() == 1


def test_the_same_message_ingested_twice_fires_once(shopify_store, settings):
    settings.AFTERSALES_TRIAGE_INLINE = True  # the rules run right after each ingest commits
    rule = Rule.objects.create(name="Seen", event="message_received", actions=[{"type": "add_tags", "tags": ["seen"]}])
    created = Rule.objects.create(
        name="New", event="ticket_created", actions=[{"type": "add_tags", "tags": ["new-ticket"]}]
    )
    first = ingest_records(shopify_store, [message()])
    ingest_records(shopify_store, [message()])
    assert RuleRun.objects.filter(rule=rule).count() == 1
    assert RuleRun.objects.filter(rule=created).count() == 1
    ticket = Ticket.objects.get(pk=first[0].ticket_id)
    assert set(ticket.tags.values_list("name", flat=True)) == {"seen", "new-ticket"}
