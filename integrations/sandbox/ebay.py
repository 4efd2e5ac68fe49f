"""The sandbox's eBay: the identity token endpoint, Sell Fulfillment (getOrders, getOrder,
issueRefund), Post-Order (return search/get/decide, inquiry and case search) and the Commerce
Message API (conversations, one conversation, sendMessage), in the fixtures' shapes.

It checks the scheme eBay wants (``Bearer`` for Sell and Commerce, ``IAF`` for Post-Order),
answers 401 with eBay's ``errors[]`` on a wrong token, enforces each API's daily call limit
(``World.daily``) and a short-term bucket (``World.limit``) with a 429 ``errorId`` 2001, and keeps
what sellers did: refunds (PENDING, REFUNDED a few scenario seconds later; counted per order and
comment), return decisions and replies.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from . import phrases
from .core import Request, Response, World

NAME = "ebay"
DAILY = {"fulfillment": 100_000, "post_order": 150_000, "commerce_message": 5_000}
BURST = 50
REFUND_SETTLES_AFTER = 5.0  # scenario seconds from PENDING to REFUNDED
MARKETPLACES = {"EBAY_DE": ("EUR", "de"), "EBAY_GB": ("GBP", "en"), "EBAY_US": ("USD", "en"), "EBAY_FR": ("EUR", "fr")}
RATES_TO = {"EUR": Decimal("1"), "GBP": Decimal("0.85"), "USD": Decimal("1.08")}  # per 1 EUR
TOKEN_SECONDS = 7200
INITIAL_ORDERS = 6
RETURN_REASONS = ["NOT_AS_DESCRIBED", "DEFECTIVE_ITEM", "WRONG_SIZE", "ARRIVED_DAMAGED", "NO_LONGER_NEED_ITEM"]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _money(value: Decimal, currency: str) -> dict:
    return {"value": f"{value:.2f}", "currency": currency}


class SortedIndex:
    """(time, id) kept sorted, so a window query is a bisect, not a scan of 100,000 orders."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str]] = []
        self.where: dict[str, str] = {}

    def put(self, key: str, stamp: str) -> None:
        old = self.where.get(key)
        if old is not None:
            index = bisect.bisect_left(self.keys, (old, key))
            if index < len(self.keys) and self.keys[index] == (old, key):
                del self.keys[index]
        self.where[key] = stamp
        bisect.insort(self.keys, (stamp, key))

    def window(self, start: str, end: str) -> list[tuple[str, str]]:
        low = bisect.bisect_left(self.keys, (start, ""))
        high = bisect.bisect_right(self.keys, (end, "\uffff")) if end else len(self.keys)
        return self.keys[low:high]

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class EbayTenant:
    name: str
    marketplace: str
    currency: str
    seller: str
    orders: dict[str, dict] = field(default_factory=dict)
    order_index: SortedIndex = field(default_factory=SortedIndex)
    returns: dict[str, dict] = field(default_factory=dict)
    inquiries: dict[str, dict] = field(default_factory=dict)
    cases: dict[str, dict] = field(default_factory=dict)
    conversations: dict[str, dict] = field(default_factory=dict)  # id → summary + "_messages"
    conversation_index: SortedIndex = field(default_factory=SortedIndex)
    tokens: dict[str, float] = field(default_factory=dict)  # access token → expiry (epoch seconds)
    refunds: list[dict] = field(default_factory=list)  # every refund executed, with its comment
    refund_counts: Counter = field(default_factory=Counter)  # (order id, comment) → refunds
    decisions: list[dict] = field(default_factory=list)
    replies: list[dict] = field(default_factory=list)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def next_id(self) -> int:
        return next(self.ids)


def credentials(tenant: str) -> dict:
    return {
        "client_id": f"sandbox-{tenant}-app",
        "client_secret": f"sandbox-{tenant}-secret",
        "refresh_token": f"v^1.1#i^1#r^1#sandbox-{tenant}",
        "marketplace_id": "EBAY_DE",
        "seller_username": f"{tenant}_seller",
        "dev_id": f"sandbox-{tenant}-dev",
        "app_id": f"sandbox-{tenant}-app",
        "cert_id": f"sandbox-{tenant}-cert",
    }


def new_tenant(world: World, tenant: str) -> EbayTenant:
    marketplace = credentials(tenant)["marketplace_id"]
    state = EbayTenant(
        name=tenant, marketplace=marketplace, currency=MARKETPLACES[marketplace][0], seller=f"{tenant}_seller"
    )
    now = world.clock.now()
    for _ in range(INITIAL_ORDERS):
        _new_order(world, state, now)
    return state


