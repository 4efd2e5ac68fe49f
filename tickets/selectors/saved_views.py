"""Saved inbox views, read side: a query string cut down to the inbox's known parameters, the
views a user sees in the left pane with capped counts, and the stores of the store switcher."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.http import urlencode

from ..models import SavedView, Store, Ticket
from ..validators import small_int
from . import inbox, keyset
from .filters import TicketFilter

QUERY_MAX = 1000  # characters of a stored query string
MAX_VALUES = 20  # values kept of one multi-valued parameter (store=1&store=2…)
MAX_LISTED = 100  # saved views the pane lists (a user keeps at most 50; the rest are shared)
SHARE = "tickets.share_savedview"  # supervisors and admins: share a view, edit a shared one


@cache
def query_params() -> tuple[tuple[str, bool], ...]:
    """(name, takes several values) of every parameter a saved view keeps, in the order its URL
    lists them: the view, each filter of the filter class, the search and the sort."""
    params: list[tuple[str, bool]] = [("view", False)]
    form = TicketFilter(queryset=Ticket.objects.none()).form
    for name, field in form.fields.items():
        widget = field.widget
        suffixes = getattr(widget, "suffixes", None)
        if suffixes:  # a range: created_after / created_before …
            params.extend((widget.suffixed(name, suffix), False) for suffix in suffixes)
        else:
            params.append((name, bool(getattr(widget, "allow_multiple_selected", False))))
    params += [("q", False), ("sort", False)]
    return tuple(params)


def normalize_query(raw: str | QueryDict) -> str:
    """The query string of a saved view: known parameters only, empty ones dropped, an unknown view
    or sort dropped, in a fixed order. What it keeps of the filters is checked by ``filter_errors``."""
    data = raw if isinstance(raw, QueryDict) else QueryDict(str(raw)[: QUERY_MAX * 4])
    pairs: list[tuple[str, str]] = []
    for name, multi in query_params():
        values = [v.replace("\x00", "").strip() for v in data.getlist(name)]
        values = [v for v in values if v]
        if not values:
            continue
        if name == "view" and values[0] not in inbox.VIEW_FILTERS:
            continue
        if name == "sort" and values[0] not in keyset.SORTS:
            continue
        if name == "q":
            values = [values[0][:200]]
        kept = list(dict.fromkeys(values))[:MAX_VALUES] if multi else values[:1]
        pairs.extend((name, value) for value in kept)
    if not any(name == "view" for name, _value in pairs):
        pairs.insert(0, ("view", inbox.DEFAULT_VIEW))
    return urlencode(pairs)


def filter_errors(query: str, user) -> dict[str, list[str]]:
    """What the filter class refuses in a normalised query, as the inbox would show it."""
    ticket_filter = TicketFilter(QueryDict(query), queryset=Ticket.objects.none(), request=SimpleNamespace(user=user))
    if ticket_filter.is_valid():
        return {}
    return {name: [str(error) for error in errors] for name, errors in ticket_filter.errors.items()}


def with_sort(query: str, sort: str | None) -> str:
    """The query with another sort (the one last used in this view), when it is a known sort."""
    if sort not in keyset.SORTS:
        return query
    data = QueryDict(query, mutable=True)
    data["sort"] = sort
    return normalize_query(data)


def visible_view(user, pk: object) -> SavedView | None:
    """A saved view the user may open: their own or a shared one; None for anything else."""
    number = small_int(str(pk), digits=18) if pk is not None else None
    if number is None:
        return None
    return SavedView.objects.visible_to(user).select_related("owner").filter(pk=number).first()


def can_edit(user, view: SavedView) -> bool:
    """Owners edit their own views; a shared view is edited only by those who may share."""
    if view.shared:
        return user.has_perm(SHARE)
    return view.owner_id == user.pk


def can_share(user, view: SavedView | None = None) -> bool:
    """Sharers share their own views and edit shared ones; nobody shares another's private view."""
    return user.has_perm(SHARE) and (view is None or view.shared or view.owner_id == user.pk)


# --- the left pane ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaneView:
    view: SavedView
    query: str  # the inbox URL's query: the view's filters with the sort last used in it
    count: int | None  # None: the filters are not valid for this user (the page says why)

    @property
    def capped(self) -> bool:
        return self.count is not None and self.count > inbox.COUNT_CAP

    @property
    def text(self) -> str:
        if self.count is None:
            return ""
        return f"{inbox.COUNT_CAP}+" if self.capped else str(self.count)


@dataclass(frozen=True)
class Pane:
    mine: list[PaneView]
    shared: list[PaneView]
    current: PaneView | None


def pane(user, *, current: object = None, sorts: dict | None = None) -> Pane:
    """The user's views (own, then shared) with a capped count each: two queries, however many."""
    sorts = sorts or {}
    views = list(SavedView.objects.visible_to(user).select_related("owner").order_by("position", "id")[:MAX_LISTED])
    querysets = [tickets_of(view.query, user) for view in views]
    counted = capped_counts([qs for qs in querysets if qs is not None])
    counts = iter(counted)
    items = [
        PaneView(
            view=view,
            query=with_sort(view.query, sorts.get(f"saved:{view.pk}")),
            count=next(counts) if qs is not None else None,
        )
        for view, qs in zip(views, querysets, strict=True)
    ]
    current_pk = small_int(str(current), digits=18) if current is not None else None
    return Pane(
        mine=[item for item in items if item.view.owner_id == user.pk and not item.view.shared],
        shared=[item for item in items if item.view.shared],
        current=next((item for item in items if item.view.pk == current_pk), None),
    )


def tickets_of(query: str, user) -> QuerySet | None:
    """The tickets a saved view's query lists for this user, as the inbox would; None when its
    filters are not valid. Store ids are checked as numbers and left to the ticket scoping (the
    filter class would ask the database once per view to check them)."""
    data = QueryDict(query, mutable=True)
    view = inbox.get_view(data.get("view"))
    visible = view.filter(Ticket.objects.visible_to(user), user)
    store_ids = [small_int(value, digits=18) for value in data.pop("store", [])]
    if None in store_ids:
        return None
    ticket_filter = TicketFilter(data, queryset=visible, request=SimpleNamespace(user=user))
    if not ticket_filter.is_valid():
        return None
    tickets = ticket_filter.qs
    if store_ids:
        tickets = tickets.filter(store_id__in=store_ids)
    return tickets  # the filter class's ``q`` searches, scoped to the user


def capped_counts(querysets: list[QuerySet]) -> list[int]:
    """Each queryset's count, stopping at COUNT_CAP + 1 rows, all in one query."""
    if not querysets:
        return []
    parts, params = [], []
    for queryset in querysets:
        sql, values = queryset.order_by().values("pk")[: inbox.COUNT_CAP + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS v)")  # noqa: S608 - Django-compiled SQL, values as params
        params.extend(values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


# --- the store switcher ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SwitcherStore:
    store: Store
    label: str  # "Amazon DE"; with the store's name when two stores share it


def switcher_stores(stores) -> list[SwitcherStore]:
    """The stores as the switcher lists them: short labels like the inbox's store column, told
    apart by name where two are alike, in label order."""
    stores = list(stores)
    alike = Counter(store.short_label for store in stores)
    items = [
        SwitcherStore(
            store, store.short_label if alike[store.short_label] == 1 else f"{store.short_label} · {store.name}"
        )
        for store in stores
    ]
    return sorted(items, key=lambda item: (item.label.casefold(), item.store.pk))
