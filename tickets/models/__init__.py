"""The domain model, one module per aggregate."""

from .audit import AuditEvent
from .customers import Customer, CustomerTier
from .evidence import Attachment, EvidenceKind
from .macros import Macro, MacroVariant
from .messages import Direction, Message, SendStatus
from .orders import Fulfilment, Order, OrderLine, TrackingStatus
from .outbox import OutboxAction, OutboxKind, OutboxStatus
from .refunds import Refund, RefundKind, RefundMethod
from .rma import QcResult, ReturnAuthorization, RmaLine
from .rules import Rule, RuleEvent, RuleRun
from .sequences import Sequence
from .sla import SlaPolicy
from .stores import Platform, Store, StoreMembership, Team
from .tickets import Priority, Tag, Ticket, TicketReason, TicketType

__all__ = [
    "Attachment",
    "AuditEvent",
    "Customer",
    "CustomerTier",
    "Direction",
    "EvidenceKind",
    "Fulfilment",
    "Macro",
    "MacroVariant",
    "Message",
    "Order",
    "OrderLine",
    "OutboxAction",
    "OutboxKind",
    "OutboxStatus",
    "Platform",
    "Priority",
    "QcResult",
    "Refund",
    "RefundKind",
    "RefundMethod",
    "ReturnAuthorization",
    "RmaLine",
    "Rule",
    "RuleEvent",
    "RuleRun",
    "SendStatus",
    "Sequence",
    "SlaPolicy",
    "Store",
    "StoreMembership",
    "Tag",
    "Team",
    "Ticket",
    "TicketReason",
    "TicketType",
    "TrackingStatus",
]
