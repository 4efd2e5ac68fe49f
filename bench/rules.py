"""Benchmark: buyer messages per second through 200 enabled triage rules, and simulate over N tickets.

Messages: the labelled corpus (tests/fixtures/triage/corpus.jsonl) with its order facts, cycled to
``--messages`` (each copy with its own subject, so nothing is cached between copies), through
``Facts.for_text`` + ``engine.preview``: text preparation (quoted replies, signatures, language),
keyword search and every rule, as a new message is triaged. Rules: the installed defaults, plus
copies of their conditions (with other tags and cheap conditions added) up to ``--rules`` enabled
ones. Prints one JSON object (the house format: ``name``, ``parameters``, then the figures):
``{"name": "rules.messages", "parameters": {"rules": 200, "messages": 3000}, …}`` with
``messages_per_cpu_s`` (the full path per second of this process's CPU time: one core, the
machine's other load does not count), ``messages_per_s`` (the same per wall-clock second),
``engine_only_per_cpu_s`` (text prepared first: keyword search and rules),
``text_preparation_per_cpu_s``,
``matched_rules_per_message``, ``cpu_seconds`` and ``load_average`` (the machine's, at the start:
other work on it shows in the wall-clock rate). Target: ``messages_per_cpu_s`` at least 2,000.

``--simulate N`` instead makes N tickets with a first message and an order (bulk, in one
transaction) and times ``engine.simulate`` of a draft rule over them, with and without a text
condition, printing one ``{"name": "rules.simulate", "parameters": {"tickets": N, "draft": …}, …}``
per draft with ``scanned``, ``matched``, ``seconds``, ``cpu_seconds``, ``tickets_per_s``,
``tickets_per_cpu_s`` and ``load_average``. Everything is rolled back: the database is left as it
was. Run after ``migrate``:

    AFTERSALES_LOCAL_HTTP=1 .venv/bin/python bench/rules.py --rules 200 --messages 5000
    AFTERSALES_LOCAL_HTTP=1 .venv/bin/python bench/rules.py --simulate 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tickets import models as m  # noqa: E402
from tickets.rules import cache  # noqa: E402
from tickets.rules.engine import preview, rules_for, simulate  # noqa: E402
from tickets.rules.evaluation import load_corpus  # noqa: E402
from tickets.rules.facts import Facts  # noqa: E402
from tickets.rules.text import prepare  # noqa: E402

EVENT = "message_received"
CHEAP = (
    {"type": "has_order"},
    {"type": "fulfilment", "values": ["fba"]},
    {"type": "order_total", "op": "gt", "amount": "200.00", "currency": "EUR"},
    {"type": "buyer_tier", "values": ["vip"]},
    {"type": "within_return_window"},
    {"type": "category", "categories": ["electronics"]},
    {"type": "tracking_status", "values": ["delivered", "in_transit"]},
    {"type": "language", "values": ["de", "fr", "es"]},
    {"type": "tags", "match": "none", "tags": ["vip"]},
)


class Rollback(Exception):
    pass


def _fill_rules(total: int, rnd: random.Random) -> list[m.Rule]:
    """The installed enabled rules of the event plus generated ones, ``total`` in all."""
    installed = list(m.Rule.objects.filter(event=EVENT, enabled=True, store__isnull=True))
    texts = [c for r in installed for c in r.conditions if c.get("type") == "text" and not c.get("not")]
    if not texts:
        sets = list(m.KeywordSet.objects.filter(store__isnull=True).values_list("name", flat=True))
        texts = [{"type": "text", "sets": [name]} for name in sets]
    top = max([r.position for r in installed], default=0)
    made = []
    for n in range(max(0, total - len(installed))):
        conditions = [dict(rnd.choice(texts))]
        if rnd.random() < 0.6:
            conditions.append(dict(rnd.choice(CHEAP)))
        made.append(
            m.Rule(
                name=f"bench {n}",
                event=EVENT,
                conditions=conditions,
                actions=[{"type": "add_tags", "tags": [f"bench-{n % 23}"]}, {"type": "set_priority", "value": "high"}],
                position=top + 1 + n,
            )
        )
    m.Rule.objects.bulk_create(made)
    cache.clear_local()
    return rules_for(EVENT, None)


def bench_messages(n_rules: int, n_messages: int) -> dict:
    rnd = random.Random(14)
    corpus = load_corpus()
    messages = [
        (f"{entry['subject']} ({i})", entry["body"], entry.get("context") or {})
        for i, entry in zip(range(n_messages), _cycle(corpus), strict=False)
    ]
    with transaction.atomic():
        rules = _fill_rules(n_rules, rnd)
        for subject, body, context in messages[:50]:  # language models and compiled sets loaded
            preview(Facts.for_text(subject, body, context=context), rules)
        load = os.getloadavg()[0]
        started, wall = time.process_time(), time.perf_counter()
        matched = 0
        for subject, body, context in messages:
            matched += len(preview(Facts.for_text(subject, body, context=context), rules).matched)
        full, wall = time.process_time() - started, time.perf_counter() - wall

        prepared = [Facts.for_text(subject, body, context=context) for subject, body, context in messages]
        started = time.process_time()
        for facts in prepared:
            facts.text  # noqa: B018 - prepared here, timed apart
        text_only = time.process_time() - started
        started = time.process_time()
        for facts in prepared:
            preview(facts, rules)
        engine_only = time.process_time() - started
        transaction.set_rollback(True)
    return {
        "name": "rules.messages",
        "parameters": {"rules": len(rules), "messages": n_messages},
        "messages_per_cpu_s": round(n_messages / full),
        "messages_per_s": round(n_messages / wall),
        "engine_only_per_cpu_s": round(n_messages / engine_only),
        "text_preparation_per_cpu_s": round(n_messages / text_only),
        "matched_rules_per_message": round(matched / n_messages, 2),
        "cpu_seconds": round(full, 2),
        "load_average": round(load, 2),
    }


def _cycle(items):
    while True:
        yield from items


def bench_simulate(n_tickets: int) -> list[dict]:
    from django.contrib.auth.models import User

    bodies = [f"<p>{entry['body']}</p>" for entry in load_corpus()]
    out = []
    with transaction.atomic():
        now = timezone.now()
        store = m.Store.objects.create(
            platform="shopify", name="Bench simulate", marketplace="bench-sim", currency="EUR"
        )
        user = User.objects.create_superuser("bench-simulate", "bench@example.com", "bench-simulate-password")
        buyers = m.Customer.objects.bulk_create(
            [m.Customer(store=store, platform_customer_id=f"bench-{i}", currency="EUR") for i in range(1000)]
        )
        orders = m.Order.objects.bulk_create(
            [
                m.Order(
                    store=store,
                    customer=buyers[i % 1000],
                    external_id=f"bench-{i}",
                    number=f"#B{i}",
                    placed_at=now - timedelta(days=20),
                    delivered_at=now - timedelta(days=i % 40),
                    currency="EUR",
                    total_amount=Decimal(20 + i % 400),
                    fulfilment="fba" if i % 3 == 0 else "merchant",
                )
                for i in range(n_tickets)
            ]
        )
        m.OrderLine.objects.bulk_create(
            [
                m.OrderLine(
                    order=order,
                    sku=f"SKU-{i % 50}",
                    title="Item",
                    category="electronics" if i % 4 == 0 else "apparel",
                    quantity=1,
                    unit_price=Decimal(20 + i % 400),
                )
                for i, order in enumerate(orders)
            ]
        )
        first = (m.Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        tickets = m.Ticket.objects.bulk_create(
            [
                m.Ticket(
                    number=first + i,
                    store=store,
                    customer=buyers[i % 1000],
                    order=order,
                    subject=f"Order #B{i}",
                    last_activity_at=now,
                )
                for i, order in enumerate(orders)
            ]
        )
        m.Message.objects.bulk_create(
            [
                m.Message(ticket=t, store=store, direction="inbound", body=bodies[i % len(bodies)], created_at=now)
                for i, t in enumerate(tickets)
            ]
        )
        cache.clear_local()
        text_set = m.KeywordSet.objects.filter(store__isnull=True).values_list("name", flat=True).first()
        drafts = {
            "order facts": [
                {"type": "fulfilment", "values": ["fba"]},
                {"type": "order_total", "op": "gt", "amount": "200.00", "currency": "EUR"},
            ],
            "text and order": [
                {"type": "category", "categories": ["electronics"]},
                {"type": "within_return_window"},
                *([{"type": "text", "sets": [text_set]}] if text_set else []),
            ],
        }
        for label, conditions in drafts.items():
            draft = m.Rule(
                name=label,
                event=EVENT,
                store=store,
                conditions=conditions,
                actions=[{"type": "add_tags", "tags": ["bench"]}],
            )
            load = os.getloadavg()[0]
            cpu = time.process_time()
            result = simulate(draft, user=user, days=30, limit=n_tickets)
            cpu = time.process_time() - cpu
            out.append(
                {
                    "name": "rules.simulate",
                    "parameters": {"tickets": n_tickets, "draft": label},
                    "scanned": result.scanned,
                    "matched": len(result.matches),
                    "seconds": round(result.seconds, 2),
                    "cpu_seconds": round(cpu, 2),
                    "tickets_per_s": round(result.scanned / result.seconds) if result.seconds else None,
                    "tickets_per_cpu_s": round(result.scanned / cpu) if cpu else None,
                    "load_average": round(load, 2),
                }
            )
        transaction.set_rollback(True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--simulate", type=int, default=0, help="tickets to simulate over instead")
    args = parser.parse_args()
    for entry in load_corpus():  # a warm worker: every language's models loaded
        prepare(entry["subject"], entry["body"])
    if args.simulate:
        for line in bench_simulate(args.simulate):
            print(json.dumps(line))
    else:
        print(json.dumps(bench_messages(args.rules, args.messages)))


if __name__ == "__main__":
    main()
