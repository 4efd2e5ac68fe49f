"""Refund services: move a refund along its state machine under the four-eyes rule, never
committing more than the order has left to refund."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ..errors import NotAManualRefund, PermissionDenied, RefundExceedsRefundable, SelfApprovalForbidden
from ..locks import lock_refund_with_order
from ..models import Order, Refund, StoreMembership
from ..money import Money
from ..permissions import can, ensure_member, require
from ..states import MANUAL_REFUND_METHODS, REFUND, REFUND_COMMITTED, ActorKind, RefundStatus
from . import audit
from .transitions import transition

APPROVE = "tickets.approve_refund"
CHANGE = "tickets.change_refund"
F = RefundStatus


def transition_refund(
    refund: Refund,
    status: str,
    *,
    actor,
    actor_kind: str | None = None,
    note: str = "",
    failure_reason: str = "",
    platform_refund_id: str = "",
    reference: str = "",
) -> Refund:
    """Move a refund.

    A person approving or rejecting a pending refund needs the approve permission and may not be
    the requester; the requester approves alone only within their own limit, and the refund says
    so. Every move into ``approved`` (and a retry out of ``failed``) checks, under the order's
    row lock, that the order still has that much left to refund. A person executes only manual
    refunds (PayPal, store credit outside a platform), recording the payment's reference.
    """
    kind = audit.actor_kind_of(actor, actor_kind)
    with transaction.atomic():
        # Decide on the stored rows, locked (order first), not on the caller's copy: a stale copy
        # would pick the wrong rule below, and an unlocked order lets two approvals overspend it.
        order, current = lock_refund_with_order(refund.pk)
        if kind == ActorKind.USER:
            ensure_member(actor, current.store_id)  # another store's refund is "not found"
        allowed = REFUND.allows(current.status, status, kind)
        if not allowed:
            changes = {}  # transition() refuses the move with its own message
        elif kind == ActorKind.USER:
            changes = _person_may_move(actor, current, status, reference=reference, failure_reason=failure_reason)
        else:
            changes = _automation_may_move(current, status)
        commits = status == F.APPROVED or (current.status == F.FAILED and status == F.EXECUTING)
        if allowed and commits:
            ensure_refundable(order, current)
        if status == F.FAILED:
            changes["failure_reason"] = failure_reason
        if status == F.SUCCEEDED and platform_refund_id:
            changes["platform_refund_id"] = platform_refund_id
        return transition(refund, status, machine=REFUND, actor=actor, actor_kind=kind, changes=changes, note=note)


def _person_may_move(actor, current: Refund, status: str, *, reference: str, failure_reason: str) -> dict:
    source = current.status
    is_requester = actor.pk == current.requested_by_id
    if status in (F.APPROVED, F.REJECTED) and source == F.PENDING_APPROVAL:
        require(actor, APPROVE)
        if is_requester:
            raise SelfApprovalForbidden()
        return {"approved_by": actor} if status == F.APPROVED else {}
    if source == F.REQUESTED and status == F.APPROVED:
        if not is_requester:
            require(actor, APPROVE)
            return {"approved_by": actor}
        limit = approval_limit(actor, current)
        if limit is None or current.amount > limit:
            raise PermissionDenied(_("This refund is above your approval limit; ask a supervisor."))
        return _self_approval(current, limit)
    if source == F.REQUESTED and status == F.PENDING_APPROVAL:
        require(actor, "tickets.add_refund")
        return {}
    if status == F.CANCELLED:
        if not is_requester and not can(actor, APPROVE):
            raise PermissionDenied()
        return {}
    if source == F.FAILED and status == F.EXECUTING:
        require(actor, APPROVE)  # a retry is a supervisor's decision
        return {}
    if status in (F.EXECUTING, F.SUCCEEDED, F.FAILED):
        return _manual_execution(actor, current, status, reference=reference, failure_reason=failure_reason)
    require(actor, CHANGE)
    return {}


def _manual_execution(actor, current: Refund, status: str, *, reference: str, failure_reason: str) -> dict:
    if current.method not in MANUAL_REFUND_METHODS:
        raise NotAManualRefund()
    if actor.pk != current.requested_by_id:
        require(actor, CHANGE)
    if status == F.SUCCEEDED:
        reference = reference.strip()
        if not reference:
            raise NotAManualRefund(_("Record the reference of the PayPal payment or store credit you issued."))
        return {"executed_by": actor, "manual_reference": reference[:128]}
    if status == F.FAILED and not failure_reason.strip():
        raise NotAManualRefund(_("Say why the manual refund failed."))
    return {}


def _automation_may_move(current: Refund, status: str) -> dict:
    if current.status == F.REQUESTED and status == F.APPROVED:
        # Automation approves only what the requester could have approved alone (four-eyes rule),
        # and the refund records that it rests on the requester's own limit.
        limit = approval_limit(current.requested_by, current)
        if limit is None or current.amount > limit:
            raise PermissionDenied(_("This refund is above the requester's approval limit; ask a supervisor."))
        return _self_approval(current, limit)
    return {}


def _self_approval(current: Refund, limit: Decimal) -> dict:
    return {"approved_by": current.requested_by, "self_approved": True, "approval_limit": limit}


def approval_limit(user, refund: Refund) -> Decimal | None:
    """The largest refund the user may approve alone in the refund's store, in the store's
    currency; None when they have none or the refund is in another currency. A superuser has no
    limit of their own: limits come from store membership only."""
    if user is None or refund.currency != refund.store.currency:
        return None
    return (
        StoreMembership.objects.filter(user_id=user.pk, store_id=refund.store_id)
        .values_list("refund_approval_limit", flat=True)
        .first()
    )


def within_approval_limit(user, refund: Refund) -> bool:
    """Whether the user may approve this refund alone."""
    limit = approval_limit(user, refund)
    return limit is not None and refund.amount <= limit


def refundable_left(order: Order, *, excluding: Refund | None = None) -> Money:
    """What the order has left to refund: paid − (approved + executing + succeeded), in the
    order's currency. Read it under the order's row lock when deciding on it."""
    committed = Refund.objects.filter(order_id=order.pk, currency=order.currency, status__in=REFUND_COMMITTED)
    if excluding is not None:
        committed = committed.exclude(pk=excluding.pk)
    spent = committed.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Money.stored(order.paid_amount, order.currency) - Money.stored(spent, order.currency)


def ensure_refundable(order: Order, refund: Refund) -> None:
    """Refuse a refund the order cannot cover any more (or in a currency the order was not paid in)."""
    if refund.currency != order.currency:
        raise RefundExceedsRefundable(
            _("The order was paid in %(paid)s; a refund in %(asked)s cannot be checked against it.")
            % {"paid": order.currency, "asked": refund.currency}
        )
    left = refundable_left(order, excluding=refund)
    if refund.money > left:
        raise RefundExceedsRefundable(
            _("Only %(left)s is left to refund on order %(order)s; this refund is %(amount)s.")
            % {"left": left.format(), "order": order.number, "amount": refund.money.format()}
        )
