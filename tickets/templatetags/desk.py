"""Template filters of the desk: money in the user's locale, SLA clocks, platform badges."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import timezone, translation

from ..money import Money
from ..selectors.sla import sla_clock

register = template.Library()


@register.filter
def money(value, currency: str | None = None) -> str:
    """``{{ order.paid|money }}`` or ``{{ line.unit_price|money:order.currency }}``."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Money):
        value = Money(Decimal(value), currency)
    return value.format(translation.get_language())


@register.simple_tag
def sla(ticket, now=None):
    """The resolution clock of an unsolved ticket (None when solved or without a target)."""
    if ticket.status in ("resolved", "closed"):
        return None
    return sla_clock(ticket.resolution_due_at, ticket.created_at, now or timezone.now())


PLATFORM_LETTERS = {"shopify": "S", "amazon": "a", "ebay": "e", "email": "@"}


@register.inclusion_tag("components/platform_badge.html")
def platform_badge(store):
    return {"store": store, "letter": PLATFORM_LETTERS.get(store.platform, "?")}
