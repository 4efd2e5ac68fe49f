"""What the ticket page shows: the thread with timeline lines, the order and the buyer's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from ..errors import MoneyError, NotFound
from ..models import AuditEvent, Message, Order, OrderLine, Refund, ReplacementKind, ReturnAuthorization, Ticket
from ..models.tickets import Priority, TicketType
from ..money import Money
from ..states import TICKET, ActorKind, RefundStatus, RmaStatus, TicketStatus

# Audit actions shown as grey lines in the thread; notes are already messages.
TIMELINE_ACTIONS = (
    "ticket.status_changed",
    "ticket.assigned",
    "rma.created",
    "rma.status_changed",
    "refund.requested",
    "refund.status_changed",
    "ticket.priority_changed",
    "ticket.type_changed",
    "ticket.tagged",
    "ticket.untagged",
    "order.replacement_created",
    "rma.restocked",
)
STATUS_LABELS = {"ticket": TicketStatus, "returnauthorization": RmaStatus, "refund": RefundStatus}


@dataclass(frozen=True)
class ThreadItem:
    at: datetime
    message: Message | None = None
    event: AuditEvent | None = None
    text: str = ""
    note: str = ""


def _status(object_type: str, value: str | None) -> str:
    choices = STATUS_LABELS.get(object_type)
    if choices is None or value not in choices.values:
        return value or "—"
    return str(choices(value).label)


def _label(choices, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "—")


def _money(values: dict) -> str:
    # An audit record is history: read like any stored value, rounded rather than refused.
    try:
        return Money.stored(values.get("amount", ""), values.get("currency", "")).format()
    except MoneyError:
        return f"{values.get('amount', '')} {values.get('currency', '')}".strip()


def describe(event: AuditEvent, names: dict[int, str] | None = None) -> str:
    """One line a person reads: what changed, in their language."""
    before, after = event.before or {}, event.after or {}
    change = {
        "from": _status(event.object_type, before.get("status")),
        "to": _status(event.object_type, after.get("status")),
    }
    if event.action == "ticket.status_changed":
        return _("Status: %(from)s → %(to)s") % change
    if event.action == "ticket.assigned":
        assignee = after.get("assignee")
        if not assignee:
            return _("Unassigned")
        return _("Assigned to %(name)s") % {"name": (names or {}).get(assignee, f"#{assignee}")}
    if event.action == "ticket.priority_changed":
        return _("Priority: %(from)s → %(to)s") % {
            "from": _label(Priority, before.get("priority")),
            "to": _label(Priority, after.get("priority")),
        }
    if event.action == "ticket.type_changed":
        return _("Type: %(from)s → %(to)s") % {
            "from": _label(TicketType, before.get("type")),
            "to": _label(TicketType, after.get("type")),
        }
    if event.action == "ticket.tagged":
        return _("Tagged %(tags)s") % {"tags": ", ".join(after.get("added") or [])}
    if event.action == "ticket.untagged":
        return _("Tag removed: %(tags)s") % {"tags": ", ".join(after.get("removed") or [])}
    if event.action == "rma.created":
        return _("Return %(number)s requested") % {"number": after.get("number", "")}
    if event.action == "rma.status_changed":
        return _("Return: %(from)s → %(to)s") % change
    if event.action == "refund.requested":
        return _("Refund of %(amount)s requested") % {"amount": _money(after)}
    if event.action == "refund.status_changed":
        return _("Refund: %(from)s → %(to)s") % change
    if event.action == "order.replacement_created":
        kind = _label(ReplacementKind, after.get("kind"))
        return _("%(kind)s: replacement order %(number)s at no charge") % {"kind": kind, "number": after.get("number")}
    if event.action == "rma.restocked":
        pieces = sum(int(q) for q in (after.get("lines") or {}).values() if str(q).isdigit())
        return _("Returned items back to stock: %(count)d") % {"count": pieces}
    return event.action


def thread(ticket: Ticket) -> list[ThreadItem]:
    messages = ticket.messages.select_related("author").order_by("created_at", "id")
    events = (
        AuditEvent.objects.filter(ticket=ticket, action__in=TIMELINE_ACTIONS)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    events = list(events)
    # The assignee's name is written with the event; older events name only an id, or an actor.
    names = {e.actor_id: e.actor.get_full_name() or e.actor.get_username() for e in events if e.actor_id}
    for e in events:
        if e.action == "ticket.assigned" and e.after.get("assignee_name"):
            names.setdefault(e.after["assignee"], e.after["assignee_name"])
    unknown = {e.after.get("assignee") for e in events if e.action == "ticket.assigned"} - {None} - set(names)
    if unknown:
        for user in get_user_model().objects.filter(pk__in=unknown):
            names[user.pk] = user.get_full_name() or user.get_username()
    items = [ThreadItem(m.created_at, message=m) for m in messages]
    items += [
        ThreadItem(e.created_at, event=e, text=describe(e, names), note=_(e.note) if e.note else "") for e in events
    ]
    return sorted(items, key=lambda item: item.at)


def load(user, number: int) -> Ticket:
    """The ticket with everything its page shows, if the user may see it (else NotFound)."""
    visible = (
        Ticket.objects.visible_to(user)
        .select_related("store", "customer", "order", "assignee", "team", "follow_up_of")
        .prefetch_related(
            "tags",
            "order__lines",
            Prefetch("refunds", queryset=Refund.objects.order_by("created_at")),
            Prefetch("rmas", queryset=ReturnAuthorization.objects.order_by("created_at")),
        )
    )
    try:
        return visible.get(number=number)
    except Ticket.DoesNotExist:
        raise NotFound() from None


def replacement_orders(ticket: Ticket, thread_items: list[ThreadItem]) -> list[Order]:
    """The ticket's replacement orders with their lines, in one query, and only when the thread
    (already loaded) says one was made: a ticket without any costs no query."""
    if not any(item.event and item.event.action == "order.replacement_created" for item in thread_items):
        return []
    orders: dict[int, Order] = {}
    lines = (
        OrderLine.objects.filter(order__replacement_ticket=ticket).select_related("order").order_by("order_id", "pk")
    )
    for line in lines:
        order = orders.setdefault(line.order_id, line.order)
        order.shown_lines = [*getattr(order, "shown_lines", []), line]
    return list(orders.values())


def status_choices_for_agent(ticket: Ticket) -> list[str]:
    """Targets a person may move this ticket to from where it is now."""
    return [target for target, kinds in TICKET.targets(ticket.status).items() if ActorKind.USER in kinds]


def related_tickets(ticket: Ticket, user, limit: int = 5) -> tuple[list[Ticket], list[Ticket]]:
    """(the buyer's other recent tickets, the follow-ups of this one), in one query."""
    condition = Q(follow_up_of_id=ticket.pk)
    if ticket.customer_id is not None:
        condition |= Q(customer_id=ticket.customer_id)
    rows = list(Ticket.objects.visible_to(user).filter(condition).exclude(pk=ticket.pk).order_by("-created_at")[:50])
    previous = [t for t in rows if ticket.customer_id is not None and t.customer_id == ticket.customer_id][:limit]
    follow_ups = sorted((t for t in rows if t.follow_up_of_id == ticket.pk), key=lambda t: t.pk)
    return previous, follow_ups
