"""The sandbox's shared pieces: the scenario clock, token buckets and daily quotas, the request
and response the platform modules see, and the World that holds every tenant's state.

A platform module (``shopify.py``, ``amazon.py``, ``ebay.py``) provides:

- ``NAME``: the first path segment (``/shopify/<tenant>/…``);
- ``credentials(tenant) -> dict``: what a store connection to that tenant must present;
- ``new_tenant(world, tenant) -> state``: an empty shop;
- ``handle(world, state, request) -> Response``: one API call, ``request.path`` relative to the tenant;
- ``generate(world, state, hours) -> None``: what happens on the platform in ``hours`` of scenario time;
- ``seed(world, state, *, orders, messages) -> None``: bulk history for benchmarks and backfills.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qs


class ScenarioClock:
    """Scenario time runs ``speed`` times faster than real time. It paces what the scenario
    creates and refills the rate limits (so limits scale with the speed); the timestamps the
    platforms report stay real UTC, so cursors and overlap windows mean what they do live."""

    def __init__(self, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = float(speed)
        self._started = time.monotonic()
        self._offset = 0.0  # scenario seconds added by advance()

    def scenario_seconds(self) -> float:
        return (time.monotonic() - self._started) * self.speed + self._offset

    def advance(self, seconds: float) -> None:
        """Jump scenario time forward (tests): buckets refill and the scenario catches up."""
        self._offset += seconds

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)


class TokenBucket:
    """``rate`` tokens per scenario second up to ``burst``: a platform's per-operation limit."""

    def __init__(self, clock: ScenarioClock, rate: float, burst: float) -> None:
        self.clock, self.rate, self.burst = clock, rate, burst
        self.tokens = burst
        self.stamp = clock.scenario_seconds()

    def take(self, cost: float = 1.0) -> float:
        """Take ``cost`` tokens; 0 if granted, else the scenario seconds until they would be."""
        now = self.clock.scenario_seconds()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= cost:
            self.tokens -= cost
            return 0.0
        return (cost - self.tokens) / self.rate

    def available(self) -> float:
        now = self.clock.scenario_seconds()
        return min(self.burst, self.tokens + (now - self.stamp) * self.rate)


class DailyQuota:
    """eBay's per-app daily call limits: ``limit`` calls per scenario day."""

    def __init__(self, clock: ScenarioClock, limit: int) -> None:
        self.clock, self.limit = clock, limit
        self.day = 0
        self.used = 0

    def take(self) -> bool:
        day = int(self.clock.scenario_seconds() // 86400)
        if day != self.day:
            self.day, self.used = day, 0
        if self.used >= self.limit:
            return False
        self.used += 1
        return True


@dataclass
class Request:
    method: str
    path: str  # after /<platform>/<tenant>, with a leading slash
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    status: int = 200
    body: Any = b""  # bytes, str, or anything JSON-serialisable
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, ensure_ascii=False).encode()


class PlatformModule(Protocol):
    NAME: str

    def credentials(self, tenant: str) -> dict: ...
    def new_tenant(self, world: World, tenant: str) -> Any: ...
    def handle(self, world: World, state: Any, request: Request) -> Response: ...
    def generate(self, world: World, state: Any, hours: float) -> None: ...
    def seed(self, world: World, state: Any, *, orders: int, messages: int) -> None: ...


@dataclass
class Rates:
    """What each tenant sees happen per scenario hour."""

    orders: float = 40.0
    messages: float = 10.0
    returns: float = 4.0
    disputes: float = 1.5


def support_address(platform: str, tenant: str) -> str:
    """The address buyers of a tenant write to (a Shopify shop's support, Amazon's relay)."""
    if platform == "amazon":
        return f"relay-{tenant}@marketplace.amazon.sandbox.test"
    return f"support@{tenant}.{platform}.sandbox.test"


