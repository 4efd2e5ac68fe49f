"""request_refund and the approval policy: what is asked, what is suggested, who approves."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.refund_setup import ask
from tickets.errors import (
    MonthClosed,
    PermissionDenied,
    RefundExceedsRefundable,
    RefundNeedsOrder,
    RefundRequestInvalid,
    SelfApprovalForbidden,
)
from tickets.models import (
    AuditEvent,
    ClosedMonth,
    ExchangeRate,
    Notification,
    OutboxAction,
    Refund,
    RefundKind,
    RefundMethod,
)
from tickets.models.notifications import NotificationKind
from tickets.services import refund_decisions
from tickets.services.refund_policy import Reason
from tickets.services.refunds import request_refund, transition_refund
from tickets.states import ActorKind, RefundStatus, TicketStatus

F = RefundStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def limited_agent(shopify_store):
    return factories.user_with_role("limited", factories.AGENT, stores=[shopify_store], approval_limit="50")


def lines_of(order, *pairs):
    by_sku = {line.sku: line for line in order.lines.all()}
    return [(by_sku[sku].pk, qty) for sku, qty in pairs]


def test_within_own_limit_is_approved_at_once_recorded_as_self_approved_and_queued(ticket, limited_agent):
    refund = ask(ticket, limited_agent, "30.00")

    assert refund.status == F.APPROVED
    assert refund.self_approved and refund.approved_by == limited_agent
    assert refund.approval_limit == Decimal("50")
    assert refund.approval_reasons == []
    action = OutboxAction.objects.get(idempotency_key=f"refund:{refund.idempotency_key}")
    assert action.payload["refund_id"] == refund.pk


def test_above_limit_waits_for_a_supervisor_who_hears_of_it_and_the_ticket_waits(ticket, limited_agent, supervisor):
    refund = ask(ticket, limited_agent, "80.00")

    assert refund.status == F.PENDING_APPROVAL
    assert refund.approval_reasons == [Reason.ABOVE_LIMIT]
    assert not OutboxAction.objects.exists()
    assert Notification.objects.filter(user=supervisor, kind=NotificationKind.APPROVAL_REQUESTED).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_APPROVAL


def test_supervisor_approves_then_it_is_queued_the_requester_hears_and_the_ticket_reopens(
    ticket, limited_agent, supervisor
):
    refund = ask(ticket, limited_agent, "80.00")

    refund_decisions.approve_refund(refund, actor=supervisor, note="Photos show the tear")

    refund.refresh_from_db()
    assert refund.status == F.APPROVED and refund.approved_by == supervisor and not refund.self_approved
    assert refund.decision_note == "Photos show the tear"
    assert OutboxAction.objects.filter(payload__refund_id=refund.pk).count() == 1
    assert Notification.objects.filter(user=limited_agent, kind=NotificationKind.REFUND_DECIDED).exists()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_reject_needs_a_comment_and_changes_nothing_without_one(ticket, limited_agent, supervisor):
    refund = ask(ticket, limited_agent, "80.00")

    with pytest.raises(RefundRequestInvalid):
        refund_decisions.reject_refund(refund, actor=supervisor, note="  ")
    refund.refresh_from_db()
    assert refund.status == F.PENDING_APPROVAL

    refund_decisions.reject_refund(refund, actor=supervisor, note="Offer 40.00 instead")
    refund.refresh_from_db()
    assert refund.status == F.REJECTED and refund.decision_note == "Offer 40.00 instead"


def test_an_agent_cannot_approve_a_colleagues_request_nor_their_own_above_the_limit(
    ticket, limited_agent, shopify_store
):
    colleague = factories.user_with_role("colleague", factories.AGENT, stores=[shopify_store], approval_limit="1000")
    refund = ask(ticket, limited_agent, "80.00")

    with pytest.raises(PermissionDenied):
        refund_decisions.approve_refund(refund, actor=colleague)
    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=limited_agent)
    refund.refresh_from_db()
    assert refund.status == F.PENDING_APPROVAL


def test_a_supervisor_cannot_approve_their_own_pending_request(ticket, shopify_store):
    boss = factories.user_with_role("boss", factories.SUPERVISOR, stores=[shopify_store], approval_limit="10")
    refund = ask(ticket, boss, "80.00")
    assert refund.status == F.PENDING_APPROVAL

    with pytest.raises(SelfApprovalForbidden):
        refund_decisions.approve_refund(refund, actor=boss)


def test_finance_cannot_request_nor_approve(ticket, finance, limited_agent):
    with pytest.raises(PermissionDenied):
        ask(ticket, finance, "10.00")
    refund = ask(ticket, limited_agent, "80.00")
    with pytest.raises(PermissionDenied):
        refund_decisions.approve_refund(refund, actor=finance)
    assert Refund.objects.count() == 1


def test_the_suggestion_is_lines_times_quantity_plus_shipping_share_minus_committed(ticket, order, limited_agent):
    refund = ask(ticket, limited_agent, None, lines=lines_of(order, ("SHIRT", 1)), include_shipping=True)

    # 40.00 + 10.00 × 40/100 = 44.00
    assert refund.amount == Decimal("44.00") and refund.suggested_amount == Decimal("44.00")
    assert refund.shipping_amount == Decimal("4.00")
    assert list(refund.lines.values_list("order_line__sku", "quantity", "amount")) == [("SHIRT", 1, Decimal("40.00"))]

    second = ask(ticket, limited_agent, None, kind=RefundKind.FULL)
    assert second.amount == Decimal("66.00")  # what is left: 110 − 44
    assert second.status == F.PENDING_APPROVAL and Reason.ABOVE_LIMIT in second.approval_reasons


def test_more_than_is_left_is_refused_and_writes_nothing(ticket, limited_agent, supervisor):
    ask(ticket, supervisor, "100.00")
    before = AuditEvent.objects.count()

    with pytest.raises(RefundExceedsRefundable):
        ask(ticket, limited_agent, "10.01")

    assert Refund.objects.count() == 1 and AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("0", None), ("-5", None), ("12.345", None), ("abc", None), ("1e3", None), ("10.00", "EUR"), ("NaN", None)],
)
def test_bad_amounts_are_refused_with_a_reason_and_write_nothing(ticket, limited_agent, amount, currency):
    with pytest.raises((RefundRequestInvalid, RefundExceedsRefundable)):
        ask(ticket, limited_agent, amount, currency=currency)
    assert not Refund.objects.exists()


def test_lines_beyond_what_is_left_on_them_are_refused(ticket, order, limited_agent, supervisor):
    ask(ticket, supervisor, None, lines=lines_of(order, ("SHIRT", 2)))
    with pytest.raises(RefundRequestInvalid, match="0 of 2"):
        ask(ticket, limited_agent, None, lines=lines_of(order, ("SHIRT", 1)))
    other = factories.OrderLineFactory()
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited_agent, None, lines=[(other.pk, 1)])
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited_agent, None, lines=[("x", 1)])


def test_kind_method_reason_and_order_are_checked(ticket, limited_agent, shopify_store):
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited_agent, "5.00", reason="   ")
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited_agent, "5.00", kind="bogus")
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited_agent, "5.00", kind=RefundKind.STORE_CREDIT, method=RefundMethod.ORIGINAL_PAYMENT)
    orderless = factories.TicketFactory(store=shopify_store, order=None)
    with pytest.raises(RefundNeedsOrder):
        ask(orderless, limited_agent, "5.00")
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("qc_failed", Reason.QC_FAILED),
        ("without_return", Reason.WITHOUT_RETURN),
        ("high_value", Reason.HIGH_VALUE_CATEGORY),
        ("return_risk", Reason.RETURN_RISK),
        ("above_suggestion", Reason.ABOVE_SUGGESTION),
    ],
)
def test_conditions_that_always_need_a_supervisor_whatever_the_limit(ticket, order, shopify_store, setup, reason):
    rich = factories.user_with_role("rich", factories.AGENT, stores=[shopify_store], approval_limit="100000")
    kw = {}
    if setup == "qc_failed":
        factories.RmaFactory(ticket=ticket, status="inspected", qc_result="fail")
    elif setup == "without_return":
        shopify_store.refund_without_return_limit = Decimal("20")
        shopify_store.save()
        kw["kind"] = RefundKind.WITHOUT_RETURN
    elif setup == "high_value":
        shopify_store.high_value_categories = ["apparel"]
        shopify_store.save()
    elif setup == "return_risk":
        for _ in range(3):
            factories.RmaFactory(ticket=factories.TicketFactory(store=shopify_store, customer=order.customer))
    elif setup == "above_suggestion":
        kw["lines"] = lines_of(order, ("CAP", 1))

    refund = ask(ticket, rich, "30.00", **kw)

    assert refund.status == F.PENDING_APPROVAL
    assert reason in refund.approval_reasons
    assert Reason.ABOVE_LIMIT not in refund.approval_reasons
    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=rich)


def test_a_refund_in_another_currency_converts_the_limit_or_needs_approval_without_a_rate(shopify_store):
    order = factories.OrderFactory(
        store=shopify_store, currency="EUR", total_amount=Decimal("200"), paid_amount=Decimal("200")
    )
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    agent = factories.user_with_role("conv", factories.AGENT, stores=[shopify_store], approval_limit="50")  # USD

    first = ask(ticket, agent, "40.00")
    assert first.status == F.PENDING_APPROVAL and first.approval_reasons == [Reason.NO_EXCHANGE_RATE]

    ExchangeRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.25"), valid_on=timezone.localdate())
    second = ask(ticket, agent, "40.00")  # 50 USD = 40.00 EUR: within
    assert second.status == F.APPROVED and second.approval_limit == Decimal("40.00")
    third = ask(ticket, agent, "10.01")
    assert third.status == F.APPROVED
    fourth = ask(ticket, agent, "40.01")
    assert fourth.approval_reasons == [Reason.ABOVE_LIMIT]


def test_a_stale_rate_counts_as_none(shopify_store):
    order = factories.OrderFactory(
        store=shopify_store, currency="EUR", total_amount=Decimal("90"), paid_amount=Decimal("90")
    )
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    agent = factories.user_with_role("stale", factories.AGENT, stores=[shopify_store], approval_limit="50")
    ExchangeRate.objects.create(
        base="USD", quote="EUR", rate=Decimal("0.8"), valid_on=timezone.localdate() - timedelta(days=30)
    )

    assert ask(ticket, agent, "10.00").approval_reasons == [Reason.NO_EXCHANGE_RATE]


def test_automation_never_approves_alone(ticket):
    refund = request_refund(
        ticket,
        actor=None,
        actor_kind=ActorKind.RULE,
        kind=RefundKind.PARTIAL,
        method=RefundMethod.ORIGINAL_PAYMENT,
        reason="Lost parcel",
        amount="5.00",
    )
    assert refund.status == F.PENDING_APPROVAL and refund.requested_by is None
    assert refund.approval_reasons == [Reason.AUTOMATION]


def test_the_same_idempotency_key_returns_the_first_refund(ticket, limited_agent):
    key = uuid.uuid4()
    first = ask(ticket, limited_agent, "10.00", idempotency_key=key)
    again = ask(ticket, limited_agent, "10.00", idempotency_key=key)
    assert first.pk == again.pk and Refund.objects.count() == 1


def test_a_closed_month_is_refused_and_success_counts_in_the_open_month(ticket, limited_agent, supervisor):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    ClosedMonth.objects.create(month=last_month, closed_by=supervisor)
    with pytest.raises(MonthClosed):
        ask(ticket, limited_agent, "10.00", attribution_month=last_month)

    refund = ask(ticket, limited_agent, "10.00")
    assert refund.attribution_month is None
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(refund, F.SUCCEEDED, actor=None, actor_kind=ActorKind.SYSTEM)
    refund.refresh_from_db()
    assert refund.attribution_month == timezone.localdate().replace(day=1)


def test_manual_paypal_refund_is_recorded_with_its_reference(ticket, limited_agent):
    refund = ask(ticket, limited_agent, "10.00", method=RefundMethod.PAYPAL)
    assert refund.status == F.APPROVED and not OutboxAction.objects.exists()

    with pytest.raises(Exception):
        refund_decisions.record_manual_refund(refund, actor=limited_agent, reference=" ")
    refund_decisions.record_manual_refund(refund, actor=limited_agent, reference="PAYPAL-7XK")
    refund.refresh_from_db()
    assert refund.status == F.SUCCEEDED and refund.manual_reference == "PAYPAL-7XK"
    assert refund.executed_by == limited_agent


def test_retry_of_a_failed_refund_rearms_the_same_action(ticket, limited_agent, supervisor):
    refund = ask(ticket, limited_agent, "10.00")
    action = OutboxAction.objects.get()
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(refund, F.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason="card expired")
    OutboxAction.objects.filter(pk=action.pk).update(status="dead", attempts=3)

    with pytest.raises(PermissionDenied):
        refund_decisions.retry_refund(refund, actor=limited_agent)
    refund_decisions.retry_refund(refund, actor=supervisor)

    refund.refresh_from_db()
    action.refresh_from_db()
    assert refund.status == F.EXECUTING
    assert OutboxAction.objects.count() == 1 and action.status == "pending" and action.attempts == 1


def test_bulk_decisions_decide_each_on_its_own(ticket, order, limited_agent, supervisor, shopify_store):
    a = ask(ticket, limited_agent, "60.00")
    b = ask(ticket, limited_agent, "55.00")
    own = ask(ticket, supervisor, "5.00", method=RefundMethod.PAYPAL)  # approved alone already

    result = refund_decisions.decide_refunds([a.pk, b.pk, own.pk, "junk", 999999], actor=supervisor, approve=True)

    assert [r.pk for r in result.done] == [a.pk], result.refused  # b would overspend: 60 + 55 + 5 > 110
    refused = dict(result.refused)
    assert b.pk in refused and own.pk in refused and 999999 in refused and "junk" in refused
    b.refresh_from_db()
    assert b.status == F.PENDING_APPROVAL


def test_return_risk_flag_follows_the_store_threshold(shopify_store):
    from tickets.services import return_risk

    customer = factories.CustomerFactory(store=shopify_store)
    for _ in range(4):
        factories.OrderFactory(store=shopify_store, customer=customer)
    for _ in range(2):
        factories.RmaFactory(ticket=factories.TicketFactory(store=shopify_store, customer=customer))
    assert not return_risk.refresh(customer).return_risk  # 2 returns: below the minimum of 3
    factories.RmaFactory(ticket=factories.TicketFactory(store=shopify_store, customer=customer))
    flagged = return_risk.refresh(customer)
    assert flagged.return_risk and flagged.period_returns == 3 and flagged.period_orders >= 4
    shopify_store.return_risk_rate = Decimal("0.9")
    shopify_store.save()
    customer.refresh_from_db()
    assert not return_risk.refresh(customer).return_risk


def test_a_correction_of_a_refund_in_a_closed_month_counts_in_the_open_month_and_names_it(
    ticket, limited_agent, supervisor
):
    original = ask(ticket, limited_agent, "10.00")
    transition_refund(original, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(original, F.SUCCEEDED, actor=None, actor_kind=ActorKind.SYSTEM)
    original.refresh_from_db()
    ClosedMonth.objects.create(month=original.attribution_month, closed_by=supervisor)

    correction = ask(ticket, limited_agent, "5.00", corrects=original)

    next_month = (original.attribution_month + timedelta(days=32)).replace(day=1)
    assert correction.corrects == original and correction.attribution_month == next_month
    pending = ask(ticket, limited_agent, "1.00")
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited_agent, "1.00", corrects=pending)


def test_the_platform_settling_a_refund_tells_the_requester_and_on_failure_the_approver(
    ticket, order, limited_agent, supervisor
):
    from tests.ingest_records import refund as platform_refund
    from tickets.services.ingest_orders import upsert_platform_refunds

    refund = ask(ticket, limited_agent, "80.00")
    refund_decisions.approve_refund(refund, actor=supervisor)
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    Notification.objects.all().delete()

    record = platform_refund(
        "RF-9", order.external_id, "80.00", status="failed", reference=str(refund.idempotency_key), reason="Card closed"
    )
    upsert_platform_refunds(order.store, [record])

    refund.refresh_from_db()
    assert refund.status == F.FAILED and refund.failure_reason == "Card closed"
    told = set(
        Notification.objects.filter(kind=NotificationKind.REFUND_DECIDED).values_list("user__username", flat=True)
    )
    assert told == {"limited", "super"}
