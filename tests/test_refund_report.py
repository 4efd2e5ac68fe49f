"""The finance report of refunds (issue 13 item 6): which refunds count in a month, totals per
currency by store, platform, method, reason and SKU, the 12-month series, the page and its
permissions, store scoping of page and files, and bad month input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client

from tests import factories
from tests.report_data import MONTH, body, csv_rows, succeeded_refund, xlsx_values
from tickets.errors import InvalidMonth
from tickets.months import parse_month
from tickets.selectors import refund_report
from tickets.selectors.refund_report import NO_LINES, NOT_ON_A_LINE, OTHER
from tickets.states import RefundStatus

pytestmark = pytest.mark.django_db

URL = "/reports/refunds/"


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def totals(rows) -> dict[tuple[str, str], tuple[int, Decimal]]:
    return {(row.key, row.currency): (row.count, row.amount.amount) for row in rows}


def by_currency(rows) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row.currency] = sums.get(row.currency, Decimal(0)) + row.amount.amount
    return sums


# --- which refunds count --------------------------------------------------------------------------


def test_a_refund_counts_in_its_attribution_month_not_the_month_it_succeeded(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", month=date(2026, 10, 1), succeeded_at=datetime(2026, 11, 2, tzinfo=UTC))
    assert refund_report.report(finance, date(2026, 10, 1)).rows == 1
    assert refund_report.report(finance, date(2026, 11, 1)).rows == 0


def test_without_attribution_month_a_refund_counts_in_the_utc_month_it_succeeded(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", month=None, succeeded_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    succeeded_refund(shopify_store, "20.00", month=None, succeeded_at=datetime(2026, 11, 1, 0, 0, tzinfo=UTC))
    assert totals(refund_report.report(finance, date(2026, 10, 1)).currencies) == {("USD", "USD"): (1, Decimal("10"))}
    assert totals(refund_report.report(finance, date(2026, 11, 1)).currencies) == {("USD", "USD"): (1, Decimal("20"))}


@pytest.mark.parametrize("status", [s for s in RefundStatus.values if s != RefundStatus.SUCCEEDED])
def test_only_succeeded_refunds_count(finance, shopify_store, status):
    succeeded_refund(shopify_store, "10.00", status=status)
    assert refund_report.report(finance, MONTH).rows == 0


# --- totals ---------------------------------------------------------------------------------------


def test_totals_are_per_currency_and_never_added_together(finance, shopify_store, ebay_store):
    succeeded_refund(shopify_store, "120.00")
    succeeded_refund(shopify_store, "30.55", method="paypal", reason="Late")
    succeeded_refund(shopify_store, "1200", currency="JPY")
    succeeded_refund(ebay_store, "10.00")
    succeeded_refund(ebay_store, "5.25", method="store_credit", reason="Late")

    report = refund_report.report(finance, MONTH)

    assert report.rows == 5
    assert totals(report.currencies) == {
        ("EUR", "EUR"): (2, Decimal("15.25")),
        ("JPY", "JPY"): (1, Decimal("1200")),
        ("USD", "USD"): (2, Decimal("150.55")),
    }
    assert str(next(r.amount for r in report.currencies if r.currency == "JPY")) == "1200 JPY"
    assert totals(report.by_store) == {
        (str(shopify_store.pk), "USD"): (2, Decimal("150.55")),
        (str(shopify_store.pk), "JPY"): (1, Decimal("1200")),
        (str(ebay_store.pk), "EUR"): (2, Decimal("15.25")),
    }
    assert totals(report.by_platform) == {
        ("shopify", "USD"): (2, Decimal("150.55")),
        ("shopify", "JPY"): (1, Decimal("1200")),
        ("ebay", "EUR"): (2, Decimal("15.25")),
    }
    assert totals(report.by_method)[("paypal", "USD")] == (1, Decimal("30.55"))
    assert totals(report.by_method)[("store_credit", "EUR")] == (1, Decimal("5.25"))
    assert totals(report.by_reason)[("Late", "USD")] == (1, Decimal("30.55"))
    # Every table adds up to the month's total in each currency.
    expected = {row.currency: row.amount.amount for row in report.currencies}
    for _slug, _title, rows in report.tables:
        assert by_currency(rows) == expected, _slug


def test_store_and_method_rows_read_as_people_name_them(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", method="paypal")
    report = refund_report.report(finance, MONTH)
    assert report.by_store[0].label == "Acme Shopify · Shopify US"
    assert report.by_method[0].label == "PayPal"
    assert report.by_platform[0].label == "Shopify"


def test_sku_totals_come_from_lines_and_say_what_is_on_no_line(finance, shopify_store):
    # Two SKUs, one line each, and 5.00 of shipping on top.
    succeeded_refund(shopify_store, "65.00", lines=[("SHIRT-M", 1, "40.00"), ("BELT", 2, "20.00")])
    succeeded_refund(shopify_store, "40.00", lines=[("SHIRT-M", 1, "40.00")])
    # No lines at all: an amount-only refund is not spread over the order's lines.
    succeeded_refund(shopify_store, "12.50")

    rows = refund_report.report(finance, MONTH).by_sku
    found = {(row.key, row.currency): (row.count, row.units, row.amount.amount) for row in rows}

    assert found == {
        ("SHIRT-M", "USD"): (2, 2, Decimal("80.00")),
        ("BELT", "USD"): (1, 2, Decimal("20.00")),
        (NO_LINES, "USD"): (1, None, Decimal("12.50")),
        (NOT_ON_A_LINE, "USD"): (None, None, Decimal("5.00")),
    }
    assert by_currency(rows) == {"USD": Decimal("117.50")}


def test_skus_past_the_top_are_one_other_row_per_currency(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", lines=[("A", 1, "10.00")])
    succeeded_refund(shopify_store, "10.00", lines=[("A", 1, "10.00")])
    succeeded_refund(shopify_store, "7.00", lines=[("B", 1, "7.00")])
    succeeded_refund(shopify_store, "3.00", lines=[("C", 3, "3.00")])

    rows = refund_report.report(finance, MONTH, top=1).by_sku

    found = {(row.key, row.currency): (row.count, row.units, row.amount.amount) for row in rows}
    assert found == {("A", "USD"): (2, 2, Decimal("20.00")), (OTHER, "USD"): (2, 4, Decimal("10.00"))}


def test_reasons_past_the_top_are_one_other_row_per_currency(finance, shopify_store):
    for reason in ["Late", "Late", "Damaged", "Wrong size"]:
        succeeded_refund(shopify_store, "10.00", reason=reason)
    succeeded_refund(shopify_store, "500", currency="JPY", reason="Late")

    rows = refund_report.report(finance, MONTH, top=2).by_reason

    # The two most frequent (reason, currency) pairs, ties by name; the rest per currency.
    assert totals(rows) == {
        ("Late", "USD"): (2, Decimal("20.00")),
        ("Damaged", "USD"): (1, Decimal("10.00")),
        (OTHER, "JPY"): (1, Decimal("500")),
        (OTHER, "USD"): (1, Decimal("10.00")),
    }
    assert by_currency(rows) == {"USD": Decimal("40.00"), "JPY": Decimal("500")}


def test_series_has_twelve_months_per_currency_with_zeros(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00", month=date(2026, 10, 1))
    succeeded_refund(shopify_store, "5.00", month=None, succeeded_at=datetime(2026, 3, 9, tzinfo=UTC))
    succeeded_refund(shopify_store, "700", currency="JPY", month=date(2025, 11, 1))
    succeeded_refund(shopify_store, "9.00", month=date(2025, 10, 1))  # 13 months back: not shown
    succeeded_refund(shopify_store, "9.00", month=date(2026, 11, 1))  # after the month: not shown

    series = {s.currency: s.points for s in refund_report.report(finance, MONTH).series}

    assert set(series) == {"USD", "JPY"}
    assert [p.month for p in series["USD"]][0] == date(2025, 11, 1)
    assert [p.month for p in series["USD"]][-1] == date(2026, 10, 1)
    usd = {p.month: (p.count, p.amount.amount) for p in series["USD"]}
    assert usd[date(2026, 10, 1)] == (1, Decimal("10.00"))
    assert usd[date(2026, 3, 1)] == (1, Decimal("5.00"))
    assert sum(count for count, _ in usd.values()) == 2
    assert {p.month: p.count for p in series["JPY"]}[date(2025, 11, 1)] == 1


# --- the page --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "supervisor"])
def test_finance_and_supervisors_see_the_report(request, role, shopify_store):
    succeeded_refund(shopify_store, "120.00")
    response = page_client(request.getfixturevalue(role)).get(URL, {"month": "2026-10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "$120.00" in html
    assert 'data-export="csv"' in html and 'data-export="xlsx"' in html
    assert 'id="refund-chart-data"' in html and "<script>" not in html  # data only, no inline script


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/reports/refunds/"),
        ("get", "/reports/refunds/download/?month=2026-10&format=csv"),
        ("post", "/reports/refunds/exports/"),
        ("get", "/reports/refunds/exports/progress/?id=1"),
        ("get", "/reports/refunds/exports/file/?id=1"),
        ("post", "/reports/refunds/close/"),
    ],
)
def test_agents_get_403_everywhere_in_the_report(agent, method, url):
    client = page_client(agent)
    response = getattr(client, method)(url, {"month": "2026-10", "format": "csv"} if method == "post" else None)
    assert response.status_code == 403


def test_the_report_page_is_linked_for_finance_only(finance, agent):
    assert 'href="/reports/refunds/"' in page_client(finance).get("/inbox/").content.decode()
    assert 'href="/reports/refunds/"' not in page_client(agent).get("/inbox/").content.decode()


def test_a_member_of_one_store_never_sees_another_stores_refunds(shopify_store, ebay_store):
    own = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    succeeded_refund(shopify_store, "11.00", reason="Ours")
    succeeded_refund(ebay_store, "99.00", reason="SECRET-OF-EBAY", lines=[("SECRET-SKU", 1, "99.00")])
    client = page_client(own)

    page = client.get(URL, {"month": "2026-10"}).content.decode()
    csv_file = body(client.get("/reports/refunds/download/", {"month": "2026-10", "format": "csv"}))
    xlsx_file = body(client.get("/reports/refunds/download/", {"month": "2026-10", "format": "xlsx"}))

    assert "Ours" in page and "SECRET" not in page and "Acme eBay" not in page
    assert [row["reason"] for row in csv_rows(csv_file)] == ["Ours"]
    assert [row[11] for row in xlsx_values(xlsx_file)[1:]] == ["Ours"]
    # Naming the other store is the same 404 as naming none that exists.
    assert client.get(URL, {"month": "2026-10", "store": ebay_store.pk}).status_code == 404
    assert client.get(URL, {"month": "2026-10", "store": 987654321}).status_code == 404


def test_the_store_filter_narrows_page_and_files(finance, shopify_store, ebay_store):
    succeeded_refund(shopify_store, "11.00", reason="Shopify one")
    succeeded_refund(ebay_store, "22.00", reason="eBay one")
    client = page_client(finance)
    page = client.get(URL, {"month": "2026-10", "store": ebay_store.pk}).content.decode()
    assert "eBay one" in page and "Shopify one" not in page
    assert f"store={ebay_store.pk}" in page  # the download links keep the filter
    rows = csv_rows(body(client.get("/reports/refunds/download/", {"month": "2026-10", "store": ebay_store.pk})))
    assert [row["reason"] for row in rows] == ["eBay one"]


def test_csv_rows_add_up_to_the_reports_totals(finance, shopify_store, ebay_store):
    succeeded_refund(shopify_store, "120.00")
    succeeded_refund(shopify_store, "0.10")
    succeeded_refund(shopify_store, "0.20")
    succeeded_refund(shopify_store, "1200", currency="JPY")
    succeeded_refund(ebay_store, "19.99", lines=[("X", 1, "19.99")])
    succeeded_refund(shopify_store, "50.00", status=RefundStatus.FAILED)

    report = refund_report.report(finance, MONTH)
    rows = csv_rows(body(page_client(finance).get("/reports/refunds/download/", {"month": "2026-10"})))

    assert len(rows) == report.rows == 5
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row["currency"]] = sums.get(row["currency"], Decimal(0)) + Decimal(row["amount"])
    assert sums == {row.currency: row.amount.amount for row in report.currencies}
    assert {row["amount"] for row in rows} >= {"120.00", "0.10", "1200", "19.99"}


def test_an_empty_month_says_so(finance):
    response = page_client(finance).get(URL, {"month": "2026-10"})
    assert response.status_code == 200
    assert "No refund succeeded in this month" in response.content.decode()


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-10", "abcd-ef", "2026-10-01", "0000-01", "9999-12"])
def test_a_bad_month_is_a_400_that_says_why(finance, month):
    response = page_client(finance).get(URL, {"month": month})
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM" in response.content.decode()


def test_a_bad_month_to_download_sends_back_to_the_report(finance):
    response = page_client(finance).get("/reports/refunds/download/", {"month": "2026-13"})
    assert response.status_code == 302 and response["Location"] == URL


@pytest.mark.parametrize("text", ["2026-13", "", None, "2026-1", " 2026-10", "２０２６-10"])
def test_parse_month_refuses_what_is_not_yyyy_mm(text):
    with pytest.raises(InvalidMonth) as caught:
        parse_month(text)
    assert caught.value.code == "invalid_month"


def test_no_month_means_the_current_month(finance, shopify_store):
    succeeded_refund(shopify_store, "7.00", month=None, succeeded_at=datetime.now(UTC))
    response = page_client(finance).get(URL)
    assert response.status_code == 200 and "$7.00" in response.content.decode()


def test_the_page_asks_the_database_a_fixed_number_of_times(finance, shopify_store, ebay_store):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert page_client(finance).get(URL, {"month": "2026-10"}).status_code == 200
        return len(seen.captured_queries)

    succeeded_refund(shopify_store, "1.00", lines=[("A", 1, "1.00")])
    few = queries()
    for n in range(12):
        store = shopify_store if n % 2 else ebay_store
        succeeded_refund(store, f"{n + 1}.00", reason=f"reason {n}", lines=[(f"S{n}", 1, "1.00")], method="paypal")
    assert queries() == few
