"""Return rate per SKU for a month: units returned ÷ units sold, over the stores a user sees.

Units sold: the quantities of order lines of orders placed in the month (each store's own
calendar), leaving out replacement orders (sent free, not sold) and orders the platform
cancelled. Units returned: the quantities of RMA lines of returns opened in the month, whatever
month their order was placed in, leaving out returns that never happened (rejected, cancelled,
expired). A SKU sold nowhere in the month but returned has no rate ("—"), not a division by zero.

A rate above ``FLAG_RATE`` is flagged; one above it in ``PERSISTENT_MONTHS`` consecutive months
ending with the month shown is flagged as persistent. SKUs are compared across the stores in
scope (the same SKU on Shopify and Amazon is one product). At most ``ROW_CAP`` rows, highest rate
first; a filter by SKU narrows the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, FloatField, IntegerField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from ..models import OrderLine, RmaLine, Store
from ..states import RmaStatus
from .periods import in_month, shift

FLAG_RATE = Decimal("0.08")  # a SKU returned more than 8% of the units sold is flagged
PERSISTENT_MONTHS = 3  # flagged this many months in a row (the one shown and the ones before)
ROW_CAP = 200
CANCELLED_ORDER = ("cancelled", "canceled")  # platforms' own words, lower case
NOT_RETURNED = (RmaStatus.REJECTED, RmaStatus.CANCELLED, RmaStatus.EXPIRED)


@dataclass(frozen=True)
class Rate:
    sold: int
    returned: int

    @property
    def value(self) -> Decimal | None:
        """The rate as a fraction, None with nothing sold."""
        return Decimal(self.returned) / Decimal(self.sold) if self.sold else None

    @property
    def flagged(self) -> bool:
        return self.value is not None and self.value > FLAG_RATE

    @property
    def percent(self) -> Decimal | None:
        value = self.value
        return None if value is None else (value * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SkuRow:
    sku: str
    title: str
    rate: Rate
    previous: tuple[tuple[date, Rate], ...]  # (month, rate): the month before, then the one before that

    @property
    def flagged(self) -> bool:
        return self.rate.flagged

    @property
    def persistent(self) -> bool:
        earlier = self.previous[: PERSISTENT_MONTHS - 1]
        return self.rate.flagged and len(earlier) == PERSISTENT_MONTHS - 1 and all(r.flagged for _m, r in earlier)


@dataclass(frozen=True)
class Report:
    month: date
    rows: list[SkuRow]
    capped: bool  # more SKUs than ROW_CAP match: narrow by SKU to see the others
    months: tuple[date, ...]  # the month shown, then the previous ones the table shows

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flagged)

    @property
    def persistent(self) -> int:
        return sum(1 for row in self.rows if row.persistent)


def _sold(stores: Iterable[Store], month: date, sku: str):
    lines = OrderLine.objects.filter(
        in_month("order__placed_at", stores, month, store_field="order__store"),
        order__replacement_of__isnull=True,
    ).exclude(order__platform_status__in=CANCELLED_ORDER)
    return lines.filter(sku__icontains=sku) if sku else lines


def _returned(stores: Iterable[Store], month: date, sku: str):
    lines = RmaLine.objects.filter(
        in_month("rma__created_at", stores, month, store_field="rma__store"),
    ).exclude(rma__status__in=NOT_RETURNED)
    return lines.filter(order_line__sku__icontains=sku) if sku else lines


def return_rates(user, month: date, *, sku: str = "", store_id: int | None = None) -> Report:
    """The month's rates per SKU of the user's stores (one of them when ``store_id`` names it)."""
    stores = Store.objects.visible_to(user)
    if store_id is not None:
        stores = stores.filter(pk=store_id)
    stores = list(stores)
    sku = sku.strip()[:64]
    months = tuple(shift(month, -n) for n in range(PERSISTENT_MONTHS))
    if not stores:
        return Report(month, [], False, months)
    returned_of_sku = (
        _returned(stores, month, sku)
        .filter(order_line__sku=OuterRef("sku"))
        .order_by()
        .values("order_line__sku")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    sold = (
        _sold(stores, month, sku)
        .order_by()
        .values("sku")
        .annotate(units=Sum("quantity"), title=Max("title"))
        .annotate(returned=Coalesce(Subquery(returned_of_sku, output_field=IntegerField()), Value(0)))
        # Floats order the rows only; every rate shown is computed in Decimal.
        .annotate(rank=Cast(F("returned"), FloatField()) / Cast(F("units"), FloatField()))
        .order_by("-rank", "-units", "sku")
    )
    found = list(sold[: ROW_CAP + 1])
    capped = len(found) > ROW_CAP
    found = found[:ROW_CAP]
    rows = [(r["sku"], r["title"], Rate(r["units"] or 0, r["returned"] or 0)) for r in found]
    if not capped:
        # SKUs returned in the month but sold in none of it: no rate, listed after those with one.
        sold_skus = _sold(stores, month, sku).values("sku")
        unsold = (
            _returned(stores, month, sku)
            .exclude(order_line__sku__in=Subquery(sold_skus))
            .order_by()
            .values("order_line__sku")
            .annotate(n=Sum("quantity"), title=Max("order_line__title"))
            .order_by("-n", "order_line__sku")
        )
        room = ROW_CAP - len(rows)
        extra = list(unsold[: room + 1])
        capped = len(extra) > room
        rows += [(r["order_line__sku"], r["title"], Rate(0, r["n"])) for r in extra[:room]]
    skus = [row[0] for row in rows]
    history = [_rates(stores, m, skus) for m in months[1:]]
    return Report(
        month,
        [
            SkuRow(s, title, rate, tuple((m, h.get(s, Rate(0, 0))) for m, h in zip(months[1:], history, strict=True)))
            for s, title, rate in rows
        ],
        capped,
        months,
    )


def _rates(stores: list[Store], month: date, skus: list[str]) -> dict[str, Rate]:
    """Units sold and returned in the month for these SKUs (a page's worth)."""
    if not skus:
        return {}
    sold = dict(
        _sold(stores, month, "")
        .filter(sku__in=skus)
        .order_by()
        .values("sku")
        .annotate(n=Sum("quantity"))
        .values_list("sku", "n")
    )
    returned = dict(
        _returned(stores, month, "")
        .filter(order_line__sku__in=skus)
        .order_by()
        .values("order_line__sku")
        .annotate(n=Sum("quantity"))
        .values_list("order_line__sku", "n")
    )
    return {s: Rate(sold.get(s) or 0, returned.get(s) or 0) for s in skus}
