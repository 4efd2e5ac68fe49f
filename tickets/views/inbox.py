"""The inbox: views with counts on the left, a dense ticket list with filters in the URL."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..api.filters import TicketFilter
from ..models import Store, Ticket
from ..selectors import inbox


@login_required
@require_GET
def inbox_page(request):
    view = inbox.get_view(request.GET.get("view"))
    sort = _remembered_sort(request, view.key)
    visible = view.filter(Ticket.objects.visible_to(request.user), request.user)
    ticket_filter = TicketFilter(request.GET, queryset=visible, request=request)
    tickets_qs = ticket_filter.qs if ticket_filter.is_valid() else visible.none()
    query = request.GET.get("q", "")
    tickets_qs = inbox.search(tickets_qs, query)
    rows, next_cursor = inbox.page(tickets_qs, after=request.GET.get("after"), sort=sort)
    params = request.GET.copy()
    params.pop("after", None)
    filtered = any(request.GET.get(name) for name in (*TicketFilter.base_filters, "q"))
    context = {
        "view": view,
        "views": inbox.view_counts(request.user),
        "tickets": rows,
        "next_cursor": next_cursor,
        "params": params.urlencode(),
        "filter": ticket_filter,
        "filtered": filtered,
        "query": query,
        "stores": Store.objects.visible_to(request.user),
        "now": timezone.now(),
        "sort": sort.name,
        "sort_choices": inbox.SORT_CHOICES,
    }
    template = "components/inbox_rows.html" if request.headers.get("HX-Request") else "tickets/inbox.html"
    return render(request, template, context)


def _remembered_sort(request, view_key: str):
    """The sort the URL asks for, remembered for this view; else the one last used in it."""
    remembered = request.session.get("inbox_sort", {})
    asked = request.GET.get("sort")
    sort = inbox.sort_for(view_key, asked or remembered.get(view_key))
    if asked and remembered.get(view_key) != sort.name:
        request.session["inbox_sort"] = {**remembered, view_key: sort.name}
    return sort
