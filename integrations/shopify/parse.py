"""Shopify payloads → ``tickets.records``: pure functions, no database, no HTTP.

Two shapes reach us: Admin GraphQL answers (camelCase, ``MoneyBag {shopMoney, presentmentMoney}``,
enum statuses, times in ``Z``) and REST-shaped webhook bodies (snake_case, amount strings beside
``*_set {shop_money, presentment_money}``, lower-case statuses, times in the shop's offset). Records
are keyed on the GraphQL gid; the buyer's presentment currency is the order's currency (what they
paid and are refunded in), the shop's money is kept beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tickets.errors import MoneyError
from tickets.records import (
    BuyerRecord,
    OrderLineRecord,
    OrderRecord,
    PlatformAmount,
    RefundRecord,
    ReturnLineRecord,
    ReturnRecord,
)


class ParseError(ValueError):
    """A payload element we cannot turn into a record; the message says which field."""


# Our refund notes end with the idempotency key in brackets, so a lookup (and the refunds
# stream) can recognise a refund we made even when the push's answer was lost.
_REFERENCE = re.compile(r"\[([A-Za-z0-9][A-Za-z0-9_.:\-]{5,127})\]\s*$")


def refund_note(reason: str, idempotency_key: str) -> str:
    """The refund note we send: the reason, then the key that makes the refund findable."""
    reason = " ".join((reason or "").split())[:200]
    return f"{reason} [{idempotency_key}]".strip()


def reference_in_note(note: str | None) -> str:
    match = _REFERENCE.search(note or "")
    return match.group(1) if match else ""


# --- small readers ------------------------------------------------------------------------------


def parse_time(value: Any, field: str = "time") -> datetime:
    """ISO 8601 with ``Z`` or an offset (REST's ``-05:00``) → aware UTC."""
    if not isinstance(value, str) or not value:
        raise ParseError(f"{field}: missing time")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # X-Shopify-Triggered-At carries nanoseconds; Python reads at most microseconds.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ParseError(f"{field}: {value!r} is not a time") from error
    if moment.tzinfo is None:
        raise ParseError(f"{field}: {value!r} has no time zone")
    return moment.astimezone(UTC)


def optional_time(value: Any, field: str = "time") -> datetime | None:
    return parse_time(value, field) if value else None


def amount(value: Any, currency: Any, field: str) -> PlatformAmount:
    try:
        return PlatformAmount.parse(value, currency)
    except MoneyError as error:
        raise ParseError(f"{field}: {error}") from error


def _money_node(node: Any, field: str) -> PlatformAmount | None:
    """GraphQL ``MoneyV2 {amount, currencyCode}`` or REST ``{amount, currency_code}``."""
    if not isinstance(node, dict):
        return None
    currency = node.get("currencyCode") or node.get("currency_code") or node.get("currency")
    return amount(node.get("amount"), currency, field)


def money_bag(bag: Any, field: str) -> tuple[PlatformAmount | None, PlatformAmount | None]:
    """(presentment, shop) from a GraphQL MoneyBag or a REST ``*_set``; either may be absent."""
    if not isinstance(bag, dict):
        return None, None
    presentment = _money_node(bag.get("presentmentMoney") or bag.get("presentment_money"), f"{field}.presentment")
    shop = _money_node(bag.get("shopMoney") or bag.get("shop_money"), f"{field}.shop")
    return presentment, shop


def _nodes(connection: Any) -> list[dict]:
    """A GraphQL connection (``edges[].node`` or ``nodes``) or a plain list → its nodes."""
    if connection is None:
        return []
    if isinstance(connection, list):
        return [item for item in connection if isinstance(item, dict)]
    if isinstance(connection, dict):
        if "nodes" in connection:
            return [item for item in connection["nodes"] or [] if isinstance(item, dict)]
        # An edge that is not an object still reaches the page's failures (as a non-dict node).
        return [edge.get("node") if isinstance(edge, dict) else edge for edge in connection.get("edges") or []]
    return []


def _quantity(value: Any, field: str) -> int:
    try:
        quantity = int(str(value))
    except (TypeError, ValueError) as error:
        raise ParseError(f"{field}: {value!r} is not a quantity") from error
    if quantity < 0:
        raise ParseError(f"{field}: negative quantity")
    return quantity


def rest_gid(node: dict, kind: str, field: str) -> str:
    """A REST/webhook object's key: its ``admin_graphql_api_id``.

    Old REST resources (before ``admin_graphql_api_id`` existed, like the canonical order #1001)
    carry only the integer ``id``. Only then, and only for a JSON integer (Python reads those
    exactly; the corrupted ids in Shopify's 2026-04 docs went through a JavaScript double and
    always come with their gid), the gid is written from it.
    """
    gid = node.get("admin_graphql_api_id")
    if isinstance(gid, str) and gid.startswith("gid://shopify/"):
        return gid
    raw = node.get("id")
    if isinstance(raw, int) and not isinstance(raw, bool):
        return f"gid://shopify/{kind}/{raw}"
    raise ParseError(f"{field}: no admin_graphql_api_id")


# --- vocabularies -------------------------------------------------------------------------------

TRACKING = {
    "delivered": "delivered",
    "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "attempted_delivery": "exception",
    "failure": "exception",
    "label_printed": "label_created",
    "label_purchased": "label_created",
    "confirmed": "label_created",
    "ready_for_pickup": "out_for_delivery",
    "picked_up": "delivered",
}

RETURN_STATUS = {
    "requested": "requested",
    "open": "authorized",
    "declined": "rejected",
    "closed": "closed",
    "canceled": "cancelled",
    "cancelled": "cancelled",
}

RETURN_REASON = {
    "size_too_small": "size",
    "size_too_large": "size",
    "defective": "quality_defect",
    "not_as_described": "not_as_described",
    "wrong_item": "not_as_described",
    "style": "changed_mind",
    "color": "changed_mind",
    "unwanted": "changed_mind",
    "other": "other",
    "unknown": "",
}

REFUND_STATUS = {"success": "succeeded", "pending": "pending", "failure": "failed", "error": "failed"}


def return_reason(code: str) -> str:
    return RETURN_REASON.get(code.lower().replace("-", "_"), "other" if code else "")


# --- GraphQL: orders --------------------------------------------------------------------------


def _buyer_graphql(node: dict) -> BuyerRecord | None:
    customer = node.get("customer") or {}
    address = node.get("shippingAddress") or {}
    email = customer.get("email") or node.get("email") or ""
    if not (customer or email):
        return None
    return BuyerRecord(
        platform_customer_id=str(customer.get("id") or ""),
        email=email,
        name=customer.get("displayName") or "",
        language=(node.get("customerLocale") or "")[:2],
        country=address.get("countryCodeV2") or address.get("countryCode") or "",
    )


def _line_graphql(line: dict, currency: str) -> OrderLineRecord:
    line_id = line.get("id")
    if not line_id:
        raise ParseError("lineItem: no id")
    presentment, shop = money_bag(line.get("originalUnitPriceSet"), f"{line_id}.originalUnitPriceSet")
    price = presentment or shop
    if price is None:
        raise ParseError(f"{line_id}: no unit price")
    title = line.get("name") or " - ".join(x for x in (line.get("title"), line.get("variantTitle")) if x)
    return OrderLineRecord(
        external_id=line_id,
        sku=line.get("sku") or "",
        title=title or "",
        quantity=_quantity(line.get("quantity"), f"{line_id}.quantity"),
        unit_price=price,
        category=((line.get("product") or {}).get("productType")) or "",
    )


def _refund_graphql(refund: dict, order_id: str, currency: str) -> RefundRecord:
    refund_id = refund.get("id")
    if not refund_id:
        raise ParseError("refund: no id")
    presentment, shop = money_bag(refund.get("totalRefundedSet"), f"{refund_id}.totalRefundedSet")
    total = presentment or shop
    if total is None:
        raise ParseError(f"{refund_id}: no amount")
    created = parse_time(refund.get("createdAt"), f"{refund_id}.createdAt")
    return RefundRecord(
        external_id=refund_id,
        order_external_id=order_id,
        amount=total,
        created_at=created,
        status="succeeded",
        reference=reference_in_note(refund.get("note")),
        reason=refund.get("note") or "",
        updated_at=optional_time(refund.get("updatedAt")) or created,
    )


def _fulfilment(fulfilments: list[dict], field: str) -> dict[str, Any]:
    """Tracking from the newest fulfilment that did ship (cancelled and failed ones did not)."""
    shipped = [f for f in fulfilments if str(f.get("status") or "").lower() not in {"cancelled", "error", "failure"}]
    if not shipped:
        return {}
    latest = shipped[-1]
    info = (latest.get("trackingInfo") or [{}])[0] if isinstance(latest.get("trackingInfo"), list) else {}
    carrier = info.get("company") or latest.get("tracking_company") or ""
    number = info.get("number") or latest.get("tracking_number") or ""
    display = str(latest.get("displayStatus") or latest.get("shipment_status") or "").lower()
    times = [optional_time(f.get("createdAt") or f.get("created_at"), f"{field}.createdAt") for f in shipped]
    delivered = optional_time(latest.get("deliveredAt"), f"{field}.deliveredAt")
    status = TRACKING.get(display, "unknown")
    if delivered and status == "unknown":
        status = "delivered"
    return {
        "carrier": carrier if carrier not in {"null", "null-company"} else "",
        "tracking_number": number,
        "tracking_status": status,
        "shipped_at": min((t for t in times if t), default=None),
        "delivered_at": delivered,
    }


def parse_order_node(node: dict) -> tuple[OrderRecord, list[ReturnRecord]]:
    """One GraphQL ``Order`` node → its OrderRecord (refunds embedded) and its ReturnRecords."""
    order_id = node.get("id")
    if not isinstance(order_id, str) or not order_id.startswith("gid://shopify/Order/"):
        raise ParseError(f"order: bad id {order_id!r}")
    total, shop_total = money_bag(node.get("totalPriceSet"), f"{order_id}.totalPriceSet")
    currency = node.get("presentmentCurrencyCode") or (total.currency if total else None)
    if total is None:
        total = shop_total if (shop_total and shop_total.currency == currency) else None
    if not currency:
        raise ParseError(f"{order_id}: no currency")
    received, _ = money_bag(node.get("totalReceivedSet"), f"{order_id}.totalReceivedSet")
    financial = str(node.get("displayFinancialStatus") or "").lower()
    paid = received or (total if financial in {"paid", "partially_refunded", "refunded"} else None)
    cancelled_at = optional_time(node.get("cancelledAt"), f"{order_id}.cancelledAt")
    updated = parse_time(node.get("updatedAt"), f"{order_id}.updatedAt")
    tracking = _fulfilment(_nodes(node.get("fulfillments")), f"{order_id}.fulfillments")
    order = OrderRecord(
        external_id=order_id,
        number=str(node.get("name") or ""),
        placed_at=parse_time(node.get("processedAt") or node.get("createdAt"), f"{order_id}.createdAt"),
        updated_at=updated,
        currency=str(currency).upper(),
        total=total,
        paid=paid,
        shop_total=shop_total if shop_total and total and shop_total.currency != total.currency else None,
        status="cancelled" if cancelled_at else str(node.get("displayFulfillmentStatus") or "").lower(),
        cancelled=cancelled_at is not None,
        lines=tuple(_line_graphql(line, currency) for line in _nodes(node.get("lineItems"))),
        buyer=_buyer_graphql(node),
        paid_at=optional_time(node.get("processedAt")) if paid else None,
        refunds=tuple(_refund_graphql(r, order_id, currency) for r in _nodes(node.get("refunds"))),
        **tracking,
    )
    returns = [
        parse_return_node(r, order_id=order_id, order_number=order.number, order_updated_at=updated)
        for r in _nodes(node.get("returns"))
    ]
    return order, returns


def parse_return_node(
    node: dict, *, order_id: str, order_number: str = "", order_updated_at: datetime | None = None
) -> ReturnRecord:
    """A GraphQL ``Return`` (with ``returnLineItems { ... on ReturnLineItem }``)."""
    return_id = node.get("id")
    if not return_id:
        raise ParseError("return: no id")
    raw_status = str(node.get("status") or "")
    if raw_status.lower() not in RETURN_STATUS:
        raise ParseError(f"{return_id}: unknown status {raw_status!r}")
    lines, codes, notes = [], [], []
    for item in _nodes(node.get("returnLineItems")):
        line_item = (item.get("fulfillmentLineItem") or {}).get("lineItem") or item.get("lineItem") or {}
        definition = item.get("returnReasonDefinition") or {}
        code = item.get("returnReason") or (definition.get("handle") or "").upper().replace("-", "_")
        codes.append(code)
        if item.get("customerNote"):
            notes.append(item["customerNote"])
        lines.append(
            ReturnLineRecord(
                order_line_external_id=line_item.get("id") or "",
                quantity=_quantity(item.get("quantity"), f"{return_id}.quantity"),
                sku=line_item.get("sku") or "",
                reason_code=code,
            )
        )
    created = parse_time(node.get("createdAt"), f"{return_id}.createdAt")
    times = [created, order_updated_at]
    times += [optional_time(node.get(k), f"{return_id}.{k}") for k in ("requestApprovedAt", "closedAt", "updatedAt")]
    refunds = [money_bag(r.get("totalRefundedSet"), f"{return_id}.refunds") for r in _nodes(node.get("refunds"))]
    refunded = [p or s for p, s in refunds if (p or s)]
    first_code = next((c for c in codes if c), "")
    return ReturnRecord(
        external_id=return_id,
        order_external_id=order_id,
        requested_at=created,
        updated_at=max(t for t in times if t),
        status=RETURN_STATUS[raw_status.lower()],
        platform_status=raw_status,
        reason=return_reason(first_code),
        reason_code=first_code,
        buyer_comment="\n".join(notes),
        lines=tuple(lines),
        refund_amount=_sum(refunded) if refunded else None,
        order_number=order_number,
    )


def _sum(amounts: Iterable[PlatformAmount]) -> PlatformAmount:
    amounts = list(amounts)
    currencies = {a.currency for a in amounts}
    if len(currencies) != 1:
        raise ParseError(f"amounts in several currencies: {sorted(currencies)}")
    return PlatformAmount.parse(sum((a.amount for a in amounts), Decimal(0)), currencies.pop())


def parse_orders_page(body: Any) -> tuple[list, list[tuple[Any, str]], dict]:
    """An ``orders`` query answer → (records, failures, pageInfo). Raises ParseError when the
    answer holds no orders connection at all (then nothing on it can be trusted)."""
    try:
        connection = body["data"]["orders"]
        nodes = _nodes(connection)
        page_info = connection.get("pageInfo") or {}
    except (KeyError, TypeError, AttributeError) as error:
        raise ParseError(f"not an orders answer: {error}") from error
    records: list = []
    failures: list[tuple[Any, str]] = []
    for node in nodes:
        try:
            order, returns = parse_order_node(node)
        except Exception as error:  # noqa: BLE001 - one malformed order is a failure; the page goes on
            failures.append((node, f"{type(error).__name__}: {error}"))
            continue
        records.append(order)
        records.extend(returns)
    return records, failures, page_info


# --- REST / webhooks --------------------------------------------------------------------------


def _rest_money(node: dict, plain_key: str, set_key: str, currency: str, field: str) -> tuple:
    """(presentment, shop) of a REST amount: the ``*_set`` when present, else the plain string
    (which is in the shop's currency, equal to the order's when no ``*_set`` exists)."""
    presentment, shop = money_bag(node.get(set_key), field)
    if presentment is None and node.get(plain_key) is not None:
        presentment = amount(node[plain_key], currency, field)
    return presentment, shop


def _buyer_rest(order: dict) -> BuyerRecord | None:
    customer = order.get("customer") or {}
    email = customer.get("email") or order.get("email") or order.get("contact_email") or ""
    if not (customer or email):
        return None
    address = order.get("shipping_address") or order.get("billing_address") or customer.get("default_address") or {}
    name = " ".join(x for x in (customer.get("first_name"), customer.get("last_name")) if x)
    customer_id = ""
    if customer:
        try:
            customer_id = rest_gid(customer, "Customer", "customer")
        except ParseError:
            customer_id = ""
    return BuyerRecord(
        platform_customer_id=customer_id,
        email=email,
        name=name,
        language=(order.get("customer_locale") or "")[:2],
        country=address.get("country_code") or "",
    )


def parse_rest_order(order: dict) -> OrderRecord:
    """A REST order / ``orders/create`` / ``orders/updated`` body → OrderRecord."""
    if not isinstance(order, dict):
        raise ParseError("order: not an object")
    order_id = rest_gid(order, "Order", "order")
    shop_currency = order.get("currency")
    currency = str(order.get("presentment_currency") or shop_currency or "").upper()
    if not currency:
        raise ParseError(f"{order_id}: no currency")
    total, shop_total = _rest_money(order, "total_price", "total_price_set", currency, f"{order_id}.total_price")
    if total is not None and total.currency != currency:
        raise ParseError(f"{order_id}: total in {total.currency}, order in {currency}")
    financial = str(order.get("financial_status") or "").lower()
    paid = total if financial in {"paid", "partially_refunded", "refunded"} else None
    lines = []
    for line in order.get("line_items") or []:
        line_id = rest_gid(line, "LineItem", f"{order_id}.line_items")
        price, _shop = _rest_money(line, "price", "price_set", currency, f"{line_id}.price")
        if price is None:
            raise ParseError(f"{line_id}: no price")
        lines.append(
            OrderLineRecord(
                external_id=line_id,
                sku=line.get("sku") or "",
                title=line.get("name") or line.get("title") or "",
                quantity=_quantity(line.get("quantity"), f"{line_id}.quantity"),
                unit_price=price,
            )
        )
    cancelled_at = optional_time(order.get("cancelled_at"), f"{order_id}.cancelled_at")
    refunds = tuple(
        parse_rest_refund(r, order_external_id=order_id, currency=currency) for r in order.get("refunds") or []
    )
    return OrderRecord(
        external_id=order_id,
        number=str(order.get("name") or ""),
        placed_at=parse_time(order.get("processed_at") or order.get("created_at"), f"{order_id}.created_at"),
        updated_at=parse_time(order.get("updated_at") or order.get("created_at"), f"{order_id}.updated_at"),
        currency=currency,
        total=total,
        paid=paid,
        shop_total=shop_total if shop_total and total and shop_total.currency != total.currency else None,
        status="cancelled" if cancelled_at else str(order.get("fulfillment_status") or "unfulfilled").lower(),
        cancelled=cancelled_at is not None,
        lines=tuple(lines),
        buyer=_buyer_rest(order),
        paid_at=optional_time(order.get("processed_at")) if paid else None,
        refunds=refunds,
        **_fulfilment(order.get("fulfillments") or [], f"{order_id}.fulfillments"),
    )


def _refund_currency(refund: dict) -> str:
    """A refund body names its currency in its transactions or in any ``*_set``; the 2026-04
    example has ``currency: null`` on its transactions."""
    for transaction in refund.get("transactions") or []:
        if transaction.get("currency"):
            return transaction["currency"]
    for item in refund.get("refund_line_items") or []:
        presentment = (item.get("subtotal_set") or {}).get("presentment_money") or {}
        if presentment.get("currency_code"):
            return presentment["currency_code"]
    presentment = (refund.get("total_duties_set") or {}).get("presentment_money") or {}
    return presentment.get("currency_code") or ""


def parse_rest_refund(refund: dict, *, order_external_id: str = "", currency: str = "") -> RefundRecord:
    """A REST refund / ``refunds/create`` body → RefundRecord.

    The amount is what went back through the refund transactions (amount strings); a refund
    without transactions (restock only, or store credit) counts its line subtotals and taxes,
    which ``refunds/create`` sends as JSON numbers.
    """
    if not isinstance(refund, dict):
        raise ParseError("refund: not an object")
    refund_id = rest_gid(refund, "Refund", "refund")
    if not order_external_id:
        # refunds/create names its order only by the integer order_id: there is no gid to read.
        order_id = refund.get("order_id")
        if not isinstance(order_id, int) or isinstance(order_id, bool):
            raise ParseError(f"{refund_id}: no order id")
        order_external_id = f"gid://shopify/Order/{order_id}"
    currency = _refund_currency(refund) or currency
    if not currency:
        raise ParseError(f"{refund_id}: no currency")
    transactions = [t for t in refund.get("transactions") or [] if str(t.get("kind") or "refund").lower() == "refund"]
    statuses = {str(t.get("status") or "success").lower() for t in transactions}
    if transactions:
        counted = [t for t in transactions if str(t.get("status") or "success").lower() != "failure"] or transactions
        total = _sum(amount(t.get("amount"), t.get("currency") or currency, f"{refund_id}.amount") for t in counted)
    else:
        parts = []
        for item in refund.get("refund_line_items") or []:
            for key in ("subtotal", "total_tax"):
                presentment, _shop = money_bag(item.get(f"{key}_set"), f"{refund_id}.{key}_set")
                parts.append(presentment or amount(item.get(key, 0), currency, f"{refund_id}.{key}"))
        total = _sum(parts) if parts else amount("0", currency, refund_id)
    if "pending" in statuses:
        status = "pending"
    elif statuses and statuses <= {"failure", "error"}:
        status = "failed"
    else:
        status = "succeeded"
    created = parse_time(refund.get("created_at") or refund.get("processed_at"), f"{refund_id}.created_at")
    return RefundRecord(
        external_id=refund_id,
        order_external_id=order_external_id,
        amount=total,
        created_at=created,
        status=status,
        reference=reference_in_note(refund.get("note")),
        reason=refund.get("note") or "",
        updated_at=optional_time(refund.get("processed_at")) or created,
    )


def parse_rest_return(body: dict, *, delivered_at: datetime | None = None) -> ReturnRecord:
    """A ``returns/request`` body (thin: lines may be empty, no times, lower-case reasons).

    The body carries no time; ``delivered_at`` (the webhook's ``X-Shopify-Triggered-At``) stands
    for both the request and the update time."""
    if not isinstance(body, dict):
        raise ParseError("return: not an object")
    return_id = rest_gid(body, "Return", "return")
    order = body.get("order") or {}
    try:
        order_id = rest_gid(order, "Order", f"{return_id}.order")
    except ParseError:
        raise ParseError(f"{return_id}: no order gid") from None
    raw_status = str(body.get("status") or "")
    if raw_status.lower() not in RETURN_STATUS:
        raise ParseError(f"{return_id}: unknown status {raw_status!r}")
    lines, codes, notes = [], [], []
    for item in body.get("return_line_items") or []:
        line_item = (item.get("fulfillment_line_item") or {}).get("line_item") or {}
        code = str(item.get("return_reason") or "")
        codes.append(code)
        if item.get("customer_note"):
            notes.append(item["customer_note"])
        lines.append(
            ReturnLineRecord(
                order_line_external_id=line_item.get("admin_graphql_api_id") or "",
                quantity=_quantity(item.get("quantity"), f"{return_id}.quantity"),
                sku=line_item.get("sku") or "",
                reason_code=code,
            )
        )
    when = optional_time(body.get("created_at") or body.get("updated_at")) or delivered_at
    if when is None:
        raise ParseError(f"{return_id}: no time (neither in the body nor from the delivery)")
    customer = body.get("customer") or {}
    buyer = None
    if customer:
        buyer = BuyerRecord(
            platform_customer_id=customer.get("admin_graphql_api_id") or "",
            email=customer.get("email") or "",
            name=" ".join(x for x in (customer.get("first_name"), customer.get("last_name")) if x),
            country=(customer.get("default_address") or {}).get("country_code") or "",
        )
    first_code = next((c for c in codes if c), "")
    return ReturnRecord(
        external_id=return_id,
        order_external_id=order_id,
        requested_at=when,
        updated_at=when,
        status=RETURN_STATUS[raw_status.lower()],
        platform_status=raw_status,
        reason=return_reason(first_code),
        reason_code=first_code,
        buyer_comment="\n".join(notes),
        lines=tuple(lines),
        buyer=buyer,
        order_number=(body.get("name") or "").split("-R")[0],
    )


# --- answers that are not records ---------------------------------------------------------------


def throttle_status(body: Any) -> dict[str, float] | None:
    """``extensions.cost`` of any GraphQL answer → numbers, or None when absent."""
    try:
        cost = body["extensions"]["cost"]
        status = cost["throttleStatus"]
        return {
            "requested": float(cost.get("requestedQueryCost") or 0),
            "actual": float(cost["actualQueryCost"]) if cost.get("actualQueryCost") is not None else None,
            "maximum": float(status["maximumAvailable"]),
            "available": float(status["currentlyAvailable"]),
            "restore_rate": float(status["restoreRate"]),
        }
    except (KeyError, TypeError, ValueError):
        return None


def is_throttled(body: Any) -> bool:
    errors = body.get("errors") if isinstance(body, dict) else None
    return isinstance(errors, list) and any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors
    )


def throttle_wait(body: Any) -> float:
    """Seconds until a throttled query's cost is back: (requested − available) / restoreRate."""
    status = throttle_status(body)
    if not status or status["restore_rate"] <= 0:
        return 1.0
    return max(0.0, (status["requested"] - status["available"]) / status["restore_rate"])


def graphql_errors(body: Any) -> str:
    """Top-level ``errors`` (a list of objects, or REST's bare string) as one line."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors:
        return ""
    if isinstance(errors, str):
        return errors
    return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors)


def user_errors(payload: Any) -> str:
    """A mutation payload's ``userErrors`` as one line ('' when none)."""
    errors = (payload or {}).get("userErrors") or []
    return "; ".join(
        f"{'.'.join(str(p) for p in (e.get('field') or []))}: {e.get('message')}".lstrip(": ")
        + (f" ({e['code']})" if e.get("code") else "")
        for e in errors
    )
