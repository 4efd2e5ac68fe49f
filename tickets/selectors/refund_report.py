"""The finance report of refunds: one month's succeeded refunds by attribution month, totalled by
store, platform, currency, method, reason and SKU, each total per currency, and the last twelve
months per currency for the chart.

Which refunds count in a month: succeeded ones whose attribution month is that month, or, where a
refund has none, whose ``succeeded_at`` falls in it (UTC; tickets/months.py). Rows are limited to
the stores the user may see; permissions (tickets.view_refund_report) are checked by the callers.

Amounts are never added across currencies: every total is a (key, currency) pair. Sums run in the
database and are read back as ``Money.stored`` (rounded half-even to the currency and logged if a
row carried more decimals than its currency has).

SKU totals come from the refund's lines (RefundLine → order line's SKU, the line's amount). What a
refund paid that is on no line is never spread over the order's lines: a refund without lines is
listed as "no lines", and the rest of a refund with lines (shipping, adjustments) as "not on a
line", so the SKU table, like every other, adds up to the month's total in each currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from ..models import ClosedMonth, Platform, Refund, RefundLine, RefundMethod, Store
from ..money import Money
from ..months import add_months, month_start, next_month, utc_bounds
from ..states import RefundStatus

# Reasons and SKUs are open-ended: the page and the API list the most frequent ones and put the
# rest, per currency, in one "other" row (the export has every row).
TOP = 25
SERIES_MONTHS = 12

# Keys of the rows that are not a value of their dimension.
NO_LINES, NOT_ON_A_LINE, OTHER = "no_lines", "not_on_a_line", "other"


@dataclass(frozen=True)
class Total:
    """One row of a totals table: a value of the dimension (``key``, shown as ``label``) in one currency."""

    key: str
    label: str
    currency: str
    count: int | None  # refunds (SKU rows: refund lines); None for the "not on a line" amount
    amount: Money
    units: int | None = None  # SKU rows: units refunded
    special: str = ""  # NO_LINES, NOT_ON_A_LINE or OTHER: a row that is not a value of the dimension


@dataclass(frozen=True)
class Point:
    month: date
    count: int
    amount: Money


@dataclass(frozen=True)
class Series:
    currency: str
    points: list[Point]


@dataclass
class RefundReport:
    month: date
    store_ids: list[int]
    rows: int
    currencies: list[Total]
    by_store: list[Total]
    by_platform: list[Total]
    by_method: list[Total]
    by_reason: list[Total]
    by_sku: list[Total]
    series: list[Series] = field(default_factory=list)

    @property
    def tables(self) -> list[tuple[str, str, list[Total]]]:
        """(slug, title, rows) of each totals table, in the page's order."""
        return [
            ("store", _("By store"), self.by_store),
            ("platform", _("By platform"), self.by_platform),
            ("method", _("By method"), self.by_method),
            ("reason", _("By reason"), self.by_reason),
            ("sku", _("By SKU"), self.by_sku),
        ]


# --- which refunds ---------------------------------------------------------------------------------
def in_month(month: date) -> Q:
    """Succeeded refunds that count in ``month``: its attribution month, else the month it succeeded."""
    start, end = utc_bounds(month)
    attributed = Q(attribution_month__gte=month, attribution_month__lt=next_month(month))
    unattributed = Q(attribution_month__isnull=True, succeeded_at__gte=start, succeeded_at__lt=end)
    return Q(status=RefundStatus.SUCCEEDED) & (attributed | unattributed)


def visible_stores(user, store_ids: Iterable[int] | None = None) -> QuerySet[Store]:
    """The stores the user may see, narrowed to ``store_ids`` when given."""
    stores = Store.objects.visible_to(user)
    if store_ids:
        stores = stores.filter(pk__in=list(store_ids))
    return stores


def month_refunds(user, month: date, store_ids: Iterable[int] | None = None) -> QuerySet[Refund]:
    """The refunds of ``month`` in the user's stores (or those of ``store_ids`` among them)."""
    stores = visible_stores(user, store_ids).values("pk")
    return Refund.objects.filter(store_id__in=stores).filter(in_month(month))


