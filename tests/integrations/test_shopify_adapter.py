"""The Shopify adapter over real HTTP against the in-process sandbox: order sync by updated_at with
cursor pagination, refunds executed once per idempotency key and found again by lookup, return
decisions, authentication, and cost-based throttling waited out without a storm."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from integrations.base import PermanentError
from integrations.sandbox import shopify as sandbox_shopify
from integrations.sandbox.core import Rates, World
from integrations.sandbox.server import Sandbox
from integrations.shopify.adapter import ShopifyAdapter
from tickets.records import OrderRecord, ReturnRecord

_store_ids = itertools.count(uuid.uuid4().int % 10**12)  # bucket memory and quotas are per store id


class Store:
    def __init__(self, tenant: str) -> None:
        self.pk = next(_store_ids)
        self.platform = "shopify"
        self.marketplace = f"{tenant}.myshopify.com"


class Connection:
    def __init__(self, base_url: str, credentials: dict) -> None:
        self.base_url, self.credentials, self.quota_scale = base_url, credentials, 1


QUIET = Rates(orders=0, messages=0, returns=0, disputes=0)


@pytest.fixture
def world():
    return World(rates=QUIET, speed=10)


@pytest.fixture
def sandbox(world):
    server = Sandbox(world, tick_seconds=0.05).start()
    yield server
    server.stop()


def adapter_for(sandbox, tenant: str, **credentials) -> ShopifyAdapter:
    creds = {**sandbox_shopify.credentials(tenant), **credentials}
    return ShopifyAdapter(Store(tenant), Connection(f"{sandbox.base_url}/shopify/{tenant}", creds))


def pull_all(adapter: ShopifyAdapter, cursor: dict | None = None) -> tuple[list, dict, int]:
    cursor, records, pages = dict(cursor or {}), [], 0
    while True:
        page = adapter.pull("orders", cursor, now=datetime.now(UTC))
        records.extend(page.records)
        cursor, pages = page.cursor, pages + 1
        if not page.has_more:
            return records, cursor, pages


def refund_payload(order: dict, amount: str) -> dict:
    return {
        "refund_id": 1,
        "order_external_id": order["id"],
        "amount": amount,
        "currency": order["currency"],
        "reason": "damaged in transit",
        "lines": [],
        "return_external_id": "",
    }


def test_pull_walks_every_page_and_gets_each_order_once(world, sandbox):
    state = world.tenant("shopify", "pages")
    sandbox_shopify.seed(world, state, orders=230, messages=0)
    records, cursor, pages = pull_all(adapter_for(sandbox, "pages"))
    orders = [r for r in records if isinstance(r, OrderRecord)]
    assert len(orders) == len({o.external_id for o in orders}) == len(state.orders)
    assert pages >= 3 and "after" not in cursor


def test_orders_come_in_presentment_currencies_including_zero_and_three_decimals(world, sandbox):
    state = world.tenant("shopify", "money")
    sandbox_shopify.seed(world, state, orders=200, messages=0)
    records, _, _ = pull_all(adapter_for(sandbox, "money"))
    by_currency = {r.currency: r for r in records if isinstance(r, OrderRecord)}
    assert {"USD", "EUR", "JPY", "KWD"} <= set(by_currency)
    assert by_currency["JPY"].total.amount == by_currency["JPY"].total.amount.to_integral_value()
    assert by_currency["KWD"].shop_total.currency == "USD"


def test_next_sync_overlaps_the_last_window_and_sees_updates(world, sandbox):
    state = world.tenant("shopify", "again")
    adapter = adapter_for(sandbox, "again")
    _, cursor, _ = pull_all(adapter)
    order = next(iter(state.orders.values()))
    sandbox_shopify._ship(world, state, order) if not order["fulfillment"] else state.touch(order)
    records, _, _ = pull_all(adapter, cursor)
    assert order["id"] in {r.external_id for r in records if isinstance(r, OrderRecord)}


def test_returns_come_with_their_orders(world, sandbox):
    world.tenant("shopify", "returns")
    records, _, _ = pull_all(adapter_for(sandbox, "returns"))
    returns = [r for r in records if isinstance(r, ReturnRecord)]
    assert returns and returns[0].status == "requested" and returns[0].lines


def test_refund_is_executed_and_lookup_finds_it_by_key(world, sandbox):
    state = world.tenant("shopify", "refund")
    order = next(iter(state.orders.values()))
    adapter = adapter_for(sandbox, "refund")
    assert adapter.lookup("execute_refund", refund_payload(order, "1"), idempotency_key="refund-key-0001") is None
    amount = str(order["total"] / 2 if order["currency"] != "JPY" else order["total"] // 2)
    result = adapter.push("execute_refund", refund_payload(order, amount), idempotency_key="refund-key-0001")
    assert result.done and result.reference.startswith("gid://shopify/Refund/")
    assert result.amount.currency == order["currency"]
    found = adapter.lookup("execute_refund", refund_payload(order, amount), idempotency_key="refund-key-0001")
    assert found.reference == result.reference
    assert [r["key"] for r in state.refunds] == ["refund-key-0001"]


def test_refund_retried_with_the_same_key_refunds_once(world, sandbox):
    state = world.tenant("shopify", "twice")
    order = next(iter(state.orders.values()))
    adapter = adapter_for(sandbox, "twice")
    first = adapter.push("execute_refund", refund_payload(order, "1"), idempotency_key="same-key-0001")
    second = adapter.push("execute_refund", refund_payload(order, "1"), idempotency_key="same-key-0001")
    assert first.reference == second.reference
    assert len(state.refunds) == 1


def test_over_refund_is_refused_permanently_and_refunds_nothing(world, sandbox):
    state = world.tenant("shopify", "over")
    order = next(iter(state.orders.values()))
    with pytest.raises(PermanentError, match="exceeds the refundable amount"):
        adapter_for(sandbox, "over").push(
            "execute_refund", refund_payload(order, str(order["total"] + 1)), idempotency_key="over-key-0001"
        )
    assert state.refunds == []


def test_refund_in_another_currency_than_the_buyer_paid_is_refused(world, sandbox):
    state = world.tenant("shopify", "currency")
    order = next(iter(state.orders.values()))
    payload = {**refund_payload(order, "1"), "currency": "GBP"}
    with pytest.raises(PermanentError, match="paid in"):
        adapter_for(sandbox, "currency").push("execute_refund", payload, idempotency_key="gbp-key-0001")
    assert state.refunds == []


def test_approve_return_opens_it_and_lookup_sees_it_done(world, sandbox):
    state = world.tenant("shopify", "approve")
    ret = next(iter(state.returns.values()))
    adapter = adapter_for(sandbox, "approve")
    payload = {"return_external_id": ret["id"], "order_external_id": ret["order"], "decision": "approve", "reason": ""}
    assert adapter.lookup("approve_return", payload, idempotency_key="k") is None
    assert adapter.push("approve_return", payload, idempotency_key="k").done
    assert ret["status"] == "OPEN"
    assert adapter.lookup("approve_return", payload, idempotency_key="k").done


def test_approving_a_return_twice_is_a_permanent_refusal(world, sandbox):
    state = world.tenant("shopify", "approve2")
    ret = next(iter(state.returns.values()))
    adapter = adapter_for(sandbox, "approve2")
    payload = {"return_external_id": ret["id"], "order_external_id": ret["order"], "decision": "approve", "reason": ""}
    adapter.push("approve_return", payload, idempotency_key="k")
    with pytest.raises(PermanentError, match="INVALID_STATE"):
        adapter.push("approve_return", payload, idempotency_key="k")
    assert state.decisions == [(ret["id"], "APPROVE")]


def test_decline_return_sends_the_reason_enum(world, sandbox):
    state = world.tenant("shopify", "decline")
    ret = next(iter(state.returns.values()))
    payload = {
        "return_external_id": ret["id"],
        "order_external_id": ret["order"],
        "decision": "decline",
        "reason": "return period ended",
    }
    adapter = adapter_for(sandbox, "decline")
    adapter.push("approve_return", payload, idempotency_key="k")
    assert ret["status"] == "DECLINED" and ret["decline"]["reason"] == "RETURN_PERIOD_ENDED"
    assert adapter.lookup("approve_return", payload, idempotency_key="k").done


def test_wrong_token_is_a_permanent_error(world, sandbox):
    adapter = adapter_for(sandbox, "auth", access_token="shpat_wrong")
    with pytest.raises(PermanentError) as caught:
        adapter.test_connection()
    assert caught.value.status == 401 and "Invalid API key" in caught.value.platform_message


def test_test_connection_names_the_shop(world, sandbox):
    assert "auth2.myshopify.com" in adapter_for(sandbox, "auth2").test_connection()


def test_malformed_order_becomes_a_failure_and_the_page_still_parses(world, sandbox):
    state = world.tenant("shopify", "broken")
    broken = next(iter(state.orders.values()))
    broken["total"] = "garbage"
    records, failures = [], []
    cursor: dict = {}
    adapter = adapter_for(sandbox, "broken")
    while True:
        page = adapter.pull("orders", cursor, now=datetime.now(UTC))
        records.extend(page.records)
        failures.extend(page.failures)
        cursor = page.cursor
        if not page.has_more:
            break
    orders = {r.external_id for r in records if isinstance(r, OrderRecord)}
    assert broken["id"] not in orders and len(orders) == len(state.orders) - 1
    assert failures and failures[0][0]["id"] == broken["id"] and "garbage" in failures[0][1]


def test_throttled_answer_is_waited_out_and_the_query_sent_again():
    world = World(rates=QUIET, speed=10)
    server = Sandbox(world, tick_seconds=0.05).start()
    try:
        world.tenant("shopify", "throttle")
        # Someone else (another app) has drained the shop's bucket.
        world.limit("shopify", "throttle", "graphql", rate=100, burst=1000, cost=1000)
        records, _, _ = pull_all(adapter_for(server, "throttle"))
    finally:
        server.stop()
    assert any(isinstance(r, OrderRecord) for r in records)
    assert world.stats[("shopify", "graphql", "throttled")] == 1


def test_a_long_sync_on_a_small_bucket_paces_itself_instead_of_storming():
    world = World(rates=QUIET, speed=20, limit_scale=0.5)  # 500 points, 1,000 points/s in real time
    server = Sandbox(world, tick_seconds=0.05).start()
    try:
        state = world.tenant("shopify", "pace")
        sandbox_shopify.seed(world, state, orders=1200, messages=0)
        adapter = adapter_for(server, "pace", page_size=50)
        records, _, pages = pull_all(adapter)
    finally:
        server.stop()
    assert len({r.external_id for r in records if isinstance(r, OrderRecord)}) == len(state.orders)
    assert pages >= 20
    assert world.stats[("shopify", "graphql", "throttled")] <= 2


def test_generated_buyers_write_to_the_support_address(world):
    sent = []
    world.deliver_mail = lambda to, raw: sent.append((to, raw))
    state = world.tenant("shopify", "mail")
    world.rates = Rates(orders=0, messages=50, returns=0, disputes=0)
    sandbox_shopify.generate(world, state, hours=1)
    assert sent and all(to == "support@mail.shopify.sandbox.test" for to, _ in sent)
    assert b"Message-ID" in sent[0][1] and state.mails == len(sent)


def test_seed_of_many_orders_builds_compact_history(world):
    state = world.tenant("shopify", "seed")
    before = len(state.orders)
    sandbox_shopify.seed(world, state, orders=5000, messages=0)
    assert len(state.orders) == before + 5000
    assert all(isinstance(o["total"], Decimal) for o in state.orders.values())
