"""Reconciliation for finance: our refunds against the ones the platforms report, for one month
and the stores the user sees, as four lists with counts and totals per currency.

- matched: a refund of ours and the platform's record(s) of it agree on the amount;
- mismatch: they disagree (ours 150.00, platform 130.00), or the platform's is in another currency,
  or one side moved money the other says it did not (our refund failed, the platform's succeeded);
- platform only: the platform refunded and no refund of ours is linked to it;
- ours only: our refund succeeded (or is still executing) longer ago than the store's
  ``reconcile_after_days`` and no platform record names it.

The month of the first three is when the platform refunded (``refunded_at``); of the last, when
ours succeeded (or was sent, for one still executing). Months are bounded in each store's time
zone. Refunds of ours paid by hand (PayPal, store credit outside a platform) never reach a
platform and are left out of "ours only". A platform record that failed moved no money: it is
not listed as "platform only" and does not count in a platform total.

Rows come a page at a time (keyset, newest first), never as one unbounded list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import PlatformRefund, Refund, Store
from ..money import Money
from ..services.reconciliation import NOT_MONEY, SENT
from ..states import MANUAL_REFUND_METHODS, RefundStatus
from . import keyset
from .periods import in_month, in_month_until

MATCHED, MISMATCH, PLATFORM_ONLY, OURS_ONLY = "matched", "mismatch", "platform_only", "ours_only"
LISTS = (MATCHED, MISMATCH, PLATFORM_ONLY, OURS_ONLY)
PAGE_SIZE = 50
ZERO = Decimal(0)
# Amounts are stored at four places; SQLite sums them as floats. Anything closer than this is equal.
TOLERANCE = Decimal("0.00005")
_MONEY = DecimalField(max_digits=18, decimal_places=4)

_BY_PLATFORM_TIME = keyset.Sort("reconcile-platform", (keyset.Key("platform_at", descending=True),))
_BY_REFUNDED = keyset.Sort("reconcile-refunded", (keyset.Key("refunded_at", descending=True),))
_BY_OUR_TIME = keyset.Sort("reconcile-ours", (keyset.Key("our_at", descending=True),))


@dataclass(frozen=True)
class Scope:
    stores: tuple[Store, ...]
    month: date

    @property
    def store_ids(self) -> list[int]:
        return [store.pk for store in self.stores]


def scope(user, month: date, *, store_id: int | None = None) -> Scope:
    """The month and the stores of it the user may see (one of them when ``store_id`` names it)."""
    stores = Store.objects.visible_to(user).order_by("name", "pk")
    if store_id is not None:
        stores = stores.filter(pk=store_id)
    return Scope(tuple(stores), month)


# --- the four lists as querysets -----------------------------------------------------------------
def _linked(s: Scope) -> QuerySet:
    """Our refunds whose first platform record was refunded in the month, with both sides'
    amounts. A refund the platform paid in parts over two months is listed once, in the month of
    its first part, with all its parts: never counted in both months."""
    records = PlatformRefund.objects.filter(refund_id=OuterRef("pk"))
    first_at = records.exclude(status=NOT_MONEY).order_by("refunded_at").values("refunded_at")[:1]
    in_the_month = (
        Refund.objects.filter(store_id__in=s.store_ids)
        .annotate(first_platform_at=Subquery(first_at, output_field=DateTimeField()))
        .filter(in_month("first_platform_at", s.stores, s.month))
        .values("pk")
    )
    platform_total = (
        records.filter(currency=OuterRef("currency"))
        .exclude(status=NOT_MONEY)
        .order_by()
        .values("refund_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        Refund.objects.filter(store_id__in=s.store_ids, pk__in=Subquery(in_the_month))
        .annotate(
            our_total=Case(When(status__in=SENT, then=F("amount")), default=Value(ZERO), output_field=_MONEY),
            platform_total=Coalesce(Subquery(platform_total, output_field=_MONEY), Value(ZERO), output_field=_MONEY),
            other_currency=Exists(records.exclude(currency=OuterRef("currency"))),
            platform_at=Subquery(
                records.order_by("refunded_at").values("refunded_at")[:1], output_field=DateTimeField()
            ),
        )
        .annotate(difference=F("our_total") - F("platform_total"))
    )


def _agree() -> Q:
    return Q(other_currency=False, difference__gt=-TOLERANCE, difference__lt=TOLERANCE)


def matched(s: Scope) -> QuerySet:
    return _linked(s).filter(_agree())


def mismatched(s: Scope) -> QuerySet:
    return _linked(s).exclude(_agree())


def platform_only(s: Scope) -> QuerySet:
    return PlatformRefund.objects.filter(
        in_month("refunded_at", s.stores, s.month), refund__isnull=True, store_id__in=s.store_ids
    ).exclude(status=NOT_MONEY)


def ours_only(s: Scope, *, now: datetime | None = None) -> QuerySet:
    """Our platform refunds that succeeded (or are still executing) in the month, more than the
    store's ``reconcile_after_days`` ago, that no platform record names."""
    now = now or timezone.now()

    def cutoff(store: Store) -> datetime:
        return now - timedelta(days=store.reconcile_after_days)

    succeeded = Q(status=RefundStatus.SUCCEEDED) & in_month_until("succeeded_at", s.stores, s.month, before=cutoff)
    executing = Q(status=RefundStatus.EXECUTING) & in_month_until("executing_at", s.stores, s.month, before=cutoff)
    return (
        Refund.objects.filter(succeeded | executing, store_id__in=s.store_ids)
        .exclude(method__in=MANUAL_REFUND_METHODS)
        .filter(~Exists(PlatformRefund.objects.filter(refund_id=OuterRef("pk"))))
        .annotate(our_at=Coalesce("succeeded_at", "executing_at"))
    )


