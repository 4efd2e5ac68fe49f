"""The Amazon adapter over real HTTP against the in-process sandbox: order sync with pagination
(2026-01-01 and v0), a returns report cycle, a refund feed executed once, quotas respected."""

from __future__ import annotations

import itertools
import re
import sys
import types
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
import requests

from integrations.amazon.adapter import AmazonAdapter
from integrations.base import PermanentError, RateLimited
from integrations.sandbox import amazon as sandbox_amazon
from integrations.sandbox.core import Rates, World, support_address
from integrations.sandbox.server import Sandbox
from tickets.records import DisputeRecord, ReturnRecord

# Quota windows are per store id, in process or in Redis (kept between runs for an hour): ids of
# their own for each test process and run, so no other test's calls count against these.
_store_ids = itertools.count(uuid.uuid4().int % 10**12)


def _world(**kwargs) -> World:
    try:
        import integrations.sandbox.modules  # noqa: F401
    except ImportError:  # the other platforms' sandbox modules may not be written yet
        sys.modules["integrations.sandbox.modules"] = types.SimpleNamespace(ALL={"amazon": sandbox_amazon})
    return World(**kwargs)


class Store:
    def __init__(self) -> None:
        self.pk = next(_store_ids)
        self.platform = "amazon"


class Connection:
    def __init__(self, base_url: str, credentials: dict, quota_scale: int) -> None:
        self.base_url, self.credentials, self.quota_scale = base_url, credentials, quota_scale


@pytest.fixture
def world():
    return _world(rates=Rates(orders=0, messages=0, returns=0, disputes=0), limit_scale=50)


@pytest.fixture
def sandbox(world):
    server = Sandbox(world, tick_seconds=0.05).start()
    yield server
    server.stop()


def adapter_for(sandbox, tenant: str, *, scale: int = 50, **extra) -> AmazonAdapter:
    credentials = {**sandbox_amazon.credentials(tenant), "backfill_days": 90, **extra}
    return AmazonAdapter(Store(), Connection(f"{sandbox.base_url}/amazon/{tenant}", credentials, scale))


def pull_all(adapter, stream, cursor=None, limit=200, later=timedelta(0)):
    cursor, pages = cursor or {}, []
    for _ in range(limit):
        page = adapter.pull(stream, cursor, now=datetime.now(UTC) + later)
        pages.append(page)
        cursor = page.cursor
        if not page.has_more:
            return pages, cursor
    raise AssertionError("pages never ended")


def test_search_orders_sync_pages_through_every_order_once(world, sandbox):
    state = world.tenant("amazon", "shop-us")
    sandbox_amazon.seed(world, state, orders=230, messages=0)
    pages, cursor = pull_all(adapter_for(sandbox, "shop-us", page_size=100), "orders")
    ids = [r.external_id for page in pages for r in page.records]
    assert len(pages) >= 3 and len(ids) == len(set(ids))
    assert set(ids) == set(state.orders)
    assert cursor["high_water"] and not cursor["token"]


def test_v0_sync_pages_with_url_encoded_tokens_and_fetches_items(world, sandbox):
    state = world.tenant("amazon", "shop-us")
    sandbox_amazon.seed(world, state, orders=45, messages=0)
    pages, _cursor = pull_all(adapter_for(sandbox, "shop-us", orders_api="v0", page_size=20), "orders")
    records = [r for page in pages for r in page.records]
    assert sorted(r.external_id for r in records) == sorted(state.orders)
    assert all(r.lines and r.buyer.email == "" for r in records)
    assert world.stats[("amazon", "getOrderItems", "calls")] == len(state.orders)
    assert world.stats[("amazon", "getOrders", "calls")] == 3


def test_next_window_overlaps_and_finds_an_updated_order(world, sandbox):
    state = world.tenant("amazon", "shop-us")
    adapter = adapter_for(sandbox, "shop-us")
    _pages, cursor = pull_all(adapter, "orders")
    order = next(iter(state.orders.values()))
    order.update(status="SHIPPED", updated=datetime.now(UTC) - timedelta(minutes=3), tracking="JJD1", carrier="DHL")
    pages, _ = pull_all(adapter, "orders", cursor)
    found = {r.external_id: r for page in pages for r in page.records}
    assert found[order["id"]].tracking_number == "JJD1"


def test_jp_tenant_amounts_in_whole_yen_and_pending_order_without_total(world, sandbox):
    state = world.tenant("amazon", "shop-jp")
    pages, _ = pull_all(adapter_for(sandbox, "shop-jp"), "orders")
    records = {r.external_id: r for page in pages for r in page.records}
    pending = [r for r in records.values() if r.status == "pending"]
    priced = [r for r in records.values() if r.total is not None]
    assert len(pending) == 1 and pending[0].total is None and pending[0].currency == "JPY"
    assert priced and all(r.total.currency == "JPY" and r.total.amount == r.total.amount.to_integral() for r in priced)
    assert len(records) == len(state.orders)


