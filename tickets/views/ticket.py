"""The ticket page and its in-place actions (status, assignee, internal note)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError, NotFound
from ..permissions import access_ticket, can
from ..selectors import ticket_page
from ..services import tickets as ticket_service


def _ticket(request, number: int):
    try:
        return access_ticket(request.user, number)
    except NotFound:
        raise Http404 from None


def _context(request, ticket, **extra):
    return {
        "ticket": ticket,
        "status_choices": [
            (value, label)
            for value, label in ticket._meta.get_field("status").choices
            if value in ticket_page.status_choices_for_agent(ticket)
        ],
        "can_work": can(request.user, ticket_service.CHANGE),
        "now": timezone.now(),
        **extra,
    }


@login_required
@require_GET
def ticket_detail(request, number: int):
    ticket = ticket_page.load(_ticket(request, number))
    context = _context(
        request,
        ticket,
        thread=ticket_page.thread(ticket),
        previous=ticket_page.previous_tickets(ticket, request.user),
    )
    return render(request, "tickets/ticket.html", context)


def _answer(request, ticket, *, ok: str, error: DomainError | None):
    """HTMX gets the header partial back (with an inline error); a plain form post is redirected."""
    if request.headers.get("HX-Request"):
        ticket.refresh_from_db()
        response = render(
            request,
            "components/ticket_header.html",
            _context(request, ticket, error=error.message if error else None),
            status=error.http_status if error else 200,
        )
        if error is None:
            response["HX-Trigger"] = json.dumps({"toast": ok})  # ASCII-escaped: headers are Latin-1
        return response
    if error:
        if error.http_status == 403:
            raise PermissionDenied(error.message)
        messages.error(request, error.message)
    else:
        messages.success(request, ok)
    return redirect("ticket", number=ticket.number)


@login_required
@require_POST
def change_status(request, number: int):
    ticket = _ticket(request, number)
    try:
        ticket_service.change_status(ticket, request.POST.get("status", ""), actor=request.user)
    except DomainError as exc:
        return _answer(request, ticket, ok="", error=exc)
    return _answer(
        request, ticket, ok=_("Status changed to %(status)s.") % {"status": ticket.get_status_display()}, error=None
    )


@login_required
@require_POST
def assign(request, number: int):
    ticket = _ticket(request, number)
    assignee = request.user if request.POST.get("assignee") == "me" else None
    try:
        ticket_service.assign(ticket, assignee, actor=request.user)
    except DomainError as exc:
        return _answer(request, ticket, ok="", error=exc)
    return _answer(request, ticket, ok=_("Assigned to you.") if assignee else _("Unassigned."), error=None)


@login_required
@require_POST
def add_note(request, number: int):
    ticket = _ticket(request, number)
    try:
        ticket_service.add_internal_note(ticket, request.POST.get("body", ""), actor=request.user)
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Note added."))
    return redirect("ticket", number=ticket.number)
