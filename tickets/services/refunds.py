"""Refund services: move a refund along its state machine under the four-eyes rule, never
committing more than the order has left to refund."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..errors import (
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    MoneyError,
    MonthClosed,
    NotAManualRefund,
    PermissionDenied,
    RefundAmountInvalid,
    RefundCurrencyMismatch,
    RefundExceedsRefundable,
    RefundNeedsOrder,
    RefundRequestInvalid,
    SelfApprovalForbidden,
)
from ..locks import lock, lock_key, lock_refund_with_order
from ..models import Order, Refund, RefundKind, RefundLine, RefundMethod, Ticket
from ..money import Money
from ..permissions import can, ensure_member, require
from ..states import MANUAL_REFUND_METHODS, REFUND, REFUND_COMMITTED, ActorKind, RefundStatus
from . import audit, refund_policy, refund_suggestion, report_months, return_risk
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
        if allowed and current.status == F.FAILED and status == F.EXECUTING:
            _ensure_lines_free(order, current)  # a failed refund gave its lines back: take them again
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
        if len(reference) > 128:
            raise NotAManualRefund(_("Keep the payment reference under 128 characters."))
        return {"executed_by": actor, "manual_reference": reference}
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


def _ensure_lines_free(order: Order, refund: Refund) -> None:
    lines = [(rl.order_line, rl.quantity) for rl in refund.lines.select_related("order_line")]
    over = refund_suggestion.lines_over(order, lines, excluding=refund)
    if over:
        raise RefundExceedsRefundable(over)


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
    corrects: Refund | None = None,
) -> Refund:
    """Ask for a refund on the ticket's order: the one entry for the ticket page, the API, rules
    and the demo.

    Partial refunds name lines and quantities and/or an amount; a full refund pays back what is
    left on the order. The amount is in the order's currency and never more than is left,
    decided under the order's row lock (taken after the ticket's, the house order of
    ``tickets/locks.py``). The store's approval policy (``refund_policy``) says whether the
    requester approves it alone (it is then approved at once and, to the original payment,
    queued for the platform) or a supervisor must (it waits in the approvals queue). A repeated
    ``idempotency_key`` returns the refund it made the first time, if the terms are the same. A
    correction of a succeeded refund (``corrects``) counts in the open month.
    """
    from . import refund_decisions  # it builds on this module: imported when first asked

    kind_of_actor = audit.actor_kind_of(actor, actor_kind)
    if kind_of_actor == ActorKind.USER:
        ensure_member(actor, ticket.store_id)
        require(actor, "tickets.add_refund")
        requester = actor
    else:
        requester = None
    key = _idempotency_key(idempotency_key)
    reason = _clean_reason(reason)
    _check_kind_and_method(kind, method)
    attribution_month = _attribution_month(attribution_month, corrects, ticket)
    with transaction.atomic():
        if key is not None:
            lock_key(f"refund-request:{key}")  # two requests with one key: the second finds the first
            found = Refund.objects.filter(idempotency_key=key).first()
            if found is not None:
                return _same_terms(found, ticket=ticket, kind=kind, method=method, amount=amount)
        # The house order of tickets/locks.py: the ticket, then its order.
        locked_ticket = lock(Ticket, ticket.pk)
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
        if left.amount <= 0:
            raise RefundExceedsRefundable(_("Nothing is left to refund on order %(order)s.") % {"order": order.number})
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
        # An amount alone (no lines, not full) has nothing to suggest from: no suggestion is stored.
        suggested = suggestion if (chosen or kind == RefundKind.FULL) else None
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
            suggestion=suggested.amount if suggested else None,
            customer=customer,
            on=timezone.localdate(),
        )
        # What the refund pays, split over its lines and the shipping share so the parts add up to
        # it exactly (RELIABILITY §1.2): the report's per-SKU totals then sum to the refunds'.
        parts = (
            refund_suggestion.allocate(
                money, [share.amount.amount for share in suggestion.lines] + [suggestion.shipping.amount]
            )
            if suggestion.lines
            else []
        )
        try:
            with transaction.atomic():  # a savepoint: the key may be taken meanwhile (SQLite has no key lock)
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
                    suggested_amount=suggested.amount.amount if suggested else None,
                    shipping_amount=parts[-1].amount if parts else 0,
                    approval_reasons=decision.reasons,
                    corrects=corrects,
                    **({"idempotency_key": key} if key is not None else {}),
                )
        except IntegrityError:
            found = Refund.objects.filter(idempotency_key=key).first() if key is not None else None
            if found is None:
                raise
            return _same_terms(found, ticket=ticket, kind=kind, method=method, amount=amount)
        RefundLine.objects.bulk_create(
            [
                RefundLine(refund=refund, order_line=share.line, quantity=share.quantity, amount=part.amount)
                for share, part in zip(suggestion.lines, parts, strict=False)
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
                "corrects": corrects.pk if corrects else None,
            },
            note=note,
        )
        if kind_of_actor != ActorKind.RULE:  # the rules hear of it after commit (a rule's own: never, no loop)
            events.emit(
                events.REFUND_REQUESTED, store_id=refund.store_id, ticket_id=refund.ticket_id, refund_id=refund.pk
            )
        if decision.self_approvable and requester is not None:
            transition_refund(refund, F.APPROVED, actor=actor, note=_("within the requester's approval limit"))
            refund_decisions.after_approval(refund)
        else:
            transition_refund(refund, F.PENDING_APPROVAL, actor=actor, actor_kind=kind_of_actor)
            refund_decisions.after_request_pending(refund, actor=actor)
    refund.refresh_from_db()
    return refund


# Format characters (zero-width spaces, joiners, direction marks) are not words.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def _clean_reason(reason) -> str:
    reason = " ".join(_INVISIBLE.sub("", str(reason or "")).split())
    if not reason:
        raise RefundRequestInvalid(_("Say why the buyer gets this refund."))
    if len(reason) > REASON_MAX:
        raise RefundRequestInvalid(_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX})
    return reason


def _check_kind_and_method(kind: str, method: str) -> None:
    if kind not in RefundKind.values:
        raise RefundRequestInvalid(_("Choose the kind of refund."))
    if method not in RefundMethod.values:
        raise RefundRequestInvalid(_("Choose how the refund is paid."))
    if (kind == RefundKind.STORE_CREDIT) != (method == RefundMethod.STORE_CREDIT):
        raise RefundRequestInvalid(_("Store credit is both the kind and the method of a store-credit refund."))


def _idempotency_key(value) -> uuid.UUID | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except ValueError:
        raise IdempotencyKeyInvalid() from None


def _same_terms(found: Refund, *, ticket, kind: str, method: str, amount) -> Refund:
    """The refund a repeated key made, if the request is the same one; else say the key is taken."""
    same = found.ticket_id == ticket.pk and found.kind == kind and found.method == method
    if same and amount is not None and not (isinstance(amount, str) and not amount.strip()):
        try:
            asked = amount if isinstance(amount, Money) else Money.of(str(amount).strip(), found.currency)
        except MoneyError:
            same = False
        else:
            same = asked.currency == found.currency and asked.amount == found.amount
    if not same:
        raise IdempotencyKeyReused()
    found.replayed = True  # the API answers a replay 200, not 201
    return found


def _attribution_month(value, corrects: Refund | None, ticket):
    """First day of the chosen month: not closed, not after the current month; a correction
    counts in the open month."""
    if corrects is not None:
        if corrects.order_id != ticket.order_id or corrects.status != F.SUCCEEDED:
            raise RefundRequestInvalid(_("A correction names a refund of this order that went through."))
        if value is None:  # the open month, which may be the next one when this month is closed
            return report_months.open_month_for(timezone.localdate())
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise RefundRequestInvalid(_("The attribution month is a month, e.g. 2026-12."))
    month = value.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise RefundRequestInvalid(_("A refund cannot count in a month that has not begun."))
    if report_months.is_closed(month):
        raise MonthClosed()
    return month


def _requested_money(amount, currency: str, suggestion) -> Money:
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