# --- scenario --------------------------------------------------------------------------------


def _new_order(world: World, state: EbayTenant, now: datetime, *, compact: bool = False) -> dict:
    rng = world.rng
    number = state.next_id()
    marketplace = state.marketplace if rng.random() < 0.6 else rng.choice(list(MARKETPLACES))
    buyer_currency, default_lang = MARKETPLACES[marketplace]
    lang = default_lang if rng.random() < 0.7 else phrases.language(rng)
    sku, title, price = phrases.product(rng, lang)
    quantity = 1 if rng.random() < 0.8 else 2
    order_id = f"{10 + number % 90:02d}-{number // 100000 + 10000:05d}-{number % 100000:05d}"
    item_id = str(294800000000 + number)
    line_id = str(2940385000000 + number)  # the transaction id the Post-Order API names
    buyer_price = Decimal(price) * quantity
    shipping = Decimal("4.90")
    buyer_total = buyer_price + shipping
    rate = RATES_TO[state.currency] / RATES_TO[buyer_currency]

    def amount(value: Decimal) -> dict:
        if buyer_currency == state.currency:
            return _money(value, state.currency)
        converted = (value * rate).quantize(Decimal("0.01"))
        return {
            **_money(converted, state.currency),
            "convertedFromValue": f"{value:.2f}",
            "convertedFromCurrency": buyer_currency,
        }

    name = phrases.buyer_name(rng, lang)
    username = f"buyer_{lang}_{number}" if rng.random() < 0.8 else f"zj{number:06d}q7rt"
    stamp = _iso(now)
    order = {
        "orderId": order_id,
        "creationDate": stamp,
        "lastModifiedDate": stamp,
        "orderFulfillmentStatus": "NOT_STARTED",
        "orderPaymentStatus": "PAID",
        "sellerId": state.seller,
        "buyer": {
            "username": username,
            "buyerRegistrationAddress": {
                "fullName": name,
                "email": f"{number:016x}@members.ebay.com",
                "contactAddress": {"countryCode": marketplace[-2:]},
            },
        },
        "pricingSummary": {
            "priceSubtotal": amount(buyer_price),
            "deliveryCost": amount(shipping),
            "total": amount(buyer_total),
        },
        "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
        "paymentSummary": {
            "totalDueSeller": amount(buyer_total),
            "refunds": [],
            "payments": [
                {"paymentMethod": "EBAY", "paymentDate": stamp, "amount": amount(buyer_total), "paymentStatus": "PAID"}
            ],
        },
        "fulfillmentHrefs": [],
        "lineItems": [
            {
                "lineItemId": line_id,
                "legacyItemId": item_id,
                "sku": sku,
                "title": title,
                "lineItemCost": amount(buyer_price),
                "quantity": quantity,
                "soldFormat": "FIXED_PRICE",
                "listingMarketplaceId": marketplace,
                "purchaseMarketplaceId": marketplace,
                "lineItemFulfillmentStatus": "NOT_STARTED",
                "total": amount(buyer_total),
                "refunds": [],
            }
        ],
        "salesRecordReference": str(1000 + number),
        # What the sandbox remembers beside the API shape (never served).
        "_lang": lang,
    }
    state.orders[order_id] = order
    state.order_index.put(order_id, stamp)
    return order


def _touch(state: EbayTenant, order: dict, now: datetime) -> None:
    order["lastModifiedDate"] = _iso(now)
    state.order_index.put(order["orderId"], order["lastModifiedDate"])


def _random_order(world: World, state: EbayTenant) -> dict | None:
    if not state.orders:
        return None
    keys = state.order_index.keys
    return state.orders[keys[world.rng.randrange(len(keys))][1]]


