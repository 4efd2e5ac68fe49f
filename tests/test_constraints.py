"""The database itself refuses rows that break the domain's rules, whatever code writes them."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests import factories
from tickets.models import Direction, Message, Rule, RuleEvent, RuleRun, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return factories.StoreFactory()


@pytest.fixture
def ticket(store):
    return factories.TicketFactory(store=store)


def test_duplicate_order_external_id_in_one_store_is_refused(store):
    factories.OrderFactory(store=store, external_id="gid://shopify/Order/1")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderFactory(store=store, external_id="gid://shopify/Order/1")


def test_same_order_external_id_in_two_stores_is_allowed(store):
    factories.OrderFactory(store=store, external_id="gid://shopify/Order/1")
    factories.OrderFactory(store=factories.StoreFactory(), external_id="gid://shopify/Order/1")


def test_duplicate_inbound_platform_message_id_in_one_store_is_refused(ticket):
    factories.MessageFactory(ticket=ticket, platform_message_id="m-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MessageFactory(ticket=ticket, platform_message_id="m-1")


def test_outbound_message_may_share_an_inbound_platform_message_id(ticket):
    factories.MessageFactory(ticket=ticket, platform_message_id="m-1")
    factories.MessageFactory(ticket=ticket, platform_message_id="m-1", direction=Direction.OUTBOUND)
    factories.MessageFactory(ticket=ticket, platform_message_id="m-1", direction=Direction.OUTBOUND)

    assert Message.objects.filter(platform_message_id="m-1").count() == 3


def test_inbound_messages_without_a_platform_id_are_not_deduplicated(ticket):
    factories.MessageFactory(ticket=ticket, platform_message_id="")
    factories.MessageFactory(ticket=ticket, platform_message_id="")

    assert Message.objects.filter(ticket=ticket).count() == 2


@pytest.mark.parametrize("amount", ["0", "-0.01", "-30.00"])
def test_refund_amount_must_be_positive(amount, ticket):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RefundFactory(ticket=ticket, amount=Decimal(amount))


def test_refund_approved_by_its_requester_is_refused(ticket):
    requester = User.objects.create_user(username="self-approver")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RefundFactory(ticket=ticket, requested_by=requester, approved_by=requester)


def test_ticket_with_an_unknown_status_is_refused(store):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TicketFactory(store=store, status="archived")


def test_ticket_status_cannot_be_updated_to_an_unknown_value(ticket):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(status="archived")

    ticket.refresh_from_db()
    assert ticket.status == "new"


@pytest.mark.parametrize("score", [0, 6])
def test_csat_outside_1_to_5_is_refused(score, store):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TicketFactory(store=store, csat_score=score)


@pytest.mark.parametrize("score", [1, 5, None])
def test_csat_1_to_5_or_none_is_allowed(score, store):
    assert factories.TicketFactory(store=store, csat_score=score).csat_score == score


def test_order_line_quantity_zero_is_refused(store):
    order = factories.OrderFactory(store=store)

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.OrderLineFactory(order=order, quantity=0)


def test_rule_runs_once_per_event(ticket):
    rule = Rule.objects.create(name="Tag damaged", event=RuleEvent.MESSAGE_RECEIVED, actions=[])
    RuleRun.objects.create(rule=rule, ticket=ticket, event_id="evt-1", matched=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        RuleRun.objects.create(rule=rule, ticket=ticket, event_id="evt-1", matched=False)

    assert RuleRun.objects.filter(rule=rule).count() == 1


def test_rma_inspected_without_a_qc_result_is_refused(ticket):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RmaFactory(ticket=ticket, status="inspected", qc_result="")


def test_rma_inspected_with_a_qc_result_is_allowed(ticket):
    assert factories.RmaFactory(ticket=ticket, status="inspected", qc_result="fail").pk


def test_closed_ticket_without_closed_at_is_refused(store):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TicketFactory(store=store, status="closed", closed_at=None)


def test_closed_ticket_with_closed_at_is_allowed(store):
    assert factories.TicketFactory(store=store, status="closed", closed_at=timezone.now()).pk


def test_the_database_stays_usable_after_a_refused_write(store):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TicketFactory(store=store, status="archived")

    assert factories.TicketFactory(store=store).pk
    assert Ticket.objects.count() == 1
