"""Planning demo buyers and their orders (no database): who bought what, when, and how it shipped."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from ..models import Fulfilment, TrackingStatus
from ..money import Money
from . import platforms
from .cast import StoreSpec
from .catalogue import CATALOGUE, Product, local_price
from .people import Person, make_person, weighted

HISTORY_DAYS = 90  # orders are placed over the last ~90 days


@dataclass
class LinePlan:
    external_id: str
    product: Product
    quantity: int
    unit_price: Money

    @property
    def total(self) -> Money:
        return Money(self.unit_price.amount * self.quantity, self.unit_price.currency)


@dataclass
class OrderPlan:
    store: StoreSpec
    customer_id: str  # the buyer's platform customer id
    external_id: str
    placed_at: datetime
    fulfilment: str
    country: str
    lines: list[LinePlan]
    number: str = ""
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str = ""
    tracking_number: str = ""
    tracking_status: str = TrackingStatus.UNKNOWN

    @property
    def total(self) -> Money:
        result = Money.zero(self.store.currency)
        for line in self.lines:
            result = result + line.total
        return result

    @property
    def paid_at(self) -> datetime:
        return self.placed_at + timedelta(minutes=2)

    @property
    def updated_at(self) -> datetime:
        return self.delivered_at or self.shipped_at or self.paid_at

    @property
    def platform_url(self) -> str:
        return platforms.order_url(self.store.platform, self.external_id)


@dataclass
class CustomerPlan:
    store: StoreSpec
    person: Person
    vip: bool = False
    orders: list[OrderPlan] = field(default_factory=list)
    returns: int = 0

    @property
    def lifetime_spend(self) -> Money:
        result = Money.zero(self.store.currency)
        for order in self.orders:
            result = result + order.total
        return result


class OrderFactory:
    """Makes the orders of one store, with unique ids; numbers are given once all are made."""

    def __init__(self, spec: StoreSpec, rng: random.Random, now: datetime) -> None:
        self.spec = spec
        self.rng = rng
        self.now = now
        self.orders: list[OrderPlan] = []
        self._ids: set[str] = set()
        self._customer_ids: set[str] = set()

    # --- buyers -------------------------------------------------------------------------------
    def person(self, language: str, country: str | None = None) -> Person:
        while True:
            person = make_person(self.rng, store_key=self.spec.key, language=language, country=country)
            if person.platform_customer_id not in self._customer_ids:
                self._customer_ids.add(person.platform_customer_id)
                return person

    def filler_language(self) -> str:
        return weighted(self.rng, self.spec.languages)

    # --- orders -------------------------------------------------------------------------------
    def _external_id(self) -> str:
        while True:
            if self.spec.platform == "shopify":
                candidate = f"gid://shopify/Order/{platforms.shopify_order_id(self.rng)}"
            elif self.spec.platform == "amazon":
                candidate = platforms.amazon_order_id(self.rng)
            else:
                candidate = platforms.ebay_order_id(self.rng)
            if candidate not in self._ids:
                self._ids.add(candidate)
                return candidate

    def line(self, product: Product, quantity: int = 1) -> LinePlan:
        return LinePlan(
            platforms.line_id(self.rng, self.spec.platform),
            product,
            quantity,
            local_price(product, self.spec.currency),
        )

    def random_lines(self, count: int, exclude: tuple[Product, ...] = ()) -> list[LinePlan]:
        products = self.rng.sample([p for p in CATALOGUE if p not in exclude], count)
        lines = []
        for product in products:
            quantity = (
                self.rng.choice((1, 2, 3))
                if Decimal(product.price_usd) < 40
                else (2 if self.rng.random() < 0.08 else 1)
            )
            lines.append(self.line(product, quantity))
        return lines

    def order(self, customer: CustomerPlan, placed_at: datetime, lines: list[LinePlan]) -> OrderPlan:
        fulfilment = Fulfilment.MERCHANT
        if self.spec.platform == "amazon":
            fulfilment = Fulfilment.FBA if self.rng.random() < 0.65 else Fulfilment.MFN
        order = OrderPlan(
            store=self.spec,
            customer_id=customer.person.platform_customer_id,
            external_id=self._external_id(),
            placed_at=placed_at.replace(microsecond=0),
            fulfilment=fulfilment,
            country=customer.person.country,
            lines=lines,
        )
        customer.orders.append(order)
        self.orders.append(order)
        return order

    def ship(self, order: OrderPlan, shipped_at: datetime) -> None:
        order.shipped_at = shipped_at.replace(microsecond=0)
        order.carrier = platforms.pick_carrier(self.rng, self.spec.key, order.fulfilment, order.country)
        order.tracking_number = platforms.tracking_number(self.rng, order.carrier)
        order.tracking_status = TrackingStatus.IN_TRANSIT

    def deliver(self, order: OrderPlan, delivered_at: datetime) -> None:
        order.delivered_at = delivered_at.replace(microsecond=0)
        order.tracking_status = TrackingStatus.DELIVERED

    def ship_by_age(self, order: OrderPlan) -> None:
        """Ship and deliver an order as far as its age allows (for orders without a ticket)."""
        rng, now = self.rng, self.now
        fba = order.fulfilment == Fulfilment.FBA
        shipped_at = order.placed_at + timedelta(hours=rng.uniform(2, 14) if fba else rng.uniform(5, 36))
        if shipped_at >= now - timedelta(hours=1):
            return  # not shipped yet
        self.ship(order, shipped_at)
        domestic = order.country == self.spec.region
        transit = timedelta(days=rng.uniform(1, 4) if domestic else rng.uniform(4, 9))
        if rng.random() < 0.02:
            order.tracking_status = TrackingStatus.EXCEPTION
        elif shipped_at + transit < now:
            self.deliver(order, shipped_at + transit)
        elif now - shipped_at < timedelta(hours=6):
            order.tracking_status = TrackingStatus.LABEL_CREATED
        elif shipped_at + transit - now < timedelta(hours=10):
            order.tracking_status = TrackingStatus.OUT_FOR_DELIVERY

    def past_orders(self, customer: CustomerPlan, count: int, before: datetime) -> None:
        """Earlier orders of a buyer, placed between the start of the history and ``before``."""
        start = self.now - timedelta(days=HISTORY_DAYS - 1)
        if before - start < timedelta(days=3):
            return
        span = (before - start).total_seconds()
        moments = sorted(start + timedelta(seconds=self.rng.uniform(0, span)) for _ in range(count))
        for moment in moments:
            lines = self.random_lines(self.rng.choices((1, 2, 3), weights=(5, 3, 2))[0])
            self.ship_by_age(self.order(customer, moment, lines))

    def number_orders(self) -> None:
        """Order numbers: Shopify counts up from #1001 in order of placing (ids grow too); the
        marketplaces show their own order id as the number."""
        self.orders.sort(key=lambda o: o.placed_at)
        if self.spec.platform != "shopify":
            for order in self.orders:
                order.number = order.external_id
            return
        ids = sorted(int(o.external_id.rsplit("/", 1)[-1]) for o in self.orders)
        for position, (order, numeric) in enumerate(zip(self.orders, ids, strict=True)):
            order.external_id = f"gid://shopify/Order/{numeric}"
            order.number = f"#{1001 + position}"


def random_moment(rng: random.Random, now: datetime) -> datetime:
    return now - timedelta(seconds=rng.uniform(2 * 3600, HISTORY_DAYS * 86400))


def filler_order_count(rng: random.Random) -> int:
    return rng.choices((1, 2, 3), weights=(75, 18, 7))[0]


def price_of(product: Product, currency: str) -> Decimal:
    return local_price(product, currency).amount
