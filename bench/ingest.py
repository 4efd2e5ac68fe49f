"""Benchmark: ingest from the sandbox marketplace over HTTP into PostgreSQL. Prints one JSON line.

The sandbox (``manage.py sandbox`` in its own process, its limits scaled up by ``--limit-scale`` and our quotas with them)
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
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sandbox(args: argparse.Namespace) -> tuple[subprocess.Popen, dict]:
    """The sandbox in a process of its own, as in make run: its work is not the worker's."""
    ports = {"port": free_port(), "imap": free_port(), "smtp": free_port()}
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "sandbox",
            "--port",
            str(ports["port"]),
            "--imap-port",
            str(ports["imap"]),
            "--smtp-port",
            str(ports["smtp"]),
            "--speed",
            "1",
            "--no-scenario",
            "--limit-scale",
            str(args.limit_scale),
            "--seed",
            str(args.seed),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{ports['port']}"
    for _ in range(200):
        try:
            requests.get(base + "/_sandbox/state", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    ports["base"] = base
    return process, ports


def run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from integrations import registry
    from integrations.models import MailboxConnection, StoreConnection, SyncCursor
    from integrations.sandbox import modules
    from integrations.sandbox.core import support_address
    from integrations.sync import sync_stream
    from tickets.models import Mailbox, MailboxKind, Message, Order, Store

    sandbox, ports = start_sandbox(args)
    try:
        started = time.perf_counter()
        half_orders, half_messages = args.orders // 2, args.messages // 2
        for platform, tenant, orders, messages in (
            ("shopify", "bench-shop", half_orders, half_messages),
            ("ebay", "bench-bay", args.orders - half_orders, args.messages - half_messages),
        ):
            spec = {"platform": platform, "tenant": tenant, "orders": orders, "messages": messages}
            requests.post(ports["base"] + "/_sandbox/seed", json=spec, timeout=600).raise_for_status()
        seed_s = time.perf_counter() - started

        stores = []
        for platform, tenant, currency in (("shopify", "bench-shop", "USD"), ("ebay", "bench-bay", "EUR")):
            store = Store.objects.create(
                platform=platform, name=f"Bench {platform}", marketplace=tenant, currency=currency
            )
            StoreConnection.objects.create(
                store=store,
                base_url=f"{ports['base']}/{platform}/{tenant}",
                credentials={**modules.ALL[platform].credentials(tenant), "page_size": 250},
                quota_scale=int(args.limit_scale),
                sync_interval_seconds=60,
            )
            stores.append(store)
        address = support_address("shopify", "bench-shop")
        mailbox = Mailbox.objects.create(store=stores[0], address=address, kind=MailboxKind.SUPPORT)
        MailboxConnection.objects.create(
            mailbox=mailbox,
            host="127.0.0.1",
            port=ports["imap"],
            use_ssl=False,
            username=address,
            credentials={"password": "sandbox"},
            folder="INBOX",
        )

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
        state = requests.get(ports["base"] + "/_sandbox/state", timeout=10).json()
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    orders = Order.objects.count()
    messages = Message.objects.filter(direction="inbound").count()
    records = orders + messages
    per_stream = {f"{c.store.platform}/{c.stream}": c.calls_total for c in SyncCursor.objects.select_related("store")}
    calls = sum(per_stream.values())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "name": "ingest.sandbox_to_database",
        "database": connection.vendor,
        "worker": "one process running the sync tasks in turn (a worker with concurrency 1); sandbox in its own process",
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
        "calls_by_stream": per_stream,
        "throttled": state.get("throttled"),
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
