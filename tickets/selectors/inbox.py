"""Inbox queries: named views with counts, and a keyset-paginated ticket list."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ..models import Ticket
from ..states import TICKET_UNSOLVED, TicketStatus

PAGE_SIZE = 50
SLA_AT_RISK_WITHIN = timedelta(hours=4)


@dataclass(frozen=True)
class InboxView:
    key: str
    label: str

    def filter(self, queryset: QuerySet, user) -> QuerySet:
        return VIEW_FILTERS[self.key](queryset, user)


VIEW_FILTERS = {
    "mine": lambda qs, user: qs.filter(assignee=user, status__in=TICKET_UNSOLVED),
    "unassigned": lambda qs, user: qs.filter(assignee__isnull=True, status__in=TICKET_UNSOLVED),
    "unsolved": lambda qs, user: qs.filter(status__in=TICKET_UNSOLVED),
    "approval": lambda qs, user: qs.filter(status=TicketStatus.WAITING_APPROVAL),
    "sla_risk": lambda qs, user: qs.filter(
        status__in=TICKET_UNSOLVED, resolution_due_at__lte=timezone.now() + SLA_AT_RISK_WITHIN
    ),
    "resolved": lambda qs, user: qs.filter(status=TicketStatus.RESOLVED),
    "all": lambda qs, user: qs,
}
VIEWS = [
    InboxView("mine", _("My unsolved")),
    InboxView("unassigned", _("Unassigned")),
    InboxView("unsolved", _("All unsolved")),
    InboxView("approval", _("Waiting for approval")),
    InboxView("sla_risk", _("SLA at risk")),
    InboxView("resolved", _("Resolved")),
    InboxView("all", _("All tickets")),
]
DEFAULT_VIEW = "unsolved"


def get_view(key: str | None) -> InboxView:
    return next((view for view in VIEWS if view.key == key), next(v for v in VIEWS if v.key == DEFAULT_VIEW))


def view_counts(user) -> list[tuple[InboxView, int]]:
    visible = Ticket.objects.visible_to(user)
    return [(view, view.filter(visible, user).count()) for view in VIEWS if view.key != "all"]


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Order number, ticket number, tracking number, buyer or subject words."""
    text = text.replace("\x00", "").strip()[:200]
    if not text:
        return queryset
    condition = (
        Q(subject__icontains=text)
        | Q(customer__name__icontains=text)
        | Q(customer__email__iexact=text)
        | Q(order__number__iexact=text)
        | Q(order__tracking_number__iexact=text)
    )
    digits = text.lstrip("#")
    if re.fullmatch(r"[0-9]{1,9}", digits):
        condition |= Q(number=int(digits)) | Q(order__number__iexact=f"#{digits}")
    return queryset.filter(condition)


def encode_cursor(ticket: Ticket) -> str:
    raw = f"{ticket.last_activity_at.isoformat()}|{ticket.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """The position a cursor names, or None for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        when = parse_datetime(stamp)
        if when is None or when.tzinfo is None or not re.fullmatch(r"[0-9]{1,18}", pk):
            return None
        return when.astimezone(UTC), int(pk)
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None


def page(queryset: QuerySet, *, after: str | None = None, size: int = PAGE_SIZE) -> tuple[list[Ticket], str | None]:
    """One page, newest activity first, continuing after a cursor (keyset: no OFFSET)."""
    queryset = queryset.order_by("-last_activity_at", "-id")
    position = decode_cursor(after) if after else None
    if position:
        when, pk = position
        queryset = queryset.filter(Q(last_activity_at__lt=when) | Q(last_activity_at=when, id__lt=pk))
    rows = list(queryset.select_related("store", "customer", "assignee", "order").prefetch_related("tags")[: size + 1])
    next_cursor = encode_cursor(rows[size - 1]) if len(rows) > size else None
    return rows[:size], next_cursor