def _new_return(world: World, state: EbayTenant, order: dict, now: datetime) -> dict:
    line = order["lineItems"][0]
    return_id = str(5045800000 + state.next_id())
    total = Decimal(order["pricingSummary"]["total"]["value"])
    reason = world.rng.choice(RETURN_REASONS)
    lang, _subject, comment = phrases.buyer_message(world.rng, order_number=order["orderId"], lang=order["_lang"])
    member = {
        "returnId": return_id,
        "orderId": order["orderId"],
        "buyerLoginName": order["buyer"]["username"],
        "sellerLoginName": state.seller,
        "currentType": "MONEY_BACK",
        "state": "RETURN_REQUESTED",
        "status": "RETURN_REQUESTED",
        "creationInfo": {
            "item": {"itemId": line["legacyItemId"], "transactionId": line["lineItemId"], "returnQuantity": 1},
            "type": "MONEY_BACK",
            "reason": reason,
            "reasonType": "SNAD" if reason in {"NOT_AS_DESCRIBED", "DEFECTIVE_ITEM", "ARRIVED_DAMAGED"} else "REMORSE",
            "comments": {"content": comment},
            "creationDate": {"value": _iso(now)},
        },
        "sellerTotalRefund": {"estimatedRefundAmount": {"value": float(total), "currency": state.currency}},
        "buyerTotalRefund": {"estimatedRefundAmount": {"value": float(total), "currency": state.currency}},
        "sellerResponseDue": {
            "activityDue": "SELLER_APPROVE_REQUEST",
            "respondByDate": {"value": _iso(now + timedelta(days=3))},
        },
        "escalationInfo": {"buyerEscalationEligibilityInfo": {"eligible": False}},
    }
    state.returns[return_id] = member
    return member


def _new_dispute(world: World, state: EbayTenant, order: dict, now: datetime) -> dict:
    line = order["lineItems"][0]
    total = Decimal(order["pricingSummary"]["total"]["value"])
    common = {
        "itemId": line["legacyItemId"],
        "buyer": order["buyer"]["username"],
        "seller": state.seller,
        "claimAmount": {"value": float(total), "currency": state.currency},
        "creationDate": {"value": _iso(now)},
        "lastModifiedDate": {"value": _iso(now)},
        "respondByDate": {"value": _iso(now + timedelta(days=3))},
    }
    if world.rng.random() < 0.6:
        inquiry_id = str(5201200000 + state.next_id())
        member = {
            "inquiryId": inquiry_id,
            "inquiryStatusEnum": "WAITING_SELLER_RESPONSE",
            "transactionId": line["lineItemId"],
            **common,
        }
        state.inquiries[inquiry_id] = member
    else:
        case_id = str(5098700000 + state.next_id())
        # Case search sends transactionId as a JSON integer.
        member = {"caseId": case_id, "caseStatusEnum": "OPEN", "transactionId": int(line["lineItemId"]), **common}
        state.cases[case_id] = member
    return member


def _buyer_writes(world: World, state: EbayTenant, order: dict, now: datetime) -> dict:
    lang, subject, body = phrases.buyer_message(world.rng, order_number=order["orderId"], lang=order["_lang"])
    username = order["buyer"]["username"]
    item_id = order["lineItems"][0]["legacyItemId"]
    conversation_id = (
        next(
            (
                cid
                for cid, conv in state.conversations.items()
                if conv["referenceId"] == item_id and conv["_buyer"] == username
            ),
            None,
        )
        if len(state.conversations) < 2000
        else None
    )
    stamp = _iso(now)
    message = {
        "messageId": str(2305159000000 + state.next_id()),
        "createdDate": stamp,
        "senderUsername": username,
        "recipientUsername": state.seller,
        "subject": subject,
        "messageBody": body,
        "readStatus": False,
    }
    if conversation_id is None:
        conversation_id = str(2305158000000 + state.next_id())
        state.conversations[conversation_id] = {
            "conversationId": conversation_id,
            "conversationStatus": "ACTIVE",
            "conversationTitle": subject,
            "conversationType": "FROM_MEMBERS",
            "createdDate": stamp,
            "referenceId": item_id,
            "referenceType": "LISTING",
            "unreadCount": 0,
            "_buyer": username,
            "_messages": [],
        }
    conversation = state.conversations[conversation_id]
    conversation["_messages"].append(message)
    conversation["unreadCount"] += 1
    conversation["latestMessage"] = message
    state.conversation_index.put(conversation_id, stamp)
    return conversation


