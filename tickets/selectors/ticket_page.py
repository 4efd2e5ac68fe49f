"""What the ticket page shows: the thread with timeline lines, the order and the buyer's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..errors import MoneyError, NotFound
from ..models import (
    Attachment,
    AuditEvent,
    EvidenceKind,
    Message,
    Order,
    OrderLine,
    Refund,
    ReplacementKind,
    ReturnAuthorization,
    Ticket,
)
from ..models.tickets import Priority, TicketReason, TicketType
from ..money import Money
from ..states import TICKET, ActorKind, RefundStatus, RmaStatus, TicketStatus
from . import evidence as evidence_selector

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
    "ticket.merged_into",
    "ticket.merged",
    "ticket.split_off",
    "ticket.split_from",
    "ticket.order_linked",
    "ticket.buyer_linked",
    "evidence.attached",
    "order.replacement_created",
    "rma.restocked",
    "ticket.macro_suggested",
    "ticket.sla_policy_set",
    "ticket.escalated",
)
STATUS_LABELS = {"ticket": TicketStatus, "returnauthorization": RmaStatus, "refund": RefundStatus}


@dataclass(frozen=True)
class ThreadItem:
    at: datetime
    message: Message | None = None
    event: AuditEvent | None = None
    text: str = ""
    note: str = ""
    attachments: tuple[Attachment, ...] = ()  # the message's files, shown under it
    # Who did it when no person did: "Rule ‹name›" for a triage rule (the note then says no more).
    by: str = ""


def event_item(event: AuditEvent, names: dict[int, str] | None = None) -> ThreadItem:
    """The timeline line of one audit event: a rule's reads "Rule ‹name› · <what>"."""
    from ..rules.actions import rule_name_of

    rule = rule_name_of(event.note) if event.actor_kind == ActorKind.RULE and event.note else None
    if rule is not None:
        return ThreadItem(
            event.created_at, event=event, text=describe(event, names), by=_("Rule ‹%(name)s›") % {"name": rule}
        )
    return ThreadItem(
        event.created_at, event=event, text=describe(event, names), note=_(event.note) if event.note else ""
    )


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
        assignee, team = after.get("assignee"), after.get("team_name")
        if not assignee:
            return _("Team %(team)s, nobody assigned yet") % {"team": team} if team else _("Unassigned")
        name = (names or {}).get(assignee, f"#{assignee}")
        if team:
            return _("Assigned to %(name)s (team %(team)s)") % {"name": name, "team": team}
        return _("Assigned to %(name)s") % {"name": name}
    if event.action == "ticket.priority_changed":
        return _("Priority: %(from)s → %(to)s") % {
            "from": _label(Priority, before.get("priority")),
            "to": _label(Priority, after.get("priority")),
        }
    if event.action == "ticket.type_changed":
        lines = []
        if before.get("type") != after.get("type"):
            lines.append(
                _("Type: %(from)s → %(to)s")
                % {"from": _label(TicketType, before.get("type")), "to": _label(TicketType, after.get("type"))}
            )
        if before.get("reason", "") != after.get("reason", ""):
            lines.append(
                _("Reason: %(from)s → %(to)s")
                % {"from": _label(TicketReason, before.get("reason")), "to": _label(TicketReason, after.get("reason"))}
            )
        return " · ".join(lines) or _("Type: %(from)s → %(to)s") % {
            "from": _label(TicketType, before.get("type")),
            "to": _label(TicketType, after.get("type")),
        }
    if event.action == "ticket.tagged":
        return _("Tagged %(tags)s") % {"tags": ", ".join(after.get("added") or [])}
    if event.action == "ticket.untagged":
        return _("Tag removed: %(tags)s") % {"tags": ", ".join(after.get("removed") or [])}
    if event.action == "ticket.merged_into":
        return _("Merged into #%(number)s") % {"number": after.get("into", "")}
    if event.action == "ticket.merged":
        return _("#%(number)s merged into this ticket") % {"number": after.get("from", "")}
    if event.action == "ticket.split_off":
        return _("A message moved to the new ticket #%(number)s") % {"number": after.get("to", "")}
    if event.action == "ticket.split_from":
        return _("Split off from #%(number)s") % {"number": after.get("from", "")}
    if event.action == "ticket.order_linked":
        return _("Linked to order %(number)s") % {"number": after.get("order", "")}
    if event.action == "ticket.buyer_linked":
        return _("Buyer set to %(buyer)s") % {"buyer": after.get("customer", "")}
    if event.action == "rma.created":
        return _("Return %(number)s requested") % {"number": after.get("number", "")}
    if event.action == "rma.status_changed":
        return _("Return: %(from)s → %(to)s") % change
    if event.action == "refund.requested":
        return _("Refund of %(amount)s requested") % {"amount": _money(after)}
    if event.action == "refund.status_changed":
        return _("Refund: %(from)s → %(to)s") % change
    if event.action == "evidence.attached":
        return _("Evidence added: %(name)s (%(kind)s)") % {
            "name": after.get("name", ""),
            "kind": _label(EvidenceKind, after.get("kind")),
        }
    if event.action == "order.replacement_created":
        kind = _label(ReplacementKind, after.get("kind"))
        return _("%(kind)s: replacement order %(number)s at no charge") % {"kind": kind, "number": after.get("number")}
    if event.action == "ticket.macro_suggested":
        return _("Macro suggested")
    if event.action == "ticket.sla_policy_set":
        return _("SLA policy set") if after.get("sla_policy") else _("SLA policy: the first matching one")
    if event.action == "ticket.escalated":
        told = after.get("supervisors", 0)
        detail = after.get("detail", "")
        text = _("Escalated to %(count)s supervisors") % {"count": told}
        return f"{text}: {detail}" if detail else text
    if event.action == "rma.restocked":
        pieces = sum(int(q) for q in (after.get("lines") or {}).values() if str(q).isdigit())
        return _("Returned items back to stock: %(count)d") % {"count": pieces}
    return event.action


