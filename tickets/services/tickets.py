"""Ticket services: create, change status, assign, note, receive a buyer's message, auto-close."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..errors import DomainError
from ..locks import lock, lock_if_free, lock_ticket_thread
from ..models import Customer, Direction, Message, Order, Store, Ticket
from ..models.tickets import Priority, TicketReason, TicketType
from ..permissions import ensure_member, require
from ..sanitize import clean_html, preview
from ..states import TICKET, ActorKind, TicketStatus
from . import audit, sequences
from .transitions import transition

CHANGE = "tickets.change_ticket"
# Notes the system writes into the audit trail; stored in English, shown translated.
NOTE_NEW_MESSAGE = gettext_noop("new message")
NOTE_SILENCE = gettext_noop("no reply after resolution")


def create_ticket(
    *,
    store: Store,
    subject: str,
    actor=None,
    actor_kind: str | None = None,
    type: str = TicketType.INQUIRY,
    reason: str = "",
    priority: str = Priority.NORMAL,
    customer: Customer | None = None,
    order: Order | None = None,
    language: str = "",
    created_at: datetime | None = None,
    follow_up_of: Ticket | None = None,
) -> Ticket:
    if actor is not None:
        ensure_member(actor, store.pk)  # membership before roles: a foreign store is "not found"
        require(actor, "tickets.add_ticket")
    TicketType(type)
    if reason:
        TicketReason(reason)
    Priority(priority)
    now = created_at or timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=sequences.next_value("ticket"),
            store=store,
            subject=subject.strip()[:300],
            type=type,
            reason=reason,
            priority=priority,
            customer=customer,
            order=order,
            language=language,
            follow_up_of=follow_up_of,
            last_activity_at=now,
            status_changed_at=now,
        )
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now)
        ticket.created_at = now
        audit.record(
            actor=actor,
            actor_kind=actor_kind,
            action="ticket.created",
            obj=ticket,
            after={
                "status": ticket.status,
                "type": type,
                "reason": reason,
                "priority": priority,
                **({"follow_up_of": follow_up_of.number} if follow_up_of else {}),
            },
        )
    return ticket


def change_status(ticket: Ticket, status: str, *, actor, actor_kind: str | None = None, note: str = "") -> Ticket:
    """Move a ticket along its state machine (see tickets.states.TICKET)."""
    if actor is not None and audit.actor_kind_of(actor, actor_kind) == ActorKind.USER:
        ensure_member(actor, ticket.store_id)
        require(actor, CHANGE)
    changes = {"last_activity_at": timezone.now()}
    return transition(ticket, status, machine=TICKET, actor=actor, actor_kind=actor_kind, changes=changes, note=note)


def assign(ticket: Ticket, assignee, *, actor, actor_kind: str | None = None) -> Ticket:
    if actor is not None:
        ensure_member(actor, ticket.store_id)
        require(actor, CHANGE)
    if assignee is not None:
        ensure_member(assignee, ticket.store_id)
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        before = locked.assignee_id
        if before == (assignee.pk if assignee else None):
            return ticket
        locked.assignee = assignee
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=["assignee", "last_activity_at", "updated_at"])
        audit.record(
            actor=actor,
            actor_kind=actor_kind,
            action="ticket.assigned",
            obj=locked,
            before={"assignee": before},
            after={"assignee": locked.assignee_id},
        )
    ticket.assignee = assignee
    ticket.last_activity_at = locked.last_activity_at
    return ticket


def add_internal_note(ticket: Ticket, body: str, *, actor) -> Message:
    ensure_member(actor, ticket.store_id)
    require(actor, CHANGE)
    html = clean_html(body)
    if not preview(html).strip():
        raise DomainError(_("A note needs some text."))
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            ticket=ticket,
            store_id=ticket.store_id,
            direction=Direction.NOTE,
            author=actor,
            author_name=actor.get_full_name() or actor.get_username(),
            body=html,
            created_at=now,
        )
        Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=now)
        audit.record(actor=actor, action="ticket.note_added", obj=ticket, after={"message": message.pk})
    return message


def receive_message(
    ticket: Ticket,
    *,
    body_html: str,
    platform_message_id: str,
    author_name: str = "",
    language: str = "",
    received_at: datetime | None = None,
) -> tuple[Message, bool]:
    """Store a buyer's message once (however often it is delivered); it reopens the ticket.

    A closed ticket stays closed (its reports never change): the message opens a follow-up
    ticket linked to it, or joins the follow-up already open. ``message.ticket`` tells where it
    went. Returns the message and whether it was new.
    """
    received_at = received_at or timezone.now()
    html = clean_html(body_html)
    existing = Message.objects.filter(
        store_id=ticket.store_id, direction=Direction.INBOUND, platform_message_id=platform_message_id
    ).first()
    if existing and platform_message_id:
        return existing, False
    try:
        with transaction.atomic():
            ticket = lock_ticket_thread(ticket.pk)
            if ticket.status == TicketStatus.CLOSED:
                ticket = _follow_up_for(ticket, received_at=received_at, language=language)
            message = Message.objects.create(
                ticket=ticket,
                store_id=ticket.store_id,
                direction=Direction.INBOUND,
                author_name=author_name,
                body=html,
                original_language=language,
                platform_message_id=platform_message_id,
                created_at=received_at,
            )
            Ticket.objects.filter(pk=ticket.pk).update(
                last_message_at=received_at, last_activity_at=received_at, last_message_preview=preview(html, 200)
            )
            ticket.refresh_from_db()
            if TICKET.allows(ticket.status, TicketStatus.OPEN, ActorKind.BUYER) and ticket.status != TicketStatus.NEW:
                change_status(ticket, TicketStatus.OPEN, actor=None, actor_kind=ActorKind.BUYER, note=NOTE_NEW_MESSAGE)
    except IntegrityError:
        # A concurrent delivery of the same message won the unique key.
        return Message.objects.get(
            store_id=ticket.store_id, direction=Direction.INBOUND, platform_message_id=platform_message_id
        ), False
    return message, True


def _follow_up_for(closed: Ticket, *, received_at: datetime, language: str) -> Ticket:
    """The ticket a message on a closed ticket belongs in: its newest follow-up while that is
    still open, else a new follow-up linked to the newest closed one (called with the chain's
    first ticket locked, see locks.lock_ticket_thread)."""
    latest = closed
    while (newer := Ticket.objects.filter(follow_up_of=latest).order_by("-pk").first()) is not None:
        latest = newer
    if latest.pk != closed.pk:
        latest = lock(Ticket, latest.pk)
        if latest.status != TicketStatus.CLOSED:
            return latest
    return create_ticket(
        store=latest.store,
        subject=latest.subject,
        actor=None,
        actor_kind=ActorKind.BUYER,
        type=latest.type,
        reason=latest.reason,
        priority=latest.priority,
        customer=latest.customer,
        order=latest.order,
        language=language or latest.language,
        created_at=received_at,
        follow_up_of=latest,
    )


def close_silent_resolved(*, now: datetime | None = None) -> int:
    """Close resolved tickets the buyer has not answered for the configured silence."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.AUTO_CLOSE_RESOLVED_AFTER_HOURS)
    closed = 0
    due = Ticket.objects.filter(status=TicketStatus.RESOLVED, resolved_at__lte=cutoff).order_by("pk")
    for pk in due.values_list("pk", flat=True)[:500]:
        # The buyer may write between this select and the lock: that ticket is reopened (or being
        # written to right now) and is skipped; the others still close.
        with transaction.atomic():
            ticket = lock_if_free(Ticket, pk, status=TicketStatus.RESOLVED, resolved_at__lte=cutoff)
            if ticket is None:
                continue
            change_status(ticket, TicketStatus.CLOSED, actor=None, actor_kind=ActorKind.SYSTEM, note=NOTE_SILENCE)
        closed += 1
    return closed
