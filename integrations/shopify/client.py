"""Shopify Admin GraphQL over the shared HttpClient: one pinned API version, the access-token
header, and Shopify's cost-based throttling read from every answer's ``extensions.cost``.

Shopify's limit is a leaky bucket of query-cost points per store (100–2,000 points/s by plan,
``maximumAvailable`` 1,000–20,000): nothing here hard-codes it. Each answer tells the bucket's
size, what is left and the restore rate; the client paces the next query on that, and a
``THROTTLED`` answer (HTTP 200) is waited out and the same query sent again.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from ..base import PermanentError, RateLimited, RetryableError
from ..http import MAX_INLINE_WAIT, HttpClient
from . import parse

API_VERSION = "2026-04"
GRAPHQL_PATH = f"/admin/api/{API_VERSION}/graphql.json"
THROTTLE_RETRIES = 4  # throttled answers waited out per query before giving up to the cursor

# What the bucket looked like after the last answer, per (host, store): shared by the adapters
# of one process so two streams of one store do not each think the bucket is full.
_buckets: dict[tuple[str, int], dict[str, float]] = {}
_buckets_lock = threading.Lock()


class ShopifyClient:
    """One store's Admin GraphQL endpoint."""

    def __init__(self, http: HttpClient, access_token: str) -> None:
        self.http = http
        self.access_token = access_token
        self._key = (http.base_url, http.store_id)

    # --- the bucket ---------------------------------------------------------------------------
    def bucket(self) -> dict[str, float] | None:
        with _buckets_lock:
            return dict(_buckets[self._key]) if self._key in _buckets else None

    def _remember(self, body: Any) -> None:
        status = parse.throttle_status(body)
        if status:
            status["at"] = time.monotonic()
            with _buckets_lock:
                _buckets[self._key] = status

    def _pace(self, expected_cost: float) -> None:
        """Wait before sending when the last answer says the bucket cannot cover this query."""
        last = self.bucket()
        if not last or last["restore_rate"] <= 0:
            return
        expected = min(expected_cost, last["maximum"])
        available = min(last["maximum"], last["available"] + (time.monotonic() - last["at"]) * last["restore_rate"])
        if available >= expected:
            return
        wait = (expected - available) / last["restore_rate"]
        if wait > MAX_INLINE_WAIT:
            raise RateLimited("shopify: query cost bucket is low", wait_seconds=wait)
        time.sleep(wait)

    # --- calls --------------------------------------------------------------------------------
    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, operation: str, expected_cost: float = 10
    ) -> dict[str, Any]:
        """Send one query or mutation; return the whole answer (``data`` and ``extensions``).

        A THROTTLED answer is waited out (``(requested − available) / restoreRate``) and the
        same request sent again, a few times at most. Other top-level ``errors`` are permanent:
        the query itself is wrong (or the token lacks a scope)."""
        payload = {"query": query, "variables": variables or {}, "operationName": operation}
        headers = {"X-Shopify-Access-Token": self.access_token, "Content-Type": "application/json"}
        for attempt in range(THROTTLE_RETRIES + 1):
            self._pace(expected_cost)
            response = self.http.request("POST", GRAPHQL_PATH, operation=operation, json=payload, headers=headers)
            try:
                body = response.json()
            except ValueError as error:
                raise RetryableError(f"shopify {operation}: answer is not JSON") from error
            self._remember(body)
            if parse.is_throttled(body):
                wait = parse.throttle_wait(body)
                if attempt == THROTTLE_RETRIES:
                    raise RateLimited(f"shopify {operation}: throttled", wait_seconds=max(wait, 1.0))
                self.http.wait(wait, why=f"shopify {operation}: throttled")
                continue
            errors = parse.graphql_errors(body)
            if errors and not body.get("data"):
                raise PermanentError(f"shopify {operation}: {errors}", platform_message=errors)
            return body
        raise AssertionError("unreachable")  # pragma: no cover


# --- the queries --------------------------------------------------------------------------------

MONEY_BAG = "{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }"

ORDERS_QUERY = f"""
query OrdersSince($first: Int!, $after: String, $query: String!) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    edges {{
      cursor
      node {{
        id name createdAt updatedAt processedAt cancelledAt
        displayFinancialStatus displayFulfillmentStatus
        currencyCode presentmentCurrencyCode email customerLocale
        totalPriceSet {MONEY_BAG}
        totalReceivedSet {MONEY_BAG}
        customer {{ id displayName email }}
        shippingAddress {{ countryCodeV2 }}
        lineItems(first: 20) {{
          edges {{ node {{
            id name title variantTitle sku quantity
            originalUnitPriceSet {MONEY_BAG}
            product {{ id productType }}
          }} }}
        }}
        fulfillments(first: 5) {{
          id status displayStatus createdAt deliveredAt
          trackingInfo(first: 1) {{ company number url }}
        }}
        refunds(first: 10) {{ id createdAt updatedAt note totalRefundedSet {MONEY_BAG} }}
        returns(first: 5) {{
          nodes {{
            id name status createdAt requestApprovedAt closedAt
            decline {{ reason note }}
            returnLineItems(first: 10) {{
              nodes {{
                ... on ReturnLineItem {{
                  id quantity returnReason returnReasonNote customerNote
                  returnReasonDefinition {{ handle name }}
                  fulfillmentLineItem {{ lineItem {{ id sku }} }}
                }}
              }}
            }}
          }}
        }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

ORDER_FOR_REFUND_QUERY = f"""
query OrderForRefund($id: ID!) {{
  order(id: $id) {{
    id name presentmentCurrencyCode
    transactions(first: 20) {{ id kind status gateway amountSet {MONEY_BAG} }}
  }}
}}
"""

ORDER_REFUNDS_QUERY = f"""
query OrderRefunds($id: ID!) {{
  order(id: $id) {{
    id
    refunds(first: 50) {{ id createdAt note totalRefundedSet {MONEY_BAG} }}
  }}
}}
"""

REFUND_CREATE_MUTATION = f"""
mutation RefundCreate($input: RefundInput!, $key: String!) {{
  refundCreate(input: $input) @idempotent(key: $key) {{
    refund {{ id createdAt note totalRefundedSet {MONEY_BAG} }}
    userErrors {{ field message }}
  }}
}}
"""

RETURN_APPROVE_MUTATION = """
mutation ReturnApproveRequest($input: ReturnApproveRequestInput!) {
  returnApproveRequest(input: $input) {
    return { id name status }
    userErrors { code field message }
  }
}
"""

RETURN_DECLINE_MUTATION = """
mutation ReturnDeclineRequest($input: ReturnDeclineRequestInput!) {
  returnDeclineRequest(input: $input) {
    return { id name status decline { reason note } }
    userErrors { code field message }
  }
}
"""

RETURN_STATUS_QUERY = """
query ReturnStatus($id: ID!) {
  return(id: $id) { id name status decline { reason note } }
}
"""

SHOP_QUERY = """
query Shop { shop { name myshopifyDomain currencyCode } }
"""
