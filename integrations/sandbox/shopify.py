"""The sandbox's Shopify: the Admin GraphQL endpoint (``/admin/api/2026-04/graphql.json``) answering
the operations our client sends, recognised by operation name (no GraphQL engine), in the shapes of
the fixtures; a cost-based leaky bucket per shop (100 points/s, 1,000 points) with Shopify's HTTP 200
``THROTTLED`` answer; idempotent ``refundCreate`` that refuses over-refunds; return decisions; and a
USD shop whose buyers pay in USD, EUR, JPY or KWD and write to its support address by email.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from . import phrases
from .core import Request, Response, World, support_address

NAME = "shopify"
API_PATH = "/admin/api/2026-04/graphql.json"
RESTORE_RATE = 100.0  # cost points per second (Shopify's standard plan)
MAXIMUM = 1000.0
ORDER_COST = 4  # requested cost per order of the orders query (its nested connections included)
MUTATION_COST = 10
SHOP_CURRENCY = "USD"
# Presentment currencies the shop sells in, with a rate from USD and the share of buyers.
CURRENCIES = (
    ("USD", Decimal(1), 0.55),
    ("EUR", Decimal("0.92"), 0.2),
    ("JPY", Decimal(150), 0.15),
    ("KWD", Decimal("0.307"), 0.1),
)
EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}
UNAUTHORIZED = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


def credentials(tenant: str) -> dict:
    return {"access_token": f"shpat_sandbox_{tenant}", "webhook_secret": f"whsec_sandbox_{tenant}"}


@dataclass
class ShopState:
    tenant: str
    token: str
    orders: dict[str, dict] = field(default_factory=dict)  # gid → compact order
    returns: dict[str, dict] = field(default_factory=dict)  # gid → return
    refunds: list[dict] = field(default_factory=list)  # every refund executed, with its key
    refund_by_key: dict[str, dict] = field(default_factory=dict)
    decisions: list[tuple[str, str]] = field(default_factory=list)  # (return gid, APPROVE|DECLINE)
    mails: int = 0
    seq: int = 0
    number: int = 1000
    _sorted: list[dict] | None = None

    def next_id(self) -> int:
        self.seq += 1
        return 5_000_000_000 + self.seq

    def touch(self, order: dict) -> None:
        order["updated"] = _now()
        self._sorted = None

    def by_updated(self) -> list[dict]:
        if self._sorted is None:
            self._sorted = sorted(self.orders.values(), key=lambda o: (o["updated"], o["n"]))
        return self._sorted


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(value: Decimal, currency: str) -> dict:
    return {"amount": str(value), "currencyCode": currency}


def _convert(usd: Decimal, currency: str, rate: Decimal) -> Decimal:
    return (usd * rate).quantize(Decimal(1).scaleb(-EXPONENT[currency]), rounding=ROUND_HALF_EVEN)


# --- the shop's life ----------------------------------------------------------------------------


def new_tenant(world: World, tenant: str) -> ShopState:
    state = ShopState(tenant=tenant, token=credentials(tenant)["access_token"])
    for index in range(6):
        order = _new_order(world, state)
        if index % 2 == 0:
            _ship(world, state, order)
    _request_return(world, state, next(o for o in state.orders.values() if o["fulfillment"]))
    return state


def _new_order(world: World, state: ShopState, *, created: datetime | None = None) -> dict:
    rng = world.rng
    roll, currency, rate = rng.random(), "USD", Decimal(1)
    for code, code_rate, share in CURRENCIES:
        if roll < share:
            currency, rate = code, code_rate
            break
        roll -= share
    lang = phrases.language(rng)
    lines = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        sku, title, price = phrases.product(rng, lang)
        usd = Decimal(price)
        lines.append((f"gid://shopify/LineItem/{state.next_id()}", sku, title, rng.choice((1, 1, 2)), usd))
    usd_total = sum((usd * qty for *_, qty, usd in lines), Decimal(0))
    state.number += 1
    number = state.next_id()
    name = phrases.buyer_name(rng, lang)
    moment = created or _now()
    order = {
        "id": f"gid://shopify/Order/{number}",
        "n": number,
        "name": f"#{state.number}",
        "created": moment,
        "updated": moment,
        "currency": currency,
        "rate": rate,
        "lines": lines,
        "total": sum((_convert(usd, currency, rate) * qty for *_, qty, usd in lines), Decimal(0)),
        "shop_total": usd_total,
        "lang": lang,
        "buyer": name,
        "email": f"buyer{number}@example.{lang}.test",
        "customer": f"gid://shopify/Customer/{number + 7}",
        "txn": f"gid://shopify/OrderTransaction/{number + 3}",
        "fulfillment": None,
        "refunds": [],
        "returns": [],
        "cancelled": None,
    }
    state.orders[order["id"]] = order
    state._sorted = None
    return order


def _ship(world: World, state: ShopState, order: dict) -> None:
    order["fulfillment"] = {
        "id": f"gid://shopify/Fulfillment/{state.next_id()}",
        "created": _now(),
        "company": world.rng.choice(("UPS", "DHL Express", "Japan Post", "Aramex")),
        "number": f"1Z{world.rng.randrange(10**15, 10**16)}",
        "delivered": world.rng.random() < 0.4,
    }
    state.touch(order)


def _request_return(world: World, state: ShopState, order: dict) -> dict:
    gid = f"gid://shopify/Return/{state.next_id()}"
    line = world.rng.choice(order["lines"])
    reason = world.rng.choice(("SIZE_TOO_SMALL", "DEFECTIVE", "NOT_AS_DESCRIBED", "UNWANTED", "WRONG_ITEM"))
    ret = {
        "id": gid,
        "name": f"{order['name']}-R{len(order['returns']) + 1}",
        "order": order["id"],
        "status": "REQUESTED",
        "created": _now(),
        "approved": None,
        "decline": None,
        "line": (f"gid://shopify/ReturnLineItem/{state.next_id()}", line[0], line[1], 1, reason),
    }
    state.returns[gid] = ret
    order["returns"].append(gid)
    state.touch(order)
    return ret


def _buyer_mail(world: World, state: ShopState, order: dict) -> None:
    lang, subject, body = phrases.buyer_message(world.rng, order_number=order["name"], lang=order["lang"])
    message = EmailMessage()
    message["From"] = f"{order['buyer']} <{order['email']}>"
    message["To"] = support_address(NAME, state.tenant)
    message["Subject"] = subject
    message["Date"] = format_datetime(_now())
    message["Message-ID"] = make_msgid(domain=f"example.{lang}.test")
    message["Content-Language"] = lang
    message.set_content(body)
    world.deliver_mail(support_address(NAME, state.tenant), message.as_bytes())
    state.mails += 1


def generate(world: World, state: ShopState, hours: float) -> None:
    for _ in range(world.events(world.rates.orders, hours)):
        _new_order(world, state)
    unshipped = [o for o in state.orders.values() if not o["fulfillment"] and not o["cancelled"]]
    for _ in range(min(len(unshipped), world.events(world.rates.orders * 0.6, hours))):
        _ship(world, state, unshipped.pop(world.rng.randrange(len(unshipped))))
    shipped = [o for o in state.orders.values() if o["fulfillment"] and not o["returns"]]
    for _ in range(min(len(shipped), world.events(world.rates.returns, hours))):
        _request_return(world, state, shipped.pop(world.rng.randrange(len(shipped))))
    orders = list(state.orders.values())
    for _ in range(world.events(world.rates.messages, hours) if orders else 0):
        _buyer_mail(world, state, world.rng.choice(orders))


def seed(world: World, state: ShopState, *, orders: int, messages: int) -> None:
    start = _now() - timedelta(days=25)
    step = timedelta(days=24) / max(1, orders)
    for index in range(orders):
        _new_order(world, state, created=start + step * index)
    all_orders = list(state.orders.values())
    for _ in range(messages if all_orders else 0):
        _buyer_mail(world, state, world.rng.choice(all_orders))


# --- the API ------------------------------------------------------------------------------------


def _cost(world: World, state: ShopState, requested: float, actual: float) -> tuple[float, dict]:
    """Take ``requested`` from the shop's bucket; give back what the query did not use, as
    Shopify does. Returns (scenario seconds to wait or 0, the ``extensions.cost`` block)."""
    wait = world.limit(NAME, state.tenant, "graphql", rate=RESTORE_RATE, burst=MAXIMUM, cost=requested)
    bucket = world.buckets[(NAME, state.tenant, "graphql")]
    if not wait:
        with world.lock:
            bucket.tokens = min(bucket.burst, bucket.tokens + max(0.0, requested - actual))
    block = {
        "requestedQueryCost": int(requested),
        "actualQueryCost": None if wait else int(actual),
        "throttleStatus": {
            "maximumAvailable": float(bucket.burst),
            "currentlyAvailable": int(bucket.available()),
            # In real seconds: the bucket refills in scenario time, which runs ``speed`` times faster.
            "restoreRate": float(bucket.rate * world.clock.speed),
        },
    }
    return wait, block


def handle(world: World, state: ShopState, request: Request) -> Response:
    if request.path != API_PATH:
        return Response(404, {"errors": "Not Found"})
    if request.header("X-Shopify-Access-Token") != state.token:
        world.count(NAME, "graphql", "unauthorized")
        return Response(401, UNAUTHORIZED)
    if request.method != "POST":
        return Response(405, {"errors": "Method Not Allowed"})
    try:
        body = request.json()
        operation = body.get("operationName") or ""
        variables = body.get("variables") or {}
    except (ValueError, AttributeError):
        return Response(400, {"errors": [{"message": "Invalid JSON in request body"}]})
    handler = OPERATIONS.get(operation)
    if handler is None:
        return Response(200, {"errors": [{"message": f"sandbox: unknown operation {operation!r}"}]})
    requested, actual, answer = handler(world, state, variables, dry=True)
    if requested > MAXIMUM * world.limit_scale:
        return Response(
            200,
            {
                "errors": [
                    {
                        "message": f"Query cost is {requested}, which exceeds the single query max cost limit ({MAXIMUM * world.limit_scale}).",
                        "extensions": {"code": "MAX_COST_EXCEEDED"},
                    }
                ]
            },
        )
    wait, block = _cost(world, state, requested, actual)
    if wait:
        return Response(
            200,
            {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": {"cost": block},
            },
        )
    with world.lock:
        _, _, answer = handler(world, state, variables, dry=False)
    answer["extensions"] = {"cost": block}
    return Response(200, answer)


# Each operation: (world, state, variables, dry) → (requested cost, actual cost, answer). With
# ``dry`` it only prices the query (a throttled mutation must change nothing).


def _orders(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
    first = int(variables.get("first") or 50)
    if not 1 <= first <= 250:
        return 0, 0, {"errors": [{"message": "first must be between 1 and 250"}]}
    requested = 2 + first * ORDER_COST
    if dry:
        return requested, requested, {}
    match = re.search(r"updated_at:>'([^']+)'", variables.get("query") or "")
    since = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")) if match else None
    after = _decode_cursor(variables.get("after"))
    chosen = []
    for order in state.by_updated():
        if since and order["updated"] <= since:
            continue
        if after and (order["updated"], order["n"]) <= after:
            continue
        chosen.append(order)
        if len(chosen) > first:
            break
    page, more = chosen[:first], len(chosen) > first
    edges = [{"cursor": _cursor(o), "node": _order_node(state, o)} for o in page]
    answer = {
        "data": {
            "orders": {
                "edges": edges,
                "pageInfo": {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None},
            }
        }
    }
    return requested, 2 + len(page) * 2, answer


def _cursor(order: dict) -> str:
    raw = json.dumps({"last_id": order["n"], "last_value": order["updated"].isoformat()})
    return base64.b64encode(raw.encode()).decode()


def _decode_cursor(value: Any) -> tuple[datetime, int] | None:
    if not value:
        return None
    data = json.loads(base64.b64decode(value))
    return datetime.fromisoformat(data["last_value"]), int(data["last_id"])


def _bag(order: dict, usd: Decimal, presentment: Decimal | None = None) -> dict:
    if presentment is None:
        presentment = _convert(usd, order["currency"], order["rate"])
    return {"shopMoney": _money(usd, SHOP_CURRENCY), "presentmentMoney": _money(presentment, order["currency"])}


def _order_node(state: ShopState, order: dict) -> dict:
    refunded = [r for r in state.refunds if r["order"] == order["id"]]
    refunded_total = sum((r["amount"] for r in refunded), Decimal(0))
    financial = "PAID" if not refunded else ("REFUNDED" if refunded_total >= order["total"] else "PARTIALLY_REFUNDED")
    fulfillment = order["fulfillment"]
    return {
        "id": order["id"],
        "name": order["name"],
        "createdAt": _iso(order["created"]),
        "updatedAt": order["updated"].isoformat().replace("+00:00", "Z"),
        "processedAt": _iso(order["created"]),
        "cancelledAt": _iso(order["cancelled"]) if order["cancelled"] else None,
        "displayFinancialStatus": financial,
        "displayFulfillmentStatus": "FULFILLED" if fulfillment else "UNFULFILLED",
        "currencyCode": SHOP_CURRENCY,
        "presentmentCurrencyCode": order["currency"],
        "email": order["email"],
        "customerLocale": order["lang"],
        "totalPriceSet": _bag(order, order["shop_total"], order["total"]),
        "totalReceivedSet": _bag(order, order["shop_total"], order["total"]),
        "customer": {"id": order["customer"], "displayName": order["buyer"], "email": order["email"]},
        "shippingAddress": {"countryCodeV2": {"de": "DE", "fr": "FR", "ja": "JP", "zh": "CN"}.get(order["lang"], "US")},
        "lineItems": {
            "edges": [
                {
                    "node": {
                        "id": gid,
                        "name": title,
                        "title": title,
                        "variantTitle": None,
                        "sku": sku,
                        "quantity": qty,
                        "originalUnitPriceSet": _bag(order, usd),
                        "product": {"id": f"gid://shopify/Product/{abs(hash(sku)) % 10**10}", "productType": ""},
                    }
                }
                for gid, sku, title, qty, usd in order["lines"]
            ]
        },
        "fulfillments": [
            {
                "id": fulfillment["id"],
                "status": "SUCCESS",
                "displayStatus": "DELIVERED" if fulfillment["delivered"] else "IN_TRANSIT",
                "createdAt": _iso(fulfillment["created"]),
                "deliveredAt": _iso(fulfillment["created"]) if fulfillment["delivered"] else None,
                "trackingInfo": [{"company": fulfillment["company"], "number": fulfillment["number"], "url": None}],
            }
        ]
        if fulfillment
        else [],
        "refunds": [_refund_node(order, r) for r in refunded],
        "returns": {"nodes": [_return_node(state.returns[gid]) for gid in order["returns"]]},
    }


def _refund_node(order: dict, refund: dict) -> dict:
    shop = (refund["amount"] / order["rate"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return {
        "id": refund["id"],
        "createdAt": _iso(refund["created"]),
        "updatedAt": _iso(refund["created"]),
        "note": refund["note"],
        "totalRefundedSet": _bag(order, shop, refund["amount"]),
    }


def _return_node(ret: dict) -> dict:
    item_id, line_id, sku, qty, reason = ret["line"]
    return {
        "id": ret["id"],
        "name": ret["name"],
        "status": ret["status"],
        "createdAt": _iso(ret["created"]),
        "requestApprovedAt": _iso(ret["approved"]) if ret["approved"] else None,
        "closedAt": None,
        "decline": ret["decline"],
        "returnLineItems": {
            "nodes": [
                {
                    "id": item_id,
                    "quantity": qty,
                    "returnReason": reason,
                    "returnReasonNote": "",
                    "customerNote": None,
                    "returnReasonDefinition": {"handle": reason.lower().replace("_", "-"), "name": reason.title()},
                    "fulfillmentLineItem": {"lineItem": {"id": line_id, "sku": sku}},
                }
            ]
        },
    }


def _order_for_refund(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
    if dry:
        return 3, 3, {}
    order = state.orders.get(variables.get("id"))
    if not order:
        return 3, 1, {"data": {"order": None}}
    return (
        3,
        3,
        {
            "data": {
                "order": {
                    "id": order["id"],
                    "name": order["name"],
                    "presentmentCurrencyCode": order["currency"],
                    "transactions": [
                        {
                            "id": order["txn"],
                            "kind": "SALE",
                            "status": "SUCCESS",
                            "gateway": "shopify_payments",
                            "amountSet": _bag(order, order["shop_total"], order["total"]),
                        }
                    ],
                }
            }
        },
    )


def _order_refunds(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
    if dry:
        return 3, 3, {}
    order = state.orders.get(variables.get("id"))
    if not order:
        return 3, 1, {"data": {"order": None}}
    refunds = [_refund_node(order, r) for r in state.refunds if r["order"] == order["id"]]
    return 3, 3, {"data": {"order": {"id": order["id"], "refunds": refunds}}}


def _user_error(root: str, message: str, field_path: list[str], code: str | None = None) -> dict:
    error = {"field": field_path, "message": message}
    if code:
        error["code"] = code
    return {"data": {root: {"refund" if root == "refundCreate" else "return": None, "userErrors": [error]}}}


def _refund_create(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
    if dry:
        return MUTATION_COST, MUTATION_COST, {}
    key = variables.get("key") or ""
    data = variables.get("input") or {}
    if key and key in state.refund_by_key:
        # @idempotent: the same key answers the refund it made, and refunds nothing again.
        refund = state.refund_by_key[key]
        node = _refund_node(state.orders[refund["order"]], refund)
        return MUTATION_COST, MUTATION_COST, {"data": {"refundCreate": {"refund": node, "userErrors": []}}}
    if not key:
        return (
            MUTATION_COST,
            1,
            {
                "errors": [
                    {
                        "message": "refundCreate requires the @idempotent directive",
                        "extensions": {"code": "BAD_REQUEST"},
                    }
                ]
            },
        )
    if data.get("allowOverRefunding"):
        return (
            MUTATION_COST,
            1,
            _user_error("refundCreate", "Over-refunding is not allowed in this sandbox", ["allowOverRefunding"]),
        )
    order = state.orders.get(data.get("orderId"))
    if not order:
        return MUTATION_COST, 1, _user_error("refundCreate", "Order does not exist", ["orderId"])
    transactions = data.get("transactions") or []
    if not transactions:
        return MUTATION_COST, 1, _user_error("refundCreate", "A refund transaction is required", ["transactions"])
    if data.get("currency") and data["currency"] != order["currency"]:
        return MUTATION_COST, 1, _user_error("refundCreate", f"Currency must be {order['currency']}", ["currency"])
    if transactions[0].get("parentId") != order["txn"]:
        return (
            MUTATION_COST,
            1,
            _user_error("refundCreate", "Parent transaction not found", ["transactions", "0", "parentId"]),
        )
    try:
        value = Decimal(str(transactions[0]["amount"]))
    except Exception:
        return MUTATION_COST, 1, _user_error("refundCreate", "Amount is invalid", ["transactions", "0", "amount"])
    refunded = sum((r["amount"] for r in state.refunds if r["order"] == order["id"]), Decimal(0))
    refundable = order["total"] - refunded
    if value <= 0 or value > refundable:
        return (
            MUTATION_COST,
            1,
            _user_error(
                "refundCreate",
                f"Refund amount exceeds the refundable amount of {refundable}",
                ["transactions", "0", "amount"],
            ),
        )
    refund = {
        "id": f"gid://shopify/Refund/{state.next_id()}",
        "order": order["id"],
        "key": key,
        "amount": value,
        "currency": order["currency"],
        "note": data.get("note") or "",
        "created": _now(),
    }
    state.refunds.append(refund)
    state.refund_by_key[key] = refund
    state.touch(order)
    node = _refund_node(order, refund)
    return MUTATION_COST, MUTATION_COST, {"data": {"refundCreate": {"refund": node, "userErrors": []}}}


def _return_decision(decision: str):
    root = "returnApproveRequest" if decision == "APPROVE" else "returnDeclineRequest"

    def operation(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
        if dry:
            return MUTATION_COST, MUTATION_COST, {}
        data = variables.get("input") or {}
        ret = state.returns.get(data.get("id"))
        if not ret:
            return MUTATION_COST, 1, _user_error(root, "Return does not exist", ["input", "id"], "NOT_FOUND")
        if ret["status"] != "REQUESTED":
            verb = "approvable" if decision == "APPROVE" else "declinable"
            message = f"Return is not {verb}. Only returns with status REQUESTED can be {verb[:-4]}ed."
            return MUTATION_COST, 1, _user_error(root, message, ["input", "id"], "INVALID_STATE")
        if decision == "APPROVE":
            ret["status"], ret["approved"] = "OPEN", _now()
        else:
            reason = data.get("declineReason")
            if reason not in {"RETURN_PERIOD_ENDED", "FINAL_SALE", "OTHER"}:
                return (
                    MUTATION_COST,
                    1,
                    _user_error(root, "Decline reason is invalid", ["input", "declineReason"], "INVALID"),
                )
            ret["status"], ret["decline"] = "DECLINED", {"reason": reason, "note": data.get("declineNote")}
        state.decisions.append((ret["id"], decision))
        state.touch(state.orders[ret["order"]])
        node = {"id": ret["id"], "name": ret["name"], "status": ret["status"], "decline": ret["decline"]}
        return MUTATION_COST, MUTATION_COST, {"data": {root: {"return": node, "userErrors": []}}}

    return operation


def _return_status(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
    if dry:
        return 2, 2, {}
    ret = state.returns.get(variables.get("id"))
    node = {"id": ret["id"], "name": ret["name"], "status": ret["status"], "decline": ret["decline"]} if ret else None
    return 2, 2, {"data": {"return": node}}


def _shop(world: World, state: ShopState, variables: dict, *, dry: bool) -> tuple[float, float, dict]:
    answer = {
        "data": {
            "shop": {
                "name": f"Sandbox {state.tenant}",
                "myshopifyDomain": f"{state.tenant}.myshopify.com",
                "currencyCode": SHOP_CURRENCY,
            }
        }
    }
    return 1, 1, answer


OPERATIONS = {
    "OrdersSince": _orders,
    "OrderForRefund": _order_for_refund,
    "OrderRefunds": _order_refunds,
    "RefundCreate": _refund_create,
    "ReturnApproveRequest": _return_decision("APPROVE"),
    "ReturnDeclineRequest": _return_decision("DECLINE"),
    "ReturnStatus": _return_status,
    "Shop": _shop,
}
