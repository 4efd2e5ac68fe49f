"""The return-risk flag on a buyer: returns ÷ orders over the store's period above its threshold.

Kept on ``Customer`` (return_risk, since when, and the counts it rests on) so the refund approval
policy, the triage rules and the approvals queue read one answer. ``refresh`` recounts one buyer
(when they ask for a refund or open a return); ``sweep`` recounts those with recent activity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ..models import Customer, Order, ReturnAuthorization
from ..states import RmaStatus

NOT_RETURNS = (RmaStatus.REJECTED, RmaStatus.CANCELLED)


def counts(customer: Customer, *, now=None) -> tuple[int, int]:
    """(returns, orders) of the buyer in the store's period."""
    now = now or timezone.now()
    since = now - timedelta(days=customer.store.return_risk_period_days)
    orders = Order.objects.filter(customer_id=customer.pk, placed_at__gte=since).count()
    returns = (
        ReturnAuthorization.objects.filter(ticket__customer_id=customer.pk, created_at__gte=since)
        .exclude(status__in=NOT_RETURNS)
        .count()
    )
    return returns, orders


def is_risky(returns: int, orders: int, store) -> bool:
    if returns < store.return_risk_min_returns:
        return False
    # Returns of orders placed before the period still count; a buyer with no order in it is a risk.
    return orders == 0 or Decimal(returns) / Decimal(orders) > store.return_risk_rate


def refresh(customer: Customer, *, now=None) -> Customer:
    """Recount the buyer and store the flag; returns the customer as stored."""
    now = now or timezone.now()
    returns, orders = counts(customer, now=now)
    risky = is_risky(returns, orders, customer.store)
    since = (customer.return_risk_since or now) if risky else None
    Customer.objects.filter(pk=customer.pk).update(
        return_risk=risky, return_risk_since=since, period_returns=returns, period_orders=orders
    )
    customer.return_risk, customer.return_risk_since = risky, since
    customer.period_returns, customer.period_orders = returns, orders
    return customer


def sweep(*, days: int = 2, now=None) -> int:
    """Recount buyers with an order or a return in the last ``days`` and those flagged (a flag
    fades as old returns leave the period). Returns how many were recounted."""
    now = now or timezone.now()
    recent = now - timedelta(days=days)
    ids = Customer.objects.filter(
        Q(return_risk=True) | Q(orders__placed_at__gte=recent) | Q(tickets__rmas__created_at__gte=recent)
    ).values_list("pk", flat=True)
    done = 0
    for customer in Customer.objects.select_related("store").filter(pk__in=ids.distinct()).iterator(chunk_size=500):
        refresh(customer, now=now)
        done += 1
    return done
