"""The eBay adapter over real HTTP against the in-process sandbox: orders by offset, returns and
disputes by page number, conversations, a refund executed once however often it is retried,
return decisions, replies, 429s waited out and the daily limit handed to the cursor."""

from __future__ import annotations

import itertools
import sys
import types
import uuid
from datetime import UTC, datetime

import pytest
import requests

from integrations.base import PermanentError, RateLimited
from integrations.ebay.adapter import EbayAdapter
from integrations.ebay.client import QUOTAS
from integrations.sandbox import ebay as sandbox_ebay
from integrations.sandbox.core import DailyQuota, Rates, World
from integrations.sandbox.server import Sandbox

# Quota windows are per store id, in process or in Redis (kept between runs for an hour): ids of
# their own for each test process and run, so no other test's calls count against these.
_store_ids = itertools.count(uuid.uuid4().int % 10**12)
SCALE = 50


def _world(**kwargs) -> World:
    try:
        import integrations.sandbox.modules  # noqa: F401
    except ImportError:  # the other platforms' sandbox modules may not be written yet
        sys.modules["integrations.sandbox.modules"] = types.SimpleNamespace(ALL={})
    modules = sys.modules["integrations.sandbox.modules"]
    modules.ALL.setdefault("ebay", sandbox_ebay)
    return World(**kwargs)


class Store:
    def __init__(self) -> None:
        self.pk = next(_store_ids)
        self.platform = "ebay"


class Connection:
    def __init__(self, base_url: str, credentials: dict, quota_scale: int) -> None:
        self.base_url, self.credentials, self.quota_scale = base_url, credentials, quota_scale


@pytest.fixture
def world():
    return _world(rates=Rates(orders=0, messages=0, returns=0, disputes=0), limit_scale=SCALE)


@pytest.fixture
def sandbox(world):
    server = Sandbox(world, tick_seconds=0.05).start()
    yield server
    server.stop()


def adapter_for(sandbox, tenant: str, **extra) -> EbayAdapter:
    credentials = {**sandbox_ebay.credentials(tenant), **extra}
    return EbayAdapter(Store(), Connection(f"{sandbox.base_url}/ebay/{tenant}", credentials, SCALE))


def pull_all(adapter, stream, cursor=None, limit=100):
    cursor, pages = cursor or {}, []
    for _ in range(limit):
        page = adapter.pull(stream, cursor, now=datetime.now(UTC))
        pages.append(page)
        cursor = page.cursor
        if not page.has_more:
            return pages, cursor
    raise AssertionError("pages never ended")


def refund_payload(order_id: str, amount: str = "5.00", **extra) -> dict:
    return {
        "refund_id": 1,
        "order_external_id": order_id,
        "amount": amount,
        "currency": "EUR",
        "reason": "quality_defect",
        "lines": [],
        "return_external_id": "",
        **extra,
    }


def eur_order(state) -> str:
    return next(o["orderId"] for o in state.orders.values() if o["pricingSummary"]["total"]["currency"] == "EUR")


