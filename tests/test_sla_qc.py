"""The reply owed after a failed QC: due 48 business hours after the failure (or the policy's
target), met by the first reply after it, marked breached and announced by the sweep when not."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tickets.models import Message, Notification, ReturnAuthorization, SlaPolicy, Ticket
from tickets.services import sla
from tickets.services.replies import send_reply
from tickets.services.rma import create_rma, record_arrival, record_inspection

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


CREATED = local(2026, 11, 16, 9, 0)  # a Monday
ANSWERED = local(2026, 11, 16, 10, 0)
FAILED = local(2026, 11, 19, 16, 0)  # a Thursday, two hours before closing


@pytest.fixture
def berlin(db):
    store = factories.StoreFactory(region="DE", time_zone="Europe/Berlin", currency="EUR")
    # Resolution far away, so the QC clock is the nearest one.
    SlaPolicy.objects.create(
        name="Returns", store=store, first_response_minutes=600, next_response_minutes=600, resolution_minutes=99_999
    )
    return store


@pytest.fixture
def agent(berlin):
    return factories.user_with_role("qc-agent", factories.AGENT, stores=[berlin])


@pytest.fixture
def boss(berlin):
    return factories.user_with_role("qc-boss", factories.SUPERVISOR, stores=[berlin])


def failed_qc(store, agent, *, answered: bool = True) -> Ticket:
    """A ticket answered on Monday whose return failed QC on Thursday at 16:00 (Berlin)."""
    ticket = factories.TicketFactory(store=store, assignee=agent)
    line = factories.OrderLineFactory(order=ticket.order, quantity=1)
    if answered:
        send_reply(ticket, "Bitte schicken Sie die Jacke zurück.", actor=agent)
        Message.objects.filter(ticket=ticket).update(created_at=ANSWERED)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=CREATED, first_response_at=ANSWERED if answered else None)
    rma = record_arrival(create_rma(ticket, {line.pk: 1}, actor=agent, return_address="Lager 1"), actor=agent)
    record_inspection(rma, actor=agent, passed=False, note="Getragen, Flecken am Kragen")
    ReturnAuthorization.objects.filter(pk=rma.pk).update(inspected_at=FAILED)
    return sla.refresh_sla(Ticket.objects.get(pk=ticket.pk), now=FAILED)


def test_a_failed_qc_starts_the_reply_clock(berlin, agent, boss):
    ticket = factories.TicketFactory(store=berlin)
    line = factories.OrderLineFactory(order=ticket.order, quantity=1)
    rma = record_arrival(create_rma(ticket, {line.pk: 1}, actor=agent, return_address="Lager 1"), actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).qc_reply_due_at is None
    record_inspection(rma, actor=agent, passed=False, note="Kaputt")
    assert Ticket.objects.get(pk=ticket.pk).qc_reply_due_at is not None


def test_the_reply_is_due_48_business_hours_after_the_failure_across_a_weekend(berlin, agent, boss):
    ticket = failed_qc(berlin, agent)
    # Thu 2 h + Fri 9 h + (weekend) + Mon–Thu 36 h + Fri 1 h = 48 business hours.
    assert ticket.qc_reply_due_at == local(2026, 11, 27, 10, 0)
    assert ticket.sla_due_at == ticket.qc_reply_due_at


def test_the_policys_qc_target_applies(berlin, agent, boss):
    SlaPolicy.objects.filter(store=berlin).update(qc_reply_minutes=9 * 60)  # one business day
    ticket = failed_qc(berlin, agent)
    assert ticket.qc_reply_due_at == local(2026, 11, 20, 16, 0)


def test_a_reply_after_the_failure_meets_the_clock(berlin, agent, boss):
    ticket = failed_qc(berlin, agent)
    send_reply(ticket, "Leider hat die Prüfung Gebrauchsspuren gefunden.", actor=agent)
    ticket.refresh_from_db()
    assert ticket.qc_reply_due_at is None
    assert ticket.sla_due_at != local(2026, 11, 27, 10, 0)


def test_a_reply_before_the_failure_does_not_meet_it(berlin, agent, boss):
    ticket = failed_qc(berlin, agent, answered=True)  # answered on Monday, failed on Thursday
    assert ticket.qc_reply_due_at is not None


def test_an_unanswered_failure_is_breached_and_announced_by_the_sweep(berlin, agent, boss):
    ticket = failed_qc(berlin, agent)
    assert sla.sweep_sla(now=local(2026, 11, 27, 9, 30)) == {"at_risk": 1, "breached": 0}
    assert sla.sweep_sla(now=local(2026, 11, 27, 10, 5)) == {"at_risk": 0, "breached": 1}
    assert Ticket.objects.get(pk=ticket.pk).sla_state == "breached"
    told = set(Notification.objects.filter(ticket=ticket, kind="sla_breached").values_list("user__username", flat=True))
    assert told == {"qc-agent", "qc-boss"}


def test_a_qc_pass_starts_no_reply_clock(berlin, agent):
    ticket = factories.TicketFactory(store=berlin)
    line = factories.OrderLineFactory(order=ticket.order, quantity=1)
    rma = record_arrival(create_rma(ticket, {line.pk: 1}, actor=agent, return_address="Lager 1"), actor=agent)
    record_inspection(rma, actor=agent, passed=True)
    sla.refresh_sla(ticket)
    assert Ticket.objects.get(pk=ticket.pk).qc_reply_due_at is None
