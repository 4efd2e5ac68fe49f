"""Presence on the ticket page: the heartbeat its marker polls, and the typing ping of the reply box."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ..permissions import can
from ..services import presence as presence_service
from ..services.tickets import CHANGE
from .ticket import _ticket


@login_required
@require_http_methods(["GET", "POST"])
def presence(request, number: int):
    """GET: "I am viewing"; POST ``typing=1``: "I am typing a reply". Answers who else is here."""
    ticket = _ticket(request, number)
    typing = request.method == "POST" and request.POST.get("typing") == "1" and can(request.user, CHANGE)
    presence_service.seen(ticket, request.user, typing=typing)
    return render(
        request,
        "components/presence_marker.html",
        {"others": presence_service.others(ticket, request.user), "every": settings.PRESENCE_POLL_SECONDS},
    )
