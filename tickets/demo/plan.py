"""The demo plan: every buyer, order and ticket to load, from a fixed seed and the current time.

Pure Python, no database: ``build_plan(now)`` decides everything (who writes about what, in which
language, when, how far the ticket got, its RMA and refunds); ``builder`` writes what is missing.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from ..models import QcResult, RefundKind, TrackingStatus
from ..models.tickets import Priority
from ..money import Money
from ..roles import AGENT
from ..states import RefundStatus, RmaStatus, TicketStatus
from . import platforms
from .cast import STAFF, STORE_BY_KEY, STORES, TICKETS_PER_LANGUAGE, WORKERS, StoreSpec
from .catalogue import CATALOGUE, Product
from .conversations import LANGUAGES
from .orders import CustomerPlan, LinePlan, OrderFactory, OrderPlan, filler_order_count, price_of, random_moment
from .people import weighted
from .scenarios import APPROVAL_NOTE, REJECTION_NOTE, SCENARIOS, SOLVED, Scenario

SEED = 20250601
T, R, F = TicketStatus, RmaStatus, RefundStatus
STAFF_BY_NAME = {staff.username: staff for staff in STAFF}

FIRST_RESPONSE_HOURS = {Priority.URGENT: 1, Priority.HIGH: 4, Priority.NORMAL: 8, Priority.LOW: 24}
RESOLUTION_HOURS = {Priority.URGENT: 24, Priority.HIGH: 48, Priority.NORMAL: 96, Priority.LOW: 168}
# Where the resolution clock of each unsolved ticket stands, in turn: mostly far, some at risk, some overdue.
SLA_BUCKETS = ("far", "far", "overdue", "far", "risk", "far", "far", "risk", "far", "overdue", "far", "far")
AUTO_CLOSE = timedelta(hours=96)  # settings.AUTO_CLOSE_RESOLVED_AFTER_HOURS by default
BUMP = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH}

# Buyers who complain about customs live across a border from the store.
CUSTOMS_COUNTRY = {
    "shopify": {"en": "CA", "es": "MX", "fr": "CA", "de": "CH", "ja": "JP", "zh-hans": "CN"},
    "amazon": {"en": "GB", "de": "CH", "fr": "CH", "es": "CH"},
    "ebay": {"en": "IE", "de": "DE", "fr": "FR", "zh-hans": "CN", "ja": "JP"},
}
DISPUTE_TAG = {"shopify": "chargeback", "amazon": "a-to-z-claim", "ebay": "ebay-case"}
RETURN_CARRIER = {"shopify": "USPS", "amazon": "DHL", "ebay": "Royal Mail"}
REFUND_REASONS = {
    "arrived_broken": "Arrived broken; no return needed",
    "customs_fee": "Import duties reimbursed (shipped DAP by mistake)",
    "want_refund": "Duplicate order cancelled before shipping",
    "not_as_described": "Returned: not as described",
    "changed_mind": "Returned: changed mind",
    "chargeback": "Parcel lost in transit (carrier trace)",
    "defect": "Returned: defective",
    "scratched": "Cosmetic damage; buyer keeps the item",
}
_SIZED = re.compile(r"– (?:.*, )?(?:XS|S|M|L|XL|EU \d+|W\d+ L\d+)$")


@dataclass
class NotePlan:
    author: str
    text: str  # a template, like the conversation texts
    at: datetime
    amount: Money | None = None  # the refund it speaks of


@dataclass
class RmaPlan:
    final: str
    carrier: str
    tracking_number: str
    created_at: datetime
    authorized_at: datetime | None = None
    received_at: datetime | None = None
    inspected_at: datetime | None = None
    closed_at: datetime | None = None
    qc_result: str = ""
    qc_note: str = ""


@dataclass
class RefundPlan:
    amount: Money
    kind: str
    final: str
    reason: str
    requested_at: datetime
    decided_at: datetime
    done_at: datetime
    platform_refund_id: str = ""


@dataclass
class TicketPlan:
    store: StoreSpec
    language: str
    scenario: Scenario
    status: str
    priority: str
    customer: CustomerPlan
    order: OrderPlan
    item: LinePlan
    handler: str  # the username who works it
    assigned: bool
    created_at: datetime
    message_id: str  # the first inbound message's platform id: the ticket's natural key
    followup_id: str = ""
    reply_at: datetime | None = None
    followup_at: datetime | None = None
    closing_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    notes: list[NotePlan] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    rma: RmaPlan | None = None
    refunds: list[RefundPlan] = field(default_factory=list)

    @property
    def first_response_due_at(self) -> datetime:
        return self.created_at + timedelta(hours=FIRST_RESPONSE_HOURS[self.priority])

    @property
    def resolution_due_at(self) -> datetime:
        return self.created_at + timedelta(hours=RESOLUTION_HOURS[self.priority])

    @property
    def next_response_due_at(self) -> datetime | None:
        """Set while the buyer's follow-up waits for an answer."""
        if self.followup_at and not self.closing_at and self.status not in SOLVED:
            return self.followup_at + timedelta(hours=FIRST_RESPONSE_HOURS[self.priority])
        return None

    @property
    def last_message_at(self) -> datetime:
        return max(t for t in (self.created_at, self.reply_at, self.followup_at, self.closing_at) if t)

    @property
    def last_activity_at(self) -> datetime:
        moments = [self.last_message_at, self.resolved_at, self.closed_at, *(n.at for n in self.notes)]
        if self.rma:
            moments += [self.rma.created_at, self.rma.authorized_at, self.rma.received_at, self.rma.inspected_at]
            moments.append(self.rma.closed_at)
        for refund in self.refunds:
            moments += [refund.requested_at, refund.decided_at]
        return max(m for m in moments if m)

    @property
    def refund_amount(self) -> Money | None:
        """The amount the conversation speaks of: the last refund's (a rejected one came first)."""
        return self.refunds[-1].amount if self.refunds else None


