"""Return rate per SKU: units returned in a month ÷ units sold in it, the 8% flag, the flag held
three months in a row, and only the stores the user sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from tickets.models import ReturnAuthorization, RmaLine
from tickets.selectors import return_rates as rr
from tickets.selectors.periods import shift

pytestmark = pytest.mark.django_db

MONTH = shift(timezone.now().date().replace(day=1), -1)


def day(month=MONTH, d=10) -> datetime:
    return datetime(month.year, month.month, d, 12, tzinfo=UTC)


def sell(store, sku, qty, *, month=MONTH, title="Linen shirt", **order):
    placed = order.pop("placed_at", day(month))
    o = factories.OrderFactory(store=store, placed_at=placed, **order)
    return factories.OrderLineFactory(order=o, sku=sku, quantity=qty, title=title)


def give_back(line, qty, *, month=MONTH, status="requested"):
    ticket = factories.TicketFactory(store=line.order.store, order=line.order)
    rma = factories.RmaFactory(ticket=ticket, store=line.order.store, status=status)
    ReturnAuthorization.objects.filter(pk=rma.pk).update(created_at=day(month, 20))
    RmaLine.objects.create(rma=rma, order_line=line, quantity=qty)
    return rma


def rows_of(user, **kw):
    return {row.sku: row for row in rr.return_rates(user, MONTH, **kw).rows}


def test_rate_is_units_returned_over_units_sold(shopify_store, finance):
    first = sell(shopify_store, "A", 10)
    sell(shopify_store, "A", 15)
    give_back(first, 2)

    row = rows_of(finance)["A"]

    assert (row.rate.sold, row.rate.returned, row.rate.value) == (25, 2, Decimal("0.08"))
    assert row.rate.percent == Decimal("8.0")
    assert not row.flagged  # 8% is not above 8%


def test_a_rate_above_eight_percent_is_flagged(shopify_store, finance):
    line = sell(shopify_store, "A", 25)
    give_back(line, 3)
    row = rows_of(finance)["A"]
    assert row.rate.percent == Decimal("12.0") and row.flagged and not row.persistent


def test_a_sku_returned_but_not_sold_in_the_month_has_no_rate(shopify_store, finance):
    old = sell(shopify_store, "OLD", 4, month=shift(MONTH, -3))
    give_back(old, 1)
    sell(shopify_store, "A", 5)

    rows = rr.return_rates(finance, MONTH).rows

    assert [r.sku for r in rows] == ["A", "OLD"]  # a rate first, then the ones without
    assert (rows[1].rate.sold, rows[1].rate.returned, rows[1].rate.value, rows[1].flagged) == (0, 1, None, False)
    page = _client(finance).get(f"/reports/return-rates/?month={MONTH:%Y-%m}")
    assert page.status_code == 200 and "OLD" in page.content.decode()


def test_flagged_three_months_in_a_row_is_persistent(shopify_store, finance):
    for back in (2, 1, 0):
        month = shift(MONTH, -back)
        give_back(sell(shopify_store, "HOT", 10, month=month), 2, month=month)  # 20% each month

    row = rows_of(finance)["HOT"]

    assert row.flagged and row.persistent
    assert [(m, r.percent) for m, r in row.previous] == [
        (shift(MONTH, -1), Decimal("20.0")),
        (shift(MONTH, -2), Decimal("20.0")),
    ]


def test_two_months_in_a_row_are_not_yet_persistent(shopify_store, finance):
    for back in (1, 0):
        month = shift(MONTH, -back)
        give_back(sell(shopify_store, "NEW", 10, month=month), 2, month=month)
    row = rows_of(finance)["NEW"]
    assert row.flagged and not row.persistent
    assert row.previous[1][1].value is None  # nothing sold three months ago: no rate, no flag


def test_a_month_under_the_flag_breaks_the_run(shopify_store, finance):
    for back, returned in ((2, 2), (1, 0), (0, 2)):
        month = shift(MONTH, -back)
        line = sell(shopify_store, "GAP", 10, month=month)
        if returned:
            give_back(line, returned, month=month)
    row = rows_of(finance)["GAP"]
    assert row.flagged and not row.persistent
    assert [r.percent for _m, r in row.previous] == [Decimal("0.0"), Decimal("20.0")]


def test_replacements_cancelled_orders_and_returns_that_never_happened_do_not_count(shopify_store, finance):
    line = sell(shopify_store, "A", 10)
    sell(shopify_store, "A", 50, platform_status="cancelled")
    original = sell(shopify_store, "A", 1)
    factories.OrderLineFactory(
        order=factories.OrderFactory(
            store=shopify_store,
            placed_at=day(),
            replacement_of=original.order,
            replacement_kind="reship",
            total_amount=0,
            paid_amount=0,
        ),
        sku="A",
        quantity=30,
    )
    give_back(line, 1)
    give_back(line, 5, status="rejected")

    row = rows_of(finance)["A"]

    assert (row.rate.sold, row.rate.returned) == (11, 1)


def test_rows_are_sorted_by_rate_and_capped(shopify_store, finance, monkeypatch):
    monkeypatch.setattr(rr, "ROW_CAP", 2)
    for sku, returned in (("LOW", 1), ("HIGH", 5), ("MID", 3)):
        give_back(sell(shopify_store, sku, 10), returned)
    report = rr.return_rates(finance, MONTH)
    assert [r.sku for r in report.rows] == ["HIGH", "MID"] and report.capped
    narrowed = rr.return_rates(finance, MONTH, sku="lo")
    assert [r.sku for r in narrowed.rows] == ["LOW"] and not narrowed.capped


def test_a_member_of_one_store_never_sees_anothers(shopify_store, ebay_store):
    a_user = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    give_back(sell(ebay_store, "EB-ONLY", 10), 4)
    sell(shopify_store, "A", 10)

    assert set(rows_of(a_user)) == {"A"}
    assert rr.return_rates(a_user, MONTH, store_id=ebay_store.pk).rows == []
    page = _client(a_user).get(f"/reports/return-rates/?month={MONTH:%Y-%m}&store={ebay_store.pk}")
    assert page.status_code == 200 and "EB-ONLY" not in page.content.decode()


def test_returns_of_another_store_do_not_count_against_a_shared_sku(shopify_store, ebay_store):
    a_user = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    sell(shopify_store, "SHARED", 10)
    give_back(sell(ebay_store, "SHARED", 10), 9)
    assert rows_of(a_user)["SHARED"].rate.returned == 0


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_is_refused_and_finance_reads_the_page(shopify_store, agent, finance):
    give_back(sell(shopify_store, "A", 10, title="Wool scarf"), 3)
    assert _client(agent).get("/reports/return-rates/").status_code == 403
    page = _client(finance).get(f"/reports/return-rates/?month={MONTH:%Y-%m}&sku=A")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Wool scarf" in html and "30.0%" in html
    assert 'method="post"' not in html.split('id="main"')[1]


def test_month_boundaries_follow_the_stores_time_zone(shopify_store, finance):
    shopify_store.time_zone = "Asia/Tokyo"
    shopify_store.save(update_fields=["time_zone"])
    first = datetime(MONTH.year, MONTH.month, 1, tzinfo=UTC)
    sell(shopify_store, "EARLY", 3, placed_at=first - timedelta(hours=2))  # 07:00 on the 1st in Tokyo
    assert "EARLY" in rows_of(finance)
