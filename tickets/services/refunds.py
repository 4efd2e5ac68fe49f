"""Refund services: move a refund along its state machine under the four-eyes rule, never
committing more than the order has left to refund."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import NotAManualRefund, PermissionDenied, RefundExceedsRefundable, SelfApprovalForbidden
from ..locks import lock_refund_with_order
from ..models import Order, Refund
from ..money import Money
from ..permissions import can, ensure_member, require
from ..states import MANUAL_REFUND_METHODS, REFUND, REFUND_COMMITTED, ActorKind, RefundStatus
from . import audit, refund_policy, report_months
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
        if status == F.SUCCEEDED and allowed:
            changes["attribution_month"] = _attribution_on_success(current)
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
        if limit is None or current.amount > limit or current.approval_reasons:
            raise PermissionDenied(_("This refund needs a supervisor's approval."))
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
        if limit is None or current.amount > limit or current.approval_reasons:
            raise PermissionDenied(_("This refund is above the requester's approval limit; ask a supervisor."))
        return _self_approval(current, limit)
    return {}


def _attribution_on_success(refund: Refund):
    """The month the refund counts in: the one chosen, or the month it succeeds; a closed month
    no longer changes, so a refund that succeeds after its month closed counts in the open one."""
    chosen = refund.attribution_month or timezone.localdate()
    return report_months.open_month_for(chosen)


def _self_approval(current: Refund, limit: Decimal) -> dict:
    return {"approved_by": current.requested_by, "self_approved": True, "approval_limit": limit}


def approval_limit(user, refund: Refund) -> Decimal | None:
    """The largest refund the user may approve alone in the refund's store, in the refund's
    currency (the store's limit converted at today's rate); None when they have none or no rate
    converts it. A superuser has no limit of their own: limits come from store membership only."""
    limit, _missing = refund_policy.limit_in(user, refund.store, refund.currency, on=timezone.localdate())
    return limit


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


# --- request ---------------------------------------------------------------------------------------
REASON_MAX = 300


def request_refund(
    ticket,
    *,
    actor,
    kind: str,
    method: str,
    reason: str,
    amount=None,
    currency: str | None = None,
    lines=(),
    include_shipping: bool = False,
    attribution_month=None,
    note: str = "",
    actor_kind: str | None = None,
    idempotency_key=None,
) -> Refund:
    """Ask for a refund on the ticket's order: the one entry for the ticket page, the API, rules
    and the demo.

    Partial refunds name lines and quantities and/or an amount; a full refund pays back what is
    left on the order. The amount is in the order's currency and never more than is left,
    decided under the order's row lock. The store's approval policy (``refund_policy``) says
    whether the requester approves it alone (it is then approved at once and, to the original
    payment, queued for the platform) or a supervisor must (it waits in the approvals queue).
    A repeated ``idempotency_key`` returns the refund it made the first time, marked
    ``replayed`` (looked up again under the ticket's lock, so two requests with one key that
    arrive together make one refund).
    """
    from ..errors import (
        IdempotencyKeyReused,
        MonthClosed,
        RefundAmountInvalid,
        RefundCurrencyMismatch,
        RefundNeedsOrder,
        RefundRequestInvalid,
    )
    from ..locks import lock
    from ..models import RefundKind, RefundLine, RefundMethod, Ticket
    from . import refund_suggestion, return_risk

    kind_of_actor = audit.actor_kind_of(actor, actor_kind)
    if kind_of_actor == ActorKind.USER:
        ensure_member(actor, ticket.store_id)
        require(actor, "tickets.add_refund")
        requester = actor
    else:
        requester = None
    found = _replayed(idempotency_key, ticket)
    if found is not None:
        return found
    if kind not in RefundKind.values:
        raise RefundRequestInvalid(_("Choose the kind of refund."))
    if method not in RefundMethod.values:
        raise RefundRequestInvalid(_("Choose how the refund is paid."))
    if (kind == RefundKind.STORE_CREDIT) != (method == RefundMethod.STORE_CREDIT):
        raise RefundRequestInvalid(_("Store credit is both the kind and the method of a store-credit refund."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise RefundRequestInvalid(_("Say why the buyer gets this refund."))
    if len(reason) > REASON_MAX:
        raise RefundRequestInvalid(_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX})
    if attribution_month is not None:
        attribution_month = attribution_month.replace(day=1)
        if report_months.is_closed(attribution_month):
            raise MonthClosed()
    with transaction.atomic():
        locked_ticket = lock(Ticket, ticket.pk)
        found = _replayed(idempotency_key, ticket)
        if found is not None:
            return found
        if locked_ticket.order_id is None:
            raise RefundNeedsOrder()
        order = lock(Order, locked_ticket.order_id)
        if currency is not None and str(currency).strip().upper() != order.currency:
            raise RefundCurrencyMismatch(
                _("Order %(order)s was paid in %(paid)s: refund it in %(paid)s, not %(asked)s.")
                % {"order": order.number, "paid": order.currency, "asked": currency}
            )
        chosen = refund_suggestion.parse_lines(order, lines or [])
        if kind == RefundKind.FULL and not chosen:
            taken = refund_suggestion.refunded_quantities(order)
            chosen = [(line, line.quantity - taken.get(line.pk, 0)) for line in order.lines.all()]
            chosen = [(line, qty) for line, qty in chosen if qty > 0]
        left = refundable_left(order)
        suggestion = refund_suggestion.suggest(
            order, kind=kind, lines=chosen, include_shipping=include_shipping or kind == RefundKind.FULL, left=left
        )
        money = _requested_money(amount, order.currency, suggestion)
        if money.amount <= 0:
            raise RefundAmountInvalid(_("A refund is more than zero."))
        if money > left:
            raise RefundExceedsRefundable(
                _("Only %(left)s is left to refund on order %(order)s; this refund is %(amount)s.")
                % {"left": left.format(), "order": order.number, "amount": money.format()}
            )
        customer = locked_ticket.customer or order.customer
        if customer is not None:
            return_risk.refresh(customer)
        categories = [line.category for line, _qty in chosen] or list(order.lines.values_list("category", flat=True))
        decision = refund_policy.decide(
            amount=money,
            store=locked_ticket.store,
            ticket=locked_ticket,
            kind=kind,
            requester=requester,
            categories=categories,
            suggestion=suggestion.amount if (chosen or kind == RefundKind.FULL) else None,
            customer=customer,
            on=timezone.localdate(),
        )
        try:
            with transaction.atomic():  # a savepoint: the key may be taken meanwhile, on another ticket
                refund = Refund.objects.create(
                    ticket=locked_ticket,
                    order=order,
                    store_id=locked_ticket.store_id,
                    amount=money.amount,
                    currency=money.currency,
                    kind=kind,
                    method=method,
                    reason=reason,
                    attribution_month=attribution_month,
                    requested_by=requester,
                    suggested_amount=suggestion.amount.amount,
                    shipping_amount=suggestion.shipping.amount,
                    approval_reasons=decision.reasons,
                    **({"idempotency_key": idempotency_key} if idempotency_key is not None else {}),
                )
        except IntegrityError:
            if idempotency_key is not None and Refund.objects.filter(idempotency_key=idempotency_key).exists():
                raise IdempotencyKeyReused() from None
            raise
        RefundLine.objects.bulk_create(
            [
                RefundLine(refund=refund, order_line=s.line, quantity=s.quantity, amount=s.amount.amount)
                for s in suggestion.lines
            ]
        )
        audit.record(
            actor=actor,
            actor_kind=kind_of_actor,
            action="refund.requested",
            obj=refund,
            after={
                "status": refund.status,
                "amount": str(money.amount),
                "currency": money.currency,
                "kind": kind,
                "method": method,
                "approval_reasons": decision.reasons,
            },
            note=note,
        )
        if decision.self_approvable and requester is not None:
            transition_refund(refund, F.APPROVED, actor=actor, note=_("within the requester's approval limit"))
            from .refund_decisions import after_approval

            after_approval(refund)
        else:
            transition_refund(refund, F.PENDING_APPROVAL, actor=actor, actor_kind=kind_of_actor)
            from .refund_decisions import after_request_pending

            after_request_pending(refund, actor=actor)
    refund.refresh_from_db()
    return refund


def _replayed(idempotency_key, ticket) -> Refund | None:
    """The refund an earlier request with this key made, if any (on another ticket: refused)."""
    from ..errors import IdempotencyKeyReused

    if idempotency_key is None:
        return None
    found = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if found is None:
        return None
    if found.ticket_id != ticket.pk:
        raise IdempotencyKeyReused()
    found.replayed = True
    return found


def _requested_money(amount, currency: str, suggestion) -> Money:
    from ..errors import MoneyError, RefundAmountInvalid, RefundCurrencyMismatch

    if amount is None or (isinstance(amount, str) and not amount.strip()):
        return suggestion.amount
    if isinstance(amount, Money):
        if amount.currency != currency:
            raise RefundCurrencyMismatch(
                _("The order was paid in %(paid)s; a refund in %(asked)s cannot be checked against it.")
                % {"paid": currency, "asked": amount.currency}
            )
        return amount
    try:
        return Money.of(amount.strip() if isinstance(amount, str) else amount, currency)
    except MoneyError as error:
        raise RefundAmountInvalid(str(error)) from error
