"""The inbox: views with counts on the left, a dense ticket list with filters in the URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import Ticket
from ..permissions import can
from ..selectors import inbox, navigation
from ..selectors.filters import TicketFilter, more_filters
from ..services import bulk
from ..services.tickets import CHANGE
from ..validators import small_int
from . import saved_views, store_switch


@login_required
@require_GET
def inbox_page(request):
    if (to_remembered_store := store_switch.follow(request)) is not None:
        return to_remembered_store
    view, ticket_filter, tickets_qs, query = _listing(request)
    sort = _remembered_sort(request, saved_views.sort_memory_key(request, view.key))
    rows, next_cursor = inbox.page(tickets_qs, after=request.GET.get("after"), sort=sort)
    params = _params(request)
    params["sort"] = sort.name  # "Load more" continues this order, whatever another tab remembers
    for row in rows:  # the ticket page's j / k continue from this row's place in this list
        row.list_cursor = navigation.cursor_of(sort, row)
    filtered = any(request.GET.get(name) for name in (*TicketFilter.base_filters, "q"))
    context = {
        "view": view,
        "tickets": rows,
        "next_cursor": next_cursor,
        "params": params.urlencode(),
        "filter": ticket_filter,
        "filtered": filtered,
        "query": query,
        "stores": store_switch.visible_stores(request),
        "now": timezone.now(),
        "sort": sort.name,
        "sort_choices": inbox.SORT_CHOICES,
        "can_work": can(request.user, CHANGE),
        "list_query": navigation.list_query(request.GET, view=view.key, sort=sort.name),
    }
    if request.headers.get("HX-Request"):
        return render(request, "components/inbox_rows.html", context)
    context["views"] = inbox.cached_view_counts(request.user)
    context["switcher"] = store_switch.switcher(request)
    context["more_filters"] = more_filters(ticket_filter)
    context["poll"] = inbox.changes_position()
    if context["can_work"]:
        context["bulk"] = inbox.bulk_choices(request.user)
    return render(request, "tickets/inbox.html", context)


@login_required
@require_GET
def inbox_changes(request):
    """What changed in this list since the page last asked (HTMX polling, every 15 s): new tickets
    go on top, changed rows are replaced in place; the poller carries the new position."""
    view, _filter, tickets_qs, _query = _listing(request)
    shown = {n for n in map(small_int, request.GET.get("shown", "").split(",")[:500]) if n is not None}
    changed, position = inbox.changes(
        tickets_qs,
        Ticket.objects.visible_to(request.user),
        since=request.GET.get("since", ""),
        after_id=request.GET.get("after_id", ""),
        since_id=request.GET.get("since_id", ""),
    )
    sort = inbox.sort_for(view.key, request.GET.get("sort"))
    for t in changed:
        t.list_cursor = navigation.cursor_of(sort, t)
    rows = [(t, "true" if t.number in shown else "afterbegin:#ticket-rows") for t in changed]
    context = {
        "rows": rows,
        "poll": position,
        "params": _params(request, drop=("since", "after_id", "since_id", "shown")).urlencode(),
        "now": timezone.now(),
        "list_query": navigation.list_query(request.GET, view=view.key, sort=sort.name),
    }
    return render(request, "components/inbox_changes.html", context)


def _listing(request):
    """The view, its filter and the tickets the URL asks for (the same for the page and its polling)."""
    view = inbox.get_view(request.GET.get("view"))
    visible = view.filter(Ticket.objects.visible_to(request.user), request.user)
    ticket_filter = TicketFilter(request.GET, queryset=visible, request=request)
    tickets_qs = ticket_filter.qs if ticket_filter.is_valid() else visible.none()
    # The filter's ``q`` searches (tickets/selectors/search.py); the top bar shows what was asked.
    return view, ticket_filter, tickets_qs, request.GET.get("q", "")


def _params(request, drop=("after",)) -> object:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params


def _remembered_sort(request, view_key: str):
    """The sort the URL asks for, remembered for this view; else the one last used in it."""
    remembered = request.session.get("inbox_sort", {})
    asked = request.GET.get("sort")
    if not asked and request.GET.get("q", "").strip():
        return inbox.sort_for(view_key, "activity")  # search results: newest activity first
    sort = inbox.sort_for(view_key, asked or remembered.get(view_key))
    if asked and remembered.get(view_key) != sort.name:
        request.session["inbox_sort"] = {**remembered, view_key: sort.name}
    return sort


@login_required
@require_POST
def bulk_action(request):
    """Apply one action to the selected tickets; say how many were done and why any were refused."""
    back = request.POST.get("next", "")
    back = reverse("inbox") + (back if back.startswith("?") else "")
    action, _sep, value = request.POST.get("action", "").partition(":")
    if action == "tag":
        value = request.POST.get("tag", "")
    numbers = [n for n in map(small_int, request.POST.getlist("ticket")) if n is not None]
    try:
        result = bulk.run(request.user, numbers, action, value)
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect(back)
    if result.refused:
        reasons = "; ".join(f"#{number}: {why}" for number, why in result.refused[:10])
        more = len(result.refused) - 10
        if more > 0:
            reasons += " " + _("and %(count)d more") % {"count": more}
        messages.warning(request, f"{result.summary} ({reasons})")
    else:
        messages.success(request, result.summary)
    return redirect(back)
