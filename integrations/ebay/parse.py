"""eBay payloads → ``tickets.records``: pure functions, no HTTP, no database.

Three API families, three shapes (see the fixtures' README):

- Sell / Commerce REST: money ``{"value": "49.90", "currency": "EUR"}`` (a string, with
  ``convertedFromValue``/``convertedFromCurrency`` on cross-border orders), ISO ``Z`` times;
- Post-Order v2: money ``{"value": 49.9, "currency": "EUR"}`` (a JSON number), times wrapped as
  ``{"value": "…Z"}``, errors as ``errorMessage.error[]``;
- Trading XML (``GetMyMessages``): ``Text`` is HTML, ``MessageID`` vs ``ExternalMessageID``,
  ``Ack`` may be ``Warning`` with a valid body, error 518 is the daily call limit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from defusedxml import DefusedXmlException, ElementTree

from tickets.errors import MoneyError
from tickets.records import (
    BuyerRecord,
    DisputeRecord,
    MessageRecord,
    OrderLineRecord,
    OrderRecord,
    PlatformAmount,
    Record,
    RefundRecord,
    ReturnLineRecord,
    ReturnRecord,
)

TRADING_NS = "{urn:ebay:apis:eBLBaseComponents}"
DAILY_LIMIT_TRADING_CODES = frozenset({"518"})  # "Call usage limit has been reached"

REFUND_STATUS = {"REFUNDED": "succeeded", "PENDING": "pending", "FAILED": "failed"}

# Post-Order return states (ReturnStateEnum) → our ReturnRecord vocabulary.
RETURN_STATES = {
    "RETURN_REQUESTED": "requested",
    "RETURN_REQUESTED_TIMEOUT": "requested",
    "PARTIAL_REFUND_REQUESTED": "requested",
    "REPLACEMENT_REQUESTED": "requested",
    "RETURN_LABEL_REQUESTED": "authorized",
    "ITEM_READY_TO_SHIP": "authorized",
    "REPLACEMENT_LABEL_REQUESTED": "authorized",
    "REPLACEMENT_WAITING_FOR_RMA": "authorized",
    "ITEM_SHIPPED": "in_transit",
    "ITEM_DELIVERED": "received",
    "REPLACEMENT_STARTED": "received",
    "REPLACEMENT_SHIPPED": "received",
    "REPLACEMENT_DELIVERED": "received",
    "PARTIAL_REFUND_INITIATED": "received",
    "PARTIAL_REFUND_NON_PAYPAL_INITIATED": "received",
    "RETURN_REJECTED": "rejected",
    "PARTIAL_REFUND_DECLINED": "rejected",
    "CLOSED": "closed",
    "REPLACED": "closed",
    "REPLACEMENT_CLOSED": "closed",
    "LESS_THAN_A_FULL_REFUND_ISSUED": "closed",
    "REFUND_ISSUED": "closed",
}

RETURN_REASONS = {
    "NOT_AS_DESCRIBED": "not_as_described",
    "WRONG_ITEM": "not_as_described",
    "DIFFERENT_FROM_LISTING": "not_as_described",
    "DEFECTIVE_ITEM": "quality_defect",
    "MISSING_PARTS": "quality_defect",
    "ARRIVED_DAMAGED": "damaged_in_transit",
    "WRONG_SIZE": "size",
    "DOES_NOT_FIT": "size",
    "NO_LONGER_NEED_ITEM": "changed_mind",
    "ORDERED_WRONG_ITEM": "changed_mind",
    "ORDERED_ACCIDENTALLY": "changed_mind",
    "CHANGED_MIND": "changed_mind",
    "FOUND_BETTER_PRICE": "changed_mind",
    "BUYER_REMORSE": "changed_mind",
    "ARRIVED_LATE": "late",
    "EXPIRED_ITEM": "quality_defect",
}

# Inquiry (item not received) and case statuses → our DisputeRecord vocabulary.
DISPUTE_WAITING_SELLER = frozenset({"WAITING_SELLER_RESPONSE", "OPEN_WAITING_SELLER", "WAITING_SELLER"})
DISPUTE_OPEN = frozenset({"OPEN", "ON_HOLD", "WAITING_BUYER_RESPONSE", "PENDING", "OTHER"})

# eBay's immutable user ids (served instead of usernames to some developers since 2025-09-26)
# look like lower-case letters and digits without separators; they are not names.
IMMUTABLE_ID = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9]{10,}$")


class UnreadablePayload(ValueError):
    """The whole answer is not what the API returns (the adapter turns it into PermanentError)."""


class TradingError(Exception):
    """A Trading answer with ``Ack`` Failure. ``daily_limit`` when it is error 518."""

    def __init__(self, message: str, *, codes: tuple[str, ...]) -> None:
        super().__init__(message)
        self.codes = codes
        self.daily_limit = bool(DAILY_LIMIT_TRADING_CODES & set(codes))


# --- small readers -------------------------------------------------------------------------


def dt(value: Any) -> datetime:
    """An eBay time (``"2026-10-06T09:12:40.000Z"`` or Post-Order's ``{"value": "…Z"}``) as aware UTC."""
    if isinstance(value, dict):
        value = value.get("value")
    if not isinstance(value, str) or not value:
        raise ValueError(f"{value!r} is not a time")
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed.astimezone(UTC)


def maybe_dt(value: Any) -> datetime | None:
    if value in (None, "", {}):
        return None
    return dt(value)


def money(node: Any) -> PlatformAmount:
    """``{"value": "49.90" | 49.9, "currency": "EUR"}`` in the currency eBay states."""
    if not isinstance(node, dict):
        raise MoneyError(f"{node!r} is not an eBay amount.")
    return PlatformAmount.parse(node.get("value"), node.get("currency"))


def buyer_money(node: Any) -> tuple[PlatformAmount, PlatformAmount | None]:
    """(what the buyer paid in, the seller's converted amount or None). A cross-border amount's
    ``value`` is in the seller's currency; ``convertedFromValue`` is the buyer's original."""
    seller = money(node)
    if node.get("convertedFromValue") not in (None, "") and node.get("convertedFromCurrency"):
        original = PlatformAmount.parse(node["convertedFromValue"], node["convertedFromCurrency"])
        if original.currency != seller.currency:
            return original, seller
    return seller, None


def ident(value: Any) -> str:
    """Every id as a string (case search sends ``transactionId`` as an int); never through float."""
    if value is None or isinstance(value, bool | float):
        if isinstance(value, float):
            raise ValueError(f"id {value!r} arrived as a float")
        return ""
    return str(value).strip()


def display_name(username: str) -> str:
    """A username is a fine display name, an immutable id is not."""
    return "" if not username or IMMUTABLE_ID.match(username) else username


def text_to_html(text: str) -> str:
    """Commerce Message bodies are plain text; ingest sanitizes whatever HTML we hand it."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs) or "<p></p>"


def each(items: Iterable[Any], build: Callable[[Any], Record]) -> tuple[list[Record], list[tuple[Any, str]]]:
    """Build one record per element; one bad element becomes a failure, never stops the rest."""
    records: list[Record] = []
    failures: list[tuple[Any, str]] = []
    for item in items:
        try:
            records.append(build(item))
        except (KeyError, TypeError, ValueError, ArithmeticError, MoneyError, AttributeError) as error:
            failures.append((item, f"{type(error).__name__}: {error}"))
    return records, failures


# --- errors --------------------------------------------------------------------------------


def error_entries(body: Any) -> list[dict]:
    """Sell/Commerce ``errors[]`` or Post-Order ``errorMessage.error[]``, whichever is there."""
    if not isinstance(body, dict):
        return []
    entries = body.get("errors")
    if entries is None and isinstance(body.get("errorMessage"), dict):
        entries = body["errorMessage"].get("error")
    if isinstance(entries, dict):
        entries = [entries]
    return [e for e in entries or [] if isinstance(e, dict)]


def error_text(body: Any) -> str:
    """What eBay said, one line per error: ``2001: Too many requests…`` (long message added)."""
    lines = []
    for entry in error_entries(body):
        short, long = str(entry.get("message") or ""), str(entry.get("longMessage") or "")
        words = f"{short} {long}" if long and long != short else short or long
        lines.append(f"{entry.get('errorId', '?')}: {words}".strip())
    return "; ".join(lines)


def is_daily_limit(body: Any) -> bool:
    """The daily call limit, as opposed to a short burst: REST says "call limit" in the error."""
    for entry in error_entries(body):
        words = f"{entry.get('message', '')} {entry.get('longMessage', '')}".lower()
        if "call limit" in words or "daily" in words:
            return True
    return False


def is_rate_limit(body: Any) -> bool:
    return any(str(e.get("errorId")) == "2001" for e in error_entries(body))


# --- orders (Sell Fulfillment) -------------------------------------------------------------


def parse_order(node: dict) -> OrderRecord:
    order_id = ident(node["orderId"])
    pricing = node.get("pricingSummary") or {}
    total, shop_total = buyer_money(pricing["total"]) if pricing.get("total") else (None, None)
    currency = total.currency if total else money(node["lineItems"][0]["lineItemCost"]).currency
    lines = tuple(_order_line(item) for item in node.get("lineItems") or [])
    payment = node.get("paymentSummary") or {}
    cancel = node.get("cancelStatus") or {}
    cancelled = cancel.get("cancelState") == "CANCELED"
    fulfilment_status = str(node.get("orderFulfillmentStatus") or "").lower()
    return OrderRecord(
        external_id=order_id,
        number=order_id,
        placed_at=dt(node["creationDate"]),
        updated_at=dt(node.get("lastModifiedDate") or node["creationDate"]),
        currency=currency,
        total=total,
        paid=_sellers_money(node, total),
        shop_total=shop_total,
        status="canceled" if cancelled else fulfilment_status,
        cancelled=cancelled,
        lines=lines,
        buyer=_order_buyer(node),
        paid_at=min(
            (dt(p["paymentDate"]) for p in payment.get("payments") or [] if p.get("paymentDate")), default=None
        ),
        platform_url=f"https://www.ebay.com/sh/ord/details?orderid={order_id}",
        refunds=tuple(_order_refund(order_id, r) for r in payment.get("refunds") or []),
    )


def _order_line(item: dict) -> OrderLineRecord:
    quantity = int(item.get("quantity") or 1)
    cost, _seller = buyer_money(item["lineItemCost"])  # the price of all units, in the buyer's currency
    unit = Decimal(cost.raw or str(cost.amount)) / max(quantity, 1)
    return OrderLineRecord(
        external_id=ident(item["lineItemId"]),
        sku=str(item.get("sku") or ""),
        title=str(item.get("title") or ""),
        quantity=quantity,
        unit_price=_unit(unit, cost),
    )


def _unit(unit: Decimal, cost: PlatformAmount) -> PlatformAmount:
    """The unit price is our division of the line's cost: flagged as rounded only when eBay's own
    cost was (then the cost as sent is what is kept), never for the division's own decimals."""
    parsed = PlatformAmount.parse(unit, cost.currency)
    return PlatformAmount(parsed.money, cost.raw)


def _sellers_money(node: dict, total: PlatformAmount | None) -> PlatformAmount | None:
    """What the buyer paid that is the seller's: the total less taxes eBay collects and remits
    (US sales tax, EU/UK VAT on imports), which never reach the seller and are refunded by eBay."""
    if total is None:
        return None
    collected = Decimal(0)
    for item in node.get("lineItems") or []:
        for tax in item.get("ebayCollectAndRemitTaxes") or []:
            amount, _seller = buyer_money(tax["amount"])
            if amount.currency == total.currency:
                collected += amount.amount
    return PlatformAmount.parse(total.amount - collected, total.currency)


def _order_buyer(node: dict) -> BuyerRecord | None:
    buyer = node.get("buyer") or {}
    registration = buyer.get("buyerRegistrationAddress") or {}
    ship_to = {}
    for instruction in node.get("fulfillmentStartInstructions") or []:
        ship_to = (instruction.get("shippingStep") or {}).get("shipTo") or {}
        if ship_to:
            break
    username = str(buyer.get("username") or "")
    name = registration.get("fullName") or ship_to.get("fullName") or display_name(username)
    address = registration.get("contactAddress") or ship_to.get("contactAddress") or {}
    return BuyerRecord(
        platform_customer_id=username,
        # A masked relay address (…@members.ebay.com): it reaches the buyer through eBay.
        email=str(registration.get("email") or ship_to.get("email") or ""),
        name=str(name or ""),
        country=str(address.get("countryCode") or ""),
    )


def _order_refund(order_id: str, node: dict) -> RefundRecord:
    amount, _seller = buyer_money(node["amount"])
    when = dt(node["refundDate"]) if node.get("refundDate") else None
    if when is None:
        raise ValueError(f"refund {node.get('refundId')!r} has no date")
    return RefundRecord(
        external_id=ident(node["refundId"]),
        order_external_id=order_id,
        amount=amount,
        created_at=when,
        status=REFUND_STATUS.get(str(node.get("refundStatus") or "").upper(), "pending"),
        updated_at=when,
    )


def parse_orders_page(body: Any) -> tuple[list[Record], list[tuple[Any, str]]]:
    if not isinstance(body, dict) or not isinstance(body.get("orders", []), list):
        raise UnreadablePayload("not a getOrders answer")
    return each(body.get("orders") or [], parse_order)


def find_refund(order: dict, reference: str) -> dict | None:
    """The ``paymentSummary.refunds[]`` entry with this refund id (or reference id)."""
    for refund in (order.get("paymentSummary") or {}).get("refunds") or []:
        if reference and reference in (ident(refund.get("refundId")), ident(refund.get("refundReferenceId"))):
            return refund
    return None


def refunds_of(order: dict) -> list[dict]:
    return list((order.get("paymentSummary") or {}).get("refunds") or [])


# --- returns (Post-Order) ------------------------------------------------------------------


def return_status(state: str, status: str = "") -> str:
    if "CANCEL" in status.upper() or "CANCEL" in state.upper():
        return "cancelled"
    return RETURN_STATES.get(state.upper()) or RETURN_STATES.get(status.upper()) or "requested"


def parse_return(member: dict, *, observed_at: datetime | None = None) -> ReturnRecord:
    """A ``ReturnSummaryType``. It carries no modification time: a pull stamps ``updated_at`` with
    the time it saw the state (newer than anything stored before); a replay uses the creation
    time, so an old answer never overwrites a newer state."""
    creation = member.get("creationInfo") or {}
    item = creation.get("item") or {}
    requested_at = dt(creation["creationDate"])
    state = str(member.get("state") or "")
    status = str(member.get("status") or "")
    reason_code = str(creation.get("reason") or "")
    refund = (member.get("sellerTotalRefund") or member.get("buyerTotalRefund") or {}).get("estimatedRefundAmount")
    buyer_login = str(member.get("buyerLoginName") or "")
    return ReturnRecord(
        external_id=ident(member["returnId"]),
        order_external_id=ident(member.get("orderId")),
        requested_at=requested_at,
        updated_at=max(observed_at, requested_at) if observed_at else requested_at,
        status=return_status(state, status),
        platform_status=state or status,
        reason=RETURN_REASONS.get(reason_code.upper(), "other" if reason_code else ""),
        reason_code=reason_code,
        buyer_comment=str((creation.get("comments") or {}).get("content") or ""),
        lines=(
            (
                ReturnLineRecord(
                    # The Post-Order API names the sold line by its transaction id, which is the
                    # Fulfillment lineItemId's legacy twin.
                    order_line_external_id=ident(item.get("transactionId")),
                    quantity=int(item.get("returnQuantity") or 1),
                    reason_code=reason_code,
                ),
            )
            if item
            else ()
        ),
        refund_amount=money(refund) if refund else None,
        respond_by=maybe_dt((member.get("sellerResponseDue") or {}).get("respondByDate")),
        buyer=BuyerRecord(platform_customer_id=buyer_login, name=display_name(buyer_login)) if buyer_login else None,
    )


def parse_returns_page(body: Any, *, observed_at: datetime | None = None) -> tuple[list[Record], list]:
    if not isinstance(body, dict) or not isinstance(body.get("members", []), list):
        raise UnreadablePayload("not a return search answer")
    return each(body.get("members") or [], lambda m: parse_return(m, observed_at=observed_at))


def return_state_of(answer: dict) -> str:
    """``GET /return/{id}?fieldgroups=SUMMARY`` → the summary's state (the FULL detail has none)."""
    summary = answer.get("summary") or answer
    return str(summary.get("state") or summary.get("status") or "")


# --- disputes (Post-Order inquiries and cases) ----------------------------------------------


def dispute_status(platform_status: str) -> str:
    word = platform_status.upper()
    if word.startswith("CLOSED") or word in {"CS_CLOSED", "RESOLVED"}:
        return "closed"
    if word in DISPUTE_WAITING_SELLER or "WAITING_SELLER" in word:
        return "waiting_seller"
    return "open"


def parse_dispute(member: dict, kind: str) -> DisputeRecord:
    """An ``InquirySummaryType`` (kind "inquiry") or ``CaseSummaryType`` (kind "case"). They name the
    sale by item and transaction, not by order: the order id is eBay's legacy ``item-transaction``."""
    id_key, status_key = ("inquiryId", "inquiryStatusEnum") if kind == "inquiry" else ("caseId", "caseStatusEnum")
    platform_status = str(member.get(status_key) or member.get("status") or "")
    opened = dt(member["creationDate"])
    buyer = str(member.get("buyer") or "")
    item_id, transaction_id = ident(member.get("itemId")), ident(member.get("transactionId"))
    return DisputeRecord(
        external_id=f"{kind}:{ident(member[id_key])}",
        order_external_id=ident(member.get("orderId")) or (f"{item_id}-{transaction_id}" if item_id else ""),
        kind=kind,
        status=dispute_status(platform_status),
        opened_at=opened,
        updated_at=dt(member.get("lastModifiedDate") or member["creationDate"]),
        platform_status=platform_status,
        reason=str(member.get("caseType") or member.get("inquiryType") or ""),
        amount=money(member["claimAmount"]) if member.get("claimAmount") else None,
        respond_by=maybe_dt(member.get("respondByDate")),
        buyer=BuyerRecord(platform_customer_id=buyer, name=display_name(buyer)) if buyer else None,
    )


def parse_disputes_page(body: Any, kind: str) -> tuple[list[Record], list]:
    if not isinstance(body, dict) or not isinstance(body.get("members", []), list):
        raise UnreadablePayload(f"not an {kind} search answer")
    return each(body.get("members") or [], lambda m: parse_dispute(m, kind))


def dispute_kind_of(body: Any) -> str:
    """Which search answered (stored pages carry no URL): by the members' id field."""
    members = body.get("members") or [] if isinstance(body, dict) else []
    if "totalNumberOfCases" in (body or {}) or any("caseId" in m for m in members if isinstance(m, dict)):
        return "case"
    return "inquiry"


# --- messages (Commerce Message API) --------------------------------------------------------


def conversation_id_of(answer: dict) -> str:
    """``getConversation`` does not repeat the id in its body, only in ``href``."""
    if answer.get("conversationId"):
        return ident(answer["conversationId"])
    path = urlsplit(str(answer.get("href") or "")).path.rstrip("/")
    return path.rsplit("/", 1)[-1] if "/conversation/" in path else ""


def parse_message(
    message: dict, *, conversation_id: str, title: str = "", item_id: str = "", seller: str = ""
) -> MessageRecord:
    sender = str(message.get("senderUsername") or "")
    body = text_to_html(str(message.get("messageBody") or ""))
    media = [m for m in message.get("messageMedia") or [] if isinstance(m, dict) and m.get("mediaUrl")]
    if media:
        links = "".join(
            f'<li><a href="{html.escape(m["mediaUrl"])}">{html.escape(str(m.get("mediaName") or m["mediaUrl"]))}</a></li>'
            for m in media
        )
        body += f"<ul>{links}</ul>"
    return MessageRecord(
        external_id=ident(message["messageId"]),
        channel="ebay",
        sent_at=dt(message["createdDate"]),
        body_html=body,
        subject=str(message.get("subject") or title or ""),
        sender_name=display_name(sender),
        sender_address=sender,
        recipient_address=str(message.get("recipientUsername") or seller or ""),
        thread_key=conversation_id,
        buyer=BuyerRecord(platform_customer_id=sender, name=display_name(sender)) if sender else None,
    )


def seller_of(messages: list[dict], known: str = "") -> str:
    """The seller's username: given, or the recipient of the conversation's first message (a
    member conversation about a listing starts with the buyer writing)."""
    if known:
        return known
    dated = sorted((m for m in messages if isinstance(m, dict)), key=lambda m: str(m.get("createdDate") or ""))
    return str(dated[0].get("recipientUsername") or "") if dated else ""


def parse_conversation(answer: dict, *, seller: str = "", title: str = "", item_id: str = "") -> tuple[list, list]:
    """One ``getConversation`` answer → the buyer's messages (the seller's own are skipped)."""
    if not isinstance(answer, dict) or not isinstance(answer.get("messages", []), list):
        raise UnreadablePayload("not a getConversation answer")
    conversation_id = conversation_id_of(answer)
    messages = answer.get("messages") or []
    me = seller_of(messages, seller)
    buyers = [m for m in messages if not isinstance(m, dict) or m.get("senderUsername") != me]
    title = title or str(answer.get("conversationTitle") or "")
    return each(
        buyers, lambda m: parse_message(m, conversation_id=conversation_id, title=title, item_id=item_id, seller=me)
    )


def single_message(conversation: dict) -> bool:
    """A conversation whose latest message was written when it was opened holds only that
    message, so the list's ``latestMessage`` is all of it (no ``getConversation`` call needed)."""
    latest = conversation.get("latestMessage") if isinstance(conversation, dict) else None
    if not isinstance(latest, dict) or not latest.get("messageId"):
        return False
    opened, written = conversation.get("createdDate"), latest.get("createdDate")
    return bool(opened) and opened == written


def parse_conversations(answer: dict, *, seller: str = "") -> tuple[list, list]:
    """One ``getConversations`` answer → each conversation's latest message, if a buyer wrote it."""
    if not isinstance(answer, dict) or not isinstance(answer.get("conversations", []), list):
        raise UnreadablePayload("not a getConversations answer")
    picked = []
    for conversation in answer.get("conversations") or []:
        latest = (conversation or {}).get("latestMessage") if isinstance(conversation, dict) else None
        if latest and (not seller or latest.get("senderUsername") != seller):
            picked.append(conversation)
    return each(
        picked,
        lambda c: parse_message(
            c["latestMessage"],
            conversation_id=ident(c["conversationId"]),
            title=str(c.get("conversationTitle") or ""),
            item_id=ident(c.get("referenceId")),
            seller=seller,
        ),
    )


# --- Trading XML ---------------------------------------------------------------------------


def _t(node: Any, name: str) -> str:
    child = node.find(TRADING_NS + name) if node is not None else None
    return (child.text or "").strip() if child is not None and child.text else ""


def trading_root(xml_text: str | bytes) -> Any:
    """Parse a Trading answer safely (defusedxml: no entity expansion bombs, no external DTDs)
    and raise TradingError on ``Ack`` Failure. ``Warning`` with a body is a valid answer."""
    try:
        root = ElementTree.fromstring(xml_text.encode() if isinstance(xml_text, str) else xml_text)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise UnreadablePayload(f"not XML: {error}") from error
    ack = _t(root, "Ack")
    if ack in {"Failure", "PartialFailure"}:
        errors = root.findall(f"{TRADING_NS}Errors")
        codes = tuple(_t(e, "ErrorCode") for e in errors)
        text = "; ".join(f"{_t(e, 'ErrorCode')}: {_t(e, 'LongMessage') or _t(e, 'ShortMessage')}" for e in errors)
        raise TradingError(text or ack, codes=codes)
    return root


def parse_trading_message(node: Any) -> MessageRecord:
    sender = _t(node, "Sender")
    message_id = _t(node, "MessageID")
    if not message_id:
        raise ValueError("a Trading message without MessageID")
    item_id = _t(node, "ItemID")
    text = _t(node, "Text")  # HTML (CDATA or escaped entities); ingest sanitizes it
    return MessageRecord(
        external_id=message_id,
        channel="ebay",
        sent_at=dt(_t(node, "ReceiveDate")),
        body_html=text,
        subject=_t(node, "Subject"),
        sender_name=display_name(sender),
        sender_address=sender,
        recipient_address=_t(node, "RecipientUserID"),
        # Trading has no conversation id: the listing and the buyer name the thread.
        thread_key=f"trading:{item_id}:{sender}" if item_id and sender else "",
        buyer=BuyerRecord(platform_customer_id=sender, name=display_name(sender)) if sender else None,
        # AddMemberMessageRTQ wants ExternalMessageID as ParentMessageID; MessageID fails there.
        reply_to_id=_t(node, "ExternalMessageID"),
    )


def parse_trading_messages(xml_text: str | bytes) -> tuple[list, list]:
    root = trading_root(xml_text)
    body = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
    if body is not None:  # a SOAP platform notification wraps the same answer
        root = body.find(f"{TRADING_NS}GetMyMessagesResponse")
    messages = root.findall(f"{TRADING_NS}Messages/{TRADING_NS}Message") if root is not None else []
    return each(messages, parse_trading_message)
