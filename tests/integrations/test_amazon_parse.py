"""Amazon payloads → records: every file under fixtures/marketplaces/amazon/ and the documented
variants (no total yet, zero-decimal yen, lenient flags, short TSV rows, gzip + charsets)."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from integrations.amazon import client, parse
from integrations.amazon.adapter import AmazonAdapter
from integrations.base import PermanentError
from tickets.records import DisputeRecord, ReturnRecord

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces" / "amazon"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_fixture_directory_resolves():
    assert (FIXTURES / "getOrders.example.json").is_file()


# --- orders v0 --------------------------------------------------------------------------------
def test_v0_pending_order_has_no_total_and_takes_the_marketplace_currency():
    records, failures, token, _mark = parse.orders_page_v0(load("getOrders.example.json"))
    (order,) = records
    assert failures == []
    assert order.total is None and order.currency == "USD"
    assert order.status == "pending" and order.fulfilment == "mfn"
    assert order.placed_at == datetime(2017, 1, 20, 19, 49, 35, tzinfo=UTC)
    assert order.buyer.name == "John Doe" and order.buyer.email == "user@example.com"
    assert token == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"


def test_v0_order_without_rdt_has_no_buyer_name_or_email():
    records, failures, token, mark = parse.orders_page_v0(load("getOrders.captured-without-rdt.json"))
    (order,) = records
    assert failures == []
    assert order.buyer.name == "" and order.buyer.email == "" and order.buyer.country == "US"
    assert order.total.amount == Decimal("305.20") and order.total.currency == "USD"
    assert order.fulfilment == "fba" and order.status == "shipped"
    assert order.updated_at == datetime(2025, 7, 17, 11, 41, 30, tzinfo=UTC)
    assert "+" in token and "/" in token
    assert mark == datetime(2025, 8, 14, 4, 18, 21, tzinfo=UTC)


def test_replacement_flag_string_false_reads_as_false():
    order = load("getOrders.captured-without-rdt.json")["payload"]["Orders"][0]
    assert order["IsReplacementOrder"] == "false"
    assert parse.flag(order["IsReplacementOrder"]) is False
    assert parse.flag("true") is True and parse.flag(True) is True and parse.flag("") is False


def test_v0_sandbox_pages_parse_with_epoch_created_before():
    records, failures, token, mark = parse.orders_page_v0(load("getOrders.sandbox1.json")["response"])
    assert failures == [] and token == ""
    assert [r.total.amount for r in records] == [Decimal("11.01"), Decimal("11.01")]
    assert all(r.status == "unshipped" for r in records)
    assert mark.year == 2019 and mark.tzinfo is UTC
    records2, _f, token2, _m = parse.orders_page_v0(load("getOrders.sandbox2.json")["response"])
    assert records2[0].total is None and token2


def test_v0_get_order_example_parses_as_one_order():
    order = parse.order_v0(load("getOrder.example.json")["payload"])
    assert order.external_id == "902-3159896-1390916" and order.total is None


def test_v0_order_items_in_yen_round_to_whole_yen_and_keep_the_raw_text():
    items = parse.order_items_v0(load("getOrderItems.example.json"))
    order = parse.order_v0(
        {"AmazonOrderId": "903-1671087-0812628", "PurchaseDate": "2013-09-07T02:00:00Z", "OrderStatus": "Shipped"},
        items=items,
    )
    first, second = order.lines
    assert order.currency == "JPY"
    assert first.unit_price.amount == Decimal("26") and first.unit_price.raw == "25.99"
    assert second.quantity == 2 and second.unit_price.amount == Decimal("9") and second.unit_price.raw == "8.975"


def test_v0_unpadded_amounts_and_non_ascii_titles():
    order = parse.order_v0(
        {
            "AmazonOrderId": "028-1234567-1234567",
            "PurchaseDate": "2025-10-01T08:00:00+02:00",
            "OrderStatus": "PartiallyShipped",
            "OrderTotal": {"CurrencyCode": "EUR", "Amount": "5"},
            "BuyerInfo": {},
        },
        items=[
            {
                "OrderItemId": "1",
                "Title": "Größe 42 – Turnschuhe",
                "QuantityOrdered": 1,
                "ItemPrice": {"CurrencyCode": "EUR", "Amount": ".5"},
            }
        ],
    )
    assert order.total.amount == Decimal("5.00") and order.lines[0].unit_price.amount == Decimal("0.50")
    assert order.lines[0].title == "Größe 42 – Turnschuhe"
    assert order.placed_at == datetime(2025, 10, 1, 6, 0, tzinfo=UTC)
    assert order.status == "partially_shipped"


def test_canceled_v0_order_is_cancelled():
    order = parse.order_v0(
        {
            "AmazonOrderId": "1",
            "PurchaseDate": "2025-01-01T00:00:00Z",
            "OrderStatus": "Canceled",
            "MarketplaceId": "A1PA6795UKMFR9",
        }
    )
    assert order.cancelled and order.total is None and order.currency == "EUR"


# --- orders 2026-01-01 ------------------------------------------------------------------------
def test_search_orders_example_parses_totals_lines_and_tracking():
    body = load("orders2026.searchOrders.example.json")
    records, failures, token, mark = parse.orders_page_2026(body)
    (order,) = records
    assert failures == []
    assert order.total.amount == Decimal("154.99") and order.currency == "USD"
    assert [(line.sku, line.quantity, line.unit_price.amount) for line in order.lines] == [
        ("ECHO-DOT-4-CHARCOAL", 2, Decimal("49.99")),
        ("FIRE-TV-4K-2021", 1, Decimal("49.99")),
    ]
    assert order.status == "shipped" and order.fulfilment == "mfn"
    assert order.carrier == "UPS" and order.tracking_number == "1Z999AA1234567890"
    assert order.tracking_status == "delivered"
    assert order.shipped_at == datetime(2024, 12, 25, 14, 0, tzinfo=UTC)
    assert order.buyer.name == "John Smith"
    assert token == "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4"
    assert mark == datetime(2024, 12, 25, 15, 0, tzinfo=UTC)


def test_search_orders_without_proceeds_block_has_no_total():
    node = load("orders2026.searchOrders.example.json")["orders"][0]
    node = {k: v for k, v in node.items() if k not in {"proceeds", "buyer", "recipient"}}
    order = parse.order_2026(node)
    assert order.total is None and order.currency == "USD"
    assert order.buyer.name == "" and order.buyer.email == ""


def test_search_orders_yen_amounts_have_no_decimals():
    order = parse.order_2026(
        {
            "orderId": "503-1234567-1234567",
            "createdTime": "2026-01-05T01:00:00Z",
            "salesChannel": {"marketplaceId": "A1VC38T7YXB528"},
            "proceeds": {"grandTotal": {"amount": "19940", "currencyCode": "JPY"}},
            "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "AMAZON"},
            "orderItems": [
                {
                    "orderItemId": "9",
                    "quantityOrdered": 1,
                    "product": {
                        "title": "キャンバススニーカー 白 42",
                        "sellerSku": "SNK",
                        "price": {"unitPrice": {"amount": "19940", "currencyCode": "JPY"}},
                    },
                }
            ],
        }
    )
    assert order.total.amount == Decimal("19940") and order.total.currency == "JPY" and not order.total.rounded
    assert order.fulfilment == "fba" and order.lines[0].title == "キャンバススニーカー 白 42"


def test_one_malformed_order_becomes_a_failure_and_the_rest_parse():
    body = load("orders2026.searchOrders.example.json")
    good = body["orders"][0]
    bad = {
        **good,
        "orderId": "999-0000000-0000000",
        "proceeds": {"grandTotal": {"amount": "12,50", "currencyCode": "USD"}},
    }
    records, failures, _t, _m = parse.orders_page_2026({**body, "orders": [bad, good]})
    assert [r.external_id for r in records] == ["123-4567890-1234567"]
    assert len(failures) == 1 and "999-0000000-0000000" in failures[0][1]


# --- limits, errors, tokens -------------------------------------------------------------------
def test_usage_plan_text_matches_the_client_quota():
    rate, burst = parse.usage_plan(text("getOrders.rate-limits.txt"))
    assert (rate, burst) == (0.0167, 20)
    assert (client.QUOTAS["getOrders"].rate, client.QUOTAS["getOrders"].burst) == (rate, burst)


def test_quota_exceeded_body_reads_as_one_line():
    assert parse.error_text(load("getOrders.429.body.json")) == (
        "QuotaExceeded: You exceeded your quota for the requested resource."
    )


def test_http_rate_limit_exchange_headers_and_bodies():
    exchange = text("http.rate-limit.assembled.txt")
    blocks = re.split(r"\n(?=HTTP/1\.1 )", exchange)
    ok = next(b for b in blocks if b.startswith("HTTP/1.1 200"))
    throttled = next(b for b in blocks if b.startswith("HTTP/1.1 429"))
    headers = dict(line.split(": ", 1) for line in ok.split("\n\n")[0].splitlines()[1:])
    assert parse.rate_limit(headers) == 0.0167
    body = json.loads(ok.split("\n\n")[1].splitlines()[0])
    records, _f, token, mark = parse.orders_page_v0(body)
    assert records == [] and token and mark == datetime(2026, 10, 1, 11, 58, tzinfo=UTC)
    throttled_headers = dict(line.split(": ", 1) for line in throttled.split("\n\n")[0].splitlines()[1:])
    assert parse.rate_limit(throttled_headers) is None and "Retry-After" not in throttled_headers
    assert parse.error_text(json.loads(throttled.split("\n\n")[1].strip())).startswith("QuotaExceeded")


def test_restricted_data_token_answers_read():
    pairs = load("tokens.createRestrictedDataToken.sandbox.json")
    tokens = [parse.restricted_data_token(pair["response"]) for pair in pairs]
    assert tokens[0] == ("Atz.sprdt|IQEBLjAsAhRmHjNgHpi0U-Dme37rR6CuUpSR", 3600)
    assert all(lifetime == 3600 for _, lifetime in tokens)


# --- reports ----------------------------------------------------------------------------------
def test_report_api_answers_read():
    assert load("createReport.response.json")["reportId"] == "ID323"
    assert parse.report_state(load("getReport.response.json")) == ("IN_PROGRESS", "")
    document_id, url, compression = parse.document_location(load("getReportDocument.response.json"))
    assert document_id == "0356cf79-b8b0-4226-b4b9-0ee058ea5760" and url.startswith("https://") and compression == ""


def test_flat_returns_report_parses_by_header_with_dates_at_utc_midnight():
    records, failures = parse.flat_returns(text("returns.GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE.captured.tsv"))
    assert failures == []
    (record,) = records
    assert isinstance(record, ReturnRecord)
    assert record.external_id == "DkXmPq7aRRMA" and record.order_external_id == "114-7720001-1234567"
    assert record.requested_at == datetime(2025, 7, 14, tzinfo=UTC)
    assert record.status == "authorized" and record.platform_status == "Approved"
    assert record.reason_code == "AMZ-PG-WJ-TOO-SMALL" and record.reason == "size"
    assert record.lines[0].quantity == 2 and record.lines[0].sku == "HP-WL-200"
    assert record.refund_amount is None and record.carrier == "USPS"


def test_flat_returns_short_blank_and_reordered_rows_and_a_to_z_claim():
    report = (
        "Order ID\tCategory\tReturn request date\tAmazon RMA ID\tCurrency code\tA-to-Z Claim\tMerchant SKU\t"
        "Return quantity\tReturn Reason\tOrder Item ID\tOrder Amount\tRefunded Amount\n"
        "\n"
        "028-1\tShoes\t02-Oct-2026\tRMA1\tEUR\tY\tSNK-42\t1\tNOT_AS_DESCRIBED\t111\t64.00\t64\n"
        "028-1\tShoes\t02-Oct-2026\tRMA1\tEUR\t \tSNK-43\t1\tNOT_AS_DESCRIBED\t112\n"
        " \t \t \n"
    )
    records, failures = parse.flat_returns(report)
    assert failures == []
    returned = [r for r in records if isinstance(r, ReturnRecord)]
    disputes = [r for r in records if isinstance(r, DisputeRecord)]
    assert len(returned) == 1 and [line.order_line_external_id for line in returned[0].lines] == ["111", "112"]
    assert returned[0].refund_amount.amount == Decimal("64.00") and returned[0].reason == "not_as_described"
    (claim,) = disputes
    assert claim.kind == "a_to_z" and claim.order_external_id == "028-1" and claim.amount.amount == Decimal("64.00")


def test_fba_returns_one_record_per_license_plate_with_iso_times():
    records, failures = parse.fba_returns(text("fba_customer_returns.report.tsv"))
    assert failures == [] and len(records) == 4
    assert [r.external_id for r in records] == ["LPNRR123456789", "LPNRR987654321", "LPNRR555000111", "LPNNC5N000ZVR"]
    assert records[0].requested_at == datetime(2026, 10, 2, 14, 5, 11, tzinfo=UTC)
    assert [r.reason for r in records] == ["size", "quality_defect", "damaged_in_transit", ""]
    assert records[3].reason_code == "NOT_COMPATIBLE" and "IMMEDIATE_DONATION" in records[3].platform_status
    assert records[2].lines[0].quantity == 2 and records[0].buyer_comment.startswith("Runs small")
    assert all(r.status == "received" for r in records)


def test_xml_returns_sum_units_per_sku_and_take_currency_from_the_label():
    records, failures = parse.xml_returns(text("returns.GET_XML_RETURNS_DATA_BY_RETURN_DATE.captured.xml"))
    assert failures == []
    (record,) = records
    assert record.external_id == "DJ1XPkq5RRMA" and record.order_external_id == "408-9386448-4007569"
    assert [(line.sku, line.quantity) for line in record.lines] == [("1050s200003-XL", 2)]
    assert record.refund_amount.amount == Decimal("119.80") and record.refund_amount.currency == "EUR"
    assert record.requested_at == datetime(2020, 11, 12, 12, 44, 17, tzinfo=UTC)
    assert record.reason == "size" and record.reason_code == "AMZ-PG-APP-TOO-SMALL"


def test_xml_returns_a_to_z_true_opens_a_dispute():
    report = text("returns.GET_XML_RETURNS_DATA_BY_RETURN_DATE.captured.xml").replace(
        "<a_to_z_claim>false</a_to_z_claim>", "<a_to_z_claim>true</a_to_z_claim>"
    )
    records, _failures = parse.xml_returns(report)
    (claim,) = [r for r in records if isinstance(r, DisputeRecord)]
    assert claim.kind == "a_to_z" and claim.amount.amount == Decimal("59.90")


def test_xml_parsing_refuses_entity_expansion():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><AmazonEnvelope>&b;</AmazonEnvelope>'
    )
    with pytest.raises(Exception) as caught:
        parse.xml_returns(bomb)
    assert "Entit" in type(caught.value).__name__ or "entit" in str(caught.value).lower()


def test_document_is_gunzipped_and_decoded_with_its_charset():
    data = gzip.compress("Order ID\tItem Name\n1\tGrößenänderung\n".encode("iso-8859-1"))
    decoded = parse.decode_document(data, content_type="text/plain; charset=ISO-8859-1", compression="GZIP")
    assert parse.tsv_rows(decoded)[0]["Item Name"] == "Größenänderung"


# --- feeds ------------------------------------------------------------------------------------
def test_feed_api_answers_read():
    assert (
        parse.document_location(load("createFeedDocument.response.json"))[0] == "3d4e42b5-1d6e-44e8-a89c-2abfca0625bb"
    )
    assert load("createFeed.response.json")["feedId"] == "3485934"
    assert parse.feed_state(load("getFeed.response.json")) == ("CANCELLED", "")


def test_payment_adjustment_fixture_reads_and_our_builder_writes_the_same_layout():
    (fixture,) = parse.read_adjustment_feed(text("payment_adjustment.feed.assembled.xml"))
    assert fixture.order_id == "114-7720001-1234567" and fixture.adjustment_id == "rf-7f3c2a"
    assert fixture.total.amount == Decimal("64.79") and fixture.total.currency == "USD"
    built = parse.adjustment_feed(
        merchant_id="A1EXAMPLEMERCHANT",
        order_id="114-7720001-1234567",
        adjustment_id="rf-7f3c2a",
        reason="CustomerReturn",
        items=[
            parse.Adjustment(
                "53027196891234",
                parse.PlatformAmount.parse("59.99", "USD"),
                parse.PlatformAmount.parse("4.80", "USD"),
            )
        ],
    )
    assert parse.read_adjustment_feed(built) == [fixture]
    fixture_tags = re.findall(r"<(\w+)[ >]", text("payment_adjustment.feed.assembled.xml"))
    assert re.findall(r"<(\w+)[ >]", built.decode()) == fixture_tags


def test_processing_report_error_is_read_for_our_message():
    report = parse.processing_report(text("feed.processingReport.error.xml"))
    assert report.status == "Complete" and report.errors == 1
    result = report.result_for("1")
    assert result.message_code == "18028" and "cannot be found" in result.description
    assert report.result_for("2") is None


# --- finances ---------------------------------------------------------------------------------
def test_refund_event_is_the_buyer_facing_amount_made_positive():
    records, failures, token = parse.financial_events(load("refund_events.assembled.json"))
    (refund,) = records
    assert failures == [] and token == ""
    assert refund.external_id == "114-7720001-1234567:53027196891234"
    assert refund.amount.amount == Decimal("64.79") and refund.amount.currency == "USD"
    assert refund.created_at == datetime(2026, 10, 6, 3, 12, 44, tzinfo=UTC) and refund.reference == ""


def test_financial_events_without_refunds_give_no_records_and_the_next_token():
    records, failures, token = parse.financial_events(load("listFinancialEventsByOrderId.response.json"))
    assert records == [] and failures == [] and token == "Next token value"


def test_refund_event_reference_is_the_merchant_adjustment_id():
    event = load("refund_events.assembled.json")["payload"]["FinancialEvents"]["RefundEventList"][0]
    assert parse.refund_event({**event, "MerchantAdjustmentID": "rf-1"}).reference == "rf-1"


# --- notifications ----------------------------------------------------------------------------
def test_order_change_is_a_fetch_this_order_signal():
    signal = parse.order_change(load("notification.ORDER_CHANGE.json"))
    assert signal.order_id == "903-8868176-2219830"
    assert signal.notification_id == "d0e9e693-c3ad-4373-979f-ed4ec98dd746"
    assert signal.changed_at == datetime(2022, 11, 29, 19, 42, 4, 284000, tzinfo=UTC)
    assert signal.buyer_requested_cancel and signal.change_type == "BuyerRequestedChange"


@pytest.mark.parametrize(
    ("name", "kind", "object_id", "status"),
    [
        ("notification.REPORT_PROCESSING_FINISHED.json", "report", "54517018502", "CANCELLED"),
        ("notification.FEED_PROCESSING_FINISHED.json", "feed", "53347018456", "DONE"),
    ],
)
def test_processing_finished_notifications_dedupe_on_notification_id(name, kind, object_id, status):
    signals = [parse.processing_finished(body) for body in load(name)]
    assert {(s.kind, s.object_id, s.processing_status) for s in signals} == {(kind, object_id, status)}
    assert len({s.notification_id for s in signals}) == 1 and all(s.document_id for s in signals)


# --- the adapter's pure parse -----------------------------------------------------------------
class _Connection:
    base_url = ""
    credentials = {"marketplace_ids": ["ATVPDKIKX0DER"]}
    quota_scale = 1


class _Store:
    pk = 1


def test_adapter_parse_reads_each_stream_body():
    adapter = AmazonAdapter(_Store(), _Connection())
    orders, _ = adapter.parse("orders", load("orders2026.searchOrders.example.json"))
    v0_orders, _ = adapter.parse("orders", load("getOrders.captured-without-rdt.json"))
    refunds, _ = adapter.parse("refunds", load("refund_events.assembled.json"))
    returns, _ = adapter.parse(
        "returns",
        {"report_type": parse.FBA_RETURNS_REPORT, "text": text("fba_customer_returns.report.tsv")},
    )
    assert (len(orders), len(v0_orders), len(refunds), len(returns)) == (1, 1, 1, 4)


def test_adapter_parse_refuses_an_unreadable_answer():
    adapter = AmazonAdapter(_Store(), _Connection())
    with pytest.raises(PermanentError):
        adapter.parse("orders", {"unexpected": True})