# --- counts and totals ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Total:
    currency: str
    count: int
    ours: Decimal | None = None
    platform: Decimal | None = None

    @property
    def ours_money(self) -> Money | None:
        return None if self.ours is None else Money.stored(self.ours, self.currency)

    @property
    def platform_money(self) -> Money | None:
        return None if self.platform is None else Money.stored(self.platform, self.currency)

    @property
    def difference(self) -> Money | None:
        if self.ours is None or self.platform is None:
            return None
        return Money.stored(self.ours - self.platform, self.currency)


@dataclass(frozen=True)
class Section:
    name: str
    totals: tuple[Total, ...]

    @property
    def count(self) -> int:
        return sum(total.count for total in self.totals)


def summary(s: Scope, *, now: datetime | None = None) -> dict[str, Section]:
    """Each list's count and totals per currency."""
    if not s.stores:
        return {name: Section(name, ()) for name in LISTS}

    def both(qs: QuerySet) -> tuple[Total, ...]:
        rows = (
            qs.order_by()
            .values("currency")
            .annotate(n=Count("pk"), ours=Sum("our_total"), platform=Sum("platform_total"))
            .order_by("currency")
        )
        return tuple(Total(r["currency"], r["n"], _dec(r["ours"]), _dec(r["platform"])) for r in rows)

    theirs = platform_only(s).order_by().values("currency").annotate(n=Count("pk"), total=Sum("amount"))
    ours = ours_only(s, now=now).order_by().values("currency").annotate(n=Count("pk"), total=Sum("amount"))
    return {
        MATCHED: Section(MATCHED, both(matched(s))),
        MISMATCH: Section(MISMATCH, both(mismatched(s))),
        PLATFORM_ONLY: Section(
            PLATFORM_ONLY,
            tuple(Total(r["currency"], r["n"], platform=_dec(r["total"])) for r in theirs.order_by("currency")),
        ),
        OURS_ONLY: Section(
            OURS_ONLY, tuple(Total(r["currency"], r["n"], ours=_dec(r["total"])) for r in ours.order_by("currency"))
        ),
    }


def _dec(value) -> Decimal:
    # SQLite returns a float-ish sum; PostgreSQL an exact one. Money.stored rounds it for display.
    return Decimal(str(value)) if value is not None else ZERO


# --- one page of a list --------------------------------------------------------------------------
@dataclass
class Page:
    rows: list
    next_cursor: str | None = None
    first: bool = True


@dataclass
class PairRow:
    """One refund of ours and the platform's record(s) of it."""

    refund: Refund
    records: list[PlatformRefund] = field(default_factory=list)

    @property
    def ours(self) -> Money:
        return Money.stored(self.refund.our_total, self.refund.currency)

    @property
    def platform(self) -> Money:
        return Money.stored(self.refund.platform_total, self.refund.currency)

    @property
    def difference(self) -> Money:
        return Money.stored(self.refund.our_total - self.refund.platform_total, self.refund.currency)

    @property
    def matched_by(self) -> str:
        return next((r.matched_by for r in self.records if r.matched_by), "id")


def page(s: Scope, name: str, *, cursor: str = "", now: datetime | None = None, size: int = PAGE_SIZE) -> Page:
    """A page of the list ``name``, newest first, after ``cursor`` (from the previous page)."""
    if not s.stores:
        return Page([])
    if name in (MATCHED, MISMATCH):
        qs = (matched if name == MATCHED else mismatched)(s).select_related("ticket", "order", "store")
        sort = _BY_PLATFORM_TIME
    elif name == PLATFORM_ONLY:
        qs = platform_only(s).select_related("order", "store")
        sort = _BY_REFUNDED
    else:
        qs = ours_only(s, now=now).select_related("ticket", "order", "store")
        sort = _BY_OUR_TIME
    position = keyset.decode(sort, cursor) if cursor else None
    qs = sort.apply(qs)
    if position is not None:
        qs = sort.after(qs, *position)
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    following = keyset.encode(sort, rows[-1]) if more and rows else None
    if name in (MATCHED, MISMATCH):
        records: dict[int, list[PlatformRefund]] = {}
        for record in PlatformRefund.objects.filter(refund_id__in=[r.pk for r in rows]).order_by("refunded_at", "pk"):
            records.setdefault(record.refund_id, []).append(record)
        rows = [PairRow(r, records.get(r.pk, [])) for r in rows]
    return Page(rows, following, first=position is None)
