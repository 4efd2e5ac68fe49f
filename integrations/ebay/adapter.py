"""The eBay adapter: walks orders (Sell Fulfillment), returns, inquiries and cases (Post-Order)
and buyer conversations (Commerce Message) page by page, and pushes refunds, return decisions
and replies.

Cursors (JSON on SyncCursor.position):

- orders / messages: a round covers a fixed window ``[since..until]`` of modification times,
  walked by offset; when it ends the cursor keeps ``high_water_mark`` = ``until`` and the next
  round starts ``OVERLAP`` before it (eBay data lands late; upserts absorb the repeats);
- returns / disputes: Post-Order summaries carry no modification time (returns) or change
  state without a searchable date, so each round re-reads everything *created* in a look-back
  window, page by page (the ``offset`` there is a page number). Disputes walk inquiries, then
  cases, in one round.

eBay has no idempotency key: the refund's ``comment`` starts with ours, and the outbox's lookup
(``GET order`` → ``paymentSummary.refunds[]``) is what prevents a second refund on a retry.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

from tickets.errors import MoneyError
from tickets.records import PlatformAmount, Record

from ..base import Page, PermanentError, PushResult, RawPage
from . import parse
from .client import EbayClient, iso

OVERLAP = timedelta(minutes=5)
BACKFILL_DAYS = 30
LOOKBACK_DAYS = 90  # returns, inquiries and cases are re-read while they are this young
MESSAGE_LIMIT = 2000  # Commerce Message messageText
COMMENT_LIMIT = 100  # issueRefund comment

REFUND_REASONS = {
    "lost": "ITEM_NOT_RECEIVED",
    "late": "ITEM_NOT_RECEIVED",
    "not_as_described": "SELLER_WRONG_ITEM",
}
OPEN_RETURN_STATES = frozenset({"RETURN_REQUESTED", "RETURN_REQUESTED_TIMEOUT"})


class EbayAdapter:
    platform = "ebay"
    streams = ("orders", "returns", "disputes", "messages")

    def __init__(self, store: Any, connection: Any) -> None:
        self.store = store
        self.connection = connection
        self.credentials: dict[str, Any] = dict(connection.credentials or {})
        self.client = EbayClient(
            store_id=store.pk or 0,
            base_url=connection.base_url or "",
            credentials=self.credentials,
            quota_scale=getattr(connection, "quota_scale", 1) or 1,
        )
        self.http = self.client.http

    # --- pull ------------------------------------------------------------------------------
    def pull(self, stream: str, cursor: dict[str, Any], *, now: datetime) -> Page:
        pullers = {
            "orders": self._pull_orders,
            "returns": self._pull_returns,
            "disputes": self._pull_disputes,
            "messages": self._pull_messages,
        }
        if stream not in pullers:
            raise PermanentError(f"ebay has no stream {stream!r}")
        before = self.http.calls
        try:
            page = pullers[stream](dict(cursor or {}), now)
        except parse.UnreadablePayload as error:
            raise PermanentError(f"ebay {stream}: {error}") from error
        return replace(page, calls=self.http.calls - before)

    def _days(self, key: str, default: int) -> timedelta:
        try:
            return timedelta(days=int(self.credentials.get(key) or default))
        except (TypeError, ValueError):
            return timedelta(days=default)

    def _window(self, cursor: dict, now: datetime) -> tuple[datetime, datetime, int]:
        """The round in progress, or a new one from the high-water mark (less the overlap)."""
        if cursor.get("until"):
            return parse.dt(cursor["since"]), parse.dt(cursor["until"]), int(cursor.get("offset") or 0)
        mark = cursor.get("high_water_mark")
        since = parse.dt(mark) - OVERLAP if mark else now - self._days("backfill_days", BACKFILL_DAYS)
        return since, now, 0

    def _pull_orders(self, cursor: dict, now: datetime) -> Page:
        since, until, offset = self._window(cursor, now)
        answer = self.client.get_orders(since=since, until=until, offset=offset)
        records, failures = parse.parse_orders_page(answer)
        orders = answer.get("orders") or []
        total = int(answer.get("total") or 0)
        done = offset + len(orders)
        if answer.get("next") and orders:
            next_cursor = {
                "since": iso(since),
                "until": iso(until),
                "offset": _next_offset(answer["next"], done),
                "high_water_mark": cursor.get("high_water_mark"),
            }
            has_more = True
        else:
            next_cursor, has_more = {"high_water_mark": iso(until)}, False
        return Page(
            raw=(RawPage(body=answer, external_id=f"orders:{iso(since)}..{iso(until)}@{offset}"),),
            records=tuple(records),
            failures=tuple(failures),
            cursor=next_cursor,
            has_more=has_more,
            backfill=(done, total) if total else None,
        )

    def _lookback(self, cursor: dict, now: datetime) -> tuple[datetime, datetime, int]:
        if cursor.get("until"):
            return parse.dt(cursor["since"]), parse.dt(cursor["until"]), int(cursor.get("page") or 1)
        days = max(self._days("backfill_days", BACKFILL_DAYS), self._days("lookback_days", LOOKBACK_DAYS))
        return now - days, now, 1

    def _pull_returns(self, cursor: dict, now: datetime) -> Page:
        since, until, page = self._lookback(cursor, now)
        answer = self.client.search_returns(since=since, until=until, page=page)
        records, failures = parse.parse_returns_page(answer, observed_at=now)
        pages = int((answer.get("paginationOutput") or {}).get("totalPages") or 0)
        more = page < pages and bool(answer.get("members"))
        return Page(
            raw=(RawPage(body=answer, external_id=f"returns:{iso(since)}..{iso(until)}#{page}"),),
            records=tuple(records),
            failures=tuple(failures),
            cursor={"since": iso(since), "until": iso(until), "page": page + 1} if more else {"last_round": iso(until)},
            has_more=more,
            backfill=_page_progress(answer, page),
        )

    def _pull_disputes(self, cursor: dict, now: datetime) -> Page:
        since, until, page = self._lookback(cursor, now)
        kind = cursor.get("kind") or "inquiry"
        answer = self.client.search_disputes(kind, since=since, until=until, page=page)
        records, failures = parse.parse_disputes_page(answer, kind)
        pages = int((answer.get("paginationOutput") or {}).get("totalPages") or 0)
        window = {"since": iso(since), "until": iso(until)}
        if page < pages and answer.get("members"):
            next_cursor, more = {**window, "kind": kind, "page": page + 1}, True
        elif kind == "inquiry":
            next_cursor, more = {**window, "kind": "case", "page": 1}, True
        else:
            next_cursor, more = {"last_round": iso(until)}, False
        return Page(
            raw=(RawPage(body=answer, external_id=f"{kind}:{iso(since)}..{iso(until)}#{page}"),),
            records=tuple(records),
            failures=tuple(failures),
            cursor=next_cursor,
            has_more=more,
        )

    def _pull_messages(self, cursor: dict, now: datetime) -> Page:
        since, until, offset = self._window(cursor, now)
        answer = self.client.get_conversations(since=since, until=until, offset=offset)
        conversations = [c for c in answer.get("conversations") or [] if isinstance(c, dict)]
        raw = [RawPage(body=answer, external_id=f"conversations:{iso(since)}..{iso(until)}@{offset}")]
        seen: dict[str, Record] = {}
        failures: list[tuple[Any, str]] = []
        seller = str(self.credentials.get("seller_username") or "")
        for conversation in conversations:
            conversation_id = parse.ident(conversation.get("conversationId"))
            if not conversation_id:
                failures.append((conversation, "a conversation without conversationId"))
                continue
            if parse.single_message(conversation):
                # The list already holds the conversation's only message: no call for its detail.
                records, failed = parse.parse_conversations({"conversations": [conversation]}, seller=seller)
            else:
                detail = self.client.latest_messages(conversation_id)
                raw.append(
                    RawPage(
                        body=detail, external_id=f"conversation:{conversation_id}@{len(detail.get('messages') or [])}"
                    )
                )
                records, failed = parse.parse_conversation(
                    {**detail, "conversationId": conversation_id} if not parse.conversation_id_of(detail) else detail,
                    seller=seller,
                    title=str(conversation.get("conversationTitle") or ""),
                    item_id=parse.ident(conversation.get("referenceId")),
                )
            failures.extend(failed)
            for record in records:
                seen.setdefault(record.external_id, record)
        done = offset + len(conversations)
        if answer.get("next") and conversations:
            next_cursor = {
                "since": iso(since),
                "until": iso(until),
                "offset": _next_offset(answer["next"], done),
                "high_water_mark": cursor.get("high_water_mark"),
            }
            more = True
        else:
            next_cursor, more = {"high_water_mark": iso(until)}, False
        total = int(answer.get("total") or 0)
        return Page(
            raw=tuple(raw),
            records=tuple(seen.values()),
            failures=tuple(failures),
            cursor=next_cursor,
            has_more=more,
            backfill=(done, total) if total else None,
        )

    # --- parse (replays, ingest_payload) --------------------------------------------------
    def parse(self, stream: str, body: Any) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
        try:
            if stream == "orders":
                records, failures = parse.parse_orders_page(body)
            elif stream == "returns":
                records, failures = parse.parse_returns_page(body)
            elif stream == "disputes":
                records, failures = parse.parse_disputes_page(body, parse.dispute_kind_of(body))
            elif stream == "messages" and isinstance(body, dict) and "conversations" in body:
                records, failures = parse.parse_conversations(
                    body, seller=str(self.credentials.get("seller_username") or "")
                )
            elif stream == "messages" and isinstance(body, dict) and "messages" in body:
                records, failures = parse.parse_conversation(
                    body, seller=str(self.credentials.get("seller_username") or "")
                )
            elif stream in {"messages:trading", "messages"}:
                text = body.get("text") if isinstance(body, dict) else body
                if not isinstance(text, str | bytes):
                    raise parse.UnreadablePayload("a Trading answer is stored as {'text': ...}")
                records, failures = parse.parse_trading_messages(text)
            else:
                raise PermanentError(f"ebay has no stream {stream!r}")
        except parse.UnreadablePayload as error:
            raise PermanentError(f"ebay {stream}: {error}") from error
        except parse.TradingError as error:
            raise PermanentError(f"ebay {stream}: Trading error", platform_message=str(error)) from error
        return tuple(records), tuple(failures)

    # --- push ------------------------------------------------------------------------------
    def push(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult:
        if kind == "execute_refund":
            return self._refund(payload, idempotency_key)
        if kind == "approve_return":
            return self._decide(payload)
        if kind == "send_reply":
            return self._reply(payload)
        if kind == "create_replacement":
            raise PermanentError(
                _("eBay has no API to create a replacement order: ship it from your own stock and record the tracking.")
            )
        raise PermanentError(f"ebay cannot {kind}")

    def _refund(self, payload: dict[str, Any], key: str) -> PushResult:
        order_id = str(payload.get("order_external_id") or "")
        if not order_id:
            raise PermanentError("ebay refund: no order")
        answer = self.client.issue_refund(order_id, refund_request(payload, key))
        status = str(answer.get("refundStatus") or "").upper()
        reference = parse.ident(answer.get("refundId"))
        if status == "FAILED":
            raise PermanentError("ebay refund: eBay answered FAILED", platform_message=json.dumps(answer)[:300])
        return PushResult(
            done=True,
            reference=reference,
            pending=status != "REFUNDED",
            amount=PlatformAmount.parse(payload["amount"], payload["currency"]),
            details={"refundStatus": status},
        )

    def _decide(self, payload: dict[str, Any]) -> PushResult:
        return_id = str(payload.get("return_external_id") or "")
        if not return_id:
            raise PermanentError("ebay return decision: no return")
        decision = "ACCEPT" if payload.get("decision") == "approve" else "DECLINE"
        self.client.decide_return(return_id, decision=decision, comment=str(payload.get("reason") or ""))
        return PushResult(done=True, reference=return_id, details={"decision": decision})

    def _reply(self, payload: dict[str, Any]) -> PushResult:
        text = str(payload.get("body_text") or "").strip()
        if not text:
            raise PermanentError(_("An eBay message cannot be empty."))
        if len(text) > MESSAGE_LIMIT:
            raise PermanentError(
                _("An eBay message holds at most %(limit)d characters; this one has %(length)d.")
                % {"limit": MESSAGE_LIMIT, "length": len(text)}
            )
        request: dict[str, Any] = {"messageText": text, "emailCopyToSender": False}
        if payload.get("thread_key"):
            request["conversationId"] = str(payload["thread_key"])
        elif payload.get("buyer_id"):
            request["otherPartyUsername"] = str(payload["buyer_id"])
            if payload.get("item_id"):
                request["reference"] = {"referenceId": str(payload["item_id"]), "referenceType": "LISTING"}
        else:
            raise PermanentError(_("This eBay reply has neither a conversation nor a buyer to write to."))
        answer = self.client.send_message(request)
        return PushResult(
            done=True,
            reference=parse.ident(answer.get("messageId")),
            # sendMessage spells it senderUserName / recipientUserName (capital N).
            details={
                "recipient": str(answer.get("recipientUserName") or ""),
                "sender": str(answer.get("senderUserName") or ""),
            },
        )

    # --- lookup ----------------------------------------------------------------------------
    def lookup(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult | None:
        if kind == "execute_refund":
            return self._lookup_refund(payload, idempotency_key)
        if kind == "approve_return":
            return self._lookup_decision(payload)
        if kind == "send_reply":
            return self._lookup_reply(payload)
        return None

    def _lookup_refund(self, payload: dict[str, Any], key: str) -> PushResult | None:
        order = self.client.get_order(str(payload["order_external_id"]))
        reference = str(payload.get("reference") or "")
        refund = parse.find_refund(order, reference) if reference else None
        if refund is None:
            refund = next((r for r in parse.refunds_of(order) if key and key in json.dumps(r)), None)
        if refund is None and not reference:
            # The refund was sent but its answer never recorded (a timeout, a crash): eBay does
            # not echo our comment, so the same amount on the order is taken as ours. A second
            # equal partial refund is a smaller harm than paying one twice.
            refund = _same_amount(order, payload)
        if refund is None:
            return None
        status = str(refund.get("refundStatus") or "PENDING").upper()
        refund_id = parse.ident(refund.get("refundId"))
        if status == "FAILED":
            return PushResult(done=False, reference=refund_id, platform_message="eBay reports the refund FAILED")
        amount = parse.money(refund["amount"]) if refund.get("amount") else None
        return PushResult(done=True, reference=refund_id, pending=status != "REFUNDED", amount=amount)

    def _lookup_decision(self, payload: dict[str, Any]) -> PushResult | None:
        return_id = str(payload.get("return_external_id") or "")
        state = parse.return_state_of(self.client.get_return(return_id))
        if not state or state in OPEN_RETURN_STATES:
            return None
        wanted = "rejected" if payload.get("decision") == "decline" else "authorized"
        ours = parse.return_status(state)
        if wanted == "authorized" and ours == "rejected":
            return PushResult(done=False, reference=return_id, platform_message=f"eBay shows the return as {state}")
        return PushResult(done=True, reference=return_id, details={"state": state})

    def _lookup_reply(self, payload: dict[str, Any]) -> PushResult | None:
        conversation_id = str(payload.get("thread_key") or "")
        text = str(payload.get("body_text") or "").strip()
        if not conversation_id or not text:
            return None
        answer = self.client.latest_messages(conversation_id)
        buyer = str(payload.get("buyer_id") or "")
        for message in answer.get("messages") or []:
            mine = message.get("senderUsername") != buyer if buyer else True
            if mine and str(message.get("messageBody") or "").strip() == text:
                return PushResult(done=True, reference=parse.ident(message.get("messageId")))
        return None

    # --- connection test -------------------------------------------------------------------
    def test_connection(self) -> str:
        from django.utils import timezone

        now = timezone.now()
        answer = self.client.get_orders(since=now - timedelta(days=1), until=now, limit=1)
        return _("eBay %(marketplace)s: connected, %(count)s orders changed in the last day.") % {
            "marketplace": self.client.marketplace_id,
            "count": int(answer.get("total") or 0),
        }


# --- helpers -------------------------------------------------------------------------------


def refund_request(payload: dict[str, Any], key: str) -> dict[str, Any]:
    """The ``issueRefund`` body: our key first in ``comment`` (the one free text eBay keeps), an
    item-level refund when one line is named, an order-level amount otherwise."""
    try:
        amount = PlatformAmount.parse(payload["amount"], payload["currency"])
    except (KeyError, MoneyError) as error:
        raise PermanentError(f"ebay refund: {error}") from error
    value = {"value": f"{amount.amount:f}", "currency": amount.currency}
    reason = str(payload.get("reason") or "")
    code = "BUYER_RETURN" if payload.get("return_external_id") else REFUND_REASONS.get(reason, "OTHER")
    request: dict[str, Any] = {"reasonForRefund": code, "comment": f"{key} {reason}".strip()[:COMMENT_LIMIT]}
    lines = [line for line in payload.get("lines") or [] if line.get("line_external_id")]
    if len(lines) == 1:
        request["refundItems"] = [{"lineItemId": str(lines[0]["line_external_id"]), "refundAmount": value}]
    else:
        request["orderLevelRefundAmount"] = value
    return request


def _same_amount(order: dict, payload: dict[str, Any]) -> dict | None:
    """Our refund among the order's, when eBay echoes nothing of ours: the same amount, made after
    ours started, and not one already known as another refund's. Two candidates: nobody can tell
    which is ours, so a person must (PermanentError; the drain keeps the refund executing)."""
    try:
        wanted = PlatformAmount.parse(payload["amount"], payload["currency"]).money
    except (KeyError, MoneyError):
        return None
    known = set(payload.get("known_references") or ())
    not_before = parse.maybe_dt(payload.get("not_before"))
    candidates = []
    for refund in parse.refunds_of(order):
        try:
            if not _same_money(refund["amount"], wanted, order):
                continue
        except (KeyError, MoneyError, ArithmeticError, TypeError, ValueError):
            continue
        if parse.ident(refund.get("refundId")) in known:
            continue
        made = parse.maybe_dt(refund.get("refundDate"))
        if not_before and made and made < not_before - timedelta(minutes=5):  # clocks differ a little
            continue
        candidates.append(refund)
    if len(candidates) > 1:
        raise PermanentError(
            f"eBay shows {len(candidates)} refunds of {wanted} on this order that could be ours; check it by hand."
        )
    return candidates[0] if candidates else None


def _same_money(node: dict, wanted, order: dict) -> bool:
    """Is this refund amount the one we asked for? A cross-border order's refund is stated in the
    seller's currency: it matches the buyer's amount it was converted from (``convertedFromValue``),
    or, where eBay leaves that out, the buyer's amount at the order's own rate to the cent."""
    buyer, seller = parse.buyer_money(node)
    if buyer.money == wanted or (seller is not None and seller.money == wanted):
        return True
    total = (order.get("pricingSummary") or {}).get("total") or {}
    got = parse.money(node).money
    if total.get("convertedFromCurrency") != wanted.currency or total.get("currency") != got.currency:
        return False
    rate = Decimal(str(total["value"])) / Decimal(str(total["convertedFromValue"]))
    return abs(wanted.amount * rate - got.amount) <= Decimal("0.01")


def _next_offset(next_url: str, fallback: int) -> int:
    try:
        return int(parse_qs(urlsplit(next_url).query).get("offset", [fallback])[0])
    except (TypeError, ValueError):
        return fallback


def _page_progress(answer: dict, page: int) -> tuple[int, int] | None:
    output = answer.get("paginationOutput") or {}
    total = int(output.get("totalEntries") or 0)
    limit = int(output.get("limit") or 0)
    if not total:
        return None
    return min(total, page * limit) if limit else total, total
