"""eBay payloads → records: every fixture under ebay/, the documented variants, errors and the
Trading notification signature."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from integrations.base import PermanentError
from integrations.ebay import parse, trading
from integrations.ebay.adapter import EbayAdapter, refund_request
from integrations.models import StoreConnection
from tickets.models import Store

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces" / "ebay"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def adapter() -> EbayAdapter:
    store = Store(pk=1, platform="ebay", currency="EUR")
    return EbayAdapter(
        store, StoreConnection(store=store, base_url="", credentials={"seller_username": "example_seller"})
    )


def test_fixture_folder_resolves():
    assert (FIXTURES / "fulfillment.getOrders.assembled.json").is_file()


# --- Fulfillment ---------------------------------------------------------------------------


def test_get_orders_fixture_parses_money_times_and_lines():
    records, failures = parse.parse_orders_page(load("fulfillment.getOrders.assembled.json"))
    assert failures == []
    first = records[0]
    assert first.external_id == "12-10952-44381"
    assert first.total.amount == Decimal("49.90") and first.total.currency == "EUR"
    assert first.updated_at == datetime(2026, 10, 6, 9, 12, 40, tzinfo=UTC)
    assert first.lines[0].unit_price.amount == Decimal("45.00")
    assert first.buyer.name == "Claire Dubois" and first.buyer.email.endswith("@members.ebay.com")


def test_get_orders_partial_refund_becomes_a_refund_record_with_status():
    records, _ = parse.parse_orders_page(load("fulfillment.getOrders.assembled.json"))
    refund = records[0].refunds[0]
    assert (refund.external_id, refund.amount.amount, refund.status) == ("5000123456", Decimal("10.00"), "succeeded")


def test_cancelled_order_is_marked_cancelled():
    records, _ = parse.parse_orders_page(load("fulfillment.getOrders.assembled.json"))
    assert records[1].cancelled and records[1].status == "canceled"


def test_ebay_collected_tax_is_not_the_sellers_money():
    records, _ = parse.parse_orders_page(load("fulfillment.getOrders.assembled.json"))
    us = records[1]
    assert us.total.amount == Decimal("43.18") and us.paid.amount == Decimal("39.98")


def test_unit_price_divides_line_cost_by_quantity():
    records, _ = parse.parse_orders_page(load("fulfillment.getOrders.assembled.json"))
    assert records[1].lines[0].unit_price.amount == Decimal("19.99")


def test_cross_border_order_is_in_the_buyers_currency_with_shop_total_beside():
    node = load("fulfillment.getOrders.assembled.json")["orders"][0]
    node["pricingSummary"]["total"] = {
        "value": "58.10",
        "currency": "EUR",
        "convertedFromValue": "49.38",
        "convertedFromCurrency": "GBP",
    }
    order = parse.parse_order(node)
    assert (order.currency, order.total.amount) == ("GBP", Decimal("49.38"))
    assert (order.shop_total.currency, order.shop_total.amount) == ("EUR", Decimal("58.10"))


def test_unpadded_and_over_precise_amounts_are_rounded_and_kept_raw():
    node = load("fulfillment.getOrders.assembled.json")["orders"][0]
    node["pricingSummary"]["total"] = {"value": "49.905", "currency": "EUR"}
    order = parse.parse_order(node)
    assert order.total.amount == Decimal("49.90") and order.total.raw == "49.905"
    node["pricingSummary"]["total"] = {"value": "5", "currency": "EUR"}
    assert parse.parse_order(node).total.amount == Decimal("5.00")


def test_zero_decimal_currency_order():
    node = load("fulfillment.getOrders.assembled.json")["orders"][0]
    node["pricingSummary"]["total"] = {"value": "1990", "currency": "JPY"}
    node["paymentSummary"]["refunds"] = []
    assert parse.parse_order(node).total.amount == Decimal("1990")


def test_immutable_user_id_is_not_used_as_a_name():
    node = load("fulfillment.getOrders.assembled.json")["orders"][1]
    node["buyer"] = {"username": "zj1k3m9q7rt2"}
    node["fulfillmentStartInstructions"] = []
    buyer = parse.parse_order(node).buyer
    assert buyer.platform_customer_id == "zj1k3m9q7rt2" and buyer.name == ""


def test_one_malformed_order_fails_alone():
    page = load("fulfillment.getOrders.assembled.json")
    page["orders"][0]["pricingSummary"]["total"]["value"] = "forty"
    records, failures = parse.parse_orders_page(page)
    assert [r.external_id for r in records] == ["05-10977-11234"] and "forty" in failures[0][1]


def test_issue_refund_request_shape_matches_the_fixture():
    fixture = load("fulfillment.issueRefund.request.assembled.json")
    built = refund_request(
        {
            "amount": "39.9",
            "currency": "EUR",
            "reason": "RMA-2026-000418",
            "lines": [{"line_external_id": "10052339841012", "quantity": 1}],
            "return_external_id": "5045812345",
        },
        "key-1",
    )
    assert set(built) == set(fixture)
    assert built["refundItems"][0] == fixture["refundItems"][0]
    assert built["reasonForRefund"] == "BUYER_RETURN" and built["comment"].startswith("key-1")


def test_refund_without_lines_is_order_level():
    built = refund_request({"amount": "12.5", "currency": "USD", "reason": "late", "lines": []}, "k")
    assert built["orderLevelRefundAmount"] == {"value": "12.50", "currency": "USD"}
    assert built["reasonForRefund"] == "ITEM_NOT_RECEIVED"


def test_issue_refund_response_fixture_is_pending():
    answer = load("fulfillment.issueRefund.response.assembled.json")
    assert answer["refundStatus"] == "PENDING" and parse.ident(answer["refundId"]) == "5000123999"


def test_429_body_is_a_rate_limit_not_the_daily_limit():
    body = load("sell.error.429.assembled.json")
    assert parse.is_rate_limit(body) and not parse.is_daily_limit(body)
    assert parse.error_text(body).startswith("2001:")


def test_call_limit_exceeded_is_the_daily_limit():
    body = load("sell.error.429.assembled.json")
    body["errors"][0]["longMessage"] = "Call limit exceeded for this application."
    assert parse.is_daily_limit(body)


# --- Post-Order ----------------------------------------------------------------------------


def test_return_search_fixture_parses():
    (record,), failures = parse.parse_returns_page(load("postorder.return.search.assembled.json"))
    assert failures == []
    assert (record.external_id, record.order_external_id, record.status) == (
        "5045812345",
        "12-10952-44381",
        "requested",
    )
    assert record.reason == "not_as_described" and record.reason_code == "NOT_AS_DESCRIBED"
    assert record.refund_amount.amount == Decimal("49.90") and record.refund_amount.currency == "EUR"
    assert record.respond_by == datetime(2026, 10, 6, 8, 1, 20, tzinfo=UTC)
    assert "laiton" in record.buyer_comment


def test_return_pulled_later_is_newer_than_its_replay():
    member = load("postorder.return.search.assembled.json")["members"][0]
    seen = datetime(2026, 10, 5, tzinfo=UTC)
    assert parse.parse_return(member, observed_at=seen).updated_at == seen
    assert parse.parse_return(member).updated_at == datetime(2026, 10, 3, 8, 1, 20, tzinfo=UTC)


def test_return_get_summary_state_is_read_and_full_detail_has_none():
    assert parse.return_state_of({"summary": {"state": "ITEM_SHIPPED"}}) == "ITEM_SHIPPED"
    detail = load("postorder.return.get.assembled.json")
    assert parse.return_state_of(detail) == ""
    assert parse.money(detail["detail"]["refundInfo"]["estimatedRefundDetail"]["totalAmount"]).amount == Decimal(
        "49.90"
    )


@pytest.mark.parametrize(
    ("state", "ours"),
    [
        ("ITEM_READY_TO_SHIP", "authorized"),
        ("ITEM_SHIPPED", "in_transit"),
        ("RETURN_REJECTED", "rejected"),
        ("CLOSED", "closed"),
    ],
)
def test_return_states_map(state, ours):
    assert parse.return_status(state) == ours


def test_inquiry_search_fixture_parses_with_string_ids():
    records, failures = parse.parse_disputes_page(load("postorder.inquiry.search.assembled.json"), "inquiry")
    assert failures == []
    assert [r.status for r in records] == ["waiting_seller", "closed"]
    assert records[0].external_id == "inquiry:5201234567"
    assert records[0].order_external_id == "294853990011-2940385799012"
    assert records[0].amount.amount == Decimal("43.18")


def test_case_search_integer_transaction_id_becomes_a_string():
    body = load("postorder.casemanagement.search.assembled.json")
    assert parse.dispute_kind_of(body) == "case"
    (record,), _ = parse.parse_disputes_page(body, "case")
    assert record.order_external_id == "294853000111-2940385000112"
    assert (record.kind, record.status, record.amount.amount) == ("case", "open", Decimal("19.99"))
    assert record.buyer.name == ""  # zj1k3m9q7rt2 is an immutable id


def test_post_order_error_body_is_read():
    body = load("postorder.error.assembled.json")
    assert parse.error_text(body) == "1003: The refund amount exceeds the allowed amount."


def test_post_order_issue_refund_request_and_response_money_are_numbers():
    request = load("postorder.issue_refund.request.assembled.json")
    assert parse.money(request["refundDetail"]["totalAmount"]).amount == Decimal("49.90")
    assert parse.money(request["refundDetail"]["itemizedRefundDetail"][1]["refundAmount"]).amount == Decimal("4.90")
    assert load("postorder.issue_refund.response.assembled.json") == {"refundStatus": "SUCCESS"}


def test_float_id_is_refused():
    with pytest.raises(ValueError):
        parse.ident(2940385000112.0)


# --- Messages ------------------------------------------------------------------------------


def test_get_conversations_fixture_yields_latest_buyer_messages():
    records, failures = parse.parse_conversations(
        load("commerce.message.getConversations.assembled.json"), seller="example_seller"
    )
    assert failures == []
    assert [r.thread_key for r in records] == ["2305158327015", "2305158300099"]
    assert "photo_lampe.jpg" in records[0].body_html and records[0].channel == "ebay"


def test_get_conversation_fixture_skips_the_sellers_own_message():
    records, _ = parse.parse_conversation(load("commerce.message.getConversation.assembled.json"))
    assert [r.external_id for r in records] == ["2305159100001", "2305159100123"]
    assert records[0].thread_key == "2305158300099"
    assert records[0].sent_at == datetime(2026, 10, 2, 12, 14, 40, tzinfo=UTC)


def test_message_body_text_is_escaped_into_html():
    records, _ = parse.parse_conversation(
        {
            "href": "https://api.ebay.com/commerce/message/v1/conversation/9",
            "messages": [
                {
                    "messageId": "1",
                    "createdDate": "2026-10-02T12:14:40.000Z",
                    "senderUsername": "käufer_1",
                    "recipientUsername": "s",
                    "messageBody": "<b>x</b> 東京",
                }
            ],
        }
    )
    assert records[0].body_html == "<p>&lt;b&gt;x&lt;/b&gt; 東京</p>"


def test_send_message_answer_spells_usernames_with_capital_n():
    fixture = load("commerce.message.sendMessage.assembled.json")
    assert "senderUserName" in fixture["response"] and "senderUsername" not in fixture["response"]
    assert set(fixture["request"]) <= {
        "conversationId",
        "messageText",
        "emailCopyToSender",
        "otherPartyUsername",
        "reference",
    }


def test_get_my_messages_keeps_external_id_for_replies():
    records, failures = parse.parse_trading_messages(
        (FIXTURES / "trading.GetMyMessages.response.assembled.xml").read_bytes()
    )
    assert failures == []
    (message,) = records
    assert (message.external_id, message.reply_to_id) == ("128756349012", "2098765432")
    assert message.body_html.startswith("<html><body><p>Bonjour")
    assert message.sent_at == datetime(2026, 10, 3, 7, 58, 2, tzinfo=UTC)


def test_trading_warning_with_entities_is_a_valid_answer():
    xml = (
        '<GetMyMessagesResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Warning</Ack><Messages><Message>'
        "<Sender>b</Sender><MessageID>1</MessageID><ExternalMessageID>2</ExternalMessageID>"
        "<Text>&lt;p&gt;Caf&#233; &amp; cr&#232;me&lt;/p&gt;</Text><ReceiveDate>2026-10-03T07:58:02.000Z</ReceiveDate>"
        "</Message></Messages></GetMyMessagesResponse>"
    )
    (record,), _ = parse.parse_trading_messages(xml)
    assert record.body_html == "<p>Café & crème</p>"


def test_trading_error_518_is_the_daily_limit():
    xml = (
        '<GetMyMessagesResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Failure</Ack>'
        "<Errors><ErrorCode>518</ErrorCode><LongMessage>Call usage limit has been reached.</LongMessage></Errors>"
        "</GetMyMessagesResponse>"
    )
    with pytest.raises(parse.TradingError) as caught:
        parse.parse_trading_messages(xml)
    assert caught.value.daily_limit


def test_adapter_parses_trading_stream_for_replays():
    text = (FIXTURES / "trading.GetMyMessages.response.assembled.xml").read_text(encoding="utf-8")
    records, _ = adapter().parse("messages:trading", {"text": text})
    assert records[0].reply_to_id == "2098765432"


def test_adapter_parse_of_an_unreadable_answer_is_permanent():
    with pytest.raises(PermanentError):
        adapter().parse("orders", ["not", "an", "answer"])


def test_get_my_messages_request_caps_ten_ids():
    assert "<MessageID>1</MessageID>" in trading.get_my_messages_request(["1"])
    with pytest.raises(ValueError):
        trading.get_my_messages_request([str(n) for n in range(11)])


# --- notification signature ----------------------------------------------------------------

NOTIFICATION = (FIXTURES / "trading.MyMessages.notification.soap.xml").read_text(encoding="utf-8")
KEYS = {"dev_id": "dev", "app_id": "app", "cert_id": "cert"}
STAMP = datetime(2005, 8, 4, 22, 52, 20, 701000, tzinfo=UTC)


def signed(xml: str) -> str:
    signature = base64.b64encode(hashlib.md5(b"2005-08-04T22:52:20.701Zdevappcert").digest()).decode()
    return xml.replace("ABC123==", signature)


def test_signature_is_base64_md5_of_timestamp_and_keys():
    assert (
        trading.notification_signature("2005-08-04T22:52:20.701Z", **KEYS)
        == base64.b64encode(hashlib.md5(b"2005-08-04T22:52:20.701Zdevappcert").digest()).decode()
    )


def test_published_sample_signature_does_not_verify():
    check = trading.verify_notification(NOTIFICATION, now=STAMP, **KEYS)
    assert not check.ok and check.reason == "bad signature"


def test_correctly_signed_fresh_notification_verifies():
    check = trading.verify_notification(signed(NOTIFICATION), now=STAMP + timedelta(seconds=30), **KEYS)
    assert check.ok and check.event == "MyMessageseBayMessageHeader" and check.message_ids == ("1989403",)


def test_stale_notification_is_rejected():
    check = trading.verify_notification(signed(NOTIFICATION), now=STAMP + timedelta(hours=1), **KEYS)
    assert not check.ok and check.reason == "stale timestamp"


def test_notification_body_parses_as_message_headers():
    (record,), _ = parse.parse_trading_messages(NOTIFICATION)
    assert record.external_id == "1989403" and record.reply_to_id == ""


def test_a_unit_price_divided_from_an_exact_line_cost_is_not_flagged_as_rounded():
    from integrations.ebay.parse import _order_line

    line = _order_line(
        {"lineItemId": "1", "quantity": 3, "lineItemCost": {"value": "10.00", "currency": "EUR"}, "title": "x"}
    )
    assert str(line.unit_price.amount) == "3.33" and line.unit_price.raw == ""
