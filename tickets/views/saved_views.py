"""Saved views in the inbox: the left pane's "My views" and "Shared views" (loaded after the page,
so the inbox's own queries stay few), saving the current filters, rename, share and delete."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import SavedView
from ..selectors import saved_views as read
from ..services import saved_views as service
from ..validators import small_int

SORT_MEMORY = "inbox_sort"  # the session key tickets/views/inbox.py remembers sorts under


def sort_memory_key(request, view_key: str) -> str:
    """Which view a sort is remembered for: the saved view the URL came from, else the built-in one."""
    pk = small_int(request.GET.get("saved", ""), digits=18)
    return f"saved:{pk}" if pk else view_key


def inbox_url(query: str, pk: int | None = None) -> str:
    """The inbox showing a saved view: its query in the URL (to bookmark), its id to name it."""
    extra = f"&saved={pk}" if pk else ""
    return f"{reverse('inbox')}?{query}{extra}"


@login_required
@require_GET
def pane(request):
    return _render_pane(request, request.GET.get("saved"))


@login_required
@require_POST
def save(request):
    """Save the inbox's current filters and sort as a view of the user's; open it."""
    name, query = request.POST.get("name", ""), request.POST.get("query", "")
    try:
        view = service.save_view(actor=request.user, name=name, query=query, shared=request.POST.get("shared") == "on")
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        if request.headers.get("HX-Request"):
            context = {"params": query, "save_name": name, "save_error": exc.message}
            return render(request, "components/save_view.html", context, status=400)
        messages.error(request, exc.message)
        return redirect(inbox_url(read.normalize_query(query)))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return _go(request, inbox_url(view.query, view.pk))


@login_required
@require_POST
def rename(request):
    view = _view(request)
    return _change(
        request,
        view,
        lambda: service.rename_view(view, request.POST.get("name", ""), actor=request.user),
        lambda done: _("View renamed to “%(name)s”.") % {"name": done.name},
    )


@login_required
@require_POST
def share(request):
    view = _view(request)
    shared = request.POST.get("shared") == "on"
    return _change(
        request,
        view,
        lambda: service.share_view(view, shared, actor=request.user),
        lambda done: _("View shared with everybody.") if done.shared else _("View no longer shared."),
    )


@login_required
@require_POST
def delete(request):
    view = _view(request)
    query = view.query
    try:
        service.delete_view(view, actor=request.user)
    except DomainError as exc:
        return _refused(request, view, exc)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return _go(request, inbox_url(query))  # the same tickets, no longer under the view's name


def _view(request) -> SavedView:
    """The view the form names, if the user may see it: 404 for missing and private alike."""
    view = read.visible_view(request.user, request.POST.get("view"))
    if view is None:
        raise Http404
    return view


def _change(request, view: SavedView, action, ok):
    try:
        done = action()
    except DomainError as exc:
        return _refused(request, view, exc)
    text = ok(done)
    if request.headers.get("HX-Request"):
        response = _render_pane(request, done.pk)
        response["HX-Trigger"] = json.dumps({"toast": text})
        return response
    messages.success(request, text)
    return redirect(inbox_url(done.query, done.pk))


def _refused(request, view: SavedView, exc: DomainError):
    if exc.http_status in (403, 404):
        if exc.http_status == 404:
            raise Http404 from exc
        raise PermissionDenied(exc.message) from exc
    if request.headers.get("HX-Request"):
        return _render_pane(request, view.pk, error=exc.message, status=400)
    messages.error(request, exc.message)
    return redirect(inbox_url(view.query, view.pk))


def _render_pane(request, current, *, error: str = "", status: int = 200):
    listed = read.pane(request.user, current=current, sorts=request.session.get(SORT_MEMORY, {}))
    context = {"pane": listed, "pane_error": error}
    if listed.current is not None:
        context["can_edit"] = read.can_edit(request.user, listed.current.view)
        context["can_share"] = read.can_share(request.user, listed.current.view)
    return render(request, "components/saved_views.html", context, status=status)


def _go(request, url: str):
    """To the inbox at ``url``: a whole page, so the URL shows the view (HTMX follows HX-Redirect)."""
    if request.headers.get("HX-Request"):
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)
