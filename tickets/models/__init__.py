"""The domain model, one module per aggregate."""

from .audit import AuditEvent
from .customers import BlockedSender, Customer, CustomerTier
from .disputes import Dispute, DisputeKind, DisputeStatus
from .evidence import Attachment, EvidenceKind
from .macros import Macro, MacroVariant
from .messages import Direction, Message, SendStatus
from .notifications import Notification, NotificationKind
from .orders import Fulfilment, Order, OrderLine, ReplacementKind, ReplacementState, TrackingStatus
from .outbox import OutboxAction, OutboxKind, OutboxStatus
from .profiles import UserProfile
from .refunds import (
    ClosedMonth,
    ExchangeRate,
    ExportStatus,
    PlatformRefund,
    Refund,
    RefundExport,
    RefundKind,
    RefundLine,
    RefundMethod,
)
from .rma import QcResult, ReturnAuthorization, RmaLine
from .rules import TIME_EVENTS, KeywordSet, MatchMode, Rule, RuleEvent, RuleRun
from .saved_views import SavedView
from .search import TicketSearch
from .sequences import Sequence
from .sla import SlaPolicy
from .stores import Mailbox, MailboxKind, Platform, Store, StoreMembership, Team
from .tickets import Channel, Priority, Tag, Ticket, TicketReason, TicketType

__all__ = [
    "ClosedMonth",
    "ExchangeRate",
    "ExportStatus",
    "RefundExport",
    "RefundLine",
    "ReplacementKind",
    "ReplacementState",
    "Channel",
    "MailboxKind",
    "Mailbox",
    "PlatformRefund",
    "DisputeStatus",
    "DisputeKind",
    "Dispute",
    "BlockedSender",
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
    "Notification",
    "NotificationKind",
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
    "KeywordSet",
    "MatchMode",
    "Rule",
    "TIME_EVENTS",
    "RuleEvent",
    "RuleRun",
    "SavedView",
    "SendStatus",
    "Sequence",
    "SlaPolicy",
    "Store",
    "StoreMembership",
    "Tag",
    "Team",
    "Ticket",
    "TicketSearch",
    "TicketReason",
    "TicketType",
    "TrackingStatus",
    "UserProfile",
]
