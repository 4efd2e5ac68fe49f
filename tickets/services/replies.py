"""An agent's reply to the buyer: stored, queued for its channel in the same transaction, audited.

``send_reply`` writes the outbound message and, for a channel that delivers (email, eBay,
marketplace messaging), a ``send_reply`` outbox action in one transaction; the drain
(``integrations.outbox``) sends it and marks the message sent or failed with the platform's
words. On the self-service portal the buyer reads the reply there: nothing to deliver.
A reply can move the ticket on ("send and set status"); the first one stamps the first response.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..locks import lock
from ..models import Direction, Macro, Message, Ticket
from ..models.messages import SendStatus
from ..models.outbox import OutboxKind
from ..models.tickets import Channel
from ..permissions import ensure_allowed, ensure_member, require
from ..sanitize import clean_html, plain_text, text_to_html, truncate
from ..states import TicketStatus
from . import audit, outbox, search_index, sla
from .macros import refuse_placeholders
from .tickets import CHANGE, change_status

# Channels whose replies travel through the outbox; the others are read where they were written.
DELIVERED = frozenset({Channel.EMAIL, Channel.EBAY, Channel.MARKETPLACE})
# Where "send and set" may move a ticket (the state machine still decides from where).
THEN_STATUSES = frozenset(
    {TicketStatus.OPEN, TicketStatus.WAITING_CUSTOMER, TicketStatus.WAITING_WAREHOUSE, TicketStatus.RESOLVED}
)
MAX_REPLY_CHARS = 20_000


def reply_action_key(message: Message) -> str:
    return f"reply:{message.pk}"


def send_reply(
    ticket: Ticket,
    text: str,
    *,
    actor,
    then_status: str = "",
    macro: Macro | None = None,
    actor_kind: str | None = None,
    note: str = "",
    sent_by_rule=None,
) -> Message:
    """Reply to the buyer with ``text`` (plain text, as typed or as a macro rendered it).

    ``then_status``: the ticket's status after the reply (e.g. waiting for the customer, resolved);
    empty keeps it, except that a new ticket becomes open once an agent has answered it.
    A triage rule's automatic reply: actor=None, actor_kind=RULE, ``sent_by_rule`` the rule and
    ``note`` "Rule ‹name›"; it is signed with the store's sender name."""
    ensure_allowed(actor, ticket.store_id, CHANGE, actor_kind=actor_kind)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("A reply needs some text."))
    if len(text) > MAX_REPLY_CHARS:
        raise DomainError(_("A reply is at most %(count)d characters.") % {"count": MAX_REPLY_CHARS})
    refuse_placeholders(text)
    if then_status and then_status not in THEN_STATUSES:
        raise DomainError(
            _("A reply can set the ticket open, waiting or resolved, not “%(status)s”.") % {"status": then_status}
        )
    html = clean_html(text_to_html(text))
    now = timezone.now()
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise DomainError(_("This ticket is closed: a new message from the buyer opens a follow-up."))
        answered = _last_inbound(locked)
        delivered = locked.channel in DELIVERED
        message = Message.objects.create(
            ticket=locked,
            store_id=locked.store_id,
            direction=Direction.OUTBOUND,
            author=actor,
            author_name=(
                (actor.get_full_name() or actor.get_username())
                if actor is not None
                else (locked.store.email_sender_name or locked.store.name)
            )[:200],
            sent_by_rule=sent_by_rule,
            body=html,
            original_language=locked.language,
            thread_key=answered.thread_key if answered else "",
            reply_to_id=(answered.platform_message_id if answered else "")[:191],
            send_status=SendStatus.QUEUED if delivered else SendStatus.NOT_APPLICABLE,
            created_at=now,
        )
        changes = {
            "last_message_at": now,
            "last_activity_at": now,
            "last_message_preview": truncate(plain_text(html), 200),
        }
        if locked.first_response_at is None:
            changes["first_response_at"] = now
        Ticket.objects.filter(pk=locked.pk).update(**changes)
        for name, value in changes.items():
            setattr(locked, name, value)
        audit.record(
            actor=actor,
            actor_kind=actor_kind,
            action="ticket.replied",
            obj=locked,
            after={"message": message.pk, "macro": macro.pk if macro else None, "channel": locked.channel},
            note=note,
        )
        if delivered:
            outbox.enqueue(
                kind=OutboxKind.SEND_REPLY,
                store=locked.store,
                payload={"message_id": message.pk},
                idempotency_key=reply_action_key(message),
            )
        search_index.refresh_on_commit([locked.pk])
        target = then_status or (TicketStatus.OPEN if locked.status == TicketStatus.NEW else "")
        if target and target != locked.status:
            change_status(locked, target, actor=actor, actor_kind=actor_kind, note=note)
        else:
            sla.refresh_sla(locked, now=now)
    for name in (
        "status",
        "first_response_at",
        "last_message_at",
        "last_activity_at",
        "last_message_preview",
        *sla.SLA_FIELDS,
    ):
        setattr(ticket, name, getattr(locked, name))
    return message


def _last_inbound(ticket: Ticket) -> Message | None:
    return (
        Message.objects.filter(ticket=ticket, direction=Direction.INBOUND, automated=False)
        .order_by("-created_at", "-pk")
        .first()
    )


def retry_reply(message: Message, *, actor) -> Message:
    """Queue a failed reply again (the buyer never got it); the same message, a new attempt."""
    ensure_member(actor, message.store_id)
    require(actor, CHANGE)
    if message.direction != Direction.OUTBOUND or message.send_status != SendStatus.FAILED:
        raise DomainError(_("Only a reply that failed to send can be sent again."))
    if Ticket.objects.filter(pk=message.ticket_id, status=TicketStatus.CLOSED).exists():
        raise DomainError(_("This ticket is closed: a new message from the buyer opens a follow-up."))
    with transaction.atomic():
        locked = lock(Message, message.pk)
        if locked.send_status != SendStatus.FAILED:
            raise DomainError(_("Only a reply that failed to send can be sent again."))
        attempt = Message.objects.filter(pk=locked.pk).values_list("send_error", flat=True).get()
        Message.objects.filter(pk=locked.pk).update(send_status=SendStatus.QUEUED, send_error="")
        audit.record(
            actor=actor,
            action="message.resent",
            obj=locked.ticket,
            before={"send_error": attempt[:300]},
            after={"message": locked.pk},
        )
        outbox.enqueue(
            kind=OutboxKind.SEND_REPLY,
            store=locked.ticket.store,
            payload={"message_id": locked.pk},
            idempotency_key=f"{reply_action_key(locked)}:retry:{uuid.uuid4().hex}",  # each retry is a new send
        )
    message.refresh_from_db()
    return message


def needs_resolve_confirmation(ticket: Ticket) -> bool:
    """Resolving while the buyer spoke last leaves them unanswered: the page asks first."""
    last = (
        Message.objects.filter(ticket=ticket, automated=False)
        .exclude(direction=Direction.NOTE)
        .order_by("-created_at", "-pk")
        .values_list("direction", flat=True)
        .first()
    )
    return last == Direction.INBOUND
