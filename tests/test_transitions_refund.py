"""Refund state machine through ``transition_refund``: every allowed move, refused moves, and the
four-eyes rule (approval limits, no self-approval, only supervisors approve others' refunds)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests import factories
from tests.transitions import assert_moved_and_recorded, audit_events_for, row
from tickets.errors import IllegalTransition, NotAManualRefund, NotFound, PermissionDenied, SelfApprovalForbidden
from tickets.models import AuditEvent, Refund, RefundMethod
from tickets.services.refunds import transition_refund
from tickets.states import REFUND, ActorKind, RefundStatus

pytestmark = pytest.mark.django_db

USER, BUYER, RULE, SYSTEM = ActorKind.USER, ActorKind.BUYER, ActorKind.RULE, ActorKind.SYSTEM
F = RefundStatus


@pytest.fixture
def requester(shopify_store):
    """An agent who may approve refunds up to 50 USD alone."""
    return factories.user_with_role("requester", factories.AGENT, stores=[shopify_store], approval_limit="50")


@pytest.fixture
def people(requester, supervisor, agent):
    return {"requester": requester, "supervisor": supervisor, "agent": agent}


def refund_in(status: str, store, requested_by, amount: str = "30.00", method=None, **fields) -> Refund:
    ticket = factories.TicketFactory(store=store)
    if method:
        fields["method"] = method
    return factories.RefundFactory(
        ticket=ticket, status=status, requested_by=requested_by, amount=Decimal(amount), **fields
    )


# Who makes each move a user may make: the permission rules pick a different person per move.
USER_ACTOR = {
    (F.REQUESTED, F.PENDING_APPROVAL): "requester",
    (F.REQUESTED, F.APPROVED): "requester",  # 30.00 is within the requester's limit of 50
    (F.REQUESTED, F.REJECTED): "supervisor",
    (F.REQUESTED, F.CANCELLED): "requester",
    (F.PENDING_APPROVAL, F.APPROVED): "supervisor",  # not the requester
    (F.PENDING_APPROVAL, F.REJECTED): "supervisor",
    (F.PENDING_APPROVAL, F.CANCELLED): "requester",
    (F.APPROVED, F.CANCELLED): "requester",
    # A person executes only a manual refund (PayPal, store credit outside a platform).
    (F.APPROVED, F.EXECUTING): "requester",
    (F.EXECUTING, F.SUCCEEDED): "supervisor",
    (F.EXECUTING, F.FAILED): "supervisor",
    (F.FAILED, F.EXECUTING): "supervisor",  # a retry is a supervisor's decision
}
MANUAL_MOVES = {(F.APPROVED, F.EXECUTING), (F.EXECUTING, F.SUCCEEDED), (F.EXECUTING, F.FAILED)}

ALLOWED = [
    pytest.param(source, target, kind, id=f"{source}->{target}-by-{kind}")
    for source, target, kinds in REFUND.moves()
    for kind in sorted(kinds)
]


# --- every allowed move ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target", "kind"), ALLOWED)
def test_allowed_refund_move_changes_status_stamps_and_writes_one_audit_event(
    source, target, kind, people, requester, shopify_store
):
    manual = kind == USER and (source, target) in MANUAL_MOVES
    refund = refund_in(source, shopify_store, requester, method=RefundMethod.PAYPAL if manual else None)
    actor = people[USER_ACTOR[(source, target)]] if kind == USER else None
    events_before = AuditEvent.objects.count()
    started = timezone.now()

    transition_refund(
        refund,
        target,
        actor=actor,
        actor_kind=None if kind == USER else kind,
        reference="PAYPAL-7XK",
        failure_reason="PayPal account closed",
    )

    assert_moved_and_recorded(
        refund,
        machine=REFUND,
        source=source,
        target=target,
        actor=actor,
        kind=kind,
        store=shopify_store,
        started=started,
        events_before=events_before,
    )


def test_supervisor_approving_a_pending_refund_is_recorded_as_approver(supervisor, requester, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")

    transition_refund(refund, F.APPROVED, actor=supervisor)

    refund.refresh_from_db()
    assert refund.approved_by == supervisor
    assert audit_events_for(refund).get().after["approved_by"] == supervisor.pk


def test_supervisor_approving_someone_elses_requested_refund_is_recorded_as_approver(
    supervisor, requester, shopify_store
):
    refund = refund_in(F.REQUESTED, shopify_store, requester, amount="80.00")

    transition_refund(refund, F.APPROVED, actor=supervisor)

    refund.refresh_from_db()
    assert refund.status == F.APPROVED
    assert refund.approved_by == supervisor


def test_requester_approving_within_their_limit_is_recorded_on_the_refund(requester, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, requester, amount="50.00")

    transition_refund(refund, F.APPROVED, actor=requester)

    refund.refresh_from_db()
    assert refund.status == F.APPROVED
    assert (refund.approved_by, refund.self_approved, refund.approval_limit) == (requester, True, Decimal("50"))
    assert audit_events_for(refund).get().actor == requester


def test_supervisor_approving_someone_elses_refund_is_not_a_self_approval(supervisor, requester, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")

    transition_refund(refund, F.APPROVED, actor=supervisor)

    refund.refresh_from_db()
    assert (refund.approved_by, refund.self_approved, refund.approval_limit) == (supervisor, False, None)


def test_failed_refund_keeps_the_failure_reason(requester, shopify_store):
    refund = refund_in(F.EXECUTING, shopify_store, requester)

    transition_refund(refund, F.FAILED, actor=None, actor_kind=SYSTEM, failure_reason="card expired")

    refund.refresh_from_db()
    assert refund.failure_reason == "card expired"


def test_succeeded_refund_keeps_the_platform_refund_id(requester, shopify_store):
    refund = refund_in(F.EXECUTING, shopify_store, requester)

    transition_refund(refund, F.SUCCEEDED, actor=None, actor_kind=SYSTEM, platform_refund_id="gid://Refund/9")

    refund.refresh_from_db()
    assert refund.platform_refund_id == "gid://Refund/9"


def test_supervisor_may_cancel_someone_elses_refund(supervisor, requester, shopify_store):
    refund = refund_in(F.APPROVED, shopify_store, requester)

    transition_refund(refund, F.CANCELLED, actor=supervisor)

    refund.refresh_from_db()
    assert refund.status == F.CANCELLED
    assert refund.closed_at is not None


# --- refused moves -----------------------------------------------------------------------------

REFUSED = [
    pytest.param(F.SUCCEEDED, F.CANCELLED, "requester", id="succeeded->cancelled-by-requester"),
    pytest.param(F.SUCCEEDED, F.CANCELLED, SYSTEM, id="succeeded->cancelled-by-system"),
    pytest.param(F.REQUESTED, F.SUCCEEDED, SYSTEM, id="requested->succeeded-by-system"),
    pytest.param(F.REQUESTED, F.EXECUTING, SYSTEM, id="requested->executing-by-system"),
    pytest.param(F.PENDING_APPROVAL, F.EXECUTING, SYSTEM, id="pending_approval->executing-by-system"),
    pytest.param(F.EXECUTING, F.CANCELLED, SYSTEM, id="executing->cancelled-by-system"),
    pytest.param(F.SUCCEEDED, F.EXECUTING, SYSTEM, id="succeeded->executing-by-system"),
    pytest.param(F.FAILED, F.SUCCEEDED, "supervisor", id="failed->succeeded-by-supervisor"),
    pytest.param(F.REJECTED, F.APPROVED, "supervisor", id="rejected->approved-by-supervisor"),
    pytest.param(F.CANCELLED, F.REQUESTED, SYSTEM, id="cancelled->requested-by-system"),
    pytest.param(F.PENDING_APPROVAL, F.APPROVED, RULE, id="pending_approval->approved-by-rule"),
    pytest.param(F.PENDING_APPROVAL, F.APPROVED, SYSTEM, id="pending_approval->approved-by-system"),
    pytest.param(F.REQUESTED, F.REJECTED, RULE, id="requested->rejected-by-rule"),
    pytest.param(F.APPROVED, F.APPROVED, "supervisor", id="approved->approved-by-supervisor"),
]


@pytest.mark.parametrize(("source", "target", "who"), REFUSED)
def test_refused_refund_move_raises_and_changes_nothing(source, target, who, people, requester, shopify_store):
    refund = refund_in(source, shopify_store, requester)
    actor, kind = (people[who], None) if who in people else (None, who)
    before = row(refund)

    with pytest.raises(IllegalTransition):
        transition_refund(refund, target, actor=actor, actor_kind=kind)

    assert row(refund) == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("source", "target"), [(F.APPROVED, F.EXECUTING), (F.EXECUTING, F.SUCCEEDED), (F.EXECUTING, F.FAILED)]
)
def test_person_cannot_execute_a_refund_to_the_original_payment(source, target, supervisor, requester, shopify_store):
    refund = refund_in(source, shopify_store, requester)  # original payment: the platform executes it
    before = row(refund)

    with pytest.raises(NotAManualRefund):
        transition_refund(refund, target, actor=supervisor, reference="X-1", failure_reason="no")

    assert_refused_without_a_trace(refund, before)


def test_manual_refund_records_who_paid_it_and_the_reference(supervisor, requester, shopify_store):
    refund = refund_in(F.APPROVED, shopify_store, requester, method=RefundMethod.STORE_CREDIT)

    transition_refund(refund, F.EXECUTING, actor=requester)
    transition_refund(refund, F.SUCCEEDED, actor=requester, reference="  GIFT-CARD-0042 ")

    refund.refresh_from_db()
    assert (refund.status, refund.executed_by, refund.manual_reference) == (F.SUCCEEDED, requester, "GIFT-CARD-0042")
    assert audit_events_for(refund).latest("pk").after["manual_reference"] == "GIFT-CARD-0042"


def test_manual_refund_needs_a_reference_to_succeed(requester, shopify_store):
    refund = refund_in(F.EXECUTING, shopify_store, requester, method=RefundMethod.PAYPAL)
    before = row(refund)

    with pytest.raises(NotAManualRefund):
        transition_refund(refund, F.SUCCEEDED, actor=requester, reference="   ")

    assert_refused_without_a_trace(refund, before)


def test_agent_cannot_record_someone_elses_manual_refund(agent, requester, shopify_store):
    refund = refund_in(F.EXECUTING, shopify_store, requester, method=RefundMethod.PAYPAL)
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.SUCCEEDED, actor=agent, reference="PP-1")

    assert_refused_without_a_trace(refund, before)


def test_agent_cannot_retry_a_failed_refund(requester, shopify_store):
    refund = refund_in(F.FAILED, shopify_store, requester, failure_reason="timeout")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.EXECUTING, actor=requester)

    assert_refused_without_a_trace(refund, before)


def test_retry_keeps_the_same_refund_and_idempotency_key(supervisor, requester, shopify_store):
    refund = refund_in(F.FAILED, shopify_store, requester, failure_reason="timeout")
    key = refund.idempotency_key

    transition_refund(refund, F.EXECUTING, actor=supervisor)

    refund.refresh_from_db()
    assert (refund.status, refund.idempotency_key, Refund.objects.count()) == (F.EXECUTING, key, 1)


# --- the four-eyes rule ------------------------------------------------------------------------


def assert_refused_without_a_trace(refund, before):
    assert row(refund) == before
    assert not AuditEvent.objects.exists()


def test_supervisor_cannot_approve_their_own_pending_refund(supervisor, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, supervisor, amount="5000.00")
    before = row(refund)

    with pytest.raises(SelfApprovalForbidden):
        transition_refund(refund, F.APPROVED, actor=supervisor)

    assert_refused_without_a_trace(refund, before)


def test_a_stale_copy_cannot_turn_a_pending_refund_into_a_self_approval(supervisor, shopify_store):
    # The caller loaded the refund while it was requested (within the supervisor's own limit);
    # meanwhile it went to pending approval. The rule is decided on the stored row.
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, supervisor, amount="30.00")
    stale = Refund.objects.get(pk=refund.pk)
    stale.status = F.REQUESTED
    before = row(refund)

    with pytest.raises(SelfApprovalForbidden):
        transition_refund(stale, F.APPROVED, actor=supervisor)

    assert_refused_without_a_trace(refund, before)


def test_agent_cannot_approve_someone_elses_pending_refund(agent, requester, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=agent)

    assert_refused_without_a_trace(refund, before)


def test_agent_cannot_approve_someone_elses_requested_refund(agent, requester, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, requester, amount="10.00")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=agent)

    assert_refused_without_a_trace(refund, before)


def test_agent_cannot_reject_someone_elses_pending_refund(agent, requester, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.REJECTED, actor=agent)

    assert_refused_without_a_trace(refund, before)


def test_agent_above_their_approval_limit_cannot_self_approve(requester, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, requester, amount="50.01")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=requester)

    assert_refused_without_a_trace(refund, before)


def test_agent_without_an_approval_limit_cannot_self_approve(agent, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, agent, amount="1.00")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=agent)

    assert_refused_without_a_trace(refund, before)


def test_approval_limit_does_not_cover_a_refund_in_another_currency(requester, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, requester, amount="10.00", currency="EUR")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=requester)

    assert_refused_without_a_trace(refund, before)


@pytest.mark.parametrize("kind", [RULE, SYSTEM])
def test_automation_cannot_approve_a_refund_above_the_requesters_limit(kind, requester, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, requester, amount="80.00")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=None, actor_kind=kind)

    assert_refused_without_a_trace(refund, before)


def test_agent_cannot_cancel_someone_elses_refund(agent, requester, shopify_store):
    refund = refund_in(F.REQUESTED, shopify_store, requester)
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.CANCELLED, actor=agent)

    assert_refused_without_a_trace(refund, before)


def test_finance_cannot_move_a_refund(finance, requester, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")
    before = row(refund)

    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=finance)

    assert_refused_without_a_trace(refund, before)


def test_supervisor_of_another_store_gets_not_found(requester, shopify_store):
    outsider = factories.user_with_role("outsider", factories.SUPERVISOR, stores=[factories.StoreFactory()])
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")
    before = row(refund)

    with pytest.raises(NotFound):
        transition_refund(refund, F.APPROVED, actor=outsider)

    assert_refused_without_a_trace(refund, before)


def test_database_refuses_a_refund_approved_by_its_requester(requester, shopify_store):
    refund = refund_in(F.PENDING_APPROVAL, shopify_store, requester, amount="80.00")

    refund.approved_by = requester
    with pytest.raises(IntegrityError), transaction.atomic():
        refund.save()

    assert Refund.objects.get(pk=refund.pk).approved_by is None
