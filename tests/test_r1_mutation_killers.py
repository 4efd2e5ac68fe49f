"""Reviewer r1: tests that kill mutations of the refund services which tests/test_refund_requests.py
and tests/test_refund_guards.py let survive (all expected to pass on w13 as it is)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.refund_setup import ask
from tickets.errors import (
    DomainError,
    IdempotencyKeyReused,
    PermissionDenied,
    RefundExceedsRefundable,
    RefundRequestInvalid,
)
from tickets.models import ClosedMonth, Refund, RefundKind
from tickets.services import refund_decisions
from tickets.services.refunds import transition_refund
from tickets.states import ActorKind, RefundStatus, TicketStatus

F = RefundStatus
SYSTEM = {"actor": None, "actor_kind": ActorKind.SYSTEM}
pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(shopify_store):
    return factories.user_with_role("lim", factories.AGENT, stores=[shopify_store], approval_limit="10")


def test_a_pending_request_above_what_is_left_is_refused_too(ticket, limited):  # M08
    with pytest.raises(RefundExceedsRefundable):
        ask(ticket, limited, "110.01")  # above the limit: would wait, never self-approved
    assert not Refund.objects.exists()


def test_an_idempotency_key_of_another_ticket_is_refused(ticket, order, limited):  # M09
    key = uuid.uuid4()
    ask(ticket, limited, "5.00", idempotency_key=key)
    other = factories.TicketFactory(store=order.store, order=order, customer=order.customer)
    with pytest.raises(IdempotencyKeyReused):
        ask(other, limited, "5.00", idempotency_key=key)


def test_a_refund_whose_chosen_month_closed_meanwhile_counts_in_the_next_open_one(ticket, limited, supervisor):  # M10
    this_month = timezone.localdate().replace(day=1)
    refund = ask(ticket, limited, "5.00", attribution_month=this_month)
    ClosedMonth.objects.create(month=this_month, closed_by=supervisor)
    transition_refund(refund, F.EXECUTING, **SYSTEM)
    transition_refund(refund, F.SUCCEEDED, **SYSTEM)
    refund.refresh_from_db()
    assert refund.attribution_month == (this_month + timedelta(days=32)).replace(day=1)


def test_a_colleague_without_the_approve_permission_cannot_cancel(ticket, limited, shopify_store):  # M11
    colleague = factories.user_with_role("col", factories.AGENT, stores=[shopify_store], approval_limit="10")
    refund = ask(ticket, limited, "50.00")
    with pytest.raises(PermissionDenied):
        refund_decisions.cancel_refund(refund, actor=colleague)
    refund.refresh_from_db()
    assert refund.status == F.PENDING_APPROVAL


@pytest.mark.parametrize("lines", ["dup", "neg"])
def test_duplicate_and_negative_lines_are_refused(ticket, order, limited, lines):  # M15, M16
    shirt = order.lines.get(sku="SHIRT")
    given = [(shirt.pk, 1), (shirt.pk, 1)] if lines == "dup" else [(shirt.pk, -1)]
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited, None, lines=given)
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited, "5.00", lines=given)
    assert not Refund.objects.exists()


def test_a_pending_request_holds_its_lines(ticket, order, limited):  # M18
    cap = order.lines.get(sku="CAP")
    first = ask(ticket, limited, None, lines=[(cap.pk, 1)])
    assert first.status == F.PENDING_APPROVAL
    with pytest.raises(RefundRequestInvalid):
        ask(ticket, limited, None, lines=[(cap.pk, 1)])


def test_the_ticket_waits_while_another_request_is_pending(ticket, limited, supervisor):  # M28
    a = ask(ticket, limited, "50.00")
    ask(ticket, limited, "40.00")
    refund_decisions.approve_refund(a, actor=supervisor)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_APPROVAL


def test_a_requested_refund_with_policy_reasons_is_not_self_approved(ticket, shopify_store):  # M01, M03
    rich = factories.user_with_role("rich", factories.AGENT, stores=[shopify_store], approval_limit="1000")
    refund = factories.RefundFactory(
        ticket=ticket, status=F.REQUESTED, requested_by=rich, amount=Decimal("5.00"), approval_reasons=["return_risk"]
    )
    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, actor=rich)
    with pytest.raises(PermissionDenied):
        transition_refund(refund, F.APPROVED, **SYSTEM)


def test_an_agent_cannot_retry_even_through_transition_refund(ticket, limited, supervisor):  # M32
    refund = ask(ticket, limited, "50.00")
    refund_decisions.approve_refund(refund, actor=supervisor)
    transition_refund(refund, F.EXECUTING, **SYSTEM)
    transition_refund(refund, F.FAILED, failure_reason="x", **SYSTEM)
    with pytest.raises(DomainError):
        transition_refund(refund, F.EXECUTING, actor=limited)


def test_without_return_at_exactly_the_store_amount_needs_no_supervisor(ticket, shopify_store):  # M13
    shopify_store.refund_without_return_limit = Decimal("30.00")
    shopify_store.save()
    rich = factories.user_with_role("rich", factories.AGENT, stores=[shopify_store], approval_limit="1000")
    assert ask(ticket, rich, "30.00", kind=RefundKind.WITHOUT_RETURN).status == F.APPROVED
