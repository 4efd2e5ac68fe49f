"""End to end on PostgreSQL + Redis with real processes: the sandbox (in this process, so the test
can read its tenants) serves the three demo stores; a real Celery worker, driven by a real beat,
syncs them over HTTP; the REST API lists the tickets that arrived; an ``execute_refund`` outbox
action reaches the sandbox exactly once."""

from __future__ import annotations

import json

import pytest
import requests

from integrations.sandbox.core import Rates, World
from integrations.sandbox.mail import MailServer
from integrations.sandbox.server import Sandbox

from .processes import Database, Processes, manage, process_env, shell_json, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.processes]

SPEED = 60  # one real second is a scenario minute
REDIS_DB = 7
PLATFORMS = ("shopify", "amazon", "ebay")
TENANTS = {"shopify": "acme-outdoor", "amazon": "acme-de", "ebay": "acme-uk"}  # integrations.demo.DEMO_TENANTS


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """Sandbox + mail server here; migrate, load_demo (which connects the stores), then worker,
    beat and web in the fresh database."""
    tmp_path = tmp_path_factory.mktemp("e2e")
    world = World(speed=SPEED, seed=11, rates=Rates(orders=120, messages=90, returns=6, disputes=2))
    mail = MailServer(world).start()
    sandbox = Sandbox(world).start()
    host, port = sandbox.http.server_address[:2]
    extra = {
        "AFTERSALES_SANDBOX_HOST": host,
        "AFTERSALES_SANDBOX_PORT": str(port),
        "AFTERSALES_SANDBOX_IMAP_PORT": str(mail.imap_port),
        "AFTERSALES_SANDBOX_SMTP_PORT": str(mail.smtp_port),
        "AFTERSALES_SANDBOX_SPEED": str(SPEED),
    }
    with process_env(tmp_path, REDIS_DB, **extra) as env:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo")
        manage(env, "connect_sandbox", "--interval", "10")  # idempotent; the shortest interval allowed
        db = Database(env["DATABASE_URL"])
        connected_at = db.value("SELECT now()")
        processes = Processes(env, tmp_path)
        try:
            processes.worker("worker")
            processes.beat()
            url = processes.web()
            yield {"env": env, "db": db, "world": world, "processes": processes, "url": url, "since": connected_at}
        finally:
            processes.stop_all()
            db.close()
            sandbox.stop()
            mail.stop()


def new_rows(db: Database, table: str, since, platform: str) -> list[tuple]:
    column = "t.number, t.subject" if table == "tickets_ticket" else "t.external_id, t.number"
    return db.rows(
        f"SELECT {column} FROM {table} t JOIN tickets_store s ON s.id = t.store_id "
        "WHERE s.platform = %s AND t.created_at > %s ORDER BY t.id",
        [platform, since],
    )


def test_the_worker_syncs_three_sandbox_stores_and_the_api_lists_the_new_tickets(stack):
    db, since, processes = stack["db"], stack["since"], stack["processes"]
    for platform in PLATFORMS:
        wait_until(
            lambda p=platform: new_rows(db, "tickets_order", since, p) and new_rows(db, "tickets_ticket", since, p),
            120,
            f"new {platform} orders and tickets synced by the worker",
            processes,
        )
    # Every order the sandbox tenant holds reached our database, once (none duplicated).
    for platform in PLATFORMS:
        duplicates = db.rows(
            "SELECT o.external_id FROM tickets_order o JOIN tickets_store s ON s.id = o.store_id "
            "WHERE s.platform = %s GROUP BY o.store_id, o.external_id HAVING count(*) > 1",
            [platform],
        )
        assert duplicates == []
    shop = stack["world"].tenant("shopify", TENANTS["shopify"])
    synced = {row[0] for row in new_rows(db, "tickets_order", since, "shopify")}
    assert synced and synced <= set(shop.orders)

    token = requests.post(
        stack["url"] + "/api/auth/token/", data={"username": "agent", "password": "aftersales-demo"}, timeout=10
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Token {token.json()['token']}"}
    listed: dict[int, str] = {}
    page = stack["url"] + "/api/tickets/?page_size=200"
    while page:
        answer = requests.get(page, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        listed.update({ticket["number"]: ticket["subject"] for ticket in body["results"]})
        page = body["next"]
    for platform in PLATFORMS:
        created = dict(new_rows(db, "tickets_ticket", since, platform))
        assert created
        assert {number: listed.get(number) for number in created} == created


REFUND_CODE = """
import json
from decimal import Decimal
from django.db import transaction
from tests import factories
from tickets.services import sequences
from tickets.models import Order
from tickets.services.outbox import enqueue_refund_execution
from tickets.states import RefundStatus
order = Order.objects.filter(store__platform=%(platform)r, created_at__gt=%(since)r).exclude(total_amount=None)
order = order.exclude(total_amount__lte=Decimal("2")).order_by("pk").first()
customer = order.customer or factories.CustomerFactory(store=order.store)
with transaction.atomic():
    ticket = factories.TicketFactory(
        store=order.store, order=order, customer=customer, number=sequences.next_value("ticket")
    )
    refund = factories.RefundFactory(
        ticket=ticket, amount=Decimal("1.00") if order.currency not in ("JPY",) else Decimal("100"),
        currency=order.currency, status=RefundStatus.APPROVED,
    )
    action = enqueue_refund_execution(refund)
print(json.dumps({"refund": refund.pk, "key": str(refund.idempotency_key), "order": order.external_id}))
"""


def approved_refund_on_synced_order(stack, platform: str) -> dict:
    code = REFUND_CODE % {"platform": platform, "since": stack["since"].isoformat()}
    return shell_json(stack["env"], code)


@pytest.mark.parametrize("platform", ["shopify", "ebay"])
def test_an_execute_refund_action_reaches_the_sandbox_exactly_once(stack, platform):
    db, processes = stack["db"], stack["processes"]
    wait_until(lambda: new_rows(db, "tickets_order", stack["since"], platform), 120, f"a synced {platform} order")
    made = approved_refund_on_synced_order(stack, platform)
    # Shopify refunds at once; eBay answers PENDING, and the drain then polls it by lookup (60 s).
    # Either way the action carries the platform's reference once the call went through.
    action_key = f"refund:{made['key']}"
    state = wait_until(
        lambda: db.rows(
            "SELECT a.status, a.payload->>'reference', r.status, r.failure_reason FROM tickets_outboxaction a "
            "JOIN tickets_refund r ON r.id = (a.payload->>'refund_id')::int WHERE a.idempotency_key = %s "
            "AND (a.payload ? 'reference' OR a.status = 'dead')",
            [action_key],
        ),
        90,
        f"the {platform} refund executed by the worker's drain",
        processes,
    )
    action_status, reference, refund_status, failure = state[0]
    assert reference, failure
    if platform == "shopify":
        assert (action_status, refund_status) == ("done", "succeeded")
    else:
        assert (action_status, refund_status) in {("in_progress", "executing"), ("done", "succeeded")}
    tenant = stack["world"].tenant(platform, TENANTS[platform])
    if platform == "shopify":
        executed = [r for r in tenant.refunds if r["key"] == made["key"]]
    else:
        executed = [r for r in tenant.refunds if made["key"] in r["comment"]]
    assert len(executed) == 1, json.dumps(executed, default=str)
    assert [r["order"] if platform == "shopify" else r["orderId"] for r in executed] == [made["order"]]
    if platform == "shopify":
        attempts = db.value("SELECT attempts FROM tickets_outboxaction WHERE idempotency_key = %s", [action_key])
        assert attempts == 1
