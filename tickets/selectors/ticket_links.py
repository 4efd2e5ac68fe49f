"""Finding an order or a buyer of a ticket's store to link by hand (number, e-mail, name)."""

from __future__ import annotations

from django.db.models import Q

from ..models import Customer, Order, Ticket

LIMIT = 10


def search(ticket: Ticket, text: str) -> tuple[list[Order], list[Customer]]:
    """The ticket's store's orders whose number is ``text`` (with or without "#"), and its buyers
    whose e-mail is ``text`` or starts with it, or whose name contains it; two indexed queries."""
    text = text.replace("\x00", "").strip()[:200]
    if not text:
        return [], []
    bare = text.lstrip("#")
    orders = list(
        Order.objects.filter(store_id=ticket.store_id)
        .filter(Q(number__iexact=text) | Q(number__iexact=bare) | Q(number__iexact=f"#{bare}"))
        .select_related("customer")
        .order_by("-placed_at", "-pk")[:LIMIT]
    )
    found = Q(email__iexact=text) | Q(email__istartswith=text)
    if "@" not in text:
        found |= Q(name__icontains=text)
    customers = list(Customer.objects.filter(store_id=ticket.store_id).filter(found).order_by("name", "pk")[:LIMIT])
    return orders, customers
