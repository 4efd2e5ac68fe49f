"""What the ticket page reads of refunds: the request form (each order line with what can still be
refunded, the suggested amount and what is left, recomputed by the server as lines change) and
each refund's state as a person reads it, with the buttons they may press."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import DomainError, MoneyError
from ..models import AuditEvent, Order, OrderLine, OutboxAction, Refund, RefundKind, RefundMethod, Ticket
from ..models.outbox import OutboxStatus
from ..money import Money
from ..permissions import can
from ..services import refund_policy, refund_suggestion
from ..services.outbox import refund_action_key
from ..services.refunds import refundable_left
from ..states import MANUAL_REFUND_METHODS, RefundStatus
from ..validators import small_int

F = RefundStatus
# Before execution the requester (or a supervisor) may still withdraw a refund.
CANCELLABLE = (F.REQUESTED, F.PENDING_APPROVAL, F.APPROVED)


# --- the request form ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FormLine:
    line: OrderLine
    free: int  # how many can still be refunded
    quantity: int  # how many the form asks for now

    @property
    def refunded(self) -> int:
        return self.line.quantity - self.free


@dataclass
class RefundForm:
    """The form as the server computed it: what the person chose and what follows from it."""

    ticket: Ticket
    order: Order
    lines: list[FormLine]
    left: Money
    kind: str = RefundKind.PARTIAL
    method: str = RefundMethod.ORIGINAL_PAYMENT
    include_shipping: bool = False
    amount: str = ""  # as typed, or the suggestion while the person has not typed their own
    suggested: Money | None = None
    shipping: Money | None = None
    reason: str = ""
    attribution_month: str = ""
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    error: str = ""  # from the service, after a refused submit
    line_error: str = ""  # a quantity the order cannot give
    needs_approval: list[str] = field(default_factory=list)  # labels; empty: approved at once
    amount_money: Money | None = None

    @property
    def kinds(self):
        return RefundKind.choices

    @property
    def methods(self):
        """Store credit is the one method of a store-credit refund, and only of it."""
        store_credit = self.kind == RefundKind.STORE_CREDIT
        return [(v, label) for v, label in RefundMethod.choices if (v == RefundMethod.STORE_CREDIT) == store_credit]

    @property
    def amount_invalid(self) -> bool:
        return bool(self.amount.strip()) and self.amount_money is None

    @property
    def over_left(self) -> bool:
        return self.amount_money is not None and self.amount_money > self.left

    @property
    def nothing_left(self) -> bool:
        return self.left.amount <= 0


def _quantities(data) -> dict[int, str]:
    """{order line id: quantity as typed} from the form's ``qty-<line>`` fields (empty is 0)."""
    wanted = {}
    for key, value in data.items():
        line_id = small_int(key[4:]) if key.startswith("qty-") else None
        if line_id is not None:
            wanted[line_id] = (value or "").strip() or "0"
    return wanted


def _money_or_none(text: str, currency: str) -> Money | None:
    try:
        return Money.of(text.strip(), currency) if text and text.strip() else None
    except (MoneyError, ArithmeticError):
        return None


