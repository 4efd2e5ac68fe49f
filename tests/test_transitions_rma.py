"""RMA state machine through ``transition_rma``: every allowed move, refused moves, permissions."""

import pytest
from django.utils import timezone

from tests import factories
from tests.transitions import assert_moved_and_recorded, audit_events_for, row
from tickets.errors import DomainError, IllegalTransition, NotFound, PermissionDenied
from tickets.models import AuditEvent, QcResult, ReturnAuthorization
from tickets.services.rma import transition_rma
from tickets.states import RMA, ActorKind, RmaStatus

pytestmark = pytest.mark.django_db

USER, BUYER, RULE, SYSTEM = ActorKind.USER, ActorKind.BUYER, ActorKind.RULE, ActorKind.SYSTEM
M = RmaStatus


def rma_in(status: str, store, **fields) -> ReturnAuthorization:
    if status in (M.INSPECTED, M.CLOSED):
        fields.setdefault("qc_result", QcResult.PASS)
    return factories.RmaFactory(ticket=factories.TicketFactory(store=store), status=status, **fields)


# --- every allowed move ------------------------------------------------------------------------

ALLOWED = [
    pytest.param(source, target, kind, id=f"{source}->{target}-by-{kind}")
    for source, target, kinds in RMA.moves()
    for kind in sorted(kinds)
]


@pytest.mark.parametrize(("source", "target", "kind"), ALLOWED)
def test_allowed_rma_move_changes_status_stamps_and_writes_one_audit_event(source, target, kind, agent, shopify_store):
    rma = rma_in(source, shopify_store)
    actor = agent if kind == USER else None
    qc = {"qc_result": QcResult.PASS} if target == M.INSPECTED else {}
    events_before = AuditEvent.objects.count()
    started = timezone.now()

    transition_rma(rma, target, actor=actor, actor_kind=None if kind == USER else kind, **qc)

    assert_moved_and_recorded(
        rma,
        machine=RMA,
        source=source,
        target=target,
        actor=actor,
        kind=kind,
        store=shopify_store,
        started=started,
        events_before=events_before,
    )


def test_inspection_records_the_qc_result_note_and_restock(agent, shopify_store):
    rma = rma_in(M.RECEIVED, shopify_store)

    transition_rma(rma, M.INSPECTED, actor=agent, qc_result=QcResult.PASS, qc_note="Unworn, tags on", restock=True)

    rma.refresh_from_db()
    assert (rma.qc_result, rma.qc_note, rma.restock) == (QcResult.PASS, "Unworn, tags on", True)
    event = audit_events_for(rma).get()
    assert event.before["qc_result"] == ""
    assert event.after["qc_result"] == QcResult.PASS


def test_a_failed_inspection_is_never_restocked(agent, shopify_store):
    rma = rma_in(M.RECEIVED, shopify_store)

    transition_rma(rma, M.INSPECTED, actor=agent, qc_result=QcResult.FAIL, qc_note="Stained", restock=True)

    rma.refresh_from_db()
    assert rma.qc_result == QcResult.FAIL
    assert rma.restock is False


@pytest.mark.parametrize("qc_result", ["", "maybe"])
def test_inspection_without_a_pass_or_fail_is_refused(qc_result, agent, shopify_store):
    rma = rma_in(M.RECEIVED, shopify_store)
    before = row(rma)

    with pytest.raises(DomainError):
        transition_rma(rma, M.INSPECTED, actor=agent, qc_result=qc_result)

    assert row(rma) == before
    assert not AuditEvent.objects.exists()


# --- refused moves -----------------------------------------------------------------------------

REFUSED = [
    pytest.param(M.REQUESTED, M.RECEIVED, USER, id="requested->received-by-user"),
    pytest.param(M.REQUESTED, M.IN_TRANSIT, SYSTEM, id="requested->in_transit-by-system"),
    pytest.param(M.REJECTED, M.AUTHORIZED, USER, id="rejected->authorized-by-user"),
    pytest.param(M.CLOSED, M.REQUESTED, SYSTEM, id="closed->requested-by-system"),
    pytest.param(M.AUTHORIZED, M.REJECTED, USER, id="authorized->rejected-by-user"),
    pytest.param(M.IN_TRANSIT, M.AUTHORIZED, RULE, id="in_transit->authorized-by-rule"),
    pytest.param(M.RECEIVED, M.CLOSED, USER, id="received->closed-by-user"),
    pytest.param(M.REQUESTED, M.AUTHORIZED, BUYER, id="requested->authorized-by-buyer"),
]


@pytest.mark.parametrize(("source", "target", "kind"), REFUSED)
def test_refused_rma_move_raises_and_changes_nothing(source, target, kind, agent, shopify_store):
    rma = rma_in(source, shopify_store)
    actor = agent if kind == USER else None
    before = row(rma)

    with pytest.raises(IllegalTransition):
        transition_rma(rma, target, actor=actor, actor_kind=None if kind == USER else kind)

    assert row(rma) == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("kind", [RULE, SYSTEM])
def test_automation_cannot_record_an_inspection(kind, shopify_store):
    rma = rma_in(M.RECEIVED, shopify_store)
    before = row(rma)

    with pytest.raises(IllegalTransition):
        transition_rma(rma, M.INSPECTED, actor=None, actor_kind=kind, qc_result=QcResult.PASS)

    assert row(rma) == before
    assert not AuditEvent.objects.exists()


# --- permissions -------------------------------------------------------------------------------


def test_finance_cannot_move_an_rma(finance, shopify_store):
    rma = rma_in(M.REQUESTED, shopify_store)
    before = row(rma)

    with pytest.raises(PermissionDenied):
        transition_rma(rma, M.AUTHORIZED, actor=finance)

    assert row(rma) == before
    assert not AuditEvent.objects.exists()


def test_agent_of_another_store_gets_not_found_moving_an_rma(other_agent, shopify_store):
    rma = rma_in(M.REQUESTED, shopify_store)
    before = row(rma)

    with pytest.raises(NotFound):
        transition_rma(rma, M.AUTHORIZED, actor=other_agent)

    assert row(rma) == before
    assert not AuditEvent.objects.exists()
