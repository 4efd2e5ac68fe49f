"""The refund report as CSV and XLSX files: one row per refund of the month, in constant memory.

Rows are read with ``values_list(...).iterator(chunk_size=CHUNK)`` (a server-side cursor on
PostgreSQL), no model objects: the refunds by id, and beside them, in a second cursor, their
lines' SKUs by refund id, merged as both go; stores and users come from small lookups. Memory
stays flat from a hundred rows to millions (bench/export.py). CSV streams as it is written; XLSX
uses openpyxl's write-only mode and starts a new sheet at Excel's row limit (``EXCEL_MAX_ROWS``,
the header row included).

Cells:
- Text a spreadsheet could run as a formula (it starts with = + - @, a tab or a carriage return,
  also after leading whitespace; the full-width ＝ ＋ － ＠ too) gets a leading apostrophe, in CSV
  and XLSX alike (OWASP, CSV injection). Amounts are never text we took from anyone, so they are
  left as they are.
- Amounts are plain decimals at the currency's precision ("120.00", JPY "1200", KWD "1.250").
  In CSV that is the text. In XLSX they are number cells with a number format of the currency's
  decimals, so they add up in the spreadsheet; the cell holds the exact decimal text (openpyxl
  would write a Decimal through a float with 16 digits, "8828.129999999999"), and Money keeps at
  most 15 significant digits, which a spreadsheet's double holds exactly. No cent is lost.
- ``succeeded_at_utc`` is ISO 8601 in UTC ("2026-11-03T10:15:00Z"); ``attribution_month`` is the
  month the row counts in ("2026-11"), also where the refund had no month of its own.
- Column names are fixed identifiers, the same in every language, so scripts and spreadsheet
  formulas keep working.
- The CSV starts with a UTF-8 byte order mark: Excel otherwise reads UTF-8 (Chinese reasons,
  store names) as the machine's legacy code page.

Exports too large for one web request (``settings.EXPORT_INLINE_ROWS``) run as a ``reports`` task:
``start_export`` records a RefundExport and sends the task after commit; ``run_export`` writes the
file under MEDIA_ROOT/exports with its progress; only the user who asked downloads it.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import IO, Any

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import CharField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import DomainError, NotFound
from ..models import ExportStatus, Refund, RefundExport, RefundLine, Store
from ..money import UNKNOWN_CURRENCY_EXPONENT, stored_exponent
from ..months import month_key, month_start
from ..permissions import require
from ..selectors.refund_report import month_refunds, visible_stores

logger = logging.getLogger(__name__)
User = get_user_model()

VIEW_PERMISSION = "tickets.view_refund_report"
EXPORT_TASK = "tickets.report_refund_export"
CSV, XLSX = "csv", "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel's rows per sheet, the header row included. A module constant so tests can lower it.
EXCEL_MAX_ROWS = 1_048_576
CHUNK = 2000  # rows per fetch from the database, and per piece of the CSV stream
PROGRESS_EVERY_SECONDS = 1.0
EXPORT_DIR = "exports"  # under MEDIA_ROOT, which is never served as a URL
# PostgreSQL's cursor_tuple_fraction for the export's two cursors (see _records).
LINES_CURSOR_FRACTION = 0.1
REFUNDS_CURSOR_FRACTION = 1.0

COLUMNS = (
    "refund_id",
    "ticket_number",
    "order_number",
    "store",
    "platform",
    "attribution_month",
    "succeeded_at_utc",
    "amount",
    "currency",
    "kind",
    "method",
    "reason",
    "skus",
    "requested_by",
    "approved_by",
    "self_approved",
    "platform_refund_id",
    "platform_amount",
    "corrects_refund_id",
)
AMOUNT_COLUMNS = (COLUMNS.index("amount"), COLUMNS.index("platform_amount"))
_FIELDS = (
    "id",
    "ticket__number",
    "order__number",
    "store_id",
    "succeeded_utc",
    "amount",
    "currency",
    "kind",
    "method",
    "reason",
    "requested_by_id",
    "approved_by_id",
    "self_approved",
    "platform_refund_id",
    "platform_amount",
    "corrects_id",
)

# --- cells ------------------------------------------------------------------------------------------
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
# First characters worth a closer look: the formula starts and every kind of space (all of which
# are below U+3001). Most text starts with neither and is passed by one set lookup.
# Control characters count too: XLSX drops them (they are illegal in its XML), which would bring a
# formula behind them to the front ("\x01=HYPERLINK(…)").
_LEADING = "".join(chr(code) for code in range(0x3001) if chr(code).isspace() or code < 32 or code == 127)
_SUSPECT_FIRST = FORMULA_STARTS | frozenset(_LEADING)


def escape_formula(text: str) -> str:
    """Text a spreadsheet could run as a formula, made inert with a leading apostrophe."""
    if text[:1] not in _SUSPECT_FIRST:
        return text
    if text[0] in FORMULA_STARTS or text.lstrip(_LEADING)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


_QUANTA: dict[str, Decimal] = {}


def places(currency: str) -> int:
    exponent = stored_exponent(currency)
    return UNKNOWN_CURRENCY_EXPONENT if exponent is None else exponent


def _quantum(currency: str) -> Decimal:
    quantum = _QUANTA.get(currency)
    if quantum is None:
        quantum = _QUANTA[currency] = Decimal(1).scaleb(-places(currency))
    return quantum


# --- rows ---------------------------------------------------------------------------------------------
class UtcText(Func):
    """A datetime as ISO 8601 text in UTC, "2026-10-03T10:15:07Z", written by the database (it
    does it faster than Python parses the value and formats it again)."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps datetimes as UTC text; strftime reads it. Django's SQLite cursor turns "%%"
        # into "%" (as it turns %s into ?), so the format is written doubled twice.
        return self.as_sql(
            compiler, connection, template="strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%SZ', %(expressions)s)"
        )