class World:
    """Every tenant of every platform, the clock, the random source, the limits and the mail."""

    def __init__(self, *, speed: float = 1.0, seed: int = 1, rates: Rates | None = None, limit_scale: float = 1.0):
        from . import modules  # the platform modules, imported late: they import this module

        self.clock = ScenarioClock(speed)
        self.rng = random.Random(seed)
        self.rates = rates or Rates()
        # Limits refill in scenario time, so they already scale with the speed; a benchmark that
        # wants more than the platforms allow multiplies them again here.
        self.limit_scale = limit_scale
        self.lock = threading.RLock()
        self.modules: dict[str, PlatformModule] = modules.ALL
        self.tenants: dict[tuple[str, str], Any] = {}
        self.buckets: dict[tuple, TokenBucket] = {}
        self.quotas: dict[tuple, DailyQuota] = {}
        self.stats: Counter = Counter()  # (platform, operation, "calls"|"throttled"|"unauthorized")
        self.mail = None  # the MailServer, when one is attached (sandbox.mail)
        self.sent_mail: list[bytes] = []  # replies our SMTP sends to buyers
        self._generated_until = self.clock.scenario_seconds()

    # --- tenants ---------------------------------------------------------------------------
    def tenant(self, platform: str, name: str) -> Any:
        with self.lock:
            key = (platform, name)
            if key not in self.tenants:
                self.tenants[key] = self.modules[platform].new_tenant(self, name)
            return self.tenants[key]

    # --- limits ----------------------------------------------------------------------------
    def limit(
        self, platform: str, tenant: str, operation: str, *, rate: float, burst: float, cost: float = 1.0
    ) -> float:
        """Take from the (platform, tenant, operation) bucket. 0 if allowed, else scenario
        seconds to wait; every call and every refusal is counted in ``stats``."""
        with self.lock:
            key = (platform, tenant, operation)
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket(self.clock, rate * self.limit_scale, burst * self.limit_scale)
            wait = bucket.take(cost)
            self.stats[(platform, operation, "calls")] += 1
            if wait:
                self.stats[(platform, operation, "throttled")] += 1
            return wait

    def daily(self, platform: str, tenant: str, api: str, *, limit: int) -> bool:
        with self.lock:
            key = (platform, tenant, api)
            quota = self.quotas.get(key)
            if quota is None:
                quota = self.quotas[key] = DailyQuota(self.clock, int(limit * self.limit_scale))
            allowed = quota.take()
            if not allowed:
                self.stats[(platform, api, "throttled")] += 1
            return allowed

    def count(self, platform: str, operation: str, what: str) -> None:
        with self.lock:
            self.stats[(platform, operation, what)] += 1

    def throttled_total(self) -> int:
        return sum(n for (_, _, what), n in self.stats.items() if what == "throttled")

    # --- the scenario ----------------------------------------------------------------------
    def tick(self) -> None:
        """Let every tenant's platform catch up with scenario time."""
        with self.lock:
            now = self.clock.scenario_seconds()
            hours = (now - self._generated_until) / 3600
            if hours <= 0:
                return
            self._generated_until = now
            for (platform, _name), state in list(self.tenants.items()):
                self.modules[platform].generate(self, state, hours)

    def events(self, per_hour: float, hours: float) -> int:
        """How many events of a rate happen in ``hours`` (a Poisson draw, seeded)."""
        expected = per_hour * hours
        count = int(expected)
        if self.rng.random() < expected - count:
            count += 1
        return count

    # --- mail ------------------------------------------------------------------------------
    def deliver_mail(self, to_address: str, raw: bytes) -> None:
        """Deliver a buyer's email to a mailbox, as a mail server would (into its IMAP folder)."""
        if self.mail is not None:
            self.mail.deliver(to_address, raw)

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "speed": self.clock.speed,
                "scenario_seconds": round(self.clock.scenario_seconds(), 3),
                "tenants": sorted(f"{p}/{n}" for p, n in self.tenants),
                "stats": {"/".join(key): n for key, n in sorted(self.stats.items())},
                "throttled": self.throttled_total(),
                "sent_mail": len(self.sent_mail),
            }
