"""What a refund request form suggests, and what is left to refund on an order's lines.

Suggested amount = the chosen lines × quantities at their unit price + their share of the order's
shipping and other charges (total − lines) − nothing more than is left on the order. A full
refund suggests all that is left. Amounts are in the order's currency, rounded to it once, at
the end (half-even)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from ..errors import RefundLinesInvalid
from ..models import Order, OrderLine, Refund, RefundKind, RefundLine
from ..money import Money
from ..states import RefundStatus

# Requests still open count against a line's quantity too: two agents cannot both ask for the
# last unit. Rejected, cancelled and failed requests give it back.
LINE_HOLDING = (
    RefundStatus.REQUESTED,
    RefundStatus.PENDING_APPROVAL,
    RefundStatus.APPROVED,
    RefundStatus.EXECUTING,
    RefundStatus.SUCCEEDED,
)


@dataclass(frozen=True)
class LineShare:
    line: OrderLine
    quantity: int
    amount: Money  # what the buyer paid for these units (after the order's discount)


@dataclass(frozen=True)
class Suggestion:
    lines: list[LineShare]
    lines_total: Money
    shipping: Money  # the share of shipping and other charges not refunded yet
    left: Money  # what the order has left to refund
    amount: Money  # what the form proposes: never more than left


def refunded_quantities(order: Order) -> dict[int, int]:
    rows = (
        RefundLine.objects.filter(refund__order_id=order.pk, refund__status__in=LINE_HOLDING)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["order_line_id"]: row["quantity"] for row in rows}


def shipping_refunded(order: Order, *, excluding=None) -> Decimal:
    refunds = Refund.objects.filter(order_id=order.pk, status__in=LINE_HOLDING)
    if excluding is not None:
        refunds = refunds.exclude(pk=excluding.pk)
    return refunds.aggregate(total=Sum("shipping_amount"))["total"] or Decimal(0)


def lines_over(order: Order, lines: list[tuple[OrderLine, int]], *, excluding=None) -> str | None:
    """Why these lines cannot be refunded (more units than are left on one), or None."""
    taken = refunded_quantities_excluding(order, excluding)
    for line, quantity in lines:
        free = line.quantity - taken.get(line.pk, 0)
        if quantity > free:
            return _("%(sku)s: %(free)s of %(ordered)s can still be refunded, not %(asked)s.") % {
                "sku": line.sku,
                "free": max(free, 0),
                "ordered": line.quantity,
                "asked": quantity,
            }
    return None


def refunded_quantities_excluding(order: Order, excluding) -> dict[int, int]:
    if excluding is None:
        return refunded_quantities(order)
    rows = (
        RefundLine.objects.filter(refund__order_id=order.pk, refund__status__in=LINE_HOLDING)
        .exclude(refund_id=excluding.pk)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["order_line_id"]: row["quantity"] for row in rows}


def parse_lines(order: Order, lines: Iterable) -> list[tuple[OrderLine, int]]:
    """[(order line, quantity)] from [(line id, quantity)] or [{"line": id, "quantity": n}]: each
    line of this order, once, with a whole quantity of 1 up to what is not yet refunded."""
    by_id = {line.pk: line for line in OrderLine.objects.filter(order_id=order.pk)}
    chosen: list[tuple[OrderLine, int]] = []
    seen: set[int] = set()
    for item in lines:
        if isinstance(item, dict):
            line_id, quantity = item.get("line"), item.get("quantity")
        else:
            try:
                line_id, quantity = item
            except (TypeError, ValueError):
                raise RefundLinesInvalid(_("A refund line is a line of the order and a quantity.")) from None
        line_id, quantity = _whole(line_id), _whole(quantity)
        if line_id is None or quantity is None:
            raise RefundLinesInvalid(_("A refund line is a line of the order and a whole quantity."))
        line = by_id.get(line_id)
        if line is None:
            raise RefundLinesInvalid(
                _("Line %(line)s is not a line of order %(order)s.") % {"line": line_id, "order": order.number}
            )
        if line_id in seen:
            raise RefundLinesInvalid(_("%(sku)s is named twice.") % {"sku": line.sku})
        seen.add(line_id)
        if quantity < 0:
            raise RefundLinesInvalid(_("%(sku)s: a quantity is not negative.") % {"sku": line.sku})
        if quantity:
            chosen.append((line, quantity))
    over = lines_over(order, chosen)
    if over:
        raise RefundLinesInvalid(over)
    return chosen


def _whole(value) -> int | None:
    """A whole number from an int or its plain decimal text; floats, bools and '1.9' are not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.strip().isascii():
        return int(value.strip())
    return None


def _discount_factor(order: Order, every_line_value: Decimal) -> Decimal:
    """What the buyer paid per unit of list price: below 1 on a discounted order (total < lines)."""
    if every_line_value <= 0:
        return Decimal(1)
    return min(Decimal(1), Decimal(order.total_amount) / every_line_value)


def suggest(
    order: Order, *, kind: str, lines: list[tuple[OrderLine, int]], include_shipping: bool, left: Money
) -> Suggestion:
    currency = order.currency
    all_lines = list(OrderLine.objects.filter(order_id=order.pk))
    every_line_value = sum((line.unit_price * line.quantity for line in all_lines), Decimal(0))
    factor = _discount_factor(order, every_line_value)
    charges = max(Decimal(order.total_amount) - every_line_value, Decimal(0))
    charges_left = max(charges - shipping_refunded(order), Decimal(0))
    chosen_value = sum((line.unit_price * qty for line, qty in lines), Decimal(0))
    shipping = Decimal(0)
    if include_shipping and charges_left:
        if kind == RefundKind.FULL or not every_line_value:
            shipping = charges_left
        else:
            shipping = min(charges * chosen_value / every_line_value, charges_left)
    shares = [LineShare(line, qty, Money.rounded(line.unit_price * qty * factor, currency)) for line, qty in lines]
    lines_total = Money.rounded(chosen_value * factor, currency)
    shipping_money = Money.rounded(shipping, currency)
    if kind == RefundKind.FULL:
        amount = left
    else:
        proposed = lines_total + shipping_money
        amount = proposed if proposed <= left else left
    if amount.amount < 0:
        amount = Money.zero(currency)
    return Suggestion(lines=shares, lines_total=lines_total, shipping=shipping_money, left=left, amount=amount)


def allocate(total: Money, weights: list[Decimal]) -> list[Money]:
    """``total`` split over ``weights`` pro rata in whole minor units, the remainder going to the
    largest fractions (largest remainder): the parts always add up to ``total`` exactly."""
    if not weights:
        return []
    units = total.minor_units
    whole = sum(weights, Decimal(0))
    if whole <= 0:
        weights, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    exact = [Decimal(units) * w / whole for w in weights]
    parts = [int(e) for e in exact]  # floor: the amounts are not negative
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - parts[i], -i), reverse=True)
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return [Money.from_minor(part, total.currency) for part in parts]
