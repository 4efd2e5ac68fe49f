"""The Amazon adapter: orders (searchOrders 2026-01-01, or v0 getOrders + getOrderItems for
stores not yet migrated), returns from the Reports API (flat-file returns and, for FBA stores,
FBA customer returns: create → poll → download), refund events from Finances, and refunds pushed
as a payment-adjustment feed whose result is read back from the processing report.

Cursors (JSON dicts stored by the sync loop):
- orders: ``{"high_water": ISO, "since": ISO, "token": str}`` (+ v0 ``"pending"``: orders of the
  current page whose items are still to fetch when getOrderItems' quota ran out);
- returns: ``{"high_water", "since", "until", "queue": [report types], "report_id", "report_type"}``;
- refunds: ``{"high_water", "since", "until", "token"}``.
A cursor may carry ``next_run_in_seconds``: the stream has nothing to do before then (a report
still being built, a quota to wait out).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext as _

from tickets.errors import MoneyError
from tickets.money import currency_exponent
from tickets.records import PlatformAmount, Record

from ..base import Page, PermanentError, PushResult, RateLimited, RawPage
from . import parse
from .client import AmazonClient

ORDERS_OVERLAP = timedelta(minutes=5)
REFUNDS_OVERLAP = timedelta(minutes=10)
RETURNS_OVERLAP = timedelta(days=1)  # report rows carry dates without a time
MIN_AGE = timedelta(minutes=2)  # LastUpdatedAfter / PostedBefore must be at least 2 minutes old
BACKFILL_DAYS = 30
REPORT_POLL_SECONDS = 30
INCLUDED_DATA = "PROCEEDS,FULFILLMENT,PACKAGES,CANCELLATION"
FEED_CONTENT_TYPE = "text/xml; charset=UTF-8"
PENDING_FEED = {"IN_QUEUE", "IN_PROGRESS"}


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class AmazonAdapter:
    platform = "amazon"
    streams = ("orders", "returns", "refunds")

    def __init__(self, store: Any, connection: Any) -> None:
        self.store = store
        self.connection = connection
        self.credentials: dict[str, Any] = dict(connection.credentials or {})
        self.client = AmazonClient(
            store_id=store.pk or 0,
            base_url=connection.base_url or "",
            credentials=self.credentials,
            quota_scale=getattr(connection, "quota_scale", 1) or 1,
        )
        self.http = self.client.http
        self.orders_api = str(self.credentials.get("orders_api") or "2026-01-01")
        self.page_size = max(1, min(100, int(self.credentials.get("page_size") or 100)))
        self.backfill = timedelta(days=int(self.credentials.get("backfill_days") or BACKFILL_DAYS))

    # --- the protocol ----------------------------------------------------------------------
    def pull(self, stream: str, cursor: dict[str, Any], *, now: datetime) -> Page:
        cursor = dict(cursor or {})
        cursor.pop("next_run_in_seconds", None)
        calls_before = self.http.calls
        if stream == "orders":
            page = self._pull_orders_v0(cursor, now) if self.orders_api == "v0" else self._pull_orders(cursor, now)
        elif stream == "returns":
            page = self._pull_returns(cursor, now)
        elif stream == "refunds":
            page = self._pull_refunds(cursor, now)
        else:
            raise PermanentError(f"amazon has no stream {stream!r}")
        return Page(
            raw=page.raw,
            records=page.records,
            cursor=page.cursor,
            has_more=page.has_more,
            failures=page.failures,
            calls=self.http.calls - calls_before,
        )

    def parse(self, stream: str, body: Any) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
        try:
            if stream == "orders":
                if isinstance(body, dict) and "orders" in body:
                    records, failures, _token, _mark = parse.orders_page_2026(body)
                else:
                    records, failures, _token, _mark = parse.orders_page_v0(body)
            elif stream == "returns":
                records, failures = parse.report(str(body.get("report_type") or ""), str(body["text"]))
            elif stream == "refunds":
                records, failures, _token = parse.financial_events(body)
            else:
                raise PermanentError(f"amazon has no stream {stream!r}")
        except (parse.ParseError, KeyError, TypeError, AttributeError) as error:
            raise PermanentError(f"amazon {stream}: unreadable answer: {error}") from error
        return tuple(records), tuple(failures)

    def push(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult:
        if kind == "execute_refund":
            return self._push_refund(payload, idempotency_key)
        if kind == "approve_return":
            raise PermanentError(_("Amazon return authorizations are decided in Seller Central."))
        if kind == "create_replacement":
            raise PermanentError(_("Create the replacement order in Seller Central (Orders → Create replacement)."))
        raise PermanentError(_("Amazon cannot do %(kind)s through its API.") % {"kind": kind})

    def lookup(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult | None:
        # Feeds cannot be searched by our key: without the feed id of an earlier push nothing is
        # known, and sending again is safe because Amazon deduplicates on MerchantAdjustmentID.
        if kind != "execute_refund" or not payload.get("reference"):
            return None
        return self.feed_result(str(payload["reference"]))

    def test_connection(self) -> str:
        answer = self.client.json("GET", "/sellers/v1/marketplaceParticipations", "getMarketplaceParticipations")
        names = [
            f"{(p.get('marketplace') or {}).get('name', '')} ({(p.get('marketplace') or {}).get('id', '')})"
            for p in answer.get("payload") or []
        ]
        return _("Amazon seller in %(markets)s") % {"markets": ", ".join(names) or "-"}

    # --- orders ----------------------------------------------------------------------------
    def _window_start(self, cursor: dict[str, Any], now: datetime, overlap: timedelta) -> datetime:
        high_water = cursor.get("high_water")
        start = parse.parse_time(high_water) - overlap if high_water else now - self.backfill
        return min(start, now - MIN_AGE)

    def _pull_orders(self, cursor: dict[str, Any], now: datetime) -> Page:
        token = str(cursor.get("token") or "")
        since = cursor.get("since") or _iso(self._window_start(cursor, now, ORDERS_OVERLAP))
        params: dict[str, Any] = {
            "marketplaceIds": ",".join(self.client.marketplace_ids),
            "lastUpdatedAfter": since,
            "maxResultsPerPage": self.page_size,
            "includedData": INCLUDED_DATA,
        }
        if token:
            params["paginationToken"] = token
        body = self.client.search_orders(params)
        try:
            records, failures, next_token, mark = parse.orders_page_2026(body)
        except parse.ParseError as error:
            raise PermanentError(f"amazon searchOrders: {error}") from error
        raw = (RawPage(body=body, external_id=f"searchOrders:{since}:{_digest(token)}"),)
        if next_token:
            new = {"high_water": cursor.get("high_water"), "since": since, "token": next_token}
        else:
            new = {"high_water": _iso(mark or now - MIN_AGE), "since": "", "token": ""}
        return Page(raw=raw, records=tuple(records), cursor=new, has_more=bool(next_token), failures=tuple(failures))

    def _pull_orders_v0(self, cursor: dict[str, Any], now: datetime) -> Page:
        pending: list[dict] = list(cursor.get("pending") or [])
        token = str(cursor.get("token") or "")
        since = cursor.get("since") or _iso(self._window_start(cursor, now, ORDERS_OVERLAP))
        high_water = cursor.get("high_water")
        next_high_water = cursor.get("next_high_water")
        raw: list[RawPage] = []
        failures: list[tuple[Any, str]] = []
        if not pending:
            params: dict[str, Any] = {"MarketplaceIds": ",".join(self.client.marketplace_ids)}
            if token:
                params["NextToken"] = token  # requests URL-encodes its + / =
            else:
                params.update({"LastUpdatedAfter": since, "MaxResultsPerPage": self.page_size})
            body = self.client.get_orders_v0(params)
            payload = body.get("payload") if isinstance(body, dict) else None
            if not isinstance(payload, dict):
                raise PermanentError("amazon getOrders: an answer without a payload")
            pending = list(payload.get("Orders") or [])
            token = str(payload.get("NextToken") or "")
            mark = payload.get("LastUpdatedBefore") or payload.get("CreatedBefore")
            try:
                next_high_water = _iso(parse.parse_time(mark)) if mark else _iso(now - MIN_AGE)
            except parse.ParseError:
                next_high_water = _iso(now - MIN_AGE)
        done: list[dict] = []
        wait = 0.0
        while pending:
            order = pending[0]
            try:
                order = {**order, "OrderItems": self._order_items_v0(str(order.get("AmazonOrderId")))}
            except RateLimited as error:  # the rest of this page waits for getOrderItems' quota
                wait = error.wait_seconds
                break
            except PermanentError as error:
                failures.append((order, f"getOrderItems: {error} {error.platform_message}".strip()))
                pending.pop(0)
                continue
            done.append(order)
            pending.pop(0)
        records: list[Record] = []
        if done:
            page_body = {"payload": {"Orders": done, "LastUpdatedBefore": next_high_water}}
            raw.append(
                RawPage(body=page_body, external_id=f"getOrders:{since}:{_digest(*(o['AmazonOrderId'] for o in done))}")
            )
            for order in done:
                try:
                    records.append(parse.order_v0(order))
                except parse.ParseError as error:
                    failures.append((order, str(error)))
        if pending or token:
            new: dict[str, Any] = {
                "high_water": high_water,
                "since": since,
                "token": token,
                "pending": pending,
                "next_high_water": next_high_water,
            }
        else:
            new = {"high_water": next_high_water, "since": "", "token": ""}
        if wait:
            new["next_run_in_seconds"] = round(wait, 1)
        return Page(
            raw=tuple(raw),
            records=tuple(records),
            cursor=new,
            has_more=bool((pending or token) and not wait),
            failures=tuple(failures),
        )

    def _order_items_v0(self, order_id: str) -> list[dict]:
        items: list[dict] = []
        token = ""
        while True:
            body = self.client.get_order_items_v0(order_id, token)
            items.extend(parse.order_items_v0(body))
            token = str((body.get("payload") or {}).get("NextToken") or "")
            if not token:
                return items

    # --- returns ---------------------------------------------------------------------------
    def _report_types(self) -> list[str]:
        types = [parse.FLAT_RETURNS_REPORT]
        if parse.flag(self.credentials.get("fba")):
            types.append(parse.FBA_RETURNS_REPORT)
        return types

    def _pull_returns(self, cursor: dict[str, Any], now: datetime) -> Page:
        cursor = dict(cursor)
        if not cursor.get("report_id"):
            if not cursor.get("queue"):
                cursor["since"] = _iso(self._window_start(cursor, now, RETURNS_OVERLAP))
                cursor["until"] = _iso(now)
                cursor["queue"] = self._report_types()
            cursor["report_type"] = cursor["queue"][0]
            cursor["report_id"] = self.client.create_report(cursor["report_type"], cursor["since"], cursor["until"])
        report = self.client.get_report(cursor["report_id"])
        status, document_id = parse.report_state(report)
        if status in {"IN_QUEUE", "IN_PROGRESS"}:  # never sleep for a report: come back later
            return Page(raw=(), records=(), cursor={**cursor, "next_run_in_seconds": REPORT_POLL_SECONDS})
        raw: tuple[RawPage, ...] = ()
        records: list = []
        failures: list[tuple[Any, str]] = []
        if status == "DONE" and document_id:
            text = self._document(self.client.get_report_document(document_id))
            body = {"report_type": cursor["report_type"], "report_id": cursor["report_id"], "text": text}
            raw = (RawPage(body=body, external_id=f"report:{cursor['report_id']}"),)
            try:
                records, failures = parse.report(cursor["report_type"], text)
            except parse.ParseError as error:
                raise PermanentError(f"amazon report {cursor['report_id']}: {error}") from error
        elif status == "FATAL":
            failures.append((report, f"report {cursor['report_id']} ({cursor['report_type']}) ended FATAL"))
        # DONE, CANCELLED (no data in the window) and FATAL all move on to the next report.
        queue = list(cursor.get("queue") or [])[1:]
        new: dict[str, Any] = {**cursor, "queue": queue, "report_id": "", "report_type": ""}
        if not queue:
            new["high_water"] = cursor["until"]
        return Page(raw=raw, records=tuple(records), cursor=new, has_more=bool(queue), failures=tuple(failures))

    # --- refunds (Finances) ----------------------------------------------------------------
    def _pull_refunds(self, cursor: dict[str, Any], now: datetime) -> Page:
        token = str(cursor.get("token") or "")
        if token:
            since, until = cursor["since"], cursor["until"]
            params: dict[str, Any] = {"NextToken": token, "MaxResultsPerPage": 100}
        else:
            since = _iso(self._window_start(cursor, now, REFUNDS_OVERLAP))
            until = _iso(now - MIN_AGE)
            params = {"PostedAfter": since, "PostedBefore": until, "MaxResultsPerPage": 100}
        body = self.client.list_financial_events(params)
        try:
            records, failures, next_token = parse.financial_events(body)
        except parse.ParseError as error:
            raise PermanentError(f"amazon listFinancialEvents: {error}") from error
        raw = (RawPage(body=body, external_id=f"financialEvents:{since}:{_digest(token)}"),)
        if next_token:
            new = {"high_water": cursor.get("high_water"), "since": since, "until": until, "token": next_token}
        else:
            new = {"high_water": until, "since": "", "until": "", "token": ""}
        return Page(raw=raw, records=tuple(records), cursor=new, has_more=bool(next_token), failures=tuple(failures))

    # --- refunds pushed as a payment-adjustment feed ---------------------------------------
    def _order_item_ids(self, order_id: str) -> list[str]:
        if self.orders_api == "v0":
            return [str(i["OrderItemId"]) for i in self._order_items_v0(order_id)]
        order = self.client.get_order(order_id, "PROCEEDS")
        node = order.get("order") if isinstance(order.get("order"), dict) else order
        return [str(i["orderItemId"]) for i in node.get("orderItems") or []]

    def _adjustments(self, payload: dict[str, Any], total: PlatformAmount) -> list[parse.Adjustment]:
        """Our refund split over the order items: by quantity over the lines named (the
        remainder on the last), or all on the order's first item when no line is named."""
        lines = [(str(line["line_external_id"]), int(line.get("quantity") or 1)) for line in payload.get("lines") or []]
        if not lines:
            item_ids = self._order_item_ids(str(payload["order_external_id"]))
            if not item_ids:
                raise PermanentError(_("The Amazon order has no items to refund."))
            lines = [(item_ids[0], 1)]
        step = Decimal(1).scaleb(-currency_exponent(total.currency))
        units = sum(quantity for _, quantity in lines)
        left = total.amount
        adjustments = []
        for index, (item_id, quantity) in enumerate(lines):
            share = left if index == len(lines) - 1 else (total.amount * quantity / units).quantize(step, ROUND_DOWN)
            left -= share
            adjustments.append(parse.Adjustment(item_id, PlatformAmount.parse(share, total.currency)))
        return adjustments

    def _push_refund(self, payload: dict[str, Any], key: str) -> PushResult:
        try:
            total = PlatformAmount.parse(payload["amount"], payload["currency"])
        except (KeyError, MoneyError) as error:
            raise PermanentError(_("The refund amount cannot be read: %(error)s") % {"error": error}) from error
        if total.amount <= 0:
            raise PermanentError(_("An Amazon refund must be a positive amount."))
        feed = parse.adjustment_feed(
            merchant_id=str(self.credentials.get("merchant_id") or self.credentials.get("seller_id") or ""),
            order_id=str(payload["order_external_id"]),
            adjustment_id=key,
            reason="CustomerReturn" if payload.get("return_external_id") else "GeneralAdjustment",
            items=self._adjustments(payload, total),
        )
        try:
            document_id, url, _compression = parse.document_location(
                self.client.create_feed_document(FEED_CONTENT_TYPE)
            )
        except parse.ParseError as error:
            raise PermanentError(f"amazon createFeedDocument: {error}") from error
        self.client.upload(url, feed, FEED_CONTENT_TYPE)
        feed_id = self.client.create_feed("POST_PAYMENT_ADJUSTMENT_DATA", document_id)
        return PushResult(done=True, pending=True, reference=feed_id, amount=total)

    def _document(self, answer: dict) -> str:
        """Fetch a report or feed-result document at once (its URL expires) and decode it."""
        try:
            _id, url, compression = parse.document_location(answer)
        except parse.ParseError as error:
            raise PermanentError(f"amazon document: {error}") from error
        response = self.client.download(url)
        return parse.decode_document(
            response.content, content_type=response.headers.get("Content-Type", ""), compression=compression
        )

    def feed_result(self, feed_id: str) -> PushResult:
        """Where a payment-adjustment feed stands: in flight, done, or refused (with Amazon's
        result code, e.g. ``18028: order not found``). DONE alone is no success: the
        processing report's Result for our message decides."""
        status, document_id = parse.feed_state(self.client.get_feed(feed_id))
        if status in PENDING_FEED:
            return PushResult(done=True, pending=True, reference=feed_id, details={"processing_status": status})
        if status != "DONE":
            return PushResult(done=False, reference=feed_id, platform_message=f"feed {feed_id}: {status}")
        text = self._document(self.client.get_feed_document(document_id))
        try:
            report = parse.processing_report(text)
        except parse.ParseError as error:
            raise PermanentError(f"amazon feed {feed_id}: {error}") from error
        error = report.result_for("1")
        if error is not None:
            return PushResult(
                done=False, reference=feed_id, platform_message=f"{error.message_code}: {error.description}"
            )
        return PushResult(done=True, pending=False, reference=feed_id)
