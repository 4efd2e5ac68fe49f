"""Inbox queries: named views with counts, and a keyset-paginated ticket list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ..models import Ticket
from ..states import TICKET_UNSOLVED, TicketStatus
from . import keyset
from .sla import AT_RISK_WITHIN

PAGE_SIZE = 50


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
    "sla_risk": lambda qs, user: qs.filter(status__in=TICKET_UNSOLVED, sla_due_at__lte=timezone.now() + AT_RISK_WITHIN),
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


COUNT_CAP = 999  # a count above this shows as "999+": exact counts grow with the table


@dataclass(frozen=True)
class ViewCount:
    view: InboxView
    count: int

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def text(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


def cached_view_counts(user) -> list[ViewCount]:
    """``view_counts``, kept for INBOX_COUNTS_SECONDS per user (as the desks agents know keep
    theirs: a count a few seconds old, not six index ranges on every page view)."""
    from django.conf import settings
    from django.core.cache import cache

    seconds = settings.INBOX_COUNTS_SECONDS
    if seconds <= 0:
        return view_counts(user)
    key = f"inbox-counts:{user.pk}"
    known = cache.get(key)
    views = [view for view in VIEWS if view.key != "all"]
    if isinstance(known, dict) and set(known) == {view.key for view in views}:
        return [ViewCount(view, known[view.key]) for view in views]
    counts = view_counts(user)
    cache.set(key, {item.view.key: item.count for item in counts}, seconds)
    return counts


def view_counts(user) -> list[ViewCount]:
    """Every view's count in one query, each stopping at COUNT_CAP + 1 rows: what an index range
    costs, however many tickets there are."""
    from django.db import connection

    visible = Ticket.objects.visible_to(user)
    views = [view for view in VIEWS if view.key != "all"]
    parts, params = [], []
    for view in views:
        sql, values = view.filter(visible, user).order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS v)")  # noqa: S608 - Django-compiled SQL, values as params
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return [ViewCount(view, count) for view, count in zip(views, counts, strict=True)]


# An inbox row's tags as a plain list: ``ticket.tags.all`` would build a queryset on every row.
ROW_TAGS = Prefetch("tags", to_attr="tag_list")


SORT_CHOICES = [
    ("sla", _("SLA due")),
    ("activity", _("Last activity")),
    ("priority", _("Priority")),
    ("created", _("Created")),
]
# These views are about what is due: most urgent first unless the agent chose otherwise.
DEFAULT_SORT = {"sla_risk": "sla", "mine": "sla"}


def sort_for(view_key: str, asked: str | None) -> keyset.Sort:
    name = asked if asked in keyset.SORTS else DEFAULT_SORT.get(view_key, "activity")
    return keyset.SORTS[name]


def page(
    queryset: QuerySet, *, after: str | None = None, size: int = PAGE_SIZE, sort: keyset.Sort | None = None
) -> tuple[list[Ticket], str | None]:
    """One page in ``sort`` order (newest activity first by default), continuing after a cursor
    (keyset: no OFFSET, so a deep page costs what the first does)."""
    sort = sort or keyset.SORTS["activity"]
    queryset = sort.apply(queryset)
    position = keyset.decode(sort, after) if after else None
    if position:
        queryset = sort.after(queryset, *position)
    rows = list(
        queryset.select_related("store", "customer", "assignee", "order").prefetch_related(ROW_TAGS)[: size + 1]
    )
    next_cursor = keyset.encode(sort, rows[size - 1]) if len(rows) > size else None
    return rows[:size], next_cursor


@dataclass(frozen=True)
class BulkChoices:
    assignees: list  # (user pk, name) of people working in the user's stores
    macros: list  # (macro pk, name)
    statuses: list  # (value, label) an agent may set
    priorities: list


def bulk_choices(user) -> BulkChoices:
    """What the inbox's bulk bar offers this user (two small queries)."""
    from ..models import Macro
    from ..models.tickets import Priority

    people = colleagues(user).order_by("first_name", "username")[:100]
    macros = Macro.objects.visible_to(user).filter(enabled=True).order_by("name").values_list("pk", "name")[:100]
    statuses = [
        (TicketStatus.OPEN, TicketStatus.OPEN.label),
        (TicketStatus.WAITING_CUSTOMER, TicketStatus.WAITING_CUSTOMER.label),
        (TicketStatus.WAITING_WAREHOUSE, TicketStatus.WAITING_WAREHOUSE.label),
        (TicketStatus.RESOLVED, TicketStatus.RESOLVED.label),
    ]
    return BulkChoices(
        assignees=[(u.pk, u.get_full_name() or u.get_username()) for u in people],
        macros=list(macros),
        statuses=statuses,
        priorities=list(Priority.choices),
    )


