"""Ingest of orders and platform refunds: the bulk path, a page of records in a handful of queries.

Orders are not state-machined and open no ticket, so a page is written set-wise: one select of
the page's existing orders, ``bulk_create`` for new ones, ``bulk_update`` for those the platform
changed since (only forward: a record older than what we hold changes nothing), lines and
customers in bulk too. Platform refunds go the same way; linking one to our executing refund
goes through the refund state machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Customer, Dispute, Order, OrderLine, PlatformRefund, Refund, Store, Ticket
from ..records import BuyerRecord, IngestResult, OrderRecord, RefundRecord
from ..states import ActorKind, RefundStatus
from . import reconciliation

logger = logging.getLogger(__name__)

ORDER = "order"
REFUND = "refund"
ZERO = Decimal(0)
_ORDER_FIELDS = (
    "number",
    "placed_at",
    "paid_at",
    "shipped_at",
    "delivered_at",
    "currency",
    "total_amount",
    "paid_amount",
    "platform_status",
    "shop_currency",
    "shop_total_amount",
    "raw_amounts",
    "fulfilment",
    "carrier",
    "tracking_number",
    "tracking_status",
    "platform_url",
    "platform_updated_at",
    "customer_id",
)
_LINE_FIELDS = ("sku", "title", "category", "quantity", "unit_price", "image_url")
_REFUND_FIELDS = (
    "order_id",
    "order_external_id",
    "amount",
    "currency",
    "raw_amount",
    "status",
    "reference",
    "reason",
    "refunded_at",
    "platform_updated_at",
    "refund_id",
    "matched_by",
)


def bulk_update(model: type[models.Model], objs: Sequence[models.Model], fields: Iterable[str]) -> None:
    """Write ``fields`` of many rows in one statement per 500: on PostgreSQL an UPDATE … FROM
    (VALUES …), which costs a fraction of Django's CASE WHEN per field; elsewhere bulk_update."""
    objs = list(objs)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, [model._meta.get_field(f).name for f in fields], batch_size=250)
        return
    columns = [model._meta.get_field(f) for f in fields]
    pk = model._meta.pk
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    casts = ", ".join(f"%s::{f.db_type(connection)}" for f in (pk, *columns))
    plain = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    names = ", ".join(q(f.column) for f in (pk, *columns))
    assign = ", ".join(f"{q(f.column)} = v.{q(f.column)}" for f in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), 500):
            chunk = objs[start : start + 500]
            params: list = []
            for obj in chunk:
                params.append(obj.pk)
                params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns)
            # The first row's casts type the VALUES columns; the other rows follow them.
            values = ", ".join([f"({casts})", *[plain] * (len(chunk) - 1)])
            cursor.execute(
                # Only quoted column names from the model are interpolated; every value is a parameter.
                f"UPDATE {table} AS t SET {assign} FROM (VALUES {values}) AS v({names}) "  # noqa: S608
                f"WHERE t.{q(pk.column)} = v.{q(pk.column)}",
                params,
            )


class _NewRow:
    """A new row's values for ``bulk_insert`` on PostgreSQL: what a model instance would carry,
    without the cost of building one (Model.__init__ walks every field and its descriptors)."""

    pk = None

    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


_defaults: dict[type[models.Model], tuple[dict[str, object], list[models.Field]]] = {}


def _defaults_of(model: type[models.Model]) -> tuple[dict[str, object], list[models.Field]]:
    """The model's fixed defaults (attname → value) and the fields whose default is a callable."""
    found = _defaults.get(model)
    if found is None:
        fixed, called = {}, []
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            if f.has_default() and callable(f.default):
                called.append(f)
            else:  # Field.get_default: the declared value, else None for a nullable field, else "".
                fixed[f.attname] = f.get_default()
        found = _defaults[model] = (fixed, called)
    return found


def new_row(model: type[models.Model], **values: object) -> models.Model | _NewRow:
    """A new row to hand to ``bulk_insert``: a plain holder on PostgreSQL (its fast INSERT reads
    attributes only), a model instance elsewhere (``bulk_create`` needs one). Unset fields take
    their model default, as the model would (None or "" where none is declared)."""
    if connection.vendor != "postgresql":
        return model(**values)
    fixed, called = _defaults_of(model)
    row = _NewRow(**fixed)
    row.__dict__.update(values)
    for f in called:
        if f.attname not in values:
            setattr(row, f.attname, f.get_default())
    return row


