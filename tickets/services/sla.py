"""SLA clocks: due times from the ticket's own policy (``Ticket.sla_policy``, set by a triage rule)
or else the first matching one, in the store's business hours.

Each ticket carries its due times (first response, next response, resolution, and the reply owed
after a failed QC: the buyer is told what the warehouse found, met by the first reply after the
failure) and one indexed
``sla_due_at``: the nearest of those still running, empty while the clock is paused (waiting on
the buyer) or stopped (resolved, closed). ``refresh_sla`` recomputes them from the ticket as it
is now and is called by every service that changes what they depend on (a new ticket, a buyer's
message, a reply, a status, the priority). Time spent waiting on the buyer is added back to the
resolution target when the buyer answers. ``sweep_sla`` (beat) marks tickets at risk and breached,
tells the assignee and the supervisors, and emits ``sla.at_risk`` / ``sla.breached`` for the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import events
from ..business_hours import Calendar, calendar_for
from ..models import Direction, Message, SlaPolicy, Store, Ticket
from ..models.customers import CustomerTier
from ..models.notifications import NotificationKind
from ..selectors.sla import AT_RISK_WITHIN
from ..states import TicketStatus
from . import notifications

PAUSED = frozenset({TicketStatus.WAITING_CUSTOMER})
STOPPED = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})
SLA_FIELDS = (
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "qc_reply_due_at",
    "sla_due_at",
    "sla_paused_at",
    "sla_paused_seconds",
    "sla_state",
)


@dataclass(frozen=True)
class Targets:
    """Minutes of business time."""

    first_response: int
    next_response: int
    resolution: int
    policy_id: int | None = None
    qc_reply: int = 48 * 60


DEFAULT = Targets(first_response=24 * 60, next_response=24 * 60, resolution=72 * 60)
DEFAULT_VIP = Targets(first_response=2 * 60, next_response=24 * 60, resolution=72 * 60)


class _Policies:
    """The enabled policies and the calendars of stores, read once per batch of tickets."""

    def __init__(self) -> None:
        self._policies: list[SlaPolicy] | None = None
        self._calendars: dict[int, Calendar] = {}

    def calendar(self, store: Store) -> Calendar:
        if store.pk not in self._calendars:
            self._calendars[store.pk] = calendar_for(store)
        return self._calendars[store.pk]

    def targets(self, ticket: Ticket, tier: str) -> Targets:
        if self._policies is None:
            self._policies = list(SlaPolicy.objects.filter(enabled=True).order_by("position", "id"))
        # A policy set on the ticket (by a triage rule or a person) wins while it is enabled.
        chosen = [
            p
            for p in self._policies
            if ticket.sla_policy_id and p.pk == ticket.sla_policy_id and p.store_id in (None, ticket.store_id)
        ]
        for policy in chosen or self._policies:
            if policy.store_id not in (None, ticket.store_id):
                continue
            if not chosen and policy.priority and policy.priority != ticket.priority:
                continue
            if not chosen and policy.customer_tier and policy.customer_tier != tier:
                continue
            if not chosen and policy.ticket_type and policy.ticket_type != ticket.type:
                continue
            return Targets(
                policy.first_response_minutes,
                policy.next_response_minutes,
                policy.resolution_minutes,
                policy.pk,
                qc_reply=policy.qc_reply_minutes,
            )
        return DEFAULT_VIP if tier == CustomerTier.VIP else DEFAULT


def _tier(ticket: Ticket, tiers: dict[int, str] | None = None) -> str:
    if not ticket.customer_id:
        return CustomerTier.REGULAR
    if tiers is not None:
        return tiers.get(ticket.customer_id, CustomerTier.REGULAR)
    customer = ticket.customer
    return customer.tier if customer is not None else CustomerTier.REGULAR


def compute(
    ticket: Ticket,
    *,
    now: datetime,
    last_inbound_at: datetime | None,
    last_outbound_at: datetime | None,
    policies: _Policies | None = None,
    tiers: dict[int, str] | None = None,
    qc_failed_at: datetime | None = None,
) -> dict[str, object]:
    """The SLA fields of ``ticket`` as they should be now (nothing written). ``qc_failed_at``: when
    the ticket's latest return failed QC, if it did."""
    policies = policies or _Policies()
    calendar = policies.calendar(ticket.store)
    targets = policies.targets(ticket, _tier(ticket, tiers))
    paused_at, paused_seconds = ticket.sla_paused_at, ticket.sla_paused_seconds or 0
    if ticket.status in PAUSED:
        paused_at = paused_at or now
    elif paused_at is not None:  # the buyer answered (or an agent moved it on): count the pause
        paused_seconds += int(calendar.minutes_between(paused_at, now) * 60)
        paused_at = None
    created = ticket.created_at or now
    first = None if ticket.first_response_at else calendar.add_minutes(created, targets.first_response)
    nxt = None
    if (
        ticket.first_response_at
        and last_inbound_at
        and (last_outbound_at is None or last_inbound_at > last_outbound_at)
    ):
        nxt = calendar.add_minutes(last_inbound_at, targets.next_response)
    resolution = calendar.add_minutes(created, targets.resolution + paused_seconds / 60)
    qc_reply = None
    if qc_failed_at is not None and (last_outbound_at is None or last_outbound_at <= qc_failed_at):
        qc_reply = calendar.add_minutes(qc_failed_at, targets.qc_reply)
    running = ticket.status not in PAUSED and ticket.status not in STOPPED
    clocks = (first, nxt, resolution, qc_reply)
    due = min((d for d in clocks if d is not None), default=None) if running else None
    # The sweep alone marks "at_risk" and "breached" (and announces it). Here a mark is only
    # cleared when the clock stops or its due time moves out of reach, so it can be announced again.
    state = ticket.sla_state
    if due is None or (due != ticket.sla_due_at and due > now + AT_RISK_WITHIN):
        state = ""
    return {
        "first_response_due_at": first,
        "next_response_due_at": nxt,
        "resolution_due_at": resolution,
        "qc_reply_due_at": qc_reply,
        "sla_due_at": due,
        "sla_paused_at": paused_at,
        "sla_paused_seconds": paused_seconds,
        "sla_state": state,
    }


