"""Facts: everything a rule condition reads about one message and its ticket, as plain attributes.

Built from the database (``Facts.for_ticket``: the ticket with its store, buyer and order in one
query, its order lines and tags in one each) or from plain values (``Facts.for_text``: "try it",
the corpus and the bench, which give order facts in a ``context`` dict without any row). The
message text is prepared (``text.prepare``) only when a condition first reads it, and each keyword
set is searched at most once per Facts, however many rules name it.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ..money import Money
from . import cache

if TYPE_CHECKING:
    from ..models import Order, Store, Ticket
    from .keywords import CompiledSet, Hit
    from .text import PreparedText

# Context keys ``for_text`` reads (the corpus and the bench give order facts without the DB).
CONTEXT_KEYS = (
    "platform",
    "fulfilment",
    "order_total",
    "currency",
    "category",
    "sku",
    "unit_price",
    "delivered_days_ago",
    "tracking_status",
    "buyer_tier",
    "return_risk",
    "return_count",
    "store_return_window_days",
    "ticket_type",
    "ticket_reason",
    "tags",
    "priority",
    "channel",
    "language",
)
DEFAULT_RETURN_WINDOW_DAYS = 30  # Store.return_window_days' default, for facts without a store
RATE_SECONDS = 60.0  # how long a process reuses an exchange rate it looked up


@dataclass(frozen=True, slots=True)
class Line:
    sku: str
    category: str  # casefolded
    unit_price: Money | None


class Facts:
    """What conditions read. Ticket fields (type, reason, tags, priority) may be changed in
    memory by ``engine.preview`` as earlier rules' actions would change them."""

    def __init__(
        self,
        *,
        subject: str = "",
        body: str | None = "",
        body_loader: Callable[[], str] | None = None,
        store: Store | None = None,
        store_id: int | None = None,
        platform: str = "",
        return_window_days: int | None = None,
        has_order: bool = False,
        order_total: Money | None = None,
        fulfilment: str = "",
        delivered_at: datetime | None = None,
        tracking_status: str = "",
        lines: Iterable[Line] = (),
        customer_tier: str = "",
        return_risk: bool = False,
        return_count: int | None = None,
        return_dates: list[datetime] | None = None,
        customer_id: int | None = None,
        ticket: Ticket | None = None,
        order: Order | None = None,
        ticket_type: str = "",
        ticket_reason: str = "",
        tags: Iterable[str] = (),
        priority: str = "",
        language: str = "",
        channel: str = "",
        now: datetime | None = None,
    ) -> None:
        self.subject = subject or ""
        self._body = body
        self._body_loader = body_loader
        self._text: PreparedText | None = None
        self.store = store
        self.store_id = store_id if store_id is not None else (store.pk if store is not None else None)
        self.platform = platform or (store.platform if store is not None else "")
        if return_window_days is None and store is not None:
            return_window_days = store.return_window_days
        self.return_window_days = return_window_days
        self.has_order = has_order
        self.order_total = order_total
        self.fulfilment = fulfilment
        self.delivered_at = delivered_at
        self.tracking_status = tracking_status
        self.lines = tuple(lines)
        self.customer_tier = customer_tier
        self.return_risk = return_risk
        self._return_count = return_count
        self._return_dates = return_dates
        self.customer_id = customer_id
        self.ticket = ticket
        self.order = order
        self.type = ticket_type
        self.reason = ticket_reason
        self.tags = set(tags)
        self.priority = priority
        self._language = language
        self.channel = channel
        self.now = now or timezone.now()
        self.hits: dict[str, list[Hit]] = {}  # keyword set name → its hits (searched once)
        self.filtered: dict[tuple[str, str], Any] = {}  # (set, field) → (hits, first negated): conditions.py
        self._sets: dict[str, Any] | None = None
        self._calendar = None

    def copy(self) -> Facts:
        """A copy whose ticket fields can change without touching these (the text is shared)."""
        other = copy.copy(self)
        other.tags = set(self.tags)
        return other

    # --- text --------------------------------------------------------------------------------
    @property
    def body(self) -> str:
        if self._body is None:
            self._body = self._body_loader() if self._body_loader else ""
        return self._body

    @property
    def text(self) -> PreparedText:
        if self._text is None:
            from .text import prepare

            self._text = prepare(self.subject, self.body)
        return self._text

    @property
    def language(self) -> str:
        """The ticket's language (set by triage from the first message), else the message's."""
        return self._language or self.text.language

    @language.setter
    def language(self, value: str) -> None:
        self._language = value

    def keyword_set(self, name: str) -> CompiledSet | None:
        """The compiled set of this name for the store (a store's set overrides the global one);
        None when there is none. A disabled set is there but matches nothing."""
        if self._sets is None:
            self._sets = keyword_sets(self.store_id)
        return self._sets.get(name)

    def hits_of(self, name: str) -> list[Hit] | None:
        """Every hit (negated ones flagged) of the named set in the text, searched once; None when
        no set of that name exists for the store."""
        try:
            return self.hits[name]
        except KeyError:
            pass
        compiled = self.keyword_set(name)
        if compiled is None:
            return None
        found = compiled.find(self.text) if compiled is not _DISABLED else []
        self.hits[name] = found
        return found

    # --- order and buyer ---------------------------------------------------------------------
    @property
    def days_since_delivery(self) -> int | None:
        if self.delivered_at is None:
            return None
        return max(0, (self.now - self.delivered_at).days)

    def returns_within(self, days: int) -> int:
        """The buyer's returns (not rejected or cancelled) opened in the last ``days``."""
        if self._return_count is not None:
            return self._return_count
        if self._return_dates is None:
            self._return_dates = _load_return_dates(self.customer_id)
        since = self.now - timedelta(days=days)
        return sum(1 for when in self._return_dates if when >= since)

    def convert(self, money: Money, currency: str) -> Money | None:
        """``money`` in ``currency`` at the rate of the day of ``now``; None without a rate."""
        if money.currency == currency:
            return money
        rate = exchange_rate(money.currency, currency, self.now.date())
        if rate is None:
            return None
        return Money.rounded(money.amount * rate, currency)

    @property
    def calendar(self):
        if self._calendar is None and self.store is not None:
            from ..business_hours import calendar_for

            self._calendar = calendar_for(self.store)
        return self._calendar

    # --- builders ----------------------------------------------------------------------------
    @classmethod
    def for_ticket(cls, ticket: Ticket, message=None, now: datetime | None = None, *, body: str | None = None) -> Facts:
        """The facts of a ticket (and of ``message``, else its first message from the buyer).

        Queries: the ticket with its store, buyer and order (none when they are already loaded),
        its order lines, its tags, and the message body when a text condition reads it."""
        from ..models import Ticket as TicketModel

        if not _related_loaded(ticket):
            ticket = TicketModel.objects.select_related("store", "customer", "order").get(pk=ticket.pk)
        order = ticket.order
        lines = _lines_of([order.pk])[order.pk] if order is not None else []
        tags = _tags_of([ticket.pk])[ticket.pk]
        if body is None and message is not None:
            body = _message_text(message.body)
            loader = None
        else:
            loader = (lambda: _first_inbound_text(ticket.pk)) if body is None else None
        return cls.from_rows(ticket, order=order, lines=lines, tags=tags, body=body, body_loader=loader, now=now)

    @classmethod
    def from_rows(
        cls,
        ticket: Ticket,
        *,
        order: Order | None,
        lines: list[Line],
        tags: Iterable[str],
        body: str | None,
        body_loader: Callable[[], str] | None = None,
        return_dates: list[datetime] | None = None,
        now: datetime | None = None,
    ) -> Facts:
        """Facts from rows already loaded (``simulate`` loads them in batches)."""
        store = ticket.store
        customer = ticket.customer
        return cls(
            subject=ticket.subject,
            body=body,
            body_loader=body_loader,
            store=store,
            has_order=order is not None,
            order_total=order.total if order is not None else None,
            fulfilment=order.fulfilment if order is not None else "",
            delivered_at=order.delivered_at if order is not None else None,
            tracking_status=order.tracking_status if order is not None else "",
            lines=lines,
            customer_tier=customer.tier if customer is not None else "",
            return_risk=bool(customer and customer.return_risk),
            return_dates=return_dates if customer is not None else [],
            customer_id=ticket.customer_id,
            ticket=ticket,
            order=order,
            ticket_type=ticket.type,
            ticket_reason=ticket.reason,
            tags=tags,
            priority=ticket.priority,
            language=ticket.language,
            channel=ticket.channel,
            now=now,
        )

    # The ticket columns ``from_values`` reads (one query of values for many tickets: simulate).
    VALUE_FIELDS = (
        "pk",
        "store_id",
        "customer_id",
        "order_id",
        "subject",
        "type",
        "reason",
        "priority",
        "language",
        "channel",
        "customer__tier",
        "customer__return_risk",
        "order__total_amount",
        "order__currency",
        "order__fulfilment",
        "order__delivered_at",
        "order__tracking_status",
    )

    @classmethod
    def from_values(
        cls,
        row: dict,
        *,
        store: Store | None,
        lines: list[Line],
        tags: Iterable[str],
        body: str | None,
        body_loader: Callable[[], str] | None = None,
        return_dates: list[datetime] | None = None,
        now: datetime | None = None,
    ) -> Facts:
        """Facts from a ``values(*VALUE_FIELDS)`` row, with no model built (``simulate``)."""
        has_order = row["order_id"] is not None
        has_customer = row["customer_id"] is not None
        return cls(
            subject=row["subject"],
            body=body,
            body_loader=body_loader,
            store=store,
            store_id=row["store_id"],
            has_order=has_order,
            order_total=_stored(row["order__total_amount"], row["order__currency"]) if has_order else None,
            fulfilment=row["order__fulfilment"] or "",
            delivered_at=row["order__delivered_at"],
            tracking_status=row["order__tracking_status"] or "",
            lines=lines,
            customer_tier=row["customer__tier"] or "",
            return_risk=bool(row["customer__return_risk"]),
            return_dates=return_dates if has_customer else [],
            customer_id=row["customer_id"],
            ticket_type=row["type"],
            ticket_reason=row["reason"],
            tags=tags,
            priority=row["priority"],
            language=row["language"],
            channel=row["channel"],
            now=now,
        )

    @classmethod
    def for_text(
        cls,
        subject: str,
        body: str,
        *,
        store: Store | None = None,
        order: Order | None = None,
        context: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> Facts:
        """The facts of a message that is not (yet) a ticket: "try it", the corpus, the bench.

        ``order`` gives the order facts from its row (lines in one query); ``context`` gives them
        as plain values and wins over both: platform, fulfilment, order_total + currency,
        category, sku, unit_price, delivered_days_ago, tracking_status, buyer_tier, return_risk,
        return_count, store_return_window_days, and ticket_type, ticket_reason, tags, priority,
        channel, language for a ticket that exists only in the test."""
        ctx = dict(context or {})
        unknown = set(ctx) - set(CONTEXT_KEYS)
        if unknown:
            raise ValueError(f"unknown context keys: {', '.join(sorted(unknown))}")
        now = now or timezone.now()
        values: dict[str, Any] = {}
        customer = None
        if order is not None:
            customer = order.customer
            values.update(
                has_order=True,
                order_total=order.total,
                fulfilment=order.fulfilment,
                delivered_at=order.delivered_at,
                tracking_status=order.tracking_status,
                lines=_lines_of([order.pk])[order.pk],
                customer_tier=customer.tier if customer else "",
                return_risk=bool(customer and customer.return_risk),
                customer_id=order.customer_id,
                order=order,
            )
            store = store or order.store
        currency = ctx.get("currency") or (order.currency if order is not None else None)
        if currency is None:
            currency = store.currency if store is not None else "EUR"
        if "order_total" in ctx:
            values["order_total"] = Money.of(str(ctx["order_total"]), currency)
        order_keys = {"fulfilment", "order_total", "category", "sku", "unit_price", "delivered_days_ago"}
        order_keys |= {"tracking_status"}
        if order_keys & set(ctx):
            values["has_order"] = True
        for key in ("fulfilment", "tracking_status", "platform"):
            if key in ctx:
                values[key] = ctx[key] or ""
        if "delivered_days_ago" in ctx:
            days = ctx["delivered_days_ago"]
            values["delivered_at"] = None if days is None else now - timedelta(days=int(days))
            if days is not None and "tracking_status" not in ctx and not values.get("tracking_status"):
                values["tracking_status"] = "delivered"
        if {"category", "sku", "unit_price"} & set(ctx):
            price = ctx.get("unit_price", ctx.get("order_total"))
            values["lines"] = [
                Line(
                    sku=str(ctx.get("sku") or ""),
                    category=str(ctx.get("category") or "").casefold(),
                    unit_price=Money.of(str(price), currency) if price is not None else None,
                )
            ]
        if "buyer_tier" in ctx:
            values["customer_tier"] = ctx["buyer_tier"] or ""
        if "return_risk" in ctx:
            values["return_risk"] = bool(ctx["return_risk"])
        if "return_count" in ctx:
            values["return_count"] = int(ctx["return_count"])
        elif customer is None:
            values["return_count"] = 0
        if "store_return_window_days" in ctx:
            values["return_window_days"] = int(ctx["store_return_window_days"])
        elif store is None:
            values["return_window_days"] = DEFAULT_RETURN_WINDOW_DAYS
        for key in ("ticket_type", "ticket_reason", "priority", "channel", "language"):
            if key in ctx:
                values[key] = ctx[key] or ""
        if "tags" in ctx:
            values["tags"] = list(ctx["tags"] or [])
        return cls(subject=subject, body=body, store=store, now=now, **values)


# --- loading helpers -------------------------------------------------------------------------------


def _related_loaded(ticket) -> bool:
    from ..models import Ticket as TicketModel

    return all(
        getattr(TicketModel, name).is_cached(ticket) or getattr(ticket, f"{name}_id") is None
        for name in ("store", "customer", "order")
    )


def _lines_of(order_ids: list[int]) -> dict[int, list[Line]]:
    """Each order's lines (one query), keyed by order id."""
    from ..models import OrderLine

    found: dict[int, list[Line]] = {pk: [] for pk in order_ids}
    if not order_ids:
        return found
    rows = OrderLine.objects.filter(order_id__in=order_ids).values_list(
        "order_id", "sku", "category", "unit_price", "order__currency"
    )
    for order_id, sku, category, price, currency in rows.order_by("order_id", "id"):
        found[order_id].append(Line(sku=sku, category=(category or "").casefold(), unit_price=_stored(price, currency)))
    return found


@lru_cache(maxsize=4096)
def _stored(amount, currency) -> Money | None:
    """A stored amount as Money (shared: Money is immutable, and a page of orders repeats prices)."""
    if amount is None or not currency:
        return None
    try:
        return Money.stored(amount, currency)
    except Exception:  # a row Money cannot read is no evidence either way
        return None


def _tags_of(ticket_ids: list[int]) -> dict[int, set[str]]:
    from ..models import Ticket as TicketModel

    found: dict[int, set[str]] = {pk: set() for pk in ticket_ids}
    if not ticket_ids:
        return found
    through = TicketModel.tags.through
    for ticket_id, name in through.objects.filter(ticket_id__in=ticket_ids).values_list("ticket_id", "tag__name"):
        found[ticket_id].add(name)
    return found


def _message_text(html: str) -> str:
    from .text import html_to_text

    return html_to_text(html or "")


def _first_inbound_text(ticket_id: int) -> str:
    from ..models import Direction, Message

    body = (
        Message.objects.filter(ticket_id=ticket_id, direction=Direction.INBOUND)
        .order_by("created_at", "id")
        .values_list("body", flat=True)
        .first()
    )
    return _message_text(body or "")


def _load_return_dates(customer_id: int | None) -> list[datetime]:
    if customer_id is None:
        return []
    return return_dates_of([customer_id]).get(customer_id, [])


def return_dates_of(customer_ids: list[int], *, since: datetime | None = None) -> dict[int, list[datetime]]:
    """When each buyer's returns were opened (rejected and cancelled ones do not count)."""
    from ..models import ReturnAuthorization
    from ..services.return_risk import NOT_RETURNS

    found: dict[int, list[datetime]] = {pk: [] for pk in customer_ids}
    if not customer_ids:
        return found
    rows = ReturnAuthorization.objects.filter(ticket__customer_id__in=customer_ids).exclude(status__in=NOT_RETURNS)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    for customer_id, created in rows.values_list("ticket__customer_id", "created_at"):
        found.setdefault(customer_id, []).append(created)
    return found


# --- keyword sets and exchange rates, cached per process --------------------------------------------

_DISABLED: Any = object()  # a disabled set: present (a store's overrides the global one) but matches nothing


def _load_keyword_sets() -> dict[int | None, dict[str, Any]]:
    from ..models import KeywordSet

    by_store: dict[int | None, dict[str, Any]] = {}
    for row in KeywordSet.objects.all().only("pk", "name", "store_id", "keywords", "enabled", "updated_at"):
        by_store.setdefault(row.store_id, {})[row.name] = row
    return by_store


def keyword_sets(store_id: int | None) -> dict[str, Any]:
    """name → CompiledSet (or the disabled marker) for a store: its own sets over the global ones."""
    return cache.get(("keyword_sets", store_id), lambda: _compile_for(store_id))


def _compile_for(store_id: int | None) -> dict[str, Any]:
    rows = cache.get("keyword_set_rows", _load_keyword_sets)
    merged = dict(rows.get(None, {}))
    if store_id is not None:
        merged.update(rows.get(store_id, {}))
    return {name: _compiled(row) for name, row in merged.items()}


def _compiled(row) -> Any:
    if not row.enabled:
        return _DISABLED
    return cache.get(("compiled", row.pk), lambda: _compile(row))


def _compile(row):
    from .keywords import compile_set

    return compile_set(row.name, list(row.keywords or []))


_rates: dict[tuple[str, str, date], tuple[float, Decimal | None]] = {}


def exchange_rate(base: str, quote: str, on: date) -> Decimal | None:
    """The day's rate (``exchange_rates.rate_on``), reused by this process for a minute."""
    key = (base, quote, on)
    now = time.monotonic()
    found = _rates.get(key)
    if found is not None and now - found[0] < RATE_SECONDS:
        return found[1]
    from ..services.exchange_rates import rate_on

    rate = rate_on(base, quote, on)
    if len(_rates) > 10_000:
        _rates.clear()
    _rates[key] = (now, rate)
    return rate


def clear_rates() -> None:
    _rates.clear()
