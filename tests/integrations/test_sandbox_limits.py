"""Our adapters keep to the platforms' limits: in a 10-minute scenario run 60× faster, the sync loop
(every stream of a Shopify, an Amazon and an eBay store, their mailboxes too, run as beat would but
more eagerly) ingests everything the scenario generates while the sandbox rarely has to refuse a
call (retries are fine, a storm is not); and a Shopify bucket too small for our pages is waited
out (THROTTLED answers, a rate-limited run), never recorded as a failure on the cursor."""

from __future__ import annotations

import time
from collections import defaultdict

import pytest
from django.utils import timezone

from integrations import registry
from integrations.demo import DEMO_TENANTS, connect_demo_stores
from integrations.models import SyncCursor
from integrations.sandbox.core import Rates, World
from integrations.sandbox.mail import MailServer
from integrations.sandbox.server import Sandbox
from integrations.sync import sync_stream
from tests import factories
from tickets.models import Message, Order

from .pipe_sandbox import QUIET, connect, fresh_quota_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

SPEED = 60
SCENARIO_MINUTES = 10
CURRENCY = {"shopify": "USD", "amazon": "EUR", "ebay": "GBP"}


class CountingWorld(World):
    """A World that remembers, per bucket, the order of granted and refused calls."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.answers: dict[tuple, list[bool]] = defaultdict(list)  # (platform, tenant, operation) → refused?

    def limit(self, platform, tenant, operation, *, rate, burst, cost=1.0):
        wait = super().limit(platform, tenant, operation, rate=rate, burst=burst, cost=cost)
        self.answers[(platform, tenant, operation)].append(bool(wait))
        return wait

    def daily(self, platform, tenant, api, *, limit):
        allowed = super().daily(platform, tenant, api, limit=limit)
        self.answers[(platform, tenant, api)].append(not allowed)
        return allowed

    def calls(self) -> int:
        return sum(n for (_, _, what), n in self.stats.items() if what == "calls")

    def longest_refusal_run(self) -> int:
        longest = 0
        for answers in self.answers.values():
            run = 0
            for refused in answers:
                run = run + 1 if refused else 0
                longest = max(longest, run)
        return longest


@pytest.fixture
def scenario(settings, fresh_quota):
    world = CountingWorld(speed=SPEED, seed=3, rates=Rates(orders=240, messages=60, returns=12, disputes=4))
    mail = MailServer(world).start()
    box = Sandbox(world).start()
    host, port = box.http.server_address[:2]
    settings.SANDBOX_HOST, settings.SANDBOX_PORT, settings.SANDBOX_SPEED = host, port, SPEED
    settings.SANDBOX_IMAP_PORT = mail.imap_port
    for spec in DEMO_TENANTS:
        world.tenant(spec.platform, spec.tenant)
        factories.StoreFactory(
            platform=spec.platform, marketplace=spec.marketplace, name=spec.tenant, currency=CURRENCY[spec.platform]
        )
    connect_demo_stores(interval_seconds=10)  # quota_scale = the speed, as `make run` connects them
    yield world
    box.stop()
    mail.stop()


def every_stream() -> list[tuple[int, str]]:
    from tickets.models import Store

    return [(store.pk, stream) for store in Store.objects.order_by("pk") for stream in registry.streams_for(store)]


def sync_all_until_quiet(streams, *, rounds: int = 40) -> None:
    for _ in range(rounds):
        busy = False
        for store_id, stream in streams:
            outcome = sync_stream(store_id, stream)
            busy = busy or outcome.has_more or outcome.status == "rate_limited"
        if not busy:
            return
        time.sleep(0.5)


def test_ten_accelerated_minutes_are_ingested_without_a_storm_of_429s(scenario):
    world = scenario
    streams = every_stream()
    assert {stream for _, stream in streams} >= {"orders", "messages", "returns"}
    assert any(stream.startswith("mailbox:") for _, stream in streams)
    ends = time.monotonic() + SCENARIO_MINUTES * 60 / SPEED
    while time.monotonic() < ends:  # beat's loop, eagerly: every stream about once a scenario minute
        for store_id, stream in streams:
            sync_stream(store_id, stream)
        time.sleep(0.2)
    world.rates = QUIET  # the scenario ends; what it made must all arrive
    world.tick()
    sync_all_until_quiet(streams)

    for spec in DEMO_TENANTS:
        tenant = world.tenant(spec.platform, spec.tenant)
        ours = set(Order.objects.filter(store__marketplace=spec.marketplace).values_list("external_id", flat=True))
        theirs = set(tenant.orders)
        assert theirs and theirs <= ours, spec.platform
    mailed = sum(len(world.mail.folder(address).messages) for address in list(world.mail.folders))
    inbound = Message.objects.filter(direction="inbound", ticket__store__platform__in=["shopify", "amazon"])
    assert mailed and inbound.count() >= mailed
    assert list(SyncCursor.objects.exclude(last_error="").values_list("stream", "last_error")) == []

    calls, throttled = world.calls(), world.throttled_total()
    assert calls > 50
    assert throttled <= 0.05 * calls, dict(world.stats)
    assert world.longest_refusal_run() <= 3


def test_an_exhausted_shopify_bucket_is_waited_out_not_failed(fresh_quota):
    # A bucket half of Shopify's (and emptied by "another app" before we start): our client,
    # which believes in the full quota, gets THROTTLED answers and must wait them out.
    world = CountingWorld(speed=4, seed=9, rates=QUIET, limit_scale=0.5)
    box = Sandbox(world).start()
    try:
        state = world.tenant("shopify", "tiny")
        world.modules["shopify"].seed(world, state, orders=200, messages=0)
        world.limit("shopify", "tiny", "graphql", rate=100, burst=1000, cost=500)  # the bucket is empty now
        store = connect(box, "shopify", "tiny")
        outcomes = []
        deadline = time.monotonic() + 90
        while Order.objects.filter(store=store).count() < len(state.orders) and time.monotonic() < deadline:
            outcome = sync_stream(store.pk, "orders")
            outcomes.append(outcome.status)
            if outcome.status == "rate_limited":
                time.sleep(min(5.0, max(0.0, (outcome.next_run_at - timezone.now()).total_seconds())))
        cursor = SyncCursor.objects.get(store=store, stream="orders")
        assert set(Order.objects.filter(store=store).values_list("external_id", flat=True)) == set(state.orders), (
            outcomes,
            cursor.last_error,
        )
        assert world.stats[("shopify", "graphql", "throttled")] >= 1  # THROTTLED did happen
        cursor = SyncCursor.objects.get(store=store, stream="orders")
        assert (cursor.last_error, cursor.consecutive_failures) == ("", 0)
        assert "error" not in outcomes
        assert world.longest_refusal_run() <= 3
    finally:
        box.stop()