def stamp_new(tickets: list[Ticket], *, now: datetime | None = None) -> None:
    """Set the SLA clocks of tickets about to be inserted (their buyers' tiers in one query)."""
    if not tickets:
        return
    from ..models import Customer

    now = now or timezone.now()
    ids = {t.customer_id for t in tickets if t.customer_id}
    tiers = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "tier")) if ids else {}
    policies = _Policies()
    for ticket in tickets:
        values = compute(ticket, now=now, last_inbound_at=None, last_outbound_at=None, policies=policies, tiers=tiers)
        for name, value in values.items():
            setattr(ticket, name, value)


def _last_times(ticket_ids: Iterable[int]) -> dict[int, tuple[datetime | None, datetime | None]]:
    from django.db.models import Max

    rows = (
        Message.objects.filter(ticket_id__in=list(ticket_ids), automated=False)
        .exclude(direction=Direction.NOTE)
        .values("ticket_id", "direction")
        .annotate(last=Max("created_at"))
    )
    found: dict[int, list] = {}
    for row in rows:
        slot = found.setdefault(row["ticket_id"], [None, None])
        slot[0 if row["direction"] == Direction.INBOUND else 1] = row["last"]
    return {pk: (times[0], times[1]) for pk, times in found.items()}


def _qc_failures(ticket_ids: Iterable[int]) -> dict[int, datetime]:
    """Per ticket: when its latest return failed QC."""
    from django.db.models import Max

    from ..models import QcResult, ReturnAuthorization

    rows = (
        ReturnAuthorization.objects.filter(ticket_id__in=list(ticket_ids), qc_result=QcResult.FAIL)
        .exclude(inspected_at__isnull=True)
        .values("ticket_id")
        .annotate(last=Max("inspected_at"))
        .values_list("ticket_id", "last")
    )
    return dict(rows)


