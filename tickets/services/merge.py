"""Merging a duplicate ticket into another, and splitting a message off into a ticket of its own.

A merge moves the source's conversation (messages, attachments) and its work (returns, refunds,
disputes, tags) to the target, so nothing is left behind on a closed ticket, then closes the
source with a "Merged into #N" line. The state machine lets no person close a ticket; a merge
is the one way they may, because the conversation goes on, on the target. Both tickets are
audited; both must be of one store the actor works in.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import MergeRefused, SplitRefused
from ..locks import lock
from ..models import Attachment, Direction, Dispute, Message, Order, Refund, ReturnAuthorization, Ticket
from ..permissions import ensure_member, require
from ..sanitize import preview
from ..states import TicketStatus
from . import audit, search_index, sla
from .tickets import CHANGE, create_ticket


def _check_actor(actor, *tickets: Ticket) -> None:
    for ticket in tickets:
        ensure_member(actor, ticket.store_id)  # another store's ticket is "not found"
    require(actor, CHANGE)


def merge_tickets(*, source: Ticket, target: Ticket, actor) -> Ticket:
    """Move ``source``'s messages and work to ``target`` and close ``source``; returns the target."""
    _check_actor(actor, source, target)
    if source.pk == target.pk:
        raise MergeRefused(_("A ticket cannot be merged into itself."))
    if source.store_id != target.store_id:
        raise MergeRefused(_("Only tickets of the same store can be merged."))
    now = timezone.now()
    with transaction.atomic():
        first, second = sorted((source.pk, target.pk))  # the house lock order: lower pk first
        locked = {first: lock(Ticket, first), second: lock(Ticket, second)}
        src, dst = locked[source.pk], locked[target.pk]
        if dst.status == TicketStatus.CLOSED:
            raise MergeRefused(_("#%(number)d is closed: merge into an open ticket.") % {"number": dst.number})
        if src.status == TicketStatus.CLOSED:
            raise MergeRefused(_("#%(number)d is closed already and stays as it is.") % {"number": src.number})
        if src.order_id and dst.order_id and src.order_id != dst.order_id:
            # Returns, refunds and disputes belong to their order: on a ticket of another order
            # they would be shown, exchanged and reported against the wrong one.
            raise MergeRefused(
                _("#%(source)d and #%(target)d are about different orders: they cannot be merged.")
                % {"source": src.number, "target": dst.number}
            )
        taken = Attachment.objects.filter(ticket=dst).values("sha256")
        moved = {
            "messages": Message.objects.filter(ticket=src).update(ticket=dst),
            # A file the target holds already stays with the source (one copy per ticket).
            "attachments": Attachment.objects.filter(ticket=src).exclude(sha256__in=taken).update(ticket=dst),
            "rmas": ReturnAuthorization.objects.filter(ticket=src).update(ticket=dst),
            "refunds": Refund.objects.filter(ticket=src).update(ticket=dst),
            "disputes": Dispute.objects.filter(ticket=src).update(ticket=dst),
            "replacements": Order.objects.filter(replacement_ticket=src).update(replacement_ticket=dst),
        }
        tags = list(src.tags.all())
        if tags:
            dst.tags.add(*tags)
        fields = ["last_activity_at", "updated_at"]
        if dst.order_id is None and src.order_id is not None:
            dst.order_id = src.order_id
            fields.append("order")
        if dst.customer_id is None and src.customer_id is not None:
            dst.customer_id = src.customer_id
            fields.append("customer")
        if src.last_message_at and (dst.last_message_at is None or src.last_message_at > dst.last_message_at):
            dst.last_message_at, dst.last_message_preview = src.last_message_at, src.last_message_preview
            fields += ["last_message_at", "last_message_preview"]
        dst.last_activity_at = now
        dst.save(update_fields=fields)
        before = {"status": src.status}
        src.status, src.closed_at, src.status_changed_at, src.last_activity_at = TicketStatus.CLOSED, now, now, now
        src.save(update_fields=["status", "closed_at", "status_changed_at", "last_activity_at", "updated_at"])
        audit.record(
            actor=actor,
            action="ticket.merged_into",
            obj=src,
            before=before,
            after={"status": src.status, "into": dst.number, **moved},
        )
        audit.record(
            actor=actor,
            action="ticket.merged",
            obj=dst,
            after={"from": src.number, "tags": [t.name for t in tags], **moved},
        )
        sla.refresh_sla(src)
        sla.refresh_sla(dst)
        search_index.refresh_on_commit([src.pk, dst.pk])
    for name in ("order_id", "customer_id", "last_message_at", "last_message_preview", "last_activity_at"):
        setattr(target, name, getattr(dst, name))
    source.status, source.closed_at = src.status, src.closed_at
    return target


def split_message(*, message: Message, actor) -> Ticket:
    """Move one message (and its attachments) into a new ticket of the same store, buyer and order."""
    ticket = message.ticket
    _check_actor(actor, ticket)
    require(actor, "tickets.add_ticket")
    with transaction.atomic():
        src = lock(Ticket, ticket.pk)
        if src.status == TicketStatus.CLOSED:
            raise SplitRefused(_("A closed ticket stays as it is."))
        moving = Message.objects.select_for_update().filter(pk=message.pk, ticket=src).first()
        if moving is None:
            raise SplitRefused(_("This message is no longer on the ticket."))
        if not Message.objects.filter(ticket=src).exclude(pk=moving.pk).exists():
            raise SplitRefused(_("A ticket's only message cannot be split off."))
        new = create_ticket(
            store=src.store,
            subject=src.subject,
            actor=actor,
            type=src.type,
            reason=src.reason,
            priority=src.priority,
            customer=src.customer,
            order=src.order,
            language=moving.original_language or src.language,
            channel=src.channel,
        )
        Message.objects.filter(pk=moving.pk).update(ticket=new)
        Attachment.objects.filter(message=moving, ticket=src).update(ticket=new)
        now = timezone.now()
        _recount(new, now=now)
        _recount(src, now=now)
        audit.record(
            actor=actor,
            action="ticket.split_off",
            obj=src,
            after={"message": moving.pk, "to": new.number},
        )
        audit.record(
            actor=actor,
            action="ticket.split_from",
            obj=new,
            after={"message": moving.pk, "from": src.number},
        )
        sla.refresh_sla(src)
        sla.refresh_sla(new)
        search_index.refresh_on_commit([src.pk, new.pk])
    message.ticket = new
    return new


def _recount(ticket: Ticket, *, now) -> None:
    """The ticket's last buyer message and its preview, read again after messages moved."""
    latest = (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND, automated=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    changes = {
        "last_message_at": latest.created_at if latest else None,
        "last_message_preview": preview(latest.body, 200) if latest else "",
        "last_activity_at": now,
    }
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    for name, value in changes.items():
        setattr(ticket, name, value)
