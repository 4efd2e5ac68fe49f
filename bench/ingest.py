"""Benchmark: ingest from the sandbox marketplace over HTTP into PostgreSQL. Prints one JSON line.

The sandbox (in this process, its limits scaled up by ``--limit-scale`` and our quotas with them)
holds N orders and M buyer messages: orders half on a Shopify shop, half on an eBay store; messages
half eBay messages (its API), half emails to the Shopify shop's support mailbox (IMAP). One worker:
the sync loop run in this one process, every stream's task body called in turn until nothing is
left, as a single Celery worker with concurrency 1 would. Reports records/s (orders + inbound
messages in the database over the wall time of the sync) and platform calls per 1,000 records.

    .venv/bin/python bench/ingest.py --orders 100000 --messages 20000

By default a throw-away database ``aftersales_bench_ingest`` on postgres://postgres@127.0.0.1:5432
is created, migrated and dropped; ``--database-url`` uses (and keeps) another one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
os.environ.setdefault("AFTERSALES_LOCAL_HTTP", "1")

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench_ingest"


def admin(url: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from integrations import http as http_module
    from integrations.models import MailboxConnection, StoreConnection, SyncCursor
    from integrations.sandbox.core import Rates, World
    from integrations.sandbox.mail import MailServer
    from integrations.sandbox.server import Sandbox
    from integrations.sync import sync_stream
    from tickets.models import Mailbox, MailboxKind, Message, Order, Store

    http_module._limiter.cache_clear()
    world = World(speed=1, seed=args.seed, rates=Rates(0, 0, 0, 0), limit_scale=args.limit_scale)
    mail = MailServer(world).start()
    box = Sandbox(world).start()
    started = time.perf_counter()
    shop, bay = world.tenant("shopify", "bench-shop"), world.tenant("ebay", "bench-bay")
    world.modules["shopify"].seed(world, shop, orders=args.orders // 2, messages=args.messages // 2)
    world.modules["ebay"].seed(
        world, bay, orders=args.orders - args.orders // 2, messages=args.messages - args.messages // 2
    )
    seed_s = time.perf_counter() - started

    stores = []
    for platform, tenant, currency in (("shopify", "bench-shop", "USD"), ("ebay", "bench-bay", "EUR")):
        store = Store.objects.create(platform=platform, name=f"Bench {platform}", marketplace=tenant, currency=currency)
        StoreConnection.objects.create(
            store=store,
            base_url=f"{box.base_url}/{platform}/{tenant}",
            credentials={**world.modules[platform].credentials(tenant), "page_size": 250},
            quota_scale=int(args.limit_scale),
            sync_interval_seconds=60,
        )
        stores.append(store)
    from integrations.sandbox.core import support_address

    address = support_address("shopify", "bench-shop")
    mailbox = Mailbox.objects.create(store=stores[0], address=address, kind=MailboxKind.SUPPORT)
    MailboxConnection.objects.create(
        mailbox=mailbox,
        host="127.0.0.1",
        port=mail.imap_port,
        use_ssl=False,
        username=address,
        credentials={"password": "sandbox"},
        folder="INBOX",
    )
    from integrations import registry

    streams = [(store.pk, stream) for store in stores for stream in registry.streams_for(store)]
    started = time.perf_counter()
    errors = []
    pending = list(streams)
    while pending:
        still = []
        for store_id, stream in pending:
            outcome = sync_stream(store_id, stream)
            if outcome.status == "error":
                errors.append(f"{stream}: {outcome.error}")
            elif outcome.has_more or outcome.status == "rate_limited":
                still.append((store_id, stream))
        pending = still
    sync_s = time.perf_counter() - started
    orders = Order.objects.count()
    messages = Message.objects.filter(direction="inbound").count()
    records = orders + messages
    calls = sum(SyncCursor.objects.values_list("calls_total", flat=True))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    box.stop()
    mail.stop()
    return {
        "name": "ingest.sandbox_to_database",
        "database": connection.vendor,
        "worker": "in-process, 1",
        "split": "orders: half Shopify, half eBay; messages: half eBay messages API, half Shopify emails (IMAP)",
        "orders_asked": args.orders,
        "messages_asked": args.messages,
        "orders": orders,
        "inbound_messages": messages,
        "limit_scale": args.limit_scale,
        "seed_seconds": round(seed_s, 1),
        "sync_seconds": round(sync_s, 1),
        "records_per_second": round(records / sync_s, 1) if sync_s else None,
        "platform_calls": calls,
        "calls_per_1000_records": round(1000 * calls / records, 2) if records else None,
        "throttled": world.throttled_total(),
        "errors": errors[:5],
        "target_records_per_second": 3000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--limit-scale", type=float, default=1000.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", default="", help="Write cProfile stats of the run to this file.")
    args = parser.parse_args()
    url = args.database_url or DEFAULT_URL
    throwaway = not args.database_url
    if throwaway:
        admin(url, 'DROP DATABASE IF EXISTS "aftersales_bench_ingest" WITH (FORCE)')
        admin(url, 'CREATE DATABASE "aftersales_bench_ingest"')
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)  # quotas in-process: one worker, nothing to share
    try:
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            result = profiler.runcall(run, args)
            profiler.dump_stats(args.profile)
        else:
            result = run(args)
        print(json.dumps(result), flush=True)
    finally:
        if throwaway:
            from django.db import connections

            connections.close_all()
            admin(url, 'DROP DATABASE IF EXISTS "aftersales_bench_ingest" WITH (FORCE)')


if __name__ == "__main__":
    main()