def refresh_sla(ticket: Ticket, *, now: datetime | None = None) -> Ticket:
    """Recompute and store the ticket's SLA clocks; the ticket object gets them too."""
    refresh_many([ticket.pk], now=now)
    fresh = Ticket.objects.filter(pk=ticket.pk).values(*SLA_FIELDS).get()
    for name, value in fresh.items():
        setattr(ticket, name, value)
    return ticket


def refresh_many(ticket_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Recompute the SLA clocks of many tickets with a handful of queries; returns how many changed."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return 0
    now = now or timezone.now()
    policies = _Policies()
    times = _last_times(ids)
    failures = _qc_failures(ids)
    changed = []
    tickets = Ticket.objects.filter(pk__in=ids).select_related("store", "customer")
    for ticket in tickets:
        inbound, outbound = times.get(ticket.pk, (None, None))
        values = compute(
            ticket,
            now=now,
            last_inbound_at=inbound,
            last_outbound_at=outbound,
            policies=policies,
            qc_failed_at=failures.get(ticket.pk),
        )
        if any(getattr(ticket, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(ticket, name, value)
            changed.append(ticket)
    if changed:
        from .ingest_orders import bulk_update

        with transaction.atomic():
            bulk_update(Ticket, changed, list(SLA_FIELDS))
    return len(changed)


def sweep_sla(*, now: datetime | None = None) -> dict[str, int]:
    """Mark tickets whose clock runs out within AT_RISK_WITHIN (or ran out), once per state change:
    emit the SLA event and notify the assignee and supervisors. Returns counts by state."""
    now = now or timezone.now()
    _backfill(now)
    counts = {"at_risk": 0, "breached": 0}
    due = Ticket.objects.filter(sla_due_at__isnull=False, sla_due_at__lte=now + AT_RISK_WITHIN).exclude(
        Q(sla_state="breached") | Q(sla_state="at_risk", sla_due_at__gt=now)
    )
    supervisors: dict[int, list[int]] = {}
    for ticket in due.only("pk", "store_id", "assignee_id", "sla_due_at", "sla_state")[:5000]:
        state = "breached" if ticket.sla_due_at <= now else "at_risk"
        with transaction.atomic():
            updated = Ticket.objects.filter(pk=ticket.pk, sla_due_at=ticket.sla_due_at).exclude(sla_state=state)
            if not updated.update(sla_state=state):
                continue
            if ticket.store_id not in supervisors:
                supervisors[ticket.store_id] = notifications.supervisors_of(ticket.store_id)
            kind = NotificationKind.SLA_BREACHED if state == "breached" else NotificationKind.SLA_AT_RISK
            notifications.notify(
                [ticket.assignee_id, *supervisors[ticket.store_id]],
                kind,
                ticket=ticket,
                detail=ticket.sla_due_at.isoformat(timespec="minutes"),
            )
        counts[state] += 1
        events.emit(
            events.SLA_BREACHED if state == "breached" else events.SLA_AT_RISK,
            store_id=ticket.store_id,
            ticket_id=ticket.pk,
            due_at=ticket.sla_due_at.isoformat(),
        )
    return counts


BACKFILL_BATCH = 500


def _backfill(now: datetime) -> int:
    """Clocks for running tickets that have none yet (written before SLA clocks existed, or by a
    path that set none): a batch per sweep, so an upgrade fills them without a long migration."""
    running = [s for s in TicketStatus.values if s not in PAUSED and s not in STOPPED]
    ids = list(
        Ticket.objects.filter(sla_due_at__isnull=True, sla_paused_at__isnull=True, status__in=running)
        .order_by("id")
        .values_list("pk", flat=True)[:BACKFILL_BATCH]
    )
    return refresh_many(ids, now=now)
