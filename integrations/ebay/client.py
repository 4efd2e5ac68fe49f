"""eBay calls: OAuth refresh (the 2-hour user token cached in memory, never persisted), the daily
per-app call limits of each API family, and one method per call the adapter makes (Sell
Fulfillment v1, Post-Order v2, Commerce Message v1). HTTP only; reading payloads is parse.py.

Authentication differs by family: Sell and Commerce take ``Authorization: Bearer <token>``,
Post-Order takes ``Authorization: IAF <token>``; both use the same OAuth user token.

Limits: eBay counts calls per application per API per day (Developer Analytics
``getRateLimits``). A short burst over the limit answers 429 with ``errors[].errorId`` 2001 and
is waited out with backoff; the daily limit ("call limit exceeded", Trading error 518) raises
``RateLimited`` with the wait until the day resets, so the sync loop schedules the cursor and
no worker sleeps.

EU and UK sellers: eBay requires digital-signature headers (``x-ebay-signature-key``,
``Signature-Input``, ``Signature``, ``Content-Digest``, RFC 9421 with an Ed25519 key from the Key
Management API) on ``issueRefund`` and the Post-Order ``issue_refund`` for sellers domiciled in the
EU or UK. They are not sent by this client: a live EU/UK store needs them before refunds are
pushed from here (its refunds are refused with a signature error and dead-letter with eBay's
message). The sandbox does not check them.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import requests

from ..base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from ..http import HttpClient, Quota
from . import parse

REAL_HOST = "https://api.ebay.com"
TOKEN_PATH = "/identity/v1/oauth2/token"
TOKEN_MARGIN = 120.0  # refresh this many seconds before the token's expires_in runs out
THROTTLE_RETRIES = 4
RESET_ZONE = ZoneInfo("America/Los_Angeles")  # eBay's call-limit day runs on Pacific time

# Daily call limits per application (eBay's published defaults), as a rate with a sane burst.
DAILY_LIMITS = {
    "fulfillment": 100_000,
    "post_order": 150_000,
    "commerce_message": 5_000,
    "trading": 5_000,  # GetMyMessages
}
BURST = 50
QUOTAS = {api: Quota(limit / 86400, BURST) for api, limit in DAILY_LIMITS.items()}
ORDERS_PAGE = 200  # getOrders' maximum
SEARCH_PAGE = 100
CONVERSATIONS_PAGE = 50  # the API's largest page; a conversation of one message needs no call more
MESSAGES_PAGE = 50

_tokens: dict[str, tuple[str, float]] = {}  # per process: credential fingerprint → (token, expiry)
_tokens_lock = threading.Lock()


def seconds_to_reset(now: datetime | None = None) -> float:
    """Seconds until the next call-limit day starts (midnight Pacific)."""
    local = (now or datetime.now(RESET_ZONE)).astimezone(RESET_ZONE)
    tomorrow = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60.0, (tomorrow - local).total_seconds())


def iso(moment: datetime) -> str:
    """eBay's filter format: UTC with milliseconds and ``Z``."""
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class EbayClient:
    """One store's eBay calls. ``credentials``: client_id, client_secret, refresh_token,
    marketplace_id (EBAY_DE …), optional auth_url, seller_username, dev_id/app_id/cert_id."""

    def __init__(
        self,
        *,
        store_id: int,
        base_url: str,
        credentials: dict[str, Any],
        quota_scale: int = 1,
        session: requests.Session | None = None,
    ) -> None:
        self.credentials = credentials or {}
        self.base_url = (base_url or REAL_HOST).rstrip("/")
        self.marketplace_id = str(self.credentials.get("marketplace_id") or "EBAY_US")
        self.http = HttpClient(
            platform="ebay", store_id=store_id, base_url=self.base_url, quota_scale=quota_scale, session=session
        )
        # HttpClient turns a 429 we do not let it retry into PermanentError without the response;
        # keep the last response so its body and Retry-After can be read.
        self._last: requests.Response | None = None
        self.http.session.hooks.setdefault("response", []).append(self._remember)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._last = response

    # --- authentication --------------------------------------------------------------------
    @property
    def auth_url(self) -> str:
        return str(self.credentials.get("auth_url") or self.base_url).rstrip("/")

    def _fingerprint(self) -> str:
        parts = (self.auth_url, str(self.credentials.get("client_id")), str(self.credentials.get("refresh_token")))
        return hashlib.sha256("\x00".join(parts).encode()).hexdigest()

    def access_token(self, *, force: bool = False) -> str:
        key = self._fingerprint()
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not force and cached[1] > time.time():
                return cached[0]
        for name in ("client_id", "client_secret", "refresh_token"):
            if not self.credentials.get(name):
                raise PermanentError(f"ebay: the connection has no {name}")
        data = {"grant_type": "refresh_token", "refresh_token": self.credentials["refresh_token"]}
        if self.credentials.get("scope"):
            data["scope"] = self.credentials["scope"]
        try:
            response = self.http.request(
                "POST",
                f"{self.auth_url}{TOKEN_PATH}",
                operation="identity",
                auth=(str(self.credentials["client_id"]), str(self.credentials["client_secret"])),
                data=data,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except PermanentError as error:
            raise PermanentError(
                "ebay: the refresh token was refused", platform_message=error.platform_message, status=error.status
            ) from error
        body = self._json(response)
        token = body.get("access_token")
        if not token:
            raise PermanentError("ebay: the token answer has no access_token", platform_message=response.text[:300])
        expiry = time.time() + float(body.get("expires_in") or 7200) - TOKEN_MARGIN
        with _tokens_lock:
            _tokens[key] = (token, expiry)
        return token

    def forget_token(self) -> None:
        with _tokens_lock:
            _tokens.pop(self._fingerprint(), None)

    # --- the one call path -----------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        *,
        api: str,
        scheme: str = "Bearer",
        moves_money: bool = False,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        """One eBay call, JSON in and out. 401 refreshes the token once; a 429 burst is waited
        out; the daily limit raises RateLimited; a business refusal raises PermanentError with
        eBay's words. ``moves_money``: never resent blindly (a timeout is UnknownOutcome)."""
        url = path + (("&" if "?" in path else "?") + urlencode(params) if params else "")
        refreshed = False
        attempt = 0
        while True:
            headers = {
                "Authorization": f"{scheme} {self.access_token()}",
                "Accept": "application/json",
                "X-EBAY-C-MARKETPLACE-ID": self.marketplace_id,
            }
            if body is not None:
                headers["Content-Type"] = "application/json"
            try:
                response = self._send(method, url, api=api, moves_money=moves_money, headers=headers, body=body)
            except PermanentError as error:
                answer = self._last_json()
                if error.status == 401 and not refreshed:
                    refreshed = True
                    self.forget_token()
                    continue
                if error.status == 429:
                    if parse.is_daily_limit(answer):
                        wait = self._retry_after() or seconds_to_reset()
                        self.http.throttled += 1
                        raise RateLimited(
                            f"ebay {api}: the daily call limit is used up",
                            wait_seconds=wait,
                            platform_message=parse.error_text(answer) or error.platform_message,
                            status=429,
                        ) from error
                    if attempt >= THROTTLE_RETRIES:
                        raise RateLimited(
                            f"ebay {api}: still throttled",
                            wait_seconds=30.0,
                            platform_message=parse.error_text(answer),
                            status=429,
                        ) from error
                    self.http.wait(self._retry_after() or min(4.0, 0.5 * 2**attempt), why=f"ebay {api}: 429")
                    attempt += 1
                    continue
                if moves_money and error.status is not None and error.status >= 500:
                    raise UnknownOutcome(
                        f"ebay {api}: HTTP {error.status} on a refund", platform_message=error.platform_message
                    ) from error
                raise PermanentError(
                    f"ebay {api}: HTTP {error.status}",
                    platform_message=parse.error_text(answer) or error.platform_message,
                    status=error.status,
                ) from error
            return self._json(response) if response.content else {}

    def _send(self, method: str, url: str, *, api: str, moves_money: bool, headers: dict, body: Any):
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs["data"] = json.dumps(body).encode()
        if not moves_money:
            return self.http.request(
                method,
                url,
                operation=api,
                quota=QUOTAS.get(api),
                retry_statuses=frozenset({500, 502, 503, 504}),
                **kwargs,
            )
        retries, self.http.max_retries = self.http.max_retries, 0
        try:
            return self.http.request(
                method, url, operation=api, quota=QUOTAS.get(api), retry_statuses=frozenset(), **kwargs
            )
        except RetryableError as error:
            if isinstance(error, RateLimited) or isinstance(error.__cause__, requests.ConnectTimeout):
                raise  # never reached eBay
            raise UnknownOutcome(f"ebay {api}: no answer to a refund", platform_message=str(error)) from error
        finally:
            self.http.max_retries = retries

    def _last_json(self) -> Any:
        if self._last is None:
            return None
        try:
            return self._last.json()
        except ValueError:
            return None

    def _retry_after(self) -> float | None:
        value = self._last.headers.get("Retry-After") if self._last is not None else None
        try:
            return max(0.0, float(value)) if value else None
        except ValueError:
            return None

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as error:
            raise PermanentError("ebay: the answer is not JSON", platform_message=response.text[:300]) from error

    # --- Sell Fulfillment ------------------------------------------------------------------
    def get_orders(self, *, since: datetime, until: datetime, offset: int = 0, limit: int = ORDERS_PAGE) -> dict:
        params = {"filter": f"lastmodifieddate:[{iso(since)}..{iso(until)}]", "limit": limit, "offset": offset}
        return self.call("GET", "/sell/fulfillment/v1/order", api="fulfillment", params=params)

    def get_order(self, order_id: str) -> dict:
        return self.call("GET", f"/sell/fulfillment/v1/order/{order_id}", api="fulfillment")

    def issue_refund(self, order_id: str, request: dict) -> dict:
        return self.call(
            "POST",
            f"/sell/fulfillment/v1/order/{order_id}/issue_refund",
            api="fulfillment",
            moves_money=True,
            body=request,
        )

    # --- Post-Order ------------------------------------------------------------------------
    def search_returns(self, *, since: datetime, until: datetime, page: int, limit: int = SEARCH_PAGE) -> dict:
        params = {
            "creation_date_range_from": iso(since),
            "creation_date_range_to": iso(until),
            "limit": limit,
            "offset": page,  # a page number in the Post-Order API
        }
        return self.call("GET", "/post-order/v2/return/search", api="post_order", scheme="IAF", params=params)

    def get_return(self, return_id: str) -> dict:
        return self.call(
            "GET",
            f"/post-order/v2/return/{return_id}",
            api="post_order",
            scheme="IAF",
            params={"fieldgroups": "SUMMARY"},
        )

    def decide_return(self, return_id: str, *, decision: str, comment: str = "") -> dict:
        body: dict[str, Any] = {"decision": decision}
        if comment:
            body["comments"] = {"content": comment[:1000]}
        return self.call("POST", f"/post-order/v2/return/{return_id}/decide", api="post_order", scheme="IAF", body=body)

    def search_disputes(
        self, kind: str, *, since: datetime, until: datetime, page: int, limit: int = SEARCH_PAGE
    ) -> dict:
        path, prefix = (
            ("/post-order/v2/inquiry/search", "inquiry")
            if kind == "inquiry"
            else ("/post-order/v2/casemanagement/search", "case")
        )
        params = {
            f"{prefix}_creation_date_range_from": iso(since),
            f"{prefix}_creation_date_range_to": iso(until),
            "limit": limit,
            "offset": page,
        }
        return self.call("GET", path, api="post_order", scheme="IAF", params=params)

    # --- Commerce Message ------------------------------------------------------------------
    def get_conversations(
        self, *, since: datetime, until: datetime, offset: int, limit: int = CONVERSATIONS_PAGE
    ) -> dict:
        params = {
            "conversation_type": "FROM_MEMBERS",
            "start_time": iso(since),
            "end_time": iso(until),
            "limit": limit,
            "offset": offset,
        }
        return self.call("GET", "/commerce/message/v1/conversation", api="commerce_message", params=params)

    def get_conversation(self, conversation_id: str, *, offset: int = 0, limit: int = MESSAGES_PAGE) -> dict:
        params = {"conversation_type": "FROM_MEMBERS", "limit": limit, "offset": offset}
        return self.call(
            "GET", f"/commerce/message/v1/conversation/{conversation_id}", api="commerce_message", params=params
        )

    def latest_messages(self, conversation_id: str) -> dict:
        """A conversation's newest messages: its last page (messages come oldest first)."""
        answer = self.get_conversation(conversation_id)
        total = int(answer.get("total") or 0)
        if total > MESSAGES_PAGE:
            answer = self.get_conversation(conversation_id, offset=total - MESSAGES_PAGE)
        return answer

    def send_message(self, request: dict) -> dict:
        return self.call("POST", "/commerce/message/v1/send_message", api="commerce_message", body=request)
