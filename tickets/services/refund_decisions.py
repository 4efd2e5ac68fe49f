"""What happens to a requested refund: a supervisor approves or rejects it (one by one or several
at once), an approved one is queued for the platform or recorded by hand, a failed one is retried.

Every move goes through ``transition_refund`` (four-eyes rule, limits, what is left to refund,
audit); this module adds what goes with each decision: the comment, the outbox action, the
requester's notification and the ticket's waiting state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import DomainError, NotAManualRefund, RefundRequestInvalid
from ..locks import lock
from ..models import OutboxAction, Refund, RefundMethod, Ticket
from ..models.notifications import NotificationKind
from ..models.outbox import OutboxStatus
from ..permissions import ensure_member, require
from ..states import ActorKind, RefundStatus, TicketStatus
from . import notifications, outbox, tickets
from .refunds import APPROVE, transition_refund

F = RefundStatus
NOTE_MAX = 2000
SYSTEM = {"actor": None, "actor_kind": ActorKind.SYSTEM}


# --- what goes with a request and an approval -----------------------------------------------------
def after_request_pending(refund: Refund, *, actor) -> None:
    """The store's supervisors hear of it; the ticket waits for the decision."""
    ticket = Ticket.objects.get(pk=refund.ticket_id)
    notifications.notify(
        notifications.supervisors_of(refund.store_id),
        NotificationKind.APPROVAL_REQUESTED,
        ticket=ticket,
        detail=f"{refund.money.format()} · {refund.reason}"[:200],
        actor=actor,
    )
    if ticket.status in (TicketStatus.NEW, TicketStatus.OPEN):
        tickets.change_status(ticket, TicketStatus.WAITING_APPROVAL, **SYSTEM)


def after_approval(refund: Refund) -> None:
    """A refund to the original payment goes to the platform through the outbox, in the same
    transaction; PayPal and store credit wait for the person who pays them."""
    if refund.method == RefundMethod.ORIGINAL_PAYMENT:
        outbox.enqueue_refund_execution(refund, lines=platform_lines(refund))


def platform_lines(refund: Refund) -> list[dict]:
    """The refund's lines as the platform knows them (its line ids and quantities)."""
    return [
        {"line_external_id": external_id, "quantity": quantity}
        for external_id, quantity in refund.lines.exclude(order_line__external_id="").values_list(
            "order_line__external_id", "quantity"
        )
    ]


def _after_decision(refund: Refund, *, actor) -> None:
    notifications.notify_refund_decided(refund, actor=actor)
    ticket = Ticket.objects.get(pk=refund.ticket_id)
    waiting = Refund.objects.filter(ticket_id=ticket.pk, status=F.PENDING_APPROVAL).exists()
    if ticket.status == TicketStatus.WAITING_APPROVAL and not waiting:
        tickets.change_status(ticket, TicketStatus.OPEN, **SYSTEM)


def after_platform_answer(refund: Refund) -> None:
    """The platform settled the refund: the requester hears it went through or failed, and on a
    failure the supervisor who approved it too (a retry is theirs to decide)."""
    notifications.notify_refund_decided(refund)
    if refund.status == F.FAILED and refund.approved_by_id and refund.approved_by_id != refund.requested_by_id:
        notifications.notify(
            [refund.approved_by_id],
            NotificationKind.REFUND_DECIDED,
            ticket=Ticket.objects.get(pk=refund.ticket_id),
            detail=f"{refund.money.format()} · {refund.get_status_display()}",
        )


# --- decisions -----------------------------------------------------------------------------------
def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise RefundRequestInvalid(_("Keep the comment under %(max)s characters.") % {"max": NOTE_MAX})
    return note


def approve_refund(refund: Refund, *, actor, note: str = "") -> Refund:
    """A supervisor (not the requester) approves a pending refund; it is queued for execution."""
    note = _clean_note(note)
    with transaction.atomic():
        transition_refund(refund, F.APPROVED, actor=actor, note=note)
        Refund.objects.filter(pk=refund.pk).update(decision_note=note)
        refund.refresh_from_db()
        after_approval(refund)
        _after_decision(refund, actor=actor)
    return refund