def refund_form(ticket: Ticket, user, data=None, *, error: str = "") -> RefundForm:
    """The request form for the ticket's order. ``data`` (the form's fields so far) drives the
    suggestion: the chosen lines × quantities + their shipping share, never more than is left.
    The amount follows the suggestion until the person types another one (``suggested`` carries
    the suggestion the page showed, so the server tells the two apart)."""
    data = data if data is not None else {}
    order = Order.objects.get(pk=ticket.order_id)
    order_lines = list(OrderLine.objects.filter(order_id=order.pk).order_by("pk"))
    taken = refund_suggestion.refunded_quantities(order)
    left = refundable_left(order)
    kind = data.get("kind") or RefundKind.PARTIAL
    if kind not in RefundKind.values:
        kind = RefundKind.PARTIAL
    method = data.get("method") or RefundMethod.ORIGINAL_PAYMENT
    if kind == RefundKind.STORE_CREDIT:
        method = RefundMethod.STORE_CREDIT  # the one method of a store-credit refund
    elif method == RefundMethod.STORE_CREDIT or method not in RefundMethod.values:
        method = RefundMethod.ORIGINAL_PAYMENT
    wanted = _quantities(data)
    form = RefundForm(
        ticket=ticket,
        order=order,
        lines=[],
        left=left,
        kind=kind,
        method=method,
        include_shipping=data.get("include_shipping") in ("on", "1", "true") or kind == RefundKind.FULL,
        reason=(data.get("reason") or "")[:300],
        attribution_month=(data.get("attribution_month") or "")[:7],
        error=error,
    )
    if data.get("key"):
        form.key = str(data["key"])[:64]
    asked: list[tuple[int, str]] = []
    for line in order_lines:
        free = max(line.quantity - taken.get(line.pk, 0), 0)
        raw = wanted.get(line.pk, "0")
        quantity = small_int(raw, digits=4) or 0
        form.lines.append(FormLine(line, free, min(quantity, free)))
        if raw != "0":
            asked.append((line.pk, raw))
    try:
        chosen = refund_suggestion.parse_lines(order, asked)
    except DomainError as exc:
        form.line_error, chosen = exc.message, []
    if kind == RefundKind.FULL and not chosen:
        chosen = [(fl.line, fl.free) for fl in form.lines if fl.free > 0]
    suggestion = refund_suggestion.suggest(
        order, kind=kind, lines=chosen, include_shipping=form.include_shipping, left=left
    )
    form.suggested, form.shipping = suggestion.amount, suggestion.shipping
    typed, shown = (data.get("amount") or "").strip(), (data.get("suggested") or "").strip()
    following = not typed or typed == shown or "amount" not in data
    form.amount = str(suggestion.amount.amount) if following else typed
    form.amount_money = _money_or_none(form.amount, order.currency)
    if form.amount_money is not None and form.amount_money.amount > 0:
        customer = ticket.customer or order.customer
        decision = refund_policy.decide(
            amount=form.amount_money,
            store=ticket.store,
            ticket=ticket,
            kind=kind,
            requester=user,
            categories=[line.category for line, _qty in chosen] or [line.category for line in order_lines],
            suggestion=suggestion.amount if (chosen or kind == RefundKind.FULL) else None,
            customer=customer,
            on=timezone.localdate(),
        )
        form.needs_approval = refund_policy.reason_labels(decision.reasons)
    return form


def chosen_lines(data) -> list[tuple[int, int | str]]:
    """[(order line id, quantity)] from the form's ``qty-<line>`` fields (0 left out); a quantity
    that is not a whole number is passed on as typed, for the service to refuse with its words."""
    chosen = []
    for line_id, raw in _quantities(data).items():
        quantity = small_int(raw, digits=4)
        if quantity != 0:
            chosen.append((line_id, raw if quantity is None else quantity))
    return chosen


