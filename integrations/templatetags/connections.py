"""Template filters of the store connection pages: intervals in words people read."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def interval(seconds: int | None) -> str:
    """300 → "5 min", 5400 → "1 h 30 min", 45 → "45 s"."""
    if seconds in (None, ""):
        return "—"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes:
        parts.append(_("%(n)s min") % {"n": minutes})
    if secs or not parts:
        parts.append(_("%(n)s s") % {"n": secs})
    return " ".join(parts)
