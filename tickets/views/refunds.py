"""Refunds from the ticket page: the request form (its suggestion recomputed by the server as lines
and quantities change), the request, and what may follow it: cancelling before execution, recording
a PayPal or store-credit payment made by hand, retrying one the platform refused."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import Refund
from ..permissions import can
from ..selectors import refunds as refund_selector
from ..services import refund_decisions
from ..services.refunds import request_refund
from ..states import MANUAL_REFUND_METHODS, RefundStatus
from ..validators import small_int
from .ticket import _ticket, ticket_page_response

ADD = "tickets.add_refund"
PARTS = {"figures": "components/refund_figures.html", "check": "components/refund_check.html"}


def _htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


@login_required
@require_GET
def new_refund(request, number: int):
    """The request form (HTMX partial). With ``part=figures`` or ``part=check`` and the form's
    fields, only the suggestion and amount (or the approval check of a typed amount), recomputed."""
    ticket = _ticket(request, number)
    if not can(request.user, ADD):
        raise PermissionDenied
    if ticket.order_id is None:
        return render(request, "components/refund_form.html", {"ticket": ticket, "form": None})
    part = request.GET.get("part", "")
    form = refund_selector.refund_form(ticket, request.user, request.GET if part else None)
    return render(request, PARTS.get(part, "components/refund_form.html"), {"ticket": ticket, "form": form})


def _key(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
def create_refund(request, number: int):
    """Ask for the refund. Refused: the form comes back with the service's words next to it and
    nothing is saved. Done: the ticket page again, the panel showing the refund's state. The
    form's key makes a double submit one refund."""
    ticket = _ticket(request, number)
    if not can(request.user, ADD):
        raise PermissionDenied
    data = request.POST
    try:
        refund = request_refund(
            ticket,
            actor=request.user,
            kind=data.get("kind", ""),
            method=data.get("method", ""),
            reason=data.get("reason", ""),
            amount=data.get("amount", ""),
            lines=refund_selector.chosen_lines(data),
            include_shipping=data.get("include_shipping") == "on",
            attribution_month=refund_selector.parse_month(data.get("attribution_month", "")),
            idempotency_key=_key(data.get("key", "")),
        )
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        if ticket.order_id is None:
            messages.error(request, exc.message)
            return redirect("ticket", number=ticket.number)
        form = refund_selector.refund_form(ticket, request.user, data, error=exc.message)
        status = exc.http_status if exc.http_status in (400, 409) else 400
        if _htmx(request):
            return render(request, "components/refund_form.html", {"ticket": ticket, "form": form}, status=status)
        return ticket_page_response(request, number, status=status, refund_form=form)
    messages.success(request, _said(refund))
    return _back(request, ticket)


def _said(refund: Refund) -> str:
    amount = refund.money.format()
    if refund.status == RefundStatus.PENDING_APPROVAL:
        return _("Refund of %(amount)s asked for: it waits for a supervisor's approval.") % {"amount": amount}
    if refund.status == RefundStatus.APPROVED and refund.method in MANUAL_REFUND_METHODS:
        return _(
            "Refund of %(amount)s approved within your limit: pay it, then record the payment's reference here."
        ) % {"amount": amount}
    if refund.status == RefundStatus.APPROVED:
        return _("Refund of %(amount)s approved within your limit: it is being sent to the platform.") % {
            "amount": amount
        }
    return _("Refund of %(amount)s: %(status)s.") % {"amount": amount, "status": refund.get_status_display()}


def _back(request, ticket):
    """To the ticket page, reloaded whole: its status, timeline and panels all changed."""
    if _htmx(request):
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return redirect("ticket", number=ticket.number)


def _refund(ticket, raw: str) -> Refund:
    pk = small_int(raw)
    found = Refund.objects.filter(pk=pk, ticket=ticket).first() if pk else None
    if found is None:
        raise Http404
    return found


def _act(request, number: int, action, ok: str):
    ticket = _ticket(request, number)
    refund = _refund(ticket, request.POST.get("refund", ""))
    try:
        action(refund)
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, ok % {"amount": refund.money.format()})
    return _back(request, ticket)


@login_required
@require_POST
def cancel_refund(request, number: int):
    note = request.POST.get("note", "")
    return _act(
        request,
        number,
        lambda refund: refund_decisions.cancel_refund(refund, actor=request.user, note=note),
        _("Refund of %(amount)s cancelled."),
    )


@login_required
@require_POST
def record_manual_refund(request, number: int):
    reference = request.POST.get("reference", "")
    return _act(
        request,
        number,
        lambda refund: refund_decisions.record_manual_refund(refund, actor=request.user, reference=reference),
        _("Refund of %(amount)s recorded as paid."),
    )


@login_required
@require_POST
def retry_refund(request, number: int):
    return _act(
        request,
        number,
        lambda refund: refund_decisions.retry_refund(refund, actor=request.user),
        _("Refund of %(amount)s sent to the platform again."),
    )
