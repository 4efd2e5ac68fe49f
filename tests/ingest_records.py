"""Builders of ingest records for the ingest tests: a valid record with only what a test varies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tickets.records import (
    BuyerRecord,
    DisputeRecord,
    MessageRecord,
    OrderLineRecord,
    OrderRecord,
    PlatformAmount,
    RefundRecord,
    ReturnLineRecord,
    ReturnRecord,
)

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def at(minutes: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def money(value: str, currency: str = "USD") -> PlatformAmount:
    return PlatformAmount.parse(value, currency)


def buyer(n: int = 1, **kw) -> BuyerRecord:
    return BuyerRecord(
        **{"platform_customer_id": f"C{n}", "email": f"buyer{n}@example.com", "name": f"Buyer {n}", **kw}
    )


def line(ext: str = "L1", price: str = "25.00", currency: str = "USD", **kw) -> OrderLineRecord:
    return OrderLineRecord(
        **{"external_id": ext, "sku": f"SKU-{ext}", "title": "Linen shirt", "quantity": 2, **kw},
        unit_price=money(price, currency),
    )


def order(
    ext: str = "O1", number: str = "#1001", *, updated: int = 0, total: str | None = "50.00", **kw
) -> OrderRecord:
    currency = kw.pop("currency", "USD")
    return OrderRecord(
        **{
            "external_id": ext,
            "number": number,
            "placed_at": at(),
            "updated_at": at(updated),
            "currency": currency,
            "total": money(total, currency) if total is not None else None,
            "lines": (line(currency=currency),),
            "buyer": buyer(),
            "paid_at": at(),
            **kw,
        }
    )


def message(ext: str = "<m1@example.com>", **kw) -> MessageRecord:
    return MessageRecord(
        **{
            "external_id": ext,
            "channel": "email",
            "sent_at": at(5),
            "body_html": "<p>Hello, where is my parcel?</p>",
            "subject": "Where is my parcel",
            "sender_name": "Ana",
            "sender_address": "ana@example.com",
            **kw,
        }
    )


def return_(ext: str = "R1", order_ext: str = "O1", *, status: str = "requested", updated: int = 10, **kw):
    return ReturnRecord(
        **{
            "external_id": ext,
            "order_external_id": order_ext,
            "requested_at": at(10),
            "updated_at": at(updated),
            "status": status,
            "reason": "size",
            "reason_code": "TOO_SMALL",
            "lines": (ReturnLineRecord(order_line_external_id="L1", quantity=1),),
            "buyer": buyer(language="de"),
            **kw,
        }
    )


def dispute(ext: str = "D1", order_ext: str = "O1", *, status: str = "open", updated: int = 20, **kw) -> DisputeRecord:
    return DisputeRecord(
        **{
            "external_id": ext,
            "order_external_id": order_ext,
            "kind": "inquiry",
            "status": status,
            "opened_at": at(20),
            "updated_at": at(updated),
            "reason": "item not received",
            **kw,
        }
    )


def refund(ext: str = "RF1", order_ext: str = "O1", amount: str = "30.00", **kw) -> RefundRecord:
    return RefundRecord(
        **{"external_id": ext, "order_external_id": order_ext, "amount": money(amount), "created_at": at(30), **kw}
    )
