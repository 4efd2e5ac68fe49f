"""Reviewer r2's probes of the refund pages and APIs (issue 13). Each finding is a strict xfail
that passes once fixed; the checks that held are plain tests, kept as regressions."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.report_data import MONTH, body, csv_rows, succeeded_refund, xlsx_values
from tickets.models import ClosedMonth, ExportStatus, RefundExport, StoreMembership
from tickets.services import refund_export
from tickets.services.refund_export import COLUMNS
from tickets.states import RefundStatus

pytestmark = pytest.mark.django_db

DOWNLOAD = "/reports/refunds/download/"


@pytest.fixture
def client_for():
    from rest_framework.test import APIClient

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- formula escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["\x01", "\x08", "\x1b"])
def test_xlsx_never_holds_a_formula_whatever_precedes_it(finance, shopify_store, prefix):
    succeeded_refund(shopify_store, "10.00", reason=prefix + '=HYPERLINK("https://evil.example","x")')
    response = page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "xlsx"})
    content = body(response)
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_xlsx_sku_cell_is_never_a_formula(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", lines=[("\x02=1+1", 1, "10.00")])
    content = body(page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "xlsx"}))
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_cjk_reason_round_trips_in_csv_with_bom(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", reason="商品破损，退款")
    content = body(page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "csv"}))
    assert content.startswith(b"\xef\xbb\xbf")
    assert csv_rows(content)[0]["reason"] == "商品破损，退款"


# --- sums across page, CSV, XLSX and API -------------------------------------------------------------------


@pytest.fixture
def mixed_month(shopify_store, ebay_store):
    succeeded_refund(shopify_store, "120.00", lines=[("SHIRT-M", 1, "100.00")], reason="=1+1")
    succeeded_refund(shopify_store, "33.33", reason="Late")
    succeeded_refund(shopify_store, "1200", currency="JPY", lines=[("MUG", 2, "1000")])
    succeeded_refund(ebay_store, "10.05", reason="Late", method="store_credit")
    succeeded_refund(ebay_store, "1.250", currency="KWD")


def _sum(rows, currency_at, amount_at):
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row[currency_at]] = sums.get(row[currency_at], Decimal(0)) + Decimal(str(row[amount_at]))
    return sums


def test_totals_agree_across_json_csv_xlsx_and_every_table(client_for, finance, mixed_month):
    api = client_for(finance)
    report = api.get("/api/reports/refunds/", {"month": "2026-10"}).json()
    totals = {t["amount"]["currency"]: Decimal(t["amount"]["amount"]) for t in report["currencies"]}
    for table in ("by_store", "by_platform", "by_method", "by_reason", "by_sku"):
        sums: dict[str, Decimal] = {}
        for row in report[table]:
            cur = row["amount"]["currency"]
            sums[cur] = sums.get(cur, Decimal(0)) + Decimal(row["amount"]["amount"])
        assert sums == totals, table
    csv_content = body(page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "csv"}))
    rows = csv_rows(csv_content)
    assert len(rows) == report["rows"]
    assert _sum([(r["currency"], r["amount"]) for r in rows], 0, 1) == totals
    xlsx = xlsx_values(body(page_client(finance).get(DOWNLOAD, {"month": "2026-10", "format": "xlsx"})))
    c, a = COLUMNS.index("currency"), COLUMNS.index("amount")
    assert {k: v.normalize() for k, v in _sum(xlsx[1:], c, a).items()} == {k: v.normalize() for k, v in totals.items()}
    api_csv = csv_rows(body(api.get("/api/reports/refunds/", {"month": "2026-10", "format": "csv"})))
    assert api_csv == rows


# --- who sees what -------------------------------------------------------------------------------------


def test_an_export_file_follows_the_owners_current_stores(shopify_store, ebay_store, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    fin = factories.user_with_role("fin_ab", factories.FINANCE, stores=[shopify_store, ebay_store])
    succeeded_refund(ebay_store, "2.00", reason="store B secret")
    export = refund_export.start_export(user=fin, month=MONTH, fmt="csv", store_ids=[ebay_store.pk])
    assert refund_export.run_export(export.pk) == "done"
    StoreMembership.objects.filter(user=fin, store=ebay_store).delete()
    response = page_client(fin).get("/reports/refunds/exports/file/", {"id": export.pk})
    assert response.status_code == 404


def test_reconciliation_and_return_rates_ignore_another_stores_id(shopify_store, ebay_store):
    """Not a leak: the other store's id is dropped. (The refund report answers 404 instead.)"""
    fin = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    client = page_client(fin)
    for url in ("/reports/reconciliation/", "/reports/return-rates/"):
        html = client.get(url, {"store": ebay_store.pk}).content.decode()
        assert ebay_store.name not in html
    assert client.get("/reports/refunds/", {"store": ebay_store.pk}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"month": "2026-13"}, {"month": "abc"}, {"store": "999999"}, {"format": "pdf"}, {"store": "1e3"}],
)
def test_api_bad_queries_are_4xx_json(client_for, finance, query):
    response = client_for(finance).get("/api/reports/refunds/", query)
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "detail"}


