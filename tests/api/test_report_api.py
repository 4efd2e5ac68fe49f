"""GET /api/reports/refunds/ (issue 13 item 7): JSON totals from the report's selector, CSV and
XLSX through renderers chosen by ?format= or Accept, store scoping, and refusals as {code, detail}."""

from __future__ import annotations

import pytest

from tests import factories
from tests.report_data import body, csv_rows, succeeded_refund, xlsx_values
from tickets.selectors.refund_report import NO_LINES
from tickets.services.refund_export import COLUMNS, CONTENT_TYPES

pytestmark = pytest.mark.django_db

URL = "/api/reports/refunds/"


@pytest.fixture
def month(shopify_store, ebay_store):
    succeeded_refund(shopify_store, "120.00", lines=[("SHIRT-M", 1, "120.00")])
    succeeded_refund(shopify_store, "1200", currency="JPY")
    succeeded_refund(ebay_store, "10.00", reason="Late")


def test_finance_gets_the_months_totals_as_json(client_for, finance, month, shopify_store):
    response = client_for(finance).get(URL, {"month": "2026-10"})

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert (data["month"], data["state"], data["closed_by"], data["rows"]) == ("2026-10", "open", None, 3)
    assert {(row["amount"]["currency"], row["amount"]["amount"], row["count"]) for row in data["currencies"]} == {
        ("EUR", "10.00", 1),
        ("JPY", "1200", 1),
        ("USD", "120.00", 1),
    }
    by_store = {(row["key"], row["amount"]["currency"]): row["amount"]["amount"] for row in data["by_store"]}
    assert by_store[(str(shopify_store.pk), "USD")] == "120.00"
    skus = {(row["key"], row["special"]): row for row in data["by_sku"]}
    assert skus[("SHIRT-M", "")]["units"] == 1
    assert skus[(NO_LINES, NO_LINES)]["amount"]["currency"] in {"JPY", "EUR"}
    assert {series["currency"] for series in data["series"]} == {"EUR", "JPY", "USD"}
    assert len(data["series"][0]["points"]) == 12 and data["series"][0]["points"][-1]["month"] == "2026-10"


@pytest.mark.parametrize(
    "query, headers",
    [({"format": "csv"}, {}), ({}, {"Accept": "text/csv"})],
)
def test_csv_by_format_or_accept(client_for, finance, month, query, headers):
    response = client_for(finance).get(URL, {"month": "2026-10", **query}, headers=headers)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == CONTENT_TYPES["csv"]
    assert response["Content-Disposition"] == 'attachment; filename="refunds-2026-10.csv"'
    assert "Accept" in response["Vary"]
    rows = csv_rows(body(response))
    assert sorted(row["amount"] for row in rows) == ["10.00", "120.00", "1200"]


@pytest.mark.parametrize(
    "query, headers",
    [({"format": "xlsx"}, {}), ({}, {"Accept": CONTENT_TYPES["xlsx"]})],
)
def test_xlsx_by_format_or_accept(client_for, finance, month, query, headers):
    response = client_for(finance).get(URL, {"month": "2026-10", **query}, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES["xlsx"]
    values = xlsx_values(body(response))
    assert values[0] == list(COLUMNS) and len(values) == 4


def test_a_member_of_one_store_never_sees_another_stores_refunds(client_for, shopify_store, ebay_store, month):
    own = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    client = client_for(own)

    data = client.get(URL, {"month": "2026-10"}).json()
    assert data["rows"] == 2 and "EUR" not in {row["amount"]["currency"] for row in data["currencies"]}
    assert {row["reason"] for row in csv_rows(body(client.get(URL, {"month": "2026-10", "format": "csv"})))} == {
        "Item arrived damaged"
    }
    xlsx = xlsx_values(body(client.get(URL, {"month": "2026-10", "format": "xlsx"})))
    assert "Late" not in {row[COLUMNS.index("reason")] for row in xlsx}

    refused = client.get(URL, {"month": "2026-10", "store": ebay_store.pk})
    assert refused.status_code == 422 and refused.json()["code"] == "unprocessable"
    assert "store" in refused.json()["fields"]


def test_the_store_filter_narrows_the_totals(client_for, finance, month, ebay_store):
    data = client_for(finance).get(URL, {"month": "2026-10", "store": ebay_store.pk}).json()
    assert data["stores"] == [ebay_store.pk] and data["rows"] == 1


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_agents_get_a_json_403(client_for, agent, fmt):
    response = client_for(agent).get(URL, {"month": "2026-10", "format": fmt})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "permission_denied"


def test_anonymous_callers_get_401(anon):
    response = anon.get(URL, {"format": "csv"})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "26-10", "2026-10-01", "0000-01", "9999-12", "", "2026-00"])
def test_a_bad_month_is_a_400_with_a_stable_code(client_for, finance, value):
    response = client_for(finance).get(URL, {"month": value, "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid" and "month" in response.json()["fields"]


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"month": ["2026-10", "2026-11"]}, {"monht": "2026-10"}])
def test_other_bad_queries_are_400(client_for, finance, query):
    response = client_for(finance).get(URL, query)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_accept_asking_for_something_else_is_406(client_for, finance):
    response = client_for(finance).get(URL, headers={"Accept": "application/pdf"})
    assert response.status_code == 406 and response.json()["code"] == "not_acceptable"


def test_a_closed_month_says_who_closed_it(client_for, finance):
    from tickets.months import parse_month
    from tickets.services.report_months import close_month

    close_month(month=parse_month("2026-10"), actor=finance)
    data = client_for(finance).get(URL, {"month": "2026-10"}).json()
    assert (data["state"], data["closed_by"]) == ("closed", "fin") and data["closed_at"]


def test_the_schema_documents_the_report_and_its_file_types(anon, db):
    operation = anon.get("/api/schema/?format=json").json()["paths"][URL]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv", CONTENT_TYPES["xlsx"]}
    assert {p["name"] for p in operation["parameters"]} == {"month", "store", "format"}
    assert {"400", "401", "403", "406", "422"} <= set(operation["responses"])
