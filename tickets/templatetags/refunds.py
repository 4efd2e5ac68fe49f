"""Template tags of refunds: each refund's state on the ticket page, and the top bar's count of
refunds waiting for approval."""

from __future__ import annotations

from django import template

from ..selectors import approvals
from ..selectors.refunds import refund_states as states_of

register = template.Library()


@register.simple_tag
def refund_states(ticket, user):
    """``{% refund_states ticket user as states %}``: the ticket's refunds said plainly, with the
    buttons the user may press."""
    return states_of(ticket, user)


@register.inclusion_tag("components/approvals_link.html", takes_context=True)
def approvals_link(context, oob: bool = False) -> dict:
    """The top bar's link to the queue with the pending count of the user's stores (one capped
    count; shown to those who approve)."""
    count = approvals.pending_count(context["user"])
    return {"count": count, "badge": approvals.badge(count), "oob": oob}