def _model_row(model: type[models.Model], **values: object) -> models.Model:
    return model(**values)


def bulk_insert(
    model: type[models.Model], objs: Sequence[models.Model], *, conflict: str | None = "", returning: str = ""
) -> list[tuple[object, int]]:
    """Insert many new rows, skipping those a unique key already holds, and set the pks of the
    inserted ones. PostgreSQL: the rows are COPYed into a temporary table of the same columns, then
    moved with one INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING per 5,000 (COPY's text costs a
    fraction of binding and parsing thousands of literal parameters); elsewhere
    ``bulk_create(ignore_conflicts=True)``, which sets no pks. ``conflict``: the key's columns;
    None: no row may conflict (a conflict raises IntegrityError), and every row gets its pk.
    ``returning`` (PostgreSQL): a column whose (value, pk) pairs of the inserted rows are returned."""
    objs = list(objs)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=500, ignore_conflicts=conflict is not None)
        return []
    if not objs:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
    q = connection.ops.quote_name
    names = ", ".join(q(f.column) for f in fields)
    on_conflict = "" if conflict is None else f"ON CONFLICT {f'({conflict})' if conflict else ''} DO NOTHING "
    pk = model._meta.pk
    extra = f", {q(model._meta.get_field(returning).column)}" if returning else ""
    pairs: list[tuple[object, int]] = []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objs), 5000):
            chunk = objs[start : start + 5000]
            stage = _stage(model, fields)
            with connection.wrap_database_errors:  # as execute does: Django's error classes
                cursor.copy_expert(f"COPY {stage} FROM STDIN", _copy_text(chunk, fields))
            cursor.execute(
                # Only quoted names from the model are interpolated.
                f"INSERT INTO {q(model._meta.db_table)} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
                f"ORDER BY _row {on_conflict}RETURNING {q(pk.column)}{extra}"
            )
            answer = cursor.fetchall()
            if returning:
                pairs.extend((row[1], row[0]) for row in answer)
            inserted = [row[0] for row in answer]
            if len(inserted) == len(chunk):  # rows come back in _row order when none was skipped
                for obj, new_pk in zip(chunk, inserted, strict=True):
                    obj.pk = new_pk
    return pairs


def _stage(model: type[models.Model], fields: list[models.Field]) -> str:
    """This session's temporary table for ``model``'s rows on their way in, empty: its columns,
    typed alike, plus their order. Emptied at every commit too; named by the columns and their
    types, so a migration that changes either gets a new one. Made when missing (a rollback takes
    it away)."""
    columns = ",".join(f"{f.column} {f.db_type(connection)}" for f in fields)
    name = f"_stage_{model._meta.db_table}_{hashlib.sha1(columns.encode()).hexdigest()[:8]}"  # noqa: S324 - a name
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            # Only quoted names from the model are interpolated.
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {q(name)} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {', '.join(q(f.column) for f in fields)}, 0 AS _row FROM {q(model._meta.db_table)} WITH NO DATA; "
            f"DELETE FROM {q(name)}"
        )
    return q(name)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(objs: Sequence[object], fields: list[models.Field]) -> io.StringIO:
    """The rows in COPY's text format: tab-separated, \\N for NULL, backslash escapes."""
    kinds = []
    for f in fields:
        if isinstance(f, models.JSONField):
            kinds.append((f.attname, "json", f.encoder))
        elif isinstance(f, models.BooleanField):
            kinds.append((f.attname, "bool", None))
        else:
            kinds.append((f.attname, "text", None))
    lines = []
    for number, obj in enumerate(objs):
        values = obj.__dict__
        cells = []
        for name, kind, encoder in kinds:
            value = values[name]
            if value is None:
                cells.append("\\N")
            elif kind == "json":
                cells.append(json.dumps(value, cls=encoder).translate(_COPY_ESCAPES))
            elif kind == "bool":
                if not isinstance(value, bool):
                    raise TypeError(f"{name}: {value!r} is not a boolean")
                cells.append("t" if value else "f")
            elif isinstance(value, datetime | date):
                cells.append(value.isoformat())
            else:  # text, numbers, lazy translations: all as their text, escaped
                cells.append(str(value).translate(_COPY_ESCAPES))
        cells.append(str(number))
        lines.append("\t".join(cells))
    lines.append("")
    return io.StringIO("\n".join(lines))


