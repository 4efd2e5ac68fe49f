"""The transition tables of Ticket, RMA and Refund, checked as pure data."""

import pytest
from django.db import models

from tickets.models import Refund, ReturnAuthorization, Ticket
from tickets.states import (
    REFUND,
    RMA,
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


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_state_has_a_row_in_its_table(machine, states, model):
    assert set(machine.transitions) == set(states.values)


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_target_is_a_state(machine, states, model):
    targets = {target for _, target, _ in machine.moves()}

    assert targets <= set(states.values)


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_every_move_names_at_least_one_known_actor_kind(machine, states, model):
    for source, target, kinds in machine.moves():
        assert kinds, f"{source}->{target} allows nobody"
        assert set(kinds) <= set(ActorKind.values)


@pytest.mark.parametrize(("machine", "states", "model"), MACHINES)
def test_no_state_moves_to_itself(machine, states, model):
    assert all(source != target for source, target, _ in machine.moves())


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
    for state, field_name in machine.stamps.items():
        assert state in states.values
        assert isinstance(model._meta.get_field(field_name), models.DateTimeField)


@pytest.mark.parametrize(
    ("machine", "state"),
    [
        (TICKET, TicketStatus.CLOSED),
        (RMA, RmaStatus.CLOSED),
        (RMA, RmaStatus.REJECTED),
        (REFUND, RefundStatus.SUCCEEDED),
        (REFUND, RefundStatus.FAILED),
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
        (RMA, RmaStatus, {RmaStatus.CLOSED, RmaStatus.REJECTED}),
        (
            REFUND,
            RefundStatus,
            {RefundStatus.SUCCEEDED, RefundStatus.FAILED, RefundStatus.REJECTED, RefundStatus.CANCELLED},
        ),
    ],
)
def test_only_the_terminal_states_are_terminal(machine, states, terminal):
    assert {state for state in states.values if machine.is_terminal(state)} == terminal


def test_resolved_ticket_is_closed_only_by_buyer_or_system():
    assert TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, BUYER)
    assert TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, SYSTEM)
    assert not TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, USER)
    assert not TICKET.allows(TicketStatus.RESOLVED, TicketStatus.CLOSED, RULE)


def test_no_user_closes_a_ticket_from_any_state():
    assert all(USER not in kinds for _, target, kinds in TICKET.moves() if target == TicketStatus.CLOSED)


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
def test_refund_execution_states_are_entered_only_by_the_system(target):
    kinds = {kind for _, t, moved_by in REFUND.moves() if t == target for kind in moved_by}

    assert kinds == {SYSTEM}


def test_refund_is_executed_only_after_approval():
    sources = {source for source, target, _ in REFUND.moves() if target == RefundStatus.EXECUTING}

    assert sources == {RefundStatus.APPROVED}


def test_a_pending_refund_is_approved_or_rejected_only_by_a_user():
    assert REFUND.targets(RefundStatus.PENDING_APPROVAL)[RefundStatus.APPROVED] == {USER}
    assert REFUND.targets(RefundStatus.PENDING_APPROVAL)[RefundStatus.REJECTED] == {USER}


def test_no_buyer_moves_a_refund_or_an_rma():
    assert all(BUYER not in kinds for _, _, kinds in REFUND.moves())
    assert all(BUYER not in kinds for _, _, kinds in RMA.moves())


def test_rma_inspection_is_recorded_only_by_a_user():
    assert RMA.targets(RmaStatus.RECEIVED) == {RmaStatus.INSPECTED: {USER}}


def test_allows_is_false_for_an_unknown_state():
    assert not TICKET.allows("bogus", TicketStatus.OPEN, USER)
    assert not TICKET.allows(TicketStatus.NEW, "bogus", USER)