def generate(world: World, state: EbayTenant, hours: float) -> None:
    now = world.clock.now()
    rates = world.rates
    for _ in range(world.events(rates.orders, hours)):
        _new_order(world, state, now)
    for _ in range(world.events(rates.orders / 2, hours)):  # some orders ship
        order = _random_order(world, state)
        if order and order["orderFulfillmentStatus"] == "NOT_STARTED":
            order["orderFulfillmentStatus"] = "FULFILLED"
            order["lineItems"][0]["lineItemFulfillmentStatus"] = "FULFILLED"
            _touch(state, order, now)
    for _ in range(world.events(rates.returns, hours)):
        if order := _random_order(world, state):
            _new_return(world, state, order, now)
    for _ in range(world.events(rates.disputes, hours)):
        if order := _random_order(world, state):
            _new_dispute(world, state, order, now)
    for _ in range(world.events(rates.messages, hours)):
        if order := _random_order(world, state):
            _buyer_writes(world, state, order, now)


def seed(world: World, state: EbayTenant, *, orders: int, messages: int) -> None:
    now = world.clock.now()
    for index in range(orders):
        _new_order(world, state, now - timedelta(seconds=orders - index))
    for index in range(messages):
        if order := _random_order(world, state):
            _buyer_writes(world, state, order, now - timedelta(seconds=messages - index))


# --- HTTP ------------------------------------------------------------------------------------


def _errors(status: int, error_id: int, message: str, *, domain: str = "API_FULFILLMENT", **extra: Any) -> Response:
    entry = {"errorId": error_id, "domain": domain, "category": "REQUEST", "message": message, **extra}
    return Response(status, {"errors": [entry]})


def _post_order_error(status: int, error_id: int, message: str, parameter: dict | None = None) -> Response:
    entry = {
        "errorId": error_id,
        "domain": "returnErrorDomain",
        "severity": "ERROR",
        "category": "REQUEST",
        "message": message,
        "longMessage": message,
        "httpStatusCode": str(status),
    }
    if parameter:
        entry["parameter"] = [parameter]
    return Response(status, {"errorMessage": {"error": [entry]}})


def _token(world: World, state: EbayTenant, request: Request) -> Response:
    import base64

    expected = credentials(state.name)
    header = request.header("authorization")
    basic = base64.b64encode(f"{expected['client_id']}:{expected['client_secret']}".encode()).decode()
    form = request.form()
    if header != f"Basic {basic}":
        return Response(401, {"error": "invalid_client", "error_description": "client authentication failed"})
    if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != expected["refresh_token"]:
        return Response(
            400, {"error": "invalid_grant", "error_description": "the provided authorization refresh token is invalid"}
        )
    token = f"v^1.1#i^1#f^0#sandbox-{state.name}-{state.next_id()}"
    now = world.clock.now().timestamp()
    state.tokens = {t: e for t, e in state.tokens.items() if e > now}
    state.tokens[token] = now + TOKEN_SECONDS
    return Response(200, {"access_token": token, "expires_in": TOKEN_SECONDS, "token_type": "User Access Token"})


def _authorized(world: World, state: EbayTenant, request: Request, scheme: str) -> bool:
    header = request.header("authorization")
    word, _, token = header.partition(" ")
    return word == scheme and state.tokens.get(token, 0) > world.clock.now().timestamp()


def _throttle(world: World, state: EbayTenant, api: str, operation: str) -> Response | None:
    if not world.daily(NAME, state.name, api, limit=DAILY[api]):
        day_left = 86400 - world.clock.scenario_seconds() % 86400
        response = _errors(
            429,
            2001,
            "Too many requests. The request limit has been reached for the resource.",
            domain="ACCESS",
            longMessage=f"Call limit exceeded: the daily call limit of {DAILY[api]} for this API has been reached.",
        )
        response.headers["Retry-After"] = str(math.ceil(day_left / world.clock.speed))
        return response
    if world.limit(NAME, state.name, api, rate=DAILY[api] / 86400, burst=BURST):
        return _errors(
            429, 2001, "Too many requests. The request limit has been reached for the resource.", domain="ACCESS"
        )
    return None


def _settle_refunds(world: World, state: EbayTenant) -> None:
    now_s = world.clock.scenario_seconds()
    for refund in state.refunds:
        if refund["refundStatus"] == "PENDING" and now_s - refund["_at"] >= REFUND_SETTLES_AFTER:
            refund["refundStatus"] = "REFUNDED"
            order = state.orders[refund["orderId"]]
            for entry in order["paymentSummary"]["refunds"]:
                if entry["refundId"] == refund["refundId"]:
                    entry["refundStatus"] = "REFUNDED"
            refunded = sum(
                Decimal(r["amount"]["value"])
                for r in order["paymentSummary"]["refunds"]
                if r["refundStatus"] == "REFUNDED"
            )
            total = Decimal(order["pricingSummary"]["total"]["value"])
            order["orderPaymentStatus"] = "FULLY_REFUNDED" if refunded >= total else "PARTIALLY_REFUNDED"
            _touch(state, order, world.clock.now())