def colleagues(user) -> QuerySet:
    """The people who work tickets (agents, supervisors) in any of the user's stores: whom the
    bulk bar offers and the only ones a bulk assignment accepts."""
    from django.contrib.auth import get_user_model

    from ..models import StoreMembership
    from ..roles import AGENT, SUPERVISOR

    members = StoreMembership.objects.filter(store__in=_store_ids(user)).values("user_id")
    return (
        get_user_model().objects.filter(pk__in=members, is_active=True, groups__name__in=[AGENT, SUPERVISOR]).distinct()
    )


def _store_ids(user):
    from ..models import Store

    return Store.objects.visible_to(user).values("pk")


@dataclass(frozen=True)
class ChangesPosition:
    since: str  # ISO time: rows whose last activity is later have changed
    after_id: int  # tickets with a larger id are new
    since_id: int = 0  # within a burst larger than one answer: continue after (since, since_id)

    @property
    def every(self) -> int:
        from django.conf import settings

        return max(1, settings.INBOX_POLL_SECONDS)


POLL_OVERLAP = timedelta(seconds=5)  # a commit a little older than "now" is not missed
POLL_LIMIT = 50


def changes_position() -> ChangesPosition:
    """Where a freshly shown list stands: the newest ticket id and the latest activity of the
    whole desk, each read from the end of an index (the visible tickets' maxima took a scan of
    all of them: 12 ms at 200,000 tickets). A watermark only: what the poll then sends is scoped
    to the user's list, and nothing visible changed after it is missed."""
    from django.db.models import Max

    top = Ticket.objects.order_by().aggregate(newest=Max("id"), latest=Max("last_activity_at"))
    latest = top["latest"]
    return ChangesPosition(since=latest.isoformat() if latest else "", after_id=top["newest"] or 0)


def changes(
    listed: QuerySet, visible: QuerySet, *, since: str, after_id: str, since_id: str = ""
) -> tuple[list[Ticket], ChangesPosition]:
    """Tickets of the list that are new (id above ``after_id``, whatever their timestamps) or were
    worked on (last activity after ``since``), oldest first, at most POLL_LIMIT of each; and the
    position to ask from next time, which moves only past what was sent (the rest comes next)."""
    from datetime import UTC

    from ..validators import small_int

    last = small_int(after_id, digits=18)
    if last is None:
        return [], changes_position()
    try:
        moment = parse_datetime(since) if since else None
        moment = moment.astimezone(UTC) if moment is not None and moment.tzinfo is not None else None
    except (ValueError, OverflowError):  # no such date, or an offset no database takes
        moment = None
    now = timezone.now()
    related = ("store", "customer", "assignee", "order")
    new = list(
        listed.filter(id__gt=last).order_by("id").select_related(*related).prefetch_related(ROW_TAGS)[:POLL_LIMIT]
    )
    worked: list[Ticket] = []
    next_since, next_id = since if moment is not None else "", 0
    if moment is not None:
        tie = small_int(since_id, digits=18) or 0
        if tie:  # the rest of a burst: strictly after (moment, tie), no clamping
            after = Q(last_activity_at__gt=moment) | Q(last_activity_at=moment, id__gt=tie)
        else:
            # A stamp in the future (a mail dated ahead) must not hide what changes meanwhile.
            moment = max(min(moment, now - POLL_OVERLAP), now - timedelta(hours=1))
            after = Q(last_activity_at__gt=moment)
        worked = list(
            listed.filter(after, id__lte=last)
            .order_by("last_activity_at", "id")
            .select_related(*related)
            .prefetch_related(ROW_TAGS)[:POLL_LIMIT]
        )
        if len(worked) == POLL_LIMIT:  # more to come: continue right after the last one sent
            next_since, next_id = worked[-1].last_activity_at.isoformat(), worked[-1].pk
        else:
            latest = max([t.last_activity_at for t in worked] + [moment])
            next_since = min(latest, now - POLL_OVERLAP).isoformat()
    rows = worked + new  # each inserted at the top in turn: the newest ends up first
    return rows, ChangesPosition(since=next_since, after_id=new[-1].pk if new else last, since_id=next_id)
