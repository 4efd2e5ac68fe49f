"""RMA services: create a return from order lines, move it along its state machine, record QC."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..errors import DomainError
from ..locks import lock_if_free
from ..models import OrderLine, QcResult, ReturnAuthorization, RmaLine, Ticket
from ..permissions import ensure_allowed, ensure_member, require
from ..states import RMA, ActorKind, RmaStatus, TicketStatus
from . import audit, search_index, sequences
from .transitions import transition

CHANGE = "tickets.change_returnauthorization"
# Stored in English in the audit trail, shown translated.
NOTE_EXPIRED = gettext_noop("the parcel did not ship within the return window")


def transition_rma(
    rma: ReturnAuthorization,
    status: str,
    *,
    actor,
    actor_kind: str | None = None,
    qc_result: str = "",
    qc_note: str = "",
    restock: bool | None = None,
    note: str = "",
) -> ReturnAuthorization:
    """Move an RMA. Inspection needs a QC result (pass or fail)."""
    if actor is not None and audit.actor_kind_of(actor, actor_kind) == ActorKind.USER:
        ensure_member(actor, rma.store_id)  # membership first: another store's RMA is "not found"
        require(actor, CHANGE)
    changes: dict = {}
    if status == RmaStatus.INSPECTED:
        if qc_result not in (QcResult.PASS, QcResult.FAIL):
            raise DomainError(_("An inspection needs a QC result: pass or fail."))
        changes = {"qc_result": qc_result, "qc_note": qc_note, "restock": bool(restock) and qc_result == QcResult.PASS}
    return transition(rma, status, machine=RMA, actor=actor, actor_kind=actor_kind, changes=changes, note=note)


def expire_unshipped(*, now: datetime | None = None) -> int:
    """Expire authorized returns whose parcel never shipped within the store's return window,
    counted from the authorization. A return being worked on right now is left for the next run."""
    now = now or timezone.now()
    expired = 0
    due = (
        ReturnAuthorization.objects.filter(status=RmaStatus.AUTHORIZED, authorized_at__isnull=False)
        .select_related("store")
        .order_by("pk")
    )
    for rma in due.iterator(chunk_size=500):
        if rma.authorized_at + timedelta(days=rma.store.return_window_days) > now:
            continue
        with transaction.atomic():
            if lock_if_free(ReturnAuthorization, rma.pk, status=RmaStatus.AUTHORIZED) is None:
                continue
            transition_rma(rma, RmaStatus.EXPIRED, actor=None, actor_kind=ActorKind.SYSTEM, note=NOTE_EXPIRED)
        expired += 1
    return expired


ADD = "tickets.add_returnauthorization"
OPEN_RETURNS = (
    RmaStatus.REQUESTED,
    RmaStatus.AUTHORIZED,
    RmaStatus.IN_TRANSIT,
    RmaStatus.RECEIVED,
    RmaStatus.INSPECTED,
)


def returnable(order_id: int) -> dict[int, int]:
    """Per order line: how many pieces may still be returned (bought minus those in open or done returns)."""
    from django.db.models import Sum

    lines = dict(OrderLine.objects.filter(order_id=order_id).values_list("pk", "quantity"))
    taken = (
        RmaLine.objects.filter(order_line__order_id=order_id)
        .exclude(rma__status__in=[RmaStatus.CANCELLED, RmaStatus.REJECTED, RmaStatus.EXPIRED])
        .values("order_line_id")
        .annotate(taken=Sum("quantity"))
    )
    for row in taken:
        lines[row["order_line_id"]] = lines.get(row["order_line_id"], 0) - row["taken"]
    return {pk: max(0, left) for pk, left in lines.items()}


def create_rma(
    ticket: Ticket,
    lines: dict[int, int],
    *,
    actor,
    return_address: str = "",
    label_url: str = "",
    actor_kind: str | None = None,
    note: str = "",
) -> ReturnAuthorization:
    """An agent's return for some of the order's lines ({order line id: quantity}), authorized at
    once: the buyer may send the parcel. The return address defaults to the store's.
    A triage rule creates one as actor=None, actor_kind=RULE (audit ``note`` "Rule ‹name›")."""
    ensure_allowed(actor, ticket.store_id, ADD, actor_kind=actor_kind)
    if ticket.order_id is None:
        raise DomainError(_("Link the ticket to an order before creating a return."))
    wanted = {pk: qty for pk, qty in lines.items() if qty}
    if not wanted:
        raise DomainError(_("Choose at least one item to return."))
    if any(qty < 0 for qty in wanted.values()):
        raise DomainError(_("A quantity cannot be negative."))
    address = (return_address or ticket.store.return_address).strip()
    if not address:
        raise DomainError(_("Give the address the parcel goes to (or set the store's return address)."))
    if label_url and not label_url.startswith(("https://", "http://")):
        raise DomainError(_("The label link must be a web address."))
    with transaction.atomic():
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update().filter(order_id=ticket.order_id).order_by("pk")
        }
        unknown = set(wanted) - set(order_lines)
        if unknown:
            raise DomainError(_("That item is not on this ticket's order."))
        left = returnable(ticket.order_id)
        for pk, qty in wanted.items():
            if qty > left.get(pk, 0):
                raise DomainError(
                    _("Only %(left)d of “%(item)s” can still be returned.")
                    % {"left": left.get(pk, 0), "item": order_lines[pk].title or order_lines[pk].sku}
                )
        rma = ReturnAuthorization.objects.create(
            ticket=ticket,
            store_id=ticket.store_id,
            number=f"RMA-{sequences.next_value('rma'):05d}",
            return_address=address[:2000],
            label_url=label_url[:200],
        )
        RmaLine.objects.bulk_create([RmaLine(rma=rma, order_line_id=pk, quantity=qty) for pk, qty in wanted.items()])
        audit.record(
            actor=actor,
            actor_kind=actor_kind,
            action="rma.created",
            obj=rma,
            after={"status": rma.status, "number": rma.number, "lines": {str(k): v for k, v in wanted.items()}},
            note=note,
        )
        transition_rma(rma, RmaStatus.AUTHORIZED, actor=actor, actor_kind=actor_kind, note=note)
        search_index.refresh_on_commit([ticket.pk])
    return rma


def record_arrival(rma: ReturnAuthorization, *, actor) -> ReturnAuthorization:
    """The parcel reached the warehouse."""
    return transition_rma(rma, RmaStatus.RECEIVED, actor=actor)


def record_inspection(rma: ReturnAuthorization, *, actor, passed: bool, note: str = "", restock: bool = False):
    """QC: pass (restock if wanted) or fail. A failure goes to a supervisor: the ticket waits for
    approval, its priority rises, and the store's supervisors are told."""
    from . import notifications, sla, ticket_fields, tickets

    result = QcResult.PASS if passed else QcResult.FAIL
    if not passed and not note.strip():
        raise DomainError(_("Say what QC found when it fails."))
    with transaction.atomic():
        inspected = transition_rma(
            rma, RmaStatus.INSPECTED, actor=actor, qc_result=result, qc_note=note.strip()[:2000], restock=restock
        )
        if inspected.restock:
            _restock(inspected, actor=actor)
        if not passed:
            ticket = Ticket.objects.get(pk=rma.ticket_id)
            # The QC is recorded whatever the ticket's state; a solved ticket is reopened for the
            # supervisor, a closed one (final) stays closed and the supervisors are told all the same.
            if ticket.status == TicketStatus.RESOLVED:
                ticket = tickets.change_status(ticket, TicketStatus.OPEN, actor=actor)
            if ticket.status not in (TicketStatus.WAITING_APPROVAL, TicketStatus.CLOSED):
                ticket = tickets.change_status(ticket, TicketStatus.WAITING_APPROVAL, actor=actor)
            if ticket.status != TicketStatus.CLOSED and ticket.priority in ("low", "normal"):
                ticket_fields.set_priority(ticket, "high", actor=actor)
            notifications.notify(
                notifications.supervisors_of(ticket.store_id),
                "qc_failed",
                ticket=ticket,
                detail=f"{rma.number}: {note.strip()}"[:200],
            )
            # The buyer is owed word of the failure within the QC reply target: start that clock.
            sla.refresh_sla(ticket)
    return inspected


def _restock(rma: ReturnAuthorization, *, actor) -> None:
    """A QC pass that sends the pieces back to stock: noted per line of the order, audited."""
    from django.db.models import F
    from django.db.models.functions import Least

    returned = dict(RmaLine.objects.filter(rma=rma).values_list("order_line_id", "quantity"))
    for pk, qty in sorted(returned.items()):
        OrderLine.objects.filter(pk=pk).update(restocked_quantity=Least(F("restocked_quantity") + qty, F("quantity")))
    audit.record(
        actor=actor,
        action="rma.restocked",
        obj=rma,
        after={"lines": {str(pk): qty for pk, qty in sorted(returned.items())}},
    )