def _public(order: dict) -> dict:
    return {k: v for k, v in order.items() if not k.startswith("_")}


def handle(world: World, state: EbayTenant, request: Request) -> Response:
    path = request.path.rstrip("/")
    if path == "/identity/v1/oauth2/token" and request.method == "POST":
        return _token(world, state, request)
    parts = path.strip("/").split("/")
    if path.startswith("/sell/fulfillment/v1/order"):
        api, scheme = "fulfillment", "Bearer"
    elif path.startswith("/post-order/v2/"):
        api, scheme = "post_order", "IAF"
    elif path.startswith("/commerce/message/v1/"):
        api, scheme = "commerce_message", "Bearer"
    else:
        return _errors(404, 2002, f"Resource not found: {path}", domain="ACCESS")
    if not _authorized(world, state, request, scheme):
        world.count(NAME, api, "unauthorized")
        return _errors(
            401,
            1001,
            "Invalid access token",
            domain="OAuth",
            longMessage="Invalid access token. Check the value of the Authorization HTTP request header.",
        )
    with world.lock:
        if (throttled := _throttle(world, state, api, path)) is not None:
            return throttled
        _settle_refunds(world, state)
        if api == "fulfillment":
            return _fulfillment(world, state, request, parts[4:])
        if api == "post_order":
            return _post_order(world, state, request, parts[2:])
        return _messages(world, state, request, parts[3:])


def _fulfillment(world: World, state: EbayTenant, request: Request, rest: list[str]) -> Response:
    if not rest and request.method == "GET":
        filter_ = request.arg("filter")
        start, end = "", ""
        if filter_.startswith("lastmodifieddate:[") and filter_.endswith("]"):
            start, _, end = filter_[len("lastmodifieddate:[") : -1].partition("..")
        limit = max(1, min(200, int(request.arg("limit", "50") or 50)))
        offset = max(0, int(request.arg("offset", "0") or 0))
        keys = state.order_index.window(start, end)
        page = [_public(state.orders[key]) for _, key in keys[offset : offset + limit]]
        base = f"/sell/fulfillment/v1/order?{urlencode({'filter': filter_, 'limit': limit})}"
        body = {
            "href": f"{base}&offset={offset}",
            "total": len(keys),
            "limit": limit,
            "offset": offset,
            "orders": page,
            "warnings": [],
        }
        if offset + limit < len(keys):
            body["next"] = f"{base}&offset={offset + limit}"
        return Response(200, body)
    order = state.orders.get(rest[0]) if rest else None
    if order is None:
        return _errors(404, 32100, "Order not found.", longMessage="The order ID is invalid or does not exist.")
    if len(rest) == 1 and request.method == "GET":
        return Response(200, _public(order))
    if len(rest) == 2 and rest[1] == "issue_refund" and request.method == "POST":
        return _issue_refund(world, state, order, request.json() or {})
    return _errors(404, 2002, "Resource not found.", domain="ACCESS")