def closed_month(month: date) -> ClosedMonth | None:
    return ClosedMonth.objects.select_related("closed_by").filter(month=month).first()


# --- the report -------------------------------------------------------------------------------------
def report(user, month: date, store_ids: Iterable[int] | None = None, *, top: int = TOP) -> RefundReport:
    """Seven grouped queries, whatever the month's size: one for store × method × currency (the
    currency, store, platform and method tables come from it), the most frequent reasons, three
    over the lines for the SKU table, and two for the 12-month series."""
    month = month_start(month)
    store_ids = sorted(set(store_ids or []))
    refunds = month_refunds(user, month, store_ids).order_by()
    cells = list(refunds.values("store_id", "method", "currency").annotate(n=Count("id"), total=Sum("amount")))
    stores = {store.pk: store for store in Store.objects.filter(pk__in={cell["store_id"] for cell in cells})}
    currencies = _rollup(cells, lambda cell: cell["currency"], lambda key: key)
    totals = {row.currency: row for row in currencies}
    return RefundReport(
        month=month,
        store_ids=store_ids,
        rows=sum(row.count for row in currencies),
        currencies=currencies,
        by_store=_rollup(cells, lambda cell: cell["store_id"], lambda key: _store_label(stores.get(key), key)),
        by_platform=_rollup(
            cells,
            lambda cell: stores[cell["store_id"]].platform,
            lambda key: str(dict(Platform.choices).get(key, key)),
        ),
        by_method=_rollup(
            cells, lambda cell: cell["method"], lambda key: str(dict(RefundMethod.choices).get(key, key))
        ),
        by_reason=_reasons(refunds, totals, top),
        by_sku=_by_sku(refunds, totals, top),
        series=series(user, month, store_ids),
    )


def _money(amount: Decimal | None, currency: str) -> Money:
    return Money.stored(amount or Decimal(0), currency)


def _store_label(store: Store | None, key) -> str:
    return f"{store.name} · {store.short_label}" if store else str(key)


