"""Ingest of orders: idempotent upserts, only forward, money as the platform sent it."""

import dataclasses
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from tests.ingest_records import buyer, line, money, order, refund, return_
from tickets.models import AuditEvent, Customer, Order, OrderLine, PlatformRefund, Ticket
from tickets.records import BuyerRecord
from tickets.services.ingest import ingest_records, upsert_order, upsert_return

pytestmark = pytest.mark.django_db


def test_new_order_is_created_with_lines_and_customer(shopify_store):
    result = upsert_order(order(), store=shopify_store)
    stored = Order.objects.get(store=shopify_store, external_id="O1")
    assert result.created and not result.updated
    assert (stored.number, stored.total_amount, stored.currency) == ("#1001", Decimal("50.00"), "USD")
    assert list(stored.lines.values_list("external_id", "quantity", "unit_price")) == [("L1", 2, Decimal("25.00"))]
    assert stored.customer.platform_customer_id == "C1"


AWKWARD = "Tab\there, line\nbreak, CR\r, back\\slash \\N, 引号「」 emoji 🧦 ü\u00a0nbsp"


def test_awkward_text_is_stored_exactly_as_sent(shopify_store):
    """PostgreSQL takes new rows as COPY text: tabs, newlines, backslashes and \\N stay what they were."""
    record = order(
        number="#1001\t\\N",
        buyer=buyer(name=AWKWARD, email="buyer1@example.com"),
        lines=(line(title=AWKWARD, sku="SKU\\1"),),
    )
    upsert_order(record, store=shopify_store)
    stored = Order.objects.get(store=shopify_store, external_id="O1")
    assert stored.number == "#1001\t\\N"
    assert stored.customer.name == AWKWARD
    assert list(stored.lines.values_list("title", "sku")) == [(AWKWARD, "SKU\\1")]


def test_same_order_twice_is_one_row_and_no_ticket_nor_audit(shopify_store):
    upsert_order(order(), store=shopify_store)
    second = upsert_order(order(), store=shopify_store)
    assert not second.created and not second.updated
    assert Order.objects.filter(store=shopify_store).count() == 1
    assert OrderLine.objects.filter(order__store=shopify_store).count() == 1
    assert Customer.objects.filter(store=shopify_store).count() == 1
    assert not Ticket.objects.filter(store=shopify_store).exists()
    assert not AuditEvent.objects.filter(store_id=shopify_store.pk).exists()


def test_newer_record_updates_the_order(shopify_store):
    upsert_order(order(), store=shopify_store)
    result = upsert_order(order(updated=5, status="shipped", tracking_number="1Z9"), store=shopify_store)
    stored = Order.objects.get(external_id="O1")
    assert result.updated
    assert (stored.platform_status, stored.tracking_number) == ("shipped", "1Z9")


def test_older_record_changes_nothing(shopify_store):
    upsert_order(order(updated=10, status="shipped"), store=shopify_store)
    result = upsert_order(order(updated=5, status="unshipped", total="10.00"), store=shopify_store)
    stored = Order.objects.get(external_id="O1")
    assert not result.created and not result.updated
    assert (stored.platform_status, stored.total_amount) == ("shipped", Decimal("50.00"))


def test_a_page_repeating_an_order_keeps_its_newest_version(shopify_store):
    ingest_records(shopify_store, [order(updated=9, status="shipped"), order(updated=1, status="unshipped")])
    assert Order.objects.get(external_id="O1").platform_status == "shipped"


def test_rounded_amount_is_stored_rounded_and_kept_raw(shopify_store):
    record = order(total="12.345", lines=(line(price="12.345"),))
    result = upsert_order(record, store=shopify_store)
    stored = Order.objects.get(external_id="O1")
    assert stored.total_amount == Decimal("12.34")
    assert stored.raw_amounts == {"total": "12.345", "lines.L1.unit_price": "12.345"}
    assert stored.lines.get().unit_price == Decimal("12.34")
    assert any("12.345" in note for note in result.notes)


def test_zero_decimal_currency_is_stored_whole(shopify_store):
    upsert_order(order(currency="JPY", total="1500"), store=shopify_store)
    stored = Order.objects.get(external_id="O1")
    assert (stored.total_amount, stored.currency, stored.raw_amounts) == (Decimal("1500"), "JPY", {})


def test_three_decimal_currency_keeps_three_decimals(shopify_store):
    upsert_order(order(currency="KWD", total="12.345"), store=shopify_store)
    stored = Order.objects.get(external_id="O1")
    assert (stored.total_amount, stored.raw_amounts) == (Decimal("12.345"), {})