def test_returns_report_cycle_create_poll_download_parse(world, sandbox):
    state = world.tenant("amazon", "acme-de")
    orders = list(state.orders.values())
    for order in orders[:2]:
        order["fba"] = False
    orders[2]["fba"] = True
    now = datetime.now(UTC) - timedelta(hours=1)
    sandbox_amazon._new_return(world, state, orders[0], now)
    sandbox_amazon._new_return(world, state, orders[1], now, a_to_z=True)
    sandbox_amazon._new_return(world, state, orders[2], now)
    adapter = adapter_for(sandbox, "acme-de")

    first = adapter.pull("returns", {}, now=datetime.now(UTC))
    assert first.records == () and first.cursor["report_id"] and first.cursor["next_run_in_seconds"] > 0
    world.clock.advance(10)
    flat = adapter.pull("returns", first.cursor, now=datetime.now(UTC))
    returns = [r for r in flat.records if isinstance(r, ReturnRecord)]
    disputes = [r for r in flat.records if isinstance(r, DisputeRecord)]
    assert {r.order_external_id for r in returns} == {orders[0]["id"], orders[1]["id"]}
    assert [d.order_external_id for d in disputes] == [orders[1]["id"]] and disputes[0].kind == "a_to_z"
    assert flat.has_more and flat.raw[0].body["report_type"] == "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"

    queued = adapter.pull("returns", flat.cursor, now=datetime.now(UTC))
    assert queued.records == () and queued.cursor["report_type"] == "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
    world.clock.advance(10)
    fba = adapter.pull("returns", queued.cursor, now=datetime.now(UTC))
    (unit,) = fba.records
    assert unit.order_external_id == orders[2]["id"] and unit.buyer_comment == state.returns[2]["comment"]
    assert not fba.has_more and fba.cursor["high_water"]


def test_report_document_is_served_gzip_with_a_latin1_charset(world, sandbox):
    state = world.tenant("amazon", "acme-de")
    order = next(iter(state.orders.values()))
    order["fba"] = True
    sandbox_amazon._new_return(world, state, order, datetime.now(UTC) - timedelta(hours=1))
    state.returns[-1]["comment"] = "Größe passt nicht"
    adapter = adapter_for(sandbox, "acme-de", fba=True)
    report_id = adapter.client.create_report("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", "2020-01-01T00:00:00Z", "")
    world.clock.advance(10)
    document = adapter.client.get_report_document(adapter.client.get_report(report_id)["reportDocumentId"])
    response = adapter.client.download(document["url"])
    assert document["compressionAlgorithm"] == "GZIP" and "ISO-8859-1" in response.headers["Content-Type"]
    assert "Größe passt nicht".encode("iso-8859-1") in __import__("gzip").decompress(response.content)
    assert adapter._document(document).count("Größe passt nicht") == 1


def test_refund_feed_runs_once_when_pushed_twice_with_the_same_key(world, sandbox):
    state = world.tenant("amazon", "shop-us")
    order = next(o for o in state.orders.values() if o["status"] != "PENDING")
    adapter = adapter_for(sandbox, "shop-us")
    payload = {
        "refund_id": 1,
        "order_external_id": order["id"],
        "amount": "5.00",
        "currency": "USD",
        "reason": "damaged",
        "lines": [{"line_external_id": order["items"][0][0], "quantity": 1}],
        "return_external_id": "",
    }
    first = adapter.push("execute_refund", payload, idempotency_key="rf-key-1")
    assert first.done and first.pending and first.reference
    assert adapter.lookup(
        "execute_refund", {**payload, "reference": first.reference}, idempotency_key="rf-key-1"
    ).pending
    second = adapter.push("execute_refund", payload, idempotency_key="rf-key-1")
    world.clock.advance(10)
    for result in (first, second):
        done = adapter.lookup("execute_refund", {**payload, "reference": result.reference}, idempotency_key="rf-key-1")
        assert done.done and not done.pending
    assert state.refund_counts["rf-key-1"] == 1 and len(state.refunds) == 1
    assert state.refunds[0]["amount"] == "5.00"
    pages, _ = pull_all(adapter, "refunds", later=timedelta(minutes=3))  # events older than 2 minutes
    (refund,) = [r for page in pages for r in page.records]
    assert refund.reference == "rf-key-1" and refund.amount.amount == Decimal("5.00")
    assert refund.order_external_id == order["id"]


def test_refund_without_lines_goes_on_the_first_item(world, sandbox):
    state = world.tenant("amazon", "shop-us")
    order = next(o for o in state.orders.values() if o["status"] != "PENDING")
    adapter = adapter_for(sandbox, "shop-us")
    payload = {"order_external_id": order["id"], "amount": "1.00", "currency": "USD", "lines": []}
    adapter.push("execute_refund", payload, idempotency_key="rf-key-2")
    world.clock.advance(10)
    world.tick()
    (event,) = state.finance_events
    assert event["ShipmentItemAdjustmentList"][0]["OrderAdjustmentItemId"] == order["items"][0][0]