def parse_month(text: str) -> date | None:
    """``YYYY-MM`` (an <input type=month>) as the first day of that month; None for empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        raise DomainError(_("Choose the attribution month as year and month, e.g. 2026-12.")) from None


# --- each refund's state on the ticket page -------------------------------------------------------
@dataclass(frozen=True)
class RefundState:
    refund: Refund
    label: str  # what state it is in, as a person says it
    tone: str  # ok, wait, bad, neutral: the colour
    reasons: list[str]  # why it needs a supervisor
    detail: str  # the decision comment, the platform's words, the payment reference
    detail_label: str
    can_cancel: bool
    can_record: bool
    can_retry: bool

    @property
    def actions(self) -> bool:
        return self.can_cancel or self.can_record or self.can_retry


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else _("automation")


def _rejectors(refund_ids: list[int]) -> dict[int, str]:
    """Who rejected each refund (the refund keeps the approver only): from its audit trail, in
    one query, and only when the ticket has a rejected refund."""
    if not refund_ids:
        return {}
    events = (
        AuditEvent.objects.filter(object_type="refund", object_id__in=refund_ids, action="refund.status_changed")
        .exclude(actor=None)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return {e.object_id: _name(e.actor) for e in events if (e.after or {}).get("status") == F.REJECTED}


def refund_states(ticket: Ticket, user) -> list[RefundState]:
    """The ticket's refunds (prefetched by the ticket page) with their state said plainly: approved
    within the requester's limit, waiting for approval and why, rejected with the comment, failed
    with the platform's words, or executing with a fate to reconcile (its outbox action gave up)."""
    refunds = list(ticket.refunds.all())
    executing = [r for r in refunds if r.status == F.EXECUTING and r.method not in MANUAL_REFUND_METHODS]
    given_up = {}
    if executing:
        keys = {refund_action_key(r): r.pk for r in executing}
        for key, error in OutboxAction.objects.filter(
            idempotency_key__in=list(keys), status=OutboxStatus.DEAD
        ).values_list("idempotency_key", "last_error"):
            given_up[keys[key]] = error
    rejected_by = _rejectors([r.pk for r in refunds if r.status == F.REJECTED])
    supervisor = can(user, "tickets.approve_refund")
    may_work = can(user, "tickets.add_refund")
    states = []
    for refund in refunds:
        mine = refund.requested_by_id == user.pk
        reasons: list[str] = []
        detail, detail_label, tone = "", "", "neutral"
        status = refund.status
        if status == F.APPROVED and refund.self_approved:
            label, tone = (
                (
                    _("Approved (within your limit)")
                    if mine
                    else _("Approved within the requester's limit (%(name)s)") % {"name": _name(refund.requested_by)}
                ),
                "ok",
            )
        elif status == F.APPROVED:
            label, tone = _("Approved by %(name)s") % {"name": _name(refund.approved_by)}, "ok"
            detail, detail_label = refund.decision_note, _("Comment")
        elif status in (F.PENDING_APPROVAL, F.REQUESTED):
            label, tone = _("Waiting for approval"), "wait"
            reasons = refund_policy.reason_labels(refund.approval_reasons or [])
        elif status == F.REJECTED:
            who = rejected_by.get(refund.pk)
            label, tone = (_("Rejected by %(name)s") % {"name": who} if who else _("Rejected")), "bad"
            detail, detail_label = refund.decision_note, _("Comment")
        elif status == F.EXECUTING and refund.pk in given_up:
            label, tone = _("Needs reconciliation"), "bad"
            detail, detail_label = given_up[refund.pk], _("The platform said")
        elif status == F.EXECUTING:
            label, tone = _("Sending to the platform…"), "wait"
        elif status == F.FAILED:
            label, tone = _("Failed on the platform"), "bad"
            detail, detail_label = refund.failure_reason or _("The platform gave no reason."), _("The platform said")
        elif status == F.SUCCEEDED:
            label, tone = _("Succeeded"), "ok"
            if refund.manual_reference:
                detail, detail_label = refund.manual_reference, _("Payment reference")
            elif refund.platform_refund_id:
                detail, detail_label = refund.platform_refund_id, _("Platform refund")
        else:
            label = refund.get_status_display()
            detail, detail_label = refund.decision_note, _("Comment")
        states.append(
            RefundState(
                refund=refund,
                label=label,
                tone=tone,
                reasons=reasons,
                detail=detail,
                detail_label=detail_label,
                can_cancel=status in CANCELLABLE and (mine or supervisor) and may_work,
                can_record=status == F.APPROVED
                and refund.method in MANUAL_REFUND_METHODS
                and (mine or can(user, "tickets.change_refund")),
                can_retry=status == F.FAILED and supervisor,
            )
        )
    return states
