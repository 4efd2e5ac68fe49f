"""Merge a ticket into another, split a message off, link an order or a buyer by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError, NotFound
from ..models import Customer, Message, Order, Ticket
from ..permissions import access_ticket, can
from ..selectors import ticket_links
from ..services import links, merge
from ..services.tickets import CHANGE
from ..validators import small_int
from .ticket import _flash, _ticket


def _refused(request, ticket, error: DomainError):
    """A refusal of the role is a 403 page; a missing or foreign record, or a rule, an error message."""
    if error.http_status == 403:
        raise PermissionDenied(error.message) from error
    messages.error(request, error.message)
    return redirect("ticket", number=ticket.number)


@login_required
@require_POST
def merge_ticket(request, number: int):
    """Merge this ticket into the one named by ``into`` (a number of a ticket the user can see)."""
    source = _ticket(request, number)
    into = small_int(request.POST.get("into", "").strip().lstrip("#"), digits=9)
    try:
        if into is None:
            raise DomainError(_("Give the number of the ticket to merge into."))
        try:
            target = access_ticket(request.user, into)
        except NotFound:
            raise DomainError(_("There is no ticket #%(number)s you can see.") % {"number": into}) from None
        merge.merge_tickets(source=source, target=target, actor=request.user)
    except DomainError as exc:
        return _refused(request, source, exc)
    messages.success(request, _("#%(source)s merged into this ticket.") % {"source": source.number})
    return redirect("ticket", number=target.number)


@login_required
@require_POST
def split_message(request, number: int):
    """Move one message of this ticket into a new ticket of the same buyer and order."""
    ticket = _ticket(request, number)
    pk = small_int(request.POST.get("message", ""), digits=18)
    message = Message.objects.filter(ticket=ticket, pk=pk).first() if pk is not None else None
    if message is None:
        raise Http404
    try:
        new = merge.split_message(message=message, actor=request.user)
    except DomainError as exc:
        return _refused(request, ticket, exc)
    _flash(request, ok=_("The message is now ticket #%(number)s.") % {"number": new.number}, error=None)
    return redirect("ticket", number=new.number)


@login_required
@require_GET
def link_search(request, number: int):
    """Orders (by number) and buyers (by e-mail or name) of the ticket's store (HTMX partial)."""
    ticket = _ticket(request, number)
    if not can(request.user, CHANGE):
        raise PermissionDenied
    text = request.GET.get("q", "")
    orders, customers = ticket_links.search(ticket, text)
    context = {"ticket": ticket, "orders": orders, "customers": customers, "searched": bool(text.strip())}
    return render(request, "components/link_results.html", context)


@login_required
@require_POST
def link(request, number: int):
    """Link the order or the buyer given by id; only records of the ticket's store are found."""
    ticket: Ticket = _ticket(request, number)
    order_pk = small_int(request.POST.get("order", ""), digits=18)
    customer_pk = small_int(request.POST.get("customer", ""), digits=18)
    try:
        if order_pk is not None:
            order = Order.objects.filter(store_id=ticket.store_id, pk=order_pk).first()
            if order is None:
                raise DomainError(_("No such order in %(store)s.") % {"store": ticket.store.name})
            links.link_order(ticket=ticket, order=order, actor=request.user)
            ok = _("Linked to order %(number)s.") % {"number": order.number}
        elif customer_pk is not None:
            customer = Customer.objects.filter(store_id=ticket.store_id, pk=customer_pk).first()
            if customer is None:
                raise DomainError(_("No such buyer in %(store)s.") % {"store": ticket.store.name})
            links.link_customer(ticket=ticket, customer=customer, actor=request.user)
            ok = _("Buyer set to %(buyer)s.") % {"buyer": customer}
        else:
            raise DomainError(_("Choose an order or a buyer to link."))
    except DomainError as exc:
        return _refused(request, ticket, exc)
    messages.success(request, ok)
    return redirect("ticket", number=ticket.number)
