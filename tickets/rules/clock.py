"""The beat sweep that raises the time-based triage events (models.TIME_EVENTS), each rule with its
own ``Rule.threshold``.

Each event has an anchor: the moment its period started. The event id is
``<event>:<ticket>:<anchor iso>``, so a rule fires once per ticket and period (a new anchor, say a
buyer's reply or new activity, starts a new period):

- ``first_response_due``: no first response yet and the first response is due within N hours
  (anchor: that due time; once it has passed, the SLA sweep's ``sla_breached`` takes over);
- ``buyer_silent``: the ticket waits for the buyer (status ``waiting_customer``) for N days. The
  anchor is when it started waiting (``status_changed_at``), not the buyer's last message: a
  buyer who wrote long ago and was asked something today has not been silent yet; any message
  from them reopens the ticket, which ends the period;
- ``no_activity``: a ticket not resolved or closed whose last activity is N days old;
- ``customs_held``: nothing on an order says "held in customs" (tracking knows ``exception`` at
  most, without a time), so: a ticket whose reason is ``customs``, not resolved or closed, whose
  order is not delivered, with N working days (Monday to Friday, less the store's public holidays)
  since its last activity;
- ``approval_waiting``: a refund pending approval for N hours (anchor: when it started waiting).

Bounded: each rule looks at most BATCH candidates per sweep, walking its window with a cursor
kept in the cache, so candidates that do not match the rule's conditions cannot starve the
others. Anchors older than the threshold plus LOOKBACK are not raised (enabling a rule on an old
desk does not flood it).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Refund, Rule, RuleRun, Ticket
from ..models.rules import TIME_EVENTS, RuleEvent
from ..models.tickets import TicketReason
from ..states import RefundStatus, TicketStatus
from . import runner

log = logging.getLogger("tickets.rules")

BATCH = 500
LOOKBACK = timedelta(days=7)
NOT_DONE = [s for s in TicketStatus.values if s not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)]


def event_id(event: str, ticket_id: int, anchor: datetime) -> str:
    return f"{event}:{ticket_id}:{anchor.isoformat()}"[:100]


def working_days_between(start: datetime, end: datetime, calendar) -> int:
    """Working days after ``start``'s day up to ``end``'s day, in the store's time zone."""
    first = start.astimezone(calendar.zone).date() if calendar else start.date()
    last = end.astimezone(calendar.zone).date() if calendar else end.date()
    days, day = 0, first
    while day < last:
        day = day + timedelta(days=1)
        if day.weekday() < 5 and not (calendar and calendar.is_holiday(day)):
            days += 1
    return days


def _span(rule: Rule) -> timedelta:
    unit = TIME_EVENTS.get(rule.event)
    n = rule.threshold or 0
    return timedelta(hours=n) if unit == "hours" else timedelta(days=n)


