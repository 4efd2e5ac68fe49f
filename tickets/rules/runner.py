"""The real run of the triage rules on an event: once per rule and event, however often delivered.

``handle(event)`` loads the event's enabled rules in order, builds the ticket's facts and, for each
rule that matches, in one transaction: locks the ticket, inserts the ``RuleRun`` (unique on rule and
event id: a conflict means the rule already fired for this event, so nothing more is done) and
applies the rule's actions as the rule (actions.py). A failing action rolls that rule's run back
(the RuleRun with it) and is logged; ``handle`` raises ``RulesFailed`` once every rule had its turn,
so the task is retried and the rule gets another chance, while those that fired are skipped.

Event ids are deterministic (a redelivered message, a retried task find the same id): message
``msg:<id>``, new ticket ``ticket:<id>``, return ``rma:<id>``, refund ``refund:<id>``, SLA breached
``sla:<ticket>:<due iso>``, a person's edit ``update:<audit id>``, time-based ones
``<event>:<ticket>:<anchor iso>`` (clock.py).

Wiring: ``connect()`` (TicketsConfig.ready) listens to the domain events; each is handed to the
task ``tickets.run_rules`` on the "triage" queue, or, with ``AFTERSALES_TRIAGE_INLINE``, handled
in-process right after the commit that raised it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict

from django.conf import settings
from django.db import IntegrityError, transaction

from .. import events
from ..errors import DomainError
from ..locks import lock
from ..models import Message, Rule, RuleRun, Ticket
from ..models.rules import RuleEvent
from . import actions, engine, text
from .facts import Facts

log = logging.getLogger("tickets.rules")

TASK = "tickets.run_rules"
QUEUE = "triage"
# The events the rules hear of (time-based ones come from clock.py, which calls ``run`` itself).
LISTENED = (
    events.MESSAGE_RECEIVED,
    events.RETURN_REQUESTED,
    events.SLA_BREACHED,
    events.REFUND_REQUESTED,
    events.TICKET_UPDATED,
)


class RulesFailed(Exception):
    """Some rule's actions failed (rolled back, logged); a retry of the event gives them another go."""


# --- events ----------------------------------------------------------------------------------------


def as_event(value: events.Event | dict) -> events.Event:
    if isinstance(value, events.Event):
        return value
    return events.Event(
        name=value["name"],
        store_id=value["store_id"],
        ticket_id=value.get("ticket_id"),
        data=dict(value.get("data") or {}),
        id=value.get("id") or "",
    )


def as_dict(event: events.Event) -> dict:
    return asdict(event)


def event_id(event: events.Event) -> str:
    """The deterministic id of an event (see the module's docstring); the event's own id otherwise."""
    data = event.data
    if data.get("event_id"):
        return str(data["event_id"])[:100]
    if event.name == events.MESSAGE_RECEIVED and data.get("message_id"):
        return f"msg:{data['message_id']}"
    if event.name == events.RETURN_REQUESTED and data.get("rma_id"):
        return f"rma:{data['rma_id']}"
    if event.name == events.REFUND_REQUESTED and data.get("refund_id"):
        return f"refund:{data['refund_id']}"
    if event.name == events.SLA_BREACHED and data.get("due_at"):
        return f"sla:{event.ticket_id}:{data['due_at']}"[:100]
    if event.name == events.TICKET_UPDATED and data.get("audit_id"):
        return f"update:{data['audit_id']}"
    return str(event.id)[:100]


