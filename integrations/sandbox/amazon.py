"""The sandbox's Amazon SP-API: LWA tokens, Orders 2026-01-01 searchOrders/getOrder and v0
getOrders/getOrderItems, Reports (returns reports as gzip TSV with a charset), Feeds (payment
adjustments, deduplicated by MerchantAdjustmentID, processed IN_QUEUE → IN_PROGRESS → DONE),
Finances refund events, the sellers' marketplace participations, and buyers writing through
Amazon's email relay. Every operation has Amazon's real usage plan; a throttled call gets a 429
with only ``x-amzn-RequestId`` and the QuotaExceeded body.
"""

from __future__ import annotations

import base64
import gzip
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from defusedxml import ElementTree as SafeET

from . import phrases
from .core import Request, Response, World, support_address

NAME = "amazon"

# operation → (rate per second, burst): Amazon's default usage plans.
LIMITS = {
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    "getOrders": (0.0167, 20),
    "getOrderItems": (0.5, 30),
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReportDocument": (0.0167, 15),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "getFeedDocument": (0.0222, 10),
    "listFinancialEvents": (0.5, 30),
    "getMarketplaceParticipations": (0.016, 15),
    "createRestrictedDataToken": (1.0, 10),
}
QUOTA_EXCEEDED = {
    "errors": [
        {"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource.", "details": ""}
    ]
}
UNAUTHORIZED = {
    "errors": [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "The access token you provided is revoked, malformed or invalid.",
        }
    ]
}
MARKETS = {  # tenant name hint → (marketplace id, name, currency, relay domain, report charset)
    "jp": ("A1VC38T7YXB528", "Amazon.co.jp", "JPY", "marketplace.amazon.co.jp", "UTF-8"),
    "de": ("A1PA6795UKMFR9", "Amazon.de", "EUR", "marketplace.amazon.de", "ISO-8859-1"),
    "uk": ("A1F83G8C2ARO7P", "Amazon.co.uk", "GBP", "marketplace.amazon.co.uk", "ISO-8859-1"),
    "us": ("ATVPDKIKX0DER", "Amazon.com", "USD", "marketplace.amazon.com", "UTF-8"),
}
FLAT_HEADER = (
    "Order ID\tOrder date\tReturn request date\tReturn request status\tAmazon RMA ID\tMerchant RMA ID\tLabel type\t"
    "Label cost\tCurrency code\tReturn carrier\tTracking ID\tLabel to be paid by\tA-to-Z Claim\tIs prime\tASIN\t"
    "Merchant SKU\tItem Name\tReturn quantity\tReturn Reason\tIn policy\tReturn type\tResolution\tInvoice number\t"
    "Return delivery date\tOrder Amount\tOrder quantity\tSafeT Action reason\tSafeT claim id\tSafeT claim state\t"
    "SafeT claim creation time\tSafeT claim reimbursement amount\tRefunded Amount"
)
FBA_HEADER = (
    "return-date\torder-id\tsku\tasin\tfnsku\tproduct-name\tquantity\tfulfillment-center-id\tdetailed-disposition\t"
    "reason\tstatus\tlicense-plate-number\tcustomer-comments"
)
RETURN_CODES = ["AMZ-PG-APP-TOO-SMALL", "DEFECTIVE", "NOT_AS_DESCRIBED", "UNWANTED_ITEM", "DAMAGED_BY_CARRIER"]
COMMENTS = {  # FBA customer comments, in the marketplace's language
    "EUR": ["Größe passt nicht, fällt klein aus", "Défectueux à l'arrivée"],
    "JPY": ["サイズが小さすぎました", "片方の音が出ません"],
    "USD": ["Runs small, ordered M fits like XS", "Left side has no sound"],
    "GBP": ["Arrived damaged", "Not as pictured"],
}
FEED_QUEUE_SECONDS, FEED_DONE_SECONDS = 1.0, 3.0  # scenario seconds to IN_PROGRESS, to DONE
REPORT_QUEUE_SECONDS, REPORT_DONE_SECONDS = 1.0, 3.0
DOCUMENT_LIFETIME = timedelta(minutes=5)


def credentials(tenant: str) -> dict:
    market = _market(tenant)
    return {
        "refresh_token": f"Atzr|sandbox-refresh-{tenant}",
        "client_id": f"amzn1.application-oa2-client.sandbox-{tenant}",
        "client_secret": f"sandbox-secret-{tenant}",
        "marketplace_ids": [market[0]],
        "orders_api": "2026-01-01",
        "fba": True,
        "merchant_id": f"A{tenant.upper()[:10]}SANDBOX",
    }


def _market(tenant: str) -> tuple[str, str, str, str, str]:
    for hint, market in MARKETS.items():
        if tenant.endswith(f"-{hint}") or tenant.endswith(f"_{hint}") or tenant == hint:
            return market
    return MARKETS["us"]


