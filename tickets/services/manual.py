"""Tickets an agent opens by hand for a conversation held elsewhere: a phone call, a letter.

Numbered from the same counter as ingest's tickets and stamped with the SLA clocks by
``create_ticket``; the first message is the buyer's words as the agent took them down, or an
internal note. The buyer is found by e-mail in the store (or added), the order by its number."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import Customer, Direction, Message, Order, Store, Ticket
from ..models.tickets import Channel, Priority, TicketReason, TicketType
from ..permissions import ensure_member, require
from ..sanitize import clean_html, preview
from . import audit, sla
from .tickets import create_ticket

# The ways a conversation reaches an agent outside the platforms; replies are not sent anywhere.
MANUAL_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.OTHER)


class ManualTicketError(DomainError):
    """Refused input, naming the form field it is about (``field``)."""

    code = "manual_ticket_invalid"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)
        self.field = field


@dataclass(frozen=True)
class ManualTicket:
    store: Store
    subject: str
    channel: str
    body: str
    as_note: bool = False
    buyer_email: str = ""
    buyer_name: str = ""
    order_number: str = ""
    type: str = TicketType.INQUIRY
    reason: str = ""
    priority: str = Priority.NORMAL


def find_order(store: Store, number: str) -> Order | None:
    """The store's order with this number, typed with or without its "#"."""
    number = number.strip()
    if not number:
        return None
    bare = number.lstrip("#")
    return (
        Order.objects.filter(store=store)
        .filter(Q(number__iexact=number) | Q(number__iexact=bare) | Q(number__iexact=f"#{bare}"))
        .order_by("-placed_at", "-pk")
        .first()
    )


def create_manual_ticket(*, actor, data: ManualTicket) -> Ticket:
    store = data.store
    ensure_member(actor, store.pk)  # another store is "not found"
    require(actor, "tickets.add_ticket")
    subject = " ".join(data.subject.split())
    if not subject:
        raise ManualTicketError(_("A ticket needs a subject."), field="subject")
    if data.channel not in MANUAL_CHANNELS:
        raise ManualTicketError(_("Choose phone, letter or other."), field="channel")
    if data.type not in TicketType.values:
        raise ManualTicketError(_("“%(value)s” is not a ticket type.") % {"value": data.type}, field="type")
    if data.reason and data.reason not in TicketReason.values:
        raise ManualTicketError(_("“%(value)s” is not a reason.") % {"value": data.reason}, field="reason")
    if data.priority not in Priority.values:
        raise ManualTicketError(_("“%(value)s” is not a priority.") % {"value": data.priority}, field="priority")
    email = data.buyer_email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ManualTicketError(
                _("“%(value)s” is not an e-mail address.") % {"value": email}, field="buyer_email"
            ) from None
    html = clean_html(linebreaks(data.body.strip(), autoescape=True))
    if not preview(html).strip():
        raise ManualTicketError(_("Write down what the buyer said, or a note."), field="body")
    order = find_order(store, data.order_number)
    if data.order_number.strip() and order is None:
        raise ManualTicketError(
            _("No order “%(number)s” in %(store)s.") % {"number": data.order_number.strip(), "store": store.name},
            field="order_number",
        )
    name = " ".join(data.buyer_name.split())[:200]
    now = timezone.now()
    with transaction.atomic():
        customer = _buyer(store, email=email, name=name, order=order, actor=actor)
        ticket = create_ticket(
            store=store,
            subject=subject,
            actor=actor,
            type=data.type,
            reason=data.reason,
            priority=data.priority,
            customer=customer,
            order=order,
            language=customer.language if customer else "",
            channel=data.channel,
            created_at=now,
        )
        inbound = not data.as_note
        message = Message.objects.create(
            ticket=ticket,
            store_id=store.pk,
            direction=Direction.INBOUND if inbound else Direction.NOTE,
            author=None if inbound else actor,
            author_name=(name or email) if inbound else (actor.get_full_name() or actor.get_username()),
            sender_address=email if inbound else "",
            body=html,
            created_at=now,
        )
        if inbound:
            ticket.last_message_at, ticket.last_message_preview = now, preview(html, 200)
            Ticket.objects.filter(pk=ticket.pk).update(
                last_message_at=ticket.last_message_at, last_message_preview=ticket.last_message_preview
            )
        audit.record(
            actor=actor,
            action="ticket.message_recorded" if inbound else "ticket.note_added",
            obj=ticket,
            after={"message": message.pk, "channel": data.channel},
        )
        sla.refresh_sla(ticket)
    return ticket


def _buyer(store: Store, *, email: str, name: str, order: Order | None, actor) -> Customer | None:
    """The store's buyer with this address (added when new), else the order's buyer."""
    if email:
        found = Customer.objects.filter(store=store, email__iexact=email).order_by("pk").first()
        if found is not None:
            return found
        customer = Customer.objects.create(
            store=store, email=email, name=name, currency=store.currency, language=store.language or ""
        )
        audit.record(actor=actor, action="customer.created", obj=customer, after={"email": email, "name": name})
        return customer
    if order is not None and order.customer_id is not None:
        return order.customer
    if name:
        customer = Customer.objects.create(store=store, name=name, currency=store.currency)
        audit.record(actor=actor, action="customer.created", obj=customer, after={"name": name})
        return customer
    return None
