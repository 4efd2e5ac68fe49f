"""50 threads request and approve refunds on one order at once, on PostgreSQL: agents within their
limit approving their own, agents above it waiting for supervisor threads that approve as the
requests arrive. The committed total (approved + executing + succeeded) never exceeds what was
paid, at any moment a watcher samples it and at the end; every refusal is the one money rule
(RefundExceedsRefundable), never a deadlock or another error. And one Idempotency-Key sent by
many threads at once makes one refund."""

from __future__ import annotations

import queue
import random
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from tests import factories
from tickets.errors import IdempotencyKeyReused, RefundExceedsRefundable
from tickets.models import OutboxAction, Refund, RefundKind, RefundMethod
from tickets.services.outbox import refund_action_key
from tickets.services.refund_decisions import approve_refund
from tickets.services.refunds import refundable_left, request_refund
from tickets.states import REFUND_COMMITTED, RefundStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

F = RefundStatus
PAID = Decimal("500.00")
REQUESTERS = 36  # 18 approve their own, 18 wait for a supervisor
SUPERVISORS = 14  # 50 threads in all
DONE = object()


def test_fifty_threads_requesting_and_approving_never_commit_more_than_was_paid(shopify_store):
    rng = random.Random(13)
    order = factories.OrderFactory(store=shopify_store, total_amount=PAID, paid_amount=PAID)
    tickets = [
        factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
        for _ in range(3)
    ]
    self_approvers = [
        factories.user_with_role(f"own{i}", factories.AGENT, stores=[shopify_store], approval_limit="100")
        for i in range(REQUESTERS // 2)
    ]
    waiting = [
        factories.user_with_role(f"wait{i}", factories.AGENT, stores=[shopify_store], approval_limit="1")
        for i in range(REQUESTERS // 2)
    ]
    supervisors = [
        factories.user_with_role(f"sup{i}", factories.SUPERVISOR, stores=[shopify_store]) for i in range(SUPERVISORS)
    ]
    # A cent at a time: 5.00-20.00 approved alone (at most 360.00 in all, so the first supervisor
    # approval always fits), 5.00-60.00 waiting; about 800.00 asked for 500.00 paid, so some of
    # the requests and approvals must be refused.
    jobs = [(user, tickets[i % 3], Decimal(rng.randint(500, 2000)) / 100) for i, user in enumerate(self_approvers)]
    jobs += [(user, tickets[i % 3], Decimal(rng.randint(500, 6000)) / 100) for i, user in enumerate(waiting)]
    rng.shuffle(jobs)
    assert sum(amount for *_, amount in jobs) > PAID + 200

    pending: queue.Queue = queue.Queue()
    start = threading.Barrier(len(jobs) + len(supervisors))
    outcomes: list[tuple[str, str]] = []  # (what, "done" | "refused" | the unexpected error)
    guard = threading.Lock()
    running = threading.Event()
    running.set()
    highest = {"committed": Decimal(0)}

    def note(what: str, result: str) -> None:
        with guard:
            outcomes.append((what, result))

    def request(user, ticket, amount: Decimal) -> None:
        try:
            start.wait()
            refund = request_refund(
                ticket,
                actor=user,
                kind=RefundKind.PARTIAL,
                method=RefundMethod.ORIGINAL_PAYMENT,
                reason="Concurrent request",
                amount=f"{amount:.2f}",
            )
            if refund.status == F.PENDING_APPROVAL:
                pending.put(refund)
            note("request", "done")
        except RefundExceedsRefundable:
            note("request", "refused")
        except BaseException as error:  # noqa: BLE001 - any other error fails the test below
            note("request", repr(error))
        finally:
            connection.close()

    def supervise(supervisor) -> None:
        try:
            start.wait()
            while (refund := pending.get()) is not DONE:
                try:
                    approve_refund(refund, actor=supervisor, note="ok")
                    note("approve", "done")
                except RefundExceedsRefundable:
                    note("approve", "refused")
                except BaseException as error:  # noqa: BLE001
                    note("approve", repr(error))
        finally:
            connection.close()

    def watch() -> None:
        # Its own connection: what other sessions have committed, sampled while they run.
        try:
            while running.is_set():
                total = Refund.objects.filter(order=order, status__in=REFUND_COMMITTED).aggregate(t=Sum("amount"))["t"]
                highest["committed"] = max(highest["committed"], total or Decimal(0))
                time.sleep(0.005)
        finally:
            connection.close()

    requesters = [threading.Thread(target=request, args=job) for job in jobs]
    approvers = [threading.Thread(target=supervise, args=(s,)) for s in supervisors]
    watcher = threading.Thread(target=watch)
    watcher.start()
    for thread in requesters + approvers:
        thread.start()
    for thread in requesters:
        thread.join(timeout=120)
    for _ in approvers:
        pending.put(DONE)
    for thread in approvers:
        thread.join(timeout=120)
    running.clear()
    watcher.join(timeout=30)

    assert not any(t.is_alive() for t in [*requesters, *approvers, watcher]), "a thread hung (a lock never freed?)"
    unexpected = [o for o in outcomes if o[1] not in ("done", "refused")]
    assert unexpected == [], unexpected
    assert sum(1 for what, _ in outcomes if what == "request") == len(jobs)
    assert any(result == "refused" for _, result in outcomes)  # the order ran out: the rule was exercised
    assert ("approve", "done") in outcomes

    rows = list(Refund.objects.filter(order=order))
    committed = [r for r in rows if r.status in REFUND_COMMITTED]
    total = sum((r.amount for r in committed), Decimal(0))
    aggregate = Refund.objects.filter(order=order, status__in=REFUND_COMMITTED).aggregate(t=Sum("amount"))["t"]
    assert total == aggregate  # the rows add up to what the database sums
    assert total <= PAID
    assert highest["committed"] <= PAID  # and no committed moment in between went over
    assert refundable_left(order).amount == PAID - total
    # Nothing is left half-decided: every refund is approved, or still waits (refused on approval).
    assert {r.status for r in rows} <= {F.APPROVED, F.PENDING_APPROVAL}
    approvals_refused = sum(1 for o in outcomes if o == ("approve", "refused"))
    assert sum(1 for r in rows if r.status == F.PENDING_APPROVAL) == approvals_refused
    # Each approved refund is queued for the platform once, under its own key.
    assert OutboxAction.objects.count() == len(committed)
    for refund in committed:
        assert OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).count() == 1
    self_approved = [r for r in committed if r.self_approved]
    assert all(r.approved_by_id == r.requested_by_id and r.amount <= 100 for r in self_approved)
    assert all(r.approved_by_id != r.requested_by_id for r in committed if not r.self_approved)


def test_one_idempotency_key_sent_by_many_threads_at_once_makes_one_refund(shopify_store):
    order = factories.OrderFactory(store=shopify_store, total_amount=PAID, paid_amount=PAID)
    ticket, other = (
        factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
        for _ in range(2)
    )
    agent = factories.user_with_role("retrying", factories.AGENT, stores=[shopify_store], approval_limit="100")
    key = uuid.uuid4()
    targets = [ticket] * 8 + [other] * 4  # a client retrying, and a client reusing the key by mistake
    start = threading.Barrier(len(targets))
    results: list = []
    guard = threading.Lock()

    def ask(target) -> None:
        try:
            start.wait()
            refund = request_refund(
                target,
                actor=agent,
                kind=RefundKind.PARTIAL,
                method=RefundMethod.ORIGINAL_PAYMENT,
                reason="Retried request",
                amount="10.00",
                idempotency_key=key,
            )
            result = (target.pk, refund.pk)
        except IdempotencyKeyReused:
            result = (target.pk, "reused")
        except BaseException as error:  # noqa: BLE001 - fails the test below
            result = (target.pk, repr(error))
        finally:
            connection.close()
        with guard:
            results.append(result)

    threads = [threading.Thread(target=ask, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    [refund] = Refund.objects.filter(order=order)
    assert refund.idempotency_key == key and refund.status == F.APPROVED
    winner = refund.ticket_id
    loser = other.pk if winner == ticket.pk else ticket.pk
    assert sorted(set(results)) == sorted({(winner, refund.pk), (loser, "reused")}), results
    assert OutboxAction.objects.count() == 1