@dataclass
class Tenant:
    name: str
    marketplace_id: str
    marketplace_name: str
    currency: str
    relay_domain: str
    charset: str
    orders: dict[str, dict] = field(default_factory=dict)  # compact: id, created, updated, status, items …
    returns: list[dict] = field(default_factory=list)  # rows of the returns reports
    tokens: dict[str, datetime] = field(default_factory=dict)  # access token → expiry
    reports: dict[str, dict] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)  # id → {data, content_type, expires, compression}
    feeds: dict[str, dict] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    adjustments: dict[str, dict] = field(default_factory=dict)  # MerchantAdjustmentID → what it refunded
    refunds: list[dict] = field(default_factory=list)  # executed refunds, with their idempotency key
    refund_counts: Counter = field(default_factory=Counter)  # MerchantAdjustmentID → times executed
    finance_events: list[dict] = field(default_factory=list)
    mails: int = 0
    seq: int = 0

    def next_id(self) -> int:
        self.seq += 1
        return self.seq


def new_tenant(world: World, tenant: str) -> Tenant:
    market_id, market_name, currency, relay, charset = _market(tenant)
    state = Tenant(tenant, market_id, market_name, currency, relay, charset)
    now = world.clock.now()
    for index in range(5):  # a first sync finds something
        _new_order(world, state, now - timedelta(hours=3 + index))
    _new_order(world, state, now - timedelta(hours=2), status="PENDING")
    return state


# --- the scenario ----------------------------------------------------------------------------
def _order_number(world: World) -> str:
    rng = world.rng
    return f"{rng.randint(100, 999)}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}"


def _price(state: Tenant, text: str) -> str:
    # The phrases' prices are in a two-decimal currency; yen have no decimals.
    return str(int(Decimal(text) * 150)) if state.currency == "JPY" else text


def _new_order(world: World, state: Tenant, when: datetime, *, status: str | None = None) -> dict:
    rng = world.rng
    lang = "ja" if state.currency == "JPY" else rng.choice(["en", "de", "fr", "es", "it"])
    items = []
    for _ in range(rng.choice((1, 1, 2))):
        sku, title, price = phrases.product(rng, lang)
        items.append([str(rng.randint(10**13, 10**14 - 1)), sku, title, rng.choice((1, 1, 2)), _price(state, price)])
    order = {
        "id": _order_number(world),
        "created": when,
        "updated": when,
        "status": status or rng.choice(("UNSHIPPED", "UNSHIPPED", "SHIPPED")),
        "fba": rng.random() < 0.3,
        "items": items,
        "carrier": "",
        "tracking": "",
        "refunded": Decimal(0),
    }
    if order["status"] == "SHIPPED":
        order["carrier"], order["tracking"] = "DHL", f"JJD{rng.randint(10**11, 10**12 - 1)}"
    state.orders[order["id"]] = order
    return order


def _total(order: dict) -> Decimal | None:
    if order["status"] == "PENDING":
        return None
    return sum((Decimal(item[4]) * item[3] for item in order["items"]), Decimal(0))


def _new_return(world: World, state: Tenant, order: dict, when: datetime, *, a_to_z: bool = False) -> None:
    rng = world.rng
    item = rng.choice(order["items"])
    state.returns.append(
        {
            "order": order["id"],
            "order_date": order["created"],
            "date": when,
            "rma": f"D{uuid.UUID(int=rng.getrandbits(128)).hex[:9]}RRMA",
            "lpn": f"LPN{rng.randint(10**9, 10**10 - 1)}",
            "sku": item[1],
            "title": item[2],
            "quantity": 1,
            "code": rng.choice(RETURN_CODES),
            "a_to_z": a_to_z,
            "fba": order["fba"],
            "amount": item[4],
            "comment": COMMENTS.get(state.currency, COMMENTS["USD"])[rng.randrange(2)],
        }
    )


def _mail(world: World, state: Tenant, order: dict) -> None:
    rng = world.rng
    lang, subject, body = phrases.buyer_message(rng, order_number=order["id"])
    if order["id"] not in subject:  # the relay names the order in the subject
        subject = f"{subject} (Order: {order['id']})"
    message = EmailMessage()
    message["From"] = (
        f"{phrases.buyer_name(rng, lang)} <{uuid.UUID(int=rng.getrandbits(128)).hex[:16]}@{state.relay_domain}>"
    )
    message["To"] = support_address(NAME, state.name)
    message["Subject"] = subject
    message["Date"] = format_datetime(world.clock.now())
    message["Message-ID"] = make_msgid(domain=state.relay_domain)
    message.set_content(body)
    state.mails += 1
    world.deliver_mail(support_address(NAME, state.name), message.as_bytes())