@dataclass
class Plan:
    customers: list[CustomerPlan]
    orders: list[OrderPlan]
    tickets: list[TicketPlan]


def build_plan(now: datetime) -> Plan:
    now = now.replace(microsecond=0)
    rng = random.Random(SEED)
    factories = {spec.key: OrderFactory(spec, random.Random(f"{SEED}:{spec.key}"), now) for spec in STORES}
    counters: Counter[str] = Counter()
    tickets = []
    for spec, language, scenario in _slots(rng):
        status = scenario.statuses[counters[scenario.key] % len(scenario.statuses)]
        counters[scenario.key] += 1
        tickets.append(_ticket(rng, factories[spec.key], now, counters, language, scenario, status))
    customers = [ticket.customer for ticket in tickets]
    orders: list[OrderPlan] = []
    for spec in STORES:
        factory = factories[spec.key]
        customers += _fill(factory)
        factory.number_orders()
        orders += factory.orders
    tickets.sort(key=lambda t: t.created_at)
    return Plan(customers, orders, tickets)


def _slots(rng: random.Random) -> list[tuple[StoreSpec, str, Scenario]]:
    """(store, language, scenario) of every ticket; a language's scenarios are shuffled and dealt
    to its stores in turn, so a scenario told twice in one language is told in two stores."""
    slots = []
    for language in LANGUAGES:
        counts = {key: dict(per).get(language, 0) for key, per in TICKETS_PER_LANGUAGE.items()}
        queue: list[StoreSpec] = []
        while any(counts.values()):
            for key in counts:
                if counts[key]:
                    queue.append(STORE_BY_KEY[key])
                    counts[key] -= 1
        scenarios = list(SCENARIOS)
        rng.shuffle(scenarios)
        slots += [(spec, language, scenarios[i % len(scenarios)]) for i, spec in enumerate(queue)]
    return slots


def _ticket(
    rng: random.Random,
    factory: OrderFactory,
    now: datetime,
    counters: Counter[str],
    language: str,
    scenario: Scenario,
    status: str,
) -> TicketPlan:
    spec = factory.spec
    refund_finals = _refund_finals(scenario, status, counters)
    needs_agent = any(final in (F.PENDING_APPROVAL, F.REJECTED) for final in refund_finals)
    handler = _handler(rng, spec, needs_agent)

    vip = rng.random() < 0.07
    priority = BUMP.get(scenario.priority, scenario.priority) if vip else scenario.priority
    created_at = _created_at(rng, status, priority, now, counters)

    country = CUSTOMS_COUNTRY[spec.key][language] if scenario.key == "customs_fee" else None
    customer = CustomerPlan(spec, factory.person(language, country), vip=vip)
    product = _item_product(rng, scenario, spec.currency, handler if needs_agent else None)
    order, item = _order(rng, factory, scenario, customer, product, created_at)
    if vip:
        factory.past_orders(customer, rng.randint(4, 6), order.placed_at - timedelta(days=2))
    elif rng.random() < 0.3:
        factory.past_orders(customer, rng.randint(1, 2), order.placed_at - timedelta(days=2))

    ticket = TicketPlan(
        store=spec,
        language=language,
        scenario=scenario,
        status=status,
        priority=priority,
        customer=customer,
        order=order,
        item=item,
        handler=handler,
        assigned=status != T.NEW or rng.random() < 0.3,
        created_at=created_at,
        message_id=platforms.message_id(rng, spec.platform, customer.person.email),
    )
    tags = list(scenario.tags)
    if scenario.key == "chargeback":
        tags.append(DISPUTE_TAG[spec.key])
    if vip:
        tags.append("vip")
    ticket.tags = tuple(dict.fromkeys(tags))
    _timeline(rng, ticket, now, occurrence=counters[scenario.key])
    if scenario.shipping == "in_transit" and ticket.followup_at and status in SOLVED:
        factory.deliver(order, ticket.followup_at - timedelta(hours=rng.uniform(1, 3)))
    ticket.rma = _rma(rng, ticket, now, counters)
    if ticket.rma:
        customer.returns += 1
    ticket.refunds = _refunds(rng, ticket, now, refund_finals)
    _notes(ticket, occurrence=counters[scenario.key])
    return ticket


