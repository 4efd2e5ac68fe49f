"""Template helpers of team life: presence on the ticket page, the notifications' lines."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def last_message_id(thread) -> int:
    """The newest message on the page: a reply sent from it is checked against later ones."""
    return max((item.message.pk for item in thread or () if item.message is not None), default=0)


@register.simple_tag
def presence_timing() -> dict:
    """How often the ticket page's marker polls and its typing ping may fire (settings)."""
    return {"every": settings.PRESENCE_POLL_SECONDS, "typing": settings.PRESENCE_TYPING_SECONDS}


@register.filter
def notification_detail(row) -> str:
    """The line under a notification: an SLA's due time in the user's zone, else the stored text."""
    if row.kind in ("sla_at_risk", "sla_breached") and row.detail:
        moment = parse_datetime(row.detail)
        if moment is not None and timezone.is_aware(moment):
            return gettext("due %(time)s") % {
                "time": formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
            }
    return row.detail