def test_refund_for_an_unknown_order_reports_18028(world, sandbox):
    adapter = adapter_for(sandbox, "shop-us")
    payload = {
        "order_external_id": "111-0000000-0000000",
        "amount": "5.00",
        "currency": "USD",
        "lines": [{"line_external_id": "1", "quantity": 1}],
    }
    pushed = adapter.push("execute_refund", payload, idempotency_key="rf-unknown")
    world.clock.advance(10)
    result = adapter.lookup("execute_refund", {**payload, "reference": pushed.reference}, idempotency_key="rf-unknown")
    assert not result.done and result.platform_message.startswith("18028:")
    assert world.tenant("amazon", "shop-us").refunds == []


def test_lookup_without_reference_knows_nothing(sandbox):
    assert adapter_for(sandbox, "shop-us").lookup("execute_refund", {}, idempotency_key="k") is None


def test_approve_return_is_refused_with_a_clear_message(sandbox):
    with pytest.raises(PermanentError, match="Seller Central"):
        adapter_for(sandbox, "shop-us").push("approve_return", {}, idempotency_key="k")


def test_search_orders_calls_stay_within_the_usage_plan():
    world = _world(rates=Rates(orders=0, messages=0, returns=0, disputes=0), limit_scale=1)
    server = Sandbox(world, tick_seconds=0.05).start()
    try:
        state = world.tenant("amazon", "shop-us")
        sandbox_amazon.seed(world, state, orders=2500, messages=0)
        adapter = adapter_for(server, "shop-us", scale=1, page_size=100)
        cursor: dict = {}
        with pytest.raises(RateLimited) as caught:
            for _ in range(40):
                cursor = adapter.pull("orders", cursor, now=datetime.now(UTC)).cursor
        assert caught.value.wait_seconds > 5
        assert world.stats[("amazon", "searchOrders", "calls")] == 20
        assert world.stats[("amazon", "searchOrders", "throttled")] == 0
    finally:
        server.stop()


def test_a_429_is_waited_out_for_one_over_the_rate_not_stormed(world, sandbox):
    world.tenant("amazon", "shop-us")
    for _ in range(20 * 50):  # another app of the seller used the whole burst
        world.limit("amazon", "shop-us", "searchOrders", rate=0.0056, burst=20)
    adapter = adapter_for(sandbox, "shop-us")
    page = adapter.pull("orders", {}, now=datetime.now(UTC))
    assert page.records
    assert world.stats[("amazon", "searchOrders", "throttled")] == 1 and adapter.http.throttled == 1


def test_a_429_at_the_real_rate_hands_the_wait_to_the_cursor():
    world = _world(rates=Rates(orders=0, messages=0, returns=0, disputes=0), limit_scale=1)
    server = Sandbox(world, tick_seconds=0.05).start()
    try:
        world.tenant("amazon", "shop-us")
        for _ in range(20):
            world.limit("amazon", "shop-us", "searchOrders", rate=0.0056, burst=20)
        with pytest.raises(RateLimited) as caught:
            adapter_for(server, "shop-us", scale=1).pull("orders", {}, now=datetime.now(UTC))
        assert caught.value.wait_seconds >= 1 / 0.0056 - 1
        assert world.stats[("amazon", "searchOrders", "throttled")] == 1
    finally:
        server.stop()


def test_lwa_token_is_cached_and_a_wrong_secret_is_refused(world, sandbox):
    adapter = adapter_for(sandbox, "shop-us")
    assert "Amazon.com" in adapter.test_connection()
    adapter.test_connection()
    assert world.stats[("amazon", "lwaToken", "calls")] == 1
    wrong = adapter_for(sandbox, "shop-us", client_secret="nope")
    with pytest.raises(PermanentError) as caught:
        wrong.test_connection()
    assert "invalid_grant" in caught.value.platform_message


def test_a_missing_token_gets_amazons_403(sandbox):
    response = requests.get(f"{sandbox.base_url}/amazon/shop-us/orders/2026-01-01/orders", timeout=5)
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "Unauthorized"
    assert "x-amzn-RequestId" in response.headers and "x-amzn-RateLimit-Limit" not in response.headers


def test_buyer_messages_come_through_the_relay_with_the_order_number():
    world = _world(rates=Rates(orders=0, messages=30, returns=0, disputes=0))
    delivered: list[tuple[str, bytes]] = []
    world.mail = types.SimpleNamespace(deliver=lambda to, raw: delivered.append((to, raw)))
    state = world.tenant("amazon", "acme-de")
    sandbox_amazon.generate(world, state, hours=1)
    assert len(delivered) == 30
    for to, raw in delivered:
        mail = message_from_bytes(raw, policy=policy.default)
        assert to == support_address("amazon", "acme-de") and mail["To"] == to
        assert re.search(r"@marketplace\.amazon\.de>$", mail["From"])
        assert re.search(r"\d{3}-\d{7}-\d{7}", str(mail["Subject"]))
