"""Linking a ticket to an order or a buyer by hand, when ingest could not tell (a phone call, a
mail from another address). Only records of the ticket's own store; each link audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import LinkRefused, NotFound
from ..locks import lock
from ..models import Customer, Dispute, Order, Refund, ReturnAuthorization, Ticket
from ..permissions import ensure_member, require
from . import audit, search_index, sla
from .tickets import CHANGE


def _check(ticket: Ticket, record, actor) -> None:
    ensure_member(actor, ticket.store_id)
    require(actor, CHANGE)
    if record.store_id != ticket.store_id:  # another store's order or buyer: as if it did not exist
        raise NotFound()


def link_order(*, ticket: Ticket, order: Order, actor) -> Ticket:
    """Link the ticket to ``order``; a ticket with no buyer takes the order's buyer too."""
    _check(ticket, order, actor)
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        if locked.order_id == order.pk:
            return ticket
        if order.replacement_of_id is not None:
            raise LinkRefused(_("This order is a replacement: link the ticket to the original order."))
        if locked.order_id is not None and _has_order_work(locked):
            raise LinkRefused(
                _(
                    "This ticket has returns, refunds, replacements or disputes of order %(number)s: it stays linked to that order."
                )
                % {"number": locked.order.number}
            )
        before = {"order": locked.order.number if locked.order_id else None}
        fields = ["order", "awaiting_order_external_id", "last_activity_at", "updated_at"]
        locked.order = order
        locked.awaiting_order_external_id = ""
        if locked.customer_id is None and order.customer_id is not None:
            locked.customer_id = order.customer_id
            fields.append("customer")
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="ticket.order_linked",
            obj=locked,
            before=before,
            after={"order": order.number, "order_id": order.pk, "customer": locked.customer_id},
        )
        sla.refresh_sla(locked)  # the buyer's tier may choose another policy
        search_index.refresh_on_commit([locked.pk])
    for name in ("order_id", "customer_id", "awaiting_order_external_id", "last_activity_at", *sla.SLA_FIELDS):
        setattr(ticket, name, getattr(locked, name))
    return ticket


def _has_order_work(ticket: Ticket) -> bool:
    """Whether something on the ticket belongs to its order (and would be shown against another)."""
    return any(
        rows.filter(**{field: ticket}).exists()
        for rows, field in (
            (Refund.objects, "ticket"),
            (ReturnAuthorization.objects, "ticket"),
            (Dispute.objects, "ticket"),
            (Order.objects, "replacement_ticket"),
        )
    )


def link_customer(*, ticket: Ticket, customer: Customer, actor) -> Ticket:
    """Make ``customer`` the ticket's buyer."""
    _check(ticket, customer, actor)
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        if locked.customer_id == customer.pk:
            return ticket
        before = {"customer": locked.customer.email if locked.customer_id else None}
        locked.customer = customer
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=["customer", "last_activity_at", "updated_at"])
        audit.record(
            actor=actor,
            action="ticket.buyer_linked",
            obj=locked,
            before=before,
            after={"customer": customer.email or customer.name, "customer_id": customer.pk},
        )
        sla.refresh_sla(locked)
        search_index.refresh_on_commit([locked.pk])  # the buyer's name is searched
    for name in ("customer_id", "last_activity_at", *sla.SLA_FIELDS):
        setattr(ticket, name, getattr(locked, name))
    return ticket
