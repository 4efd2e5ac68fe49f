"""Ticket services: create, change status, assign, note, receive a buyer's message, auto-close."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..errors import DomainError
from ..events import TICKET_UPDATED
from ..locks import lock, lock_if_free, lock_ticket_thread
from ..models import AuditEvent, Customer, Direction, Message, Order, Store, Ticket
from ..models.notifications import NotificationKind
from ..models.tickets import Channel, Priority, TicketReason, TicketType
from ..permissions import ensure_allowed, ensure_member, require
from ..sanitize import clean_html, preview
from ..states import TICKET, ActorKind, TicketStatus
from . import audit, notifications, search_index, sequences, sla
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
    channel: str = "",
    awaiting_order_external_id: str = "",
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
        ticket = new_ticket(
            number=sequences.next_value("ticket"),
            store=store,
            subject=subject,
            type=type,
            reason=reason,
            priority=priority,
            customer=customer,
            order=order,
            language=language,
            follow_up_of=follow_up_of,
            channel=channel,
            created_at=now,
        )
        ticket.awaiting_order_external_id = awaiting_order_external_id[:128]
        sla.stamp_new([ticket], now=now)
        insert_tickets([ticket])
        created_audit(ticket, actor=actor, actor_kind=actor_kind).save(force_insert=True)
    return ticket


def new_ticket(
    *,
    number: int,
    store: Store,
    subject: str,
    type: str = TicketType.INQUIRY,
    reason: str = "",
    priority: str = Priority.NORMAL,
    customer: Customer | None = None,
    order: Order | None = None,
    language: str = "",
    follow_up_of: Ticket | None = None,
    channel: str = "",
    created_at: datetime,
) -> Ticket:
    """The ticket ``create_ticket`` writes, unsaved (bulk ingest builds its new tickets here too)."""
    ticket = Ticket(
        number=number,
        store=store,
        subject=subject.strip()[:300],
        type=type,
        reason=reason,
        priority=priority,
        customer=customer,
        order=order,
        language=language,
        follow_up_of=follow_up_of,
        **({"channel": Channel(channel).value} if channel else {}),
        last_activity_at=created_at,
        status_changed_at=created_at,
    )
    ticket.created_at = created_at
    return ticket


def insert_tickets(tickets: list[Ticket]) -> None:
    """Insert new tickets as built, ``created_at`` included, and set their pks.

    ``created_at`` is auto_now_add, which a normal save or bulk_create overwrites with now; a
    raw insert keeps the time the buyer wrote, with no second UPDATE per ticket."""
    if not tickets:
        return
    now = timezone.now()
    for ticket in tickets:
        ticket.updated_at = now
        if ticket.created_at is None:
            ticket.created_at = now
    opts = Ticket._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, tickets) or len(tickets)
    for start in range(0, len(tickets), size):
        chunk = tickets[start : start + size]
        rows = Ticket._base_manager._insert(chunk, fields=fields, returning_fields=opts.db_returning_fields, raw=True)
        for ticket, row in zip(chunk, rows, strict=True):
            ticket.pk = row[0]
            ticket._state.adding = False
            ticket._state.db = connection.alias


def created_audit(ticket: Ticket, *, actor=None, actor_kind: str | None = None) -> AuditEvent:
    """The "ticket.created" audit row of a new ticket, unsaved: one shape for every path."""
    return audit.build(
        actor=actor,
        actor_kind=actor_kind,
        action="ticket.created",
        obj=ticket,
        after={
            "status": ticket.status,
            "type": ticket.type,
            "reason": ticket.reason,
            "priority": ticket.priority,
            **({"follow_up_of": ticket.follow_up_of.number} if ticket.follow_up_of_id else {}),
        },
    )


def change_status(ticket: Ticket, status: str, *, actor, actor_kind: str | None = None, note: str = "") -> Ticket:
    """Move a ticket along its state machine (see tickets.states.TICKET)."""
    if actor is not None and audit.actor_kind_of(actor, actor_kind) == ActorKind.USER:
        ensure_member(actor, ticket.store_id)
        require(actor, CHANGE)
    changes = {"last_activity_at": timezone.now()}
    with transaction.atomic():
        moved = transition(
            ticket, status, machine=TICKET, actor=actor, actor_kind=actor_kind, changes=changes, note=note
        )
        sla.refresh_sla(moved)
        if actor is not None:  # a person's move: the rules hear of it (a rule's own never)
            from ..rules.runner import rules_for
            from .ticket_fields import announce_update

            if rules_for(TICKET_UPDATED, moved.store_id):
                event = AuditEvent.objects.filter(ticket=moved, action="ticket.status_changed").order_by("-pk").first()
                if event is not None:
                    announce_update(moved, event, actor_kind=actor_kind, changed=["status"])
    return moved


def assign(ticket: Ticket, assignee, *, actor, actor_kind: str | None = None, note: str = "", team=None) -> Ticket:
    """Give the ticket to ``assignee`` (None: nobody). ``team``: the team it goes to as well (a
    rule's round robin names the team it picked from; its audit row says which, see
    rules.actions.next_in_team)."""
    if actor is not None:
        ensure_member(actor, ticket.store_id)
        require(actor, CHANGE)
    if assignee is not None:
        ensure_member(assignee, ticket.store_id)
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        before = locked.assignee_id
        same_team = team is None or locked.team_id == team.pk
        if before == (assignee.pk if assignee else None) and same_team:
            return ticket
        locked.assignee = assignee
        fields = ["assignee", "last_activity_at", "updated_at"]
        if not same_team:
            locked.team = team
            fields.append("team")
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=fields)
        event = audit.record(
            actor=actor,
            actor_kind=actor_kind,
            action="ticket.assigned",
            obj=locked,
            before={"assignee": before},
            after={
                "assignee": locked.assignee_id,
                "assignee_name": (assignee.get_full_name() or assignee.get_username()) if assignee else "",
                **({"team": team.pk, "team_name": team.name} if team is not None else {}),
            },
            note=note,
        )
        if assignee is not None and assignee.pk != before:  # not when assigning oneself (notify leaves the actor out)
            notifications.notify(
                [assignee],
                NotificationKind.ASSIGNED,
                ticket=locked,
                detail=(actor.get_full_name() or actor.get_username()) if actor else note,
                actor=actor,
            )
        if actor is not None:
            from .ticket_fields import announce_update

            announce_update(locked, event, actor_kind=actor_kind, changed=["assignee"])
    ticket.assignee = assignee
    ticket.team = locked.team
    ticket.last_activity_at = locked.last_activity_at
    return ticket


def add_internal_note(ticket: Ticket, body: str, *, actor, actor_kind: str | None = None, note: str = "") -> Message:
    """A note for the team. A rule's note (actor=None, actor_kind=RULE) is signed with ``note``
    ("Rule ‹name›")."""
    ensure_allowed(actor, ticket.store_id, CHANGE, actor_kind=actor_kind)
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
            author_name=(actor.get_full_name() or actor.get_username()) if actor else note[:200],
            body=html,
            created_at=now,
        )
        Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=now)
        audit.record(
            actor=actor,
            actor_kind=actor_kind,
            action="ticket.note_added",
            obj=ticket,
            after={"message": message.pk},
            note=note,
        )
        notifications.notify_mentions(message, actor=actor)
        search_index.refresh_on_commit([ticket.pk])
    return message


def receive_message(
    ticket: Ticket,
    *,
    body_html: str,
    platform_message_id: str,
    author_name: str = "",
    language: str = "",
    received_at: datetime | None = None,
    sender_address: str = "",
    thread_key: str = "",
    reply_to_id: str = "",
    automated: bool = False,
    checked_duplicate: bool = False,
) -> tuple[Message, bool]:
    """Store a buyer's message once (however often it is delivered); it reopens the ticket.

    A closed ticket stays closed (its reports never change): the message opens a follow-up
    ticket linked to it, or joins the follow-up already open. ``message.ticket`` tells where it
    went. Returns the message and whether it was new.

    An ``automated`` message (an auto-reply or bounce) is only filed on the ticket: it reopens
    nothing, opens no follow-up and leaves the ticket's last message as it was.

    ``checked_duplicate``: the caller already looked for this message id (under its lock).
    """
    received_at = received_at or timezone.now()
    html = clean_html(body_html)
    if platform_message_id and not checked_duplicate:
        existing = Message.objects.filter(
            store_id=ticket.store_id, direction=Direction.INBOUND, platform_message_id=platform_message_id
        ).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            ticket = lock_ticket_thread(ticket.pk)
            if ticket.status == TicketStatus.CLOSED and not automated:
                ticket = _follow_up_for(ticket, received_at=received_at, language=language)
            message = Message.objects.create(
                ticket=ticket,
                store_id=ticket.store_id,
                direction=Direction.INBOUND,
                author_name=author_name,
                body=html,
                original_language=language,
                platform_message_id=platform_message_id,
                sender_address=sender_address.strip().lower()[:254],
                thread_key=thread_key[:191],
                reply_to_id=reply_to_id[:191],
                automated=automated,
                created_at=received_at,
            )
            if automated:
                return message, True
            changes = {
                "last_message_at": received_at,
                "last_activity_at": received_at,
                "last_message_preview": preview(html, 200),
            }
            Ticket.objects.filter(pk=ticket.pk).update(**changes)
            for name, value in changes.items():  # the row is locked: this is what it now holds
                setattr(ticket, name, value)
            if TICKET.allows(ticket.status, TicketStatus.OPEN, ActorKind.BUYER) and ticket.status != TicketStatus.NEW:
                change_status(ticket, TicketStatus.OPEN, actor=None, actor_kind=ActorKind.BUYER, note=NOTE_NEW_MESSAGE)
            else:
                sla.refresh_sla(ticket)
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