def generate(world: World, state: Tenant, hours: float) -> None:
    now = world.clock.now()
    rates = world.rates
    for _ in range(world.events(rates.orders, hours)):
        _new_order(world, state, now)
    open_orders = [o for o in state.orders.values() if o["status"] == "UNSHIPPED"]
    for order in world.rng.sample(open_orders, min(len(open_orders), world.events(rates.orders / 2, hours))):
        order.update(
            status="SHIPPED", updated=now, carrier="DHL", tracking=f"JJD{world.rng.randint(10**11, 10**12 - 1)}"
        )
    shipped = [o for o in state.orders.values() if o["status"] == "SHIPPED"]
    if shipped:
        for _ in range(world.events(rates.returns, hours)):
            _new_return(world, state, world.rng.choice(shipped), now)
        for _ in range(world.events(rates.disputes, hours)):
            _new_return(world, state, world.rng.choice(shipped), now, a_to_z=True)
    orders = list(state.orders.values())
    if orders:
        for _ in range(world.events(rates.messages, hours)):
            _mail(world, state, world.rng.choice(orders))
    for feed in list(state.feeds.values()):
        _advance_feed(world, state, feed)


def seed(world: World, state: Tenant, *, orders: int, messages: int) -> None:
    """Bulk history: compact orders spread over the last 60 days, and buyer emails."""
    rng = world.rng
    now = world.clock.now()
    lang = "ja" if state.currency == "JPY" else "en"
    catalogue = [phrases.product(rng, lang) for _ in range(12)]
    for _ in range(orders):
        when = now - timedelta(seconds=rng.randint(180, 60 * 86400))
        sku, title, price = catalogue[rng.randrange(len(catalogue))]
        order_id = _order_number(world)
        state.orders[order_id] = {
            "id": order_id,
            "created": when,
            "updated": when,
            "status": "SHIPPED",
            "fba": False,
            "items": [[str(rng.randint(10**13, 10**14 - 1)), sku, title, 1, _price(state, price)]],
            "carrier": "DHL",
            "tracking": f"JJD{rng.randint(10**11, 10**12 - 1)}",
            "refunded": Decimal(0),
        }
    all_orders = list(state.orders.values())
    for _ in range(messages if all_orders else 0):
        _mail(world, state, rng.choice(all_orders))


# --- HTTP ------------------------------------------------------------------------------------
def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _answer(world: World, operation: str, status: int, body: Any, **kwargs: Any) -> Response:
    rate = LIMITS.get(operation, (1.0, 1))[0] * world.limit_scale * world.clock.speed
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if status in (200, 400, 404):
        headers["x-amzn-RateLimit-Limit"] = f"{rate:.4f}"
    return Response(status, body, headers=headers, **kwargs)


def _error(world: World, operation: str, status: int, code: str, message: str) -> Response:
    return _answer(world, operation, status, {"errors": [{"code": code, "message": message, "details": ""}]})


def _token(payload: dict) -> str:
    # Real tokens are long base64 with + / =: a client that forgets to URL-encode breaks here.
    return base64.b64encode(b"\xfb\xff\xfe" + json.dumps(payload).encode()).decode()


def _untoken(token: str) -> dict | None:
    try:
        return json.loads(base64.b64decode(token.encode(), validate=True)[3:])
    except (ValueError, TypeError):
        return None


def _base(request: Request, state: Tenant) -> str:
    return f"http://{request.header('host')}/{NAME}/{state.name}"


def handle(world: World, state: Tenant, request: Request) -> Response:
    path, method = request.path.rstrip("/") or "/", request.method
    if path == "/auth/o2/token" and method == "POST":
        return _lwa(world, state, request)
    if path.startswith("/_documents/"):
        return _download(world, state, path.rsplit("/", 1)[1], request)
    if path.startswith("/_uploads/") and method == "PUT":
        state.uploads[path.rsplit("/", 1)[1]] = request.body
        return Response(200, b"", content_type="text/plain")
    route = _route(method, path)
    if route is None:
        return Response(404, {"errors": [{"code": "NotFound", "message": f"no such path {path}", "details": ""}]})
    operation, handler, arg = route
    token = request.header("x-amz-access-token")
    expiry = state.tokens.get(token)
    if expiry is None or expiry < world.clock.now():
        world.count(NAME, operation, "unauthorized")
        return Response(403, UNAUTHORIZED, headers={"x-amzn-RequestId": str(uuid.uuid4())})
    rate, burst = LIMITS[operation]
    if world.limit(NAME, state.name, operation, rate=rate, burst=burst):
        return Response(429, QUOTA_EXCEEDED, headers={"x-amzn-RequestId": str(uuid.uuid4())})
    return handler(world, state, request, arg)