def _issue_refund(world: World, state: EbayTenant, order: dict, body: dict) -> Response:
    currency = order["pricingSummary"]["total"]["currency"]
    try:
        if body.get("refundItems"):
            amounts = [item["refundAmount"] for item in body["refundItems"]]
            line_ids = {line["lineItemId"] for line in order["lineItems"]}
            if any(item.get("lineItemId") not in line_ids for item in body["refundItems"]):
                return _errors(400, 32400, "Invalid lineItemId.")
        else:
            amounts = [body["orderLevelRefundAmount"]]
        amount = sum((Decimal(str(a["value"])) for a in amounts), Decimal(0))
        total_node = order["pricingSummary"]["total"]
        buyer_currency = total_node.get("convertedFromCurrency", currency)
        if any(a.get("currency") not in {currency, buyer_currency} for a in amounts):
            return _errors(400, 32600, f"The refund currency must be {currency}.")
        converted_from = None
        if amounts[0].get("currency") != currency:  # in the buyer's currency: convert as eBay would
            converted_from = (amount, amounts[0]["currency"])
            ratio = Decimal(total_node["value"]) / Decimal(total_node["convertedFromValue"])
            amount = (amount * ratio).quantize(Decimal("0.01"))
    except (KeyError, TypeError, ArithmeticError):
        return _errors(400, 32500, "The request is missing a refund amount.")
    if not body.get("reasonForRefund"):
        return _errors(400, 32501, "reasonForRefund is required.")
    refunded = sum(
        (Decimal(r["amount"]["value"]) for r in order["paymentSummary"]["refunds"] if r["refundStatus"] != "FAILED"),
        Decimal(0),
    )
    total = Decimal(order["pricingSummary"]["total"]["value"])
    if amount <= 0 or refunded + amount > total:
        return _errors(
            400,
            32610,
            "The refund amount exceeds the order total.",
            longMessage=f"At most {total - refunded} {currency} can be refunded.",
        )
    refund_id = str(5000120000 + state.next_id())
    now = world.clock.now()
    entry = {
        "refundId": refund_id,
        "refundDate": _iso(now),
        "amount": _money(amount, currency),
        "refundStatus": "PENDING",
    }
    if converted_from is not None:  # a cross-border refund also states what the buyer gets back
        entry["amount"]["convertedFromValue"] = f"{converted_from[0]:.2f}"
        entry["amount"]["convertedFromCurrency"] = converted_from[1]
    order["paymentSummary"]["refunds"].append(entry)
    order["lineItems"][0]["refunds"].append({k: v for k, v in entry.items() if k != "refundStatus"})
    comment = str(body.get("comment") or "")
    state.refunds.append(
        {
            **entry,
            "orderId": order["orderId"],
            "comment": comment,
            "reasonForRefund": body["reasonForRefund"],
            "_at": world.clock.scenario_seconds(),
        }
    )
    state.refund_counts[(order["orderId"], comment)] += 1
    _touch(state, order, now)
    return Response(200, {"refundId": refund_id, "refundStatus": "PENDING"})


def _pages(items: list[dict], request: Request) -> tuple[list[dict], dict]:
    limit = max(1, min(200, int(request.arg("limit", "25") or 25)))
    page = max(1, int(request.arg("offset", "1") or 1))  # a page number, as the Post-Order API counts
    total_pages = math.ceil(len(items) / limit) if items else 0
    chunk = items[(page - 1) * limit : page * limit]
    return chunk, {"limit": limit, "offset": page, "totalEntries": len(items), "totalPages": total_pages}


def _created_between(items: dict, start: str, end: str, key: str = "creationDate") -> list[dict]:
    def created(member: dict) -> str:
        holder = member.get("creationInfo", member)
        return holder[key]["value"]

    chosen = [m for m in items.values() if (not start or created(m) >= start) and (not end or created(m) <= end)]
    return sorted(chosen, key=created)


def _post_order(world: World, state: EbayTenant, request: Request, rest: list[str]) -> Response:
    if rest == ["return", "search"]:
        members, output = _pages(
            _created_between(
                state.returns, request.arg("creation_date_range_from"), request.arg("creation_date_range_to")
            ),
            request,
        )
        return Response(200, {"members": members, "paginationOutput": output})
    if rest == ["inquiry", "search"]:
        members, output = _pages(
            _created_between(
                state.inquiries,
                request.arg("inquiry_creation_date_range_from"),
                request.arg("inquiry_creation_date_range_to"),
            ),
            request,
        )
        return Response(
            200, {"members": members, "paginationOutput": output, "totalNumberOfInquiries": output["totalEntries"]}
        )
    if rest == ["casemanagement", "search"]:
        members, output = _pages(
            _created_between(
                state.cases, request.arg("case_creation_date_range_from"), request.arg("case_creation_date_range_to")
            ),
            request,
        )
        return Response(
            200, {"members": members, "paginationOutput": output, "totalNumberOfCases": output["totalEntries"]}
        )
    if len(rest) >= 2 and rest[0] == "return":
        member = state.returns.get(rest[1])
        if member is None:
            return _post_order_error(404, 1001, "The return does not exist.", {"name": "returnId", "value": rest[1]})
        if len(rest) == 2 and request.method == "GET":
            if request.arg("fieldgroups", "FULL").upper() == "SUMMARY":
                return Response(200, {"summary": member})
            return Response(
                200, {"detail": {"buyerLoginName": member["buyerLoginName"], "sellerLoginName": state.seller}}
            )
        if len(rest) == 3 and rest[2] == "decide" and request.method == "POST":
            return _decide(world, state, member, request.json() or {})
    return _post_order_error(404, 1000, "Resource not found.")


