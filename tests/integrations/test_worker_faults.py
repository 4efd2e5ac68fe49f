"""Fault tests with real processes on PostgreSQL + Redis: a Celery worker is killed with SIGKILL
(its whole process group: main process and pool children) in the middle of a sync, with a page's
transaction open, and in the middle of an outbox refund call that the platform has already carried
out; a new worker then finishes the job. Nothing is missing, nothing is duplicated, the cursor never
went backwards nor skipped a record, and no refund reaches the platform twice (Shopify, which
honours an idempotency key, and eBay, where only the drain's lookup before a resend protects).
The refund takes the real path: requested above the agent's limit, approved by a supervisor."""

from __future__ import annotations

import threading
import time

import pytest

from integrations.sandbox.core import Rates, World
from integrations.sandbox.server import Sandbox

from .processes import Database, Processes, manage, process_env, shell_json, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.processes]

SPEED = 60  # limits refill 60× faster; the connections' quota_scale says the same
REDIS_DB = 8
SEEDED = 3000
QUIET = Rates(orders=0, messages=0, returns=0, disputes=0)
# A killed task is redelivered after the visibility timeout; beat also sends a due stream again
# once the dead worker's advisory lock is gone (at once: PostgreSQL ends its session).
VISIBILITY = 20
TIME_LIMIT = 10  # a drain's claim is given up after the task's hard limit + 5 s (outbox.lease)
POLL = 2  # an eBay refund PENDING is asked about again after this many seconds

