"""What the evidence panel and the dispute pack read: the ticket's files, the checklist of what its
case needs (per type, reason, dispute and QC result) and the dispute's response deadline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Attachment, Dispute, DisputeStatus, EvidenceKind, Message, Ticket, TicketReason, TicketType
from ..models.disputes import DisputeKind
from ..models.messages import Direction
from ..models.rma import QcResult
from ..sanitize import plain_text

CONVERSATION = (Direction.INBOUND, Direction.OUTBOUND)


def with_dispute_facts(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate what the panel needs of disputes and the conversation inside the ticket's own query."""
    open_disputes = (
        Dispute.objects.filter(ticket=OuterRef("pk"))
        .exclude(status=DisputeStatus.CLOSED)
        .order_by("respond_by", "pk")  # the nearest deadline first (no deadline last on PostgreSQL and SQLite alike)
    )
    return tickets.annotate(
        ev_has_dispute=Exists(Dispute.objects.filter(ticket=OuterRef("pk"))),
        ev_respond_by=Subquery(open_disputes.exclude(respond_by=None).values("respond_by")[:1]),
        ev_dispute_kind=Subquery(open_disputes.values("kind")[:1]),
        ev_has_conversation=Exists(Message.objects.filter(ticket=OuterRef("pk"), direction__in=CONVERSATION)),
    )


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    done: bool
    how: str  # what counts, said to the agent


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    requirements: list[Requirement]


@dataclass(frozen=True)
class DisputeFacts:
    has_dispute: bool
    respond_by: datetime | None
    kind: str

    @property
    def kind_label(self) -> str:
        return str(DisputeKind(self.kind).label) if self.kind in DisputeKind.values else ""

    @property
    def overdue(self) -> bool:
        return self.respond_by is not None and self.respond_by < timezone.now()


@dataclass(frozen=True)
class EvidencePanel:
    attachments: list[Attachment]
    cases: list[Case]
    dispute: DisputeFacts
    has_conversation: bool
    missing: int = field(default=0)

    @property
    def offers_pack(self) -> bool:
        """The pack is offered for a dispute or a parcel that did not arrive, or once there are files."""
        return bool(self.attachments) or any(case.key == "not_received" for case in self.cases)


def dispute_facts(ticket: Ticket) -> tuple[DisputeFacts, bool]:
    """(the dispute facts, whether the thread holds a conversation), from the annotations when
    the ticket was loaded with them, else asked for."""
    if not hasattr(ticket, "ev_has_dispute"):
        ticket = with_dispute_facts(Ticket.objects.filter(pk=ticket.pk)).get()
    facts = DisputeFacts(bool(ticket.ev_has_dispute), ticket.ev_respond_by, ticket.ev_dispute_kind or "")
    return facts, bool(ticket.ev_has_conversation)


def cases(ticket: Ticket, attachments: list[Attachment], *, has_dispute: bool, has_conversation: bool) -> list[Case]:
    """The checklist: for each case the ticket is, what it needs and whether it is there."""
    kinds = {a.kind for a in attachments}
    found: list[Case] = []
    if ticket.reason == TicketReason.DAMAGED_IN_TRANSIT:
        found.append(
            Case(
                "damaged",
                _("Damaged in transit"),
                [
                    Requirement(
                        "photos", _("Photos of the damage"), EvidenceKind.PHOTO in kinds, _("a file of kind Photo")
                    ),
                    Requirement(
                        "unboxing_video",
                        _("Unboxing video"),
                        EvidenceKind.UNBOXING_VIDEO in kinds,
                        _("a file of kind Unboxing video"),
                    ),
                ],
            )
        )
    if ticket.reason == TicketReason.LOST or ticket.type == TicketType.DISPUTE or has_dispute:
        order = ticket.order if ticket.order_id else None
        tracked = bool(order and order.tracking_number) or EvidenceKind.TRACKING_SCREENSHOT in kinds
        delivered = bool({EvidenceKind.DELIVERY_SIGNATURE, EvidenceKind.SHIPPING_PROOF} & kinds)
        found.append(
            Case(
                "not_received",
                _("Not received or disputed"),
                [
                    Requirement(
                        "tracking",
                        _("Tracking"),
                        tracked,
                        _("the order's tracking number, or a tracking screenshot"),
                    ),
                    Requirement(
                        "proof_of_delivery",
                        _("Proof of delivery"),
                        delivered,
                        _("a delivery signature or shipping proof"),
                    ),
                    Requirement(
                        "conversation",
                        _("Conversation log"),
                        has_conversation,
                        _("messages with the buyer in the thread"),
                    ),
                ],
            )
        )
    if any(rma.qc_result == QcResult.FAIL for rma in ticket.rmas.all()):
        found.append(
            Case(
                "qc_failed",
                _("QC failed"),
                [
                    Requirement(
                        "qc_photos", _("QC photos"), EvidenceKind.QC_PHOTO in kinds, _("a file of kind QC photo")
                    )
                ],
            )
        )
    return found