def _handler(rng: random.Random, spec: StoreSpec, needs_agent: bool) -> str:
    """Who works the ticket; an agent (with a small approval limit) when a refund must wait for approval."""
    username = weighted(rng, WORKERS[spec.key])
    if needs_agent and STAFF_BY_NAME[username].role != AGENT:
        username = next(name for name, _ in WORKERS[spec.key] if STAFF_BY_NAME[name].role == AGENT)
    return username


def _created_at(rng: random.Random, status: str, priority: str, now: datetime, counters: Counter[str]) -> datetime:
    """When the buyer wrote. Solved tickets spread over three weeks (resolved ones inside the auto-close
    silence); an unsolved ticket's age puts its resolution clock far, at risk or overdue."""
    if status == T.RESOLVED:
        return (now - timedelta(hours=rng.uniform(10, 80))).replace(microsecond=0)
    if status == T.CLOSED:
        return (now - timedelta(days=rng.uniform(7, 21))).replace(microsecond=0)
    target = RESOLUTION_HOURS[priority]
    bucket = SLA_BUCKETS[counters["sla"] % len(SLA_BUCKETS)]
    counters["sla"] += 1
    if bucket == "far":
        left = target * (rng.uniform(0.75, 0.97) if status == T.NEW else rng.uniform(0.35, 0.9))
    elif bucket == "risk":
        left = target * rng.uniform(0.05, 0.2)
    else:
        left = -rng.uniform(1, 30)
    return (now + timedelta(hours=left - target)).replace(microsecond=0)


def _item_product(rng: random.Random, scenario: Scenario, currency: str, requester: str | None) -> Product:
    """The product the ticket is about; when a refund must exceed the requester's approval limit, a
    product expensive enough for that."""
    candidates = [
        p
        for p in CATALOGUE
        if (not scenario.categories or p.category in scenario.categories)
        and (not scenario.fragile or p.fragile)
        and (not scenario.sized or _SIZED.search(p.title))
    ]
    if requester is not None:
        limit = Decimal(STAFF_BY_NAME[requester].approval_limit or "0") * Decimal("1.15")
        factor = Decimal("0.5") if scenario.rejected_first else scenario.share
        candidates = [p for p in candidates if price_of(p, currency) * factor > limit]
    return rng.choice(candidates)


def _order(
    rng: random.Random,
    factory: OrderFactory,
    scenario: Scenario,
    customer: CustomerPlan,
    product: Product,
    created_at: datetime,
) -> tuple[OrderPlan, LinePlan]:
    placed_at = created_at - timedelta(days=rng.uniform(*scenario.placed_days))
    item = factory.line(product)
    extra = scenario.lines if scenario.lines > 1 else rng.randint(0, scenario.lines)
    order = factory.order(customer, placed_at, [item, *factory.random_lines(extra, exclude=(product,))])
    if scenario.shipping == "unshipped":
        return order, item
    factory.ship(order, order.placed_at + timedelta(hours=rng.uniform(6, 28)))
    assert order.shipped_at is not None
    if scenario.shipping == "delivered":
        delivered_at = created_at - timedelta(days=rng.uniform(*scenario.delivered_days))
        delivered_at = max(delivered_at, order.shipped_at + timedelta(hours=20))
        factory.deliver(order, min(delivered_at, created_at - timedelta(minutes=30)))
    elif scenario.shipping == "exception":
        order.tracking_status = TrackingStatus.EXCEPTION
    elif scenario.shipping == "returned":
        order.tracking_status = TrackingStatus.RETURNED
    return order, item


