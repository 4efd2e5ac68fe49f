"""Benchmark: the domain side of ingest (no HTTP, no parsing). Prints one JSON line.

Feeds N synthetic orders (2 lines, a buyer in 1 of N/3) to ``ingest_records`` in pages of 250,
one transaction per page as the sync loop does, into the configured database; then replays
them all with a newer ``updated_at`` (the update path), VACUUM ANALYZE, and feeds M buyer
messages (a third name an order number). Run on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres h_ingest_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_ingest_bench AFTERSALES_LOCAL_HTTP=1
    .venv/bin/python manage.py migrate && .venv/bin/python bench/ingest_domain.py --orders 20000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from tickets.models import Store  # noqa: E402
from tickets.records import BuyerRecord, MessageRecord, OrderLineRecord, OrderRecord, PlatformAmount  # noqa: E402
from tickets.services.ingest import ingest_records  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=UTC)
PAGE = 250


def orders(n: int, *, run: str, minutes: int = 0) -> list[OrderRecord]:
    out = []
    for i in range(n):
        price = PlatformAmount.parse(f"{10 + i % 90}.50", "USD")
        out.append(
            OrderRecord(
                external_id=f"{run}-{i}",
                number=f"#{100000 + i}",
                placed_at=T0 + timedelta(seconds=i),
                updated_at=T0 + timedelta(seconds=i, minutes=minutes),
                currency="USD",
                total=PlatformAmount.parse(f"{2 * (10 + i % 90) + 1}.00", "USD"),
                status="shipped" if minutes else "unshipped",
                lines=tuple(
                    OrderLineRecord(
                        external_id=f"{run}-{i}-{k}", sku=f"SKU-{k}", title="Shirt", quantity=1, unit_price=price
                    )
                    for k in range(2)
                ),
                buyer=BuyerRecord(
                    platform_customer_id=f"{run}-c{i % max(1, n // 3)}", email=f"b{i % max(1, n // 3)}@x.example"
                ),
                paid_at=T0 + timedelta(seconds=i),
            )
        )
    return out


def messages(m: int, *, run: str) -> list[MessageRecord]:
    return [
        MessageRecord(
            external_id=f"<{run}-{j}@mail>",
            channel="email",
            sent_at=datetime.now(UTC),
            body_html=f"<p>Where is order #{100000 + j * 3}?</p>" if j % 3 == 0 else "<p>Hello there</p>",
            subject=f"Question {j}",
            sender_address=f"s{j % 500}@x.example",
        )
        for j in range(m)
    ]


def feed(store: Store, records: list) -> float:
    started = time.perf_counter()
    for start in range(0, len(records), PAGE):
        with transaction.atomic():
            ingest_records(store, records[start : start + PAGE])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000)
    args = parser.parse_args()
    run = uuid.uuid4().hex[:8]
    store = Store.objects.create(platform="shopify", name=f"Bench {run}", marketplace=run, currency="USD")
    created = feed(store, orders(args.orders, run=run))
    updated = feed(store, orders(args.orders, run=run, minutes=5))
    replayed = feed(store, orders(args.orders, run=run, minutes=5))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    received = feed(store, messages(args.messages, run=run))
    print(
        json.dumps(
            {
                "bench": "ingest_domain",
                "database": connection.vendor,
                "orders": args.orders,
                "page": PAGE,
                "new_orders_per_s": round(args.orders / created),
                "updated_orders_per_s": round(args.orders / updated),
                "replayed_orders_per_s": round(args.orders / replayed),
                "messages": args.messages,
                "messages_per_s": round(args.messages / received),
            }
        )
    )


if __name__ == "__main__":
    main()
