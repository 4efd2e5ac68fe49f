"""Ticket state machine through its services: every allowed move, refused moves, permissions,
and the services around a ticket's life (create, a buyer's message, auto-close)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.transitions import assert_moved_and_recorded, audit_events_for, row
from tickets.errors import IllegalTransition, NotFound, PermissionDenied
from tickets.models import AuditEvent, Direction, Message, Ticket
from tickets.services.tickets import (
    add_internal_note,
    assign,
    change_status,
    close_silent_resolved,
    create_ticket,
    receive_message,
)
from tickets.states import TICKET, ActorKind, TicketStatus

pytestmark = pytest.mark.django_db


USER, BUYER, RULE, SYSTEM = ActorKind.USER, ActorKind.BUYER, ActorKind.RULE, ActorKind.SYSTEM
T = TicketStatus


def ticket_in(status: str, store, **fields) -> Ticket:
    """A ticket already in ``status``, with the stamps a ticket in that state would carry."""
    now = timezone.now()
    if status in (T.RESOLVED, T.CLOSED):
        fields.setdefault("resolved_at", now - timedelta(hours=1))
    if status == T.CLOSED:
        fields.setdefault("closed_at", now - timedelta(minutes=30))
    return factories.TicketFactory(store=store, status=status, **fields)


# --- every allowed move ------------------------------------------------------------------------

ALLOWED = [
    pytest.param(source, target, kind, id=f"{source}->{target}-by-{kind}")
    for source, target, kinds in TICKET.moves()
    for kind in sorted(kinds)
]


@pytest.mark.parametrize(("source", "target", "kind"), ALLOWED)
def test_allowed_ticket_move_changes_status_stamps_and_writes_one_audit_event(
    source, target, kind, agent, shopify_store
):
    ticket = ticket_in(source, shopify_store)
    actor = agent if kind == USER else None
    events_before = AuditEvent.objects.count()
    started = timezone.now()

    change_status(ticket, target, actor=actor, actor_kind=None if kind == USER else kind)

    assert_moved_and_recorded(
        ticket,
        machine=TICKET,
        source=source,
        target=target,
        actor=actor,
        kind=kind,
        store=shopify_store,
        started=started,
        events_before=events_before,
    )


def test_change_status_updates_the_callers_object_in_place(agent, shopify_store):
    ticket = ticket_in(T.NEW, shopify_store)

    change_status(ticket, T.OPEN, actor=agent)

    assert ticket.status == T.OPEN
    assert ticket.status_changed_at is not None


def test_resolving_records_the_resolution_time_in_the_audit_trail(agent, shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    change_status(ticket, T.RESOLVED, actor=agent)

    event = audit_events_for(ticket).get()
    assert event.before["resolved_at"] is None
    assert event.after["resolved_at"] == ticket.resolved_at.isoformat()


# --- refused moves -----------------------------------------------------------------------------

REFUSED = [
    pytest.param(T.CLOSED, T.OPEN, USER, id="closed->open-by-user"),
    pytest.param(T.CLOSED, T.OPEN, BUYER, id="closed->open-by-buyer"),
    pytest.param(T.CLOSED, T.RESOLVED, SYSTEM, id="closed->resolved-by-system"),
    pytest.param(T.NEW, T.CLOSED, USER, id="new->closed-by-user"),
    pytest.param(T.NEW, T.CLOSED, SYSTEM, id="new->closed-by-system"),
    pytest.param(T.OPEN, T.CLOSED, BUYER, id="open->closed-by-buyer"),
    pytest.param(T.WAITING_CUSTOMER, T.CLOSED, SYSTEM, id="waiting_customer->closed-by-system"),
    pytest.param(T.OPEN, T.NEW, USER, id="open->new-by-user"),
    pytest.param(T.OPEN, T.OPEN, USER, id="open->open-by-user"),
    pytest.param(T.RESOLVED, T.CLOSED, USER, id="resolved->closed-by-user"),
    pytest.param(T.RESOLVED, T.CLOSED, RULE, id="resolved->closed-by-rule"),
    pytest.param(T.RESOLVED, T.WAITING_CUSTOMER, USER, id="resolved->waiting_customer-by-user"),
    pytest.param(T.OPEN, T.RESOLVED, BUYER, id="open->resolved-by-buyer"),
    pytest.param(T.OPEN, "archived", USER, id="open->unknown-state-by-user"),
]


@pytest.mark.parametrize(("source", "target", "kind"), REFUSED)
def test_refused_ticket_move_raises_and_changes_nothing(source, target, kind, agent, shopify_store):
    ticket = ticket_in(source, shopify_store)
    actor = agent if kind == USER else None
    before = row(ticket)
    events_before = AuditEvent.objects.count()

    with pytest.raises(IllegalTransition):
        change_status(ticket, target, actor=actor, actor_kind=None if kind == USER else kind)

    assert row(ticket) == before
    assert AuditEvent.objects.count() == events_before


def test_agent_cannot_close_a_resolved_ticket(agent, shopify_store):
    ticket = ticket_in(T.RESOLVED, shopify_store)

    with pytest.raises(IllegalTransition) as raised:
        change_status(ticket, T.CLOSED, actor=agent)

    ticket.refresh_from_db()
    assert ticket.status == T.RESOLVED
    assert ticket.closed_at is None
    assert raised.value.params == {"source": T.RESOLVED, "target": T.CLOSED}
    assert not audit_events_for(ticket).exists()


def test_supervisor_cannot_close_a_resolved_ticket_either(supervisor, shopify_store):
    ticket = ticket_in(T.RESOLVED, shopify_store)

    with pytest.raises(IllegalTransition):
        change_status(ticket, T.CLOSED, actor=supervisor)

    ticket.refresh_from_db()
    assert ticket.status == T.RESOLVED


def test_a_stale_copy_does_not_bypass_the_table(agent, shopify_store):
    ticket = ticket_in(T.CLOSED, shopify_store)
    stale = Ticket.objects.get(pk=ticket.pk)
    stale.status = T.RESOLVED  # what the caller believes; the stored row says closed

    with pytest.raises(IllegalTransition):
        change_status(stale, T.OPEN, actor=agent)

    ticket.refresh_from_db()
    assert ticket.status == T.CLOSED


# --- permissions -------------------------------------------------------------------------------


def test_finance_cannot_change_a_ticket_status(finance, shopify_store):
    ticket = ticket_in(T.NEW, shopify_store)
    before = row(ticket)

    with pytest.raises(PermissionDenied):
        change_status(ticket, T.OPEN, actor=finance)

    assert row(ticket) == before
    assert not AuditEvent.objects.exists()


def test_finance_cannot_assign_a_ticket(finance, agent, shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)
    before = row(ticket)

    with pytest.raises(PermissionDenied):
        assign(ticket, agent, actor=finance)

    assert row(ticket) == before
    assert not AuditEvent.objects.exists()


def test_finance_cannot_add_a_note(finance, shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    with pytest.raises(PermissionDenied):
        add_internal_note(ticket, "<p>Looks fine to me</p>", actor=finance)

    assert not Message.objects.filter(ticket=ticket).exists()
    assert not AuditEvent.objects.exists()


def test_agent_of_another_store_gets_not_found_from_change_status(other_agent, shopify_store):
    ticket = ticket_in(T.NEW, shopify_store)
    before = row(ticket)

    with pytest.raises(NotFound):
        change_status(ticket, T.OPEN, actor=other_agent)

    assert row(ticket) == before
    assert not AuditEvent.objects.exists()


def test_a_user_move_without_a_user_is_refused(shopify_store):
    ticket = ticket_in(T.NEW, shopify_store)
    before = row(ticket)

    with pytest.raises(NotFound):
        change_status(ticket, T.OPEN, actor=None, actor_kind=USER)

    assert row(ticket) == before
    assert not AuditEvent.objects.exists()


def test_agent_cannot_assign_a_ticket_to_someone_outside_the_store(agent, other_agent, shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    with pytest.raises(NotFound):
        assign(ticket, other_agent, actor=agent)

    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not AuditEvent.objects.exists()


def test_agent_assigns_a_ticket_with_an_audit_event(agent, supervisor, shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    assign(ticket, supervisor, actor=agent)

    ticket.refresh_from_db()
    assert ticket.assignee == supervisor
    event = audit_events_for(ticket).get()
    assert (event.action, event.actor, event.before, event.after) == (
        "ticket.assigned",
        agent,
        {"assignee": None},
        # The name as it was: the timeline shows it without asking for the user again.
        {"assignee": supervisor.pk, "assignee_name": supervisor.get_full_name() or supervisor.get_username()},
    )


def test_agent_note_is_sanitized_and_audited(agent, shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    message = add_internal_note(ticket, '<p onclick="x()">Called the carrier</p><script>1</script>', actor=agent)

    assert message.direction == Direction.NOTE
    assert message.body == "<p>Called the carrier</p>"
    assert audit_events_for(ticket).get().action == "ticket.note_added"


# --- a buyer's message -------------------------------------------------------------------------


def test_receive_message_stores_a_platform_message_once(shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    first, first_created = receive_message(ticket, body_html="<p>Hello?</p>", platform_message_id="m-1")
    second, second_created = receive_message(ticket, body_html="<p>Hello?</p>", platform_message_id="m-1")

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert Message.objects.filter(store=shopify_store, platform_message_id="m-1").count() == 1


@pytest.mark.parametrize("source", [T.RESOLVED, T.WAITING_CUSTOMER, T.WAITING_WAREHOUSE])
def test_receive_message_reopens_the_ticket_as_the_buyer(source, shopify_store):
    ticket = ticket_in(source, shopify_store)

    receive_message(ticket, body_html="<p>It still has not arrived.</p>", platform_message_id="m-2")

    ticket.refresh_from_db()
    assert ticket.status == T.OPEN
    event = audit_events_for(ticket).get()
    assert event.action == "ticket.status_changed"
    assert event.actor is None
    assert event.actor_kind == BUYER
    assert (event.before["status"], event.after["status"]) == (source, T.OPEN)


def test_receive_message_leaves_a_new_ticket_new(shopify_store):
    ticket = ticket_in(T.NEW, shopify_store)

    receive_message(ticket, body_html="<p>One more thing</p>", platform_message_id="m-3")

    ticket.refresh_from_db()
    assert ticket.status == T.NEW
    assert not audit_events_for(ticket).exists()


def test_a_redelivered_message_does_not_reopen_the_ticket_again(agent, shopify_store):
    ticket = ticket_in(T.WAITING_CUSTOMER, shopify_store)
    receive_message(ticket, body_html="<p>Hi</p>", platform_message_id="m-4")
    change_status(ticket, T.WAITING_CUSTOMER, actor=agent)

    receive_message(ticket, body_html="<p>Hi</p>", platform_message_id="m-4")

    ticket.refresh_from_db()
    assert ticket.status == T.WAITING_CUSTOMER


def test_receive_message_sanitizes_the_body(shopify_store):
    ticket = ticket_in(T.OPEN, shopify_store)

    message, _ = receive_message(
        ticket,
        body_html='<p>Hi</p><script>alert(1)</script><img src=x onerror="alert(2)">',
        platform_message_id="m-5",
    )

    message.refresh_from_db()
    assert "<script" not in message.body
    assert "alert" not in message.body
    assert "onerror" not in message.body
    assert "<p>Hi</p>" in message.body
    ticket.refresh_from_db()
    assert ticket.last_message_preview == "Hi"


def test_same_platform_message_id_in_another_store_is_a_different_message(shopify_store, ebay_store):
    mine = ticket_in(T.OPEN, shopify_store)
    theirs = ticket_in(T.OPEN, ebay_store)

    _, created_here = receive_message(mine, body_html="<p>a</p>", platform_message_id="m-6")
    _, created_there = receive_message(theirs, body_html="<p>b</p>", platform_message_id="m-6")

    assert created_here and created_there
    assert Message.objects.filter(platform_message_id="m-6").count() == 2


# --- auto-close after silence ------------------------------------------------------------------


def test_close_silent_resolved_closes_only_tickets_resolved_longer_than_the_silence(settings, shopify_store):
    settings.AUTO_CLOSE_RESOLVED_AFTER_HOURS = 48
    now = timezone.now()
    silent = ticket_in(T.RESOLVED, shopify_store, resolved_at=now - timedelta(hours=49))
    recent = ticket_in(T.RESOLVED, shopify_store, resolved_at=now - timedelta(hours=47))
    waiting = ticket_in(T.WAITING_CUSTOMER, shopify_store, resolved_at=now - timedelta(hours=100))

    closed = close_silent_resolved(now=now)

    assert closed == 1
    for ticket in (silent, recent, waiting):
        ticket.refresh_from_db()
    assert silent.status == T.CLOSED
    assert silent.closed_at is not None
    assert recent.status == T.RESOLVED
    assert waiting.status == T.WAITING_CUSTOMER
    event = audit_events_for(silent).get()
    assert (event.actor, event.actor_kind, event.after["status"]) == (None, SYSTEM, T.CLOSED)
    assert not audit_events_for(recent).exists()


def test_close_silent_resolved_follows_the_configured_hours(settings, shopify_store):
    settings.AUTO_CLOSE_RESOLVED_AFTER_HOURS = 1
    ticket = ticket_in(T.RESOLVED, shopify_store, resolved_at=timezone.now() - timedelta(hours=2))

    assert close_silent_resolved() == 1

    ticket.refresh_from_db()
    assert ticket.status == T.CLOSED


# --- creating a ticket -------------------------------------------------------------------------


def test_create_ticket_allocates_increasing_numbers(agent, shopify_store):
    first = create_ticket(store=shopify_store, subject="Wrong size", actor=agent)
    second = create_ticket(store=shopify_store, subject="Broken zip", actor=agent)

    assert second.number > first.number
    assert Ticket.objects.filter(number__in=[first.number, second.number]).count() == 2


def test_create_ticket_writes_a_created_audit_event(agent, shopify_store):
    ticket = create_ticket(store=shopify_store, subject="  Wrong size  ", actor=agent, type="return", reason="size")

    assert ticket.status == T.NEW
    assert ticket.subject == "Wrong size"
    event = audit_events_for(ticket).get()
    assert event.action == "ticket.created"
    assert event.actor == agent
    assert event.actor_kind == USER
    assert event.after == {"status": T.NEW, "type": "return", "reason": "size", "priority": "normal"}


def test_create_ticket_by_the_system_has_no_actor(shopify_store):
    ticket = create_ticket(store=shopify_store, subject="From the platform")

    event = audit_events_for(ticket).get()
    assert (event.actor, event.actor_kind) == (None, SYSTEM)


def test_finance_cannot_create_a_ticket(finance, shopify_store):
    with pytest.raises(PermissionDenied):
        create_ticket(store=shopify_store, subject="Not mine to open", actor=finance)

    assert not Ticket.objects.exists()
    assert not AuditEvent.objects.exists()


def test_create_ticket_refuses_an_unknown_type(agent, shopify_store):
    with pytest.raises(ValueError):
        create_ticket(store=shopify_store, subject="?", actor=agent, type="teleport")

    assert not Ticket.objects.exists()


def test_a_person_cannot_pass_a_change_off_as_the_system(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, status="resolved")
    with pytest.raises(ValueError):
        change_status(ticket, "closed", actor=agent, actor_kind="system")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert not AuditEvent.objects.filter(ticket=ticket).exists()
