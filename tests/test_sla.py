"""SLA clocks in business hours: weekends, national holidays, daylight saving, pauses, policies, sweep."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tickets import events
from tickets.business_hours import CalendarError, calendar_for, parse_week
from tickets.models import SlaPolicy, Ticket
from tickets.models.tickets import Channel, Priority
from tickets.services import sla
from tickets.services.replies import send_reply
from tickets.services.tickets import change_status, create_ticket, receive_message
from tickets.states import TicketStatus

BERLIN = ZoneInfo("Europe/Berlin")


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.fixture
def berlin(db):
    return factories.StoreFactory(region="DE", time_zone="Europe/Berlin", currency="EUR")


def test_two_business_hours_from_friday_evening_end_on_monday_morning(berlin):
    calendar = calendar_for(berlin)
    assert calendar.add_minutes(local(BERLIN, 2026, 11, 20, 17, 0), 120) == local(BERLIN, 2026, 11, 23, 10, 0)
    assert calendar.minutes_between(local(BERLIN, 2026, 11, 20, 17, 0), local(BERLIN, 2026, 11, 23, 10, 0)) == 120


def test_the_stores_national_holidays_are_skipped(berlin):
    # 25 and 26 December are holidays in Germany (a Friday and a Saturday in 2026).
    calendar = calendar_for(berlin)
    assert calendar.add_minutes(local(BERLIN, 2026, 12, 24, 17, 0), 120) == local(BERLIN, 2026, 12, 28, 10, 0)
    us = factories.StoreFactory(region="US", time_zone="America/New_York")
    new_york = ZoneInfo("America/New_York")
    # Thanksgiving, Thursday 26 November 2026: a US store's clock stands still, a German one's runs.
    wednesday = local(new_york, 2026, 11, 25, 17, 30)
    assert calendar_for(us).add_minutes(wednesday, 60) == local(new_york, 2026, 11, 27, 9, 30)
    assert calendar.add_minutes(local(BERLIN, 2026, 11, 25, 17, 30), 60) == local(BERLIN, 2026, 11, 26, 9, 30)


def test_a_daylight_saving_change_keeps_the_opening_hours_local(berlin):
    # Berlin moves to summer time on Sunday 29 March 2026: Friday 17:00 is 16:00 UTC, Monday 10:00 is 08:00 UTC.
    due = calendar_for(berlin).add_minutes(datetime(2026, 3, 27, 16, 0, tzinfo=UTC), 120)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_the_same_moment_is_due_at_different_times_in_different_zones(berlin):
    tokyo = factories.StoreFactory(region="JP", time_zone="Asia/Tokyo")
    start = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # Wednesday: 11:00 in Berlin, 19:00 (closed) in Tokyo
    assert calendar_for(berlin).add_minutes(start, 60) == datetime(2026, 11, 18, 11, 0, tzinfo=UTC)
    assert calendar_for(tokyo).add_minutes(start, 60) == datetime(2026, 11, 19, 1, 0, tzinfo=UTC)  # Thu 10:00 JST


def test_a_store_open_around_the_clock_counts_plain_minutes(berlin):
    berlin.business_hours_only = False
    assert calendar_for(berlin).add_minutes(local(BERLIN, 2026, 11, 21, 23, 0), 120) == local(
        BERLIN, 2026, 11, 22, 1, 0
    )


@pytest.mark.parametrize(
    "hours", [{"mon": ["18:00", "09:00"]}, {"funday": ["09:00", "18:00"]}, {"mon": "9-18"}, {}, ["mon"]]
)
def test_unreadable_opening_hours_are_refused(hours):
    with pytest.raises(CalendarError):
        parse_week(hours)


@pytest.mark.django_db
def test_a_new_ticket_gets_its_clocks_and_a_vip_gets_two_hours(berlin):
    created = local(BERLIN, 2026, 11, 23, 9, 0)  # a Monday
    vip = factories.CustomerFactory(store=berlin, tier="vip")
    ticket = create_ticket(store=berlin, subject="Kaputt", customer=vip, created_at=created)
    assert ticket.first_response_due_at == local(BERLIN, 2026, 11, 23, 11, 0)
    assert ticket.sla_due_at == ticket.first_response_due_at
    regular = create_ticket(store=berlin, subject="Wo?", created_at=created)
    assert regular.first_response_due_at == local(BERLIN, 2026, 11, 25, 15, 0)  # 24 business hours: 9 + 9 + 6


@pytest.mark.django_db
def test_the_first_matching_policy_applies(berlin):
    SlaPolicy.objects.create(
        name="Urgent",
        store=berlin,
        priority=Priority.URGENT,
        position=1,
        first_response_minutes=30,
        next_response_minutes=60,
        resolution_minutes=240,
    )
    SlaPolicy.objects.create(
        name="Everything",
        store=None,
        position=2,
        first_response_minutes=600,
        next_response_minutes=600,
        resolution_minutes=6000,
    )
    created = local(BERLIN, 2026, 11, 23, 9, 0)
    urgent = create_ticket(store=berlin, subject="!", priority=Priority.URGENT, created_at=created)
    normal = create_ticket(store=berlin, subject=".", created_at=created)
    assert urgent.first_response_due_at == local(BERLIN, 2026, 11, 23, 9, 30)
    assert normal.first_response_due_at == local(BERLIN, 2026, 11, 24, 10, 0)


@pytest.mark.django_db
def test_the_clock_pauses_while_waiting_on_the_buyer_and_resumes_on_their_message(berlin):
    agent = factories.user_with_role("sla-agent", factories.AGENT, stores=[berlin])
    ticket = factories.TicketFactory(store=berlin, channel=Channel.PORTAL)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone_now() - timedelta(days=1))
    ticket.refresh_from_db()
    sla.refresh_sla(ticket)
    resolution_before = ticket.resolution_due_at
    send_reply(ticket, "Bitte Fotos schicken.", actor=agent, then_status=TicketStatus.WAITING_CUSTOMER)
    ticket.refresh_from_db()
    assert ticket.sla_due_at is None and ticket.sla_paused_at is not None
    assert ticket.first_response_due_at is None  # answered
    # Two business days pass while the buyer looks for the photos.
    Ticket.objects.filter(pk=ticket.pk).update(sla_paused_at=ticket.sla_paused_at - timedelta(days=7))
    receive_message(Ticket.objects.get(pk=ticket.pk), body_html="<p>Hier.</p>", platform_message_id="m-photos")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.sla_paused_at is None
    assert ticket.sla_paused_seconds >= 5 * 9 * 3600  # a week of business days, counted back in
    assert ticket.resolution_due_at > resolution_before
    assert ticket.next_response_due_at is not None  # the buyer waits for an answer again
    assert ticket.sla_due_at == min(ticket.next_response_due_at, ticket.resolution_due_at)


@pytest.mark.django_db
def test_a_resolved_ticket_has_no_running_clock(berlin):
    agent = factories.user_with_role("sla-agent2", factories.AGENT, stores=[berlin])
    ticket = factories.TicketFactory(store=berlin)
    change_status(ticket, TicketStatus.OPEN, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is not None
    change_status(ticket, TicketStatus.RESOLVED, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is None


@pytest.mark.django_db
def test_the_sweep_marks_at_risk_and_breached_once_and_announces_it(berlin, django_capture_on_commit_callbacks):
    now = timezone_now()
    late = factories.TicketFactory(store=berlin)
    soon = factories.TicketFactory(store=berlin)
    later = factories.TicketFactory(store=berlin)
    Ticket.objects.filter(pk=late.pk).update(sla_due_at=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=soon.pk).update(sla_due_at=now + timedelta(minutes=30))
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(days=2))
    heard = []
    events.listen(events.SLA_BREACHED, heard.append)
    events.listen(events.SLA_AT_RISK, heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert sla.sweep_sla(now=now) == {"at_risk": 1, "breached": 1}
        with django_capture_on_commit_callbacks(execute=True):
            assert sla.sweep_sla(now=now) == {"at_risk": 0, "breached": 0}
    finally:
        events.unlisten(events.SLA_BREACHED, heard.append)
        events.unlisten(events.SLA_AT_RISK, heard.append)
    assert sorted((e.name, e.ticket_id) for e in heard) == sorted(
        [(events.SLA_BREACHED, late.pk), (events.SLA_AT_RISK, soon.pk)]
    )
    assert Ticket.objects.get(pk=later.pk).sla_state == ""


@pytest.mark.django_db
def test_the_sweep_tells_the_assignee_and_the_stores_supervisors_once(berlin):
    from tickets.models import Notification

    agent = factories.user_with_role("sla-assignee", factories.AGENT, stores=[berlin])
    boss = factories.user_with_role("sla-boss", factories.SUPERVISOR, stores=[berlin])
    factories.user_with_role("other-boss", factories.SUPERVISOR, stores=[factories.StoreFactory()])
    ticket = factories.TicketFactory(store=berlin, assignee=agent)
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=timezone_now() - timedelta(minutes=1))
    sla.sweep_sla()
    sla.sweep_sla()
    got = sorted(Notification.objects.values_list("user__username", "kind", "ticket_id"))
    assert got == [("sla-assignee", "sla_breached", ticket.pk), ("sla-boss", "sla_breached", ticket.pk)]
    assert boss.notifications.count() == 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db
def test_a_ticket_born_inside_the_risk_window_is_still_announced(berlin):
    from tickets.models import Notification

    boss = factories.user_with_role("risk-boss", factories.SUPERVISOR, stores=[berlin])
    vip = factories.CustomerFactory(store=berlin, tier="vip")
    berlin.business_hours_only = False
    berlin.save()
    ticket = create_ticket(store=berlin, subject="VIP", customer=vip)  # due in 2 h: at risk at once
    assert ticket.sla_state == ""
    assert sla.sweep_sla() == {"at_risk": 1, "breached": 0}
    assert boss.notifications.filter(kind="sla_at_risk").count() == 1
    sla.refresh_sla(ticket)  # a later change inside the window does not re-arm the warning
    assert sla.sweep_sla() == {"at_risk": 0, "breached": 0}
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_target_of_a_year_in_business_hours_is_computed(berlin):
    SlaPolicy.objects.create(
        name="Slow",
        store=berlin,
        position=0,
        first_response_minutes=525_600,
        next_response_minutes=60,
        resolution_minutes=525_600,
    )
    ticket = create_ticket(store=berlin, subject="Later", created_at=local(BERLIN, 2026, 11, 23, 9, 0))
    assert ticket.first_response_due_at > local(BERLIN, 2029, 1, 1, 0, 0)


@pytest.mark.django_db
def test_the_sweep_gives_clocks_to_tickets_written_without_them(berlin):
    old = factories.TicketFactory(store=berlin)  # as a ticket from before SLA clocks: none set
    assert old.sla_due_at is None
    sla.sweep_sla()
    old.refresh_from_db()
    assert old.sla_due_at is not None and old.first_response_due_at is not None
