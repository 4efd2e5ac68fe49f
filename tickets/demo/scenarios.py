"""The demo's ticket scenarios: what a buyer writes about, and how such a ticket is worked.

The words (subject, messages) live in ``conversations/<language>.py``, keyed by ``Scenario.key``;
this module holds what does not depend on the language: type, reason, priority, the item the
ticket is about, whether it leads to an RMA or a refund, and the statuses its tickets end in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models.tickets import Priority, TicketReason, TicketType
from ..states import TicketStatus
from .catalogue import ACCESSORIES, APPAREL, CAMPING, ELECTRONICS, FOOTWEAR, JACKETS, PACKS

S = TicketStatus
SOLVED = frozenset({S.RESOLVED, S.CLOSED})


@dataclass(frozen=True)
class Scenario:
    key: str
    type: str
    reason: str
    priority: str
    # The status of the n-th ticket of this scenario is statuses[n % len(statuses)].
    statuses: tuple[str, ...]
    # The buyer's follow-up is part of the thread only when the ticket ends in one of these.
    followup_in: frozenset[str] = frozenset()
    categories: tuple[str, ...] = ()  # the item the ticket is about; empty: any
    fragile: bool = False  # the item must be fragile
    sized: bool = False  # the item must come in sizes
    lines: int = 1  # order lines besides the item (up to)
    shipping: str = "delivered"  # delivered | in_transit | exception | returned | unshipped
    placed_days: tuple[float, float] = (5, 18)  # the order was placed this many days before the ticket
    delivered_days: tuple[float, float] = (1, 4)  # … and delivered this many days before it
    rma: bool = False
    refund: str = ""  # "" | "line" | "order" | "share" (of the item's line) | "order_share"
    share: Decimal = Decimal("1")
    refund_kind: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""  # internal note, in English (the team's language)
    rejected_first: bool = False  # solved tickets: a larger refund was rejected before the final one


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "wismo",
        TicketType.INQUIRY,
        TicketReason.LATE,
        Priority.NORMAL,
        (S.NEW, S.WAITING_CUSTOMER, S.RESOLVED, S.OPEN, S.CLOSED, S.WAITING_WAREHOUSE),
        followup_in=SOLVED,
        shipping="in_transit",
        placed_days=(8, 12),
        tags=("wismo",),
        note="Last {carrier} scan is 5 days old. Trace opened; check again on Thursday before offering a reship.",
    ),
    Scenario(
        "wrong_size",
        TicketType.EXCHANGE,
        TicketReason.SIZE,
        Priority.NORMAL,
        (S.WAITING_WAREHOUSE, S.OPEN, S.RESOLVED, S.CLOSED, S.WAITING_CUSTOMER, S.NEW),
        followup_in=frozenset({S.WAITING_WAREHOUSE, S.OPEN, S.RESOLVED, S.CLOSED}),
        categories=(JACKETS, FOOTWEAR, APPAREL),
        sized=True,
        rma=True,
        note="Reserved the next size up of {item} so it does not sell out before the return arrives.",
    ),
    Scenario(
        "arrived_broken",
        TicketType.REFUND,
        TicketReason.DAMAGED_IN_TRANSIT,
        Priority.HIGH,
        (S.WAITING_APPROVAL, S.RESOLVED, S.NEW, S.CLOSED, S.WAITING_CUSTOMER, S.OPEN),
        followup_in=frozenset({S.WAITING_APPROVAL, S.RESOLVED, S.CLOSED, S.OPEN}),
        fragile=True,
        delivered_days=(0.1, 0.6),
        refund="line",
        refund_kind="without_return",
        tags=("damaged",),
        note="Photos show a crushed outer box. File a damage claim with {carrier} ({tracking}); no return needed.",
    ),
    Scenario(
        "customs_fee",
        TicketType.COMPLAINT,
        TicketReason.CUSTOMS,
        Priority.NORMAL,
        (S.OPEN, S.WAITING_APPROVAL, S.RESOLVED, S.NEW, S.CLOSED),
        followup_in=frozenset({S.WAITING_APPROVAL, S.RESOLVED, S.CLOSED, S.OPEN}),
        lines=1,
        refund="order_share",
        share=Decimal("0.21"),
        refund_kind="partial",
        tags=("customs",),
        note="Shipped DAP instead of DDP by mistake. We reimburse the duties; flagged to ops to fix the rate.",
    ),
    Scenario(
        "want_refund",
        TicketType.REFUND,
        TicketReason.CHANGED_MIND,
        Priority.NORMAL,
        (S.RESOLVED, S.NEW, S.CLOSED, S.OPEN, S.WAITING_APPROVAL),
        followup_in=frozenset({S.OPEN, S.RESOLVED, S.CLOSED}),
        lines=1,
        shipping="unshipped",
        placed_days=(0.3, 1.1),
        refund="order",
        refund_kind="full",
        note="Cancelled before pick; warehouse told to pull it from the wave.",
    ),
    Scenario(
        "not_as_described",
        TicketType.RETURN,
        TicketReason.NOT_AS_DESCRIBED,
        Priority.NORMAL,
        (S.WAITING_WAREHOUSE, S.RESOLVED, S.OPEN, S.WAITING_CUSTOMER, S.CLOSED, S.WAITING_APPROVAL),
        followup_in=frozenset({S.WAITING_WAREHOUSE, S.RESOLVED, S.CLOSED, S.WAITING_APPROVAL}),
        categories=(JACKETS, PACKS, CAMPING, APPAREL),
        rma=True,
        refund="line",
        refund_kind="full",
        note="Listing photos of {item} look warmer in colour than the product. Raised with merchandising.",
    ),
    Scenario(
        "late",
        TicketType.COMPLAINT,
        TicketReason.LATE,
        Priority.HIGH,
        (S.OPEN, S.RESOLVED, S.NEW, S.WAITING_CUSTOMER, S.CLOSED),
        followup_in=SOLVED,
        categories=(CAMPING, PACKS, FOOTWEAR),
        shipping="in_transit",
        placed_days=(7, 10),
        note="Stuck at the {carrier} hub. If it misses the trip date, offer free return and a 10 % voucher.",
    ),
    Scenario(
        "changed_mind",
        TicketType.RETURN,
        TicketReason.CHANGED_MIND,
        Priority.LOW,
        (S.WAITING_CUSTOMER, S.WAITING_WAREHOUSE, S.CLOSED, S.RESOLVED, S.NEW),
        followup_in=frozenset({S.WAITING_WAREHOUSE, S.RESOLVED, S.CLOSED}),
        categories=(JACKETS, APPAREL, PACKS, CAMPING, ACCESSORIES),
        rma=True,
        refund="line",
        refund_kind="full",
        note="Within the {days}-day return window; buyer pays return shipping.",
    ),
    Scenario(
        "chargeback",
        TicketType.DISPUTE,
        TicketReason.LOST,
        Priority.URGENT,
        (S.OPEN, S.WAITING_APPROVAL, S.RESOLVED, S.NEW, S.CLOSED),
        followup_in=frozenset({S.OPEN, S.WAITING_APPROVAL, S.RESOLVED, S.CLOSED}),
        lines=1,
        shipping="exception",
        placed_days=(21, 25),
        refund="order",
        refund_kind="full",
        tags=("escalated",),
        note="Buyer threatens a chargeback. Refund before the dispute lands: a lost dispute costs the fee on top.",
    ),
    Scenario(
        "exchange_colour",
        TicketType.EXCHANGE,
        TicketReason.OTHER,
        Priority.LOW,
        (S.WAITING_CUSTOMER, S.WAITING_WAREHOUSE, S.CLOSED, S.OPEN, S.RESOLVED),
        followup_in=frozenset({S.WAITING_WAREHOUSE, S.RESOLVED, S.CLOSED, S.OPEN}),
        categories=(JACKETS, APPAREL, PACKS),
        rma=True,
        note="Exchange: one {item} in the other colour put on hold for this buyer.",
    ),
    Scenario(
        "reship",
        TicketType.RESHIP,
        TicketReason.LOST,
        Priority.HIGH,
        (S.WAITING_WAREHOUSE, S.RESOLVED, S.OPEN, S.CLOSED, S.NEW),
        followup_in=SOLVED,
        shipping="returned",
        placed_days=(11, 16),
        tags=("reship",),
        note="Returned to sender: the address had no flat number. Address confirmed; reship booked with the warehouse.",
    ),
    Scenario(
        "defect",
        TicketType.RETURN,
        TicketReason.QUALITY_DEFECT,
        Priority.NORMAL,
        (S.WAITING_WAREHOUSE, S.OPEN, S.RESOLVED, S.WAITING_APPROVAL, S.CLOSED, S.WAITING_CUSTOMER),
        followup_in=frozenset({S.WAITING_WAREHOUSE, S.WAITING_APPROVAL, S.RESOLVED, S.CLOSED}),
        categories=(ELECTRONICS,),
        placed_days=(17, 24),
        delivered_days=(14, 16),
        rma=True,
        refund="line",
        refund_kind="full",
        note="Third report on this batch of {item} this month. Asked QC to check the charging port.",
    ),
    Scenario(
        "scratched",
        TicketType.PARTIAL_REFUND,
        TicketReason.QUALITY_DEFECT,
        Priority.LOW,
        (S.RESOLVED, S.WAITING_APPROVAL, S.CLOSED, S.OPEN, S.WAITING_CUSTOMER),
        followup_in=frozenset({S.WAITING_APPROVAL, S.RESOLVED, S.CLOSED, S.OPEN}),
        fragile=True,
        delivered_days=(0.1, 0.8),
        refund="share",
        share=Decimal("0.25"),
        refund_kind="partial",
        note="Cosmetic only. Offer a partial refund and let the buyer keep the item; cheaper than a return.",
        rejected_first=True,
    ),
    Scenario(
        "invoice",
        TicketType.INQUIRY,
        TicketReason.OTHER,
        Priority.LOW,
        (S.RESOLVED, S.CLOSED, S.NEW, S.OPEN),
        followup_in=frozenset({S.OPEN}),
        tags=("invoice",),
        note="Needs a VAT invoice with the company name; generated from the order admin.",
    ),
    Scenario(
        "delivered_not_received",
        TicketType.COMPLAINT,
        TicketReason.LOST,
        Priority.HIGH,
        (S.WAITING_CUSTOMER, S.OPEN, S.RESOLVED, S.NEW, S.CLOSED),
        followup_in=SOLVED,
        delivered_days=(0.8, 1.2),
        tags=("wismo",),
        note="Delivery scan is 300 m from the address. Trace opened with {carrier}; reship if nothing in 48 h.",
    ),
    Scenario(
        "multi_issue",
        TicketType.COMPLAINT,
        TicketReason.NOT_AS_DESCRIBED,
        Priority.HIGH,
        (S.OPEN, S.NEW, S.WAITING_CUSTOMER, S.RESOLVED),
        followup_in=frozenset({S.OPEN}),
        lines=2,
        placed_days=(14, 18),
        delivered_days=(0.2, 1),
        tags=("escalated",),
        note="Several problems on one order and a call-back requested. Handle in one reply, not piecemeal.",
    ),
)
SCENARIO_BY_KEY = {scenario.key: scenario for scenario in SCENARIOS}

APPROVAL_NOTE = "Refund of {amount} is above my approval limit. Could a supervisor approve, please?"
REJECTION_NOTE = "{amount} is too much for a cosmetic mark; offer a smaller partial refund instead."
