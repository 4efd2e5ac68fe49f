"""Refunds for the refund report's tests: succeeded ones, written directly (data setup, not the
refund flow), in a given month and currency, with lines where asked."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from tests import factories
from tickets.models import Refund, RefundLine
from tickets.states import RefundStatus

MONTH = date(2026, 10, 1)  # a month that has ended (the clock of the tests is the real one)


def succeeded_refund(
    store,
    amount: str,
    *,
    currency: str | None = None,
    month: date | None = MONTH,
    succeeded_at: datetime | None = None,
    reason: str = "Item arrived damaged",
    method: str = "original_payment",
    status: str = RefundStatus.SUCCEEDED,
    lines: list[tuple[str, int, str]] = (),
    **fields,
) -> Refund:
    """A refund of ``store``; ``lines`` are (sku, quantity, amount) of new lines of its order."""
    currency = currency or store.currency
    ticket = factories.TicketFactory(store=store, order__currency=currency)
    refund = factories.RefundFactory(
        ticket=ticket,
        amount=Decimal(amount),
        currency=currency,
        reason=reason,
        method=method,
        status=status,
        attribution_month=month,
        succeeded_at=succeeded_at
        or (datetime(month.year, month.month, 15, 12, tzinfo=UTC) if month else datetime.now(UTC)),
        **fields,
    )
    for sku, quantity, line_amount in lines:
        line = factories.OrderLineFactory(order=ticket.order, sku=sku, quantity=quantity)
        RefundLine.objects.create(refund=refund, order_line=line, quantity=quantity, amount=Decimal(line_amount))
    return refund


def csv_rows(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "the CSV starts with a UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(text[1:])))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_values(content: bytes, sheet: int | None = None) -> list[list]:
    """The cell values of an XLSX file's sheet (the first by default), read back with openpyxl."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    worksheet = workbook.worksheets[sheet or 0]
    rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]  # empty cells at a row's end are not stored