# --- orders -------------------------------------------------------------------------------------
def upsert_order(record: OrderRecord, *, store: Store) -> IngestResult:
    """One order, through the same bulk path as a page."""
    return upsert_orders(store, [record])[0]


def upsert_orders(store: Store, records: Sequence[OrderRecord]) -> list[IngestResult]:
    """Upsert a page of orders (and their lines, buyers and embedded refunds); one result per record."""
    latest: dict[str, OrderRecord] = {}
    for record in records:  # a page may repeat an order: its newest version counts
        problem = _order_problem(record)
        if problem:
            # Checked before the insert: on SQLite an ignored conflict (INSERT OR IGNORE) also
            # skips a row a CHECK refuses and would drop the order without a word. Refused as
            # PostgreSQL refuses it, so the page fails, is kept and replayed on both databases.
            raise IntegrityError(f"order {record.external_id} refused: {problem}")
        held = latest.get(record.external_id)
        if held is None or record.updated_at >= held.updated_at:
            latest[record.external_id] = record
    existing = {o.external_id: o for o in Order.objects.filter(store=store, external_id__in=list(latest))}
    to_write = [
        r
        for ext, r in latest.items()
        if ext not in existing
        or existing[ext].platform_updated_at is None
        or r.updated_at >= existing[ext].platform_updated_at
    ]
    customers = _customers_for(store, [r.buyer for r in to_write], currency=store.currency)
    now = timezone.now()
    new_orders: list[Order] = []
    changed: list[Order] = []
    outcome: dict[str, tuple[bool, bool]] = {}
    for record in to_write:
        previous = existing.get(record.external_id)
        order = previous or new_row(
            Order, store_id=store.pk, external_id=record.external_id, customer_id=None, raw_amounts={}
        )
        before = None if previous is None else {f: getattr(previous, f) for f in ("total_amount", "paid_amount")}
        before_state = None if previous is None else _state(previous)
        before_stamp = None if previous is None else previous.platform_updated_at
        _apply(order, record, customers.get(_buyer_key(record.buyer)), previous=before)
        if previous is None:
            new_orders.append(order)
            outcome[record.external_id] = (True, False)
        elif _state(order) != before_state:
            order.updated_at = now
            changed.append(order)
            outcome[record.external_id] = (False, True)
        elif record.updated_at != before_stamp:
            # The same data with a newer stamp: keep the stamp, so an older version stays refused.
            order.updated_at = now
            changed.append(order)
            outcome[record.external_id] = (False, False)
        else:
            outcome[record.external_id] = (False, False)
    if new_orders:
        bulk_insert(Order, new_orders, conflict="store_id, external_id")
        if any(o.pk is None for o in new_orders):
            # A concurrent worker inserted one of them (or the database returns no pks): re-read.
            ids = dict(
                Order.objects.filter(store=store, external_id__in=[o.external_id for o in new_orders]).values_list(
                    "external_id", "pk"
                )
            )
            for order in new_orders:
                order.pk = ids.get(order.external_id)
    if changed:
        bulk_update(Order, changed, [*_ORDER_FIELDS, "updated_at"])
    written = {o.external_id: o for o in (*new_orders, *changed) if o.pk}
    _upsert_lines(written, {r.external_id: r for r in to_write}, new_ids={o.pk for o in new_orders})
    _adopt_orphans(store, list(written.values()))
    embedded = [refund for r in to_write for refund in r.refunds]
    if embedded:
        upsert_platform_refunds(store, embedded, orders={ext: o.pk for ext, o in written.items()})
    results = []
    for record in records:
        created, updated = outcome.pop(record.external_id, (False, False))
        notes = tuple(f"rounded {k}: {v}" for k, v in _raw_of(record).items()) if created or updated else ()
        results.append(IngestResult(ORDER, record.external_id, created=created, updated=updated, notes=notes))
    return results


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _order_problem(record: OrderRecord) -> str:
    """Why the order's rows would break a CHECK constraint (empty: they would not)."""
    currency = (record.total.currency if record.total is not None else record.currency).upper()
    if not _CURRENCY.match(currency):
        return f"currency {currency!r} is not an ISO code"
    for name in ("total", "paid"):
        amount = getattr(record, name)
        if amount is not None and amount.amount < 0:
            return f"negative {name} {amount.amount}"
    if record.shop_total is not None and not _CURRENCY.match(record.shop_total.currency):
        return f"shop currency {record.shop_total.currency!r} is not an ISO code"
    for line in record.lines:
        if line.quantity <= 0:
            return f"line {line.external_id}: quantity {line.quantity}"
        if line.unit_price.amount < 0:
            return f"line {line.external_id}: negative price {line.unit_price.amount}"
    return ""


