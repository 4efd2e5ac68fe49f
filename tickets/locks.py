"""Every row lock of the domain, in one place, so their order stays the same everywhere
(an order's row before its refunds', lower pk first) and no two paths can deadlock.
Call these inside ``transaction.atomic()``."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: object) -> M:
    """The row, locked until the transaction ends (SELECT … FOR UPDATE)."""
    return model._default_manager.select_for_update().get(pk=pk)


def lock_if_free(model: type[M], pk: object, **conditions: object) -> M | None:
    """The row locked, or None when another transaction holds it or it no longer matches
    ``conditions`` (SELECT … FOR UPDATE SKIP LOCKED): for sweeps that must not stall on one row."""
    return model._default_manager.select_for_update(skip_locked=True).filter(pk=pk, **conditions).first()


def lock_ticket_thread(ticket_pk: object):
    """A ticket, locked after the first ticket of its follow-up chain.

    A message on a closed ticket opens (or joins) a follow-up; deciding which is done under the
    chain's first row, locked first (it has the lowest pk), so two messages delivered at once to
    different tickets of one chain cannot both open a follow-up.
    """
    from .models import Ticket

    root = ticket_pk
    while (
        parent := Ticket._default_manager.filter(pk=root).values_list("follow_up_of_id", flat=True).get()
    ) is not None:
        root = parent
    if root != ticket_pk:
        lock(Ticket, root)
    return lock(Ticket, ticket_pk)


def lock_refund_with_order(refund_pk: object):
    """A refund and its order, locked in the house order: the refund's ticket, the order, the refund.

    Every refund move takes the order's lock, so two refunds of one order are decided one after
    the other and what is left to refund is read while nobody else can commit more. The ticket
    comes first because a request locks it before the order (request_refund), and every move
    writes rows that name the ticket (its audit event, a notification, the ticket's own status),
    whose foreign-key checks wait on a ticket another transaction holds: taken in any other order,
    a request and a decision on one order deadlock (tests/test_refund_concurrency_pg.py).
    """
    from .models import Order, Refund, Ticket

    ticket_id, order_id = Refund._default_manager.filter(pk=refund_pk).values_list("ticket_id", "order_id").get()
    lock(Ticket, ticket_id)
    order = lock(Order, order_id)
    return order, lock(Refund, refund_pk)


def lock_sequence(name: str):
    from .models import Sequence

    Sequence.objects.get_or_create(name=name, defaults={"value": 0})
    return lock(Sequence, name)


def lock_key(key: str) -> None:
    """A named lock held until the transaction ends, for rows that do not exist yet (two workers
    ingesting the same platform record at once). PostgreSQL: a transaction-level advisory lock;
    SQLite already runs one writer at a time."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
