"""Benchmark: the agent's inbox and ticket page at N tickets, timed as whole HTTP responses.

Builds a throw-away PostgreSQL database (Django's test database for DATABASE_URL), fills it with
N tickets and what hangs off them (buyers, orders with numbers and tracking, order lines,
messages in German, English, Chinese, Japanese, French and Spanish, tags, returns) with
``INSERT … SELECT FROM generate_series`` statements (no Python loop per row: a million tickets in
minutes), runs VACUUM ANALYZE, then requests the pages through Django's test client as a
signed-in agent (middleware, session, templates and all) and prints one JSON object per line:
``name``, ``tickets``, ``p50_ms``, ``p95_ms``, ``queries`` (SQL queries of one such request).

Run: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench AFTERSALES_LOCAL_HTTP=1 \
.venv/bin/python bench/inbox.py --tickets 1000000``
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from sql_fill import hash_int, insert_select, next_id, pick, reset_sequence  # noqa: E402

from tickets.models import (  # noqa: E402
    Customer,
    Message,
    Order,
    OrderLine,
    ReturnAuthorization,
    RmaLine,
    Store,
    StoreMembership,
    Tag,
    Ticket,
)
from tickets.roles import AGENT  # noqa: E402

CHUNK = 100_000  # tickets per INSERT … SELECT: progress to watch, transactions of a sane size

# Subjects and message bodies per language. Word search looks for "scratched" (English) and
# 拉链 (zipper, Chinese); each appears in a share of the messages, not in all of them.
LANGUAGES = {
    "de": (
        ["Paket nicht angekommen", "Reißverschluss kaputt", "Falsche Größe geliefert", "Rücksendung Jacke"],
        [
            "Hallo, mein Paket ist seit zwei Wochen unterwegs und die Sendungsverfolgung zeigt nichts Neues.",
            "Der Reißverschluss der Jacke ist nach einem Tag gerissen. Ich möchte sie umtauschen.",
            "Die Schuhe sind eine Nummer zu klein. Kann ich eine größere Größe bekommen?",
            "Vielen Dank für die schnelle Antwort, das Rücksendeetikett ist angekommen.",
        ],
    ),
    "en": (
        ["Where is my order?", "Item arrived scratched", "Wrong colour", "Refund request"],
        [
            "Hi, my parcel was supposed to arrive last week and the tracking has not moved since Monday.",
            "The lamp arrived scratched on the side and the box was crushed. Photos attached.",
            "I ordered the blue one but received a green one. Please send the right colour.",
            "Thanks, I will send the item back with the label you sent me.",
        ],
    ),
    "zh": (
        ["订单还没收到", "拉链坏了", "尺码不对", "申请退款"],
        [
            "你好，我的包裹已经两个星期了还没有到，物流信息一直没有更新。",
            "外套的拉链第一天就坏了，我想换一件新的。",
            "鞋子小了一码，可以换大一码吗？",
            "谢谢你们的快速回复，退货标签已经收到了。",
        ],
    ),
    "ja": (
        ["商品が届きません", "ファスナーが壊れました", "サイズ交換のお願い", "返金について"],
        [
            "こんにちは。注文した商品が二週間たっても届きません。追跡番号も更新されていません。",
            "ジャケットのファスナーが一日で壊れてしまいました。交換をお願いします。",
            "靴のサイズが小さかったので、一つ大きいサイズに交換できますか。",
            "迅速なご対応ありがとうございます。返品ラベルを受け取りました。",
        ],
    ),
    "fr": (
        ["Colis non reçu", "Article abîmé", "Mauvaise taille"],
        [
            "Bonjour, mon colis devait arriver la semaine dernière et le suivi ne bouge plus.",
            "La lampe est arrivée rayée et le carton était écrasé.",
        ],
    ),
    "es": (
        ["Pedido no recibido", "Producto dañado"],
        [
            "Hola, mi paquete no ha llegado y el seguimiento no se actualiza desde el lunes.",
            "La lámpara llegó rayada y la caja estaba aplastada.",
        ],
    ),
}
# How often each language occurs (weights out of 20).
LANGUAGE_WEIGHTS = {"de": 6, "en": 6, "zh": 3, "ja": 2, "fr": 2, "es": 1}
NAMES = ["Anna Schmidt", "John Miller", "王芳", "佐藤花子", "Marie Dubois", "Carlos García", "Lukas Weber", "李伟"]
TAGS = ["fragile", "vip-buyer", "zipper", "size", "late", "customs", "damaged", "repeat", "press", "bulk", "gift", "eu"]
STATUSES = [("new", 5), ("open", 10), ("waiting_customer", 8), ("waiting_warehouse", 3), ("waiting_approval", 2)]
STATUSES += [("resolved", 20), ("closed", 52)]
TYPES = ["inquiry", "return", "refund", "exchange", "complaint", "reship", "dispute", "partial_refund"]
REASONS = ["", "size", "quality_defect", "not_as_described", "damaged_in_transit", "lost", "late", "changed_mind"]
RMA_STATUSES = ["authorized", "in_transit", "received", "closed", "cancelled"]


# --- SQL helpers ------------------------------------------------------------------------------------
def _weighted(values: list[tuple[str, int]]) -> list[str]:
    return [value for value, weight in values for _ in range(weight)]


def fill(n: int) -> tuple[User, dict]:
    stores = [
        Store.objects.create(platform="shopify", name="Bench Shop", marketplace="", currency="USD", region="US"),
        Store.objects.create(platform="amazon", name="Bench Amazon", marketplace="DE", currency="EUR", region="DE"),
        Store.objects.create(platform="ebay", name="Bench eBay", marketplace="UK", currency="GBP", region="GB"),
    ]
    agent = User.objects.create_user("bench-agent", password="bench")
    agent.groups.add(Group.objects.get(name=AGENT))
    others = [User.objects.create_user(f"bench-{i}") for i in range(10)]
    for store in stores[:2]:  # the agent sees two of the three stores
        StoreMembership.objects.create(store=store, user=agent)
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    store_ids = [s.pk for s in stores]
    currencies = [s.currency for s in stores]
    users = [None, agent.pk, *[u.pk for u in others]]
    languages = [lang for lang, weight in LANGUAGE_WEIGHTS.items() for _ in range(weight)]

    customer_base, order_base, line_base = next_id(Customer), next_id(Order), next_id(OrderLine)
    ticket_base, rma_base = next_id(Ticket), next_id(ReturnAuthorization)
    customers = max(1, n // 2)
    store_of = f"(ARRAY{store_ids})[1 + mod(i, 3)]"
    lang_of = pick(languages, "i")

    # Buyers: half as many as tickets, a buyer of store s for tickets of store s.
    for lo in range(0, customers, CHUNK):
        hi = min(customers, lo + CHUNK) - 1
        insert_select(
            Customer,
            {
                "id": f"{customer_base} + i",
                "store_id": store_of,
                "platform_customer_id": "'c' || i",
                "email": "'buyer' || i || '@example.com'",
                "name": pick(NAMES, "i") + " || ' ' || i",
                "language": lang_of,
                "country": "''",
                "currency": f"(ARRAY{currencies!r})[1 + mod(i, 3)]".replace('"', "'"),
            },
            "generate_series(%s, %s) AS g(i)",
            [lo, hi],
        )
    reset_sequence(Customer)
    started = time.perf_counter()
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK) - 1
        span = "generate_series(%s, %s) AS g(i)"
        activity = f"now() - make_interval(secs => mod({hash_int('i')}, 90 * 86400))"
        # Orders: one per ticket, with the platform's kind of number and (mostly) a tracking number.
        insert_select(
            Order,
            {
                "id": f"{order_base} + i",
                "store_id": store_of,
                "customer_id": f"{customer_base} + mod(i, {customers})",
                "external_id": "'o' || i",
                "number": "(ARRAY['#', '302-', '12-'])[1 + mod(i, 3)] || (1000000 + i)",
                "placed_at": activity + " - interval '5 days'",
                "currency": f"(ARRAY{currencies!r})[1 + mod(i, 3)]".replace('"', "'"),
                "total_amount": "10 + mod(i, 200)",
                "paid_amount": "10 + mod(i, 200)",
                "carrier": "'DHL'",
                "tracking_number": "CASE WHEN mod(i, 5) = 0 THEN '' ELSE 'JJD' || (100000000 + i) END",
                "tracking_status": "'in_transit'",
            },
            span,
            [lo, hi],
        )
        # Lines: one per order, a second on every third.
        insert_select(
            OrderLine,
            {
                "id": f"{line_base} + j",
                "order_id": f"{order_base} + (j / 2)",
                "external_id": "'l' || j",
                "sku": "'SKU-' || mod(j, 5000)",
                "title": pick(["Linen shirt", "Rain jacket", "Desk lamp", "Leather boots", "拉链外套"], "j"),
                "quantity": "1 + mod(j, 3)",
                "unit_price": "9.99 + mod(j, 90)",
            },
            "generate_series(%s, %s) AS g(j) WHERE mod(j, 2) = 0 OR mod(j / 2, 3) = 0",
            [lo * 2, hi * 2 + 1],
        )
        status = pick(_weighted(STATUSES), "i")
        insert_select(
            Ticket,
            {
                "id": f"{ticket_base} + i",
                "number": "100000 + i",
                "store_id": store_of,
                "customer_id": f"{customer_base} + mod(i, {customers})",
                "order_id": f"{order_base} + i",
                "subject": _subject_sql(languages),
                "channel": "(ARRAY['email', 'marketplace', 'ebay'])[1 + mod(i, 3)]",
                "type": pick(TYPES, "i * 7"),
                "reason": pick(REASONS, "i * 11"),
                "status": "s.status",
                "priority": pick(["low", "normal", "normal", "normal", "high", "urgent"], "i * 13"),
                "assignee_id": "(ARRAY[" + ",".join("NULL" if u is None else str(u) for u in users) + "]::int[])"
                f"[1 + mod({hash_int('i * 17')}, {len(users)})]",
                "language": lang_of,
                "sla_due_at": "CASE WHEN s.status IN ('new', 'open', 'waiting_warehouse', 'waiting_approval') "
                f"THEN now() + make_interval(mins => (mod({hash_int('i * 19')}, 7200) - 1440)::int) END",
                "sla_state": "''",
                "first_response_at": f"CASE WHEN s.status <> 'new' THEN {activity} END",
                "resolved_at": f"CASE WHEN s.status IN ('resolved', 'closed') THEN {activity} END",
                "closed_at": f"CASE WHEN s.status = 'closed' THEN {activity} END",
                "last_message_at": activity,
                "last_activity_at": activity,
                "last_message_preview": "left(" + _body_sql(languages, "i") + ", 200)",
                "created_at": activity + " - interval '2 days'",
            },
            f"(SELECT i, {status} AS status FROM {span}) AS s",
            [lo, hi],
        )
        # Messages: 1 to 3 per ticket, the buyer first, then the agent, then the buyer again.
        insert_select(
            Message,
            {
                "ticket_id": f"{ticket_base} + i",
                "store_id": store_of,
                "direction": "CASE WHEN k = 2 THEN 'outbound' ELSE 'inbound' END",
                "author_name": pick(NAMES, "i"),
                "body": "'<p>' || " + _body_sql(languages, "i + k") + " || ' ' || "
                "(ARRAY['#', '302-', '12-'])[1 + mod(i, 3)] || (1000000 + i) || '</p>'",
                "original_language": lang_of,
                "platform_message_id": "CASE WHEN k = 2 THEN '' ELSE 'm' || i || '-' || k END",
                "sender_address": "'buyer' || mod(i, " + str(customers) + ") || '@example.com'",
                "send_status": "CASE WHEN k = 2 THEN 'sent' ELSE '' END",
                "created_at": activity + " - make_interval(hours => 3 - k)",
            },
            f"{span} CROSS JOIN LATERAL generate_series(1, 1 + mod(i, 3)) AS m(k)",
            [lo, hi],
        )
        # Tags: a quarter of the tickets carry one, a tenth a second.
        with connection.cursor() as cursor:
            tag_ids = [t.pk for t in tags]
            cursor.execute(
                "INSERT INTO tickets_ticket_tags (ticket_id, tag_id) "
                f"SELECT {ticket_base} + i, (ARRAY{tag_ids})[1 + mod(i / 4, {len(tag_ids)})] "
                "FROM generate_series(%s, %s) AS g(i) WHERE mod(i, 4) = 0 "
                f"UNION ALL SELECT {ticket_base} + i, (ARRAY{tag_ids})[1 + mod(i / 10 + 5, {len(tag_ids)})] "
                "FROM generate_series(%s, %s) AS g(i) WHERE mod(i, 10) = 1",
                [lo, hi, lo, hi],
            )
        # Returns: one ticket in twenty, for the order's first line, most with a return tracking number.
        insert_select(
            ReturnAuthorization,
            {
                "id": f"{rma_base} + i",
                "ticket_id": f"{ticket_base} + i",
                "store_id": store_of,
                "number": "'RMA-' || lpad(i::text, 7, '0')",
                "status": pick(RMA_STATUSES, "i"),
                "return_address": "'Bench Returns, 1 Dock Rd'",
                "carrier": "'DPD'",
                "tracking_number": "'RT' || (500000000 + i)",
                "authorized_at": "now() - interval '3 days'",
            },
            "generate_series(%s, %s) AS g(i) WHERE mod(i, 20) = 3",
            [lo, hi],
        )
        insert_select(
            RmaLine,
            {"rma_id": f"{rma_base} + i", "order_line_id": f"{line_base} + i * 2", "quantity": "1"},
            "generate_series(%s, %s) AS g(i) WHERE mod(i, 20) = 3",
            [lo, hi],
        )
        done = hi + 1
        print(
            json.dumps({"fill": done, "of": n, "seconds": round(time.perf_counter() - started, 1)}),
            file=sys.stderr,
            flush=True,
        )
    for model in (Order, OrderLine, Ticket, ReturnAuthorization):
        reset_sequence(model)
    _set_sequences(n)
    build_search_documents()
    # Without VACUUM the visibility map is empty and index-only scans read the heap: the figures
    # would measure a table nobody has vacuumed yet instead of the inbox.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return agent, pick_sample(agent)


def pick_sample(agent: User) -> dict:
    """What the timed requests name: the agent's first store, an open ticket with a return there
    (its order number is searched for), and a tag."""
    from tickets.models import StoreMembership

    store_ids = sorted(StoreMembership.objects.filter(user=agent).values_list("store_id", flat=True))
    sample = (
        Ticket.objects.filter(store_id=store_ids[0], rmas__isnull=False, status="open")
        .select_related("order")
        .order_by("pk")
        .first()
    )
    if sample is None:
        sample = Ticket.objects.filter(store_id=store_ids[0]).select_related("order").order_by("pk").first()
    tag = Tag.objects.get(name=TAGS[0])
    return {"store": store_ids[0], "ticket": sample, "tag": tag.name}


def _subject_sql(languages: list[str]) -> str:
    cases = " ".join(f"WHEN '{lang}' THEN {pick(subjects, 'i * 3')}" for lang, (subjects, _bodies) in LANGUAGES.items())
    return f"(CASE {pick(languages, 'i')} {cases} END)"


def _body_sql(languages: list[str], seed: str) -> str:
    cases = " ".join(f"WHEN '{lang}' THEN {pick(bodies, seed)}" for lang, (_subjects, bodies) in LANGUAGES.items())
    return f"(CASE {pick(languages, 'i')} {cases} END)"


def _set_sequences(n: int) -> None:
    """Ticket and RMA numbers come from named counters: start them past the fill."""
    from tickets.models import Sequence

    for name in ("ticket", "rma"):
        Sequence.objects.update_or_create(name=name, defaults={"value": 100_000 + n})


def build_search_documents() -> None:
    """Build the full-text documents of the filled tickets (the write paths do it one ticket at a
    time after commit; a bulk fill bypasses them), then time nothing else."""
    from tickets.services import search_index

    started = time.perf_counter()
    built = search_index.rebuild_all()
    print(json.dumps({"name": "search_index", "documents": built, "seconds": round(time.perf_counter() - started, 1)}))


# --- the timings ------------------------------------------------------------------------------------
def timed(fn, repeat: int) -> dict[str, float | int]:
    fn()  # warm: the session's remembered sort, the template cache, PostgreSQL's buffers
    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    # Counted at the cursor: Django's query log is reset at each request's start.
    with connection.execute_wrapper(count):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95 + 0.5) - 1)], 2),
        "queries": len(seen),
    }


def next_cursor(response) -> str:
    """The cursor of the page's "Load more" link, URL-quoted for the next request."""
    found = re.search(r'after=([^"&]+)"', response.content.decode())
    if not found:
        raise SystemExit("bench: the page has no next cursor")
    return quote(html.unescape(found.group(1)), safe="")


