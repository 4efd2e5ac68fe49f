"""Amazon SP-API payloads → ``tickets.records``: orders (v0 and 2026-01-01), the returns reports
(flat file, FBA customer returns, XML), Finances refund events, feed processing reports,
notifications, errors and rate-limit headers. Pure functions: no HTTP, no database.

Amazon's field names stay in this module; what leaves it are records in our vocabulary.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from tickets.errors import MoneyError
from tickets.records import (
    BuyerRecord,
    DisputeRecord,
    OrderLineRecord,
    OrderRecord,
    PlatformAmount,
    RefundRecord,
    ReturnLineRecord,
    ReturnRecord,
)

# Marketplace → its currency, for an order Amazon sent without any amount (a Pending order).
MARKETPLACE_CURRENCY = {
    "ATVPDKIKX0DER": "USD",
    "A2EUQ1WTGCTBG2": "CAD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A1F83G8C2ARO7P": "GBP",
    "A1PA6795UKMFR9": "EUR",
    "A13V1IB3VIYZZH": "EUR",
    "APJ6JRA9NG5V4": "EUR",
    "A1RKKUPIHCS9HS": "EUR",
    "A1805IZSGTT6HS": "EUR",
    "AMEN7PMS3EDWL": "EUR",
    "A2NODRKZP88ZB9": "SEK",
    "A1C3SOZRARQ6R3": "PLN",
    "A33AVAJ2PDY3EV": "TRY",
    "A1VC38T7YXB528": "JPY",
    "A39IBJ37TRP1C6": "AUD",
    "A19VAU5U5O7RUS": "SGD",
    "A21TJRUUN4KGV": "INR",
    "A2VIGQ35RCS4UG": "AED",
    "A17E79C6D8DWNP": "SAR",
}

FLAT_RETURNS_REPORT = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"
FBA_RETURNS_REPORT = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
XML_RETURNS_REPORT = "GET_XML_RETURNS_DATA_BY_RETURN_DATE"


class ParseError(ValueError):
    """One element we cannot read; it becomes a failure of the page, never the whole page."""


# --- scalars -------------------------------------------------------------------------------
def parse_time(value: Any) -> datetime:
    """An Amazon timestamp as an aware UTC datetime: ISO with ``Z`` or an offset, fractions of
    seconds, or (seen in the v0 sandbox) epoch seconds as a float string ``1.569521782042E9``."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        raise ParseError(f"{value!r} is not a time")
    text = value.strip()
    if re.fullmatch(r"[0-9.]+(E[0-9]+)?", text, flags=re.IGNORECASE):
        try:
            return datetime.fromtimestamp(float(Decimal(text)), UTC)
        except (InvalidOperation, ValueError, OverflowError) as error:
            raise ParseError(f"{value!r} is not a time") from error
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as error:
        raise ParseError(f"{value!r} is not a time") from error
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_report_date(value: str) -> datetime:
    """A report date: ``10-Jul-2025`` (no time, no zone → UTC midnight) or an ISO timestamp."""
    text = (value or "").strip()
    if not text:
        raise ParseError("empty date")
    for layout in ("%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    return parse_time(text)


def flag(value: Any) -> bool:
    """Amazon's booleans as they really come: true, "true", "false", "Y", "N", 1, "" …"""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    return str(value or "").strip().lower() in {"true", "y", "yes", "1"}


def cell(value: Any) -> str:
    """A report cell: Amazon writes a single space for an empty one."""
    return str(value or "").strip()


def money_v0(node: dict | None) -> PlatformAmount | None:
    if not node:
        return None
    return PlatformAmount.parse(node.get("Amount"), node.get("CurrencyCode"))


def money_2026(node: dict | None) -> PlatformAmount | None:
    if not node:
        return None
    return PlatformAmount.parse(node.get("amount"), node.get("currencyCode"))


def money_finances(node: dict | None) -> PlatformAmount | None:
    """Finances' third shape: ``{"CurrencyCode","CurrencyAmount": <JSON number>}``."""
    if not node:
        return None
    return PlatformAmount.parse(node.get("CurrencyAmount"), node.get("CurrencyCode"))


def snake(word: str) -> str:
    """``PartiallyShipped`` / ``PARTIALLY_SHIPPED`` → ``partially_shipped``; both spellings of
    cancelled → ``canceled``."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", (word or "").strip()).lower()
    return "canceled" if text in {"canceled", "cancelled"} else text


# --- orders --------------------------------------------------------------------------------
FULFILMENT_V0 = {"AFN": "fba", "MFN": "mfn"}
FULFILMENT_2026 = {"AMAZON": "fba", "MERCHANT": "mfn"}
PACKAGE_TRACKING = {
    "DELIVERED": "delivered",
    "IN_TRANSIT": "in_transit",
    "OUT_FOR_DELIVERY": "out_for_delivery",
    "SHIPPED": "in_transit",
    "PENDING": "label_created",
    "UNDELIVERABLE": "exception",
    "RETURNED": "returned",
    "RETURNING": "returned",
}


def _line_v0(item: dict) -> OrderLineRecord:
    quantity = int(item.get("QuantityOrdered") or 0)
    price = money_v0(item.get("ItemPrice"))
    if price is None:
        raise ParseError(f"order item {item.get('OrderItemId')} has no ItemPrice")
    unit = price
    if quantity > 1:  # v0's ItemPrice is the price of the whole quantity; divide the text sent
        unit = PlatformAmount.parse(Decimal(str(item["ItemPrice"]["Amount"]).strip()) / quantity, price.currency)
    return OrderLineRecord(
        external_id=str(item["OrderItemId"]),
        sku=str(item.get("SellerSKU") or ""),
        title=str(item.get("Title") or ""),
        quantity=quantity,
        unit_price=unit,
    )


def order_items_v0(body: dict) -> list[dict]:
    """The items of a ``getOrderItems`` answer (one page)."""
    return list((body.get("payload") or {}).get("OrderItems") or [])


def order_v0(order: dict, *, items: list[dict] | None = None) -> OrderRecord:
    """One v0 order. ``items``: its ``getOrderItems`` items (the v0 order itself has none; our
    raw page carries them under ``OrderItems``). Works with ``BuyerInfo: {}`` (no RDT)."""
    try:
        order_id = str(order["AmazonOrderId"])
        total = money_v0(order.get("OrderTotal"))
        raw_items = items if items is not None else order.get("OrderItems") or []
        lines = tuple(_line_v0(item) for item in raw_items)
        currency = (
            total.currency
            if total
            else (lines[0].unit_price.currency if lines else MARKETPLACE_CURRENCY.get(order.get("MarketplaceId"), ""))
        )
        if not currency:
            raise ParseError(f"order {order_id}: no amount and an unknown marketplace")
        status = snake(str(order.get("OrderStatus") or ""))
        buyer_info = order.get("BuyerInfo") or {}
        address = order.get("ShippingAddress") or {}
        return OrderRecord(
            external_id=order_id,
            number=order_id,
            placed_at=parse_time(order["PurchaseDate"]),
            updated_at=parse_time(order.get("LastUpdateDate") or order["PurchaseDate"]),
            currency=currency,
            total=total,
            paid=_paid(total, status),
            paid_at=parse_time(order["PurchaseDate"]) if _paid(total, status) else None,
            status=status,
            cancelled=status == "canceled",
            lines=lines,
            buyer=BuyerRecord(
                email=str(buyer_info.get("BuyerEmail") or ""),
                name=str(buyer_info.get("BuyerName") or ""),
                country=str(address.get("CountryCode") or ""),
            ),
            fulfilment=FULFILMENT_V0.get(str(order.get("FulfillmentChannel") or "").upper(), "merchant"),
        )
    except ParseError:
        raise
    except Exception as error:  # noqa: BLE001 - one malformed order becomes a failure, never the page's end
        raise ParseError(f"order {_field(order, 'AmazonOrderId')}: {error!r}") from error


def _paid(total, status: str):
    """Amazon charges the buyer when the order leaves Pending: from then the total is what was paid
    (and what can be refunded); a pending or canceled order has been paid nothing."""
    return total if total is not None and status not in ("pending", "canceled") else None


def _field(node: Any, name: str) -> str:
    return str(node.get(name, "?")) if isinstance(node, dict) else "?"


def orders_page_v0(body: dict) -> tuple[list[OrderRecord], list[tuple[Any, str]], str, datetime | None]:
    """A ``getOrders`` answer: (records, failures, next token, the answer's high-water mark)."""
    payload = body.get("payload")
    if not isinstance(payload, dict):
        raise ParseError("getOrders answer without a payload")
    records, failures = [], []
    for order in payload.get("Orders") or []:
        try:
            records.append(order_v0(order))
        except ParseError as error:
            failures.append((order, str(error)))
    mark = payload.get("LastUpdatedBefore") or payload.get("CreatedBefore")
    try:
        high_water = parse_time(mark) if mark else None
    except ParseError:
        high_water = None
    return records, failures, str(payload.get("NextToken") or ""), high_water


def _line_2026(item: dict) -> OrderLineRecord:
    product = item.get("product") or {}
    unit = money_2026((product.get("price") or {}).get("unitPrice"))
    if unit is None:
        raise ParseError(f"order item {item.get('orderItemId')} has no unit price")
    return OrderLineRecord(
        external_id=str(item["orderItemId"]),
        sku=str(product.get("sellerSku") or ""),
        title=str(product.get("title") or ""),
        quantity=int(item.get("quantityOrdered") or 0),
        unit_price=unit,
    )


def order_2026(order: dict) -> OrderRecord:
    """One ``searchOrders`` order. Blocks not asked for with ``includedData`` are absent, which
    means "not requested": no ``proceeds`` → no total (Pending orders have none either)."""
    try:
        order_id = str(order["orderId"])
        total = money_2026((order.get("proceeds") or {}).get("grandTotal"))
        lines = tuple(_line_2026(item) for item in order.get("orderItems") or [])
        marketplace = (order.get("salesChannel") or {}).get("marketplaceId")
        currency = (
            total.currency
            if total
            else (lines[0].unit_price.currency if lines else MARKETPLACE_CURRENCY.get(marketplace, ""))
        )
        if not currency:
            raise ParseError(f"order {order_id}: no amount and an unknown marketplace")
        fulfillment = order.get("fulfillment") or {}
        status = snake(str(fulfillment.get("fulfillmentStatus") or ""))
        packages = order.get("packages") or []
        package = packages[-1] if packages else {}
        buyer = order.get("buyer") or {}
        country = ((order.get("recipient") or {}).get("deliveryAddress") or {}).get("countryCode") or ""
        shipped = [parse_time(p["shipTime"]) for p in packages if p.get("shipTime")]
        package_status = str((package.get("packageStatus") or {}).get("status") or "").upper()
        return OrderRecord(
            external_id=order_id,
            number=order_id,
            placed_at=parse_time(order["createdTime"]),
            updated_at=parse_time(order.get("lastUpdatedTime") or order["createdTime"]),
            currency=currency,
            total=total,
            paid=_paid(total, status),
            paid_at=parse_time(order["createdTime"]) if _paid(total, status) else None,
            status=status,
            cancelled=status == "canceled",
            lines=lines,
            buyer=BuyerRecord(
                email=str(buyer.get("buyerEmail") or ""), name=str(buyer.get("buyerName") or ""), country=country
            ),
            shipped_at=min(shipped) if shipped else None,
            fulfilment=FULFILMENT_2026.get(str(fulfillment.get("fulfilledBy") or "").upper(), "merchant"),
            carrier=str(package.get("carrier") or ""),
            tracking_number=str(package.get("trackingNumber") or ""),
            tracking_status=PACKAGE_TRACKING.get(package_status, "unknown"),
        )
    except ParseError:
        raise
    except Exception as error:  # noqa: BLE001 - one malformed order becomes a failure, never the page's end
        raise ParseError(f"order {_field(order, 'orderId')}: {error!r}") from error


def orders_page_2026(body: dict) -> tuple[list[OrderRecord], list[tuple[Any, str]], str, datetime | None]:
    """A ``searchOrders`` answer: (records, failures, next token, ``lastUpdatedBefore``)."""
    if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
        raise ParseError("searchOrders answer without orders")
    records, failures = [], []
    for order in body["orders"]:
        try:
            records.append(order_2026(order))
        except ParseError as error:
            failures.append((order, str(error)))
    mark = body.get("lastUpdatedBefore")
    return (
        records,
        failures,
        str((body.get("pagination") or {}).get("nextToken") or ""),
        (parse_time(mark) if mark else None),
    )


# --- returns reports -----------------------------------------------------------------------
REASONS = (  # marketplace code fragments → our TicketReason, first match wins
    (("TOO_SMALL", "TOO-SMALL", "TOO_LARGE", "TOO-LARGE", "SIZE", "FIT"), "size"),
    (("DEFECTIVE", "QUALITY", "NOT_WORKING", "MISSING_PARTS", "MISSING-PARTS"), "quality_defect"),
    (
        ("NOT_AS_DESCRIBED", "NOT-AS-DESCRIBED", "SNAD", "DIFFERENT_ITEM", "WRONG_ITEM", "SWITCHEROO"),
        "not_as_described",
    ),
    (("DAMAGED_BY_CARRIER", "DAMAGED_BY_FC", "DAMAGED", "CARRIER"), "damaged_in_transit"),
    (("UNWANTED", "NO_LONGER_NEEDED", "ORDERED_WRONG", "CHANGED", "BETTER_PRICE", "UNAUTHORIZED"), "changed_mind"),
    (("LATE", "MISSED_ESTIMATED_DELIVERY"), "late"),
)

RETURN_STATUS = {
    "approved": "authorized",
    "authorized": "authorized",
    "pending": "requested",
    "requested": "requested",
    "rejected": "rejected",
    "denied": "rejected",
    "closed": "closed",
    "completed": "closed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}


def reason_for(code: str) -> str:
    """Our reason for a marketplace return code where the code is clear; "" otherwise (the raw
    code is kept beside it in ``reason_code``)."""
    upper = (code or "").upper()
    for fragments, reason in REASONS:
        if any(fragment in upper for fragment in fragments):
            return reason
    return ""


def decode_document(data: bytes, *, content_type: str = "", compression: str = "") -> str:
    """A report document as text: gunzip when ``compressionAlgorithm`` is GZIP, then decode with
    the charset of its Content-Type (Amazon's EU reports are often ISO-8859-1, not UTF-8)."""
    if (compression or "").upper() == "GZIP" or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    match = re.search(r"charset=[\"']?([A-Za-z0-9_.:-]+)", content_type or "", flags=re.IGNORECASE)
    charset = match.group(1) if match else "utf-8"
    try:
        return data.decode(charset)
    except LookupError:
        return data.decode("utf-8", errors="replace")


def tsv_rows(text: str) -> list[dict[str, str]]:
    """A TSV report as dicts by header name (never by position): short rows padded, blank rows
    skipped, ``" "`` read as empty, extra unnamed cells ignored."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE)
    header: list[str] | None = None
    rows = []
    for raw in reader:
        if header is None:
            header = [name.strip() for name in raw]
            continue
        if not any(value.strip() for value in raw):
            continue
        cells = raw + [""] * (len(header) - len(raw))
        rows.append({name: cells[i].strip() for i, name in enumerate(header) if name})
    return rows


def _amount(text: str, currency: str) -> PlatformAmount | None:
    if not cell(text) or not cell(currency):
        return None
    return PlatformAmount.parse(cell(text), cell(currency))


def flat_returns(text: str) -> tuple[list, list[tuple[Any, str]]]:
    """The flat-file returns report (GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE): one ReturnRecord
    per Amazon RMA (its rows are its lines) and, for a row with ``A-to-Z Claim`` = Y, a
    DisputeRecord of kind a_to_z."""
    grouped: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
    failures: list[tuple[Any, str]] = []
    for row in tsv_rows(text):
        key = row.get("Amazon RMA ID") or f"{row.get('Order ID', '')}:{row.get('ASIN', '')}"
        if not row.get("Order ID"):
            failures.append((row, "returns row without an Order ID"))
            continue
        grouped.setdefault(key, []).append(row)
    records: list = []
    for rma, rows in grouped.items():
        first = rows[0]
        try:
            requested = parse_report_date(first.get("Return request date", ""))
            delivered = [parse_report_date(r["Return delivery date"]) for r in rows if r.get("Return delivery date")]
            currency = first.get("Currency code", "")
            refunded = [_amount(r.get("Refunded Amount", ""), currency) for r in rows]
            refunded = [amount for amount in refunded if amount is not None]
            refund = None
            if refunded:
                refund = PlatformAmount.parse(sum(a.amount for a in refunded), refunded[0].currency)
            code = first.get("Return Reason", "")
            platform_status = first.get("Return request status", "")
            status = RETURN_STATUS.get(platform_status.lower(), "requested")
            if delivered and status in {"authorized", "requested"}:
                status = "received"
            records.append(
                ReturnRecord(
                    external_id=rma,
                    order_external_id=first["Order ID"],
                    order_number=first["Order ID"],
                    requested_at=requested,
                    updated_at=max([requested, *delivered]),
                    status=status,
                    platform_status=platform_status,
                    reason=reason_for(code),
                    reason_code=code,
                    lines=tuple(
                        ReturnLineRecord(
                            order_line_external_id=r.get("Order Item ID", ""),
                            quantity=int(r.get("Return quantity") or 1),
                            sku=r.get("Merchant SKU", ""),
                            reason_code=r.get("Return Reason", ""),
                        )
                        for r in rows
                    ),
                    refund_amount=refund,
                    carrier=first.get("Return carrier", ""),
                    tracking_number=first.get("Tracking ID", ""),
                )
            )
            claimed = [r for r in rows if flag(r.get("A-to-Z Claim"))]
            if claimed:
                records.append(
                    DisputeRecord(
                        external_id=f"a-to-z:{first['Order ID']}",
                        order_external_id=first["Order ID"],
                        kind="a_to_z",
                        status="open",
                        opened_at=requested,
                        updated_at=max([requested, *delivered]),
                        platform_status="A-to-Z Claim",
                        reason=code,
                        amount=_amount(first.get("Order Amount", ""), currency),
                    )
                )
        except (ParseError, MoneyError, ValueError, KeyError) as error:
            failures.append((rows, f"return {rma}: {error}"))
    return records, failures


def fba_returns(text: str) -> tuple[list, list[tuple[Any, str]]]:
    """The FBA customer returns report: one row per license plate number (LPN), ISO ``+00:00``
    times. The units are back at a fulfilment centre, hence ``received``."""
    records: list = []
    failures: list[tuple[Any, str]] = []
    for row in tsv_rows(text):
        try:
            when = parse_time(row["return-date"])
            lpn = row.get("license-plate-number") or f"{row['order-id']}:{row.get('sku', '')}:{row['return-date']}"
            code = row.get("reason", "")
            records.append(
                ReturnRecord(
                    external_id=lpn,
                    order_external_id=row["order-id"],
                    order_number=row["order-id"],
                    requested_at=when,
                    updated_at=when,
                    status="received",
                    platform_status=" / ".join(filter(None, (row.get("status"), row.get("detailed-disposition")))),
                    reason=reason_for(code),
                    reason_code=code,
                    buyer_comment=row.get("customer-comments", ""),
                    lines=(
                        ReturnLineRecord(
                            order_line_external_id="", quantity=int(row.get("quantity") or 1), sku=row.get("sku", "")
                        ),
                    ),
                )
            )
        except (ParseError, KeyError, ValueError) as error:
            failures.append((row, f"FBA return row: {error!r}"))
    return records, failures


def _text(node: Any, name: str) -> str:
    found = node.find(name)
    return (found.text or "").strip() if found is not None else ""


def xml_returns(text: str) -> tuple[list, list[tuple[Any, str]]]:
    """The XML returns report (GET_XML_RETURNS_DATA_BY_RETURN_DATE): each returned unit is its own
    ``item_details``; units are summed per SKU, never deduplicated. The currency is only in
    ``label_details``; ``refund_amount`` is a bare decimal."""
    try:
        root = SafeET.fromstring(text.encode() if isinstance(text, str) else text)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise ParseError(f"returns XML: {error}") from error
    records: list = []
    failures: list[tuple[Any, str]] = []
    for details in root.iter("return_details"):
        rma = _text(details, "amazon_rma_id")
        try:
            order_id = _text(details, "order_id")
            label = details.find("label_details")
            currency = _text(label if label is not None else details, "currency_code")
            requested = parse_time(_text(details, "return_request_date"))
            quantities: OrderedDict[str, int] = OrderedDict()
            codes: dict[str, str] = {}
            refund_total = Decimal(0)
            refund_seen = False
            for item in details.iter("item_details"):
                sku = _text(item, "merchant_sku")
                quantities[sku] = quantities.get(sku, 0) + int(_text(item, "return_quantity") or 1)
                codes.setdefault(sku, _text(item, "return_reason_code"))
                if _text(item, "refund_amount"):
                    refund_total += Decimal(_text(item, "refund_amount"))
                    refund_seen = True
            code = next(iter(codes.values()), "")
            platform_status = _text(details, "return_request_status")
            records.append(
                ReturnRecord(
                    external_id=rma,
                    order_external_id=order_id,
                    order_number=order_id,
                    requested_at=requested,
                    updated_at=requested,
                    status=RETURN_STATUS.get(platform_status.lower(), "requested"),
                    platform_status=platform_status,
                    reason=reason_for(code),
                    reason_code=code,
                    lines=tuple(
                        ReturnLineRecord(order_line_external_id="", quantity=qty, sku=sku, reason_code=codes[sku])
                        for sku, qty in quantities.items()
                    ),
                    refund_amount=PlatformAmount.parse(refund_total, currency) if refund_seen and currency else None,
                )
            )
            if flag(_text(details, "a_to_z_claim")):
                amount = _text(details, "order_amount")
                records.append(
                    DisputeRecord(
                        external_id=f"a-to-z:{order_id}",
                        order_external_id=order_id,
                        kind="a_to_z",
                        status="open",
                        opened_at=requested,
                        updated_at=requested,
                        platform_status="A-to-Z Claim",
                        reason=code,
                        amount=PlatformAmount.parse(amount, currency) if amount and currency else None,
                    )
                )
        except (ParseError, MoneyError, ValueError, InvalidOperation) as error:
            failures.append(({"amazon_rma_id": rma}, f"return {rma}: {error!r}"))
    return records, failures


def report(report_type: str, text: str) -> tuple[list, list[tuple[Any, str]]]:
    """A returns report's document text, by its report type."""
    if report_type == FBA_RETURNS_REPORT:
        return fba_returns(text)
    if report_type == XML_RETURNS_REPORT or text.lstrip().startswith("<"):
        return xml_returns(text)
    return flat_returns(text)


def report_state(body: dict) -> tuple[str, str]:
    """A getReport answer: (processingStatus, reportDocumentId or "")."""
    return str(body.get("processingStatus") or ""), str(body.get("reportDocumentId") or "")


def document_location(body: dict) -> tuple[str, str, str]:
    """A getReportDocument / createFeedDocument / getFeedDocument answer: (id, pre-signed URL,
    compressionAlgorithm or "")."""
    try:
        document_id = body.get("reportDocumentId") or body["feedDocumentId"]
        return str(document_id), str(body["url"]), str(body.get("compressionAlgorithm") or "")
    except (KeyError, TypeError) as error:
        raise ParseError(f"document answer: {error!r}") from error


def feed_state(body: dict) -> tuple[str, str]:
    """A getFeed answer: (processingStatus, resultFeedDocumentId or "")."""
    return str(body.get("processingStatus") or ""), str(body.get("resultFeedDocumentId") or "")


# --- finances ------------------------------------------------------------------------------
def refund_event(event: dict) -> RefundRecord:
    """One RefundEvent → what the buyer got back: the item charges (principal, tax, shipping …)
    turned positive. Fees (commission, RefundCommission) are the seller's and are left out, so the
    amount is the buyer-facing refund, not the seller's net."""
    try:
        order_id = str(event["AmazonOrderId"])
        items = event.get("ShipmentItemAdjustmentList") or []
        total = Decimal(0)
        currency = ""
        for item in items:
            for charge in item.get("ItemChargeAdjustmentList") or []:
                amount = money_finances(charge.get("ChargeAmount"))
                if amount is None:
                    continue
                currency = currency or amount.currency
                total += Decimal(str(charge["ChargeAmount"]["CurrencyAmount"]))
        if not currency:
            raise ParseError(f"refund event for {order_id} has no charge")
        ids = sorted(str(i.get("OrderAdjustmentItemId") or i.get("SellerSKU") or "") for i in items)
        posted = parse_time(event["PostedDate"])
        return RefundRecord(
            external_id=f"{order_id}:{'+'.join(ids)}",
            order_external_id=order_id,
            amount=PlatformAmount.parse(-total, currency),
            created_at=posted,
            updated_at=posted,
            status="succeeded",
            reference=str(event.get("MerchantAdjustmentID") or ""),
        )
    except (KeyError, TypeError, MoneyError, InvalidOperation) as error:
        raise ParseError(f"refund event {event.get('AmazonOrderId', '?')}: {error!r}") from error


def financial_events(body: dict) -> tuple[list[RefundRecord], list[tuple[Any, str]], str]:
    """A ``listFinancialEvents`` answer: (refund records, failures, next token). Other event
    lists (shipments, retrocharges, ads …) are not refunds and are skipped."""
    payload = body.get("payload") if isinstance(body, dict) else None
    if not isinstance(payload, dict):
        raise ParseError("listFinancialEvents answer without a payload")
    records, failures = [], []
    for event in (payload.get("FinancialEvents") or {}).get("RefundEventList") or []:
        try:
            records.append(refund_event(event))
        except ParseError as error:
            failures.append((event, str(error)))
    return records, failures, str(payload.get("NextToken") or "")


# --- feeds ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Adjustment:
    """One item of a payment adjustment: the order item and the amounts given back."""

    order_item_id: str
    principal: PlatformAmount
    tax: PlatformAmount | None = None


def adjustment_feed(
    *, merchant_id: str, order_id: str, adjustment_id: str, reason: str, items: list[Adjustment]
) -> bytes:
    """The POST_PAYMENT_ADJUSTMENT_DATA feed (OrderAdjustment layout): one message, positive
    amounts with a currency attribute, ``MerchantAdjustmentID`` = our idempotency key."""

    def amount(kind: str, value: PlatformAmount) -> str:
        return (
            f"          <Component>\n            <Type>{kind}</Type>\n"
            f'            <Amount currency="{escape(value.currency)}">{value.amount}</Amount>\n'
            "          </Component>\n"
        )

    adjusted = []
    for index, item in enumerate(items, start=1):
        components = amount("Principal", item.principal) + (amount("Tax", item.tax) if item.tax else "")
        adjusted.append(
            "      <AdjustedItem>\n"
            f"        <AmazonOrderItemCode>{escape(item.order_item_id)}</AmazonOrderItemCode>\n"
            f"        <MerchantAdjustmentItemID>{escape(adjustment_id)}-{index}</MerchantAdjustmentItemID>\n"
            f"        <AdjustmentReason>{escape(reason)}</AdjustmentReason>\n"
            f"        <ItemPriceAdjustments>\n{components}        </ItemPriceAdjustments>\n"
            "      </AdjustedItem>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n'
        f"  <Header>\n    <DocumentVersion>1.01</DocumentVersion>\n"
        f"    <MerchantIdentifier>{escape(merchant_id)}</MerchantIdentifier>\n  </Header>\n"
        "  <MessageType>OrderAdjustment</MessageType>\n  <Message>\n    <MessageID>1</MessageID>\n"
        "    <OrderAdjustment>\n"
        f"      <AmazonOrderID>{escape(order_id)}</AmazonOrderID>\n"
        f"      <MerchantAdjustmentID>{escape(adjustment_id)}</MerchantAdjustmentID>\n"
        + "".join(adjusted)
        + "    </OrderAdjustment>\n  </Message>\n</AmazonEnvelope>\n"
    ).encode()


@dataclass(frozen=True)
class AdjustmentRequest:
    """What an OrderAdjustment feed message asks for (read back by the sandbox and by tests)."""

    message_id: str
    order_id: str
    adjustment_id: str
    items: tuple[tuple[str, PlatformAmount], ...]  # (order item code, principal + tax)

    @property
    def total(self) -> PlatformAmount:
        currency = self.items[0][1].currency
        return PlatformAmount.parse(sum(amount.amount for _, amount in self.items), currency)


def read_adjustment_feed(data: bytes | str) -> list[AdjustmentRequest]:
    try:
        root = SafeET.fromstring(data.encode() if isinstance(data, str) else data)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise ParseError(f"not a readable XML document: {error}") from error
    requests = []
    for message in root.iter("Message"):
        adjustment = message.find("OrderAdjustment")
        if adjustment is None:
            continue
        items = []
        for item in adjustment.iter("AdjustedItem"):
            amounts = list(item.iter("Amount"))
            currency = amounts[0].get("currency") if amounts else ""
            total = sum((Decimal((a.text or "0").strip()) for a in amounts), Decimal(0))
            items.append((_text(item, "AmazonOrderItemCode"), PlatformAmount.parse(total, currency)))
        requests.append(
            AdjustmentRequest(
                message_id=_text(message, "MessageID"),
                order_id=_text(adjustment, "AmazonOrderID"),
                adjustment_id=_text(adjustment, "MerchantAdjustmentID"),
                items=tuple(items),
            )
        )
    return requests


@dataclass(frozen=True)
class FeedResult:
    message_id: str
    code: str  # Error | Warning
    message_code: str
    description: str


@dataclass(frozen=True)
class ProcessingReport:
    status: str
    processed: int
    successful: int
    errors: int
    results: tuple[FeedResult, ...]

    def result_for(self, message_id: str) -> FeedResult | None:
        """The error (or warning) for our message; "Complete" with MessagesWithError > 0 is no success."""
        for result in self.results:
            if result.message_id == str(message_id) and result.code.lower() == "error":
                return result
        return None


def processing_report(data: bytes | str) -> ProcessingReport:
    try:
        root = SafeET.fromstring(data.encode() if isinstance(data, str) else data)
    except (SafeET.ParseError, DefusedXmlException) as error:
        raise ParseError(f"processing report: {error}") from error
    node = next(root.iter("ProcessingReport"), None)
    if node is None:
        raise ParseError("no ProcessingReport in the feed's result document")
    summary = node.find("ProcessingSummary")

    def count(name: str) -> int:
        return int(_text(summary, name) or 0) if summary is not None else 0

    return ProcessingReport(
        status=_text(node, "StatusCode"),
        processed=count("MessagesProcessed"),
        successful=count("MessagesSuccessful"),
        errors=count("MessagesWithError"),
        results=tuple(
            FeedResult(
                message_id=_text(r, "MessageID"),
                code=_text(r, "ResultCode"),
                message_code=_text(r, "ResultMessageCode"),
                description=_text(r, "ResultDescription"),
            )
            for r in node.iter("Result")
        ),
    )


# --- errors, limits, tokens, notifications -------------------------------------------------
def error_text(body: Any) -> str:
    """Amazon's ``errors[]`` (code, message, details — details may be "") as one line."""
    if not isinstance(body, dict):
        return ""
    parts = []
    for error in body.get("errors") or []:
        text = f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
        if error.get("details"):
            text += f" ({error['details']})"
        parts.append(text)
    return "; ".join(parts)


def rate_limit(headers: Any) -> float | None:
    """``x-amzn-RateLimit-Limit`` (a float string, on 200/400/404 only) as requests per second."""
    value = headers.get("x-amzn-RateLimit-Limit") if headers is not None else None
    try:
        rate = float(value) if value else None
    except ValueError:
        return None
    return rate if rate and rate > 0 else None


def usage_plan(text: str) -> tuple[float, int]:
    """(rate, burst) from the usage-plan table of an operation's documentation."""
    match = re.search(r"\|\s*([0-9.]+)\s*\|\s*([0-9]+)\s*\|", text)
    if not match:
        raise ParseError("no usage plan table")
    return float(match.group(1)), int(match.group(2))


def restricted_data_token(body: dict) -> tuple[str, int]:
    """A createRestrictedDataToken answer: (token, lifetime in seconds)."""
    try:
        return str(body["restrictedDataToken"]), int(body.get("expiresIn") or 3600)
    except (KeyError, TypeError, ValueError) as error:
        raise ParseError(f"RDT answer: {error!r}") from error


def lwa_token(body: dict) -> tuple[str, int]:
    """An LWA token answer: (access token, lifetime in seconds)."""
    try:
        return str(body["access_token"]), int(body.get("expires_in") or 3600)
    except (KeyError, TypeError, ValueError) as error:
        raise ParseError(f"LWA answer: {error!r}") from error


@dataclass(frozen=True)
class OrderChanged:
    """An ORDER_CHANGE notification is a summary: it says "fetch this order", nothing more."""

    notification_id: str  # dedupe key (delivery is at least once)
    order_id: str
    changed_at: datetime  # OrderChangeTrigger.TimeOfOrderChange, else EventTime
    change_type: str
    buyer_requested_cancel: bool


def order_change(body: dict) -> OrderChanged:
    try:
        change = body["Payload"]["OrderChangeNotification"]
        trigger = change.get("OrderChangeTrigger") or {}
        items = (change.get("Summary") or {}).get("OrderItems") or []
        return OrderChanged(
            notification_id=str(body["NotificationMetadata"]["NotificationId"]),
            order_id=str(change["AmazonOrderId"]),
            changed_at=parse_time(trigger.get("TimeOfOrderChange") or body["EventTime"]),
            change_type=str(change.get("OrderChangeType") or ""),
            buyer_requested_cancel=any(flag(i.get("IsBuyerRequestedCancel")) for i in items),
        )
    except (KeyError, TypeError) as error:
        raise ParseError(f"ORDER_CHANGE notification: {error!r}") from error


@dataclass(frozen=True)
class ProcessingFinished:
    """A REPORT_ or FEED_PROCESSING_FINISHED notification (camelCase, unlike ORDER_CHANGE)."""

    notification_id: str
    kind: str  # report | feed
    object_id: str
    processing_status: str
    document_id: str
    event_time: datetime


def processing_finished(body: dict) -> ProcessingFinished:
    try:
        payload = body["payload"]
        if "feedProcessingFinishedNotification" in payload:
            node, kind, key, doc = (
                payload["feedProcessingFinishedNotification"],
                "feed",
                "feedId",
                "resultFeedDocumentId",
            )
        else:
            node, kind, key, doc = (
                payload["reportProcessingFinishedNotification"],
                "report",
                "reportId",
                "reportDocumentId",
            )
        return ProcessingFinished(
            notification_id=str(body["notificationMetadata"]["notificationId"]),
            kind=kind,
            object_id=str(node[key]),
            processing_status=str(node.get("processingStatus") or ""),
            document_id=str(node.get(doc) or ""),
            event_time=parse_time(body["eventTime"]),
        )
    except (KeyError, TypeError) as error:
        raise ParseError(f"processing notification: {error!r}") from error
