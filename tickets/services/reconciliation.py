"""Reconciliation: link the refunds the platforms report (PlatformRefund) to ours.

First by id: the record names our idempotency key (its reference) or the platform refund id our
refund recorded ("id"). Then by order + amount + time: same order, same currency and amount,
refunded within ``WINDOW`` of when ours was approved, sent or settled ("order"). A heuristic link
is one to one, both ways, and made only when it is unambiguous: a platform refund and one of ours
are linked when each is the other's single nearest candidate in time; a tie is left unmatched for
a person to look at, never guessed.

Only a succeeded refund of ours is taken by order + amount + time, and none at all while a refund
of the same order, currency and amount is still executing: the outbox's lookup reads a platform
refund linked to another of our refunds as "not this one's" (integrations/outbox.py), so a guess
here must never claim the record an executing refund is looking for. Such records wait until ours
settles (the outbox then records the platform's id, or the periodic run pairs them).

Every linker of a store (this service and the ingest's upsert of platform refunds) holds the
store's reconciliation lock (``tickets.locks.lock_key``) for its transaction, so two workers never
link one record twice or two records to one refund. Running it again changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..locks import lock_key
from ..models import AuditEvent, PlatformRefund, Refund, Store
from ..states import MANUAL_REFUND_METHODS, ActorKind, RefundStatus
from . import audit

BY_ID, BY_ORDER = "id", "order"
# How far apart the platform's refund time and ours may be for an order + amount match.
WINDOW = timedelta(days=3)
# The periodic run looks at unlinked platform refunds this recent; older ones stay in the
# "on the platform, not here" list without being tried again and again.
LOOKBACK = timedelta(days=120)
# Our refunds whose money the platform was asked to move: what the ledger compares.
SENT = (RefundStatus.SUCCEEDED, RefundStatus.EXECUTING)
NOT_MONEY = "failed"  # a platform record in this state moved no money
CHUNK = 500


@dataclass
class MatchResult:
    by_id: int = 0
    by_order: int = 0
    released: int = 0  # order matches undone because an id named the refund's real record
    ambiguous: int = 0  # platform refunds with more than one equally near candidate
    waiting: int = 0  # platform refunds left alone while a refund of ours like them is executing

    def __iadd__(self, other: MatchResult) -> MatchResult:
        self.by_id += other.by_id
        self.by_order += other.by_order
        self.released += other.released
        self.ambiguous += other.ambiguous
        self.waiting += other.waiting
        return self


def lock_store(store_id: int) -> None:
    """The store's reconciliation lock, held until the transaction ends."""
    lock_key(f"reconcile-refunds:{store_id}")


