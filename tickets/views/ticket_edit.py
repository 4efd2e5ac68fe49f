"""In-place edits of the ticket header: priority, type and reason, tags (HTMX swaps the header
and appends the change's timeline line to the thread; a plain post is redirected)."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..services import ticket_fields
from .ticket import _act


@login_required
@require_POST
def set_priority(request, number: int):
    return _act(
        request,
        number,
        lambda ticket: ticket_fields.set_priority(ticket, request.POST.get("priority", ""), actor=request.user),
        lambda ticket: _("Priority set to %(priority)s.") % {"priority": ticket.get_priority_display()},
    )


@login_required
@require_POST
def set_type(request, number: int):
    return _act(
        request,
        number,
        lambda ticket: ticket_fields.set_type(
            ticket, request.POST.get("type", ""), request.POST.get("reason", ""), actor=request.user
        ),
        lambda ticket: _("Type set to %(type)s.") % {"type": ticket.get_type_display()},
    )


def _names(text: str) -> list[str]:
    return [part for part in (p.strip() for p in text.replace("，", ",").split(",")) if part][:20]


@login_required
@require_POST
def add_tags(request, number: int):
    names = _names(request.POST.get("tags", ""))
    return _act(
        request,
        number,
        lambda ticket: ticket_fields.add_tags(ticket, names or [""], actor=request.user),
        lambda ticket: _("Tags added."),
    )


@login_required
@require_POST
def remove_tag(request, number: int):
    name = request.POST.get("tag", "")[:50]
    return _act(
        request,
        number,
        lambda ticket: ticket_fields.remove_tags(ticket, [name], actor=request.user),
        lambda ticket: _("Tag removed."),
    )