def _state(order: Order) -> tuple:
    return tuple(getattr(order, f) for f in _ORDER_FIELDS if f != "platform_updated_at")


def _apply(order: Order, record: OrderRecord, customer_id: int | None, *, previous: dict | None) -> None:
    raw = _raw_of(record)
    if raw:
        logger.info("order %s: amounts rounded to their currency: %s", record.external_id, raw)
    if record.total is not None:
        total = record.total.amount
    else:  # no total yet (an Amazon order still Pending): keep what we had
        total = previous["total_amount"] if previous else ZERO
        if "total" in order.raw_amounts:
            raw["total"] = order.raw_amounts["total"]
    if record.paid is not None:
        paid = record.paid.amount
    elif record.total is not None and record.paid_at is not None:
        paid = record.total.amount
    else:
        paid = previous["paid_amount"] if previous else ZERO
    order.number = record.number[:64]
    order.placed_at = record.placed_at
    order.paid_at = record.paid_at
    order.shipped_at = record.shipped_at
    order.delivered_at = record.delivered_at
    order.currency = (record.total.currency if record.total is not None else record.currency).upper()
    order.total_amount = total
    order.paid_amount = paid
    order.platform_status = (record.status or ("cancelled" if record.cancelled else ""))[:40]
    order.shop_currency = record.shop_total.currency if record.shop_total is not None else ""
    order.shop_total_amount = record.shop_total.amount if record.shop_total is not None else None
    order.raw_amounts = raw
    order.fulfilment = record.fulfilment
    order.carrier = record.carrier[:64]
    order.tracking_number = record.tracking_number[:64]
    order.tracking_status = record.tracking_status
    order.platform_url = record.platform_url
    order.platform_updated_at = record.updated_at
    if customer_id is not None or order.customer_id is None:
        order.customer_id = customer_id


def _raw_of(record: OrderRecord) -> dict[str, str]:
    raw = {}
    for name in ("total", "paid", "shop_total"):
        amount = getattr(record, name)
        if amount is not None and amount.rounded:
            raw[name] = amount.raw
    for line in record.lines:
        if line.unit_price.rounded:
            raw[f"lines.{line.external_id}.unit_price"] = line.unit_price.raw
    return raw


def _upsert_lines(orders: dict[str, Order], records: dict[str, OrderRecord], *, new_ids: set[int]) -> None:
    old = [o.pk for o in orders.values() if o.pk not in new_ids]
    held: dict[tuple[int, str], OrderLine] = {}
    if old:
        for line in OrderLine.objects.filter(order_id__in=old).exclude(external_id=""):
            held[(line.order_id, line.external_id)] = line
    create, update = [], []
    for ext, order in orders.items():
        for item in records[ext].lines:
            line = held.get((order.pk, item.external_id)) or new_row(
                OrderLine, order_id=order.pk, external_id=item.external_id
            )
            before = None if line.pk is None else tuple(getattr(line, f) for f in _LINE_FIELDS)
            line.sku = item.sku[:64]
            line.title = item.title[:300]
            line.category = item.category[:80]
            line.quantity = item.quantity
            line.unit_price = item.unit_price.amount
            line.image_url = item.image_url
            if line.pk is None:
                create.append(line)
            elif tuple(getattr(line, f) for f in _LINE_FIELDS) != before:
                update.append(line)
    if create:
        bulk_insert(OrderLine, create)
    if update:
        bulk_update(OrderLine, update, _LINE_FIELDS)