def created_event_id(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


# --- the run ---------------------------------------------------------------------------------------


def rules_for(name: str, store_id: int | None) -> list[Rule]:
    """The enabled rules of an event for a store (its own and the global ones), in order (cached
    per process by the engine until a rule changes)."""
    return list(engine.rules_for(name, store_id))


def _facts(ticket_id: int, message: Message | None) -> Facts:
    ticket = Ticket.objects.select_related("store", "customer", "order").get(pk=ticket_id)
    return Facts.for_ticket(ticket, message)


def _matches(facts: Facts, rule: Rule) -> bool:
    return engine.evaluate_rule(facts, rule).matched


def handle(event: events.Event | dict) -> int:
    """Run the rules of one event; returns how many rules fired (see the module's docstring)."""
    event = as_event(event)
    # The ticket's own store decides whose rules run, whatever the event says (a stale or forged
    # payload must not run another store's rules).
    store_id = Ticket.objects.filter(pk=event.ticket_id).values_list("store_id", flat=True).first()
    if event.ticket_id is None or store_id is None:
        return 0
    message = None
    if event.name == events.MESSAGE_RECEIVED:
        message = prepare_message(event.ticket_id, event.data.get("message_id"))
    failures: list[str] = []
    fired = 0
    if event.name == events.MESSAGE_RECEIVED and event.data.get("new_ticket"):
        fired += run(
            RuleEvent.TICKET_CREATED,
            ticket_id=event.ticket_id,
            store_id=store_id,
            event_id=created_event_id(event.ticket_id),
            message=message,
            failures=failures,
        )
    fired += run(
        event.name,
        ticket_id=event.ticket_id,
        store_id=store_id,
        event_id=event_id(event),
        message=message,
        failures=failures,
    )
    if failures:
        raise RulesFailed(f"{event.name} {event_id(event)}: rules {', '.join(failures)} failed")
    return fired


def run(
    name: str,
    *,
    ticket_id: int,
    store_id: int | None,
    event_id: str,
    message: Message | None = None,
    rules: Sequence[Rule] | None = None,
    failures: list[str] | None = None,
) -> int:
    """Evaluate ``rules`` (default: the event's enabled rules) on the ticket, in order, and fire
    each match once for ``event_id``; stop after a rule that says so. Returns rules fired."""
    rules = list(rules if rules is not None else rules_for(name, store_id))
    if not rules:
        return 0
    done = set(RuleRun.objects.filter(rule__in=rules, event_id=event_id).values_list("rule_id", flat=True))
    facts = None
    fired = 0
    for rule in rules:
        if rule.pk in done:  # fired for this event already (a redelivery, a retry)
            if rule.stop_after_match:
                break
            continue
        if facts is None:
            facts = _facts(ticket_id, message)
        if not _matches(facts, rule):
            continue
        try:
            if fire(rule, ticket_id=ticket_id, event_id=event_id, event=name, facts=facts):
                fired += 1
                facts = None  # the next rules see what this one changed
        except Exception:
            log.exception("rule %s (%s) failed on %s for ticket %s", rule.pk, rule.name, event_id, ticket_id)
            if failures is None:
                raise
            failures.append(str(rule.pk))
            if rule.stop_after_match:  # the retry fires it, and it stops the rules after it then too
                break
            continue
        if rule.stop_after_match:
            break
    return fired


def fire(rule: Rule, *, ticket_id: int, event_id: str, event: str, facts=None) -> bool:
    """Apply a matched rule once for ``event_id``: False when it already fired for it. Raises (and
    writes nothing) when an action fails."""
    with transaction.atomic():
        ticket = lock(Ticket, ticket_id)
        try:
            with transaction.atomic():  # a savepoint: the conflict must not end the transaction
                run = RuleRun.objects.create(
                    rule=rule, ticket=ticket, event_id=event_id[:100], event=event[:24], matched=True
                )
        except IntegrityError:
            return False
        applied = []
        for action in rule.actions or []:
            try:
                with transaction.atomic():
                    result = actions.apply(ticket, action, rule=rule, facts=facts)
            except DomainError as error:  # the service refused: nothing to retry, say why
                result = actions.skipped(str(error))
            applied.append({"type": action.get("type", ""), "result": str(result)})
            ticket.refresh_from_db()
        run.actions_applied = applied
        run.save(update_fields=["actions_applied"])
    return True


# --- before the rules of a message -----------------------------------------------------------------


def prepare_message(ticket_id: int, message_id) -> Message | None:
    """Detect the message's language (text.prepare): it becomes the message's original language
    and, when the ticket has none yet, the ticket's."""
    message = Message.objects.filter(pk=message_id, ticket_id=ticket_id).first() if message_id else None
    if message is None:
        return None
    subject = Ticket.objects.filter(pk=ticket_id).values_list("subject", flat=True).first() or ""
    language = text.prepare(subject, text.html_to_text(message.body)).language
    if language:
        with transaction.atomic():
            if message.original_language != language:
                Message.objects.filter(pk=message.pk).update(original_language=language)
                message.original_language = language
            Ticket.objects.filter(pk=ticket_id, language="").update(language=language)
    return message


# --- wiring ----------------------------------------------------------------------------------------


def inline() -> bool:
    return bool(getattr(settings, "AFTERSALES_TRIAGE_INLINE", False))


def listened_by_rules(event: events.Event) -> bool:
    """Whether any enabled rule hears of this event (the engine's cached rules): no task otherwise."""
    names = [event.name]
    if event.name == events.MESSAGE_RECEIVED and event.data.get("new_ticket"):
        names.append(RuleEvent.TICKET_CREATED)
    return any(rules_for(name, event.store_id) for name in names)


def on_event(event: events.Event) -> None:
    """The listener: the task on the triage queue, or the run itself when inline (tests, demo)."""
    if not listened_by_rules(event):
        return
    if inline():
        try:
            handle(event)
        except RulesFailed:
            log.warning("triage of %s left failed rules (logged above)", event.name)
        return
    from celery import current_app

    current_app.send_task(TASK, args=[as_dict(event)], queue=QUEUE)


def connect() -> None:
    for name in LISTENED:
        events.listen(name, on_event)
