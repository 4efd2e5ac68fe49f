"""Ingest: upsert what platforms report (orders, returns, disputes, messages, refunds) into the domain.

Each upsert is idempotent, keyed by (store, external id), only moves forward on the platform's
``updated_at`` and goes through the domain services, so the audit trail and the state machines
hold. ``ingest_records`` is what the sync loop calls for one page inside its own transaction:
orders and platform refunds take the bulk path (``ingest_orders``), the rest go record by record
in a savepoint each. New messages, returns and disputes emit their event after commit.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from .. import events
from ..errors import DomainError
from ..locks import lock, lock_key
from ..models import Customer, Dispute, Order, OrderLine, ReturnAuthorization, RmaLine, Store, Ticket
from ..models.disputes import DisputeKind, DisputeStatus
from ..models.tickets import PRIORITY_RANK, Channel, Priority, TicketReason, TicketType
from ..records import DisputeRecord, IngestResult, MessageRecord, OrderRecord, Record, RefundRecord, ReturnRecord
from ..states import RMA, ActorKind, RmaStatus, TicketStatus
from . import audit, search_index, sequences, sla
from .ingest_messages import blocked_senders, bulk_eligible, receive_platform_message, receive_platform_messages
from .ingest_orders import customer_for, record_platform_refund, upsert_order, upsert_orders, upsert_platform_refunds
from .rma import transition_rma
from .tickets import create_ticket

logger = logging.getLogger(__name__)

__all__ = [
    "ingest_records",
    "receive_platform_message",
    "record_platform_refund",
    "upsert_dispute",
    "upsert_order",
    "upsert_return",
]

RETURN = "return"
DISPUTE = "dispute"


def ingest_records(store: Store, records: Sequence[Record]) -> list[IngestResult]:
    """Upsert one page of records, in the caller's transaction; results in the records' order.

    A record the domain refuses (an amount it cannot read, an illegal move) is rolled back to
    its savepoint and reported in its result's notes; a database failure propagates, so the
    page is kept as failed and replayed.
    """
    results: list[IngestResult | None] = [None] * len(records)
    orders = [(i, r) for i, r in enumerate(records) if isinstance(r, OrderRecord)]
    refunds = [(i, r) for i, r in enumerate(records) if isinstance(r, RefundRecord)]
    if orders or refunds:
        with transaction.atomic():
            if orders:
                for (i, _r), result in zip(orders, upsert_orders(store, [r for _i, r in orders]), strict=True):
                    results[i] = result
            if refunds:
                page = upsert_platform_refunds(store, [r for _i, r in refunds])
                for (i, _r), result in zip(refunds, page, strict=True):
                    results[i] = result
    senders = {r.sender_address.strip().lower() for r in records if isinstance(r, MessageRecord) and r.sender_address}
    blocked = blocked_senders(store, senders) if senders else set()
    rest = [(i, r) for i, r in enumerate(records) if results[i] is None]
    pos = 0
    while pos < len(rest):
        # A run of messages goes the bulk path; it stops before a record it leaves to the per-record path.
        run = []
        while pos + len(run) < len(rest) and _bulk_message(rest[pos + len(run)][1]):
            run.append(rest[pos + len(run)])
        if run:
            with transaction.atomic():
                done = receive_platform_messages(store, [r for _i, r in run], blocked=blocked)
            for (i, _r), result in zip(run, done, strict=False):
                results[i] = result
            pos += len(done)
            if pos >= len(rest):
                break
        i, record = rest[pos]
        pos += 1
        try:
            with transaction.atomic():
                if isinstance(record, MessageRecord):
                    results[i] = receive_platform_message(record, store=store, blocked=blocked)
                else:
                    results[i] = _one(record, store)
        except DomainError as error:
            logger.warning("%s %s refused: %s", type(record).__name__, getattr(record, "external_id", ""), error)
            results[i] = IngestResult(_kind(record), getattr(record, "external_id", ""), notes=(f"refused: {error}",))
    done = [r for r in results if r is not None]
    # One rebuild for the page's tickets, once the sync loop commits the page.
    search_index.refresh_on_commit(r.ticket_id for r in done if r.ticket_id and (r.created or r.updated))
    return done


def _bulk_message(record: Record) -> bool:
    return isinstance(record, MessageRecord) and bulk_eligible(record)


def _one(record: Record, store: Store) -> IngestResult:
    if isinstance(record, MessageRecord):
        return receive_platform_message(record, store=store)
    if isinstance(record, ReturnRecord):
        return upsert_return(record, store=store)
    if isinstance(record, DisputeRecord):
        return upsert_dispute(record, store=store)
    if isinstance(record, OrderRecord):
        return upsert_order(record, store=store)
    if isinstance(record, RefundRecord):
        return record_platform_refund(record, store=store)
    raise TypeError(f"not a record: {type(record).__name__}")


def _kind(record: Record) -> str:
    return {MessageRecord: "message", ReturnRecord: RETURN, DisputeRecord: DISPUTE}.get(type(record), "record")


# --- threading to the order ---------------------------------------------------------------------
_EBAY_LEGACY = re.compile(r"^(\d+)-(\d+)$")


def _order(store: Store, external_id: str) -> Order | None:
    """The store's order by its platform id; eBay's inquiries and cases name only "<item>-<transaction>",
    which is found by its line (eBay's lineItemId is the transaction id)."""
    if not external_id:
        return None
    order = Order.objects.filter(store=store, external_id=external_id).first()
    if order is None and (legacy := _EBAY_LEGACY.match(external_id)):
        line = (
            OrderLine.objects.filter(order__store=store, external_id=legacy.group(2))
            .select_related("order")
            .order_by("pk")
            .first()
        )
        order = line.order if line else None
    return order


def _open_ticket_of(order: Order | None) -> Ticket | None:
    if order is None:
        return None
    return (
        Ticket.objects.filter(store_id=order.store_id, order=order)
        .exclude(status=TicketStatus.CLOSED)
        .order_by("-created_at", "-pk")
        .first()
    )


def _customer(store: Store, record: ReturnRecord | DisputeRecord, order: Order | None) -> Customer | None:
    customer_id = customer_for(store, record.buyer) or (order.customer_id if order else None)
    return Customer.objects.get(pk=customer_id) if customer_id else None


def _order_name(record: ReturnRecord | DisputeRecord, order: Order | None) -> str:
    if order is not None:
        return order.number
    number = getattr(record, "order_number", "")
    return number or _readable_id(record.order_external_id)


def _readable_id(external_id: str) -> str:
    # A Shopify gid (gid://shopify/Order/5813…) reads as its number; other platforms' ids as they are.
    return external_id.rsplit("/", 1)[-1] if external_id.startswith("gid://") else external_id


def _return_subject(record: ReturnRecord, order: Order | None, reason: str) -> str:
    """What an agent scans in the inbox: the order and, when the buyer gave one, the reason."""
    subject = _("Return request for order %(order)s") % {"order": _order_name(record, order)}
    return f"{subject}: {TicketReason(reason).label}" if reason else subject


# --- returns ------------------------------------------------------------------------------------
_RMA_TARGET = {
    "requested": RmaStatus.REQUESTED,
    "authorized": RmaStatus.AUTHORIZED,
    "rejected": RmaStatus.REJECTED,
    "in_transit": RmaStatus.IN_TRANSIT,
    "received": RmaStatus.RECEIVED,
    "closed": RmaStatus.CLOSED,
    "cancelled": RmaStatus.CANCELLED,
}


def upsert_return(record: ReturnRecord, *, store: Store) -> IngestResult:
    """A return the buyer opened on the platform: an RMA on the order's open ticket (or a new
    return ticket), moved along its state machine as the platform moves it."""
    with transaction.atomic(savepoint=False):  # ingest_records holds a savepoint per record
        lock_key(f"return:{store.pk}:{record.external_id}")
        rma = ReturnAuthorization.objects.filter(store=store, external_id=record.external_id).first()
        if rma is None:
            return _new_return(record, store)
        if rma.platform_updated_at is not None and record.updated_at < rma.platform_updated_at:
            return IngestResult(RETURN, record.external_id, ticket_id=rma.ticket_id, notes=("older than stored",))
        rma = lock(ReturnAuthorization, rma.pk)
        before = _rma_fields(rma)
        _fill_rma(rma, record)
        changed = _rma_fields(rma) != before
        if changed or rma.platform_updated_at != record.updated_at:
            rma.platform_updated_at = record.updated_at
            rma.save(update_fields=[*_RMA_FIELDS, "platform_updated_at"])
        moved, notes = _move_rma(rma, record)
        return IngestResult(
            RETURN, record.external_id, updated=changed or moved, ticket_id=rma.ticket_id, notes=tuple(notes)
        )


_RMA_FIELDS = ("platform_status", "reason_code", "buyer_comment", "respond_by", "carrier", "tracking_number")


def _rma_fields(rma: ReturnAuthorization) -> tuple:
    return tuple(getattr(rma, f) for f in _RMA_FIELDS)


def _fill_rma(rma: ReturnAuthorization, record: ReturnRecord) -> None:
    rma.platform_status = (record.platform_status or record.status)[:40]
    rma.reason_code = record.reason_code[:80]
    rma.buyer_comment = record.buyer_comment
    rma.respond_by = record.respond_by
    rma.carrier = record.carrier[:64] or rma.carrier
    rma.tracking_number = record.tracking_number[:64] or rma.tracking_number


def _new_return(record: ReturnRecord, store: Store) -> IngestResult:
    order = _order(store, record.order_external_id)
    notes = []
    ticket = _open_ticket_of(order)
    if ticket is None:
        reason = record.reason if record.reason in TicketReason.values else ""
        ticket = create_ticket(
            store=store,
            subject=_return_subject(record, order, reason),
            actor=None,
            actor_kind=ActorKind.BUYER,
            type=TicketType.RETURN,
            reason=reason,
            customer=_customer(store, record, order),
            order=order,
            language=(record.buyer.language if record.buyer else "")[:16],
            created_at=record.requested_at,
            channel=Channel.MARKETPLACE,
            # An orphan: the order adopts it when it is synced (ingest_orders._adopt_orphans).
            awaiting_order_external_id="" if order else record.order_external_id,
        )
    else:
        notes.append(f"joined ticket {ticket.number}")
    rma = ReturnAuthorization(
        ticket=ticket,
        store=store,
        number=f"RMA-{sequences.next_value('rma'):05d}",
        external_id=record.external_id[:128],
        platform_updated_at=record.updated_at,
    )
    _fill_rma(rma, record)
    rma.save()
    audit.record(
        actor=None,
        actor_kind=ActorKind.BUYER,
        action="rma.created",
        obj=rma,
        after={"status": rma.status, "number": rma.number, "external_id": rma.external_id},
    )
    notes.extend(_rma_lines(rma, record, order))
    _moved, moves = _move_rma(rma, record)
    notes.extend(moves)
    events.emit(events.RETURN_REQUESTED, store_id=store.pk, ticket_id=ticket.pk, rma_id=rma.pk)
    return IngestResult(RETURN, record.external_id, created=True, ticket_id=ticket.pk, notes=tuple(notes))


def _rma_lines(rma: ReturnAuthorization, record: ReturnRecord, order: Order | None) -> list[str]:
    if not record.lines:
        return []
    if order is None:
        return [f"order {record.order_external_id} not synced yet: {len(record.lines)} line(s) not matched"]
    lines = {
        line.external_id: line
        for line in OrderLine.objects.filter(
            order=order, external_id__in=[r.order_line_external_id for r in record.lines if r.order_line_external_id]
        )
    }
    quantities: dict[int, int] = {}
    notes = []
    for item in record.lines:
        line = lines.get(item.order_line_external_id)
        if line is None or item.quantity <= 0:
            notes.append(f"unknown order line {item.order_line_external_id!r} skipped")
            continue
        quantities[line.pk] = quantities.get(line.pk, 0) + item.quantity
    RmaLine.objects.bulk_create([RmaLine(rma=rma, order_line_id=pk, quantity=q) for pk, q in quantities.items()])
    return notes


def _move_rma(rma: ReturnAuthorization, record: ReturnRecord) -> tuple[bool, list[str]]:
    """Walk the RMA to the platform's state by moves the table allows automation (a cancel is
    the buyer's); a state it cannot reach is kept in platform_status and noted."""
    target = _RMA_TARGET.get(record.status)
    if target is None or target == rma.status:
        return False, [] if target else [f"unknown return status {record.status!r}"]
    path = _path(rma.status, target)
    if path is None:
        return False, [f"platform status {record.status!r} not reachable from {rma.status!r}; kept as platform status"]
    for step in path:
        kind = ActorKind.BUYER if step == RmaStatus.CANCELLED else ActorKind.SYSTEM
        transition_rma(rma, step, actor=None, actor_kind=kind)
    return True, []


def _path(source: str, target: str) -> list[str] | None:
    queue, seen = deque([(source, [])]), {source}
    while queue:
        state, path = queue.popleft()
        for nxt, kinds in RMA.targets(state).items():
            kind = ActorKind.BUYER if nxt == RmaStatus.CANCELLED else ActorKind.SYSTEM
            if kind not in kinds or nxt in seen:
                continue
            if nxt == target:
                return [*path, nxt]
            seen.add(nxt)
            queue.append((nxt, [*path, nxt]))
    return None


# --- disputes -----------------------------------------------------------------------------------
def upsert_dispute(record: DisputeRecord, *, store: Store) -> IngestResult:
    """An inquiry, case, claim or chargeback: a high-priority dispute ticket (or the order's open
    ticket, raised to high). A dispute the platform closes updates the Dispute only."""
    with transaction.atomic(savepoint=False):
        lock_key(f"dispute:{store.pk}:{record.external_id}")
        dispute = Dispute.objects.filter(store=store, external_id=record.external_id).first()
        if dispute is None:
            return _new_dispute(record, store)
        if dispute.platform_updated_at is not None and record.updated_at < dispute.platform_updated_at:
            return IngestResult(DISPUTE, record.external_id, ticket_id=dispute.ticket_id, notes=("older than stored",))
        before = _dispute_fields(dispute)
        _fill_dispute(dispute, record)
        changed = _dispute_fields(dispute) != before
        if changed or dispute.platform_updated_at != record.updated_at:
            dispute.platform_updated_at = record.updated_at
            dispute.save()
        return IngestResult(DISPUTE, record.external_id, updated=changed, ticket_id=dispute.ticket_id)


_DISPUTE_FIELDS = ("kind", "status", "platform_status", "reason", "amount", "currency", "respond_by")


def _dispute_fields(dispute: Dispute) -> tuple:
    return tuple(getattr(dispute, f) for f in _DISPUTE_FIELDS)


def _fill_dispute(dispute: Dispute, record: DisputeRecord) -> None:
    dispute.kind = DisputeKind(record.kind).value
    dispute.status = record.status if record.status in DisputeStatus.values else DisputeStatus.OPEN
    dispute.platform_status = (record.platform_status or record.status)[:40]
    dispute.reason = record.reason[:200]
    dispute.amount = record.amount.amount if record.amount else None
    dispute.currency = record.amount.currency if record.amount else ""
    dispute.respond_by = record.respond_by


def _new_dispute(record: DisputeRecord, store: Store) -> IngestResult:
    order = _order(store, record.order_external_id)
    ticket = _open_ticket_of(order)
    notes = []
    if ticket is None:
        ticket = create_ticket(
            store=store,
            subject=_("%(kind)s %(dispute)s for order %(order)s")
            % {
                "kind": DisputeKind(record.kind).label,
                "dispute": record.external_id,
                "order": _order_name(record, order),
            },
            actor=None,
            actor_kind=ActorKind.BUYER,
            type=TicketType.DISPUTE,
            priority=Priority.HIGH,
            customer=_customer(store, record, order),
            order=order,
            language=(record.buyer.language if record.buyer else "")[:16],
            created_at=record.opened_at,
            channel=Channel.MARKETPLACE,
            awaiting_order_external_id="" if order else record.order_external_id,
        )
    else:
        notes.append(f"joined ticket {ticket.number}")
        _raise_priority(ticket, Priority.HIGH)
    dispute = Dispute(
        store=store,
        ticket=ticket,
        order=order,
        external_id=record.external_id[:128],
        opened_at=record.opened_at,
        platform_updated_at=record.updated_at,
    )
    _fill_dispute(dispute, record)
    dispute.save()
    audit.record(
        actor=None,
        actor_kind=ActorKind.BUYER,
        action="dispute.opened",
        obj=ticket,
        after={"dispute": dispute.external_id, "kind": dispute.kind},
    )
    events.emit(events.DISPUTE_OPENED, store_id=store.pk, ticket_id=ticket.pk, dispute_id=dispute.pk)
    return IngestResult(DISPUTE, record.external_id, created=True, ticket_id=ticket.pk, notes=tuple(notes))


def _raise_priority(ticket: Ticket, priority: str) -> None:
    locked = lock(Ticket, ticket.pk)
    if PRIORITY_RANK[Priority(locked.priority)] >= PRIORITY_RANK[Priority(priority)]:
        return
    before = locked.priority
    Ticket.objects.filter(pk=locked.pk).update(priority=priority)
    locked.priority = priority
    audit.record(
        actor=None,
        actor_kind=ActorKind.SYSTEM,
        action="ticket.priority_changed",
        obj=locked,
        before={"priority": before},
        after={"priority": priority},
        note="dispute opened",
    )
    sla.refresh_sla(locked)  # the policy may depend on the priority
