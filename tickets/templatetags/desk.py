"""Template filters of the desk: money in the user's locale, SLA clocks, platform badges."""

from __future__ import annotations

from django import template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..money import Money
from ..sanitize import clean_html
from ..selectors.sla import SlaClock, sla_clock
from ..states import TICKET_UNSOLVED

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """``{{ order.paid|money }}`` or ``{{ line.unit_price|money:order.currency }}``.

    A bare value is a stored column, so it is read the way stored values are: rounded
    half-even to the currency and logged, never a 500 for a row with extra decimals."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Money):
        value = Money.stored(value, currency)
    return value.format(translation.get_language())


@register.simple_tag
def sla(ticket, now=None):
    """The nearest running SLA clock of an unsolved ticket: "paused" while waiting on the buyer,
    None when solved or without a target."""
    if ticket.status not in TICKET_UNSOLVED:
        return None
    if ticket.sla_due_at is None:
        return SlaClock("paused", gettext("paused")) if ticket.sla_paused_at else None
    return sla_clock(ticket.sla_due_at, ticket.created_at, now or timezone.now())


@register.filter(name="clean_html")
def clean_html_filter(html: str) -> str:
    """Message HTML, sanitized again as it is shown: stored rows are not trusted blindly."""
    return mark_safe(clean_html(html or ""))  # noqa: S308  (nh3 output, allow-listed tags only)


PLATFORM_LETTERS = {"shopify": "S", "amazon": "a", "ebay": "e", "email": "@"}


@register.inclusion_tag("components/platform_badge.html")
def platform_badge(store):
    return {"store": store, "letter": PLATFORM_LETTERS.get(store.platform, "?")}


@register.filter
def ago(moment, now=None) -> str:
    """How long ago, short and in one style everywhere: "just now", "12 min", "5 h", "3 d"."""
    if not moment:
        return ""
    seconds = ((now or timezone.now()) - moment).total_seconds()
    if seconds < 60:
        return gettext("just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return gettext("%(m)s min ago") % {"m": minutes}
    hours = minutes // 60
    if hours < 24:
        return gettext("%(h)s h ago") % {"h": hours}
    return gettext("%(d)s d ago") % {"d": hours // 24}