def export_queryset(user, month: date, store_ids: Iterable[int] | None = None) -> QuerySet[Refund]:
    """The month's refunds in the user's stores, by id (the order they were recorded in)."""
    return (
        month_refunds(user, month_start(month), store_ids)
        .annotate(succeeded_utc=UtcText("succeeded_at"))
        .order_by("id")
    )


def _lines(queryset: QuerySet[Refund]) -> Iterator[tuple[int, str]]:
    """(refund id, SKU) of every line of the queryset's refunds, by refund id: one pass, read
    beside the refunds and merged with them (a lookup per chunk of refunds would read the order
    lines again for every chunk)."""
    refunds = queryset.order_by().values("pk")
    return (
        RefundLine.objects.filter(refund_id__in=refunds)
        .order_by("refund_id")
        .values_list("refund_id", "order_line__sku")
        .iterator(chunk_size=CHUNK)
    )


@contextmanager
def _reading(snapshot: bool) -> Iterator[Callable[[float], None]]:
    """How the export reads PostgreSQL; yields ``plan(fraction)``, which sets the
    ``cursor_tuple_fraction`` the next cursor is planned with (a no-op elsewhere).

    With ``snapshot``, one read-only transaction around the export: its cursors then stream rows
    as the database produces them (outside a transaction Django declares them WITH HOLD, and
    every row is computed before the first one arrives), and refunds and lines are read from one
    moment. Not for the background export, whose progress must be committed as it goes; nor on
    SQLite, which reads in chunks anyway and would hold its write lock for the whole export."""
    if connection.vendor != "postgresql":
        yield lambda fraction: None
        return
    scope = "LOCAL " if snapshot else ""

    def plan(fraction: float) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SET {scope}cursor_tuple_fraction = {float(fraction)}")

    if snapshot:
        with transaction.atomic():
            yield plan
        return
    try:
        yield plan
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")


