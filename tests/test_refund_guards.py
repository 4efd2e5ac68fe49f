"""The money guards of refund approval: limits come from store membership only (a superuser has
none of their own), and no approval or retry commits more than the order has left to refund."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection

from tests import factories
from tests.transitions import audit_events_for, row
from tickets.errors import PermissionDenied, RefundExceedsRefundable
from tickets.models import Refund, StoreMembership
from tickets.services.refunds import refundable_left, transition_refund
from tickets.states import REFUND_COMMITTED, ActorKind, RefundStatus

F = RefundStatus


def order_paid(store, paid: str):
    return factories.OrderFactory(store=store, total_amount=Decimal(paid), paid_amount=Decimal(paid))


def refund_of(order, requester, amount: str, status: str = F.PENDING_APPROVAL, **fields) -> Refund:
    ticket = factories.TicketFactory(store=order.store, order=order, customer=order.customer)
    return factories.RefundFactory(
        ticket=ticket, order=order, status=status, requested_by=requester, amount=Decimal(amount), **fields
    )


@pytest.fixture
def superuser(shopify_store):
    user = User.objects.create_superuser("root", "root@example.com", factories.PASSWORD)
    StoreMembership.objects.create(store=shopify_store, user=user, refund_approval_limit=Decimal("100"))
    return User.objects.get(pk=user.pk)


# --- item 1: no superuser bypass ---------------------------------------------------------------


@pytest.mark.django_db
def test_superuser_cannot_approve_their_own_request_above_their_membership_limit(superuser, shopify_store):
    refund = refund_of(order_paid(shopify_store, "100000"), superuser, "99999.00", status=F.REQUESTED)
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=superuser)

    assert row(refund) == before


@pytest.mark.django_db
def test_superuser_with_no_membership_limit_cannot_approve_their_own_request(shopify_store):
    root = User.objects.create_superuser("root2", "r2@example.com", factories.PASSWORD)
    refund = refund_of(order_paid(shopify_store, "500"), root, "5.00", status=F.REQUESTED)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=root)

    assert Refund.objects.get(pk=refund.pk).status == F.REQUESTED


@pytest.mark.django_db
def test_superuser_cannot_approve_their_own_pending_request(superuser, shopify_store):
    refund = refund_of(order_paid(shopify_store, "500"), superuser, "5.00", status=F.PENDING_APPROVAL)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=superuser)

    assert Refund.objects.get(pk=refund.pk).status == F.PENDING_APPROVAL


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [ActorKind.RULE, ActorKind.SYSTEM])
def test_automation_does_not_approve_a_superusers_request_above_their_limit(kind, superuser, shopify_store):
    refund = refund_of(order_paid(shopify_store, "100000"), superuser, "99999.00", status=F.REQUESTED)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=None, actor_kind=kind)

    assert Refund.objects.get(pk=refund.pk).status == F.REQUESTED


@pytest.mark.django_db
def test_automation_approval_within_the_requesters_limit_is_recorded_as_resting_on_it(agent, shopify_store):
    StoreMembership.objects.filter(user=agent).update(refund_approval_limit=Decimal("40"))
    refund = refund_of(order_paid(shopify_store, "100"), agent, "40.00", status=F.REQUESTED)

    transition_refund(refund, F.APPROVED, actor=None, actor_kind=ActorKind.RULE)

    refund.refresh_from_db()
    assert (refund.status, refund.approved_by, refund.self_approved) == (F.APPROVED, agent, True)
    assert refund.approval_limit == Decimal("40")


@pytest.mark.django_db
def test_superuser_may_approve_someone_elses_pending_request(superuser, agent, shopify_store):
    refund = refund_of(order_paid(shopify_store, "500"), agent, "450.00")

    transition_refund(refund, F.APPROVED, actor=superuser)

    assert Refund.objects.get(pk=refund.pk).approved_by == superuser


# --- item 2: what is left to refund ------------------------------------------------------------


@pytest.mark.django_db
def test_approval_refuses_more_than_is_left_to_refund(supervisor, agent, shopify_store):
    order = order_paid(shopify_store, "100.00")
    first, second, third = (refund_of(order, agent, "90.00") for _ in range(3))

    transition_refund(first, F.APPROVED, actor=supervisor)
    for refund in (second, third):
        before = row(refund)
        with pytest.raises(RefundExceedsRefundable) as refused:
            transition_refund(refund, F.APPROVED, actor=supervisor)
        assert row(refund) == before
        assert not audit_events_for(refund).exists()
    assert "10.00" in str(refused.value)
    assert refundable_left(order).amount == Decimal("10.00")


@pytest.mark.django_db
def test_approval_up_to_exactly_the_paid_amount_is_allowed(supervisor, agent, shopify_store):
    order = order_paid(shopify_store, "100.00")
    refunds = [refund_of(order, agent, amount) for amount in ("33.33", "33.33", "33.34")]

    for refund in refunds:
        transition_refund(refund, F.APPROVED, actor=supervisor)

    assert refundable_left(order).amount == Decimal("0.00")


@pytest.mark.django_db
def test_only_committed_refunds_count_against_the_order(supervisor, agent, shopify_store):
    order = order_paid(shopify_store, "100.00")
    for status in (F.REQUESTED, F.PENDING_APPROVAL, F.FAILED, F.REJECTED, F.CANCELLED):
        refund_of(order, agent, "90.00", status=status)
    refund = refund_of(order, agent, "90.00")

    transition_refund(refund, F.APPROVED, actor=supervisor)

    assert Refund.objects.get(pk=refund.pk).status == F.APPROVED


@pytest.mark.django_db
def test_self_approval_within_limit_is_refused_when_nothing_is_left(agent, shopify_store):
    StoreMembership.objects.filter(user=agent).update(refund_approval_limit=Decimal("50"))
    order = order_paid(shopify_store, "40.00")
    refund_of(order, agent, "30.00", status=F.SUCCEEDED)
    refund = refund_of(order, agent, "20.00", status=F.REQUESTED)

    with pytest.raises(RefundExceedsRefundable):
        transition_refund(refund, F.APPROVED, actor=agent)

    assert Refund.objects.get(pk=refund.pk).status == F.REQUESTED


@pytest.mark.django_db
def test_approval_of_a_refund_in_another_currency_than_the_order_is_refused(supervisor, agent, shopify_store):
    refund = refund_of(order_paid(shopify_store, "100.00"), agent, "10.00", currency="EUR")

    with pytest.raises(RefundExceedsRefundable):
        transition_refund(refund, F.APPROVED, actor=supervisor)


@pytest.mark.django_db
@pytest.mark.parametrize("retry_by", ["supervisor", ActorKind.SYSTEM])
def test_retrying_a_failed_refund_checks_what_is_left_again(retry_by, supervisor, agent, shopify_store):
    order = order_paid(shopify_store, "100.00")
    failed = refund_of(order, agent, "90.00", status=F.FAILED, failure_reason="timeout")
    refund_of(order, agent, "20.00", status=F.APPROVED)  # approved while the first one had failed
    before = row(failed)
    actor, kind = (supervisor, None) if retry_by == "supervisor" else (None, retry_by)

    with pytest.raises(RefundExceedsRefundable):
        transition_refund(failed, F.EXECUTING, actor=actor, actor_kind=kind)

    assert row(failed) == before


# --- on PostgreSQL: concurrent approvals and retries never overspend an order ------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_and_retries_never_commit_more_than_was_paid(shopify_store):
    supervisors = [factories.user_with_role(f"sup{i}", factories.SUPERVISOR, stores=[shopify_store]) for i in range(4)]
    agent = factories.user_with_role("req", factories.AGENT, stores=[shopify_store])
    order = order_paid(shopify_store, "100.00")
    pending = [refund_of(order, agent, "10.00") for _ in range(16)]
    failed = [refund_of(order, agent, "10.00", status=F.FAILED, failure_reason="timeout") for _ in range(8)]
    start = threading.Barrier(len(pending) + len(failed))
    outcomes: list[str] = []
    guard = threading.Lock()

    def decide(refund: Refund, target: str, actor) -> None:
        try:
            start.wait()
            transition_refund(refund, target, actor=actor)
            result = "done"
        except RefundExceedsRefundable:
            result = "refused"
        except BaseException as exc:  # anything else fails the test below
            result = repr(exc)
        finally:
            connection.close()
        with guard:
            outcomes.append(result)

    jobs = [(r, F.APPROVED, supervisors[i % 4]) for i, r in enumerate(pending)]
    jobs += [(r, F.EXECUTING, supervisors[i % 4]) for i, r in enumerate(failed)]
    threads = [threading.Thread(target=decide, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(set(outcomes)) == ["done", "refused"], outcomes
    committed = Refund.objects.filter(order=order, status__in=REFUND_COMMITTED)
    assert sum(r.amount for r in committed) == Decimal("100.00")
    assert outcomes.count("done") == committed.count() == 10


@pytest.mark.django_db
def test_the_api_shows_a_self_approval_and_the_stores_language_and_zone(agent, shopify_store):
    from rest_framework.test import APIClient

    StoreMembership.objects.filter(user=agent).update(refund_approval_limit=Decimal("50"))
    refund = refund_of(order_paid(shopify_store, "100"), agent, "20.00", status=F.REQUESTED)
    transition_refund(refund, F.APPROVED, actor=agent)
    client = APIClient()
    client.force_authenticate(agent)

    refund_json = client.get(f"/api/refunds/{refund.pk}/").json()
    store_json = client.get(f"/api/stores/{shopify_store.pk}/").json()

    assert (refund_json["approved_by"], refund_json["self_approved"]) == (agent.username, True)
    assert (store_json["language"], store_json["time_zone"]) == ("en", "UTC")
