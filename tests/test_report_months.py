"""Closing a month of the refund report (issue 13 item 6): finance only, once the month has ended,
once; an audit event; the page says who closed it; which month is open for a later correction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from tests.report_data import MONTH, succeeded_refund
from tickets.errors import MonthAlreadyClosed, MonthNotOver, PermissionDenied
from tickets.models import AuditEvent, ClosedMonth
from tickets.months import current_month, next_month
from tickets.services.report_months import close_month, is_closed, open_month_for

pytestmark = pytest.mark.django_db

CLOSE = "/reports/refunds/close/"


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_finance_closes_an_ended_month_with_an_audit_event(finance):
    closed = close_month(month=MONTH, actor=finance)

    assert (closed.month, closed.closed_by) == (MONTH, finance)
    assert is_closed(MONTH) and is_closed(datetime(2026, 10, 31, 23, 59, tzinfo=UTC))
    event = AuditEvent.objects.get(action="refund_month_closed")
    assert (event.actor, event.object_type, event.object_id) == (finance, "closedmonth", closed.pk)
    assert event.after["month"] == "2026-10"


@pytest.mark.parametrize("role", ["supervisor", "agent"])
def test_only_finance_may_close_a_month(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        close_month(month=MONTH, actor=user)
    assert not ClosedMonth.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("month", [current_month(), next_month(current_month())])
def test_a_month_that_has_not_ended_cannot_be_closed(finance, month):
    with pytest.raises(MonthNotOver) as caught:
        close_month(month=month, actor=finance)
    assert caught.value.code == "month_not_over"
    assert not ClosedMonth.objects.exists()


def test_a_month_is_closed_once(finance):
    close_month(month=MONTH, actor=finance)
    with pytest.raises(MonthAlreadyClosed):
        close_month(month=MONTH, actor=finance)
    assert ClosedMonth.objects.count() == 1 and AuditEvent.objects.count() == 1


def test_the_open_month_for_a_date_skips_closed_months(finance):
    close_month(month=date(2026, 9, 1), actor=finance)
    close_month(month=date(2026, 10, 1), actor=finance)
    assert open_month_for(date(2026, 9, 17)) == date(2026, 11, 1)
    assert open_month_for(datetime(2026, 10, 31, 23, 0, tzinfo=UTC)) == date(2026, 11, 1)
    assert open_month_for(date(2026, 8, 31)) == date(2026, 8, 1)
    assert not is_closed(date(2026, 11, 1))


def test_the_close_button_closes_and_the_page_says_who_and_when(finance, shopify_store):
    succeeded_refund(shopify_store, "10.00")
    client = page_client(finance)
    page = client.get("/reports/refunds/", {"month": "2026-10"}).content.decode()
    assert 'action="/reports/refunds/close/"' in page and "month-open" in page

    response = client.post(CLOSE, {"month": "2026-10"})

    assert response.status_code == 302 and response["Location"] == "/reports/refunds/?month=2026-10"
    page = client.get("/reports/refunds/", {"month": "2026-10"}).content.decode()
    assert "month-closed" in page and "closed by fin on" in page
    assert 'action="/reports/refunds/close/"' not in page


def test_supervisors_see_the_report_but_no_close_button_and_get_403(supervisor):
    client = page_client(supervisor)
    assert (
        'action="/reports/refunds/close/"' not in client.get("/reports/refunds/", {"month": "2026-10"}).content.decode()
    )
    assert client.post(CLOSE, {"month": "2026-10"}).status_code == 403
    assert not ClosedMonth.objects.exists()


def test_the_current_month_has_no_close_button(finance):
    page = page_client(finance).get("/reports/refunds/").content.decode()
    assert 'action="/reports/refunds/close/"' not in page


@pytest.mark.parametrize("month", ["", "2026-13", "soon"])
def test_closing_a_bad_month_writes_nothing(finance, month):
    response = page_client(finance).post(CLOSE, {"month": month})
    assert response.status_code == 302
    assert not ClosedMonth.objects.exists()
