"""Benchmark: inbox queries over many tickets. Prints one JSON object per line.

Builds a throw-away database (Django's test database for DATABASE_URL, so PostgreSQL when it is
set, else SQLite), fills it with N tickets across stores, statuses and assignees, then times the
queries the inbox runs: the first page of a view, a page deep behind a cursor, a filtered page,
and the view counts. Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales \
.venv/bin/python bench/inbox_query.py --tickets 200000`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from tickets.models import Store, StoreMembership, Ticket  # noqa: E402
from tickets.selectors import inbox  # noqa: E402
from tickets.states import TicketStatus  # noqa: E402


def fill(n: int, seed: int) -> User:
    rng = random.Random(seed)
    stores = [
        Store.objects.create(platform=p, name=f"Bench {p}", marketplace=p, currency="USD")
        for p in ("shopify", "amazon", "ebay")
    ]
    agent = User.objects.create_user("bench-agent")
    others = [User.objects.create_user(f"bench-{i}") for i in range(10)]
    for store in stores[:2]:
        StoreMembership.objects.create(store=store, user=agent)
    statuses = TicketStatus.values
    now = timezone.now()
    batch: list[Ticket] = []
    for i in range(n):
        batch.append(
            Ticket(
                number=100_000 + i,
                store=stores[i % 3],
                subject=f"Bench ticket {i}",
                status=rng.choices(statuses, weights=[5, 10, 8, 3, 2, 20, 52])[0],
                assignee=rng.choice([None, agent, *others]),
                last_activity_at=now - timedelta(seconds=rng.randrange(90 * 86400)),
                resolution_due_at=now + timedelta(hours=rng.randrange(-48, 96)),
                closed_at=now,
            )
        )
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        # Autovacuum may be off (it is on these machines): without VACUUM the visibility map is
        # empty, index-only scans read the heap, and the figures measure that instead of the inbox.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return agent


def timed(fn, repeat: int) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        agent = fill(args.tickets, args.seed)
        fill_s = round(time.perf_counter() - start, 1)
        visible = Ticket.objects.visible_to(agent)
        unsolved = inbox.get_view("unsolved").filter(visible, agent)
        first_rows, cursor = inbox.page(unsolved)
        deep_cursor = cursor
        for _ in range(20):  # twenty pages in
            rows, next_cursor = inbox.page(unsolved, after=deep_cursor)
            deep_cursor = next_cursor or deep_cursor
        cases = {
            "first_page_unsolved": lambda: inbox.page(unsolved),
            "page_21_by_cursor": lambda: inbox.page(unsolved, after=deep_cursor),
            "filtered_store_status": lambda: inbox.page(
                visible.filter(store_id=visible.first().store_id, status=TicketStatus.OPEN)
            ),
            "mine": lambda: inbox.page(inbox.get_view("mine").filter(visible, agent)),
            "view_counts": lambda: inbox.view_counts(agent),
        }
        for name, fn in cases.items():
            print(
                json.dumps(
                    {
                        "name": f"inbox.{name}",
                        "database": connection.vendor,
                        "tickets": args.tickets,
                        "repeat": args.repeat,
                        "fill_seconds": fill_s,
                        **timed(fn, args.repeat),
                    }
                ),
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