def match(*, store: Store, external_ids: Iterable[str] | None = None) -> MatchResult:
    """Link the store's unlinked platform refunds to our refunds.

    ``external_ids``: only these records (an ingest batch) and whatever shares an order with them;
    None: every unlinked record refunded within ``LOOKBACK`` (the periodic run).
    """
    with transaction.atomic():
        lock_store(store.pk)
        result = MatchResult()
        if external_ids is not None:
            ids = list(dict.fromkeys(external_ids))
            for start in range(0, len(ids), CHUNK):
                rows = PlatformRefund.objects.filter(store=store, external_id__in=ids[start : start + CHUNK])
                result += _match_rows(store, rows)
            return result
        since = timezone.now() - LOOKBACK
        last = 0
        while True:
            pks = list(
                PlatformRefund.objects.filter(store=store, refund__isnull=True, refunded_at__gte=since, pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not pks:
                return result
            last = pks[-1]
            result += _match_rows(store, PlatformRefund.objects.filter(pk__in=pks))


def match_all() -> MatchResult:
    """The periodic run: every enabled store, one transaction (and lock) each."""
    result = MatchResult()
    for store in Store.objects.filter(enabled=True).order_by("pk"):
        result += match(store=store)
    return result


# --- the two stages ------------------------------------------------------------------------------
_FIELDS = ("pk", "external_id", "reference", "order_external_id", "amount", "currency", "status", "refunded_at")


@dataclass(frozen=True)
class _Row:
    pk: int
    external_id: str
    reference: str
    order_external_id: str
    amount: Decimal
    currency: str
    status: str
    refunded_at: datetime


def _match_rows(store: Store, rows) -> MatchResult:
    result = MatchResult()
    batch = [_Row(*values) for values in rows.filter(refund__isnull=True).values_list(*_FIELDS)]
    linked_by_id = set(rows.filter(refund__isnull=False, matched_by=BY_ID).values_list("refund_id", flat=True))
    by_id, result.by_id = _link_by_id(store, batch)
    # An id is proof: an order match of the same refund to another record was a coincidence.
    result.released = _release_order_matches(store, linked_by_id | set(by_id.values()))
    rest = [row for row in batch if row.pk not in by_id and row.status != NOT_MONEY]
    result.by_order, result.ambiguous, result.waiting = _link_by_order(store, {row.order_external_id for row in rest})
    return result


def _link_by_id(store: Store, batch: list[_Row]) -> tuple[dict[int, int], int]:
    """{platform refund pk: our refund pk} linked because the record names our key or our id."""
    if not batch:
        return {}, 0
    keys = {row.pk: key for row in batch if (key := _key(row.reference))}
    condition = Q(platform_refund_id__in=[row.external_id for row in batch])
    if keys:
        condition |= Q(idempotency_key__in=list(set(keys.values())))
    by_key, by_platform_id = {}, {}
    for pk, key, platform_id in Refund.objects.filter(condition, store=store).values_list(
        "pk", "idempotency_key", "platform_refund_id"
    ):
        by_key[key] = pk
        if platform_id:
            by_platform_id[platform_id] = pk
    links = {}
    for row in batch:
        ours = by_key.get(keys.get(row.pk)) or by_platform_id.get(row.external_id)
        if ours:
            links[row.pk] = ours
    return links, _write(store, links, BY_ID)


def _key(reference: str) -> uuid.UUID | None:
    if not reference:
        return None
    try:
        return uuid.UUID(reference)
    except ValueError:
        return None


def _release_order_matches(store: Store, refund_ids: set[int]) -> int:
    if not refund_ids:
        return 0
    stale = PlatformRefund.objects.filter(store=store, refund_id__in=refund_ids, matched_by=BY_ORDER)
    rows = list(stale.values_list("pk", "external_id", "refund_id"))
    if not rows:
        return 0
    PlatformRefund.objects.filter(pk__in=[pk for pk, _e, _r in rows]).update(refund=None, matched_by="")
    AuditEvent.objects.bulk_create(
        audit.build(
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            action="platform_refund.unmatched",
            obj=PlatformRefund(pk=pk, store_id=store.pk),
            before={"refund": refund_id, "matched_by": BY_ORDER},
            after={"refund": None, "matched_by": ""},
            note=f"{external_id}: another platform record names this refund",
        )
        for pk, external_id, refund_id in rows
    )
    return len(rows)


def _link_by_order(store: Store, orders: set[str]) -> tuple[int, int]:
    """Order + amount + time matches within the given orders; (linked, ambiguous, waiting)."""
    if not orders:
        return 0, 0, 0
    linked = ambiguous = waiting = 0
    orders_list = sorted(orders)
    for start in range(0, len(orders_list), CHUNK):
        chunk = orders_list[start : start + CHUNK]
        theirs = [
            _Row(*values)
            for values in PlatformRefund.objects.filter(store=store, refund__isnull=True, order_external_id__in=chunk)
            .exclude(status=NOT_MONEY)
            .values_list(*_FIELDS)
        ]
        if not theirs:
            continue
        ours = _candidates(store, chunk)
        pairs, unsure, held = _pair(theirs, ours)
        linked += _write(store, pairs, BY_ORDER)
        ambiguous += unsure
        waiting += held
    return linked, ambiguous, waiting


@dataclass(frozen=True)
class _Ours:
    pk: int
    order_external_id: str
    amount: Decimal
    currency: str
    status: str
    times: tuple[datetime, ...]


def _candidates(store: Store, orders: list[str]) -> list[_Ours]:
    """Our refunds of these orders the platform should know and that no platform record names yet."""
    rows = (
        Refund.objects.filter(store=store, order__external_id__in=orders, status__in=SENT)
        .exclude(method__in=MANUAL_REFUND_METHODS)
        .filter(platform_records__isnull=True)
        .values_list(
            "pk", "order__external_id", "amount", "currency", "status", "approved_at", "executing_at", "succeeded_at"
        )
    )
    return [
        _Ours(pk, order, amount, currency, status, tuple(t for t in (approved, executing, succeeded) if t))
        for pk, order, amount, currency, status, approved, executing, succeeded in rows
    ]


def _pair(theirs: list[_Row], ours: list[_Ours]) -> tuple[dict[int, int], int, int]:
    """Mutually nearest pairs: a platform refund and one of succeeded ours are paired when each is
    the other's single nearest candidate (same order, currency and amount, within ``WINDOW``).
    Paired ones leave the pool and the rest are tried again; a tie is never broken by a guess.
    Records like an executing refund of ours are left alone. (pairs, ambiguous, waiting)"""
    distance: dict[int, dict[int, timedelta]] = defaultdict(dict)
    groups: dict[tuple, list[_Ours]] = defaultdict(list)
    for refund in ours:
        groups[(refund.order_external_id, refund.currency, _exact(refund.amount))].append(refund)
    waiting = 0
    for row in theirs:
        group = groups.get((row.order_external_id, row.currency, _exact(row.amount)), ())
        if any(refund.status != RefundStatus.SUCCEEDED for refund in group):
            waiting += 1
            continue
        for refund in group:
            gaps = [abs(row.refunded_at - t) for t in refund.times]
            gap = min(gaps) if gaps else None
            if gap is not None and gap <= WINDOW:
                distance[row.pk][refund.pk] = gap
    pairs: dict[int, int] = {}
    while True:
        open_rows = {p: {r: d for r, d in cands.items() if r not in pairs.values()} for p, cands in distance.items()}
        open_rows = {p: c for p, c in open_rows.items() if p not in pairs and c}
        nearest_of_ours: dict[int, list[tuple[timedelta, int]]] = defaultdict(list)
        for p, cands in open_rows.items():
            for r, d in cands.items():
                nearest_of_ours[r].append((d, p))
        found = {}
        for p, cands in open_rows.items():
            best = min(cands.values())
            chosen = [r for r, d in cands.items() if d == best]
            if len(chosen) != 1:
                continue
            r = chosen[0]
            rivals = [q for d, q in nearest_of_ours[r] if d <= best and q != p]
            if not rivals:
                found[p] = r
        if not found:
            return pairs, len(open_rows), waiting
        pairs.update(found)


def _exact(amount: Decimal) -> Decimal:
    # SQLite hands DECIMAL columns back through a float: compare at the columns' four places.
    return Decimal(amount).quantize(Decimal("0.0001"))


def _write(store: Store, links: dict[int, int], how: str) -> int:
    """Link each platform refund to ours, only where it is still unlinked; one audit event each."""
    done = []
    for pk, refund_pk in links.items():
        if PlatformRefund.objects.filter(pk=pk, refund__isnull=True).update(refund_id=refund_pk, matched_by=how):
            done.append((pk, refund_pk))
    if done:
        names = dict(PlatformRefund.objects.filter(pk__in=[pk for pk, _r in done]).values_list("pk", "external_id"))
        AuditEvent.objects.bulk_create(
            audit.build(
                actor=None,
                actor_kind=ActorKind.SYSTEM,
                action="platform_refund.matched",
                obj=PlatformRefund(pk=pk, store_id=store.pk),
                after={"refund": refund_pk, "matched_by": how},
                note=names.get(pk, ""),
            )
            for pk, refund_pk in done
        )
    return len(done)