def records(queryset: QuerySet[Refund], month: date, *, snapshot: bool = True) -> Iterator[list[Any]]:
    """One list of cell values per refund, in COLUMNS order: text escaped, amounts as Decimal at
    the currency's precision, ids as int. Shared by CSV and XLSX. ``queryset`` is ordered by id."""
    with _reading(snapshot) as plan:
        yield from _records(queryset, month, plan)


def _records(queryset: QuerySet[Refund], month: date, plan: Callable[[float], None]) -> Iterator[list[Any]]:
    month_text = month_key(month_start(month))
    escape = escape_formula
    suspect = _SUSPECT_FIRST
    quanta = _QUANTA
    # The lines stream in refund order through the indexes (nested loops: no sort to wait for);
    # the refunds are joined by hashing and sorted once, which costs less than a million index
    # lookups. Each cursor is planned when it is opened, by its first next().
    plan(LINES_CURSOR_FRACTION)
    lines = _lines(queryset)
    line = next(lines, None)
    plan(REFUNDS_CURSOR_FRACTION)
    # Stores and users are few: named from small tables here rather than joined into every row
    # the database sorts. Their text is escaped once each.
    stores = {
        pk: (escape(name), platform)
        for pk, name, platform in Store.objects.filter(pk__in=queryset.order_by().values("store_id").distinct())
        .values_list("pk", "name", "platform")
        .iterator()
    }
    # The month's requesters and approvers, in one query (staff: a few, however many refunds).
    people = queryset.order_by()
    users: dict[int | None, str] = {None: ""}
    users.update(
        (pk, escape(username))
        for pk, username in User.objects.filter(
            Q(pk__in=people.values("requested_by_id")) | Q(pk__in=people.values("approved_by_id"))
        )
        .values_list("pk", "username")
        .iterator()
    )
    for (
        pk,
        ticket,
        order,
        store_id,
        succeeded,
        amount,
        currency,
        kind,
        method,
        reason,
        requester_id,
        approver_id,
        self_approved,
        platform_id,
        platform_amount,
        corrects,
    ) in queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK):
        # Lines of refunds not in this stream (one that changed between the two reads) are skipped.
        while line is not None and line[0] < pk:
            line = next(lines, None)
        skus = ""
        if line is not None and line[0] == pk:
            found = []
            while line is not None and line[0] == pk:
                if line[1] not in found:
                    found.append(line[1])
                line = next(lines, None)
            skus = escape(", ".join(sorted(found)))
        quantum = quanta.get(currency) or _quantum(currency)
        store, platform = stores.get(store_id) or _store(stores, store_id)
        requester = users.get(requester_id)
        if requester is None:
            requester = _user(users, requester_id)
        approver = users.get(approver_id)
        if approver is None:
            approver = _user(users, approver_id)
        yield [
            pk,
            ticket,
            order if order[:1] not in suspect else escape(order),
            store,
            platform,
            month_text,
            succeeded or "",
            amount.quantize(quantum, rounding=ROUND_HALF_EVEN),
            currency,
            kind,
            method,
            reason if reason[:1] not in suspect else escape(reason),
            skus,
            requester,
            approver,
            "true" if self_approved else "false",
            platform_id if platform_id[:1] not in suspect else escape(platform_id),
            None if platform_amount is None else platform_amount.quantize(quantum, rounding=ROUND_HALF_EVEN),
            corrects,
        ]


def _store(stores: dict, store_id: int) -> tuple[str, str]:
    """A store that came into the month after the export started: read it once."""
    name, platform = Store.objects.filter(pk=store_id).values_list("name", "platform").first() or ("", "")
    stores[store_id] = (escape_formula(name), platform)
    return stores[store_id]


def _user(users: dict, user_id: int) -> str:
    """A user who came into the month after the export started: read them once."""
    username = User.objects.filter(pk=user_id).values_list("username", flat=True).first() or ""
    users[user_id] = escape_formula(username)
    return users[user_id]