def _route(method: str, path: str):
    parts = path.strip("/").split("/")
    table = {
        ("GET", "orders/2026-01-01/orders"): ("searchOrders", _search_orders),
        ("GET", "orders/v0/orders"): ("getOrders", _get_orders_v0),
        ("POST", "reports/2021-06-30/reports"): ("createReport", _create_report),
        ("POST", "feeds/2021-06-30/documents"): ("createFeedDocument", _create_feed_document),
        ("POST", "feeds/2021-06-30/feeds"): ("createFeed", _create_feed),
        ("GET", "finances/v0/financialEvents"): ("listFinancialEvents", _financial_events),
        ("GET", "sellers/v1/marketplaceParticipations"): ("getMarketplaceParticipations", _participations),
    }
    key = (method, "/".join(parts))
    if key in table:
        return (*table[key], "")
    joined = "/".join(parts[:3])
    if method == "GET" and joined == "orders/2026-01-01/orders" and len(parts) == 4:
        return "getOrder", _get_order, parts[3]
    if method == "GET" and joined == "orders/v0/orders" and len(parts) == 5 and parts[4] == "orderItems":
        return "getOrderItems", _get_order_items_v0, parts[3]
    if method == "GET" and joined == "reports/2021-06-30/reports" and len(parts) == 4:
        return "getReport", _get_report, parts[3]
    if method == "GET" and joined == "reports/2021-06-30/documents" and len(parts) == 4:
        return "getReportDocument", _get_report_document, parts[3]
    if method == "GET" and joined == "feeds/2021-06-30/feeds" and len(parts) == 4:
        return "getFeed", _get_feed, parts[3]
    if method == "GET" and joined == "feeds/2021-06-30/documents" and len(parts) == 4:
        return "getFeedDocument", _get_feed_document, parts[3]
    return None


def _lwa(world: World, state: Tenant, request: Request) -> Response:
    form = request.form() if request.body else {}
    expected = credentials(state.name)
    if (
        form.get("grant_type") != "refresh_token"
        or form.get("refresh_token") != expected["refresh_token"]
        or form.get("client_id") != expected["client_id"]
        or form.get("client_secret") != expected["client_secret"]
    ):
        world.count(NAME, "lwaToken", "unauthorized")
        return Response(
            400, {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter"}
        )
    token = f"Atza|sandbox-{state.name}-{uuid.uuid4().hex}"
    state.tokens[token] = world.clock.now() + timedelta(seconds=3600)
    world.count(NAME, "lwaToken", "calls")
    return Response(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})


# Orders ------------------------------------------------------------------------------------
def _window(state: Tenant, after: datetime, before: datetime) -> list[dict]:
    return sorted(
        (o for o in state.orders.values() if after <= o["updated"] < before), key=lambda o: (o["updated"], o["id"])
    )


def _page(
    world, state, request, *, operation, after_name, token_name, size_name
) -> tuple[list[dict], str, str] | Response:
    token = request.arg(token_name)
    if token:
        spec = _untoken(token)
        if spec is None:
            return _error(world, operation, 400, "InvalidInput", f"Invalid {token_name}.")
        after, before, offset = _time(spec["after"]), _time(spec["before"]), int(spec["offset"])
        size = int(spec.get("size") or 100)  # a token carries the first request's filters
    else:
        size = max(1, min(100, int(request.arg(size_name, "100") or 100)))
        after = _time(request.arg(after_name))
        if after is None:
            return _error(world, operation, 400, "InvalidInput", f"{after_name} is required.")
        before = world.clock.now()
        if after > before - timedelta(minutes=2):
            return _error(
                world, operation, 400, "InvalidInput", f"{after_name} must be at least 2 minutes in the past."
            )
        offset = 0
    orders = _window(state, after, before)
    chunk = orders[offset : offset + size]
    more = offset + size < len(orders)
    spec = {"after": after.isoformat(), "before": before.isoformat(), "offset": offset + size, "size": size}
    next_token = _token(spec) if more else ""
    return chunk, next_token, _iso(before)