# --- customers ----------------------------------------------------------------------------------
def _buyer_key(buyer: BuyerRecord | None) -> str:
    if buyer is None:
        return ""
    if buyer.platform_customer_id:
        return f"id:{buyer.platform_customer_id}"
    if buyer.email:
        return f"email:{buyer.email.strip().lower()}"
    return ""  # an Amazon buyer with neither: no customer


def _customers_for(store: Store, buyers: Iterable[BuyerRecord | None], *, currency: str) -> dict[str, int]:
    """Customer ids by buyer key, creating the missing ones (by platform id, else email)."""
    wanted: dict[str, BuyerRecord] = {}
    for buyer in buyers:
        key = _buyer_key(buyer)
        if key:
            wanted.setdefault(key, buyer)
    if not wanted:
        return {}
    if connection.vendor == "postgresql" and any(b.platform_customer_id for b in wanted.values()):
        return _customers_inserting_first(store, wanted, currency=currency)
    found = _find_customers(store, wanted)
    missing = [
        (new_row if b.platform_customer_id else _model_row)(
            Customer,
            store_id=store.pk,
            platform_customer_id=b.platform_customer_id[:128],
            email=b.email.strip().lower()[:254],
            name=b.name[:200],
            language=b.language[:16],
            country=b.country[:2].upper(),
            currency=currency,
        )
        for key, b in wanted.items()
        if key not in found
    ]
    with_id = [c for c in missing if c.platform_customer_id]
    if with_id:
        # Another worker may create the same buyer: its row wins and is read back.
        bulk_insert(Customer, with_id)
        if all(c.pk for c in with_id):  # none was taken (PostgreSQL returns the ids): nothing to read back
            for customer in with_id:
                found.setdefault(f"id:{customer.platform_customer_id}", customer.pk)
                if customer.email:
                    found.setdefault(f"email:{customer.email}", customer.pk)
        else:
            found.update(_find_customers(store, {k: b for k, b in wanted.items() if k not in found}))
    by_email = [c for c in missing if not c.platform_customer_id]
    if by_email:  # no unique key on email: the insert returns the ids
        Customer.objects.bulk_create(by_email, batch_size=500)
        for customer in by_email:
            found.setdefault(f"email:{customer.email}", customer.pk)
    return found


def _customers_inserting_first(store: Store, wanted: dict[str, BuyerRecord], *, currency: str) -> dict[str, int]:
    """``_customers_for`` on PostgreSQL, where a page's buyers are mostly new: the buyers with a
    platform id are inserted at once (ON CONFLICT DO NOTHING RETURNING), and only those a row
    already held are read back; the buyers known by email alone go as in ``_customers_for``."""
    by_id = {k: b for k, b in wanted.items() if b.platform_customer_id}
    by_mail = {k: b for k, b in wanted.items() if not b.platform_customer_id}
    found = _find_customers(store, by_mail) if by_mail else {}
    rows = [
        new_row(
            Customer,
            store_id=store.pk,
            platform_customer_id=b.platform_customer_id[:128],
            email=b.email.strip().lower()[:254],
            name=b.name[:200],
            language=b.language[:16],
            country=b.country[:2].upper(),
            currency=currency,
        )
        for b in by_id.values()
    ]
    created = dict(bulk_insert(Customer, rows, returning="platform_customer_id"))
    held = {k: b for k, b in by_id.items() if b.platform_customer_id[:128] not in created}
    if held:
        found.update(_find_customers(store, held))
    for row in rows:
        pk = created.get(row.platform_customer_id)
        if pk is not None:
            found.setdefault(f"id:{row.platform_customer_id}", pk)
            if row.email:
                found.setdefault(f"email:{row.email}", pk)
    missing = [
        Customer(
            store_id=store.pk,
            email=b.email.strip().lower()[:254],
            name=b.name[:200],
            language=b.language[:16],
            country=b.country[:2].upper(),
            currency=currency,
        )
        for key, b in by_mail.items()
        if key not in found
    ]
    if missing:  # no unique key on email: the insert returns the ids
        Customer.objects.bulk_create(missing, batch_size=500)
        for customer in missing:
            found.setdefault(f"email:{customer.email}", customer.pk)
    return found