def reject_refund(refund: Refund, *, actor, note: str) -> Refund:
    """A supervisor rejects a pending refund, saying why (the requester reads it)."""
    note = _clean_note(note)
    if not note:
        raise RefundRequestInvalid(_("Say why the refund is rejected."))
    with transaction.atomic():
        transition_refund(refund, F.REJECTED, actor=actor, note=note)
        Refund.objects.filter(pk=refund.pk).update(decision_note=note)
        refund.refresh_from_db()
        _after_decision(refund, actor=actor)
    return refund


@dataclass
class Decided:
    done: list[Refund] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (refund id, why)


def decide_refunds(refund_ids: Iterable, *, actor, approve: bool, note: str = "") -> Decided:
    """Approve or reject several refunds, each on its own: one refused (above what is left, the
    actor's own request) leaves the others decided, and says why."""
    result = Decided()
    ids = []
    for raw in refund_ids:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            pk = 0
        if isinstance(raw, bool) or not 0 < pk < 2**63:  # an id no database row can have
            result.refused.append((raw, _("Not a refund.")))
        else:
            ids.append(pk)
    visible = {r.pk: r for r in Refund.objects.visible_to(actor).filter(pk__in=ids)}
    for pk in dict.fromkeys(ids):
        refund = visible.get(pk)
        if refund is None:
            result.refused.append((pk, _("Not found.")))
            continue
        try:
            decided = (
                approve_refund(refund, actor=actor, note=note)
                if approve
                else reject_refund(refund, actor=actor, note=note)
            )
        except DomainError as error:
            result.refused.append((pk, error.message))
        else:
            result.done.append(decided)
    return result


# --- execution by hand, retries, cancelling ---------------------------------------------------------
def record_manual_refund(refund: Refund, *, actor, reference: str) -> Refund:
    """The person who paid a PayPal or store-credit refund outside the platform records it with
    the payment's reference: approved → executing → succeeded, in one transaction."""
    if refund.method == RefundMethod.ORIGINAL_PAYMENT:
        raise NotAManualRefund()
    with transaction.atomic():
        refund.refresh_from_db()  # the stored state decides, not a copy a failed attempt moved
        if refund.status == F.APPROVED:
            transition_refund(refund, F.EXECUTING, actor=actor)
        transition_refund(refund, F.SUCCEEDED, actor=actor, reference=reference)
        refund.refresh_from_db()
        notifications.notify_refund_decided(refund, actor=actor)
    return refund


def retry_refund(refund: Refund, *, actor) -> Refund:
    """A supervisor sends a failed refund again: the same refund, the same idempotency key; the
    outbox asks the platform first whether the earlier attempt went through after all."""
    ensure_member(actor, refund.store_id)
    require(actor, APPROVE)
    with transaction.atomic():
        transition_refund(refund, F.EXECUTING, actor=actor, note=_("retry"))
        refund.refresh_from_db()
        if refund.method == RefundMethod.ORIGINAL_PAYMENT:
            action = outbox.enqueue_refund_execution_again(refund, lines=platform_lines(refund))
            locked = lock(OutboxAction, action.pk)
            # The platform's record of the failed attempt is not this retry's: the lookup before
            # sending must not take it for the new one (eBay answers a lookup with it).
            payload = dict(locked.payload)
            failed = [*payload.get("failed_references", []), payload.pop("reference", "")]
            payload["failed_references"] = [ref for ref in dict.fromkeys(failed) if ref]
            # attempts stays at least 1: the drain treats the send as a retry and looks up first.
            OutboxAction.objects.filter(pk=locked.pk).update(
                payload=payload,
                status=OutboxStatus.PENDING,
                attempts=1,
                next_attempt_at=None,
                last_error="",
                done_at=None,
            )
            transaction.on_commit(outbox.wake_drain)
    return refund


def cancel_refund(refund: Refund, *, actor, note: str = "") -> Refund:
    """The requester (or a supervisor) withdraws a refund that has not gone to the platform."""
    note = _clean_note(note)
    with transaction.atomic():
        transition_refund(refund, F.CANCELLED, actor=actor, note=note)
        refund.refresh_from_db()
        # An approved refund's action is still pending (the drain moves the refund to executing
        # when it claims it): closed here, so nothing is sent and no dead letter is left.
        OutboxAction.objects.filter(
            idempotency_key=outbox.refund_action_key(refund), status=OutboxStatus.PENDING
        ).update(status=OutboxStatus.DONE, last_error=_("Cancelled before it was sent."), done_at=timezone.now())
        _after_decision(refund, actor=actor)
    return refund
