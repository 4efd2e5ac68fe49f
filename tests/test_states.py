"""The transition tables of Ticket, RMA and Refund, checked as pure data.

A check over every move passes vacuously when there are none, so each test that iterates a set
first asserts the set is not empty; ``empty_parameter_set_mark = "fail_at_collect"`` (pyproject)
does the same for parametrized lists."""

import pytest
from django.db import models

from tickets.models import Refund, RefundMethod, ReturnAuthorization, Ticket
from tickets.states import (
    MANUAL_REFUND_METHODS,
    REFUND,
    RMA,
    RMA_FINAL,
    TICKET,
    ActorKind,
    RefundStatus,
    RmaStatus,
    TicketStatus,
)

MACHINES = [
    pytest.param(TICKET, TicketStatus, Ticket, id="ticket"),
    pytest.param(RMA, RmaStatus, ReturnAuthorization, id="rma"),
    pytest.param(REFUND, RefundStatus, Refund, id="refund"),
]
USER, BUYER, RULE, SYSTEM = ActorKind.USER, ActorKind.BUYER, ActorKind.RULE, ActorKind.SYSTEM
# One parameter per move of every machine, so a failure names the move.
MOVES = [
    pytest.param(machine, source, target, kinds, id=f"{machine.name}:{source}->{target}")
    for machine in (TICKET, RMA, REFUND)
    for source, target, kinds in machine.moves()
]


def nonempty(items):
    """The items, after asserting there are some: a loop over nothing proves nothing."""
    items = list(items)
    assert items, "the set this test iterates is empty"
    return items


def test_empty_parameter_lists_fail_at_collection(pytestconfig):
    assert pytestconfig.getini("empty_parameter_set_mark") == "fail_at_collect"


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_machine_has_moves_from_every_non_terminal_state(machine, states, model):
    moves = nonempty(machine.moves())
    sources = {source for source, _, _ in moves}
    assert len(moves) == sum(len(targets) for targets in machine.transitions.values())
    assert sources == {state for state in states.values if not machine.is_terminal(state)}


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_state_has_a_row_in_its_table(machine, states, model):
    assert set(machine.transitions) == set(states.values)


@pytest.mark.parametrize(("machine", "source", "target", "kinds"), MOVES)
def test_every_move_joins_two_states_of_its_machine(machine, source, target, kinds):
    states = {"ticket": TicketStatus, "rma": RmaStatus, "refund": RefundStatus}[machine.name]
    assert {source, target} <= set(states.values)


@pytest.mark.parametrize(("machine", "source", "target", "kinds"), MOVES)
def test_every_move_names_at_least_one_known_actor_kind(machine, source, target, kinds):
    assert kinds, f"{source}->{target} allows nobody"
    assert set(kinds) <= set(ActorKind.values)


@pytest.mark.parametrize(("machine", "source", "target", "kinds"), MOVES)
def test_no_state_moves_to_itself(machine, source, target, kinds):
    assert source != target


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_initial_state_is_the_model_default(machine, states, model):
    assert machine.initial == model._meta.get_field("status").default


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_state_is_reachable_from_the_initial_state(machine, states, model):
    reached, frontier = {machine.initial}, [machine.initial]
    while frontier:
        for target in machine.targets(frontier.pop()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)

    assert reached == set(states.values)


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_stamp_is_a_datetime_field_of_the_model(machine, states, model):
    for state, field_name in nonempty(machine.stamps.items()):
        assert state in states.values
        assert isinstance(model._meta.get_field(field_name), models.DateTimeField)


@pytest.mark.parametrize(
    ("machine", "state"),
    [
        (TICKET, TicketStatus.CLOSED),
        (RMA, RmaStatus.CLOSED),
        (RMA, RmaStatus.REJECTED),
        (RMA, RmaStatus.EXPIRED),
        (RMA, RmaStatus.CANCELLED),
        (REFUND, RefundStatus.SUCCEEDED),
        (REFUND, RefundStatus.REJECTED),
        (REFUND, RefundStatus.CANCELLED),
    ],
)
def test_terminal_state_has_no_moves(machine, state):
    assert machine.is_terminal(state)
    assert not any(source == state for source, _, _ in machine.moves())


@pytest.mark.parametrize(
    ("machine", "states", "terminal"),
    [
        (TICKET, TicketStatus, {TicketStatus.CLOSED}),
        (RMA, RmaStatus, {RmaStatus.CLOSED, RmaStatus.REJECTED, RmaStatus.EXPIRED, RmaStatus.CANCELLED}),
        # A failed refund is not final: it may be retried (failed -> executing).
        (REFUND, RefundStatus, {RefundStatus.SUCCEEDED, RefundStatus.REJECTED, RefundStatus.CANCELLED}),
    ],
)
def test_only_the_terminal_states_are_terminal(machine, states, terminal):
    assert {state for state in states.values if machine.is_terminal(state)} == terminal