def candidates(rule: Rule, now: datetime) -> QuerySet:
    """Rows with ``ticket_id``, ``store_id`` and ``anchor`` whose period reached the rule's threshold,
    oldest anchor first, without those the rule already fired for in this period."""
    span = _span(rule)
    if rule.event == RuleEvent.APPROVAL_WAITING:
        rows = (
            Refund.objects.filter(status=RefundStatus.PENDING_APPROVAL)
            .annotate(anchor=F("status_changed_at"))
            .filter(anchor__lte=now - span, anchor__gte=now - span - LOOKBACK)
            .values("ticket_id", "store_id", "anchor", "pk")
        )
        fired = RuleRun.objects.filter(rule=rule, ticket_id=OuterRef("ticket_id"), created_at__gte=OuterRef("anchor"))
    else:
        tickets = Ticket.objects.all()
        if rule.event == RuleEvent.FIRST_RESPONSE_DUE:
            tickets = tickets.filter(
                status__in=NOT_DONE, first_response_at__isnull=True, first_response_due_at__gt=now
            ).annotate(anchor=F("first_response_due_at"))
            tickets = tickets.filter(anchor__lte=now + span)
        elif rule.event == RuleEvent.BUYER_SILENT:
            tickets = tickets.filter(status=TicketStatus.WAITING_CUSTOMER).annotate(anchor=F("status_changed_at"))
            tickets = tickets.filter(anchor__lte=now - span, anchor__gte=now - span - LOOKBACK)
        elif rule.event == RuleEvent.NO_ACTIVITY:
            tickets = tickets.filter(status__in=NOT_DONE).annotate(anchor=F("last_activity_at"))
            tickets = tickets.filter(anchor__lte=now - span, anchor__gte=now - span - LOOKBACK)
        elif rule.event == RuleEvent.CUSTOMS_HELD:
            # N working days are at least N calendar days: the database narrows, Python counts.
            tickets = (
                tickets.filter(status__in=NOT_DONE, reason=TicketReason.CUSTOMS)
                .filter(Q(order__isnull=True) | Q(order__delivered_at__isnull=True))
                .annotate(anchor=F("last_activity_at"))
                .filter(anchor__lte=now - span, anchor__gte=now - span - LOOKBACK - timedelta(days=14))
            )
        else:
            return Ticket.objects.none().values("pk")
        rows = tickets.values("store_id", "anchor", "pk", ticket_id=F("pk"))
        # The period began at the anchor, or for a due time ahead, N hours before it.
        began = OuterRef("anchor") - span if rule.event == RuleEvent.FIRST_RESPONSE_DUE else OuterRef("anchor")
        fired = RuleRun.objects.filter(rule=rule, ticket_id=OuterRef("pk"), created_at__gte=began)
    if rule.store_id is not None:
        rows = rows.filter(store_id=rule.store_id)
    return rows.filter(~Exists(fired)).order_by("anchor", "pk")


def _cursor_key(rule: Rule) -> str:
    return f"triage:clock:{rule.pk}:{rule.threshold}"


def sweep_rule(rule: Rule, *, now: datetime | None = None) -> int:
    """Raise the rule's event for its due tickets (a batch); returns how many times it fired."""
    now = now or timezone.now()
    if not rule.threshold:
        return 0
    rows = candidates(rule, now)
    cursor = cache.get(_cursor_key(rule))
    if cursor is not None:
        anchor, pk = datetime.fromisoformat(cursor[0]), cursor[1]
        rows = rows.filter(Q(anchor__gt=anchor) | Q(anchor=anchor, pk__gt=pk))
    batch = list(rows[:BATCH])
    if len(batch) < BATCH:
        cache.delete(_cursor_key(rule))  # the window is walked: start again from its beginning
    else:
        cache.set(_cursor_key(rule), (batch[-1]["anchor"].isoformat(), batch[-1]["pk"]), 3600)
    calendars: dict[int, object] = {}
    fired = 0
    for row in batch:
        if rule.event == RuleEvent.CUSTOMS_HELD:
            if row["store_id"] not in calendars:
                calendars[row["store_id"]] = _calendar(row["store_id"])
            if working_days_between(row["anchor"], now, calendars[row["store_id"]]) < rule.threshold:
                continue
        try:
            fired += runner.run(
                rule.event,
                ticket_id=row["ticket_id"],
                store_id=row["store_id"],
                event_id=event_id(rule.event, row["ticket_id"], row["anchor"]),
                rules=[rule],
            )
        except Exception:  # the others still run; the next sweep tries this one again
            log.warning("time-based rule %s failed for ticket %s", rule.pk, row["ticket_id"], exc_info=True)
    return fired


def _calendar(store_id: int):
    from ..business_hours import calendar_for
    from ..models import Store

    store = Store.objects.filter(pk=store_id).first()
    return calendar_for(store) if store is not None else None


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Every enabled time-based rule, in order; returns how many fired per event."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    rules = Rule.objects.filter(enabled=True, event__in=list(TIME_EVENTS), threshold__isnull=False).order_by(
        "event", "position", "id"
    )
    for rule in rules:
        counts[rule.event] = counts.get(rule.event, 0) + sweep_rule(rule, now=now)
    return counts