def test_pending_order_without_total_is_stored_at_zero(shopify_store):
    upsert_order(order(total=None, status="pending", paid_at=None), store=shopify_store)
    assert Order.objects.get(external_id="O1").total_amount == Decimal("0")


def test_pending_update_keeps_the_previous_total(shopify_store):
    upsert_order(order(total="80.00"), store=shopify_store)
    upsert_order(order(updated=5, total=None, status="pending"), store=shopify_store)
    assert Order.objects.get(external_id="O1").total_amount == Decimal("80.00")


def test_presentment_and_shop_money_are_kept_apart(shopify_store):
    upsert_order(
        order(currency="EUR", total="46.00", shop_total=money("50.00", "USD")),
        store=shopify_store,
    )
    stored = Order.objects.get(external_id="O1")
    assert (stored.currency, stored.total_amount) == ("EUR", Decimal("46.00"))
    assert (stored.shop_currency, stored.shop_total_amount) == ("USD", Decimal("50.00"))


def test_customer_found_by_email_when_no_platform_id(shopify_store):
    known = factories.CustomerFactory(store=shopify_store, platform_customer_id="", email="kim@example.com")
    upsert_order(order(buyer=BuyerRecord(email="Kim@Example.com")), store=shopify_store)
    assert Order.objects.get(external_id="O1").customer_id == known.pk


def test_amazon_buyer_without_id_or_email_gets_no_customer(shopify_store):
    upsert_order(order(buyer=BuyerRecord(name="")), store=shopify_store)
    assert Order.objects.get(external_id="O1").customer is None
    assert not Customer.objects.filter(store=shopify_store).exists()


def test_same_external_id_in_two_stores_is_two_orders(shopify_store, ebay_store):
    upsert_order(order(), store=shopify_store)
    upsert_order(order(), store=ebay_store)
    assert Order.objects.filter(external_id="O1").count() == 2


def test_lines_are_upserted_by_external_id(shopify_store):
    upsert_order(order(), store=shopify_store)
    upsert_order(order(updated=5, lines=(line(price="20.00"), line("L2"))), store=shopify_store)
    lines = Order.objects.get(external_id="O1").lines.order_by("external_id")
    assert list(lines.values_list("external_id", "unit_price")) == [("L1", Decimal("20.00")), ("L2", Decimal("25.00"))]


def test_page_of_many_orders_is_ingested(shopify_store):
    records = [order(f"O{i}", f"#{2000 + i}", buyer=buyer(i % 7)) for i in range(60)]
    results = ingest_records(shopify_store, records)
    assert all(r.created for r in results)
    assert Order.objects.filter(store=shopify_store).count() == 60
    assert Customer.objects.filter(store=shopify_store).count() == 7


def test_order_arriving_after_its_return_adopts_the_return_ticket(shopify_store):
    upsert_return(return_(order_number="#1001"), store=shopify_store)
    orphan = Ticket.objects.get(store=shopify_store)
    assert orphan.order is None
    upsert_order(order(), store=shopify_store)
    orphan.refresh_from_db()
    assert orphan.order.external_id == "O1"


def test_embedded_refund_is_recorded(shopify_store):
    upsert_order(order(refunds=(refund(),)), store=shopify_store)
    stored = PlatformRefund.objects.get(store=shopify_store, external_id="RF1")
    assert stored.order.external_id == "O1"


@pytest.mark.parametrize(
    "bad",
    [
        {"total": "-5.00"},
        {"lines": (line(quantity=0),)},
        {"lines": (line(price="-1.00"),)},
        {"total": None, "paid_at": None, "currency_override": "us1"},
    ],
    ids=["negative-total", "zero-quantity", "negative-price", "bad-currency"],
)
def test_order_breaking_a_check_fails_the_page_instead_of_vanishing(shopify_store, bad):
    # SQLite's INSERT OR IGNORE would skip such a row silently; both databases refuse the page.
    override = bad.pop("currency_override", None)
    record = order("BAD", "#9", **bad)
    if override:  # PlatformAmount refuses such a code, a bare record currency does not
        record = dataclasses.replace(record, currency=override, lines=())
    with pytest.raises(IntegrityError, match="BAD"), transaction.atomic():
        ingest_records(shopify_store, [order("OK", "#10"), record])
    assert not Order.objects.filter(store=shopify_store).exists()
