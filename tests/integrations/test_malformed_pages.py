"""What a platform sends that we cannot read never stops a page or a stream: an amount too large
for any column, an order that is not an object, a quantity that is not a number, an XML entity
bomb, an adapter that trips over an answer. Each becomes a failure with its reason, the rest of the
page is ingested, and the stream's cursor records the error instead of a crash."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from integrations.amazon import parse as amazon
from integrations.ebay import parse as ebay
from integrations.models import SyncCursor
from integrations.sync import sync_stream
from tickets.errors import MoneyError
from tickets.records import PlatformAmount

from .pipe_sandbox import connect, fresh_quota_fixture, rewrite_answers, sandbox_fixture  # noqa: F401 - fixtures

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces"
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<GetMyMessagesResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>&lol2;</Ack></GetMyMessagesResponse>"""


def test_an_amount_too_large_for_any_column_is_a_money_error_not_a_crash():
    with pytest.raises(MoneyError):
        PlatformAmount.parse("1e30", "USD")


def search_orders() -> dict:
    return json.loads((FIXTURES / "amazon" / "orders2026.searchOrders.example.json").read_text())


@pytest.mark.parametrize(
    "spoil",
    [
        lambda orders: orders.insert(0, "not an order"),
        lambda orders: orders[0]["orderItems"][0].update(quantityOrdered="abc"),
        lambda orders: orders[0]["orderItems"][0]["product"]["price"]["unitPrice"].update(amount="1e30"),
    ],
    ids=["a string for an order", "a quantity that is no number", "an amount of 1e30"],
)
def test_one_malformed_amazon_order_is_a_failure_and_the_others_still_parse(spoil):
    body = search_orders()
    body["orders"].append(copy.deepcopy(body["orders"][0]) | {"orderId": "999-0000000-0000001"})
    spoil(body["orders"])
    records, failures, _token, _mark = amazon.orders_page_2026(body)
    assert len(failures) == 1 and failures[0][1]
    assert len(records) == len(body["orders"]) - 1


def test_an_amazon_order_past_pending_counts_its_total_as_paid():
    records = amazon.orders_page_2026(search_orders())[0]
    for record in records:
        if record.status in ("pending", "canceled") or record.total is None:
            assert record.paid is None
        else:
            assert record.paid == record.total and record.paid_at is not None
    assert any(record.paid for record in records)


def test_an_xml_entity_bomb_is_an_unreadable_answer_not_a_crash():
    with pytest.raises(ebay.UnreadablePayload):
        ebay.trading_root(BOMB)
    with pytest.raises(amazon.ParseError):
        amazon.xml_returns(BOMB.decode())


@pytest.mark.django_db
def test_an_adapter_tripping_over_an_answer_records_the_error_on_the_cursor(sandbox):
    store = connect(sandbox, "shopify", "spoilt")
    # The orders connection arrives as a string: nothing on the page can be read.
    rewrite_answers(sandbox, "shopify", "graphql", lambda body: body.get("data", {}).update(orders=42))
    outcome = sync_stream(store.pk, "orders")
    cursor = SyncCursor.objects.get(store=store, stream="orders")
    assert outcome.status == "error" and cursor.last_error and cursor.consecutive_failures == 1
    assert cursor.position == {}  # the cursor did not move past what it could not read
