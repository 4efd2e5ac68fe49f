"""Exchange and reship: a free replacement order for a ticket, queued for the platform.

``create_replacement`` resolves a return (exchange: the buyer sends the item back and gets
another) or a parcel that never arrived or arrived broken (reship) with a replacement order: an
``Order`` row marked as a replacement of the original, the chosen lines and quantities at zero
charge in the order's currency, linked to the ticket, audited, and a ``create_replacement``
outbox action written in the same transaction. The drain (``integrations.outbox``) creates it on
the platform where the adapter can, and otherwise marks it for a person to create by hand.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..errors import DomainError
from ..locks import lock
from ..models import (
    Order,
    OrderLine,
    QcResult,
    ReplacementKind,
    ReplacementState,
    ReturnAuthorization,
    RmaLine,
    Ticket,
)
from ..models.outbox import OutboxKind
from ..permissions import ensure_member, require
from ..states import RMA_FINAL, RmaStatus
from . import audit, outbox, sequences

ADD = "tickets.add_returnauthorization"  # who may create a return may replace its items
MAX_PIECES = 9999
# Stored in English in the audit trail, shown translated.
NOTE_EXCHANGED = gettext_noop("resolved by exchange")


def replacement_action_key(order: Order) -> str:
    return f"replacement:{order.pk}"


def replaceable(order_id: int) -> dict[int, int]:
    """Per line of the original order: how many pieces may still be replaced (bought minus those
    already in a replacement)."""
    lines = dict(OrderLine.objects.filter(order_id=order_id).values_list("pk", "quantity"))
    taken = (
        OrderLine.objects.filter(replaces__order_id=order_id)
        .values("replaces_id")
        .annotate(taken=Sum("quantity"))
        .values_list("replaces_id", "taken")
    )
    for pk, count in taken:
        lines[pk] = lines.get(pk, 0) - count
    return {pk: max(0, left) for pk, left in lines.items()}


def create_replacement(
    ticket: Ticket,
    lines: dict[int, int],
    *,
    actor,
    kind: str,
    rma: ReturnAuthorization | None = None,
    note: str = "",
) -> Order:
    """A free replacement of some of the ticket's order lines ({order line id: quantity}).

    ``kind`` is exchange or reship. With ``rma`` (an exchange of a return) the pieces must be in
    that return, which must still be alive (not cancelled, rejected, expired, nor failed at QC);
    an inspected return is closed by it. Without one it replaces what the buyer never got."""
    ensure_member(actor, ticket.store_id)
    require(actor, ADD)
    if kind not in ReplacementKind.values:
        raise DomainError(_("Choose exchange or reship."))
    if ticket.order_id is None:
        raise DomainError(_("Link the ticket to an order before sending a replacement."))
    if any(qty is None or qty < 0 for qty in lines.values()):
        raise DomainError(_("A quantity cannot be negative."))
    wanted = {pk: qty for pk, qty in lines.items() if qty}
    if not wanted:
        raise DomainError(_("Choose at least one item to replace."))
    if any(qty > MAX_PIECES for qty in wanted.values()):
        raise DomainError(_("That is more pieces than the order has."))
    if rma is not None and rma.ticket_id != ticket.pk:
        raise DomainError(_("That return belongs to another ticket."))
    note = (note or "").strip()[:2000]
    with transaction.atomic():
        original = lock(Order, ticket.order_id)
        if original.replacement_of_id is not None:
            raise DomainError(_("This order is itself a replacement: link the ticket to the original order."))
        order_lines = {
            line.pk: line for line in OrderLine.objects.select_for_update().filter(order_id=original.pk).order_by("pk")
        }
        if set(wanted) - set(order_lines):
            raise DomainError(_("That item is not on this ticket's order."))
        if rma is not None:
            rma = lock(ReturnAuthorization, rma.pk)
            _check_rma(rma, wanted, order_lines)
        left = replaceable(original.pk)
        for pk, qty in wanted.items():
            if qty > left.get(pk, 0):
                raise DomainError(
                    _("Only %(left)d of “%(item)s” can still be replaced.")
                    % {"left": left.get(pk, 0), "item": order_lines[pk].title or order_lines[pk].sku}
                )
        serial = sequences.next_value("replacement")
        replacement = Order.objects.create(
            store_id=original.store_id,
            customer_id=original.customer_id,
            external_id=f"replacement:{serial}",
            number=f"{original.number}-R{serial}"[:64],
            placed_at=timezone.now(),
            currency=original.currency,
            total_amount=Decimal(0),
            paid_amount=Decimal(0),
            fulfilment=original.fulfilment,
            replacement_of=original,
            replacement_ticket=ticket,
            replacement_rma=rma,
            replacement_kind=kind,
            replacement_state=ReplacementState.QUEUED,
            replacement_note=note,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=replacement,
                    sku=order_lines[pk].sku,
                    title=order_lines[pk].title,
                    category=order_lines[pk].category,
                    image_url=order_lines[pk].image_url,
                    quantity=qty,
                    unit_price=Decimal(0),
                    replaces_id=pk,
                )
                for pk, qty in sorted(wanted.items())
            ]
        )
        audit.record(
            actor=actor,
            action="order.replacement_created",
            obj=ticket,
            after={
                "order": replacement.pk,
                "number": replacement.number,
                "kind": kind,
                "replaces": original.number,
                "rma": rma.number if rma else None,
                "lines": {str(pk): qty for pk, qty in sorted(wanted.items())},
                "amount": "0",
                "currency": replacement.currency,
            },
            note=note[:300],
        )
        outbox.enqueue(
            kind=OutboxKind.CREATE_REPLACEMENT,
            store=original.store,
            payload={"order_id": replacement.pk},
            idempotency_key=replacement_action_key(replacement),
        )
        if rma is not None and rma.status == RmaStatus.INSPECTED:
            from .rma import transition_rma

            transition_rma(rma, RmaStatus.CLOSED, actor=actor, note=NOTE_EXCHANGED)
    return replacement


def _check_rma(rma: ReturnAuthorization, wanted: dict[int, int], order_lines: dict[int, OrderLine]) -> None:
    if rma.status in RMA_FINAL:
        raise DomainError(_("Return %(number)s is over: it cannot be exchanged.") % {"number": rma.number})
    if rma.qc_result == QcResult.FAIL:
        raise DomainError(
            _("Return %(number)s failed QC: a supervisor decides before anything is sent.") % {"number": rma.number}
        )
    # The return is locked by the caller: earlier exchanges of it are all counted here.
    returned = dict(RmaLine.objects.filter(rma=rma).values_list("order_line_id", "quantity"))
    exchanged = dict(
        OrderLine.objects.filter(order__replacement_rma=rma)
        .values("replaces_id")
        .annotate(n=Sum("quantity"))
        .values_list("replaces_id", "n")
    )
    for pk, qty in wanted.items():
        left = returned.get(pk, 0) - (exchanged.get(pk) or 0)
        if qty > left:
            raise DomainError(
                _("Return %(number)s has %(count)d of “%(item)s” left to exchange.")
                % {"number": rma.number, "count": max(0, left), "item": order_lines[pk].title}
            )


def record_platform_answer(order: Order, *, created: bool, note: str) -> None:
    """What the platform did with a replacement (the outbox drain calls this): created there
    (``note`` is its reference), or to be created by a person (``note`` says why)."""
    state = ReplacementState.CREATED if created else ReplacementState.MANUAL
    with transaction.atomic():
        Order.objects.filter(pk=order.pk).update(replacement_state=state, replacement_note=note[:2000])
        audit.record(
            actor=None,
            action="order.replacement_" + ("created_on_platform" if created else "needs_manual"),
            obj=order.replacement_ticket or order,
            after={"order": order.pk, "number": order.number, "note": note[:300]},
        )