def _rollup(cells: list[dict], key_of, label_of) -> list[Total]:
    """Totals per (key, currency) summed from the finer cells, most refunds first."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, Decimal(0)])
    for cell in cells:
        entry = sums[(key_of(cell), cell["currency"])]
        entry[0] += cell["n"]
        entry[1] += cell["total"] or 0
    ordered = sorted(sums.items(), key=lambda item: (-item[1][0], str(item[0][0]), item[0][1]))
    return [
        Total(str(key), label_of(key), currency, count, _money(amount, currency))
        for (key, currency), (count, amount) in ordered
    ]


def _reasons(refunds: QuerySet[Refund], totals: dict[str, Total], top: int) -> list[Total]:
    """The ``top`` most frequent (reason, currency) pairs, then one "other" row per currency."""
    rows = (
        refunds.values("reason", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("-n", "reason", "currency")[:top]
    )
    shown = [
        Total(row["reason"], row["reason"] or "—", row["currency"], row["n"], _money(row["total"], row["currency"]))
        for row in rows
    ]
    for currency, total in sorted(totals.items()):
        in_shown = [row for row in shown if row.currency == currency]
        count = total.count - sum(row.count for row in in_shown)
        if count > 0:
            amount = total.amount.amount - sum((row.amount.amount for row in in_shown), Decimal(0))
            shown.append(Total(OTHER, _("Other reasons"), currency, count, _money(amount, currency), special=OTHER))
    return shown


def _by_sku(refunds: QuerySet[Refund], totals: dict[str, Total], top: int) -> list[Total]:
    """Per SKU and currency, from the refunds' lines: lines, units and amount (the ``top`` SKUs
    with the most lines, then one "other" row per currency). Then, per currency, the refunds
    without lines ("no lines") and what refunds with lines paid beyond them ("not on a line":
    shipping, adjustments; an amount only, it is no set of refunds).

    ``count`` of a SKU row is refund lines: a refund names each order line once, so it is the
    refunds of that SKU unless an order listed the SKU on two lines."""
    lines = RefundLine.objects.filter(refund__in=refunds.values("pk")).order_by()
    sums = {"n": Count("id"), "units": Sum("quantity"), "total": Sum("amount")}
    skus = (
        lines.values("order_line__sku", "refund__currency")
        .annotate(**sums)
        .order_by("-n", "order_line__sku", "refund__currency")[:top]
    )
    rows = [
        Total(
            key=row["order_line__sku"],
            label=row["order_line__sku"] or "—",
            currency=row["refund__currency"],
            count=row["n"],
            amount=_money(row["total"], row["refund__currency"]),
            units=row["units"] or 0,
        )
        for row in skus
    ]
    per_currency = {row["refund__currency"]: row for row in lines.values("refund__currency").annotate(**sums)}
    for currency, row in sorted(per_currency.items()):
        shown = [sku for sku in rows if sku.currency == currency and not sku.special]
        count = row["n"] - sum(sku.count for sku in shown)
        if count > 0:
            amount = (row["total"] or Decimal(0)) - sum((sku.amount.amount for sku in shown), Decimal(0))
            units = (row["units"] or 0) - sum(sku.units or 0 for sku in shown)
            rows.append(
                Total(OTHER, _("Other SKUs"), currency, count, _money(amount, currency), units=units, special=OTHER)
            )
    has_lines = Exists(RefundLine.objects.filter(refund_id=OuterRef("pk")))
    without = {
        row["currency"]: row
        for row in refunds.filter(~has_lines).values("currency").annotate(n=Count("id"), total=Sum("amount"))
    }
    for currency, total in sorted(totals.items()):
        row = without.get(currency)
        if row:
            rows.append(
                Total(
                    NO_LINES,
                    _("No lines"),
                    currency,
                    row["n"],
                    _money(row["total"], currency),
                    special=NO_LINES,
                )
            )
        on_lines = (per_currency.get(currency) or {}).get("total") or Decimal(0)
        rest = total.amount.amount - (row["total"] if row else Decimal(0)) - on_lines
        if rest != 0:
            label = _("Not on a line")
            rows.append(Total(NOT_ON_A_LINE, label, currency, None, _money(rest, currency), special=NOT_ON_A_LINE))
    return rows


# --- the chart ---------------------------------------------------------------------------------------
def series(user, month: date, store_ids: Iterable[int] | None = None, *, months: int = SERIES_MONTHS) -> list[Series]:
    """Per currency, the count and total of each of the ``months`` months up to ``month``."""
    first = add_months(month_start(month), -(months - 1))
    after = next_month(month_start(month))
    start, _end = utc_bounds(first)
    end, _later = utc_bounds(after)
    stores = visible_stores(user, store_ids).values("pk")
    base = Refund.objects.filter(store_id__in=stores, status=RefundStatus.SUCCEEDED).order_by()
    cells: dict[tuple[str, date], list] = defaultdict(lambda: [0, Decimal(0)])
    attributed = (
        base.filter(attribution_month__gte=first, attribution_month__lt=after)
        .values("attribution_month", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for row in attributed:
        cell = cells[(row["currency"], month_start(row["attribution_month"]))]
        cell[0] += row["n"]
        cell[1] += row["total"] or 0
    unattributed = (
        base.filter(attribution_month__isnull=True, succeeded_at__gte=start, succeeded_at__lt=end)
        .annotate(m=TruncMonth("succeeded_at", tzinfo=UTC))
        .values("m", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    for row in unattributed:
        cell = cells[(row["currency"], month_start(row["m"]))]
        cell[0] += row["n"]
        cell[1] += row["total"] or 0
    axis = [add_months(first, i) for i in range(months)]
    result = []
    for currency in sorted({currency for currency, _month in cells}):
        points = []
        for when in axis:
            count, total = cells.get((currency, when), (0, Decimal(0)))
            points.append(Point(when, count, _money(total, currency)))
        result.append(Series(currency, points))
    return result
