"""Returns and disputes that arrive before their order wait on its id; eBay's legacy item-transaction ids."""

import pytest

from tests.ingest_records import dispute, line, order, return_
from tickets.models import Dispute, OrderLine, RmaLine, Ticket
from tickets.services.ingest import ingest_records, upsert_dispute, upsert_order, upsert_return

pytestmark = pytest.mark.django_db


def test_return_before_its_order_waits_on_the_orders_external_id(shopify_store):
    result = upsert_return(return_(order_ext="O7"), store=shopify_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert (ticket.order, ticket.awaiting_order_external_id) == (None, "O7")


def test_order_page_adopts_waiting_dispute_ticket_and_links_the_dispute(shopify_store):
    upsert_dispute(dispute(order_ext="O7"), store=shopify_store)
    ingest_records(shopify_store, [order("O7", "#1007")])
    ticket = Ticket.objects.get(store=shopify_store)
    assert ticket.order.external_id == "O7"
    assert ticket.awaiting_order_external_id == ""
    assert ticket.customer is not None
    assert Dispute.objects.get(store=shopify_store).order_id == ticket.order_id


def test_order_whose_id_only_appears_in_an_orphans_subject_adopts_nothing(shopify_store):
    upsert_return(return_(order_ext="O7"), store=shopify_store)
    Ticket.objects.filter(store=shopify_store).update(awaiting_order_external_id="")
    upsert_order(order("O7", "#1007"), store=shopify_store)
    assert Ticket.objects.get(store=shopify_store).order is None


def test_ebay_dispute_naming_item_and_transaction_finds_the_order_by_its_line(ebay_store):
    upsert_order(order("12-34567-89012", "12-34567-89012", lines=(line("2244668800"),)), store=ebay_store)
    result = upsert_dispute(dispute(order_ext="110012345678-2244668800"), store=ebay_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.order.external_id == "12-34567-89012"
    assert ticket.awaiting_order_external_id == ""
    assert Dispute.objects.get(store=ebay_store).order_id == ticket.order_id


def test_ebay_return_by_transaction_id_matches_the_line(ebay_store):
    from tickets.records import ReturnLineRecord

    upsert_order(order("12-34567-89012", "12-34567-89012", lines=(line("2244668800"),)), store=ebay_store)
    lines = (ReturnLineRecord(order_line_external_id="2244668800", quantity=1),)
    upsert_return(return_(order_ext="110012345678-2244668800", lines=lines), store=ebay_store)
    assert RmaLine.objects.get().order_line == OrderLine.objects.get(external_id="2244668800")


def test_legacy_id_of_another_stores_line_does_not_resolve(ebay_store, shopify_store):
    upsert_order(order("X1", "#1", lines=(line("2244668800"),)), store=shopify_store)
    result = upsert_dispute(dispute(order_ext="110012345678-2244668800"), store=ebay_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.order is None
    assert ticket.awaiting_order_external_id == "110012345678-2244668800"
