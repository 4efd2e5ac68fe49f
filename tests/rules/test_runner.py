"""The runner: a rule fires once per event, however often the event is delivered or retried."""

import pytest

from tests import factories
from tests.ingest_records import message
from tests.refund_setup import ask
from tickets import events
from tickets.models import AuditEvent, KeywordSet, Message, Rule, RuleRun, Ticket
from tickets.rules import runner
from tickets.rules.runner import RulesFailed, handle
from tickets.services import ticket_fields
from tickets.services.ingest import ingest_records, receive_platform_message
from tickets.states import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_this_tests_rules(db):
    Rule.objects.all().delete()  # the shipped default rules (migration 0017) would fire as well


@pytest.fixture(autouse=True)
def inline(settings):
    settings.AFTERSALES_TRIAGE_INLINE = True


def make_rule(name, event="message_received", *, conditions=(), actions=(), position=0, **kw):
    return Rule.objects.create(
        name=name,
        event=event,
        conditions=list(conditions),
        actions=list(actions) or [{"type": "add_tags", "tags": [name.lower().replace(" ", "-")]}],
        position=position,
        **kw,
    )


def tags(ticket_id):
    return set(Ticket.objects.get(pk=ticket_id).tags.values_list("name", flat=True))


def test_the_same_message_ingested_twice_fires_a_rule_once(shopify_store, django_capture_on_commit_callbacks):
    rule = make_rule("Inquiry seen", conditions=[{"type": "ticket_type", "values": ["inquiry"]}])
    with django_capture_on_commit_callbacks(execute=True):
        first = ingest_records(shopify_store, [message()])
    with django_capture_on_commit_callbacks(execute=True):
        ingest_records(shopify_store, [message()])
    with django_capture_on_commit_callbacks(execute=True):
        receive_platform_message(message(), store=shopify_store)
    run = RuleRun.objects.get(rule=rule)
    assert run.ticket_id == first[0].ticket_id and run.event_id.startswith("msg:")
    assert run.actions_applied == [{"type": "add_tags", "result": "tagged inquiry-seen"}]
    assert AuditEvent.objects.filter(action="ticket.tagged", actor_kind=ActorKind.RULE).count() == 1


def test_a_new_ticket_runs_its_created_rules_before_the_message_rules(
    shopify_store, django_capture_on_commit_callbacks
):
    created = make_rule("On create", event="ticket_created")
    received = make_rule("On message")
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_platform_message(message(), store=shopify_store)
    first, second = RuleRun.objects.order_by("pk")
    assert (first.rule, first.event_id) == (created, f"ticket:{result.ticket_id}")
    assert (second.rule, second.event) == (received, "message_received")
    # A second message on the same ticket is no new ticket: only the message rule runs.
    with django_capture_on_commit_callbacks(execute=True):
        receive_platform_message(message("<m2@example.com>", in_reply_to="<m1@example.com>"), store=shopify_store)
    assert RuleRun.objects.filter(rule=created).count() == 1
    assert RuleRun.objects.filter(rule=received).count() == 2