def _find_customers(store: Store, wanted: dict[str, BuyerRecord]) -> dict[str, int]:
    ids = [b.platform_customer_id for b in wanted.values() if b.platform_customer_id]
    emails = [b.email.strip().lower() for b in wanted.values() if not b.platform_customer_id and b.email]
    rows: list[tuple[int, str, str]] = []
    fields = ("pk", "platform_customer_id", "email")
    if ids:
        # The exclude names the unique index's condition, so PostgreSQL uses it for long lists too.
        by_id = Customer.objects.filter(store=store, platform_customer_id__in=ids).exclude(platform_customer_id="")
        rows.extend(by_id.values_list(*fields))
    if emails:
        rows.extend(Customer.objects.filter(store=store, email__in=emails).order_by("pk").values_list(*fields))
    found: dict[str, int] = {}
    for pk, platform_id, email in rows:
        if platform_id:
            found.setdefault(f"id:{platform_id}", pk)
        if email:
            found.setdefault(f"email:{email.lower()}", pk)
    return found


def customer_for(store: Store, buyer: BuyerRecord | None, *, email: str = "") -> int | None:
    """The id of the store's customer for this buyer (or sender address), created if missing."""
    if buyer is None or not _buyer_key(buyer):
        if not email:
            return None
        buyer = BuyerRecord(email=email, name=buyer.name if buyer else "", language=buyer.language if buyer else "")
    return _customers_for(store, [buyer], currency=store.currency).get(_buyer_key(buyer))


# --- orphans ------------------------------------------------------------------------------------
def _adopt_orphans(store: Store, orders: list[Order]) -> None:
    """Link the return and dispute tickets that arrived before their order (they wait on its
    external id in ``Ticket.awaiting_order_external_id``): one indexed query per page."""
    if not orders:
        return
    by_ext = {order.external_id: order for order in orders}
    # The exclude names the partial index's condition: PostgreSQL then probes that small index
    # instead of walking all the store's tickets (and an empty id never matches a ticket that waits on none).
    waiting = list(
        Ticket.objects.filter(store=store, awaiting_order_external_id__in=list(by_ext))
        .exclude(awaiting_order_external_id="")
        .values_list("pk", "awaiting_order_external_id", "customer_id")
    )
    now = timezone.now()
    for pk, ext, customer_id in waiting:
        order = by_ext[ext]
        changes = {"order_id": order.pk, "awaiting_order_external_id": "", "updated_at": now}
        if customer_id is None and order.customer_id:
            changes["customer_id"] = order.customer_id
        Ticket.objects.filter(pk=pk).update(**changes)
        Dispute.objects.filter(ticket_id=pk, order__isnull=True).update(order_id=order.pk)


# --- platform refunds ---------------------------------------------------------------------------
@dataclass
class _Link:
    refund_pk: int
    status: str


def record_platform_refund(record: RefundRecord, *, store: Store) -> IngestResult:
    return upsert_platform_refunds(store, [record])[0]


def upsert_platform_refunds(
    store: Store, records: Sequence[RefundRecord], *, orders: dict[str, int] | None = None
) -> list[IngestResult]:
    """Upsert platform refunds by (store, external id), only forward, linked to our refund when
    the record names its idempotency key or its platform id; an executing refund the platform
    settled moves to succeeded or failed. A Refund is never created from a platform record.
    Then the page is reconciled (order + amount + time), under the store's reconciliation lock,
    which the matcher holds too, so no two workers link one record twice."""
    with transaction.atomic():
        reconciliation.lock_store(store.pk)
        results = _upsert_platform_refunds(store, records, orders=orders)
        reconciliation.match(store=store, external_ids=[r.external_id for r in records])
    return results


