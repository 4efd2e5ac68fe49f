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
from ..models import Order, OrderLine, RefundKind, RefundLine
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
    amount: Money


@dataclass(frozen=True)
class Suggestion:
    lines: list[LineShare]
    lines_total: Money
    shipping: Money  # the share of shipping and other charges
    left: Money  # what the order has left to refund
    amount: Money  # what the form proposes: never more than left


def refunded_quantities(order: Order) -> dict[int, int]:
    rows = (
        RefundLine.objects.filter(refund__order_id=order.pk, refund__status__in=LINE_HOLDING)
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {row["order_line_id"]: row["quantity"] for row in rows}


def parse_lines(order: Order, lines: Iterable) -> list[tuple[OrderLine, int]]:
    """[(order line, quantity)] from [(line id, quantity)] or [{"line": id, "quantity": n}]: each
    line of this order, once, with a whole quantity of 1 up to what is not yet refunded."""
    by_id = {line.pk: line for line in OrderLine.objects.filter(order_id=order.pk)}
    taken = refunded_quantities(order)
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
        try:
            line_id, quantity = int(line_id), int(str(quantity).strip())
        except (TypeError, ValueError):
            raise RefundLinesInvalid(_("A refund line is a line of the order and a whole quantity.")) from None
        line = by_id.get(line_id)
        if line is None:
            raise RefundLinesInvalid(
                _("Line %(line)s is not a line of order %(order)s.") % {"line": line_id, "order": order.number}
            )
        if line_id in seen:
            raise RefundLinesInvalid(_("%(sku)s is named twice.") % {"sku": line.sku})
        seen.add(line_id)
        if quantity == 0:
            continue
        free = line.quantity - taken.get(line_id, 0)
        if quantity < 0 or quantity > free:
            raise RefundLinesInvalid(
                _("%(sku)s: %(free)s of %(ordered)s can still be refunded, not %(asked)s.")
                % {"sku": line.sku, "free": max(free, 0), "ordered": line.quantity, "asked": quantity}
            )
        chosen.append((line, quantity))
    return chosen


def suggest(
    order: Order, *, kind: str, lines: list[tuple[OrderLine, int]], include_shipping: bool, left: Money
) -> Suggestion:
    currency = order.currency
    all_lines = list(OrderLine.objects.filter(order_id=order.pk))
    every_line_value = sum((line.unit_price * line.quantity for line in all_lines), Decimal(0))
    charges = max(Decimal(order.total_amount) - every_line_value, Decimal(0))
    shares = [LineShare(line, qty, Money.rounded(line.unit_price * qty, currency)) for line, qty in lines]
    chosen_value = sum((line.unit_price * qty for line, qty in lines), Decimal(0))
    shipping = Decimal(0)
    if include_shipping and charges:
        shipping = (
            charges if kind == RefundKind.FULL or not every_line_value else charges * chosen_value / every_line_value
        )
    lines_total = Money.rounded(chosen_value, currency)
    shipping_money = Money.rounded(shipping, currency)
    if kind == RefundKind.FULL:
        amount = left
    else:
        proposed = lines_total + shipping_money
        amount = proposed if proposed <= left else left
    if amount.amount < 0:
        amount = Money.zero(currency)
    return Suggestion(lines=shares, lines_total=lines_total, shipping=shipping_money, left=left, amount=amount)