def get(client: Client, url: str, **headers):
    response = client.get(url, secure=True, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"bench: {url} answered {response.status_code}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the test database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database a --keep run left (migrated first), without filling"
    )
    parser.add_argument("--profile", default="", help="a case name (e.g. inbox.first_page): cProfile it to stderr")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("bench/inbox.py fills PostgreSQL: set DATABASE_URL=postgres://…")

    # Not setup_test_environment(): it wraps every template render to record contexts for tests,
    # which would be timed with the page. Only what the test client needs is set here.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    if args.reuse:
        from django.core.management import call_command

        connection.close()
        connection.settings_dict["NAME"] = connection.creation._get_test_db_name()
        call_command("migrate", verbosity=0)
        args.keep = True
        args.tickets = Ticket.objects.count()
        agent = User.objects.get(username="bench-agent")
        sample = pick_sample(agent)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if not args.reuse:
            start = time.perf_counter()
            agent, sample = fill(args.tickets)
            fill_seconds = round(time.perf_counter() - start, 1)
            print(json.dumps({"name": "fill", "tickets": args.tickets, "seconds": fill_seconds}), flush=True)
        client, store_client = Client(), Client()
        client.force_login(agent)
        store_client.force_login(agent)
        inbox = reverse("inbox")
        ticket = sample["ticket"]
        order_number = ticket.order.number
        # The 50th page: follow each page's "load more" cursor, as the page itself does.
        cursor = None
        for _ in range(49):
            url = f"{inbox}?view=all&sort=activity" + (f"&after={cursor}" if cursor else "")
            cursor = next_cursor(get(client, url, HX_Request="true"))
        cases = {
            "inbox.first_page": lambda: get(client, inbox),
            # Its own client: a URL naming a store makes the store switcher remember it, and the other
            # cases must not be sent on to that store.
            "inbox.filtered_store_status_tag": lambda: get(
                store_client, f"{inbox}?view=all&store={sample['store']}&status=open&tag={sample['tag']}"
            ),
            "inbox.page_50_keyset": lambda: get(client, f"{inbox}?view=all&sort=activity&after={cursor}"),
            "inbox.sorted_by_sla": lambda: get(client, f"{inbox}?view=unsolved&sort=sla"),
            "inbox.search_order_number": lambda: get(client, f"{inbox}?view=all&q={order_number}"),
            "inbox.search_word": lambda: get(client, f"{inbox}?view=all&q=scratched"),
            "inbox.search_chinese": lambda: get(client, f"{inbox}?view=all&q=拉链"),
            "ticket.page": lambda: get(client, reverse("ticket", args=[ticket.number])),
        }
        counts, via = _view_counts_request(client, agent)
        cases["inbox.view_counts"] = counts
        if args.profile:
            _profile(cases[args.profile], args.repeat)
        for name, fn in cases.items():
            row = {"name": name, "tickets": args.tickets, **timed(fn, args.repeat)}
            if name == "inbox.view_counts":
                row["via"] = via
            print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _profile(fn, repeat: int) -> None:
    import cProfile
    import pstats

    fn()
    queries: list[tuple[float, str]] = []

    def timed_query(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - start) * 1000, sql))

    with connection.execute_wrapper(timed_query):
        fn()
    for ms, sql in sorted(queries, reverse=True):
        print(f"{ms:8.2f} ms  {sql[:300]}", file=sys.stderr)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fn()
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(40)


def _view_counts_request(client: Client, agent: User):
    """The view counts: the inbox page computes them in one query (and keeps them per user for
    INBOX_COUNTS_SECONDS), so the query itself is timed, uncached."""
    from tickets.selectors import inbox as inbox_selector

    return (lambda: inbox_selector.view_counts(agent)), "selector inbox.view_counts (part of the inbox page)"


if __name__ == "__main__":
    main()