@pytest.mark.parametrize("url", ["/reports/refunds/", "/reports/reconciliation/", "/reports/return-rates/"])
def test_pages_refuse_bad_months_without_500(finance, url):
    client = page_client(finance)
    for month in ("2026-13", "abc", "0000-01", "9999-12", "2026-1"):
        assert client.get(url, {"month": month}).status_code in (200, 400)
    assert client.get(url, {"after": "x" * 5000, "list": "ours_only"}).status_code in (200, 400)


# --- closing months --------------------------------------------------------------------------------------


def test_closing_a_month_twice_the_current_month_or_as_supervisor(finance, supervisor):
    client = page_client(finance)
    assert client.post("/reports/refunds/close/", {"month": "2026-10"}).status_code == 302
    assert client.post("/reports/refunds/close/", {"month": "2026-10"}).status_code == 302
    assert ClosedMonth.objects.count() == 1
    now = timezone.now().strftime("%Y-%m")
    client.post("/reports/refunds/close/", {"month": now})
    assert ClosedMonth.objects.count() == 1
    assert page_client(supervisor).post("/reports/refunds/close/", {"month": "2026-09"}).status_code == 403
    assert ClosedMonth.objects.count() == 1


# --- the background export ------------------------------------------------------------------------------


def test_an_export_abandoned_by_a_dead_worker_is_not_running_forever(finance, shopify_store):
    succeeded_refund(shopify_store, "1.00")
    export = RefundExport.objects.create(
        requested_by=finance, month=MONTH, format="csv", status=ExportStatus.RUNNING, rows_total=1, rows_done=0
    )
    RefundExport.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(days=2))
    html = page_client(finance).get("/reports/refunds/exports/progress/", {"id": export.pk}).content.decode()
    assert 'hx-trigger="every 1s"' not in html


def test_a_running_export_is_not_claimed_twice(finance, shopify_store, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    succeeded_refund(shopify_store, "1.00")
    export = refund_export.start_export(user=finance, month=MONTH, fmt="csv")
    RefundExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, rows_done=0)
    # A live run has the row RUNNING and a recent heartbeat (rows_done/updated): a second one must
    # leave it alone.
    assert refund_export.run_export(export.pk) == "skipped"


# --- query counts ------------------------------------------------------------------------------------------


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as seen:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(seen.captured_queries)


def test_the_failed_list_of_the_queue_asks_a_fixed_number_of_times(shopify_store, ebay_store, supervisor):
    client = page_client(supervisor)

    def failed(store):
        refund = succeeded_refund(store, "5.00", status=RefundStatus.FAILED, failure_reason="nope")
        refund.failed_at = timezone.now()
        refund.save(update_fields=["failed_at"])

    failed(shopify_store)
    few = _queries(client, "/approvals/")
    for store in (shopify_store, ebay_store) * 8:
        failed(store)
    assert _queries(client, "/approvals/") == few


def test_the_report_page_asks_a_fixed_number_of_times(finance, shopify_store, ebay_store):
    client = page_client(finance)
    succeeded_refund(shopify_store, "1.00", lines=[("A", 1, "1.00")])
    few = _queries(client, "/reports/refunds/", {"month": "2026-10"})
    for n in range(20):
        store = (shopify_store, ebay_store)[n % 2]
        succeeded_refund(store, "2.00", reason=f"r{n}", lines=[(f"S{n}", 1, "2.00")])
    assert _queries(client, "/reports/refunds/", {"month": "2026-10"}) == few


def test_the_csv_download_asks_a_fixed_number_of_times(finance, shopify_store):
    client = page_client(finance)
    succeeded_refund(shopify_store, "1.00", lines=[("A", 1, "1.00")])
    few = _queries(client, DOWNLOAD, {"month": "2026-10", "format": "csv"})
    for n in range(20):
        succeeded_refund(shopify_store, "2.00", reason=f"r{n}", lines=[(f"S{n}", 1, "2.00")])
    assert _queries(client, DOWNLOAD, {"month": "2026-10", "format": "csv"}) == few


# --- reconciliation across months ------------------------------------------------------------------------


def test_a_refund_paid_in_two_months_counts_each_part_in_its_own_month(shopify_store, finance):
    from datetime import UTC, datetime

    from tests.test_reconciliation import MONTH as REC_MONTH
    from tests.test_reconciliation import order_of, ours, platform
    from tickets.selectors import reconciliation as rec
    from tickets.selectors.periods import shift

    last_day = datetime(REC_MONTH.year, REC_MONTH.month, 28, 12, tzinfo=UTC)
    following = shift(REC_MONTH, 1)
    refund = ours(order_of(shopify_store), "100.00", at=last_day)
    key = str(refund.idempotency_key)
    platform(shopify_store, ext="RF1", amount="50.00", at=last_day, reference=key)
    platform(
        shopify_store,
        ext="RF2",
        amount="50.00",
        at=datetime(following.year, following.month, 2, 12, tzinfo=UTC),
        reference=key,
    )
    platform_totals = []
    for month in (REC_MONTH, following):
        sections = rec.summary(rec.scope(finance, month))
        platform_totals.append(
            sum(
                (t.platform or Decimal(0) for name in (rec.MATCHED, rec.MISMATCH) for t in sections[name].totals),
                Decimal(0),
            )
        )
    # The platform refunded 50.00 in each month: 100.00 over both, never 200.00.
    assert sum(platform_totals) == Decimal("100.00")