CONNECT = """
import json
from integrations.models import StoreConnection
from integrations.sandbox import modules
from tests import factories
out = {}
for platform, tenant, currency, extra in %(specs)r:
    store = factories.StoreFactory(platform=platform, name=tenant, currency=currency, marketplace=tenant)
    StoreConnection.objects.create(
        store=store, base_url=%(base)r + f"/{platform}/{tenant}",
        credentials={**modules.ALL[platform].credentials(tenant), **extra},
        quota_scale=%(speed)d, sync_interval_seconds=10, enabled=%(enabled)r,
    )
    out[tenant] = store.pk
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("faults")
    world = World(speed=SPEED, seed=5, rates=QUIET)
    sandbox = Sandbox(world).start()
    extra = {
        "AFTERSALES_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "AFTERSALES_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "AFTERSALES_OUTBOX_POLL_SECONDS": str(POLL),
    }
    with process_env(tmp_path, REDIS_DB, **extra) as env:
        manage(env, "migrate", "--no-input", "-v0")
        db = Database(env["DATABASE_URL"])
        processes = Processes(env, tmp_path)
        try:
            yield {"env": env, "db": db, "world": world, "sandbox": sandbox, "processes": processes}
        finally:
            processes.stop_all()
            db.close()
            sandbox.stop()


def connect(stack, specs: list[tuple], *, enabled: bool = True) -> dict[str, int]:
    code = CONNECT % {"specs": specs, "base": stack["sandbox"].base_url, "speed": SPEED, "enabled": enabled}
    return shell_json(stack["env"], code)


def blocked_inside_a_page(db: Database) -> bool:
    """Is a session of this database inside a transaction that has written rows, waiting on a lock?"""
    return bool(
        db.value(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND wait_event_type = 'Lock'"
        )
    )


def hold_cursor_at_page(stack, store_id: int, page: int) -> threading.Event:
    """When the worker asks Shopify for order page ``page``, lock the store's cursor row from another
    session before answering: the page the worker commits next writes its orders and raw answers,
    then waits on the row, its transaction open. Set on the returned event once the lock is held."""
    import psycopg2

    sandbox, env = stack["sandbox"], stack["env"]
    module = sandbox.world.modules["shopify"]
    holder = psycopg2.connect(env["DATABASE_URL"])
    held = threading.Event()
    served = {"pages": 0}

    class Gate:
        def __getattr__(self, name):
            return getattr(module, name)

        def handle(self, world, state, request):
            body = request.json() if request.body else {}
            if isinstance(body, dict) and body.get("operationName") == "OrdersSince":
                served["pages"] += 1
                if served["pages"] == page:
                    with holder.cursor() as sql:  # a transaction stays open until ``release``
                        sql.execute("SELECT 1 FROM integrations_synccursor WHERE store_id = %s FOR UPDATE", [store_id])
                    held.set()
            return module.handle(world, state, request)

    def release():
        holder.rollback()
        holder.close()
        sandbox.world.modules = {**sandbox.world.modules, "shopify": module}

    held.release = release  # type: ignore[attr-defined]
    sandbox.world.modules = {**sandbox.world.modules, "shopify": Gate()}
    return held


def test_a_worker_killed_mid_sync_leaves_nothing_missing_or_duplicated(stack):
    world, db, processes = stack["world"], stack["db"], stack["processes"]
    world.tenant("shopify", "bulk")
    world.modules["shopify"].seed(world, world.tenant("shopify", "bulk"), orders=SEEDED, messages=0)
    expected = set(world.tenant("shopify", "bulk").orders)
    store_id = connect(stack, [("shopify", "bulk", "USD", {"page_size": 50})])["bulk"]
    cursor_sql = "SELECT records_total, high_water_mark FROM integrations_synccursor WHERE store_id = %s"
    marks: list = []

    def sample():
        row = db.rows(cursor_sql, [store_id])
        if row and row[0][1] is not None:
            marks.append(row[0][1])
        return row[0] if row else None

    # Page 10 of 60: pages up to the 8th have committed (the next page is fetched while one commits).
    held = hold_cursor_at_page(stack, store_id, page=10)
    processes.worker("first")
    processes.beat()
    try:
        wait_until(held.is_set, 120, "the first worker asking for the tenth page", processes)
        # Kill inside a page's transaction, with rows written: it waits on the held cursor row.
        wait_until(lambda: blocked_inside_a_page(db), 60, "the first worker inside a page's transaction", processes)
        committed = sample()[0]
        assert 300 <= committed <= SEEDED - 600
        processes.kill("first")
    finally:
        held.release()
    assert sample()[0] == committed  # the killed page's rows went with its transaction
    processes.worker("second")

    def all_there():
        sample()
        count = db.value("SELECT count(*) FROM tickets_order WHERE store_id = %s", [store_id])
        return count >= len(expected)

    wait_until(all_there, 120, "the second worker finishing the backfill", processes)
    ours = {row[0] for row in db.rows("SELECT external_id FROM tickets_order WHERE store_id = %s", [store_id])}
    assert ours == expected  # nothing missing, nothing extra: the cursor skipped no record
    assert (
        db.rows(
            "SELECT external_id FROM tickets_order WHERE store_id = %s GROUP BY external_id HAVING count(*) > 1",
            [store_id],
        )
        == []
    )
    assert (
        db.rows(
            "SELECT stream, external_id, sha256 FROM integrations_rawpayload WHERE store_id = %s "
            "GROUP BY stream, external_id, sha256 HAVING count(*) > 1",
            [store_id],
        )
        == []
    )
    assert marks == sorted(marks)  # the high-water mark never went backwards
    assert (
        db.value("SELECT count(*) FROM integrations_rawpayload WHERE store_id = %s AND status = 'failed'", [store_id])
        == 0
    )


# The real path: an agent whose limit is 0 asks (request_refund), a supervisor approves
# (approve_refund), which queues the execute_refund action and wakes the drain after the commit.
REFUND_CODE = """
import json
from integrations.sync import sync_stream
from tests import factories
from tickets.models import Order, OutboxAction
from tickets.services import sequences
from tickets.services.refund_decisions import approve_refund
from tickets.services.refunds import request_refund
from tickets.states import RefundStatus
assert sync_stream(%(store)d, "orders").status == "ok"
order = Order.objects.filter(store_id=%(store)d).exclude(total_amount=None).order_by("-total_amount").first()
customer = order.customer or factories.CustomerFactory(store=order.store)
ticket = factories.TicketFactory(
    store=order.store, order=order, customer=customer, number=sequences.next_value("ticket"), status="open"
)
agent = factories.user_with_role(f"agent{order.store_id}", factories.AGENT, stores=[order.store], approval_limit="0")
boss = factories.user_with_role(f"boss{order.store_id}", factories.SUPERVISOR, stores=[order.store])
refund = request_refund(
    ticket, actor=agent, kind="partial", method="original_payment", reason="Arrived damaged",
    amount="100" if order.currency == "JPY" else "1.00", currency=order.currency,
)
assert refund.status == RefundStatus.PENDING_APPROVAL and refund.approval_reasons, refund.status
assert not OutboxAction.objects.filter(payload__refund_id=refund.pk).exists()
refund = approve_refund(refund, actor=boss, note="fault test")
assert refund.status == RefundStatus.APPROVED and refund.approved_by_id == boss.pk, refund.status
print(json.dumps({"refund": refund.pk, "key": str(refund.idempotency_key), "order": order.external_id}))
"""

WAKE = "from tickets.services.outbox import wake_drain; wake_drain(); print('{}')"


def slow_refunds(sandbox: Sandbox, platform: str, is_refund) -> threading.Event:
    """The platform carries the refund out, then takes 3 s to answer: the kill lands in between."""
    module = sandbox.world.modules[platform]
    arrived = threading.Event()

    class Slow:
        def __getattr__(self, name):
            return getattr(module, name)

        def handle(self, world, state, request):
            response = module.handle(world, state, request)
            if is_refund(request):
                arrived.set()
                time.sleep(3)
            return response

    sandbox.world.modules = {**sandbox.world.modules, platform: Slow()}
    return arrived


def refunds_on_platform(world: World, platform: str, tenant: str, made: dict) -> list:
    state = world.tenant(platform, tenant)
    if platform == "shopify":
        return [r for r in state.refunds if r["order"] == made["order"]]
    return [r for r in state.refunds if r["orderId"] == made["order"]]


def keys_on_platform(world: World, platform: str, tenant: str, made: dict) -> list[str]:
    """The idempotency key each refund of the order reached the platform with: Shopify keeps the
    @idempotent key; eBay has none, so ours leads the refund's comment."""
    refunds = refunds_on_platform(world, platform, tenant, made)
    if platform == "shopify":
        return [r["key"] for r in refunds]
    return [r["comment"].split(" ")[0] for r in refunds]