def thread(ticket: Ticket) -> list[ThreadItem]:
    messages = ticket.messages.select_related("author", "sent_by_rule").order_by("created_at", "id")
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
    files = evidence_selector.by_message(ticket.attachments.all())
    items = [ThreadItem(m.created_at, message=m, attachments=tuple(files.get(m.pk, ()))) for m in messages]
    items += [event_item(e, names) for e in events]
    return sorted(items, key=lambda item: item.at)


def _count(queryset) -> Subquery:
    """The number of rows of a correlated queryset, as a column of the outer query."""
    counted = queryset.order_by().values("customer_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), Value(0))


def buyer_history_columns(user) -> dict:
    """The buyer's orders, returned orders and other tickets, counted as columns of the ticket's
    own query (no query of their own, whatever the buyer's history)."""
    orders = Order.objects.filter(customer_id=OuterRef("customer_id"))
    returned = orders.filter(Exists(ReturnAuthorization.objects.filter(ticket__order_id=OuterRef("pk"))))
    others = Ticket.objects.visible_to(user).filter(customer_id=OuterRef("customer_id")).exclude(pk=OuterRef("pk"))
    return {"buyer_orders": _count(orders), "buyer_returned": _count(returned), "buyer_tickets": _count(others)}


def load(user, number: int) -> Ticket:
    """The ticket with everything its page shows, if the user may see it (else NotFound)."""
    visible = evidence_selector.with_dispute_facts(
        Ticket.objects.visible_to(user)
        .select_related("store", "customer", "order", "assignee", "team", "follow_up_of")
        .annotate(**buyer_history_columns(user))
        .prefetch_related(
            "tags",
            Prefetch(
                "refunds", queryset=Refund.objects.select_related("approved_by", "requested_by").order_by("created_at")
            ),
            Prefetch("rmas", queryset=ReturnAuthorization.objects.order_by("created_at")),
            Prefetch(
                "attachments", queryset=Attachment.objects.select_related("uploaded_by").order_by("created_at", "pk")
            ),
        )
    )
    try:
        ticket = visible.get(number=number)
    except Ticket.DoesNotExist:
        raise NotFound() from None
    _attach_lines(ticket)
    return ticket


def _attach_lines(ticket: Ticket) -> None:
    """The order's lines and the lines of the ticket's replacement orders, in one query: the
    order's as its prefetched ``lines``, the replacements as ``ticket.replacement_list``."""
    # The orders first (two index lookups), then their lines by order id: an OR across the join
    # to orders read every order line of the desk (0.7 s at a million tickets).
    orders = Q(replacement_ticket_id=ticket.pk)
    if ticket.order_id is not None:
        orders |= Q(pk=ticket.order_id)
    own: list[OrderLine] = []
    replacements: dict[int, Order] = {}
    lines = OrderLine.objects.filter(order_id__in=Order.objects.filter(orders).values("pk"))
    for line in lines.select_related("order").order_by("order_id", "pk"):
        if line.order_id == ticket.order_id:
            own.append(line)
            continue
        order = replacements.setdefault(line.order_id, line.order)
        order.shown_lines = [*getattr(order, "shown_lines", []), line]
    if ticket.order is not None:
        lines = ticket.order.lines.all()
        lines._result_cache, lines._prefetch_done = own, True  # what prefetch_related leaves
        ticket.order._prefetched_objects_cache = {"lines": lines}
    ticket.replacement_list = list(replacements.values())


def replacement_orders(ticket: Ticket) -> list[Order]:
    """The ticket's replacement orders with their lines (read with the order's own by ``load``)."""
    return ticket.replacement_list


def status_choices_for_agent(ticket: Ticket) -> list[str]:
    """Targets a person may move this ticket to from where it is now."""
    return [target for target, kinds in TICKET.targets(ticket.status).items() if ActorKind.USER in kinds]


def related_tickets(
    ticket: Ticket, user, limit: int = 5, *, around: tuple[QuerySet, QuerySet] | None = None
) -> tuple[list[Ticket], list[Ticket]] | tuple[list[Ticket], list[Ticket], Ticket | None, Ticket | None]:
    """(the buyer's other recent tickets, the follow-ups of this one), in one query.

    ``around``: the pk subqueries of the previous and the next ticket of the list the agent came
    from (selectors.navigation); the same query reads them, and they are returned after the others."""
    condition = Q(follow_up_of_id=ticket.pk)
    if ticket.customer_id is not None:
        condition |= Q(customer_id=ticket.customer_id)
    related = Ticket.objects.visible_to(user).filter(condition).exclude(pk=ticket.pk).order_by("-created_at")
    if around is None:
        rows = list(related[:50])
    else:
        before, after = around
        wanted = Q(pk__in=related.values("pk")[:50]) | Q(pk__in=before) | Q(pk__in=after)
        side = Case(When(pk__in=after, then=Value(1)), When(pk__in=before, then=Value(-1)), default=Value(0))
        rows = list(Ticket.objects.filter(wanted).annotate(nav_side=side).order_by("-created_at"))
    previous = [t for t in rows if ticket.customer_id is not None and t.customer_id == ticket.customer_id][:limit]
    follow_ups = sorted((t for t in rows if t.follow_up_of_id == ticket.pk), key=lambda t: t.pk)
    if around is None:
        return previous, follow_ups
    back = next((t for t in rows if t.nav_side == -1), None)
    ahead = next((t for t in rows if t.nav_side == 1), None)
    return previous, follow_ups, back, ahead


def last_event_id(ticket: Ticket) -> int:
    """The newest audit event of the ticket: an in-place answer shows the lines after it."""
    return AuditEvent.objects.filter(ticket=ticket).order_by("-id").values_list("id", flat=True).first() or 0


def timeline_since(ticket: Ticket, event_id: int) -> list[ThreadItem]:
    """The timeline lines written after ``event_id`` (one change's lines, to append in place)."""
    events = list(
        AuditEvent.objects.filter(ticket=ticket, id__gt=event_id, action__in=TIMELINE_ACTIONS)
        .select_related("actor")
        .order_by("created_at", "id")[:20]
    )
    names = {e.actor_id: e.actor.get_full_name() or e.actor.get_username() for e in events if e.actor_id}
    for e in events:
        if e.action == "ticket.assigned" and e.after.get("assignee_name"):
            names.setdefault(e.after["assignee"], e.after["assignee_name"])
    return [event_item(e, names) for e in events]


@dataclass(frozen=True)
class BuyerHistory:
    """The buyer's orders, how many of them went back, and their other tickets."""

    orders: int
    returned: int
    tickets: int

    @property
    def rate(self) -> int:
        return round(100 * self.returned / self.orders) if self.orders else 0

    @classmethod
    def of(cls, ticket: Ticket) -> BuyerHistory | None:
        """From the columns ``load`` counted; None for a ticket with no buyer."""
        if ticket.customer_id is None or not hasattr(ticket, "buyer_orders"):
            return None
        return cls(ticket.buyer_orders, ticket.buyer_returned, ticket.buyer_tickets)


def tracking_link(order) -> str:
    """The carrier's tracking page of the order's parcel ("" without a tracking number)."""
    from ..services.macros import tracking_url  # one list of carriers, the macros' own

    return tracking_url(order.carrier, order.tracking_number) if order is not None else ""
