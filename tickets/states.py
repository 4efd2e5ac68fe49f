"""The state machines of Ticket, RMA and Refund as transition tables (pure data).

Each table maps a source state to the target states it may move to, and for each move the kinds
of actor that may make it. ``STAMPS`` names the timestamp field set on entering a state.
The one function that applies a move lives in ``tickets.services.transitions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    USER = "user", _("User")
    BUYER = "buyer", _("Buyer")
    RULE = "rule", _("Rule")
    SYSTEM = "system", _("System")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for customer")
    WAITING_WAREHOUSE = "waiting_warehouse", _("Waiting for warehouse")
    WAITING_APPROVAL = "waiting_approval", _("Waiting for approval")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class RmaStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    AUTHORIZED = "authorized", _("Authorized")
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    EXECUTING = "executing", _("Executing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


U, B, R, S = ActorKind.USER, ActorKind.BUYER, ActorKind.RULE, ActorKind.SYSTEM
PEOPLE_AND_AUTOMATION = frozenset({U, R, S})
ANYONE = frozenset({U, B, R, S})
SYSTEM_ONLY = frozenset({S})
AUTOMATION = frozenset({R, S})
BUYER_OR_AGENT = frozenset({U, B})
USER_OR_SYSTEM = frozenset({U, S})


@dataclass(frozen=True)
class Machine:
    name: str
    initial: str
    transitions: Mapping[str, Mapping[str, frozenset[str]]]
    stamps: Mapping[str, str] = field(default_factory=dict)

    def targets(self, source: str) -> Mapping[str, frozenset[str]]:
        return self.transitions.get(source, MappingProxyType({}))

    def allows(self, source: str, target: str, by: str) -> bool:
        return by in self.targets(source).get(target, frozenset())

    def is_terminal(self, state: str) -> bool:
        return not self.targets(state)

    def moves(self) -> list[tuple[str, str, frozenset[str]]]:
        """Every allowed (source, target, actor kinds), for tests and docs."""
        return [(s, t, kinds) for s, targets in self.transitions.items() for t, kinds in targets.items()]


def _table(rows: dict[str, dict[str, frozenset[str]]]) -> Mapping[str, Mapping[str, frozenset[str]]]:
    return MappingProxyType({source: MappingProxyType(targets) for source, targets in rows.items()})


T = TicketStatus
_TICKET_WORKING = {
    T.OPEN: ANYONE,  # a new inbound message (buyer) reopens
    T.WAITING_CUSTOMER: PEOPLE_AND_AUTOMATION,
    T.WAITING_WAREHOUSE: PEOPLE_AND_AUTOMATION,
    T.WAITING_APPROVAL: PEOPLE_AND_AUTOMATION,
    T.RESOLVED: PEOPLE_AND_AUTOMATION,
}

TICKET = Machine(
    name="ticket",
    initial=T.NEW,
    transitions=_table(
        {
            T.NEW: dict(_TICKET_WORKING),
            T.OPEN: {t: k for t, k in _TICKET_WORKING.items() if t != T.OPEN},
            T.WAITING_CUSTOMER: {t: k for t, k in _TICKET_WORKING.items() if t != T.WAITING_CUSTOMER},
            T.WAITING_WAREHOUSE: {t: k for t, k in _TICKET_WORKING.items() if t != T.WAITING_WAREHOUSE},
            T.WAITING_APPROVAL: {t: k for t, k in _TICKET_WORKING.items() if t != T.WAITING_APPROVAL},
            # Closed only on the buyer's confirmation or by the system after a silence:
            # never silently by an agent.
            T.RESOLVED: {T.OPEN: ANYONE, T.CLOSED: frozenset({B, S})},
            T.CLOSED: {},
        }
    ),
    stamps=MappingProxyType({T.RESOLVED: "resolved_at", T.CLOSED: "closed_at"}),
)

M = RmaStatus
RMA = Machine(
    name="rma",
    initial=M.REQUESTED,
    transitions=_table(
        {
            M.REQUESTED: {
                M.AUTHORIZED: PEOPLE_AND_AUTOMATION,
                M.REJECTED: PEOPLE_AND_AUTOMATION,
                M.CANCELLED: BUYER_OR_AGENT,
            },
            # The parcel may reach the warehouse before any carrier scan reaches us. An authorized
            # return whose parcel never ships expires after the store's return window.
            M.AUTHORIZED: {
                M.IN_TRANSIT: PEOPLE_AND_AUTOMATION,
                M.RECEIVED: PEOPLE_AND_AUTOMATION,
                M.EXPIRED: AUTOMATION,
                M.CANCELLED: BUYER_OR_AGENT,
            },
            # Cancelling is possible until the parcel is received.
            M.IN_TRANSIT: {M.RECEIVED: PEOPLE_AND_AUTOMATION, M.CANCELLED: BUYER_OR_AGENT},
            M.RECEIVED: {M.INSPECTED: frozenset({U})},  # a person records the QC result
            M.INSPECTED: {M.CLOSED: PEOPLE_AND_AUTOMATION},
            M.CLOSED: {},
            M.REJECTED: {},
            M.EXPIRED: {},
            M.CANCELLED: {},
        }
    ),
    stamps=MappingProxyType(
        {
            M.AUTHORIZED: "authorized_at",
            M.RECEIVED: "received_at",
            M.INSPECTED: "inspected_at",
            M.CLOSED: "closed_at",
            M.REJECTED: "closed_at",
            M.EXPIRED: "closed_at",
            M.CANCELLED: "closed_at",
        }
    ),
)

F = RefundStatus
REFUND = Machine(
    name="refund",
    initial=F.REQUESTED,
    transitions=_table(
        {
            F.REQUESTED: {
                F.PENDING_APPROVAL: PEOPLE_AND_AUTOMATION,
                F.APPROVED: PEOPLE_AND_AUTOMATION,  # within the requester's approval limit
                F.REJECTED: frozenset({U}),
                F.CANCELLED: USER_OR_SYSTEM,
            },
            F.PENDING_APPROVAL: {
                F.APPROVED: frozenset({U}),  # a supervisor other than the requester
                F.REJECTED: frozenset({U}),
                F.CANCELLED: USER_OR_SYSTEM,
            },
            # The outbox executes on the platform; a person only for a manual method (PayPal or
            # store credit outside a platform), recording the reference of what they did.
            F.APPROVED: {F.EXECUTING: USER_OR_SYSTEM, F.CANCELLED: USER_OR_SYSTEM},
            F.EXECUTING: {F.SUCCEEDED: USER_OR_SYSTEM, F.FAILED: USER_OR_SYSTEM},
            F.SUCCEEDED: {},
            # A retry of the same refund with the same idempotency key (a supervisor, or the
            # outbox within its attempts); what is left to refund is checked again.
            F.FAILED: {F.EXECUTING: USER_OR_SYSTEM},
            F.REJECTED: {},
            F.CANCELLED: {},
        }
    ),
    stamps=MappingProxyType(
        {
            F.APPROVED: "approved_at",
            F.EXECUTING: "executing_at",
            F.SUCCEEDED: "succeeded_at",
            F.FAILED: "failed_at",
            F.REJECTED: "closed_at",
            F.CANCELLED: "closed_at",
        }
    ),
)

# Refund methods that happen outside a platform: a person executes them and records a reference.
MANUAL_REFUND_METHODS = frozenset({"paypal", "store_credit"})
# RMA states that end the return.
RMA_FINAL = frozenset({M.CLOSED, M.REJECTED, M.EXPIRED, M.CANCELLED})
# Refund states whose amount counts against what the order has left to refund.
REFUND_COMMITTED = frozenset({F.APPROVED, F.EXECUTING, F.SUCCEEDED})
# Ticket states an agent still has to act on.
TICKET_ACTIVE = frozenset({T.NEW, T.OPEN, T.WAITING_APPROVAL, T.WAITING_WAREHOUSE})
TICKET_UNSOLVED = frozenset(set(TicketStatus.values) - {T.RESOLVED, T.CLOSED})