def _upsert_platform_refunds(
    store: Store, records: Sequence[RefundRecord], *, orders: dict[str, int] | None = None
) -> list[IngestResult]:
    latest: dict[str, RefundRecord] = {}
    for record in records:
        if not _CURRENCY.match(record.amount.currency):  # see upsert_orders: never dropped silently
            raise IntegrityError(f"platform refund {record.external_id}: currency {record.amount.currency!r}")
        held = latest.get(record.external_id)
        if held is None or _stamp(record) >= _stamp(held):
            latest[record.external_id] = record
    existing = {p.external_id: p for p in PlatformRefund.objects.filter(store=store, external_id__in=list(latest))}
    orders = dict(orders or {})
    unknown = {r.order_external_id for r in latest.values()} - set(orders)
    if unknown:
        orders.update(Order.objects.filter(store=store, external_id__in=list(unknown)).values_list("external_id", "pk"))
    ours = _our_refunds(store, latest.values())
    create, update, outcome, settle = [], [], {}, []
    for ext, record in latest.items():
        row = existing.get(ext)
        if row is not None and row.platform_updated_at is not None and _stamp(record) < row.platform_updated_at:
            continue
        row = row or PlatformRefund(store=store, external_id=ext)
        before = None if row.pk is None else tuple(getattr(row, f) for f in _REFUND_FIELDS)
        link = ours.get(record.reference) or ours.get(f"id:{ext}")
        row.order_id = orders.get(record.order_external_id) or row.order_id
        row.order_external_id = record.order_external_id[:128]
        row.amount = record.amount.amount
        row.currency = record.amount.currency
        row.raw_amount = record.amount.raw[:64]
        row.status = record.status[:16]
        row.reference = record.reference[:191]
        row.reason = record.reason[:300]
        row.refunded_at = record.created_at
        row.platform_updated_at = _stamp(record)
        row.refund_id = link.refund_pk if link else row.refund_id
        row.matched_by = reconciliation.BY_ID if link else row.matched_by
        if record.amount.rounded:
            logger.info("platform refund %s: amount rounded from %s", ext, record.amount.raw)
        if row.pk is None:
            create.append(row)
            outcome[ext] = (True, False)
        else:
            changed = tuple(getattr(row, f) for f in _REFUND_FIELDS) != before
            update.append(row)
            outcome[ext] = (False, changed)
        if link and link.status == RefundStatus.EXECUTING and record.status in ("succeeded", "failed"):
            settle.append((link.refund_pk, record))
    if create:
        PlatformRefund.objects.bulk_create(create, batch_size=500, ignore_conflicts=True)
    if update:
        bulk_update(PlatformRefund, update, _REFUND_FIELDS)
    for refund_pk, record in settle:
        _settle(refund_pk, record)
    results = []
    for record in records:
        created, updated = outcome.pop(record.external_id, (False, False))
        results.append(IngestResult(REFUND, record.external_id, created=created, updated=updated))
    return results


def _stamp(record: RefundRecord):
    return record.updated_at or record.created_at


def _our_refunds(store: Store, records: Iterable[RefundRecord]) -> dict[str, _Link]:
    """Our refunds these records name, by reference (idempotency key) and by ``id:<platform id>``."""
    keys, ids = [], []
    for record in records:
        ids.append(record.external_id)
        if record.reference:
            with contextlib.suppress(ValueError):
                keys.append(uuid.UUID(record.reference))
    condition = Q(platform_refund_id__in=ids)
    if keys:
        condition |= Q(idempotency_key__in=keys)
    links = {}
    for pk, key, platform_id, status in Refund.objects.filter(condition, store=store).values_list(
        "pk", "idempotency_key", "platform_refund_id", "status"
    ):
        links[str(key)] = _Link(pk, status)
        if platform_id:
            links[f"id:{platform_id}"] = _Link(pk, status)
    return links


def _settle(refund_pk: int, record: RefundRecord) -> None:
    from .refund_decisions import after_platform_answer
    from .refunds import transition_refund

    refund = Refund.objects.get(pk=refund_pk)
    if refund.status != RefundStatus.EXECUTING:
        return
    if record.status == "succeeded":
        taken = (
            Refund.objects.filter(store_id=refund.store_id, platform_refund_id=record.external_id)
            .exclude(pk=refund.pk)
            .exists()
        )
        transition_refund(
            refund,
            RefundStatus.SUCCEEDED,
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            platform_refund_id="" if taken else record.external_id,
        )
        Refund.objects.filter(pk=refund.pk).update(platform_amount=record.amount.amount)
    else:
        transition_refund(
            refund,
            RefundStatus.FAILED,
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            failure_reason=record.reason or "failed on the platform",
        )
    refund.refresh_from_db()
    after_platform_answer(refund)