def _timeline(rng: random.Random, ticket: TicketPlan, now: datetime, *, occurrence: int) -> None:
    """When the agent answered, the buyer followed up, the agent closed the loop and the ticket was
    solved: real delays, squeezed into the time the ticket has had."""
    status, scenario = ticket.status, ticket.scenario
    with_followup = status != T.NEW and status in scenario.followup_in
    with_reply = status != T.NEW and (status != T.OPEN or with_followup)
    first_response = FIRST_RESPONSE_HOURS[ticket.priority]
    hours: dict[str, float] = {}
    if with_reply:
        # Mostly within the first-response target; every seventh a little late.
        share = (0.1, 0.25, 0.4, 0.6, 0.8, 0.95, 1.4)[occurrence % 7]
        hours["reply"] = first_response * share * rng.uniform(0.9, 1.1)
    if with_followup:
        hours["followup"] = hours["reply"] + rng.uniform(2, 26)
        if status in SOLVED:
            hours["closing"] = hours["followup"] + rng.uniform(0.3, 4)
    if status in SOLVED:
        hours["resolved"] = max(hours.values()) + rng.uniform(0.2, 2)
    end = ticket.created_at + timedelta(hours=44) if status == T.CLOSED else now - timedelta(minutes=3)
    window = (end - ticket.created_at).total_seconds() / 3600
    longest = max(hours.values(), default=0)
    scale = min(1.0, window * 0.92 / longest) if longest else 1.0
    moments = {
        key: (ticket.created_at + timedelta(hours=value * scale)).replace(microsecond=0) for key, value in hours.items()
    }
    ticket.reply_at = moments.get("reply")
    ticket.followup_at = moments.get("followup")
    ticket.closing_at = moments.get("closing")
    ticket.resolved_at = moments.get("resolved")
    if status == T.CLOSED:
        assert ticket.resolved_at is not None
        ticket.closed_at = ticket.resolved_at + AUTO_CLOSE
    if ticket.followup_at:
        ticket.followup_id = platforms.message_id(rng, ticket.store.platform, ticket.customer.person.email)


def _work_span(ticket: TicketPlan, now: datetime) -> tuple[datetime, datetime]:
    """The stretch in which an RMA or refund moves: from the buyer's last word to the ticket's solution."""
    start = ticket.followup_at or ticket.reply_at or ticket.created_at + timedelta(minutes=20)
    end = ticket.resolved_at or now - timedelta(minutes=3)
    return start, max(end, start + timedelta(minutes=10))


def _between(start: datetime, end: datetime, share: float) -> datetime:
    return (start + (end - start) * share).replace(microsecond=0)


def _rma(rng: random.Random, ticket: TicketPlan, now: datetime, counters: Counter[str]) -> RmaPlan | None:
    status = ticket.status
    if not ticket.scenario.rma or status == T.NEW:
        return None
    if status == T.OPEN:
        final = R.IN_TRANSIT if ticket.followup_at else R.REQUESTED
    elif status == T.WAITING_CUSTOMER:
        final = R.AUTHORIZED
    elif status == T.WAITING_WAREHOUSE:
        final = R.IN_TRANSIT if counters["warehouse"] % 2 == 0 else R.RECEIVED
        counters["warehouse"] += 1
    elif status == T.CLOSED:
        final = R.CLOSED
    else:  # waiting for refund approval, or resolved
        final = R.INSPECTED
    created_at = max(
        (ticket.reply_at or ticket.created_at + timedelta(minutes=25)) - timedelta(minutes=4),
        ticket.created_at + timedelta(minutes=1),
    )
    carrier = RETURN_CARRIER[ticket.store.key]
    rma = RmaPlan(final, carrier, platforms.tracking_number(rng, carrier), created_at)
    if final != R.REQUESTED:
        rma.authorized_at = created_at + timedelta(minutes=2)
    start, end = _work_span(ticket, now)
    if final in (R.RECEIVED, R.INSPECTED, R.CLOSED):
        rma.received_at = _between(start, end, 0.35)
    if final in (R.INSPECTED, R.CLOSED):
        rma.inspected_at = _between(start, end, 0.5)
        if ticket.scenario.reason == "quality_defect":
            rma.qc_result, rma.qc_note = (
                QcResult.FAIL,
                "Defect confirmed: does not charge. Not restockable; RTV to supplier.",
            )
        else:
            rma.qc_result, rma.qc_note = QcResult.PASS, "As new, tags and packaging intact. Restocked."
    if final == R.CLOSED:
        rma.closed_at = _between(start, end, 0.9)
    return rma