def test_orders_sync_walks_every_offset_page_once(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    sandbox_ebay.seed(world, state, orders=450, messages=0)
    pages, cursor = pull_all(adapter_for(sandbox, "shop-de"), "orders")
    ids = [r.external_id for page in pages for r in page.records]
    assert len(pages) == 3 and len(ids) == len(set(ids)) == len(state.orders)
    assert pages[-1].backfill == (len(state.orders), len(state.orders))
    assert set(cursor) == {"high_water_mark"}


def test_next_round_overlaps_and_sees_an_updated_order(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    adapter = adapter_for(sandbox, "shop-de")
    _, cursor = pull_all(adapter, "orders")
    order = next(iter(state.orders.values()))
    order["orderFulfillmentStatus"] = "FULFILLED"
    sandbox_ebay._touch(state, order, datetime.now(UTC))
    pages, _ = pull_all(adapter, "orders", cursor)
    statuses = {r.external_id: r.status for page in pages for r in page.records}
    assert statuses[order["orderId"]] == "fulfilled"


def test_cross_border_orders_come_in_the_buyers_currency(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    sandbox_ebay.seed(world, state, orders=60, messages=0)
    pages, _ = pull_all(adapter_for(sandbox, "shop-de"), "orders")
    foreign = [r for page in pages for r in page.records if r.currency != "EUR"]
    assert foreign and all(r.shop_total.currency == "EUR" for r in foreign)


def test_a_malformed_order_is_a_failure_and_the_rest_still_parse(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    broken = next(iter(state.orders.values()))
    broken["pricingSummary"]["total"] = {"value": "n/a", "currency": "EUR"}
    (page,), _ = pull_all(adapter_for(sandbox, "shop-de"), "orders")
    assert len(page.failures) == 1 and len(page.records) == len(state.orders) - 1


def test_returns_are_read_page_by_page(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    now = datetime.now(UTC)
    orders = list(state.orders.values())
    for index in range(130):
        sandbox_ebay._new_return(world, state, orders[index % len(orders)], now)
    pages, cursor = pull_all(adapter_for(sandbox, "shop-de"), "returns")
    ids = [r.external_id for page in pages for r in page.records]
    assert len(pages) == 2 and sorted(ids) == sorted(state.returns)
    assert all(r.status == "requested" and r.respond_by for page in pages for r in page.records)
    assert "last_round" in cursor


def test_disputes_walk_inquiries_then_cases(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    now = datetime.now(UTC)
    for order in list(state.orders.values()) * 3:
        sandbox_ebay._new_dispute(world, state, order, now)
    pages, _ = pull_all(adapter_for(sandbox, "shop-de"), "disputes")
    kinds = {r.external_id: r.kind for page in pages for r in page.records}
    assert sum(k == "inquiry" for k in kinds.values()) == len(state.inquiries)
    assert sum(k == "case" for k in kinds.values()) == len(state.cases)
    assert all(isinstance(r.order_external_id, str) for page in pages for r in page.records)


def test_messages_sync_reads_every_buyer_message(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    sandbox_ebay.seed(world, state, orders=60, messages=120)
    pages, _ = pull_all(adapter_for(sandbox, "shop-de"), "messages")
    got = {r.external_id for page in pages for r in page.records}
    want = {m["messageId"] for c in state.conversations.values() for m in c["_messages"]}
    assert got == want and len(pages) >= 2
    assert all(r.thread_key in state.conversations for page in pages for r in page.records)


def test_refund_is_pending_then_refunded(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    adapter = adapter_for(sandbox, "shop-de")
    order_id = eur_order(state)
    result = adapter.push("execute_refund", refund_payload(order_id), idempotency_key="rf-1")
    assert result.done and result.pending and result.reference
    world.clock.advance(sandbox_ebay.REFUND_SETTLES_AFTER + 1)
    found = adapter.lookup(
        "execute_refund", refund_payload(order_id, reference=result.reference), idempotency_key="rf-1"
    )
    assert found.done and not found.pending and found.reference == result.reference


def test_a_retried_refund_is_found_by_lookup_and_executed_once(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    adapter = adapter_for(sandbox, "shop-de")
    order_id = eur_order(state)
    payload = refund_payload(order_id)
    for attempt in range(3):  # what the outbox drain does: look up on a retry, push only if unknown
        known = adapter.lookup("execute_refund", payload, idempotency_key="rf-2") if attempt else None
        if known is None:
            adapter.push("execute_refund", payload, idempotency_key="rf-2")
        else:
            assert known.done and known.pending
    comments = [r["comment"] for r in state.refunds if r["orderId"] == order_id]
    assert len(comments) == 1 and comments[0].startswith("rf-2")


def test_refund_over_the_order_total_is_refused_with_ebays_words(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    with pytest.raises(PermanentError) as caught:
        adapter_for(sandbox, "shop-de").push(
            "execute_refund", refund_payload(eur_order(state), "9999.00"), idempotency_key="k"
        )
    assert "exceeds the order total" in caught.value.platform_message and not state.refunds


def test_return_decision_is_sent_and_lookup_sees_it(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    member = sandbox_ebay._new_return(world, state, next(iter(state.orders.values())), datetime.now(UTC))
    adapter = adapter_for(sandbox, "shop-de")
    payload = {
        "return_external_id": member["returnId"],
        "order_external_id": member["orderId"],
        "decision": "approve",
        "reason": "",
    }
    assert adapter.lookup("approve_return", payload, idempotency_key="d") is None
    assert adapter.push("approve_return", payload, idempotency_key="d").done
    assert member["state"] == "ITEM_READY_TO_SHIP"
    assert adapter.lookup("approve_return", payload, idempotency_key="d").done
    with pytest.raises(PermanentError) as caught:  # deciding twice: eBay's errorMessage.error[]
        adapter.push("approve_return", payload, idempotency_key="d")
    assert caught.value.platform_message.startswith("1004:")


def test_reply_goes_to_the_conversation_once(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    conversation = sandbox_ebay._buyer_writes(world, state, next(iter(state.orders.values())), datetime.now(UTC))
    adapter = adapter_for(sandbox, "shop-de")
    payload = {
        "body_text": "Danke, wir senden Ersatz.",
        "thread_key": conversation["conversationId"],
        "buyer_id": conversation["_buyer"],
    }
    assert adapter.lookup("send_reply", payload, idempotency_key="r") is None
    sent = adapter.push("send_reply", payload, idempotency_key="r")
    assert sent.details["recipient"] == conversation["_buyer"]
    assert adapter.lookup("send_reply", payload, idempotency_key="r").reference == sent.reference
    assert [r["messageBody"] for r in state.replies] == ["Danke, wir senden Ersatz."]


def test_post_order_refuses_a_bearer_token_with_ebays_errors(world, sandbox):
    adapter = adapter_for(sandbox, "shop-de")
    token = adapter.client.access_token()
    answer = requests.get(
        f"{sandbox.base_url}/ebay/shop-de/post-order/v2/return/search",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert answer.status_code == 401 and answer.json()["errors"][0]["errorId"] == 1001


def test_a_wrong_refresh_token_is_permanent(world, sandbox):
    adapter = adapter_for(sandbox, "shop-de", refresh_token="v^1.1#wrong")
    with pytest.raises(PermanentError):
        adapter.pull("orders", {}, now=datetime.now(UTC))


def test_an_expired_token_is_refreshed_once(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    adapter = adapter_for(sandbox, "shop-de")
    adapter.pull("orders", {}, now=datetime.now(UTC))
    state.tokens.clear()  # eBay forgot the token (it expired)
    assert adapter.pull("orders", {}, now=datetime.now(UTC)).records


def test_a_429_burst_is_waited_out_without_a_storm(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    adapter = adapter_for(sandbox, "shop-de")
    adapter.client.access_token()
    quota = QUOTAS["fulfillment"]
    # Empty the sandbox's bucket, as other apps of the same seller would.
    world.limit("ebay", state.name, "fulfillment", rate=quota.rate, burst=quota.burst, cost=quota.burst * SCALE)
    page = adapter.pull("orders", {}, now=datetime.now(UTC))
    throttled = world.stats[("ebay", "fulfillment", "throttled")]
    assert page.records and 1 <= throttled <= 3 and adapter.http.throttled == throttled


def test_the_daily_limit_becomes_rate_limited_with_the_reset_wait(world, sandbox):
    state = world.tenant("ebay", "shop-de")
    adapter = adapter_for(sandbox, "shop-de")
    world.quotas[("ebay", state.name, "fulfillment")] = DailyQuota(world.clock, 0)
    with pytest.raises(RateLimited) as caught:
        adapter.pull("orders", {}, now=datetime.now(UTC))
    assert caught.value.wait_seconds > 60 and "call limit" in caught.value.platform_message.lower()
    assert world.stats[("ebay", "fulfillment", "throttled")] == 1  # asked once, not stormed


def test_connection_test_names_the_marketplace(world, sandbox):
    assert "EBAY_DE" in adapter_for(sandbox, "shop-de").test_connection()


def test_scenario_generates_orders_returns_disputes_and_messages():
    world = _world(rates=Rates(orders=40, messages=20, returns=10, disputes=10))
    state = world.tenant("ebay", "scenario")
    before = len(state.orders)
    sandbox_ebay.generate(world, state, hours=3)
    assert len(state.orders) > before and state.returns and (state.inquiries or state.cases) and state.conversations


def test_seed_builds_a_large_history_quickly_enough_for_the_bench():
    world = _world()
    state = world.tenant("ebay", "bench")
    sandbox_ebay.seed(world, state, orders=5000, messages=500)
    assert len(state.orders) == 5000 + sandbox_ebay.INITIAL_ORDERS and len(state.order_index) == len(state.orders)