def panel(ticket: Ticket) -> EvidencePanel:
    """Everything the evidence panel shows; no query of its own when the ticket page loaded the ticket."""
    attachments = list(ticket.attachments.all())
    facts, conversation = dispute_facts(ticket)
    found = cases(ticket, attachments, has_dispute=facts.has_dispute, has_conversation=conversation)
    missing = sum(1 for case in found for req in case.requirements if not req.done)
    return EvidencePanel(attachments, found, facts, conversation, missing)


def by_message(attachments) -> dict[int, list[Attachment]]:
    grouped: dict[int, list[Attachment]] = {}
    for attachment in attachments:
        if attachment.message_id is not None:
            grouped.setdefault(attachment.message_id, []).append(attachment)
    return grouped


# --- The dispute evidence pack ----------------------------------------------------------------


@dataclass(frozen=True)
class PackFile:
    attachment: Attachment
    path: str  # inside the ZIP
    present: bool


@dataclass(frozen=True)
class PackMessage:
    at: datetime
    who: str
    direction: str
    text: str


@dataclass(frozen=True)
class PackData:
    ticket: Ticket
    lines: list
    disputes: list[Dispute]
    rmas: list
    messages: list[PackMessage]
    files: list[PackFile]


def zip_path(index: int, attachment: Attachment) -> str:
    """files/01-photo.jpg: numbered so two files of one name stay apart, no path from the name."""
    safe = re.sub(r"[^\w.\-]+", "_", attachment.original_name, flags=re.ASCII).strip("._") or "file"
    return f"files/{index:02d}-{safe[:80]}"


def pack_data(ticket: Ticket) -> PackData:
    """What the pack holds; internal notes stay out (the pack is for the platform)."""
    ticket = (
        Ticket.objects.select_related("store", "customer", "order")
        .prefetch_related("order__lines", "rmas")
        .get(pk=ticket.pk)
    )
    messages = [
        PackMessage(
            m.created_at,
            m.author_name or (m.author.get_full_name() or m.author.get_username() if m.author else ""),
            _("Buyer") if m.direction == Direction.INBOUND else _("Seller"),
            plain_text(m.body),
        )
        for m in ticket.messages.filter(direction__in=CONVERSATION)
        .select_related("author")
        .order_by("created_at", "pk")
    ]
    attachments = list(ticket.attachments.select_related("uploaded_by").order_by("created_at", "pk"))
    files = [
        PackFile(a, zip_path(i, a), bool(a.file.name) and a.file.storage.exists(a.file.name))
        for i, a in enumerate(attachments, start=1)
    ]
    return PackData(
        ticket=ticket,
        lines=list(ticket.order.lines.all()) if ticket.order_id else [],
        disputes=list(ticket.disputes.order_by("opened_at", "pk")),
        rmas=list(ticket.rmas.all()),
        messages=messages,
        files=files,
    )
