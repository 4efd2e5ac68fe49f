"""What the ticket page shows: the thread with timeline lines, the order and the buyer's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import AuditEvent, Message, Ticket
from ..states import TICKET, ActorKind


@dataclass(frozen=True)
class ThreadItem:
    at: datetime
    message: Message | None = None
    event: AuditEvent | None = None


def thread(ticket: Ticket) -> list[ThreadItem]:
    messages = ticket.messages.select_related("author").order_by("created_at", "id")
    events = (
        AuditEvent.objects.filter(ticket=ticket, action__endswith="status_changed")
        .select_related("actor")
        .order_by("created_at", "id")
    )
    items = [ThreadItem(m.created_at, message=m) for m in messages] + [
        ThreadItem(e.created_at, event=e) for e in events
    ]
    return sorted(items, key=lambda item: item.at)


def status_choices_for_agent(ticket: Ticket) -> list[str]:
    """Targets a person may move this ticket to from where it is now."""
    return [target for target, kinds in TICKET.targets(ticket.status).items() if ActorKind.USER in kinds]


def previous_tickets(ticket: Ticket, user, limit: int = 5) -> list[Ticket]:
    if ticket.customer_id is None:
        return []
    return list(
        Ticket.objects.visible_to(user)
        .filter(customer_id=ticket.customer_id)
        .exclude(pk=ticket.pk)
        .order_by("-created_at")[:limit]
    )
