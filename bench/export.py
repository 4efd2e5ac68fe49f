"""Benchmark: the refund report's CSV and XLSX exports of one month of N refunds, on PostgreSQL.

Builds a throw-away PostgreSQL database (Django's test database for DATABASE_URL), fills it with
N succeeded refunds in one month over three stores (USD, EUR, JPY) and what they hang off (buyers,
orders, order lines, tickets; six refunds in ten with one or two refund lines) through
``INSERT … SELECT FROM generate_series`` statements, runs VACUUM ANALYZE, then runs, as a finance
user of all three stores:

- ``report.totals``: the report page's totals and 12-month series (the selector);
- ``export.csv``: the CSV as the download streams it, into a sink that only counts bytes;
- ``export.xlsx``: the XLSX as the background task writes it, into a temporary file.

Each prints one JSON object: ``name``, ``parameters``, ``rows``, ``seconds``, ``rows_per_s``, and
memory: ``peak_rss_mb`` (the process's resident memory at its highest while the case ran, read
from /proc/self/statm every 10 ms: the whole process, Python, Django and all) and
``rss_growth_mb`` (that peak minus the resident memory just before the case); ``cpu_seconds``
(this process's CPU time: PostgreSQL works in its own processes) and ``load_average`` (the
machine's, at the start: other work on it shows in the wall time). Targets: CSV at least 50,000
rows/s; peak memory under 200 MB.

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench AFTERSALES_LOCAL_HTTP=1 \
.venv/bin/python bench/export.py --refunds 1000000``  (``--keep`` keeps the database; ``--reuse``
times a kept one again without filling it)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from sql_fill import hash_int, insert_select, next_id, pick, reset_sequence  # noqa: E402

from tickets.models import Customer, Order, OrderLine, Refund, RefundLine, Store, StoreMembership, Ticket  # noqa: E402
from tickets.roles import FINANCE  # noqa: E402
from tickets.selectors import refund_report  # noqa: E402
from tickets.services import refund_export  # noqa: E402

CHUNK = 200_000  # refunds per INSERT … SELECT
MONTH = date(2026, 10, 1)
REASONS = [
    "Item arrived damaged",
    "Wrong size",
    "Not as described",
    "Lost in transit",
    "Late delivery",
    "拉链坏了，申请退款",
    "Changed mind",
    '=HYPERLINK("https://example.com")',  # escaped on the way out: part of the work timed
]
SKUS = 5000
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- the fill ---------------------------------------------------------------------------------------------
def fill(n: int) -> User:
    stores = [
        Store.objects.create(platform="shopify", name="Bench Shop", marketplace="", currency="USD", region="US"),
        Store.objects.create(platform="amazon", name="Bench Amazon", marketplace="DE", currency="EUR", region="DE"),
        Store.objects.create(platform="ebay", name="Bench eBay JP", marketplace="JP", currency="JPY", region="JP"),
    ]
    finance = User.objects.create_user("bench-finance", password="bench")
    finance.groups.add(Group.objects.get(name=FINANCE))
    agents = [User.objects.create_user(f"bench-agent-{i}") for i in range(10)]
    for store in stores:
        StoreMembership.objects.create(store=store, user=finance)
    store_ids = [s.pk for s in stores]
    currencies = [s.currency for s in stores]
    agent_ids = [u.pk for u in agents]
    orders = max(1, n // 2)  # two refunds per order, on average
    customer_base, order_base, line_base = next_id(Customer), next_id(Order), next_id(OrderLine)
    ticket_base, refund_base = next_id(Ticket), next_id(Refund)
    store_of = f"(ARRAY{store_ids})[1 + mod(i, 3)]"
    currency_of = f"(ARRAY{currencies!r})[1 + mod(i, 3)]".replace('"', "'")
    started = time.perf_counter()
    for lo in range(0, orders, CHUNK):
        hi = min(orders, lo + CHUNK) - 1
        span = "generate_series(%s, %s) AS g(i)"
        insert_select(
            Customer,
            {
                "id": f"{customer_base} + i",
                "store_id": store_of,
                "platform_customer_id": "'c' || i",
                "email": "'buyer' || i || '@example.com'",
                "name": "'Buyer ' || i",
                "language": "'en'",
                "country": "''",
                "currency": currency_of,
            },
            span,
            [lo, hi],
        )
        insert_select(
            Order,
            {
                "id": f"{order_base} + i",
                "store_id": store_of,
                "customer_id": f"{customer_base} + i",
                "external_id": "'o' || i",
                "number": "(ARRAY['#', '302-', '12-'])[1 + mod(i, 3)] || (1000000 + i)",
                "placed_at": "timestamptz '2026-09-01' + make_interval(mins => mod(i, 40000))",
                "currency": currency_of,
                "total_amount": "200",
                "paid_amount": "200",
            },
            span,
            [lo, hi],
        )
        # Two lines per order: 2i and 2i + 1.
        insert_select(
            OrderLine,
            {
                "id": f"{line_base} + j",
                "order_id": f"{order_base} + (j / 2)",
                "external_id": "'l' || j",
                "sku": f"'SKU-' || mod({hash_int('j')}, {SKUS})",
                "title": "'Bench item'",
                "quantity": "1 + mod(j, 2)",
                "unit_price": "50",
            },
            "generate_series(%s, %s) AS g(j)",
            [lo * 2, hi * 2 + 1],
        )
        insert_select(
            Ticket,
            {
                "id": f"{ticket_base} + i",
                "number": "100000 + i",
                "store_id": store_of,
                "customer_id": f"{customer_base} + i",
                "order_id": f"{order_base} + i",
                "subject": "'Refund please'",
                "type": "'refund'",
                "status": "'resolved'",
                "language": "'en'",
                "sla_state": "''",
                "resolved_at": "timestamptz '2026-10-20'",
                "last_activity_at": "timestamptz '2026-10-20'",
            },
            span,
            [lo, hi],
        )
        print(json.dumps({"fill": "orders", "done": hi + 1, "of": orders}), file=sys.stderr, flush=True)
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK) - 1
        # Refund i belongs to order k = i mod orders, and to that order's store and currency.
        k = f"mod(i, {orders})"
        amount = f"CASE WHEN mod({k}, 3) = 2 THEN 100 + mod(i, 20000) ELSE (100 + mod(i, 20000)) / 100.0 END"
        insert_select(
            Refund,
            {
                "id": f"{refund_base} + i",
                "ticket_id": f"{ticket_base} + {k}",
                "order_id": f"{order_base} + {k}",
                "store_id": f"(ARRAY{store_ids})[1 + mod({k}, 3)]",
                "currency": f"(ARRAY{currencies!r})[1 + mod({k}, 3)]".replace('"', "'"),
                "amount": amount,  # whole yen; cents elsewhere
                "kind": "(ARRAY['full', 'partial', 'without_return', 'store_credit'])[1 + mod(i, 4)]",
                "method": "(ARRAY['original_payment', 'original_payment', 'paypal', 'store_credit'])[1 + mod(i, 4)]",
                "reason": pick(REASONS, "i"),
                "status": "'succeeded'",
                # Four in five have their month; the rest count in the month they succeeded.
                "attribution_month": f"CASE WHEN mod(i, 5) = 0 THEN NULL ELSE date '{MONTH.isoformat()}' END",
                "requested_by_id": f"(ARRAY{agent_ids})[1 + mod(i, {len(agent_ids)})]",
                "approved_by_id": f"(ARRAY{agent_ids})[1 + mod(i + 1, {len(agent_ids)})]",
                "approved_at": "timestamptz '2026-10-02'",
                "succeeded_at": f"timestamptz '{MONTH.isoformat()} 00:00+00' + make_interval(secs => mod(i, 30 * 86400))",
                "status_changed_at": "timestamptz '2026-10-02'",
                "platform_refund_id": "CASE WHEN mod(i, 4) < 2 THEN 'gid://shopify/Refund/' || i ELSE '' END",
                "platform_amount": f"CASE WHEN mod(i, 4) < 2 THEN {amount} END",
                "idempotency_key": "gen_random_uuid()",
                "approval_reasons": "'[]'::jsonb",
            },
            "generate_series(%s, %s) AS g(i)",
            [lo, hi],
        )
        # Six refunds in ten name lines: the order's first line (for the whole amount), and every
        # third also its second (for nothing: a line given back without money, say).
        insert_select(
            RefundLine,
            {
                "refund_id": f"{refund_base} + i",
                "order_line_id": f"{line_base} + 2 * ({k}) + l",
                "quantity": "1",
                "amount": f"CASE WHEN l = 0 THEN {amount} ELSE 0 END",
            },
            "generate_series(%s, %s) AS g(i) CROSS JOIN LATERAL generate_series(0, CASE WHEN mod(i, 3) = 0 THEN 1 ELSE 0 END) AS m(l) WHERE mod(i, 10) < 6",
            [lo, hi],
        )
        print(
            json.dumps(
                {"fill": "refunds", "done": hi + 1, "of": n, "seconds": round(time.perf_counter() - started, 1)}
            ),
            file=sys.stderr,
            flush=True,
        )
    for model in (Customer, Order, OrderLine, Ticket, Refund, RefundLine):
        reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return finance


# --- memory ----------------------------------------------------------------------------------------------
def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


class PeakRss:
    """The process's highest resident memory while the block runs, sampled every 10 ms."""

    def __enter__(self) -> PeakRss:
        self.before = rss_bytes()
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_bytes())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())