Progress = Callable[[int], None]


def _progress_every(progress: Progress | None, seconds: float = PROGRESS_EVERY_SECONDS) -> Progress:
    """Calls ``progress`` at most once per ``seconds`` (the last count is reported by the caller)."""
    if progress is None:
        return lambda done: None
    last = [time.monotonic()]

    def tick(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= seconds:
            last[0] = now
            progress(done)

    return tick


# --- CSV ------------------------------------------------------------------------------------------------
# A field holding any of these is quoted, its quotes doubled (RFC 4180, as csv.QUOTE_MINIMAL does).
_CSV_SPECIAL = re.compile(r'[",\r\n]').search


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def csv_chunks(
    queryset: QuerySet[Refund], month: date, *, progress: Progress | None = None, snapshot: bool | None = None
) -> Iterator[bytes]:
    """The CSV file in pieces of CHUNK rows: the byte order mark and header first. ``snapshot``
    (by default: when no progress is reported) reads in one transaction, see ``_reading``.

    Lines are formatted here rather than by the csv module, which spends more time per row than
    the rest of the export: only the fields that may hold text from outside (order number,
    store, reason, SKUs, usernames, platform refund id) can need quoting; ids, codes, dates and
    amounts never do."""
    yield ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode()
    tick = _progress_every(progress)
    done = 0
    special = _CSV_SPECIAL
    quoted = _quoted
    lines: list[str] = []
    for (
        pk,
        ticket,
        order,
        store,
        platform,
        month_text,
        succeeded,
        amount,
        currency,
        kind,
        method,
        reason,
        skus,
        requester,
        approver,
        self_approved,
        platform_id,
        platform_amount,
        corrects,
    ) in records(queryset, month, snapshot=progress is None if snapshot is None else snapshot):
        lines.append(
            f"{pk},{ticket},{quoted(order) if special(order) else order},"
            f"{quoted(store) if special(store) else store},{platform},{month_text},{succeeded},{amount},"
            f"{currency},{kind},{method},{quoted(reason) if special(reason) else reason},"
            f"{quoted(skus) if special(skus) else skus},{quoted(requester) if special(requester) else requester},"
            f"{quoted(approver) if special(approver) else approver},{self_approved},"
            f"{quoted(platform_id) if special(platform_id) else platform_id},"
            f"{'' if platform_amount is None else platform_amount},{'' if corrects is None else corrects}\r\n"
        )
        if len(lines) == CHUNK:
            done += CHUNK
            yield "".join(lines).encode()
            lines = []
            tick(done)
    if lines:
        done += len(lines)
        yield "".join(lines).encode()
    if progress is not None:
        progress(done)


def write_csv(queryset: QuerySet[Refund], month: date, target: IO[bytes], *, progress: Progress | None = None) -> int:
    rows = 0

    def counted(done: int) -> None:
        nonlocal rows
        rows = done
        if progress is not None:
            progress(done)

    for piece in csv_chunks(queryset, month, progress=counted, snapshot=progress is None):
        target.write(piece)
    return rows


# --- XLSX ------------------------------------------------------------------------------------------------
def _number_format(currency: str) -> str:
    decimals = places(currency)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def write_xlsx(
    queryset: QuerySet[Refund], month: date, target: IO[bytes] | str | Path, *, progress: Progress | None = None
) -> int:
    """Write the XLSX workbook to ``target``; returns the number of refund rows."""
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    per_sheet = EXCEL_MAX_ROWS - 1  # the header takes a row of each sheet
    title = f"Refunds {month_key(month_start(month))}"
    sheets = 0
    sheet = None
    in_sheet = per_sheet
    styles: dict[str, Any] = {}
    tick = _progress_every(progress)
    illegal = ILLEGAL_CHARACTERS_RE

    def new_sheet():
        nonlocal sheets
        sheets += 1
        ws = workbook.create_sheet(title if sheets == 1 else f"{title} ({sheets})")
        ws.freeze_panes = "A2"
        header = []
        for name in COLUMNS:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        return ws

    def amount_cell(ws, value: Decimal, currency: str):
        style = styles.get(currency)
        if style is None:
            template = WriteOnlyCell(ws)
            template.number_format = _number_format(currency)
            style = styles[currency] = template._style
        cell = WriteOnlyCell(ws)
        cell._style = copy(style)
        # A number cell holding the exact decimal text (see the module docstring).
        cell.data_type = "n"
        cell._value = format(value, "f")
        return cell

    done = 0
    currency_at = COLUMNS.index("currency")
    text_columns = [
        i
        for i, name in enumerate(COLUMNS)
        if name in ("order_number", "store", "reason", "skus", "requested_by", "approved_by", "platform_refund_id")
    ]
    for record in records(queryset, month, snapshot=progress is None):
        if in_sheet == per_sheet:
            sheet = new_sheet()
            in_sheet = 0
        currency = record[currency_at]
        for i in AMOUNT_COLUMNS:
            if record[i] is not None:
                record[i] = amount_cell(sheet, record[i], currency)
        for i in text_columns:
            value = record[i]
            if value and illegal.search(value):
                record[i] = illegal.sub("", value)
        sheet.append(record)
        in_sheet += 1
        done += 1
        if done % CHUNK == 0:
            tick(done)
    if sheet is None:
        new_sheet()
    workbook.save(target)
    if progress is not None:
        progress(done)
    return done


# --- responses for the page and the API ----------------------------------------------------------------------
def filename(month: date, fmt: str) -> str:
    return f"refunds-{month_key(month_start(month))}.{fmt}"


def stream(queryset: QuerySet[Refund], month: date, fmt: str) -> Iterator[bytes]:
    """The file's bytes as they are made: CSV row by row; XLSX written to a temporary file first
    (a zip cannot be streamed before it is complete), then read back in pieces."""
    if fmt == CSV:
        yield from csv_chunks(queryset, month)
        return
    with tempfile.TemporaryFile() as file:
        write_xlsx(queryset, month, file)
        file.seek(0)
        while piece := file.read(256 * 1024):
            yield piece


def download_response(queryset: QuerySet[Refund], month: date, fmt: str):
    """An attachment download of the month's file that streams in constant memory."""
    from django.http import StreamingHttpResponse

    response = StreamingHttpResponse(stream(queryset, month, fmt), content_type=CONTENT_TYPES[fmt])
    return attachment(response, filename(month, fmt))


def attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- background exports ------------------------------------------------------------------------------------
def inline_limit() -> int:
    """Months with more refunds than this are exported by a ``reports`` task, not in the request."""
    return settings.EXPORT_INLINE_ROWS


def start_export(*, user, month: date, fmt: str, store_ids: Iterable[int] | None = None) -> RefundExport:
    """Record an export of the month for ``user`` and send the task once it is committed."""
    require(user, VIEW_PERMISSION)
    if fmt not in FORMATS:
        raise DomainError(_("Choose CSV or XLSX."))
    month = month_start(month)
    store_ids = sorted(set(store_ids or []))
    if store_ids and visible_stores(user, store_ids).count() != len(store_ids):
        raise NotFound()
    if not store_ids:  # "all my stores" as they are now: the file is served only while that holds
        store_ids = sorted(Store.objects.visible_to(user).values_list("pk", flat=True))
    with transaction.atomic():
        export = RefundExport.objects.create(
            requested_by=user,
            month=month,
            format=fmt,
            store_ids=store_ids,
            rows_total=month_refunds(user, month, store_ids).count(),
        )
        transaction.on_commit(lambda: current_app.send_task(EXPORT_TASK, args=[export.pk]))
    return export


def time_limit() -> int:
    """How long an export task may run: a month of a million refunds takes minutes as XLSX, and
    it must still end before the broker hands the message out again."""
    return max(settings.CELERY_TASK_TIME_LIMIT, settings.BROKER_VISIBILITY_TIMEOUT * 9 // 10)


def stale_before() -> datetime:
    """An export queued or running since before this lost its worker: no live run lasts longer."""
    return timezone.now() - timedelta(seconds=time_limit() + 60)


def end_stale(user) -> int:
    """The user's exports whose worker died: failed, with a word on what to do (the page stops
    polling them and offers a new export), and their partial files removed."""
    stale = RefundExport.objects.filter(
        requested_by_id=user.pk, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=stale_before()
    )
    ids = list(stale.values_list("pk", flat=True))
    if not ids:
        return 0
    RefundExport.objects.filter(pk__in=ids).update(
        status=ExportStatus.FAILED,
        error=_("The export stopped before it was done (its worker was lost). Start it again."),
        finished_at=timezone.now(),
    )
    directory = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    for pk in ids:
        for partial in directory.glob(f".refunds-*-{pk}.*.part"):
            partial.unlink(missing_ok=True)
    return len(ids)


def exports_of(user, month: date, *, limit: int = 5) -> list[RefundExport]:
    end_stale(user)
    return list(RefundExport.objects.filter(requested_by_id=user.pk, month=month_start(month))[:limit])


def export_of(user, export_id: int | None) -> RefundExport:
    """The user's own export, while they may still see every store it holds; anyone else's is
    missing (404), as is one that does not exist."""
    end_stale(user)
    found = RefundExport.objects.filter(pk=export_id, requested_by_id=getattr(user, "pk", None)).first()
    if export_id is None or found is None:
        raise NotFound()
    ids = sorted(set(found.store_ids or []))
    if not ids or visible_stores(user, ids).count() != len(ids):
        raise NotFound()
    return found


def export_path(export: RefundExport) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / export.file).resolve()
    if not export.file or root not in path.parents:
        raise NotFound()
    return path


def run_export(export_id: int) -> str:
    """Write the export's file (the task's body). Safe to run twice: a finished or failed export
    is left alone; a run cut off (the worker died, so the message came back) starts again, and a
    file only takes its final name once complete."""
    # Queued, or running since longer than any live run lasts (its worker died and the broker
    # handed the message out again): a second delivery never runs beside a live first one.
    claimed = (
        RefundExport.objects.filter(pk=export_id)
        .filter(Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, created_at__lt=stale_before()))
        .update(status=ExportStatus.RUNNING, rows_done=0, error="")
    )
    if not claimed:
        return "skipped"
    export = RefundExport.objects.select_related("requested_by").get(pk=export_id)
    directory = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    name = f"refunds-{month_key(export.month)}-{export.pk}.{export.format}"
    partial = directory / f".{name}.{uuid.uuid4().hex}.part"
    try:
        require(export.requested_by, VIEW_PERMISSION)
        queryset = export_queryset(export.requested_by, export.month, export.store_ids or None)
        total = queryset.count()
        RefundExport.objects.filter(pk=export.pk).update(rows_total=total)

        def progress(done: int) -> None:
            RefundExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(rows_done=done)

        directory.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as file:
            if export.format == CSV:
                rows = write_csv(queryset, export.month, file, progress=progress)
            else:
                rows = write_xlsx(queryset, export.month, file, progress=progress)
        os.replace(partial, directory / name)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        message = exc.message if isinstance(exc, DomainError) else _("The export failed. Please try again.")
        if not isinstance(exc, DomainError):
            logger.exception("Refund export %s failed", export_id)
        RefundExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
        )
        return "failed"
    RefundExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE,
        file=f"{EXPORT_DIR}/{name}",
        rows_done=rows,
        rows_total=rows,
        finished_at=timezone.now(),
    )
    return "done"