def wake_when_lease_is_over(stack, action_key: str) -> None:
    """The dead worker's claim runs out after the task's hard time limit (it cannot be working on it
    any more); then the drain is woken, as a later commit or beat's drain would."""
    db = stack["db"]
    row = db.rows(
        "SELECT status, attempts, next_attempt_at, now(), last_error, payload FROM tickets_outboxaction"
        " WHERE idempotency_key = %s",
        [action_key],
    )
    wait_until(
        lambda: db.value(
            "SELECT 1 FROM tickets_outboxaction WHERE idempotency_key = %s AND next_attempt_at <= now()",
            [action_key],
        ),
        TIME_LIMIT + 30,
        f"the dead worker's lease to run out (the action was {row})",
        stack["processes"],
    )
    shell_json(stack["env"], WAKE)


@pytest.mark.parametrize(
    ("platform", "tenant", "currency", "is_refund"),
    [
        ("shopify", "slowshop", "USD", lambda request: b"refundCreate" in (request.body or b"")),
        ("ebay", "slowbay", "EUR", lambda request: request.path.endswith("/issue_refund")),
    ],
)
def test_a_worker_killed_during_a_refund_call_never_refunds_twice(stack, platform, tenant, currency, is_refund):
    world, db, processes = stack["world"], stack["db"], stack["processes"]
    for name in list(processes.running):
        processes.stop(name)  # no beat: the drain runs when woken, and the syncs of the other test stop
    world.tenant(platform, tenant)  # its first orders exist before our first pull
    store_id = connect(stack, [(platform, tenant, currency, {})])[tenant]
    arrived = slow_refunds(stack["sandbox"], platform, is_refund)
    processes.worker("drainer")
    made = shell_json(stack["env"], REFUND_CODE % {"store": store_id})
    action_key = f"refund:{made['key']}"
    assert arrived.wait(60), processes.tails()
    processes.kill("drainer")
    assert keys_on_platform(world, platform, tenant, made) == [made["key"]]
    # Killed after the platform call, before its answer was recorded: still executing here.
    assert db.value("SELECT status FROM tickets_refund WHERE id = %s", [made["refund"]]) == "executing"
    assert db.value("SELECT status FROM tickets_outboxaction WHERE idempotency_key = %s", [action_key]) == "in_progress"

    processes.worker("after")
    wake_when_lease_is_over(stack, action_key)
    if platform == "ebay":
        # eBay answers PENDING; the drain found the refund by lookup (it never sent it again) and
        # polls it until eBay says REFUNDED, which may already have happened.
        wait_until(
            lambda: db.value(
                "SELECT status = 'done' OR (payload ? 'reference' AND attempts >= 2) FROM tickets_outboxaction"
                " WHERE idempotency_key = %s",
                [action_key],
            ),
            60,
            "the eBay refund found by lookup after the restart",
            processes,
        )
        if db.value("SELECT status FROM tickets_outboxaction WHERE idempotency_key = %s", [action_key]) != "done":
            world.clock.advance(600)  # eBay settles the refund; the drain's next poll sees it
            wake_when_lease_is_over(stack, action_key)
    status = wait_until(
        lambda: db.value(
            "SELECT status FROM tickets_refund WHERE id = %s AND status IN ('succeeded', 'failed')", [made["refund"]]
        ),
        60,
        f"the {platform} refund settled by the new worker",
        processes,
    )
    failure = db.value("SELECT failure_reason FROM tickets_refund WHERE id = %s", [made["refund"]])
    assert status == "succeeded", failure
    assert keys_on_platform(world, platform, tenant, made) == [made["key"]]  # once, with our key
    assert db.value("SELECT status FROM tickets_outboxaction WHERE idempotency_key = %s", [action_key]) == "done"
