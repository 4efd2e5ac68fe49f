# ruff: noqa: B023, SIM105, E402
"""Reviewer r1's probes of the refund service layer (issue 13). Each test states the expected
behaviour; a failing test here is a finding (see the report)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from tests import factories
from tests.refund_setup import ask
from tickets.errors import DomainError
from tickets.models import AuditEvent, ExchangeRate, OutboxAction, Refund, RefundKind, RefundLine, RefundMethod
from tickets.services import refund_decisions
from tickets.services.refunds import transition_refund
from tickets.states import ActorKind, RefundStatus, TicketStatus

F = RefundStatus
IS_PG = connection.vendor == "postgresql"
SYSTEM = {"actor": None, "actor_kind": ActorKind.SYSTEM}
pytestmark = pytest.mark.django_db


def line(order, sku):
    return order.lines.get(sku=sku)


def held_quantity(order_line) -> int:
    holding = [F.REQUESTED, F.PENDING_APPROVAL, F.APPROVED, F.EXECUTING, F.SUCCEEDED]
    return (
        RefundLine.objects.filter(order_line=order_line, refund__status__in=holding).aggregate(q=Sum("quantity"))["q"]
        or 0
    )


# --- 1. a retried refund takes its lines back without checking them --------------------------------
def test_retry_of_a_failed_refund_does_not_overcommit_line_quantities(ticket, order, supervisor):
    cap = line(order, "CAP")  # quantity 1
    first = ask(ticket, supervisor, None, lines=[(cap.pk, 1)])  # 20.00, within the 1000 limit
    assert first.status == F.APPROVED
    transition_refund(first, F.EXECUTING, **SYSTEM)
    transition_refund(first, F.FAILED, failure_reason="card expired", **SYSTEM)
    # FAILED gives the CAP back: a second refund of it is allowed.
    second = ask(ticket, supervisor, None, lines=[(cap.pk, 1)])
    assert second.status == F.APPROVED
    # The supervisor retries the first one: 40.00 committed of 110.00, the amount check passes...
    try:
        refund_decisions.retry_refund(first, actor=supervisor)
    except DomainError:
        pass
    # ...but the one CAP ordered is now refunded twice.
    assert held_quantity(cap) <= cap.quantity, f"CAP held {held_quantity(cap)} times, ordered {cap.quantity}"


def test_the_outbox_retrying_a_failed_refund_does_not_overcommit_line_quantities(ticket, order, supervisor):
    cap = line(order, "CAP")
    first = ask(ticket, supervisor, None, lines=[(cap.pk, 1)])
    transition_refund(first, F.EXECUTING, **SYSTEM)
    transition_refund(first, F.FAILED, failure_reason="timeout", **SYSTEM)
    ask(ticket, supervisor, None, lines=[(cap.pk, 1)])
    try:
        transition_refund(first, F.EXECUTING, **SYSTEM)  # what integrations.outbox._refund_to_executing does
    except DomainError:
        pass
    assert held_quantity(cap) <= cap.quantity


# --- 2. the converted limit is rounded half-even, not down ----------------------------------------
def test_a_converted_limit_never_lets_a_refund_worth_more_than_the_limit_through(shopify_store):
    # Store in USD, agent limit 100.00 USD; the order was paid in EUR; 1 EUR = 1.1 USD.
    order = factories.OrderFactory(
        store=shopify_store, currency="EUR", total_amount=Decimal("500"), paid_amount=Decimal("500")
    )
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    agent = factories.user_with_role("conv", factories.AGENT, stores=[shopify_store], approval_limit="100")
    ExchangeRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.1"), valid_on=timezone.localdate())
    # 100 USD = 90.909090... EUR; 90.91 EUR = 100.001 USD, above the limit.
    refund = ask(ticket, agent, "90.91")
    assert refund.status == F.PENDING_APPROVAL, (refund.status, refund.approval_limit)


def test_without_return_above_the_store_amount_is_not_rounded_below_it(shopify_store):
    shopify_store.refund_without_return_limit = Decimal("100.00")
    shopify_store.save()
    order = factories.OrderFactory(
        store=shopify_store, currency="EUR", total_amount=Decimal("500"), paid_amount=Decimal("500")
    )
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    rich = factories.user_with_role("rich", factories.AGENT, stores=[shopify_store], approval_limit="100000")
    # 1 EUR = 1.0001 USD: 99.9951 EUR... use 100.00 EUR at 1.00004 = 100.004 USD, rounds to 100.00.
    ExchangeRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.00004"), valid_on=timezone.localdate())
    refund = ask(ticket, rich, "100.00", kind=RefundKind.WITHOUT_RETURN)
    assert "without_return" in refund.approval_reasons, refund.approval_reasons


# --- 3. bad input is a DomainError, never a 500 ------------------------------------------------------
@pytest.mark.parametrize(
    "key",
    [
        "not-a-uuid",
        "",
        12345,
    ],
)
def test_a_malformed_idempotency_key_is_refused_cleanly(ticket, supervisor, key):
    try:
        ask(ticket, supervisor, "5.00", idempotency_key=key)
    except DomainError:
        pass
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"{type(error).__name__}: {error}")


@pytest.mark.parametrize("month", ["2025-01", "2025-01-01", 202501])
def test_an_attribution_month_that_is_not_a_date_is_refused_cleanly(ticket, supervisor, month):
    try:
        ask(ticket, supervisor, "5.00", attribution_month=month)
    except DomainError:
        return
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"{type(error).__name__}: {error}")
    pytest.fail("accepted")


def test_a_future_attribution_month_is_refused(ticket, supervisor):
    with pytest.raises(DomainError):
        ask(ticket, supervisor, "5.00", attribution_month=date(2099, 12, 1))


def test_the_same_key_with_other_terms_is_refused_not_answered_with_the_first_refund(ticket, supervisor):
    key = uuid.uuid4()
    ask(ticket, supervisor, "5.00", idempotency_key=key)
    with pytest.raises(DomainError):
        ask(ticket, supervisor, "90.00", idempotency_key=key, method=RefundMethod.PAYPAL)


@pytest.mark.parametrize(
    "lines",
    [
        [(1.9, 1)],
        [(True, 1)],
    ],
)
def test_line_ids_that_are_not_ints_are_refused(ticket, order, supervisor, lines):
    shirt = line(order, "SHIRT")
    lines = [(shirt.pk + 0.5 if lid == 1.9 else lid, q) for lid, q in lines]
    with pytest.raises(DomainError):
        ask(ticket, supervisor, None, lines=lines)


# --- 4. the suggestion -----------------------------------------------------------------------------
def test_a_full_refund_after_a_partial_with_shipping_does_not_refund_shipping_twice(ticket, order, supervisor):
    shirt = line(order, "SHIRT")
    first = ask(ticket, supervisor, None, lines=[(shirt.pk, 1)], include_shipping=True)
    assert first.shipping_amount == Decimal("4.00")
    rest = ask(ticket, supervisor, None, kind=RefundKind.FULL)
    assert rest.amount == Decimal("66.00")
    # Shipping charged was 10.00: the two refunds must not report more than that as shipping.
    assert first.shipping_amount + rest.shipping_amount <= Decimal("10.00"), rest.shipping_amount


def test_a_line_refund_on_a_discounted_order_suggests_what_was_paid_for_it(shopify_store, supervisor):
    # Lines 100.00, a 20% order discount: paid 80.00. One SHIRT (40.00 list) was paid 32.00.
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("80.00"), paid_amount=Decimal("80.00"))
    shirt = factories.OrderLineFactory(order=order, sku="SHIRT", unit_price=Decimal("40.00"), quantity=2)
    factories.OrderLineFactory(order=order, sku="CAP", unit_price=Decimal("20.00"), quantity=1)
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    refund = ask(ticket, supervisor, None, lines=[(shirt.pk, 1)])
    assert refund.suggested_amount <= Decimal("32.00"), refund.suggested_amount


# --- 5. audit and ticket state ---------------------------------------------------------------------
def test_every_step_writes_an_audit_event(ticket, order, supervisor, shopify_store):
    agent = factories.user_with_role("lim", factories.AGENT, stores=[shopify_store], approval_limit="10")
    refund = ask(ticket, agent, "50.00")
    n = AuditEvent.objects.count()
    refund_decisions.approve_refund(refund, actor=supervisor, note="ok")
    assert AuditEvent.objects.count() > n
    transition_refund(refund, F.EXECUTING, **SYSTEM)
    transition_refund(refund, F.FAILED, failure_reason="x", **SYSTEM)
    n = AuditEvent.objects.count()
    refund_decisions.retry_refund(refund, actor=supervisor)
    assert AuditEvent.objects.count() > n


def test_cancelling_an_approved_refund_closes_its_queued_action(ticket, supervisor):
    refund = ask(ticket, supervisor, "5.00")
    action = OutboxAction.objects.get()
    refund_decisions.cancel_refund(refund, actor=supervisor)
    action.refresh_from_db()
    # Left pending, the drain later dead-letters it as an error ("the refund is cancelled").
    assert action.status != "pending", action.status


# --- 6. on PostgreSQL: lock order and concurrency ------------------------------------------------------
import random  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from django.db import connection, transaction  # noqa: E402

from tickets.states import REFUND_COMMITTED  # noqa: E402


def in_thread(fn, results, key):
    def run():
        try:
            fn()
            results[key] = "ok"
        except DomainError as error:
            results[key] = f"domain:{error.code}"
        except BaseException as error:  # noqa: BLE001
            results[key] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_request_on_one_ticket_do_not_deadlock(shopify_store):
    supervisor = factories.user_with_role("sup", factories.SUPERVISOR, stores=[shopify_store], approval_limit="1000")
    agent = factories.user_with_role("lim", factories.AGENT, stores=[shopify_store], approval_limit="10")
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("110"), paid_amount=Decimal("110"))
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
    pending = ask(ticket, agent, "50.00")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_APPROVAL
    results: dict = {}
    # Hold the refund row so the approval has the order's lock and waits; meanwhile the request
    # takes the ticket's lock and waits for the order; then let go.
    with transaction.atomic():
        Refund.objects.select_for_update().get(pk=pending.pk)
        a = in_thread(lambda: refund_decisions.approve_refund(pending, actor=supervisor), results, "approve")
        time.sleep(0.5)
        b = in_thread(lambda: ask(ticket, agent, "5.00"), results, "request")
        time.sleep(0.5)
    a.join(30)
    b.join(30)
    assert all(v == "ok" for v in results.values()), results


def _storm(shopify_store, *, one_ticket: bool):
    supervisors = [
        factories.user_with_role(f"sup{i}", factories.SUPERVISOR, stores=[shopify_store], approval_limit="1000")
        for i in range(3)
    ]
    rich = factories.user_with_role("rich", factories.AGENT, stores=[shopify_store], approval_limit="1000")
    poor = factories.user_with_role("poor", factories.AGENT, stores=[shopify_store], approval_limit="1")
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("200"), paid_amount=Decimal("200"))
    lines = [
        factories.OrderLineFactory(order=order, sku=f"L{i}", unit_price=Decimal("10.00"), quantity=2) for i in range(5)
    ]  # 100.00 of lines, 100.00 of charges
    tickets = [
        factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
        for _ in range(1 if one_ticket else 6)
    ]
    rnd = random.Random(13)
    pending = [ask(rnd.choice(tickets), poor, "30.00") for _ in range(10)]
    failed = []
    for _ in range(4):
        r = ask(rnd.choice(tickets), poor, "30.00")
        refund_decisions.approve_refund(r, actor=supervisors[0])
        transition_refund(r, F.EXECUTING, **SYSTEM)
        transition_refund(r, F.FAILED, failure_reason="timeout", **SYSTEM)
        failed.append(r)
    jobs = []
    for r in pending:
        jobs.append(("approve", lambda r=r: refund_decisions.approve_refund(r, actor=rnd.choice(supervisors))))
        jobs.append(("cancel", lambda r=r: refund_decisions.cancel_refund(r, actor=poor)))
    for r in failed:
        jobs.append(("retry", lambda r=r: refund_decisions.retry_refund(r, actor=rnd.choice(supervisors))))
    for i in range(22):
        t = rnd.choice(tickets)
        ln = rnd.choice(lines)
        if i % 2:
            jobs.append(("req-line", lambda t=t, ln=ln: ask(t, rich, None, lines=[(ln.pk, 1)])))
        else:
            jobs.append(("req-amount", lambda t=t: ask(t, rich, "15.00")))
    rnd.shuffle(jobs)
    results: dict = {}
    barrier = threading.Barrier(len(jobs))

    def wrap(fn):
        def go():
            barrier.wait()
            fn()

        return go

    threads = [in_thread(wrap(fn), results, f"{name}#{i}") for i, (name, fn) in enumerate(jobs)]
    for th in threads:
        th.join(120)
    committed = Refund.objects.filter(order=order, status__in=REFUND_COMMITTED).aggregate(s=Sum("amount"))["s"]
    over_lines = {ln.sku: held_quantity(ln) for ln in lines if held_quantity(ln) > ln.quantity}
    crashes = {k: v for k, v in results.items() if v != "ok" and not v.startswith("domain:")}
    return committed, over_lines, crashes, results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("one_ticket", [True, False])
def test_fifty_threads_request_approve_retry_cancel_never_overspend(shopify_store, one_ticket):
    committed, over_lines, crashes, results = _storm(shopify_store, one_ticket=one_ticket)
    assert len(results) == 46
    assert committed <= Decimal("200"), committed
    assert not crashes, crashes
    assert not over_lines, over_lines


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("move", ["retry", "system_succeeds"])
def test_any_refund_move_and_a_request_on_one_ticket_do_not_deadlock(shopify_store, move):
    """No ticket status change involved: the audit row's ticket FK takes KEY SHARE on the ticket,
    which the request holds FOR UPDATE while it waits for the order."""
    supervisor = factories.user_with_role("sup", factories.SUPERVISOR, stores=[shopify_store], approval_limit="1000")
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("110"), paid_amount=Decimal("110"))
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
    refund = ask(ticket, supervisor, "50.00")
    transition_refund(refund, F.EXECUTING, **SYSTEM)
    if move == "retry":
        transition_refund(refund, F.FAILED, failure_reason="x", **SYSTEM)
        fn = lambda: refund_decisions.retry_refund(refund, actor=supervisor)  # noqa: E731
    else:
        fn = lambda: transition_refund(refund, F.SUCCEEDED, platform_refund_id="P-1", **SYSTEM)  # noqa: E731
    results: dict = {}
    with transaction.atomic():
        Refund.objects.select_for_update().get(pk=refund.pk)
        a = in_thread(fn, results, move)
        time.sleep(0.5)
        b = in_thread(lambda: ask(ticket, supervisor, "5.00"), results, "request")
        time.sleep(0.5)
    a.join(30)
    b.join(30)
    assert all(v == "ok" for v in results.values()), results


# --- 7. roles x stores -------------------------------------------------------------------------------
def _outcome(fn):
    try:
        fn()
        return "ok"
    except DomainError as error:
        return error.code
    except Exception as error:  # noqa: BLE001
        return f"CRASH {type(error).__name__}: {error}"


def test_role_matrix(shopify_store, ebay_store):
    from django.contrib.auth.models import User

    from tickets.models import StoreMembership

    requester = factories.user_with_role("req", factories.AGENT, stores=[shopify_store], approval_limit="1")
    users = {
        "agent": factories.user_with_role("ag", factories.AGENT, stores=[shopify_store], approval_limit="1000"),
        "supervisor": factories.user_with_role("su", factories.SUPERVISOR, stores=[shopify_store]),
        "finance": factories.user_with_role("fi", factories.FINANCE, stores=[shopify_store]),
        "admin": factories.user_with_role("ad", factories.ADMIN, stores=[shopify_store]),
        "other_store_supervisor": factories.user_with_role("os", factories.SUPERVISOR, stores=[ebay_store]),
        "superuser_no_membership": User.objects.create_superuser("root", "r@example.com", factories.PASSWORD),
    }
    su_member = User.objects.create_superuser("root2", "r2@example.com", factories.PASSWORD)
    StoreMembership.objects.create(store=shopify_store, user=su_member, refund_approval_limit=Decimal("1000"))
    users["superuser_member"] = User.objects.get(pk=su_member.pk)

    def fresh_order():
        order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("500"), paid_amount=Decimal("500"))
        return factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")

    table = {}
    for name, user in users.items():
        row = {}
        t = fresh_order()
        row["request"] = _outcome(lambda: ask(t, user, "5.00"))
        p = ask(t, requester, "50.00")
        row["approve"] = _outcome(lambda: refund_decisions.approve_refund(p, actor=user))
        p2 = ask(t, requester, "50.00")
        row["reject"] = _outcome(lambda: refund_decisions.reject_refund(p2, actor=user, note="no"))
        p3 = ask(t, requester, "50.00")
        row["cancel_pending"] = _outcome(lambda: refund_decisions.cancel_refund(p3, actor=user))
        boss = users["supervisor"]
        a = ask(t, requester, "50.00")
        refund_decisions.approve_refund(a, actor=boss)
        row["cancel_approved"] = _outcome(lambda: refund_decisions.cancel_refund(a, actor=user))
        f = ask(t, requester, "50.00")
        refund_decisions.approve_refund(f, actor=boss)
        transition_refund(f, F.EXECUTING, **SYSTEM)
        transition_refund(f, F.FAILED, failure_reason="x", **SYSTEM)
        row["retry"] = _outcome(lambda: refund_decisions.retry_refund(f, actor=user))
        m = ask(t, requester, "50.00", method=RefundMethod.PAYPAL)
        refund_decisions.approve_refund(m, actor=boss)
        row["record_manual"] = _outcome(lambda: refund_decisions.record_manual_refund(m, actor=user, reference="PP-1"))
        mo = ask(t, requester, "50.00", method=RefundMethod.ORIGINAL_PAYMENT)
        refund_decisions.approve_refund(mo, actor=boss)
        row["mark_platform_refund_succeeded"] = _outcome(
            lambda: (
                transition_refund(mo, F.EXECUTING, **SYSTEM),
                transition_refund(mo, F.SUCCEEDED, actor=user, reference="x"),
            )
        )
        table[name] = row
    everything = ["request", "approve", "reject", "cancel_pending", "cancel_approved", "retry", "record_manual"]
    for name in ("supervisor", "superuser_no_membership", "superuser_member"):
        assert all(table[name][a] == "ok" for a in everything), table[name]
    assert table["agent"]["request"] == "ok"
    assert all(table["agent"][a] == "permission_denied" for a in everything[1:]), table["agent"]
    for name in ("finance", "admin"):
        assert all(table[name][a] == "permission_denied" for a in everything), table[name]
    assert all(v == "not_found" for v in table["other_store_supervisor"].values())
    assert all(row["mark_platform_refund_succeeded"] != "ok" for row in table.values())


# --- 8. more input and concurrency ------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_idempotency_key_at_once_return_one_refund(shopify_store):
    sup = factories.user_with_role("sup", factories.SUPERVISOR, stores=[shopify_store], approval_limit="1000")
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("110"), paid_amount=Decimal("110"))
    tickets = [
        factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
        for _ in range(2)
    ]
    key = uuid.uuid4()
    results: dict = {}
    barrier = threading.Barrier(8)

    def go(t):
        def run():
            barrier.wait()
            ask(t, sup, "5.00", idempotency_key=key)

        return run

    threads = [in_thread(go(tickets[0]), results, f"same#{i}") for i in range(8)]
    for th in threads:
        th.join(30)
    assert Refund.objects.filter(idempotency_key=key).count() == 1
    assert all(v == "ok" for v in results.values()), results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_the_last_unit_of_a_line_hold_it_once(shopify_store):
    """Kills the mutation 'request_refund does not lock the order' (the line check is then racy)."""
    sup = factories.user_with_role("sup", factories.SUPERVISOR, stores=[shopify_store], approval_limit="1")
    order = factories.OrderFactory(store=shopify_store, total_amount=Decimal("1000"), paid_amount=Decimal("1000"))
    cap = factories.OrderLineFactory(order=order, sku="CAP", unit_price=Decimal("20.00"), quantity=1)
    tickets = [
        factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, status="open")
        for _ in range(12)
    ]
    results: dict = {}
    barrier = threading.Barrier(len(tickets))

    def go(t):
        def run():
            barrier.wait()
            ask(t, sup, None, lines=[(cap.pk, 1)])  # pending (above the 1.00 limit): holds the line

        return run

    threads = [in_thread(go(t), results, f"t{i}") for i, t in enumerate(tickets)]
    for th in threads:
        th.join(60)
    assert held_quantity(cap) == 1, (held_quantity(cap), results)


def test_line_amounts_add_up_to_what_the_refund_pays_for_lines(ticket, order, supervisor):
    shirt = line(order, "SHIRT")
    refund = ask(ticket, supervisor, "10.00", lines=[(shirt.pk, 2)])  # two shirts, 10.00 agreed
    lines_total = refund.lines.aggregate(s=Sum("amount"))["s"]
    assert lines_total + refund.shipping_amount <= refund.amount, (lines_total, refund.shipping_amount, refund.amount)


@pytest.mark.parametrize(
    "amount",
    [
        1.5,
        "1e3",
        " 10 ",
        "10,00",
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        "1" * 30,
        "１０",
        "0x10",
        Decimal("-0"),
        True,
        "10.001",
        Decimal("1E+1"),
        [],
        {"amount": 1},
    ],
)
def test_amount_inputs_are_refused_cleanly_or_taken_exactly(ticket, supervisor, amount):
    outcome = _outcome(lambda: ask(ticket, supervisor, amount))
    print(f"\nAMOUNT {amount!r:40} -> {outcome}")
    assert not outcome.startswith("CRASH"), outcome


def test_decide_refunds_with_ids_out_of_range(ticket, supervisor):
    outcome = _outcome(
        lambda: refund_decisions.decide_refunds(
            ["99999999999999999999", -1, None, "1.5"], actor=supervisor, approve=True
        )
    )
    assert not outcome.startswith("CRASH"), outcome


def test_an_attribution_datetime_or_mid_month_day(ticket, supervisor):
    from datetime import datetime

    r = ask(ticket, supervisor, "5.00", attribution_month=date.today().replace(day=17))
    assert r.attribution_month == date.today().replace(day=1)
    outcome = _outcome(lambda: ask(ticket, supervisor, "5.00", attribution_month=datetime.now()))
    assert not outcome.startswith("CRASH"), outcome
    outcome = _outcome(lambda: ask(ticket, supervisor, "5.00", attribution_month=date(1999, 1, 1)))
    print("\nMONTH 1999-01 ->", outcome)


def test_reason_inputs(ticket, supervisor):
    assert _outcome(lambda: ask(ticket, supervisor, "1.00", reason="x" * 10_000)) == "invalid_refund"
    r = ask(ticket, supervisor, "1.00", reason="<img src=x onerror=alert(1)>\n\n  spaced  ")
    print("\nREASON stored:", repr(r.reason))
    assert _outcome(lambda: ask(ticket, supervisor, "1.00", reason="\u200b\u200b")) != "ok"


def test_jpy_converted_limit_rounds_up_above_the_limit(shopify_store):
    order = factories.OrderFactory(
        store=shopify_store, currency="JPY", total_amount=Decimal("100000"), paid_amount=Decimal("100000")
    )
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    agent = factories.user_with_role("jp", factories.AGENT, stores=[shopify_store], approval_limit="100")  # USD
    ExchangeRate.objects.create(base="JPY", quote="USD", rate=Decimal("0.0066"), valid_on=timezone.localdate())
    # 100 USD = 15151.515... JPY; the limit becomes 15152 JPY = 100.0032 USD
    refund = ask(ticket, agent, "15152")
    print("\nJPY limit", refund.approval_limit, refund.status)
    assert refund.status == F.PENDING_APPROVAL


def test_a_raised_limit_does_not_let_the_requester_approve_their_pending_request(ticket, shopify_store):
    from tickets.models import StoreMembership

    agent = factories.user_with_role("lim2", factories.AGENT, stores=[shopify_store], approval_limit="10")
    refund = ask(ticket, agent, "50.00")
    StoreMembership.objects.filter(user=agent).update(refund_approval_limit=Decimal("1000"))
    assert _outcome(lambda: transition_refund(refund, F.APPROVED, actor=agent)) != "ok"
    assert _outcome(lambda: refund_decisions.approve_refund(refund, actor=agent)) != "ok"