def _order_2026(state: Tenant, order: dict, included: set[str]) -> dict:
    currency = state.currency
    node: dict[str, Any] = {
        "orderId": order["id"],
        "createdTime": _iso(order["created"]),
        "lastUpdatedTime": _iso(order["updated"]),
        "programs": [],
        "salesChannel": {
            "channelName": "AMAZON",
            "marketplaceId": state.marketplace_id,
            "marketplaceName": state.marketplace_name,
        },
        "orderItems": [
            {
                "orderItemId": item_id,
                "quantityOrdered": quantity,
                "product": {
                    "asin": f"B0{abs(hash(sku)) % 10**8:08d}",
                    "title": title,
                    "sellerSku": sku,
                    "price": {"unitPrice": {"amount": price, "currencyCode": currency}},
                },
            }
            for item_id, sku, title, quantity, price in order["items"]
        ],
    }
    total = _total(order)
    if "PROCEEDS" in included and total is not None:
        node["proceeds"] = {"grandTotal": {"amount": str(total), "currencyCode": currency}}
    if "FULFILLMENT" in included:
        node["fulfillment"] = {
            "fulfillmentStatus": order["status"],
            "fulfilledBy": "AMAZON" if order["fba"] else "MERCHANT",
        }
    if "PACKAGES" in included and order["tracking"]:
        node["packages"] = [
            {
                "packageReferenceId": f"PKG-{order['id']}",
                "createdTime": _iso(order["updated"]),
                "packageStatus": {"status": "IN_TRANSIT", "detailedStatus": "IN_TRANSIT"},
                "carrier": order["carrier"],
                "shipTime": _iso(order["updated"]),
                "trackingNumber": order["tracking"],
            }
        ]
    return node


def _included(request: Request) -> set[str]:
    return {part.strip().upper() for part in request.arg("includedData").split(",") if part.strip()}