def _refund_finals(scenario: Scenario, status: str, counters: Counter[str]) -> list[str]:
    """The statuses the ticket's refunds end in (a rejected larger one first, for some)."""
    if not scenario.refund:
        return []
    if status == T.OPEN and not scenario.rma:
        finals = [F.REQUESTED]
    elif status == T.WAITING_APPROVAL:
        finals = [F.PENDING_APPROVAL]
    elif status == T.RESOLVED:
        finals = [F.APPROVED if counters["resolved_refund"] % 2 else F.SUCCEEDED]
        counters["resolved_refund"] += 1
    elif status == T.CLOSED:
        finals = [F.SUCCEEDED]
    else:
        return []
    if scenario.rejected_first and status in SOLVED:
        finals.insert(0, F.REJECTED)
    return finals


def _refund_amount(ticket: TicketPlan) -> Money:
    scenario, currency = ticket.scenario, ticket.store.currency
    if scenario.refund == "line":
        return ticket.item.total
    if scenario.refund == "order":
        return ticket.order.total
    base = ticket.item.total if scenario.refund == "share" else ticket.order.total
    return Money.rounded(base.amount * scenario.share, currency)


def _refunds(rng: random.Random, ticket: TicketPlan, now: datetime, finals: list[str]) -> list[RefundPlan]:
    if not finals:
        return []
    scenario = ticket.scenario
    start, end = _work_span(ticket, now)
    if ticket.rma and ticket.rma.inspected_at:
        start = ticket.rma.inspected_at + timedelta(minutes=20)
    elif scenario.shipping == "unshipped" and ticket.reply_at:
        start = ticket.reply_at - timedelta(minutes=2)  # cancelled and refunded while answering
    end = max(end, start + timedelta(minutes=10))
    refunds = []
    for position, final in enumerate(finals):
        requested_at = _between(start, end, 0.02 + 0.4 * position / len(finals))
        amount, kind = _refund_amount(ticket), scenario.refund_kind
        if final == F.REJECTED:
            amount, kind = (
                Money.rounded(ticket.item.total.amount * Decimal("0.5"), ticket.store.currency),
                RefundKind.PARTIAL,
            )
        refunds.append(
            RefundPlan(
                amount=amount,
                kind=kind,
                final=final,
                reason=REFUND_REASONS[scenario.key],
                requested_at=requested_at,
                decided_at=_between(requested_at, end, 0.2),
                done_at=_between(requested_at, end, 0.5),
                platform_refund_id=platforms.refund_id(rng, ticket.store.platform) if final == F.SUCCEEDED else "",
            )
        )
    return refunds


def _notes(ticket: TicketPlan, *, occurrence: int) -> None:
    """Internal notes, in English: the scenario's on every other ticket that got worked, and the
    approval request (and a supervisor's rejection) where a refund went to approval."""
    if ticket.status == T.NEW:
        return
    notes = []
    if ticket.scenario.note and (occurrence % 2 == 1 or not ticket.reply_at):
        at = ticket.created_at + (((ticket.reply_at or ticket.created_at) - ticket.created_at) * 0.6)
        if not ticket.reply_at:
            at = ticket.created_at + timedelta(minutes=35)
        notes.append(NotePlan(ticket.handler, ticket.scenario.note, at.replace(microsecond=0)))
    limit = Decimal(STAFF_BY_NAME[ticket.handler].approval_limit or "0")
    for refund in ticket.refunds:
        if refund.amount.amount > limit and refund.final != F.REQUESTED:
            at = refund.requested_at + timedelta(minutes=1)
            notes.append(NotePlan(ticket.handler, APPROVAL_NOTE, at, refund.amount))
        if refund.final == F.REJECTED:
            notes.append(
                NotePlan("supervisor", REJECTION_NOTE, refund.decided_at + timedelta(minutes=1), refund.amount)
            )
    ticket.notes = notes


def _fill(factory: OrderFactory) -> list[CustomerPlan]:
    """Buyers without a ticket and their orders, until the store has its number of orders; two of them VIPs."""
    spec, rng = factory.spec, factory.rng
    customers = []
    while len(factory.orders) < spec.order_count:
        vip = len(customers) < 2
        count = min(rng.randint(4, 7) if vip else filler_order_count(rng), spec.order_count - len(factory.orders))
        customer = CustomerPlan(spec, factory.person(factory.filler_language()), vip=vip)
        for moment in sorted(random_moment(rng, factory.now) for _ in range(count)):
            lines = factory.random_lines(rng.choices((1, 2, 3), weights=(6, 3, 1))[0])
            factory.ship_by_age(factory.order(customer, moment, lines))
        customers.append(customer)
    return customers
