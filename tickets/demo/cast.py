"""The demo's stores, staff and tags: who sells where, who works which store, and with which limits."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Platform
from ..roles import ADMIN, AGENT, FINANCE, SUPERVISOR

PASSWORD = "aftersales-demo"


@dataclass(frozen=True)
class StoreSpec:
    key: str
    platform: str
    name: str
    marketplace: str
    region: str
    currency: str
    language: str  # the store's default, for buyer-facing text when the buyer's is unknown
    time_zone: str
    return_window_days: int
    order_count: int  # orders not tied to a ticket are added until the store has this many
    languages: tuple[tuple[str, int], ...]  # buyer language and weight, for buyers without a ticket


SHOPIFY = StoreSpec(
    key="shopify",
    platform=Platform.SHOPIFY,
    name="Acme Outdoor",
    marketplace="acme-outdoor.myshopify.com",
    region="US",
    currency="USD",
    language="en",
    time_zone="America/New_York",
    return_window_days=30,
    order_count=125,
    languages=(("en", 62), ("es", 12), ("ja", 10), ("zh-hans", 8), ("fr", 5), ("de", 3)),
)
AMAZON = StoreSpec(
    key="amazon",
    platform=Platform.AMAZON,
    name="Acme Outdoor Amazon.de",
    marketplace="A1PA6795UKMFR9",
    region="DE",
    currency="EUR",
    language="de",
    time_zone="Europe/Berlin",
    return_window_days=30,
    order_count=105,
    languages=(("de", 78), ("fr", 8), ("en", 8), ("es", 6)),
)
EBAY = StoreSpec(
    key="ebay",
    platform=Platform.EBAY,
    name="Acme Outdoor UK (eBay)",
    marketplace="EBAY_GB",
    region="GB",
    currency="GBP",
    language="en",
    time_zone="Europe/London",
    return_window_days=30,
    order_count=70,
    languages=(("en", 70), ("de", 8), ("fr", 8), ("zh-hans", 8), ("ja", 6)),
)
STORES: tuple[StoreSpec, ...] = (SHOPIFY, AMAZON, EBAY)
STORE_BY_KEY = {spec.key: spec for spec in STORES}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    stores: tuple[str, ...]  # store keys this user is a member of
    approval_limit: str | None = None  # in each store's currency
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@acme-outdoor.example"


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("agent", "Jonas", "Weber", AGENT, ("shopify", "amazon", "ebay"), approval_limit="50"),
    StaffSpec("agent2", "Priya", "Shah", AGENT, ("ebay",), approval_limit="50"),
    StaffSpec(
        "supervisor", "Sofia", "Marino", SUPERVISOR, ("shopify", "amazon", "ebay"), approval_limit="1000", is_staff=True
    ),
    StaffSpec("finance", "Daniel", "Okafor", FINANCE, ("shopify", "amazon", "ebay")),
    StaffSpec("admin", "Alex", "Kim", ADMIN, (), is_staff=True, is_superuser=True),
)

# Who works a store's tickets, and how often (weights).
WORKERS: dict[str, tuple[tuple[str, int], ...]] = {
    "shopify": (("agent", 7), ("supervisor", 3)),
    "amazon": (("agent", 3), ("supervisor", 1)),
    "ebay": (("agent2", 7), ("agent", 2), ("supervisor", 1)),
}

TAGS = (
    "vip",
    "damaged",
    "customs",
    "wismo",
    "escalated",
    "chargeback",
    "reship",
    "invoice",
    "a-to-z-claim",
    "ebay-case",
)

# How many demo tickets each store gets, per buyer language (80 in all).
TICKETS_PER_LANGUAGE: dict[str, tuple[tuple[str, int], ...]] = {
    "shopify": (("en", 9), ("es", 7), ("ja", 6), ("zh-hans", 5), ("fr", 3), ("de", 2)),
    "amazon": (("de", 14), ("fr", 5), ("en", 4), ("es", 5)),
    "ebay": (("en", 7), ("fr", 4), ("zh-hans", 4), ("ja", 3), ("de", 2)),
}
