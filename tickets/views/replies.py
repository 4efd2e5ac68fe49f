"""Replying from the ticket page: the reply box, its macro picker and a failed reply's retry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import Direction, Macro, Message
from ..models.messages import SendStatus
from ..permissions import can
from ..services import macros as macro_service
from ..services import presence as presence_service
from ..services import replies as reply_service
from ..services.tickets import CHANGE
from ..validators import small_int
from .ticket import THEN_STATUSES, _ticket, ticket_page_response


def _usable_macros(request, ticket):
    """The enabled macros of this ticket's store and of every store (only for those who may reply)."""
    if not can(request.user, CHANGE):
        raise PermissionDenied
    return Macro.objects.visible_to(request.user).filter(
        Q(store_id=ticket.store_id) | Q(store__isnull=True), enabled=True
    )


def _macro(request, ticket, macro_id: int | None) -> Macro:
    macro = _usable_macros(request, ticket).filter(pk=macro_id).first() if macro_id else None
    if macro is None:
        raise Http404
    return macro


@login_required
@require_POST
def reply(request, number: int):
    """Send the reply; on a refusal the page comes back with the text kept and the reason shown."""
    ticket = _ticket(request, number)
    text = request.POST.get("body", "")
    macro_id = small_int(request.POST.get("macro", ""))
    macro = _usable_macros(request, ticket).filter(pk=macro_id).first() if macro_id else None
    then = request.POST.get("then_status", "")
    if request.POST.get("confirm_second") != "1" and can(request.user, CHANGE):
        # A colleague answered since this page was loaded, or is typing: ask before a second reply.
        seen = small_int(request.POST.get("seen_message", ""))
        warning = presence_service.reply_warning(ticket, request.user, seen_message_id=seen)
        if warning:
            return ticket_page_response(request, number, reply_text=text, reply_warning=warning, status=409)
    try:
        message = reply_service.send_reply(ticket, text, actor=request.user, then_status=then, macro=macro)
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        return ticket_page_response(request, number, reply_text=text, reply_error=exc.message, status=422)
    presence_service.seen(ticket, request.user, replied=True)
    if message.send_status == SendStatus.QUEUED:
        messages.success(request, _("Reply queued: it goes out in a moment."))
    else:
        messages.success(request, _("Reply posted: the buyer reads it on the self-service page."))
    return redirect("ticket", number=ticket.number)


@login_required
@require_GET
def macro_picker(request, number: int):
    """The macros that fit the ticket, filtered by what the agent types (HTMX partial)."""
    ticket = _ticket(request, number)
    if not can(request.user, CHANGE):
        raise PermissionDenied
    found = macro_service.macros_for(ticket, request.user, search=request.GET.get("q", ""))
    return render(request, "components/macro_list.html", {"ticket": ticket, "macros": found})


@login_required
@require_GET
def macro_preview(request, number: int):
    """The reply box filled with macro ``?macro=<id>`` in the buyer's language, its gaps named (HTMX partial)."""
    ticket = _ticket(request, number)
    macro = _macro(request, ticket, small_int(request.GET.get("macro", "")))
    try:
        rendered = macro_service.render_macro(macro, ticket, agent=request.user)
    except DomainError as exc:
        return render(
            request,
            "components/reply_box.html",
            {"ticket": ticket, "reply_error": exc.message, "then_statuses": THEN_STATUSES},
            status=400,  # HTMX swaps 400 answers in: the reason shows in the box
        )
    return render(
        request,
        "components/reply_box.html",
        {
            "ticket": ticket,
            "reply_text": rendered.text,
            "macro": macro,
            "rendered": rendered,
            "then_statuses": THEN_STATUSES,
        },
    )


@login_required
@require_POST
def retry_reply(request, number: int):
    """Queue the failed reply ``message`` (POST) of this ticket again."""
    ticket = _ticket(request, number)
    message_id = small_int(request.POST.get("message", ""))
    message = (
        Message.objects.filter(pk=message_id, ticket=ticket, direction=Direction.OUTBOUND).first()
        if message_id
        else None
    )
    if message is None:
        raise Http404
    try:
        reply_service.retry_reply(message, actor=request.user)
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reply queued again."))
    return redirect("ticket", number=ticket.number)