def _search_orders(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    page = _page(
        world,
        state,
        request,
        operation="searchOrders",
        after_name="lastUpdatedAfter",
        token_name="paginationToken",
        size_name="maxResultsPerPage",
    )
    if isinstance(page, Response):
        return page
    chunk, next_token, before = page
    included = _included(request)
    body: dict[str, Any] = {"orders": [_order_2026(state, o, included) for o in chunk], "lastUpdatedBefore": before}
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    return _answer(world, "searchOrders", 200, body)


def _get_order(world: World, state: Tenant, request: Request, order_id: str) -> Response:
    order = state.orders.get(order_id)
    if order is None:
        return _error(world, "getOrder", 404, "NotFound", f"Order {order_id} not found.")
    return _answer(world, "getOrder", 200, {"order": _order_2026(state, order, _included(request))})


V0_STATUS = {"PENDING": "Pending", "UNSHIPPED": "Unshipped", "SHIPPED": "Shipped", "CANCELLED": "Canceled"}


def _country(state: Tenant) -> str:
    return {"JPY": "JP", "EUR": "DE", "GBP": "GB"}.get(state.currency, "US")


def _order_v0(state: Tenant, order: dict) -> dict:
    node: dict[str, Any] = {
        "AmazonOrderId": order["id"],
        "PurchaseDate": _iso(order["created"]),
        "LastUpdateDate": _iso(order["updated"]),
        "OrderStatus": V0_STATUS.get(order["status"], "Unshipped"),
        "FulfillmentChannel": "AFN" if order["fba"] else "MFN",
        "SalesChannel": state.marketplace_name,
        "MarketplaceId": state.marketplace_id,
        "IsReplacementOrder": "false",
        "BuyerInfo": {},
        "ShippingAddress": {"City": "SPRINGFIELD", "PostalCode": "10115", "CountryCode": _country(state)},
    }
    total = _total(order)
    if total is not None:
        node["OrderTotal"] = {"CurrencyCode": state.currency, "Amount": str(total)}
    return node


def _get_orders_v0(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    if not request.arg("MarketplaceIds"):
        return _error(world, "getOrders", 400, "InvalidInput", "MarketplaceIds is required.")
    page = _page(
        world,
        state,
        request,
        operation="getOrders",
        after_name="LastUpdatedAfter",
        token_name="NextToken",
        size_name="MaxResultsPerPage",
    )
    if isinstance(page, Response):
        return page
    chunk, next_token, before = page
    payload: dict[str, Any] = {"Orders": [_order_v0(state, o) for o in chunk], "LastUpdatedBefore": before}
    if next_token:
        payload["NextToken"] = next_token
    return _answer(world, "getOrders", 200, {"payload": payload})


def _get_order_items_v0(world: World, state: Tenant, request: Request, order_id: str) -> Response:
    order = state.orders.get(order_id)
    if order is None:
        return _error(world, "getOrderItems", 404, "NotFound", f"Order {order_id} not found.")
    items = [
        {
            "ASIN": f"B0{abs(hash(sku)) % 10**8:08d}",
            "OrderItemId": item_id,
            "SellerSKU": sku,
            "Title": title,
            "QuantityOrdered": quantity,
            "ItemPrice": {"CurrencyCode": state.currency, "Amount": str(Decimal(price) * quantity)},
        }
        for item_id, sku, title, quantity, price in order["items"]
    ]
    return _answer(world, "getOrderItems", 200, {"payload": {"AmazonOrderId": order_id, "OrderItems": items}})


# Reports -----------------------------------------------------------------------------------
def _create_report(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    spec = request.json() or {}
    start, end = (
        _time(str(spec.get("dataStartTime") or "")),
        _time(str(spec.get("dataEndTime") or "")) or world.clock.now(),
    )
    if (
        spec.get("reportType")
        not in {"GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"}
        or start is None
    ):
        return _error(world, "createReport", 400, "InvalidInput", "Unsupported reportType or missing dataStartTime.")
    report_id = str(50000000000 + state.next_id())
    state.reports[report_id] = {
        "reportId": report_id,
        "reportType": spec["reportType"],
        "dataStartTime": _iso(start),
        "dataEndTime": _iso(end),
        "createdTime": _iso(world.clock.now()),
        "marketplaceIds": [state.marketplace_id],
        "_at": world.clock.scenario_seconds(),
        "_window": (start.date(), end),
    }
    return _answer(world, "createReport", 202, {"reportId": report_id})


def _report_text(state: Tenant, report: dict) -> str:
    start, end = report["_window"]
    rows = [r for r in state.returns if start <= r["date"].date() and r["date"] <= end]
    if report["reportType"] == "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA":
        lines = [FBA_HEADER]
        for r in rows:
            if r["fba"]:
                lines.append(
                    "\t".join(
                        [
                            r["date"].isoformat(timespec="seconds"),
                            r["order"],
                            r["sku"],
                            "B0SANDBOX1",
                            "X00SANDBOX",
                            r["title"],
                            str(r["quantity"]),
                            "LEJ1",
                            "SELLABLE",
                            r["code"],
                            "Unit returned to inventory",
                            r["lpn"],
                            r["comment"],
                        ]
                    )
                )
        return "\n".join(lines) + "\n"
    lines = [FLAT_HEADER]
    for r in rows:
        if r["fba"]:
            continue
        cells = [
            r["order"],
            r["order_date"].strftime("%d-%b-%Y"),
            r["date"].strftime("%d-%b-%Y"),
            "Approved",
            r["rma"],
            " ",
            "AmazonPrePaidLabel",
            "4.14" if state.currency != "JPY" else "600",
            state.currency,
            "DHL",
            " ",
            "Seller",
            "Y" if r["a_to_z"] else "N",
            "N",
            "B0SANDBOX1",
            r["sku"],
            r["title"],
            str(r["quantity"]),
            r["code"],
            "Y",
            "C-Returns",
            "StandardRefund",
            " ",
            " ",
            r["amount"],
            "1",
        ]
        lines.append("\t".join(cells))  # trailing empty cells left out, as Amazon does
    return "\n".join(lines) + "\n"


def _report_status(world: World, report: dict) -> str:
    age = world.clock.scenario_seconds() - report["_at"]
    return "IN_QUEUE" if age < REPORT_QUEUE_SECONDS else "IN_PROGRESS" if age < REPORT_DONE_SECONDS else "DONE"


def _get_report(world: World, state: Tenant, request: Request, report_id: str) -> Response:
    report = state.reports.get(report_id)
    if report is None:
        return _error(world, "getReport", 404, "NotFound", f"Report {report_id} not found.")
    status = _report_status(world, report)
    body = {k: v for k, v in report.items() if not k.startswith("_")}
    body["processingStatus"] = status
    if status == "DONE":
        if "_document" not in report:
            text = _report_text(state, report)
            try:
                data, charset = text.encode(state.charset), state.charset
            except UnicodeEncodeError:
                data, charset = text.encode("utf-8"), "UTF-8"
            document_id = f"amzn1.spdoc.1.4.na.{uuid.uuid4()}"
            state.documents[document_id] = {
                "data": gzip.compress(data),
                "content_type": f"text/plain; charset={charset}",
                "compression": "GZIP",
            }
            report["_document"] = document_id
        body["reportDocumentId"] = report["_document"]
        body["processingEndTime"] = body["createdTime"]
    return _answer(world, "getReport", 200, body)


def _document_answer(world: World, state: Tenant, request: Request, document_id: str, operation: str) -> Response:
    document = state.documents.get(document_id)
    if document is None:
        return _error(world, operation, 404, "NotFound", f"Document {document_id} not found.")
    signature = uuid.uuid4().hex
    document.setdefault("signatures", {})[signature] = world.clock.now() + DOCUMENT_LIFETIME
    body = {
        "reportDocumentId" if operation == "getReportDocument" else "feedDocumentId": document_id,
        "url": f"{_base(request, state)}/_documents/{document_id}?X-Amz-Expires=300&X-Amz-Signature={signature}",
    }
    if document.get("compression"):
        body["compressionAlgorithm"] = document["compression"]
    return _answer(world, operation, 200, body)


def _get_report_document(world: World, state: Tenant, request: Request, document_id: str) -> Response:
    return _document_answer(world, state, request, document_id, "getReportDocument")


def _download(world: World, state: Tenant, document_id: str, request: Request) -> Response:
    document = state.documents.get(document_id)
    signature = request.arg("X-Amz-Signature")
    expiry = (document or {}).get("signatures", {}).get(signature)
    if document is None or expiry is None or expiry < world.clock.now():
        return Response(
            403,
            b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
            content_type="application/xml",
        )
    return Response(200, document["data"], content_type=document["content_type"])


# Feeds -------------------------------------------------------------------------------------
def _create_feed_document(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    spec = request.json() or {}
    document_id = f"amzn1.tortuga.4.na.{uuid.uuid4()}"
    state.uploads[document_id] = b""
    body = {
        "feedDocumentId": document_id,
        "url": f"{_base(request, state)}/_uploads/{document_id}?contentType={spec.get('contentType', '')}",
    }
    return _answer(world, "createFeedDocument", 201, body)


def _create_feed(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    spec = request.json() or {}
    if spec.get("inputFeedDocumentId") not in state.uploads or not spec.get("feedType"):
        return _error(world, "createFeed", 400, "InvalidInput", "Unknown inputFeedDocumentId.")
    feed_id = str(60000000000 + state.next_id())
    state.feeds[feed_id] = {
        "feedId": feed_id,
        "feedType": spec["feedType"],
        "marketplaceIds": spec.get("marketplaceIds") or [state.marketplace_id],
        "createdTime": _iso(world.clock.now()),
        "processingStatus": "IN_QUEUE",
        "_at": world.clock.scenario_seconds(),
        "_document": spec["inputFeedDocumentId"],
    }
    return _answer(world, "createFeed", 202, {"feedId": feed_id})


def _advance_feed(world: World, state: Tenant, feed: dict) -> None:
    if feed["processingStatus"] in {"DONE", "FATAL", "CANCELLED"}:
        return
    age = world.clock.scenario_seconds() - feed["_at"]
    if age < FEED_QUEUE_SECONDS:
        return
    if age < FEED_DONE_SECONDS:
        feed["processingStatus"] = "IN_PROGRESS"
        return
    try:
        root = SafeET.fromstring(state.uploads.get(feed["_document"]) or b"")
    except SafeET.ParseError:
        feed["processingStatus"] = "FATAL"
        return
    results = [_adjust(world, state, message, feed["feedId"]) for message in root.iter("Message")]
    errors = [r for r in results if r]
    report = _processing_report(len(results), errors)
    document_id = f"amzn1.tortuga.3.{uuid.uuid4()}.T{feed['feedId']}"
    state.documents[document_id] = {"data": report.encode(), "content_type": "text/xml; charset=UTF-8"}
    feed.update(processingStatus="DONE", resultFeedDocumentId=document_id, processingEndTime=_iso(world.clock.now()))


def _adjust(world: World, state: Tenant, message: Any, feed_id: str) -> tuple[str, str, str] | None:
    """Carry out one OrderAdjustment: (MessageID, code, description) on an error, else None."""

    def text(node: Any, name: str) -> str:
        found = node.find(name)
        return (found.text or "").strip() if found is not None else ""

    message_id = text(message, "MessageID")
    adjustment = message.find("OrderAdjustment")
    if adjustment is None:
        return message_id, "5000", "The XML you submitted is ill-formed at the Amazon Envelope XML level."
    order_id, key = text(adjustment, "AmazonOrderID"), text(adjustment, "MerchantAdjustmentID")
    order = state.orders.get(order_id)
    if order is None:
        return (
            message_id,
            "18028",
            (
                f"Your order cannot be found using Merchant ID {state.name} and Merchant Order {order_id}. "
                "Enter the correct order ID and then resubmit your feed."
            ),
        )
    if key in state.adjustments:  # the same MerchantAdjustmentID again: nothing new happens
        return None
    amounts = [(item, a) for item in adjustment.iter("AdjustedItem") for a in item.iter("Amount")]
    total = sum((Decimal((a.text or "0").strip()) for _, a in amounts), Decimal(0))
    order_total = _total(order) or Decimal(0)
    if order["refunded"] + total > order_total:
        return (
            message_id,
            "18021",
            "The quantities you provided for order adjustment exceed the quantities that can be adjusted.",
        )
    order["refunded"] += total
    now = world.clock.now()
    refund = {
        "key": key,
        "order_id": order_id,
        "amount": str(total),
        "currency": state.currency,
        "feed_id": feed_id,
        "at": now,
    }
    state.adjustments[key] = refund
    state.refunds.append(refund)
    state.refund_counts[key] += 1
    state.finance_events.append(
        {
            "AmazonOrderId": order_id,
            "SellerOrderId": order_id,
            "MarketplaceName": state.marketplace_name,
            "PostedDate": _iso(now),
            "MerchantAdjustmentID": key,
            "ShipmentItemAdjustmentList": [
                {
                    "SellerSKU": next((i[1] for i in order["items"] if i[0] == text(item, "AmazonOrderItemCode")), ""),
                    "OrderAdjustmentItemId": text(item, "AmazonOrderItemCode"),
                    "QuantityShipped": 1,
                    "ItemChargeAdjustmentList": [
                        {
                            "ChargeType": text(component, "Type") or "Principal",
                            "ChargeAmount": {
                                "CurrencyCode": state.currency,
                                "CurrencyAmount": float(-Decimal((component.find("Amount").text or "0").strip())),
                            },
                        }
                        for component in item.iter("Component")
                    ],
                }
                for item in adjustment.iter("AdjustedItem")
            ],
            "_posted": now,
        }
    )
    return None


def _processing_report(count: int, errors: list[tuple[str, str, str]]) -> str:
    results = "".join(
        f"      <Result>\n        <MessageID>{m}</MessageID>\n        <ResultCode>Error</ResultCode>\n"
        f"        <ResultMessageCode>{code}</ResultMessageCode>\n"
        f"        <ResultDescription>{description}</ResultDescription>\n      </Result>\n"
        for m, code, description in errors
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n  <Header>\n    <DocumentVersion>1.02</DocumentVersion>\n'
        "    <MerchantIdentifier>SANDBOX</MerchantIdentifier>\n  </Header>\n  <MessageType>ProcessingReport</MessageType>\n"
        "  <Message>\n    <MessageID>1</MessageID>\n    <ProcessingReport>\n"
        f"      <DocumentTransactionID>{uuid.uuid4().int % 10**11}</DocumentTransactionID>\n"
        "      <StatusCode>Complete</StatusCode>\n      <ProcessingSummary>\n"
        f"        <MessagesProcessed>{count}</MessagesProcessed>\n"
        f"        <MessagesSuccessful>{count - len(errors)}</MessagesSuccessful>\n"
        f"        <MessagesWithError>{len(errors)}</MessagesWithError>\n"
        "        <MessagesWithWarning>0</MessagesWithWarning>\n      </ProcessingSummary>\n"
        f"{results}    </ProcessingReport>\n  </Message>\n</AmazonEnvelope>\n"
    )


def _get_feed(world: World, state: Tenant, request: Request, feed_id: str) -> Response:
    feed = state.feeds.get(feed_id)
    if feed is None:
        return _error(world, "getFeed", 404, "NotFound", f"Feed {feed_id} not found.")
    _advance_feed(world, state, feed)
    return _answer(world, "getFeed", 200, {k: v for k, v in feed.items() if not k.startswith("_")})


def _get_feed_document(world: World, state: Tenant, request: Request, document_id: str) -> Response:
    return _document_answer(world, state, request, document_id, "getFeedDocument")


# Finances ----------------------------------------------------------------------------------
def _financial_events(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    token = request.arg("NextToken")
    if token:
        spec = _untoken(token)
        if spec is None:
            return _error(world, "listFinancialEvents", 400, "InvalidInput", "Invalid NextToken.")
        after, before, offset = _time(spec["after"]), _time(spec["before"]), int(spec["offset"])
    else:
        after = _time(request.arg("PostedAfter"))
        before = _time(request.arg("PostedBefore")) or world.clock.now()
        offset = 0
        if after is None:
            return _error(world, "listFinancialEvents", 400, "InvalidInput", "PostedAfter is required.")
    size = max(1, min(100, int(request.arg("MaxResultsPerPage", "100") or 100)))
    events = [e for e in state.finance_events if after <= e["_posted"] <= before]
    chunk = [{k: v for k, v in e.items() if not k.startswith("_")} for e in events[offset : offset + size]]
    payload: dict[str, Any] = {"FinancialEvents": {"RefundEventList": chunk}}
    if offset + size < len(events):
        payload["NextToken"] = _token(
            {"after": after.isoformat(), "before": before.isoformat(), "offset": offset + size}
        )
    return _answer(world, "listFinancialEvents", 200, {"payload": payload})


def _participations(world: World, state: Tenant, request: Request, _arg: str) -> Response:
    body = {
        "payload": [
            {
                "marketplace": {
                    "id": state.marketplace_id,
                    "name": state.marketplace_name,
                    "countryCode": _country(state),
                    "defaultCurrencyCode": state.currency,
                    "defaultLanguageCode": "en_US",
                    "domainName": state.marketplace_name.lower(),
                },
                "participation": {"isParticipating": True, "hasSuspendedListings": False},
            }
        ]
    }
    return _answer(world, "getMarketplaceParticipations", 200, body)
