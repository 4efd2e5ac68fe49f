"""What ingest accepts: frozen records that platform adapters build from their payloads.

This is the domain's boundary (like Saleor's ``interface.py``): adapters in ``integrations``
build these, the services in ``tickets.services.ingest`` upsert them. No platform field name
appears here; every time is an aware UTC datetime, every amount a ``PlatformAmount``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from .errors import MoneyError
from .money import Money, _refuse_too_large, currency_exponent, normalize_currency

_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(5)}


@dataclass(frozen=True, slots=True)
class PlatformAmount:
    """An amount as a platform reported it, as ``Money`` in its currency.

    A platform may send more decimals than the currency has (``12.345 USD``): the amount is
    rounded half-even to the currency and ``raw`` keeps the text it sent, so the row is flagged
    and nothing is lost. ``raw`` is empty when the amount was exact.
    """

    money: Money
    raw: str = ""

    @classmethod
    def parse(cls, value: object, currency: object) -> PlatformAmount:
        """Read a platform amount: a string (``"12.50"``, ``"5"``, ``".5"``), an int, a Decimal or a
        JSON float (read through its shortest repr, never its binary value). Raises MoneyError."""
        if isinstance(value, bool) or value is None:
            raise MoneyError(f"{value!r} is not an amount.")
        text = str(value).strip()
        try:
            amount = Decimal(text)
        except InvalidOperation as error:
            raise MoneyError(f"{text!r} is not an amount.") from error
        if not amount.is_finite():
            raise MoneyError(f"{text!r} is not a finite amount.")
        code = normalize_currency(currency)
        try:
            exact = amount.quantize(_QUANTUM[currency_exponent(code)], rounding=ROUND_HALF_EVEN)
        except InvalidOperation as error:  # 1e30: more digits than any amount column holds
            raise MoneyError(f"{text!r} is too large for an amount.") from error
        # What Money.of would check again: the code is normalized and the amount quantized.
        _refuse_too_large(exact, code)
        return cls(Money._checked(exact, code), "" if exact == amount else text)

    @property
    def amount(self) -> Decimal:
        return self.money.amount

    @property
    def currency(self) -> str:
        return self.money.currency

    @property
    def rounded(self) -> bool:
        return bool(self.raw)


@dataclass(frozen=True, slots=True)
class BuyerRecord:
    """Who bought. Every field may be empty: Amazon shares no name or email without an RDT."""

    platform_customer_id: str = ""
    email: str = ""
    name: str = ""
    language: str = ""
    country: str = ""


@dataclass(frozen=True, slots=True)
class OrderLineRecord:
    external_id: str
    sku: str
    title: str
    quantity: int
    unit_price: PlatformAmount
    category: str = ""
    image_url: str = ""


@dataclass(frozen=True, slots=True)
class RefundRecord:
    """A refund the platform recorded (by us or in its back office): its own stream, which the
    refunds work reconciles against. ``amount`` is what the buyer got back, positive."""

    external_id: str
    order_external_id: str
    amount: PlatformAmount
    created_at: datetime
    status: str = "succeeded"  # pending | succeeded | failed
    reference: str = ""  # our idempotency key or adjustment id when the platform echoes it
    reason: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrderRecord:
    external_id: str
    number: str
    placed_at: datetime
    updated_at: datetime
    currency: str  # what the buyer paid in (Shopify's presentment currency)
    total: PlatformAmount | None  # None: no total yet (an Amazon order still Pending)
    paid: PlatformAmount | None = None
    shop_total: PlatformAmount | None = None  # the same total in the shop's own currency, when it differs
    status: str = ""  # the platform's order status, lower case (pending, unshipped, shipped, canceled …)
    cancelled: bool = False
    lines: tuple[OrderLineRecord, ...] = ()
    buyer: BuyerRecord | None = None
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    fulfilment: str = "merchant"  # tickets.models.Fulfilment values
    carrier: str = ""
    tracking_number: str = ""
    tracking_status: str = "unknown"  # tickets.models.TrackingStatus values
    platform_url: str = ""
    refunds: tuple[RefundRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ReturnLineRecord:
    order_line_external_id: str
    quantity: int
    sku: str = ""
    reason_code: str = ""


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    """A return the buyer asked for on the platform."""

    external_id: str
    order_external_id: str
    requested_at: datetime
    updated_at: datetime
    status: str  # requested | authorized | rejected | in_transit | received | closed | cancelled
    platform_status: str = ""  # the platform's own word, kept raw
    reason: str = ""  # tickets.models.TicketReason value, or ""
    reason_code: str = ""  # the marketplace's code, kept raw (AMZ-PG-APP-TOO-SMALL, UNWANTED …)
    buyer_comment: str = ""
    lines: tuple[ReturnLineRecord, ...] = ()
    refund_amount: PlatformAmount | None = None
    carrier: str = ""
    tracking_number: str = ""
    respond_by: datetime | None = None
    buyer: BuyerRecord | None = None
    order_number: str = ""


@dataclass(frozen=True, slots=True)
class DisputeRecord:
    """An inquiry, case, A-to-z claim or chargeback opened against an order."""

    external_id: str
    order_external_id: str
    kind: str  # inquiry | case | a_to_z | chargeback
    status: str  # open | waiting_seller | closed, lower case
    opened_at: datetime
    updated_at: datetime
    platform_status: str = ""
    reason: str = ""
    amount: PlatformAmount | None = None
    respond_by: datetime | None = None
    buyer_comment: str = ""
    buyer: BuyerRecord | None = None


@dataclass(frozen=True, slots=True)
class AttachmentRecord:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """A buyer's message, from an email (any store, the Amazon relay) or a platform's messages.

    ``external_id`` is the platform message id, or the email's Message-ID. Threading uses, in
    order: ``in_reply_to`` and ``references`` against known message ids, ``thread_key`` (a
    platform conversation), an order of this store named in ``order_external_id`` /
    ``order_number`` (or found in the subject or body), then sender and subject.
    """

    external_id: str
    channel: str  # tickets.models.Channel value: email | ebay | …
    sent_at: datetime
    body_html: str
    subject: str = ""
    sender_name: str = ""
    sender_address: str = ""
    recipient_address: str = ""
    order_external_id: str = ""
    order_number: str = ""
    thread_key: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    language: str = ""
    automated: bool = False  # an auto-reply, bounce or mailer daemon: stored, opens nothing, never answered
    attachments: tuple[AttachmentRecord, ...] = ()
    buyer: BuyerRecord | None = None
    reply_to_id: str = ""  # what a reply must quote (eBay's ExternalMessageID)


Record = OrderRecord | ReturnRecord | DisputeRecord | MessageRecord | RefundRecord


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one upsert did: ``created`` or ``updated`` or neither (a duplicate or older data)."""

    kind: str
    external_id: str
    created: bool = False
    updated: bool = False
    ticket_id: int | None = None
    notes: tuple[str, ...] = field(default=())
