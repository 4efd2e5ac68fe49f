"""Ingest of returns and disputes: tickets threaded to the order, RMAs moved by the state machine."""

import pytest

from tests import factories
from tests.ingest_records import dispute, order, return_
from tickets.models import AuditEvent, Channel, Dispute, ReturnAuthorization, Ticket
from tickets.records import ReturnLineRecord
from tickets.services.ingest import upsert_dispute, upsert_order, upsert_return
from tickets.states import RmaStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(shopify_store):
    upsert_order(order(), store=shopify_store)
    return shopify_store.orders.get(external_id="O1")


def test_new_return_opens_a_return_ticket_with_an_rma_and_its_lines(shopify_store, synced):
    result = upsert_return(return_(), store=shopify_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    rma = ReturnAuthorization.objects.get(store=shopify_store, external_id="R1")
    assert (ticket.type, ticket.channel, ticket.reason, ticket.language) == (
        "return",
        Channel.MARKETPLACE,
        "size",
        "de",
    )
    assert ticket.order == synced and rma.ticket == ticket
    assert rma.number.startswith("RMA-") and rma.reason_code == "TOO_SMALL"
    assert list(rma.lines.values_list("order_line__external_id", "quantity")) == [("L1", 1)]


def test_return_joins_the_orders_open_ticket(shopify_store, synced):
    ticket = factories.TicketFactory(store=shopify_store, order=synced)
    result = upsert_return(return_(), store=shopify_store)
    assert result.ticket_id == ticket.pk
    assert Ticket.objects.filter(store=shopify_store).count() == 1


def test_unknown_return_line_is_skipped_and_noted(shopify_store, synced):
    record = return_(lines=(ReturnLineRecord("L1", 1), ReturnLineRecord("NOPE", 1)))
    result = upsert_return(record, store=shopify_store)
    assert ReturnAuthorization.objects.get(external_id="R1").lines.count() == 1
    assert any("NOPE" in note for note in result.notes)


def test_redelivered_return_is_a_no_op(shopify_store, synced):
    upsert_return(return_(), store=shopify_store)
    events = AuditEvent.objects.count()
    again = upsert_return(return_(), store=shopify_store)
    assert not again.created and not again.updated
    assert ReturnAuthorization.objects.filter(store=shopify_store).count() == 1
    assert AuditEvent.objects.count() == events


def test_return_update_moves_the_rma_legally(shopify_store, synced):
    upsert_return(return_(), store=shopify_store)
    result = upsert_return(return_(status="in_transit", updated=30, tracking_number="TRK"), store=shopify_store)
    rma = ReturnAuthorization.objects.get(external_id="R1")
    assert result.updated
    assert (rma.status, rma.tracking_number) == (RmaStatus.IN_TRANSIT, "TRK")
    moves = AuditEvent.objects.filter(object_type="returnauthorization", action="rma.status_changed")
    assert [e.after["status"] for e in moves.order_by("pk")] == ["authorized", "in_transit"]


def test_return_state_not_reachable_is_kept_as_platform_status(shopify_store, synced):
    upsert_return(return_(status="received", updated=30), store=shopify_store)
    result = upsert_return(return_(status="closed", platform_status="CLOSED", updated=40), store=shopify_store)
    rma = ReturnAuthorization.objects.get(external_id="R1")
    assert (rma.status, rma.platform_status) == (RmaStatus.RECEIVED, "CLOSED")
    assert any("not reachable" in note for note in result.notes)


def test_older_return_update_changes_nothing(shopify_store, synced):
    upsert_return(return_(status="authorized", updated=30), store=shopify_store)
    upsert_return(return_(status="cancelled", updated=20), store=shopify_store)
    assert ReturnAuthorization.objects.get(external_id="R1").status == RmaStatus.AUTHORIZED


def test_return_before_its_order_names_the_order_and_has_no_lines(shopify_store):
    result = upsert_return(return_(order_number="#1001"), store=shopify_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.order is None and "#1001" in ticket.subject and ticket.awaiting_order_external_id == "O1"
    assert not ReturnAuthorization.objects.get(external_id="R1").lines.exists()


def test_dispute_opens_a_high_priority_dispute_ticket(shopify_store, synced):
    result = upsert_dispute(dispute(), store=shopify_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert (ticket.type, ticket.priority, ticket.channel, ticket.order) == (
        "dispute",
        "high",
        Channel.MARKETPLACE,
        synced,
    )
    assert Dispute.objects.get(store=shopify_store, external_id="D1").ticket == ticket


def test_dispute_joins_the_orders_open_ticket_and_raises_its_priority(shopify_store, synced):
    ticket = factories.TicketFactory(store=shopify_store, order=synced)
    result = upsert_dispute(dispute(), store=shopify_store)
    ticket.refresh_from_db()
    assert result.ticket_id == ticket.pk and ticket.priority == "high"
    assert Dispute.objects.get(external_id="D1").ticket == ticket


def test_dispute_closing_updates_the_dispute_only(shopify_store, synced):
    first = upsert_dispute(dispute(), store=shopify_store)
    upsert_dispute(dispute(status="closed", updated=50), store=shopify_store)
    assert Dispute.objects.get(external_id="D1").status == "closed"
    assert Ticket.objects.get(pk=first.ticket_id).status == "new"


def test_older_dispute_update_changes_nothing(shopify_store, synced):
    upsert_dispute(dispute(status="closed", updated=50), store=shopify_store)
    again = upsert_dispute(dispute(status="open", updated=30), store=shopify_store)
    assert not again.updated and Dispute.objects.get(external_id="D1").status == "closed"


def test_order_arriving_late_is_linked_to_its_dispute(shopify_store):
    upsert_dispute(dispute(respond_by=None), store=shopify_store)
    upsert_order(order(updated=60 * 24 * 2), store=shopify_store)
    assert Dispute.objects.get(external_id="D1").order.external_id == "O1"
