"""The beat sweep raises each time-based event once per ticket and period."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests import factories
from tickets.business_hours import calendar_for
from tickets.models import Notification, Rule, RuleRun, Ticket
from tickets.models.notifications import NotificationKind
from tickets.rules import clock
from tickets.states import RefundStatus, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_this_tests_rules(db):
    Rule.objects.all().delete()  # the shipped default rules (migration 0017) would fire as well


@pytest.fixture(autouse=True)
def no_cursor_left_over():
    cache.clear()  # a rule's cursor (clock.sweep_rule) from another test would name the same rule id


def time_rule(event, threshold, *, conditions=(), actions=None, **kw):
    return Rule.objects.create(
        name=f"{event} {threshold}",
        event=event,
        threshold=threshold,
        conditions=list(conditions),
        actions=actions or [{"type": "add_tags", "tags": ["flagged"]}],
        **kw,
    )


def ago(**kw):
    return timezone.now() - timedelta(**kw)


def tags(ticket):
    return set(Ticket.objects.get(pk=ticket.pk).tags.values_list("name", flat=True))


def test_no_activity_fires_once_per_period(shopify_store):
    rule = time_rule("no_activity", 14)
    stale = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, last_activity_at=ago(days=15))
    fresh = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, last_activity_at=ago(days=3))
    done = factories.TicketFactory(store=shopify_store, status=TicketStatus.RESOLVED, last_activity_at=ago(days=20))
    assert clock.sweep() == {"no_activity": 1}
    assert clock.sweep() == {"no_activity": 0}
    run = RuleRun.objects.get(rule=rule)
    assert run.ticket == stale and run.event_id.startswith(f"no_activity:{stale.pk}:")
    assert tags(stale) == {"flagged"} and not tags(fresh) and not tags(done)
    # The tag was activity: a new period starts, and fires 14 days on (the fresh ticket too by then).
    assert clock.sweep(now=timezone.now() + timedelta(days=15)) == {"no_activity": 2}
    assert RuleRun.objects.filter(rule=rule, ticket=stale).count() == 2


def test_buyer_silent_counts_from_when_the_ticket_started_waiting(shopify_store):
    time_rule("buyer_silent", 3)
    silent = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.WAITING_CUSTOMER, status_changed_at=ago(days=4)
    )
    asked_today = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.WAITING_CUSTOMER, status_changed_at=ago(hours=2)
    )
    open_one = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, status_changed_at=ago(days=9))
    assert clock.sweep() == {"buyer_silent": 1}
    assert tags(silent) == {"flagged"} and not tags(asked_today) and not tags(open_one)
    assert clock.sweep() == {"buyer_silent": 0}


def test_first_response_due_fires_within_the_threshold_and_not_once_answered(shopify_store):
    time_rule("first_response_due", 2)
    soon = factories.TicketFactory(store=shopify_store, first_response_due_at=timezone.now() + timedelta(hours=1))
    later = factories.TicketFactory(store=shopify_store, first_response_due_at=timezone.now() + timedelta(hours=5))
    answered = factories.TicketFactory(
        store=shopify_store, first_response_due_at=timezone.now() + timedelta(hours=1), first_response_at=ago(hours=1)
    )
    assert clock.sweep() == {"first_response_due": 1}
    assert clock.sweep() == {"first_response_due": 0}
    assert tags(soon) == {"flagged"} and not tags(later) and not tags(answered)


def test_customs_held_counts_working_days_on_a_customs_ticket(shopify_store):
    time_rule("customs_held", 3)
    held = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.OPEN, reason="customs", last_activity_at=ago(days=10)
    )
    delivered = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.OPEN, reason="customs", last_activity_at=ago(days=10)
    )
    delivered.order.delivered_at = ago(days=1)
    delivered.order.save()
    other = factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, last_activity_at=ago(days=10))
    assert clock.sweep() == {"customs_held": 1}
    assert tags(held) == {"flagged"} and not tags(delivered) and not tags(other)


def test_working_days_leave_out_weekends():
    calendar = calendar_for(factories.StoreFactory.build(region="", time_zone="UTC"))
    friday = datetime(2026, 11, 27, 15, tzinfo=UTC)
    assert clock.working_days_between(friday, datetime(2026, 11, 30, 9, tzinfo=UTC), calendar) == 1  # Monday
    assert clock.working_days_between(friday, datetime(2026, 12, 2, 9, tzinfo=UTC), calendar) == 3


def test_approval_waiting_reminds_the_supervisors_once(shopify_store, supervisor):
    rule = time_rule("approval_waiting", 24, actions=[{"type": "escalate", "note": "Refund waits for approval"}])
    waiting = factories.RefundFactory(
        ticket=factories.TicketFactory(store=shopify_store, status=TicketStatus.WAITING_APPROVAL),
        status=RefundStatus.PENDING_APPROVAL,
        status_changed_at=ago(hours=30),
    )
    factories.RefundFactory(
        ticket=factories.TicketFactory(store=shopify_store),
        status=RefundStatus.PENDING_APPROVAL,
        status_changed_at=ago(hours=2),
    )
    assert clock.sweep() == {"approval_waiting": 1}
    assert clock.sweep() == {"approval_waiting": 0}
    run = RuleRun.objects.get(rule=rule)
    assert run.event_id == f"approval_waiting:{waiting.ticket_id}:{waiting.status_changed_at.isoformat()}"
    notice = Notification.objects.get(user=supervisor)
    assert notice.kind == NotificationKind.ESCALATED and notice.ticket_id == waiting.ticket_id


def test_a_time_rule_still_needs_its_conditions(shopify_store):
    time_rule("no_activity", 14, conditions=[{"type": "priority", "values": ["urgent"]}])
    factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, last_activity_at=ago(days=15))
    assert clock.sweep() == {"no_activity": 0}
    assert not RuleRun.objects.exists()


def test_a_batch_at_a_time_walks_the_whole_window(shopify_store, monkeypatch):
    monkeypatch.setattr(clock, "BATCH", 2)
    time_rule("no_activity", 14, conditions=[{"type": "priority", "values": ["urgent"]}])
    for _ in range(3):  # oldest first, none matching: they must not hide the urgent one
        factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, last_activity_at=ago(days=17))
    urgent = factories.TicketFactory(
        store=shopify_store, status=TicketStatus.OPEN, priority="urgent", last_activity_at=ago(days=15)
    )
    fired = clock.sweep()["no_activity"] + clock.sweep()["no_activity"]
    assert fired == 1 and tags(urgent) == {"flagged"}


def test_the_task_sweeps(shopify_store):
    from tickets.tasks import triage_clock

    time_rule("no_activity", 14)
    factories.TicketFactory(store=shopify_store, status=TicketStatus.OPEN, last_activity_at=ago(days=15))
    assert triage_clock.run() == {"no_activity": 1}
