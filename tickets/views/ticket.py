"""The ticket page and its in-place actions (status, assignee, internal note)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError, NotFound
from ..models import EvidenceKind
from ..models.tickets import Priority, TicketReason, TicketType
from ..permissions import access_ticket, can
from ..selectors import evidence as evidence_selector
from ..selectors import inbox, navigation, ticket_page
from ..services import tickets as ticket_service
from ..services.replies import needs_resolve_confirmation
from ..states import TicketStatus

# "Send and set status" offers these moves; the state machine still decides.
THEN_STATUSES = (TicketStatus.WAITING_CUSTOMER, TicketStatus.RESOLVED)


def _ticket(request, number: int, *, find=access_ticket):
    try:
        return find(request.user, number)
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
        "priority_choices": Priority.choices,
        "type_choices": TicketType.choices,
        "reason_choices": TicketReason.choices,
        "now": timezone.now(),
        "follow_ups": ticket.follow_ups.only("pk", "number").order_by("pk"),  # the page passes its own list
        **extra,
    }


@login_required
@require_GET
def ticket_detail(request, number: int):
    return ticket_page_response(request, number)


def ticket_page_response(request, number: int, *, status: int = 200, **extra):
    """The ticket page; a refused reply comes back here with its text (``extra``) and ``status``."""
    ticket = _ticket(request, number, find=ticket_page.load)
    thread = ticket_page.thread(ticket)
    nav = None
    if request.GET.get("view"):  # came from a list: its next and previous ticket too (j / k)
        from .inbox import _listing  # noqa: PLC0415 - the inbox's own reading of its query

        view, _filter, listed, _query = _listing(request)
        sort = inbox.sort_for(view.key, request.GET.get("sort"))
        around = navigation.around(listed, sort, ticket, at=request.GET.get("at", ""))
        previous, follow_ups, back, ahead = ticket_page.related_tickets(ticket, request.user, around=around)
        query = navigation.list_query(request.GET, view=view.key, sort=sort.name)
        nav = navigation.neighbours(sort, back, ahead, query=query)
    else:
        previous, follow_ups = ticket_page.related_tickets(ticket, request.user)
    context = _context(
        request,
        ticket,
        thread=thread,
        nav=nav,
        history=ticket_page.BuyerHistory.of(ticket),
        tracking_link=ticket_page.tracking_link(ticket.order),
        previous=previous,
        follow_ups=follow_ups,
        sender_address=sender_address_of(ticket, [item.message for item in thread if item.message]),
        then_statuses=THEN_STATUSES,
        evidence=evidence_selector.panel(ticket),
        evidence_kinds=EvidenceKind.choices,
        replacements=ticket_page.replacement_orders(ticket),
        **extra,
    )
    return render(request, "tickets/ticket.html", context, status=status)


def _answer(request, ticket, *, ok: str, error: DomainError | None, since: int | None = None):
    """HTMX gets the header partial back (with an inline error) and the thread's new timeline
    lines (those after audit event ``since``) appended in place; a plain form post is redirected."""
    if request.headers.get("HX-Request"):
        ticket.refresh_from_db()
        context = _context(request, ticket, error=error.message if error else None)
        response = render(request, "components/ticket_header.html", context, status=error.http_status if error else 200)
        if error is None and since is not None:
            lines = ticket_page.timeline_since(ticket, since)
            if lines:
                response.content += render_to_string(
                    "components/timeline_lines.html", {"lines": lines, "oob": True}, request=request
                ).encode()
        if error is None:
            response["HX-Trigger"] = json.dumps({"toast": ok})  # ASCII-escaped: headers are Latin-1
        return response
    _flash(request, ok=ok, error=error)
    return redirect("ticket", number=ticket.number)


def _flash(request, *, ok: str, error: DomainError | None) -> None:
    """A refusal of the role is a 403 page; any other error or a success is a message."""
    if error is None:
        messages.success(request, ok)
        return
    if error.http_status == 403:
        raise PermissionDenied(error.message) from error
    messages.error(request, error.message)


def _act(request, number: int, action, ok) -> object:
    """Run one service call on the ticket and answer with the outcome."""
    ticket = _ticket(request, number)
    since = ticket_page.last_event_id(ticket) if request.headers.get("HX-Request") else None
    try:
        action(ticket)
    except DomainError as exc:
        return _answer(request, ticket, ok="", error=exc)
    return _answer(request, ticket, ok=ok(ticket), error=None, since=since)


@login_required
@require_POST
def change_status(request, number: int):
    status = request.POST.get("status", "")
    if status == TicketStatus.RESOLVED and request.POST.get("confirm") != "1":
        ticket = _ticket(request, number)
        if can(request.user, ticket_service.CHANGE) and needs_resolve_confirmation(ticket):
            return _ask_to_confirm_resolve(request, ticket)
    return _act(
        request,
        number,
        lambda ticket: ticket_service.change_status(ticket, request.POST.get("status", ""), actor=request.user),
        lambda ticket: _("Status changed to %(status)s.") % {"status": ticket.get_status_display()},
    )


def _ask_to_confirm_resolve(request, ticket):
    """The buyer wrote last: resolving now leaves them unanswered, so the agent confirms first."""
    question = _("The buyer's last message has no answer yet. Resolve anyway?")
    if request.headers.get("HX-Request"):
        context = _context(request, ticket, error=question, confirm_resolve=True)
        return render(request, "components/ticket_header.html", context, status=409)
    return ticket_page_response(request, ticket.number, status=409, error=question, confirm_resolve=True)


@login_required
@require_POST
def assign(request, number: int):
    assignee = request.user if request.POST.get("assignee") == "me" else None
    return _act(
        request,
        number,
        lambda ticket: ticket_service.assign(ticket, assignee, actor=request.user),
        lambda ticket: _("Assigned to you.") if assignee else _("Unassigned."),
    )


def sender_address_of(ticket, messages=None) -> str:
    """The address the buyer writes from: the newest inbound message's sender, else the buyer's
    email. ``messages``: the thread's messages when the page has them already (oldest first)."""
    if messages is not None:
        inbound = [m for m in messages if m.direction == "inbound" and m.sender_address]
        latest = max(inbound, key=lambda m: (m.created_at, m.pk), default=None)
    else:
        latest = (
            ticket.messages.filter(direction="inbound")
            .exclude(sender_address="")
            .order_by("-created_at", "-pk")
            .first()
        )
    if latest is not None:
        return latest.sender_address.strip().lower()
    return ((ticket.customer.email if ticket.customer_id else "") or "").strip().lower()


@login_required
@require_POST
def block_sender(request, number: int):
    """Mail from this ticket's sender to its store stops opening tickets (spam, a looping robot)."""
    ticket = _ticket(request, number)
    from ..services.senders import block_sender as block  # noqa: PLC0415 - TODO: top-level once it lands

    address = sender_address_of(ticket)
    if not address:
        messages.error(request, _("This ticket has no sender address to block."))
        return redirect("ticket", number=ticket.number)
    try:
        block(store=ticket.store, address=address, actor=request.user)
    except DomainError as exc:
        _flash(request, ok="", error=exc)
    else:
        _flash(request, ok=_("Mail from %(address)s will no longer open tickets.") % {"address": address}, error=None)
    return redirect("ticket", number=ticket.number)


@login_required
@require_POST
def add_note(request, number: int):
    """The note joins the thread, so the page is reloaded rather than a partial swapped."""
    ticket = _ticket(request, number)
    try:
        ticket_service.add_internal_note(ticket, request.POST.get("body", ""), actor=request.user)
    except DomainError as exc:
        _flash(request, ok="", error=exc)
    else:
        _flash(request, ok=_("Note added."), error=None)
    return redirect("ticket", number=ticket.number)