def test_resolved_ticket_is_closed_only_by_buyer_or_system():
    assert TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, BUYER)
    assert TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, SYSTEM)
    assert not TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, USER)
    assert not TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, RULE)


def test_rma_final_states_are_its_terminal_states():
    assert {state for state in RmaStatus.values if RMA.is_terminal(state)} == RMA_FINAL


def test_no_user_closes_a_ticket_from_any_state():
    closing = nonempty(kinds for _, target, kinds in TICKET.moves() if target == TicketStatus.CLOSED)
    assert all(USER not in kinds for kinds in closing)


def test_a_ticket_is_closed_only_after_resolution():
    sources = {source for source, target, _ in TICKET.moves() if target == TicketStatus.CLOSED}

    assert sources == {TicketStatus.RESOLVED}


@pytest.mark.parametrize(
    "source",
    [
        TicketStatus.WAITING_CUSTOMER,
        TicketStatus.WAITING_WAREHOUSE,
        TicketStatus.WAITING_APPROVAL,
        TicketStatus.RESOLVED,
    ],
)
def test_a_buyer_message_may_reopen_a_waiting_or_resolved_ticket(source):
    assert TICKET.allows(source, TicketStatus.OPEN, BUYER)


@pytest.mark.parametrize("target", [RefundStatus.EXECUTING, RefundStatus.SUCCEEDED, RefundStatus.FAILED])
def test_refund_execution_states_are_entered_by_the_outbox_or_a_person_never_a_rule(target):
    # The outbox executes platform refunds; a person records a manual one (PayPal or store credit
    # outside a platform, checked by the service). A rule or a buyer never moves money.
    entering = nonempty(moved_by for _, t, moved_by in REFUND.moves() if t == target)

    assert all(set(kinds) == {USER, SYSTEM} for kinds in entering)


def test_refund_is_executed_only_after_approval_or_as_a_retry_of_a_failure():
    sources = {source for source, target, _ in REFUND.moves() if target == RefundStatus.EXECUTING}

    assert sources == {RefundStatus.APPROVED, RefundStatus.FAILED}


def test_a_failed_refund_can_only_be_retried():
    assert REFUND.targets(RefundStatus.FAILED) == {RefundStatus.EXECUTING: {USER, SYSTEM}}


@pytest.mark.parametrize("outcome", [RefundStatus.SUCCEEDED, RefundStatus.FAILED])
def test_a_refund_outcome_follows_only_its_execution(outcome):
    sources = {source for source, target, _ in REFUND.moves() if target == outcome}

    assert sources == {RefundStatus.EXECUTING}


def test_manual_refund_methods_are_refund_methods_other_than_the_original_payment():
    assert MANUAL_REFUND_METHODS
    assert set(RefundMethod.values) >= MANUAL_REFUND_METHODS
    assert RefundMethod.ORIGINAL_PAYMENT not in MANUAL_REFUND_METHODS


def test_a_pending_refund_is_approved_or_rejected_only_by_a_user():
    assert REFUND.targets(RefundStatus.PENDING_APPROVAL)[RefundStatus.APPROVED] == {USER}
    assert REFUND.targets(RefundStatus.PENDING_APPROVAL)[RefundStatus.REJECTED] == {USER}


def test_no_buyer_moves_a_refund():
    assert all(BUYER not in kinds for _, _, kinds in nonempty(REFUND.moves()))


def test_a_buyer_may_only_cancel_an_rma():
    by_buyer = {(source, target) for source, target, kinds in RMA.moves() if BUYER in kinds}

    assert by_buyer == {
        (RmaStatus.REQUESTED, RmaStatus.CANCELLED),
        (RmaStatus.AUTHORIZED, RmaStatus.CANCELLED),
        (RmaStatus.IN_TRANSIT, RmaStatus.CANCELLED),
    }


def test_an_rma_is_cancelled_only_before_its_parcel_is_received():
    sources = {source for source, target, _ in RMA.moves() if target == RmaStatus.CANCELLED}

    assert sources == {RmaStatus.REQUESTED, RmaStatus.AUTHORIZED, RmaStatus.IN_TRANSIT}
    assert all(RULE not in kinds and SYSTEM not in kinds for _, t, kinds in RMA.moves() if t == RmaStatus.CANCELLED)


def test_only_automation_expires_an_authorized_rma():
    expiring = [(source, set(kinds)) for source, target, kinds in RMA.moves() if target == RmaStatus.EXPIRED]

    assert expiring == [(RmaStatus.AUTHORIZED, {RULE, SYSTEM})]


def test_rma_inspection_is_recorded_only_by_a_user():
    assert RMA.targets(RmaStatus.RECEIVED) == {RmaStatus.INSPECTED: {USER}}


def test_allows_is_false_for_an_unknown_state():
    assert not TICKET.allows("bogus", TicketStatus.OPEN, USER)
    assert not TICKET.allows(TicketStatus.NEW, "bogus", USER)