def test_a_retried_event_fires_each_rule_once(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    msg = factories.MessageFactory(ticket=ticket)
    rule = make_rule("Seen")
    event = {
        "name": "message_received",
        "store_id": shopify_store.pk,
        "ticket_id": ticket.pk,
        "data": {"message_id": msg.pk},
    }
    assert handle(event) == 1
    assert handle(event) == 0
    assert handle(runner.as_event(event)) == 0
    assert RuleRun.objects.get(rule=rule).event_id == f"msg:{msg.pk}"


def test_rules_run_in_order_and_stop_after_a_match_that_says_so(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    msg = factories.MessageFactory(ticket=ticket)
    make_rule("First", position=1)
    make_rule("Stopper", position=2, stop_after_match=True)
    make_rule("Never", position=3)
    event = {
        "name": "message_received",
        "store_id": shopify_store.pk,
        "ticket_id": ticket.pk,
        "data": {"message_id": msg.pk},
    }
    assert handle(event) == 2
    assert tags(ticket.pk) == {"first", "stopper"}
    assert handle(event) == 0  # the retry stops at the same place
    assert tags(ticket.pk) == {"first", "stopper"}


def test_a_later_rule_sees_what_an_earlier_one_changed(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    msg = factories.MessageFactory(ticket=ticket)
    make_rule("Typer", position=1, actions=[{"type": "set_type", "value": "return"}])
    make_rule("Return follower", position=2, conditions=[{"type": "ticket_type", "values": ["return"]}])
    handle(
        {
            "name": "message_received",
            "store_id": shopify_store.pk,
            "ticket_id": ticket.pk,
            "data": {"message_id": msg.pk},
        }
    )
    assert "return-follower" in tags(ticket.pk)


def test_a_rule_of_another_store_or_disabled_does_not_run(shopify_store, ebay_store):
    ticket = factories.TicketFactory(store=shopify_store)
    make_rule("Elsewhere", store=ebay_store)
    make_rule("Off", enabled=False)
    assert handle({"name": "message_received", "store_id": shopify_store.pk, "ticket_id": ticket.pk, "data": {}}) == 0


def test_a_failing_action_rolls_back_its_run_so_a_retry_applies_it(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    msg = factories.MessageFactory(ticket=ticket)
    other = make_rule("Fine", position=2)
    broken = make_rule(
        "Broken", position=1, actions=[{"type": "add_tags", "tags": ["half-done"]}, {"type": "no_such_action"}]
    )
    event = {
        "name": "message_received",
        "store_id": shopify_store.pk,
        "ticket_id": ticket.pk,
        "data": {"message_id": msg.pk},
    }
    with pytest.raises(RulesFailed):
        handle(event)
    assert not RuleRun.objects.filter(rule=broken).exists()
    assert tags(ticket.pk) == {"fine"}  # the broken rule's first action went with it; the next rule still ran
    broken.actions = [{"type": "add_tags", "tags": ["half-done"]}]
    broken.save()
    assert handle(event) == 1  # the retry: the repaired rule fires, the other is not applied twice
    assert tags(ticket.pk) == {"fine", "half-done"}
    assert RuleRun.objects.filter(rule=other).count() == 1


def test_a_refused_action_is_a_skip_with_its_reason(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    rule = make_rule(
        "Bad priority", actions=[{"type": "set_priority", "value": "extreme"}, {"type": "add_tags", "tags": ["ok"]}]
    )
    assert handle({"name": "message_received", "store_id": shopify_store.pk, "ticket_id": ticket.pk, "data": {}}) == 1
    results = [a["result"] for a in RuleRun.objects.get(rule=rule).actions_applied]
    assert results[0].startswith("skipped") and "extreme" in results[0]
    assert tags(ticket.pk) == {"ok"}


def test_a_persons_edit_raises_ticket_updated_and_a_rules_edit_does_not(
    shopify_store, agent, django_capture_on_commit_callbacks
):
    ticket = factories.TicketFactory(store=shopify_store)
    rule = make_rule(
        "Urgent escalates",
        event="ticket_updated",
        conditions=[{"type": "priority", "values": ["urgent"]}],
        actions=[{"type": "add_tags", "tags": ["urgent-seen"]}, {"type": "set_priority", "value": "high"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_fields.set_priority(ticket, "urgent", actor=agent)
    run = RuleRun.objects.get(rule=rule)
    assert run.event_id.startswith("update:")
    ticket.refresh_from_db()
    assert ticket.priority == "high"  # the rule's own change raised nothing: no loop
    assert RuleRun.objects.count() == 1


def test_a_refund_request_raises_refund_requested(order, shopify_store, agent, django_capture_on_commit_callbacks):
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
    rule = make_rule("Refund asked", event="refund_requested")
    with django_capture_on_commit_callbacks(execute=True):
        refund = ask(ticket, agent, amount="10.00")
    assert RuleRun.objects.get(rule=rule).event_id == f"refund:{refund.pk}"


def test_sla_breached_has_one_id_per_due_time(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    rule = make_rule("Breach", event="sla_breached")
    event = events.Event("sla_breached", shopify_store.pk, ticket.pk, {"due_at": "2026-12-01T10:00:00+00:00"})
    assert handle(event) == 1
    assert (
        handle(events.Event("sla_breached", shopify_store.pk, ticket.pk, {"due_at": "2026-12-01T10:00:00+00:00"})) == 0
    )
    assert (
        handle(events.Event("sla_breached", shopify_store.pk, ticket.pk, {"due_at": "2026-12-02T10:00:00+00:00"})) == 1
    )
    assert RuleRun.objects.filter(rule=rule).count() == 2


def test_the_task_runs_the_rules_of_an_event_dict(shopify_store):
    from tickets.tasks import run_rules

    ticket = factories.TicketFactory(store=shopify_store)
    msg = factories.MessageFactory(ticket=ticket)
    make_rule("Via task")
    event = runner.as_dict(events.Event("message_received", shopify_store.pk, ticket.pk, {"message_id": msg.pk}))
    assert run_rules.run(event) == 1
    assert run_rules.run(event) == 0


def test_the_task_goes_to_the_triage_queue_and_the_clock_runs_every_five_minutes():
    from aftersales.celery import app

    assert app.amqp.router.route({}, "tickets.run_rules")["queue"].name == "triage"
    assert app.amqp.router.route({}, "tickets.triage_clock")["queue"].name == "triage"
    entry = app.conf.beat_schedule["triage-clock"]
    assert entry["task"] == "tickets.triage_clock" and entry["schedule"].minute == set(range(0, 60, 5))


def test_the_listener_sends_the_event_to_the_task_unless_inline(settings, shopify_store):
    # inline (tests, demo): handled in-process; otherwise only queued (the worker handles it)
    assert runner.inline()
    settings.AFTERSALES_TRIAGE_INLINE = False
    assert not runner.inline()
    assert runner.on_event in events._listeners[events.MESSAGE_RECEIVED]
    assert all(runner.on_event in events._listeners[name] for name in runner.LISTENED)


def test_a_german_message_sets_the_language_then_matches_its_words(shopify_store, django_capture_on_commit_callbacks):
    KeywordSet.objects.create(
        name="my_refund_words", keywords=[{"text": "rückerstattung", "lang": "de", "mode": "prefix"}]
    )
    make_rule(
        "Refund words",
        conditions=[{"type": "text", "sets": ["my_refund_words"], "match": "any", "where": "all"}],
        actions=[{"type": "add_tags", "tags": ["rma-request"]}, {"type": "set_type", "value": "refund"}],
    )
    body = "<p>Guten Tag, ich bitte um die Rückerstattung meiner Bestellung, die Jacke passt leider nicht.</p>"
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_platform_message(message(body_html=body, subject="Bestellung"), store=shopify_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.language == "de" and Message.objects.get(ticket=ticket).original_language == "de"
    assert tags(ticket.pk) == {"rma-request"} and ticket.type == "refund"
    assert AuditEvent.objects.filter(ticket=ticket, action="ticket.type_changed", note="Rule ‹Refund words›").exists()


def test_a_persons_status_change_and_assignment_are_updates_too(
    shopify_store, agent, django_capture_on_commit_callbacks
):
    from tickets.services.tickets import assign, change_status

    ticket = factories.TicketFactory(store=shopify_store)
    rule = make_rule("Any update", event="ticket_updated")
    with django_capture_on_commit_callbacks(execute=True):
        change_status(ticket, "open", actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        assign(ticket, agent, actor=agent)
    assert RuleRun.objects.filter(rule=rule).count() == 2  # one per edit: each its own audit row's id
    with django_capture_on_commit_callbacks(execute=True):
        change_status(ticket, "waiting_customer", actor=None, actor_kind=ActorKind.SYSTEM)
    assert RuleRun.objects.filter(rule=rule).count() == 2  # the system's move is no person's edit
