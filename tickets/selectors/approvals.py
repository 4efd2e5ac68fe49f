"""What the approvals queue reads: the refunds waiting for a supervisor (oldest first) and those
that failed on the platform, in the stores the user may see; and, for one refund, everything a
supervisor decides on: the request, the order's lines it covers, the evidence, the buyer's refund
and return history and the last messages. A fixed number of queries, whatever the queue holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext as _

from ..models import Attachment, Message, OrderLine, Refund, RefundLine, ReturnAuthorization, Ticket
from ..money import Money
from ..permissions import can
from ..services import refund_policy, refund_suggestion
from ..services.refunds import APPROVE, refundable_left
from ..states import RefundStatus
from . import evidence as evidence_selector
from .ticket_page import BuyerHistory, buyer_history_columns

F = RefundStatus
QUEUE_SIZE = 100  # the oldest this many are listed; the rest wait their turn below them
COUNT_CAP = 99  # the top bar says "99+" beyond this, like the notification bell
LAST_MESSAGES = 6


def _listed(user):
    return Refund.objects.visible_to(user).select_related("ticket", "ticket__customer", "store", "requested_by")


@dataclass(frozen=True)
class Queue:
    pending: list[Refund]
    more: bool  # more wait than are listed
    failed: list[Refund]


def queue(user) -> Queue:
    """Pending refunds oldest first (the longest wait on top), then those the platform refused."""
    pending = list(_listed(user).filter(status=F.PENDING_APPROVAL).order_by("created_at", "pk")[: QUEUE_SIZE + 1])
    failed = list(_listed(user).filter(status=F.FAILED).order_by("failed_at", "pk")[:QUEUE_SIZE])
    for refund in pending + failed:
        refund.reason_labels = refund_policy.reason_labels(refund.approval_reasons or [])
        refund.mine = refund.requested_by_id == user.pk
    return Queue(pending=pending[:QUEUE_SIZE], more=len(pending) > QUEUE_SIZE, failed=failed)


def pending_count(user) -> int:
    """Pending approvals in the user's stores, counted up to COUNT_CAP + 1 (the status index
    answers it; the pending rows are few)."""
    return Refund.objects.visible_to(user).filter(status=F.PENDING_APPROVAL)[: COUNT_CAP + 1].count()


def badge(count: int) -> str:
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


# --- one refund, everything to decide on ----------------------------------------------------------
@dataclass(frozen=True)
class LineRow:
    line: OrderLine
    in_refund: int  # how many of it this refund pays back
    amount: Money | None  # for those
    refunded_before: int  # held by other refunds (asked, approved or paid)


@dataclass(frozen=True)
class CurrencyHistory:
    currency: str
    refunded: int = 0
    refunded_total: Money | None = None
    open: int = 0
    open_total: Money | None = None
    refused: int = 0


@dataclass
class Detail:
    refund: Refund
    ticket: Ticket
    lines: list[LineRow]
    left: Money
    reasons: list[str]
    history: list[CurrencyHistory]
    buyer: BuyerHistory | None
    messages: list[Message]
    evidence: evidence_selector.EvidencePanel
    rmas: list[ReturnAuthorization]
    mine: bool
    can_decide: bool
    can_retry: bool
    why_not: str = ""
    shipping: Money | None = None
    suggested: Money | None = None

    @property
    def over_left(self) -> bool:
        return self.refund.status == F.PENDING_APPROVAL and self.refund.money > self.left

    @property
    def left_after(self) -> Money:
        return self.left - self.refund.money if not self.over_left else self.left


OPEN = (F.REQUESTED, F.PENDING_APPROVAL, F.APPROVED, F.EXECUTING)
REFUSED = (F.REJECTED, F.CANCELLED, F.FAILED)


def _history(refund: Refund, customer_id: int | None) -> list[CurrencyHistory]:
    """The buyer's other refunds per currency: paid back, still open, refused (never summed across
    currencies)."""
    if customer_id is None:
        return []
    rows = (
        Refund.objects.filter(order__customer_id=customer_id)
        .exclude(pk=refund.pk)
        .values("currency", "status")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .order_by("currency", "status")
    )
    by_currency: dict[str, dict] = {}
    for row in rows:
        entry = by_currency.setdefault(
            row["currency"], {"refunded": 0, "rtotal": 0, "open": 0, "ototal": 0, "refused": 0}
        )
        if row["status"] == F.SUCCEEDED:
            entry["refunded"] += row["n"]
            entry["rtotal"] += row["total"] or 0
        elif row["status"] in OPEN:
            entry["open"] += row["n"]
            entry["ototal"] += row["total"] or 0
        else:
            entry["refused"] += row["n"]
    return [
        CurrencyHistory(
            currency=currency,
            refunded=e["refunded"],
            refunded_total=Money.stored(e["rtotal"], currency),
            open=e["open"],
            open_total=Money.stored(e["ototal"], currency),
            refused=e["refused"],
        )
        for currency, e in by_currency.items()
    ]


def detail(user, refund_id: int | None) -> Detail | None:
    """The refund if the user may see it (else None, for missing and forbidden alike)."""
    if refund_id is None:
        return None
    refund = (
        Refund.objects.visible_to(user)
        .select_related("order", "store", "requested_by", "approved_by")
        .filter(pk=refund_id)
        .first()
    )
    if refund is None:
        return None
    ticket = (
        evidence_selector.with_dispute_facts(Ticket.objects.filter(pk=refund.ticket_id))
        .select_related("customer", "order", "store", "assignee")
        .annotate(**buyer_history_columns(user))
        .prefetch_related(
            Prefetch(
                "attachments", queryset=Attachment.objects.select_related("uploaded_by").order_by("created_at", "pk")
            ),
            Prefetch("rmas", queryset=ReturnAuthorization.objects.order_by("created_at")),
        )
        .get()
    )
    order = refund.order
    ours = {
        row.order_line_id: row
        for row in RefundLine.objects.filter(refund_id=refund.pk).only("order_line_id", "quantity", "amount")
    }
    held = refund_suggestion.refunded_quantities(order)
    lines = []
    for line in OrderLine.objects.filter(order_id=order.pk).order_by("pk"):
        mine = ours.get(line.pk)
        quantity = mine.quantity if mine else 0
        lines.append(
            LineRow(
                line=line,
                in_refund=quantity,
                amount=Money.stored(mine.amount, refund.currency) if mine else None,
                # what other refunds hold: this one's own rows count while it waits
                refunded_before=max(
                    held.get(line.pk, 0) - (quantity if refund.status in refund_suggestion.LINE_HOLDING else 0), 0
                ),
            )
        )
    messages = list(
        Message.objects.filter(ticket_id=ticket.pk)
        .select_related("author")
        .order_by("-created_at", "-pk")[:LAST_MESSAGES]
    )
    messages.reverse()
    mine = refund.requested_by_id == user.pk
    approver = can(user, APPROVE)
    why_not = ""
    if refund.status != F.PENDING_APPROVAL:
        why_not = _("This refund is %(status)s: there is nothing to decide.") % {"status": refund.get_status_display()}
    elif mine:
        why_not = _(
            "You asked for this refund yourself: another supervisor approves or rejects it. Nobody decides on their own request."
        )
    return Detail(
        refund=refund,
        ticket=ticket,
        lines=lines,
        left=refundable_left(order),
        reasons=refund_policy.reason_labels(refund.approval_reasons or []),
        history=_history(refund, ticket.customer_id or order.customer_id),
        buyer=BuyerHistory.of(ticket),
        messages=messages,
        evidence=evidence_selector.panel(ticket),
        rmas=list(ticket.rmas.all()),
        mine=mine,
        can_decide=approver and not why_not,
        can_retry=approver and refund.status == F.FAILED,
        why_not=why_not,
        shipping=Money.stored(refund.shipping_amount, refund.currency) if refund.shipping_amount else None,
        suggested=Money.stored(refund.suggested_amount, refund.currency)
        if refund.suggested_amount is not None
        else None,
    )
