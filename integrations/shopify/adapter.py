"""The Shopify adapter: orders (with their refunds and returns) pulled page by page from Admin
GraphQL since an ``updated_at`` high-water mark, refunds and return decisions pushed with
mutations, and webhook bodies parsed into the same records."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from tickets.errors import MoneyError
from tickets.records import PlatformAmount, Record

from ..base import Page, PermanentError, PushResult, RateLimited, RawPage, RetryableError, UnknownOutcome
from ..http import HttpClient
from . import client as gql
from . import parse

REAL_HOST = "https://{shop}"  # a store's base URL is https://<shop>.myshopify.com
OVERLAP = timedelta(minutes=5)  # Shopify's updated_at index lags a little: re-read the window's edge
BACKFILL_DAYS = 30
PAGE_SIZE = 100
MIN_PAGE, MAX_PAGE = 50, 250

# returnDeclineRequest's ReturnDeclineReason values; anything else we say is OTHER with our words.
DECLINE_REASONS = {"RETURN_PERIOD_ENDED", "FINAL_SALE", "OTHER"}

WEBHOOK_TOPICS = ("orders/create", "orders/updated", "refunds/create", "returns/request")


class ShopifyAdapter:
    platform = "shopify"
    streams = ("orders",)

    def __init__(self, store: Any, connection: Any) -> None:
        self.store = store
        self.connection = connection
        credentials = connection.credentials or {}
        base_url = connection.base_url or credentials.get("shop_url") or REAL_HOST.format(shop=store.marketplace)
        self.credentials = credentials
        self.http = HttpClient(
            platform="shopify",
            store_id=store.pk or 0,
            base_url=base_url,
            quota_scale=getattr(connection, "quota_scale", 1) or 1,
        )
        self.client = gql.ShopifyClient(self.http, credentials.get("access_token", ""))
        self.page_size = int(credentials.get("page_size") or PAGE_SIZE)
        self._cost_per_order: float | None = None

    # --- pull ---------------------------------------------------------------------------------
    def _first(self) -> int:
        """Orders per page: as many as half the bucket allows, within Shopify's 50..250."""
        first = self.page_size
        bucket = self.client.bucket()
        if bucket and self._cost_per_order:
            first = min(first, int(bucket["maximum"] / 2 / self._cost_per_order))
        return max(MIN_PAGE, min(MAX_PAGE, first))

    def pull(self, stream: str, cursor: dict[str, Any], *, now: datetime) -> Page:
        if stream != "orders":
            raise PermanentError(f"shopify has no stream {stream!r}")
        cursor = dict(cursor or {})
        hwm = parse.optional_time(cursor.get("hwm"), "cursor.hwm")
        if cursor.get("after") and cursor.get("since"):
            since = parse.parse_time(cursor["since"], "cursor.since")
            after = cursor["after"]
        else:
            days = int(self.credentials.get("backfill_days") or BACKFILL_DAYS)
            since = hwm - OVERLAP if hwm else now - timedelta(days=days)
            after = None
        first = self._first()
        calls_before = self.http.calls
        body = self.client.graphql(
            gql.ORDERS_QUERY,
            {"first": first, "after": after, "query": f"updated_at:>'{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'"},
            operation="OrdersSince",
            expected_cost=first * (self._cost_per_order or 10) + 2,
        )
        cost = parse.throttle_status(body)
        if cost and cost["requested"]:
            self._cost_per_order = max(1.0, (cost["requested"] - 2) / first)
        try:
            records, failures, page_info = parse.parse_orders_page(body)
        except parse.ParseError as error:
            raise PermanentError(f"shopify orders: {error}", platform_message=str(body)[:500]) from error
        seen = [r.updated_at for r in records if hasattr(r, "number")]
        new_hwm = max([t for t in [hwm, *seen] if t], default=since)
        has_more = bool(page_info.get("hasNextPage")) and bool(page_info.get("endCursor"))
        next_cursor: dict[str, Any] = {"hwm": new_hwm.isoformat()}
        if has_more:
            next_cursor.update(since=since.isoformat(), after=page_info["endCursor"])
        return Page(
            raw=(RawPage(body=body, external_id=f"orders:{since.isoformat()}:{after or ''}"[:191]),),
            records=tuple(records),
            cursor=next_cursor,
            has_more=has_more,
            failures=tuple(failures),
            calls=self.http.calls - calls_before,
        )

    # --- parse (stored pages, webhooks, replays) ----------------------------------------------
    def parse(self, stream: str, body: Any) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
        if stream == "orders":
            try:
                records, failures, _ = parse.parse_orders_page(body)
            except parse.ParseError as error:
                raise PermanentError(f"shopify orders: {error}") from error
            return tuple(records), tuple(failures)
        if stream.startswith("webhook:"):
            return self._parse_webhook(stream.removeprefix("webhook:"), body)
        if stream == "rest:orders":
            orders = body.get("orders") if isinstance(body, dict) and "orders" in body else [(body or {}).get("order")]
            return _each(orders, parse.parse_rest_order)
        raise PermanentError(f"shopify cannot parse stream {stream!r}")

    def _parse_webhook(self, topic: str, body: Any) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
        if topic in ("orders/create", "orders/updated"):
            return _each([body], parse.parse_rest_order)
        if topic == "refunds/create":
            return _each([body], parse.parse_rest_refund)
        if topic == "returns/request":
            delivery = (body or {}).get("_delivery") if isinstance(body, dict) else None
            triggered = parse.optional_time((delivery or {}).get("triggered_at"), "X-Shopify-Triggered-At")
            return _each([body], lambda b: parse.parse_rest_return(b, delivered_at=triggered))
        return (), ((body, f"unsupported Shopify webhook topic {topic!r}"),)

    # --- push ---------------------------------------------------------------------------------
    def push(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult:
        if kind == "execute_refund":
            return self._refund(payload, idempotency_key)
        if kind == "approve_return":
            return self._decide_return(payload)
        if kind == "create_replacement":
            # draftOrderCreate / orderCreate are not wired yet: say where a person makes it.
            raise PermanentError(
                _("Create the replacement in Shopify admin (a draft order at no charge), then note its number.")
            )
        raise PermanentError(f"shopify does not do {kind!r}")

    def _refund(self, payload: dict[str, Any], key: str) -> PushResult:
        order_id = payload["order_external_id"]
        try:
            wanted = PlatformAmount.parse(payload["amount"], payload["currency"])
        except MoneyError as error:
            raise PermanentError(f"refund amount: {error}") from error
        if wanted.amount <= 0:
            raise PermanentError("refund amount must be positive")
        answer = self.client.graphql(gql.ORDER_FOR_REFUND_QUERY, {"id": order_id}, operation="OrderForRefund")
        order = (answer.get("data") or {}).get("order")
        if not order:
            raise PermanentError(f"shopify: order {order_id} not found")
        currency = order.get("presentmentCurrencyCode")
        if currency != wanted.currency:
            # Shopify refunds in the presentment currency; another currency would refund a different sum.
            raise PermanentError(f"refund in {wanted.currency}, but the buyer paid in {currency}")
        parents = [
            t
            for t in order.get("transactions") or []
            if str(t.get("kind")).upper() in {"SALE", "CAPTURE"} and str(t.get("status")).upper() == "SUCCESS"
        ]
        if not parents:
            raise PermanentError(f"shopify: order {order_id} has no captured payment to refund")
        refund_input = build_refund_input(order_id, currency, parents[-1], wanted, payload, key)
        try:
            answer = self.client.graphql(
                gql.REFUND_CREATE_MUTATION, {"input": refund_input, "key": key}, operation="RefundCreate"
            )
        except RateLimited:
            raise
        except RetryableError as error:
            # The mutation may have reached Shopify: the drain must look before sending again.
            raise UnknownOutcome(f"shopify refundCreate: {error}", platform_message=error.platform_message) from error
        result = (answer.get("data") or {}).get("refundCreate") or {}
        refused = parse.user_errors(result)
        if refused:
            raise PermanentError(f"shopify refused the refund: {refused}", platform_message=refused)
        refund = result.get("refund")
        if not refund:
            raise UnknownOutcome("shopify refundCreate answered without a refund", platform_message=str(answer)[:500])
        return self._refund_result(refund)

    @staticmethod
    def _refund_result(refund: dict[str, Any]) -> PushResult:
        presentment, shop = parse.money_bag(refund.get("totalRefundedSet"), "refund.totalRefundedSet")
        return PushResult(done=True, reference=refund["id"], amount=presentment or shop)

    def _decide_return(self, payload: dict[str, Any]) -> PushResult:
        return_id = payload["return_external_id"]
        if payload.get("decision") == "decline":
            reason = str(payload.get("reason") or "").strip()
            code = reason.upper().replace(" ", "_")
            decline = {"id": return_id, "declineReason": code if code in DECLINE_REASONS else "OTHER"}
            if code not in DECLINE_REASONS and reason:
                decline["declineNote"] = reason[:500]
            answer = self.client.graphql(
                gql.RETURN_DECLINE_MUTATION, {"input": decline}, operation="ReturnDeclineRequest"
            )
            result = (answer.get("data") or {}).get("returnDeclineRequest") or {}
        else:
            answer = self.client.graphql(
                gql.RETURN_APPROVE_MUTATION, {"input": {"id": return_id}}, operation="ReturnApproveRequest"
            )
            result = (answer.get("data") or {}).get("returnApproveRequest") or {}
        refused = parse.user_errors(result)
        if refused:
            raise PermanentError(f"shopify refused the return decision: {refused}", platform_message=refused)
        returned = result.get("return") or {}
        return PushResult(
            done=True, reference=returned.get("id") or return_id, details={"status": returned.get("status")}
        )

    # --- lookup -------------------------------------------------------------------------------
    def lookup(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult | None:
        if kind == "execute_refund":
            answer = self.client.graphql(
                gql.ORDER_REFUNDS_QUERY, {"id": payload["order_external_id"]}, operation="OrderRefunds"
            )
            order = (answer.get("data") or {}).get("order") or {}
            for refund in order.get("refunds") or []:
                if parse.reference_in_note(refund.get("note")) == idempotency_key:
                    return self._refund_result(refund)
            return None
        if kind == "approve_return":
            answer = self.client.graphql(
                gql.RETURN_STATUS_QUERY, {"id": payload["return_external_id"]}, operation="ReturnStatus"
            )
            found = (answer.get("data") or {}).get("return")
            if not found:
                return None
            status = str(found.get("status") or "").upper()
            wanted = "DECLINED" if payload.get("decision") == "decline" else "OPEN"
            if status == wanted or (wanted == "OPEN" and status == "CLOSED"):
                return PushResult(done=True, reference=found["id"], details={"status": status})
            if status == "REQUESTED":
                return None
            return PushResult(done=False, platform_message=f"the return is {status} on Shopify")
        return None

    # --- connection test ------------------------------------------------------------------------
    def test_connection(self) -> str:
        answer = self.client.graphql(gql.SHOP_QUERY, operation="Shop", expected_cost=1)
        shop = (answer.get("data") or {}).get("shop") or {}
        return f"{shop.get('name', '?')} ({shop.get('myshopifyDomain', '?')}, {shop.get('currencyCode', '?')})"


def build_refund_input(
    order_id: str, currency: str, parent: dict[str, Any], wanted: PlatformAmount, payload: dict[str, Any], key: str
) -> dict[str, Any]:
    """refundCreate's RefundInput: in the presentment currency, the buyer not notified by Shopify
    (we write to them), our key in the note, and never ``allowOverRefunding``."""
    return {
        "orderId": order_id,
        "note": parse.refund_note(payload.get("reason", ""), key),
        "notify": False,
        "currency": currency,
        "refundLineItems": [
            {"lineItemId": line["line_external_id"], "quantity": int(line["quantity"]), "restockType": "NO_RESTOCK"}
            for line in payload.get("lines") or []
        ],
        "transactions": [
            {
                "orderId": order_id,
                "parentId": parent["id"],
                "kind": "REFUND",
                "gateway": parent.get("gateway") or "",
                "amount": str(wanted.amount),
            }
        ],
    }


def _each(items: list, parser) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
    """Parse each element; one that fails becomes a failure and the others still parse."""
    records, failures = [], []
    for item in items:
        try:
            records.append(parser(item))
        except (parse.ParseError, KeyError, TypeError, AttributeError, ValueError) as error:
            failures.append((item, f"{type(error).__name__}: {error}"))
    return tuple(records), tuple(failures)