def _decide(world: World, state: EbayTenant, member: dict, body: dict) -> Response:
    decision = str(body.get("decision") or "")
    if decision not in {"ACCEPT", "DECLINE"}:
        return _post_order_error(400, 1002, "decision must be ACCEPT or DECLINE.")
    if member["state"] != "RETURN_REQUESTED":
        return _post_order_error(
            400,
            1004,
            f"The return is in state {member['state']} and cannot be decided.",
            {"name": "returnId", "value": member["returnId"]},
        )
    member["state"] = member["status"] = "ITEM_READY_TO_SHIP" if decision == "ACCEPT" else "RETURN_REJECTED"
    member["sellerResponseDue"] = {}
    state.decisions.append({"returnId": member["returnId"], "decision": decision, "comments": body.get("comments")})
    return Response(200, b"")


def _messages(world: World, state: EbayTenant, request: Request, rest: list[str]) -> Response:
    if rest == ["send_message"] and request.method == "POST":
        return _send_message(world, state, request.json() or {})
    if request.arg("conversation_type") not in {"FROM_MEMBERS", "FROM_EBAY"}:
        return _errors(400, 355001, "conversation_type is required.", domain="API_MESSAGE")
    if rest == ["conversation"]:
        limit = max(1, min(50, int(request.arg("limit", "10") or 10)))
        offset = max(0, int(request.arg("offset", "0") or 0))
        keys = state.conversation_index.window(request.arg("start_time"), request.arg("end_time"))
        page = [
            {k: v for k, v in state.conversations[key].items() if not k.startswith("_")}
            for _, key in keys[offset : offset + limit]
        ]
        base = f"/commerce/message/v1/conversation?conversation_type=FROM_MEMBERS&limit={limit}"
        body = {
            "href": f"{base}&offset={offset}",
            "limit": limit,
            "offset": offset,
            "total": len(keys),
            "conversations": page,
        }
        if offset + limit < len(keys):
            body["next"] = f"{base}&offset={offset + limit}"
        return Response(200, body)
    if len(rest) == 2 and rest[0] == "conversation":
        conversation = state.conversations.get(rest[1])
        if conversation is None:
            return _errors(404, 355002, "Conversation not found.", domain="API_MESSAGE")
        limit = max(1, min(50, int(request.arg("limit", "25") or 25)))
        offset = max(0, int(request.arg("offset", "0") or 0))
        messages = conversation["_messages"]
        return Response(
            200,
            {
                "href": f"/commerce/message/v1/conversation/{rest[1]}?conversation_type=FROM_MEMBERS&limit={limit}&offset={offset}",
                "limit": limit,
                "offset": offset,
                "total": len(messages),
                "conversationStatus": conversation["conversationStatus"],
                "conversationTitle": conversation["conversationTitle"],
                "conversationType": "FROM_MEMBERS",
                "messages": messages[offset : offset + limit],
            },
        )
    return _errors(404, 2002, "Resource not found.", domain="ACCESS")


def _send_message(world: World, state: EbayTenant, body: dict) -> Response:
    text = str(body.get("messageText") or "")
    if not text or len(text) > 2000:
        return _errors(400, 355010, "messageText is required and holds at most 2000 characters.", domain="API_MESSAGE")
    conversation = state.conversations.get(str(body.get("conversationId") or ""))
    if conversation is None and body.get("otherPartyUsername"):
        conversation = next(
            (c for c in state.conversations.values() if c["_buyer"] == body["otherPartyUsername"]), None
        )
    if conversation is None:
        return _errors(400, 355003, "The conversation or the other party does not exist.", domain="API_MESSAGE")
    now = world.clock.now()
    message = {
        "messageId": str(2305159500000 + state.next_id()),
        "createdDate": _iso(now),
        "senderUsername": state.seller,
        "recipientUsername": conversation["_buyer"],
        "subject": f"Re: {conversation['conversationTitle']}",
        "messageBody": text,
        "readStatus": False,
    }
    conversation["_messages"].append(message)
    state.replies.append({**message, "conversationId": conversation["conversationId"]})
    # sendMessage's answer spells the usernames with a capital N, unlike the listings.
    answer = {k: v for k, v in message.items() if k not in {"senderUsername", "recipientUsername"}}
    answer["senderUserName"] = message["senderUsername"]
    answer["recipientUserName"] = message["recipientUsername"]
    return Response(200, answer)
