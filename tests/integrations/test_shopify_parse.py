"""Shopify parsers against every fixture file under shared/fixtures/marketplaces/shopify, and the
documented variants: presentment vs shop money, no total, numbers vs strings, unpadded and
over-precise decimals, zero- and three-decimal currencies, shop offsets, non-ASCII."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from integrations.http import retry_after
from integrations.shopify import client as gql
from integrations.shopify import parse
from integrations.shopify.adapter import ShopifyAdapter, build_refund_input
from integrations.shopify.webhooks import signature, verify
from tickets.records import OrderRecord, PlatformAmount, RefundRecord, ReturnRecord

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces" / "shopify"
SECRET = "test-webhook-secret"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def utc(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0


def adapter() -> ShopifyAdapter:
    class Store:
        pk, marketplace = 1, "example-store.myshopify.com"

    class Connection:
        base_url, credentials, quota_scale = "", {"access_token": "x"}, 1

    return ShopifyAdapter(Store(), Connection())


def test_fixture_folder_resolves():
    assert (FIXTURES / "graphql.orders.page.assembled.json").is_file()


# --- GraphQL ------------------------------------------------------------------------------------


def test_graphql_orders_page_gives_order_in_presentment_money_with_refund_and_tracking():
    records, failures, page_info = parse.parse_orders_page(load("graphql.orders.page.assembled.json"))
    assert failures == []
    (order,) = records
    assert order.external_id == "gid://shopify/Order/5624547301464"
    assert order.number == "#1047"
    assert (order.total.amount, order.currency) == (Decimal("129.90"), "EUR")
    assert order.lines[0].unit_price.money.amount == Decimal("119.90")
    assert order.tracking_status == "delivered" and order.tracking_number == "1Z999AA10123456784"
    assert order.buyer.name == "Anna Müller" and order.buyer.country == "DE"
    (refund,) = order.refunds
    assert (refund.amount.amount, refund.amount.currency) == (Decimal("20.00"), "EUR")
    assert all(utc(t) for t in (order.placed_at, order.updated_at, order.delivered_at, refund.created_at))
    assert page_info["hasNextPage"] is True


def test_graphql_order_returns_map_open_to_authorized_and_declined_to_rejected():
    order = load("graphql.order.returns.assembled.json")["response"]["data"]["order"]
    opened, declined = (parse.parse_return_node(n, order_id=order["id"]) for n in order["returns"]["nodes"])
    assert (opened.status, opened.platform_status, opened.reason, opened.reason_code) == (
        "authorized",
        "OPEN",
        "quality_defect",
        "DEFECTIVE",
    )
    assert opened.buyer_comment == "Reißverschluss klemmt nach zwei Tagen."
    assert opened.lines[0].order_line_external_id == "gid://shopify/LineItem/14463926419544"
    assert opened.updated_at == datetime(2026, 10, 3, 15, 20, 2, tzinfo=UTC)
    assert (declined.status, declined.reason) == ("rejected", "size")


def test_return_request_answer_without_created_at_is_a_parse_error_not_a_crash():
    node = load("graphql.returnRequest.assembled.json")["response"]["data"]["returnRequest"]["return"]
    with pytest.raises(parse.ParseError, match="quantity|createdAt"):
        parse.parse_return_node(node, order_id=node["order"]["id"])
    assert parse.return_reason(node["returnLineItems"]["edges"][0]["node"]["returnReason"]) == "not_as_described"


def test_refund_create_answer_gives_reference_and_amount():
    refund = load("graphql.refundCreate.response.assembled.json")["data"]["refundCreate"]["refund"]
    result = ShopifyAdapter._refund_result(refund)
    assert result.done and result.reference == "gid://shopify/Refund/941286326360"
    assert (result.amount.amount, result.amount.currency) == (Decimal("99.90"), "EUR")


def test_refund_create_request_builder_matches_the_documented_shape_without_notify_or_over_refund():
    documented = load("graphql.refundCreate.request.assembled.json")
    wanted = PlatformAmount.parse("99.90", "EUR")
    parent = {"id": "gid://shopify/OrderTransaction/6874194739288", "gateway": "shopify_payments"}
    payload = {"reason": "quality defect", "lines": [{"line_external_id": "gid://shopify/LineItem/1", "quantity": 1}]}
    built = build_refund_input("gid://shopify/Order/5624547301464", "EUR", parent, wanted, payload, "key-123456")
    assert set(documented["variables"]["input"]) <= set(built)
    assert set(documented["variables"]["input"]["transactions"][0]) == set(built["transactions"][0])
    assert built["transactions"][0]["amount"] == "99.90" and built["notify"] is False
    assert "allowOverRefunding" not in built
    assert parse.reference_in_note(built["note"]) == "key-123456"
    assert "@idempotent(key: $key)" in gql.REFUND_CREATE_MUTATION and "@idempotent(key: $key)" in documented["query"]


def test_refund_create_user_errors_read_as_one_message():
    body = load("graphql.refundCreate.userErrors.assembled.json")["data"]["refundCreate"]
    assert parse.user_errors(body) == "transactions.0.amount: Refund amount exceeds the refundable amount of 29.90"


def test_return_approve_request_variables_match_the_documented_example():
    documented = load("graphql.returnApproveRequest.request.json")
    assert "returnApproveRequest(input: $input)" in gql.RETURN_APPROVE_MUTATION.replace("\n", " ")
    assert set(documented["variables"]["input"]) == {"id"}


def test_return_approve_answer_has_no_user_errors_and_open_status():
    body = load("graphql.returnApproveRequest.response.assembled.json")
    result = body["data"]["returnApproveRequest"]
    assert parse.user_errors(result) == "" and result["return"]["status"] == "OPEN"
    assert not parse.is_throttled(body)


def test_return_approve_user_errors_carry_their_code():
    result = load("graphql.returnApproveRequest.userErrors.assembled.json")["data"]["returnApproveRequest"]
    assert parse.user_errors(result).endswith("(INVALID_STATE)")


def test_throttled_answer_waits_requested_minus_available_over_restore_rate():
    body = load("graphql.throttled.response.json")
    assert parse.is_throttled(body)
    assert parse.throttle_wait(body) == pytest.approx((752 - 310) / 100)


def test_captured_throttled_answer_with_integer_numbers_is_read():
    body = load("graphql.throttled.captured.json")
    assert parse.is_throttled(body)
    assert parse.throttle_wait(body) == pytest.approx((70 - 66) / 50)
    assert parse.throttle_status(body)["actual"] is None


def test_success_cost_extension_gives_bucket_size_and_restore_rate():
    body = load("graphql.throttle.extensions.assembled.json")
    status = parse.throttle_status(body)
    assert (status["maximum"], status["available"], status["restore_rate"]) == (1000.0, 988.0, 50.0)
    assert not parse.is_throttled(body)


# --- REST and webhooks ----------------------------------------------------------------------------


def test_rest_order_converts_shop_offset_to_utc():
    order = parse.parse_rest_order(load("rest.order.json")["order"])
    assert order.external_id == "gid://shopify/Order/450789469"
    assert order.placed_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    assert (order.total.amount, order.currency) == (Decimal("409.94"), "USD")
    assert len(order.lines) == 3


def test_rest_orders_list_parses_each_order():
    records, failures = adapter().parse("rest:orders", load("rest.orders.json"))
    assert failures == () and [r.number for r in records] == ["#1001"]


def test_failed_fulfilment_gives_no_tracking():
    order = parse.parse_rest_order(load("webhook.orders-create.body.json"))
    assert order.shipped_at is None and order.tracking_number == ""


def test_rest_fulfilment_gives_tracking_number_and_drops_placeholder_carrier():
    tracking = parse._fulfilment([load("rest.fulfillment.json")["fulfillment"]], "f")
    assert tracking["tracking_number"] == "1Z2345" and tracking["carrier"] == ""
    assert tracking["shipped_at"] == datetime(2013, 11, 1, 20, 6, 8, tzinfo=UTC)


def test_rest_customer_becomes_buyer():
    buyer = parse._buyer_rest({"customer": load("rest.customer.json")["customer"]})
    assert (buyer.name, buyer.email, buyer.country) == ("Bob Norman", "bob.norman@hostmail.com", "US")
    assert buyer.platform_customer_id == "gid://shopify/Customer/207119551"


def test_rest_refund_counts_its_transactions():
    refund = parse.parse_rest_refund(load("rest.refund.json")["refund"])
    assert (refund.amount.amount, refund.amount.currency) == (Decimal("209.00"), "USD")
    assert refund.order_external_id == "gid://shopify/Order/450789469" and utc(refund.created_at)


def test_refund_calculation_is_not_mistaken_for_a_refund():
    with pytest.raises(parse.ParseError):
        parse.parse_rest_refund(load("rest.refund_calculate.json")["refund"])


@pytest.mark.parametrize("name", ["rest.transaction.json", "rest.transactions.json"])
def test_rest_transaction_amount_strings_parse_exactly(name):
    body = load(name)
    transaction = body["transaction"] if isinstance(body, dict) else body[0]
    assert parse.amount(transaction["amount"], "USD", "t").money.amount == Decimal("409.94")
    assert utc(parse.parse_time(transaction["created_at"]))


def test_rest_429_retry_after_is_read_as_fractional_seconds():
    text = (FIXTURES / "rest.429.http.assembled.txt").read_text()
    block = text[text.index("HTTP/1.1 429") :]
    response = requests.Response()
    response.status_code = 429
    for line in block.splitlines()[1:]:
        if ": " in line:
            key, value = line.split(": ", 1)
            response.headers[key] = value
    assert retry_after(response) == 2.0


def test_orders_create_docs_body_is_keyed_on_gid_not_the_corrupted_integer():
    order = parse.parse_rest_order(load("webhook.orders-create.docs-2026-04.body.json"))
    assert order.external_id == "gid://shopify/Order/820982911946154508"
    assert order.lines[0].external_id == "gid://shopify/LineItem/487817672276298554"
    assert order.cancelled and order.status == "cancelled"
    assert (order.total.amount, order.currency) == (Decimal("404.95"), "USD")
    assert order.placed_at == datetime(2022, 1, 1, tzinfo=UTC)


def test_refunds_create_body_sums_string_transactions_and_keys_on_gid():
    refund = parse.parse_rest_refund(load("webhook.refunds-create.body.json"))
    assert refund.external_id == "gid://shopify/Refund/890088186047892319"
    assert (refund.amount.amount, refund.amount.currency) == (Decimal("85.00"), "USD")
    assert refund.reason == "Things were damaged"


def test_refunds_create_without_transactions_sums_number_subtotals_and_taxes():
    body = load("webhook.refunds-create.body.json")
    body["transactions"] = []
    for item in body["refund_line_items"]:
        item.pop("subtotal_set")
        item.pop("total_tax_set")
    expected = sum(Decimal(str(i["subtotal"])) + Decimal(str(i["total_tax"])) for i in body["refund_line_items"])
    assert isinstance(body["refund_line_items"][0]["subtotal"], float)
    refund = parse.parse_rest_refund(body)
    assert refund.amount.money.amount == expected == Decimal("414.95")


def test_returns_request_body_is_thin_and_takes_the_delivery_time():
    when = datetime(2026, 10, 2, 14, 5, 11, tzinfo=UTC)
    ret = parse.parse_rest_return(load("webhook.returns-request.body.json"), delivered_at=when)
    assert (ret.status, ret.platform_status, ret.lines) == ("requested", "requested", ())
    assert ret.order_external_id == "gid://shopify/Order/4783296544821"
    assert ret.requested_at == when


def test_returns_request_without_any_time_is_a_failure():
    with pytest.raises(parse.ParseError, match="no time"):
        parse.parse_rest_return(load("webhook.returns-request.body.json"))


def test_captured_returns_request_maps_lower_case_reason_and_buyer():
    ret = parse.parse_rest_return(load("webhook.returns-request.captured.json"), delivered_at=datetime.now(UTC))
    assert (ret.reason, ret.reason_code) == ("changed_mind", "unwanted")
    assert ret.lines[0].order_line_external_id == "gid://shopify/LineItem/12695210000533"
    assert ret.buyer.email == "andrew@example.com" and ret.order_number == "#1106"


@pytest.mark.parametrize(("topic", "status"), [("returns/approve", "authorized"), ("returns/decline", "rejected")])
def test_return_lifecycle_examples_map_statuses(topic, status):
    body = load("webhook.returns-lifecycle.examples.json")[topic]
    assert parse.parse_rest_return(body, delivered_at=datetime.now(UTC)).status == status


@pytest.mark.parametrize("topic", ["returns/cancel", "returns/close", "orders/cancelled"])
def test_lifecycle_excerpts_without_order_gid_or_currency_fail_cleanly(topic):
    body = load("webhook.returns-lifecycle.examples.json")[topic]
    parser = parse.parse_rest_order if topic.startswith("orders") else parse.parse_rest_return
    with pytest.raises(parse.ParseError):
        parser(body, **({} if topic.startswith("orders") else {"delivered_at": datetime.now(UTC)}))


@pytest.mark.parametrize(
    "body",
    [
        "webhook.orders-create",
        "webhook.orders-create.docs-2026-04",
        "webhook.refunds-create",
        "webhook.returns-request",
    ],
)
def test_every_hmac_fixture_verifies_with_the_test_secret(body):
    raw = (FIXTURES / f"{body}.body.json").read_bytes()
    header = next(
        line.split(": ", 1)[1]
        for line in (FIXTURES / f"{body}.hmac.txt").read_text().splitlines()
        if line.startswith("X-Shopify-Hmac-Sha256")
    )
    assert verify(raw, header, [SECRET])
    assert not verify(raw + b" ", header, [SECRET])
    assert not verify(raw, header, ["another-secret"])


def test_webhook_signature_accepts_the_previous_secret_during_rotation():
    assert verify(b"{}", signature(b"{}", "old"), ["new", "old"])
    assert not verify(b"{}", "", ["new", "old"])


def test_adapter_parse_routes_webhook_topics():
    records, failures = adapter().parse("webhook:orders/updated", load("webhook.orders-create.docs-2026-04.body.json"))
    assert failures == () and isinstance(records[0], OrderRecord)
    records, _ = adapter().parse("webhook:refunds/create", load("webhook.refunds-create.body.json"))
    assert isinstance(records[0], RefundRecord)
    body = {
        **load("webhook.returns-request.body.json"),
        "_delivery": {"triggered_at": "2026-10-02T14:05:11.123456789Z"},
    }
    records, _ = adapter().parse("webhook:returns/request", body)
    assert isinstance(records[0], ReturnRecord)
    assert records[0].requested_at == datetime(2026, 10, 2, 14, 5, 11, 123456, tzinfo=UTC)


def test_adapter_parse_of_unknown_topic_is_a_failure():
    records, failures = adapter().parse("webhook:carts/create", {"id": 1})
    assert records == () and "unsupported" in failures[0][1]


# --- variants ---------------------------------------------------------------------------------------


def order_node(**changes) -> dict:
    node = copy.deepcopy(load("graphql.orders.page.assembled.json")["data"]["orders"]["edges"][0]["node"])
    node.update(changes)
    return node


def test_presentment_currency_is_the_order_currency_and_shop_money_is_kept():
    node = order_node(
        presentmentCurrencyCode="JPY",
        currencyCode="USD",
        totalPriceSet={
            "shopMoney": {"amount": "86.67", "currencyCode": "USD"},
            "presentmentMoney": {"amount": "13000", "currencyCode": "JPY"},
        },
    )
    order, _ = parse.parse_order_node(node)
    assert (order.currency, order.total.amount) == ("JPY", Decimal("13000"))
    assert (order.shop_total.amount, order.shop_total.currency) == (Decimal("86.67"), "USD")


def test_three_decimal_currency_keeps_its_fils():
    node = order_node(
        presentmentCurrencyCode="KWD",
        totalPriceSet={"presentmentMoney": {"amount": "39.875", "currencyCode": "KWD"}},
    )
    order, _ = parse.parse_order_node(node)
    assert order.total.amount == Decimal("39.875") and not order.total.rounded


def test_order_with_no_total_yet_has_none():
    order, _ = parse.parse_order_node(order_node(totalPriceSet=None, displayFinancialStatus="PENDING"))
    assert order.total is None and order.paid is None and order.currency == "EUR"


def test_amount_as_json_number_and_unpadded_decimal_read_exactly():
    node = order_node(totalPriceSet={"presentmentMoney": {"amount": 12.5, "currencyCode": "EUR"}})
    assert parse.parse_order_node(node)[0].total.amount == Decimal("12.50")
    node = order_node(totalPriceSet={"presentmentMoney": {"amount": "5", "currencyCode": "EUR"}})
    assert str(parse.parse_order_node(node)[0].total.amount) == "5.00"


def test_too_many_decimals_round_half_even_and_keep_the_raw_text():
    node = order_node(totalPriceSet={"presentmentMoney": {"amount": "10.125", "currencyCode": "EUR"}})
    total = parse.parse_order_node(node)[0].total
    assert (total.amount, total.raw) == (Decimal("10.12"), "10.125")


def test_negative_discount_does_not_change_the_rest_total():
    body = {**load("webhook.orders-create.body.json"), "total_discounts": "-10.00"}
    assert parse.parse_rest_order(body).total.amount == Decimal("409.94")


def test_non_ascii_titles_and_names_survive():
    node = order_node()
    node["customer"]["displayName"] = "佐藤 花子"
    node["lineItems"]["edges"][0]["node"]["name"] = "キャンバススニーカー 白 42"
    order, _ = parse.parse_order_node(node)
    assert order.buyer.name == "佐藤 花子" and order.lines[0].title == "キャンバススニーカー 白 42"


def test_one_malformed_order_is_a_failure_and_the_rest_of_the_page_parses():
    page = load("graphql.orders.page.assembled.json")
    good = page["data"]["orders"]["edges"][0]
    bad = copy.deepcopy(good)
    bad["node"]["id"] = "gid://shopify/Order/1"
    bad["node"]["totalPriceSet"]["presentmentMoney"]["amount"] = "twelve"
    page["data"]["orders"]["edges"] = [bad, good]
    records, failures, _ = parse.parse_orders_page(page)
    assert [r.external_id for r in records] == ["gid://shopify/Order/5624547301464"]
    assert "twelve" in failures[0][1]


def test_an_answer_without_orders_is_a_parse_error():
    with pytest.raises(parse.ParseError):
        parse.parse_orders_page({"errors": [{"message": "boom"}]})