class CountingSink:
    """Where the CSV goes: nowhere, counted."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, piece: bytes) -> int:
        self.bytes += len(piece)
        return len(piece)


def measured(name: str, parameters: dict, work) -> dict:
    load = os.getloadavg()[0]
    with PeakRss() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        rows, extra = work()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "name": name,
        "parameters": parameters,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds) if seconds else None,
        # This process's CPU (the database works in its own): on a busy machine, wall time waits.
        "cpu_seconds": round(cpu, 2),
        "load_average": round(load, 2),
        "peak_rss_mb": round(memory.peak / 2**20, 1),
        "rss_growth_mb": round((memory.peak - memory.before) / 2**20, 1),
        "memory": "resident set size of the whole process, sampled every 10 ms (/proc/self/statm)",
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refunds", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the test database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time the database a --keep run left, without filling")
    parser.add_argument("--only", choices=["csv", "xlsx", "totals"], action="append", help="run only these cases")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/export.py fills PostgreSQL: set DATABASE_URL=postgres://…")
    old_name = connection.settings_dict["NAME"]
    if args.reuse:
        from django.core.management import call_command

        connection.close()
        connection.settings_dict["NAME"] = connection.creation._get_test_db_name()
        call_command("migrate", verbosity=0)
        args.keep = True
        finance = User.objects.get(username="bench-finance")
        args.refunds = Refund.objects.count()
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if not args.reuse:
            start = time.perf_counter()
            finance = fill(args.refunds)
            print(
                json.dumps({"name": "fill", "refunds": args.refunds, "seconds": round(time.perf_counter() - start, 1)})
            )
        parameters = {"refunds": args.refunds, "month": MONTH.isoformat()[:7], "stores": 3, "currencies": 3}
        cases = args.only or ["totals", "csv", "xlsx"]

        def totals():
            report = refund_report.report(finance, MONTH)
            return report.rows, {"currencies": len(report.currencies)}

        def csv_export():
            sink = CountingSink()
            queryset = refund_export.export_queryset(finance, MONTH)
            rows = refund_export.write_csv(queryset, MONTH, sink)
            return rows, {"bytes": sink.bytes}

        def xlsx_export():
            queryset = refund_export.export_queryset(finance, MONTH)
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
                rows = refund_export.write_xlsx(queryset, MONTH, file)
                file.flush()
                size = os.path.getsize(file.name)
            sheets = -(-rows // (refund_export.EXCEL_MAX_ROWS - 1)) or 1
            return rows, {"bytes": size, "sheets": sheets}

        work = {
            "totals": ("report.totals", totals),
            "csv": ("export.csv", csv_export),
            "xlsx": ("export.xlsx", xlsx_export),
        }
        for case in cases:
            name, fn = work[case]
            print(json.dumps(measured(name, parameters, fn), ensure_ascii=False), flush=True)
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"name": "process", "ru_maxrss_mb": round(maxrss, 1)}), flush=True)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
