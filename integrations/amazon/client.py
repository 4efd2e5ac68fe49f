"""Amazon SP-API calls: LWA token refresh (cached in memory, never persisted), the per-operation
usage plans, and one method per operation the adapter uses (Orders 2026-01-01 and v0, Reports
2021-06-30, Feeds 2021-06-30, Finances v0, Tokens 2021-03-01). HTTP only; parsing is parse.py.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests

from ..base import PermanentError
from ..http import HttpClient, Quota
from . import parse

AUTH_HOST = "https://api.amazon.com"
REGION_HOSTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}
FAR_EAST = {"A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"}
NORTH_AMERICA = {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"}

# Amazon's default usage plans (requests per second, burst), per seller and application.
QUOTAS = {
    "searchOrders": Quota(0.0056, 20),
    "getOrder": Quota(0.5, 30),
    "getOrders": Quota(0.0167, 20),
    "getOrderItems": Quota(0.5, 30),
    "createReport": Quota(0.0167, 15),
    "getReport": Quota(2.0, 15),
    "getReportDocument": Quota(0.0167, 15),
    "createFeedDocument": Quota(0.5, 15),
    "createFeed": Quota(0.0083, 15),
    "getFeed": Quota(2.0, 15),
    "getFeedDocument": Quota(0.0222, 10),
    "listFinancialEvents": Quota(0.5, 30),
    "createRestrictedDataToken": Quota(1.0, 10),
}
TOKEN_MARGIN = 60.0  # refresh this many seconds before the token's expires_in runs out

_tokens: dict[str, tuple[str, float]] = {}  # per process: credential fingerprint → (token, expiry)
_tokens_lock = threading.Lock()


class AmazonClient:
    """One store's SP-API calls. ``credentials``: refresh_token, client_id, client_secret,
    marketplace_ids, orders_api ("2026-01-01" or "v0"), optional auth_url."""

    def __init__(
        self, *, store_id: int, base_url: str, credentials: dict[str, Any], quota_scale: int = 1, session=None
    ) -> None:
        self.credentials = credentials or {}
        self.marketplace_ids = [str(m) for m in self.credentials.get("marketplace_ids") or []]
        self.base_url = (base_url or self._real_host()).rstrip("/")
        self.http = HttpClient(
            platform="amazon", store_id=store_id, base_url=self.base_url, quota_scale=quota_scale, session=session
        )
        self.rates: dict[str, float] = {}  # last x-amzn-RateLimit-Limit seen per operation

    def _real_host(self) -> str:
        first = self.marketplace_ids[0] if self.marketplace_ids else "ATVPDKIKX0DER"
        region = "fe" if first in FAR_EAST else "na" if first in NORTH_AMERICA else "eu"
        return REGION_HOSTS[region]

    @property
    def auth_url(self) -> str:
        """LWA's host: the ``auth_url`` credential, else Amazon's for a real SP-API host, else the
        base URL itself (the sandbox serves ``/auth/o2/token`` beside its APIs)."""
        if self.credentials.get("auth_url"):
            return str(self.credentials["auth_url"]).rstrip("/")
        host = urlsplit(self.base_url).hostname or ""
        return AUTH_HOST if host.endswith("amazon.com") else self.base_url

    # --- authentication --------------------------------------------------------------------
    def _fingerprint(self) -> str:
        parts = (
            self.auth_url,
            str(self.credentials.get("client_id")),
            str(self.credentials.get("client_secret")),
            str(self.credentials.get("refresh_token")),
        )
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def access_token(self, *, force: bool = False) -> str:
        """The LWA access token, refreshed shortly before it expires."""
        key = self._fingerprint()
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not force and cached[1] > time.monotonic():
                return cached[0]
        for name in ("refresh_token", "client_id", "client_secret"):
            if not self.credentials.get(name):
                raise PermanentError(f"amazon: the credentials have no {name}")
        response = self.http.request(
            "POST",
            f"{self.auth_url}/auth/o2/token",
            operation="lwaToken",
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.credentials["refresh_token"],
                "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"],
            },
        )
        token, lifetime = parse.lwa_token(response.json())
        with _tokens_lock:
            _tokens[key] = (token, time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN))
        return token

    def forget_token(self) -> None:
        with _tokens_lock:
            _tokens.pop(self._fingerprint(), None)

    # --- calls -----------------------------------------------------------------------------
    def call(self, method: str, path: str, operation: str, **kwargs: Any) -> requests.Response:
        """One SP-API call with the LWA token, the operation's usage plan and, since a 429 has no
        Retry-After, at least 1/rate seconds before asking again."""
        quota = QUOTAS.get(operation)
        rate = self.rates.get(operation) or (quota.rate * self.http.quota_scale if quota else 1.0)
        for attempt in (0, 1):
            headers = {**kwargs.pop("headers", {}), "x-amz-access-token": self.access_token(force=attempt > 0)}
            try:
                response = self.http.request(
                    method,
                    path,
                    operation=operation,
                    quota=quota,
                    min_wait_on_429=1.0 / rate,
                    headers=headers,
                    **kwargs,
                )
            except PermanentError as error:
                if error.status == 403 and attempt == 0:  # a revoked or expired token: refresh once
                    self.forget_token()
                    kwargs["headers"] = {k: v for k, v in headers.items() if k != "x-amz-access-token"}
                    continue
                raise
            known = parse.rate_limit(response.headers)
            if known:
                self.rates[operation] = known
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, method: str, path: str, operation: str, **kwargs: Any) -> Any:
        response = self.call(method, path, operation, **kwargs)
        try:
            return response.json()
        except ValueError as error:
            raise PermanentError(
                f"amazon {operation}: the answer is not JSON", platform_message=response.text[:300]
            ) from error

    # Orders 2026-01-01
    def search_orders(self, params: dict[str, Any]) -> dict:
        return self.json("GET", "/orders/2026-01-01/orders", "searchOrders", params=params)

    def get_order(self, order_id: str, included: str) -> dict:
        return self.json("GET", f"/orders/2026-01-01/orders/{order_id}", "getOrder", params={"includedData": included})

    # Orders v0 (deprecated; stores not yet migrated)
    def get_orders_v0(self, params: dict[str, Any]) -> dict:
        return self.json("GET", "/orders/v0/orders", "getOrders", params=params)

    def get_order_items_v0(self, order_id: str, next_token: str = "") -> dict:
        params = {"NextToken": next_token} if next_token else None
        return self.json("GET", f"/orders/v0/orders/{order_id}/orderItems", "getOrderItems", params=params)

    # Reports 2021-06-30
    def create_report(self, report_type: str, start: str, end: str) -> str:
        body = {"reportType": report_type, "marketplaceIds": self.marketplace_ids, "dataStartTime": start}
        if end:
            body["dataEndTime"] = end
        return str(self.json("POST", "/reports/2021-06-30/reports", "createReport", json=body)["reportId"])

    def get_report(self, report_id: str) -> dict:
        return self.json("GET", f"/reports/2021-06-30/reports/{report_id}", "getReport")

    def get_report_document(self, document_id: str) -> dict:
        return self.json("GET", f"/reports/2021-06-30/documents/{document_id}", "getReportDocument")

    def download(self, url: str, operation: str = "downloadDocument") -> requests.Response:
        """A pre-signed document URL: no token (the signature is in the URL), fetched at once
        because it expires within minutes."""
        return self.http.request("GET", url, operation=operation)

    # Feeds 2021-06-30
    def create_feed_document(self, content_type: str) -> dict:
        return self.json(
            "POST", "/feeds/2021-06-30/documents", "createFeedDocument", json={"contentType": content_type}
        )

    def upload(self, url: str, data: bytes, content_type: str) -> None:
        self.http.request("PUT", url, operation="uploadFeedDocument", data=data, headers={"Content-Type": content_type})

    def create_feed(self, feed_type: str, document_id: str) -> str:
        body = {"feedType": feed_type, "marketplaceIds": self.marketplace_ids, "inputFeedDocumentId": document_id}
        return str(self.json("POST", "/feeds/2021-06-30/feeds", "createFeed", json=body)["feedId"])

    def get_feed(self, feed_id: str) -> dict:
        return self.json("GET", f"/feeds/2021-06-30/feeds/{feed_id}", "getFeed")

    def get_feed_document(self, document_id: str) -> dict:
        return self.json("GET", f"/feeds/2021-06-30/documents/{document_id}", "getFeedDocument")

    # Finances v0
    def list_financial_events(self, params: dict[str, Any]) -> dict:
        return self.json("GET", "/finances/v0/financialEvents", "listFinancialEvents", params=params)

    # Tokens 2021-03-01: an RDT for buyer PII, on demand only (never in the sync)
    def restricted_data_token(self, paths: list[str], *, method: str = "GET") -> tuple[str, int]:
        body = {"restrictedResources": [{"method": method, "path": path} for path in paths]}
        answer = self.json("POST", "/tokens/2021-03-01/restrictedDataToken", "createRestrictedDataToken", json=body)
        return parse.restricted_data_token(answer)
