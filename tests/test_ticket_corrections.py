"""A buyer's message on a closed ticket opens a linked follow-up; the auto-close sweep skips a
ticket a buyer is reopening and goes on; every status change moves ``updated_at``."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests import factories
from tests.transitions import row
from tickets.locks import lock
from tickets.models import AuditEvent, Message, Ticket
from tickets.services.refunds import transition_refund
from tickets.services.rma import transition_rma
from tickets.services.tickets import change_status, close_silent_resolved, receive_message
from tickets.states import ActorKind, RefundStatus, RmaStatus, TicketStatus

T = TicketStatus


def closed_ticket(store, **fields) -> Ticket:
    now = timezone.now()
    return factories.TicketFactory(
        store=store,
        status=T.CLOSED,
        resolved_at=now - timedelta(days=5),
        closed_at=now - timedelta(days=1),
        subject="Broken lamp",
        type="return",
        reason="quality_defect",
        **fields,
    )


# --- item 7: a message on a closed ticket ------------------------------------------------------


@pytest.mark.django_db
def test_a_message_on_a_closed_ticket_opens_a_linked_follow_up_and_leaves_it_closed(shopify_store):
    closed = closed_ticket(shopify_store)
    before = row(closed)

    message, created = receive_message(closed, body_html="<p>The new one is broken too</p>", platform_message_id="f-1")

    follow_up = message.ticket
    assert created
    assert follow_up.pk != closed.pk
    assert follow_up.follow_up_of_id == closed.pk
    assert (follow_up.store_id, follow_up.customer_id, follow_up.order_id) == (
        closed.store_id,
        closed.customer_id,
        closed.order_id,
    )
    assert (follow_up.subject, follow_up.type, follow_up.reason) == ("Broken lamp", "return", "quality_defect")
    assert follow_up.status == T.NEW  # shows in the inbox's "new" and "unsolved" views
    assert row(closed) == before
    assert not closed.messages.filter(platform_message_id="f-1").exists()
    created_event = AuditEvent.objects.get(object_type="ticket", object_id=follow_up.pk, action="ticket.created")
    assert created_event.after["follow_up_of"] == closed.number
    assert created_event.actor_kind == ActorKind.BUYER


@pytest.mark.django_db
def test_more_messages_on_the_closed_ticket_join_the_open_follow_up(shopify_store):
    closed = closed_ticket(shopify_store)
    first, _ = receive_message(closed, body_html="<p>one</p>", platform_message_id="f-2")
    second, _ = receive_message(closed, body_html="<p>two</p>", platform_message_id="f-3")
    again, created = receive_message(closed, body_html="<p>one</p>", platform_message_id="f-2")

    assert second.ticket_id == first.ticket_id
    assert (again.pk, created) == (first.pk, False)
    assert Ticket.objects.filter(follow_up_of=closed).count() == 1
    assert Message.objects.filter(ticket_id=first.ticket_id).count() == 2


@pytest.mark.django_db
def test_a_closed_follow_up_gets_its_own_follow_up(shopify_store):
    closed = closed_ticket(shopify_store)
    first, _ = receive_message(closed, body_html="<p>one</p>", platform_message_id="f-4")
    Ticket.objects.filter(pk=first.ticket_id).update(
        status=T.CLOSED, resolved_at=timezone.now(), closed_at=timezone.now()
    )

    later, _ = receive_message(closed, body_html="<p>again</p>", platform_message_id="f-5")

    assert later.ticket.follow_up_of_id == first.ticket_id
    assert later.ticket.status == T.NEW


# --- item 8: the auto-close sweep --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_auto_close_skips_a_ticket_a_buyer_is_reopening_and_closes_the_rest(settings, shopify_store):
    settings.AUTO_CLOSE_RESOLVED_AFTER_HOURS = 1
    old = timezone.now() - timedelta(hours=3)
    busy, *others = [factories.TicketFactory(store=shopify_store, status=T.RESOLVED, resolved_at=old) for _ in range(3)]
    locked, release = threading.Event(), threading.Event()

    def buyer_writes() -> None:
        try:
            with transaction.atomic():
                lock(Ticket, busy.pk)
                locked.set()
                release.wait(timeout=10)
                receive_message(busy, body_html="<p>Wait, it broke again</p>", platform_message_id="late-1")
        finally:
            connection.close()

    buyer = threading.Thread(target=buyer_writes)
    buyer.start()
    assert locked.wait(timeout=10)
    try:
        closed = close_silent_resolved()
        # The sweep did not wait for the buyer's lock: the buyer is still holding it.
        assert buyer.is_alive() and not release.is_set()
    finally:
        release.set()
        buyer.join(timeout=20)

    assert closed == 2
    statuses = dict(Ticket.objects.filter(pk__in=[busy.pk, *[t.pk for t in others]]).values_list("pk", "status"))
    assert statuses == {busy.pk: T.OPEN, **{t.pk: T.CLOSED for t in others}}


@pytest.mark.django_db
def test_auto_close_skips_a_ticket_reopened_since_the_select(settings, shopify_store):
    settings.AUTO_CLOSE_RESOLVED_AFTER_HOURS = 1
    old = timezone.now() - timedelta(hours=3)
    tickets = [factories.TicketFactory(store=shopify_store, status=T.RESOLVED, resolved_at=old) for _ in range(3)]
    receive_message(tickets[0], body_html="<p>still broken</p>", platform_message_id="r-1")

    assert close_silent_resolved() == 2
    assert Ticket.objects.get(pk=tickets[0].pk).status == T.OPEN


# --- item 9: status changes move updated_at ----------------------------------------------------


@pytest.mark.django_db
def test_a_ticket_status_change_moves_updated_at(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, status=T.OPEN)
    stale = timezone.now() - timedelta(days=3)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=stale)

    change_status(ticket, T.WAITING_CUSTOMER, actor=agent)

    assert Ticket.objects.get(pk=ticket.pk).updated_at > stale + timedelta(days=2)


@pytest.mark.django_db
def test_refund_and_rma_moves_still_save_without_an_updated_at_field(supervisor, agent, shopify_store):
    refund = factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store), requested_by=agent)
    rma = factories.RmaFactory(ticket=refund.ticket)

    transition_refund(refund, RefundStatus.PENDING_APPROVAL, actor=agent)
    transition_rma(rma, RmaStatus.CANCELLED, actor=agent)

    assert (refund.status, rma.status) == (RefundStatus.PENDING_APPROVAL, RmaStatus.CANCELLED)
    assert rma.closed_at is not None


# --- item 6: an authorized return whose parcel never ships expires -----------------------------


@pytest.mark.django_db
def test_authorized_returns_expire_after_the_store_return_window(shopify_store):
    from tickets.services.rma import expire_unshipped

    shopify_store.return_window_days = 14
    shopify_store.save()
    now = timezone.now()
    ticket = factories.TicketFactory(store=shopify_store)
    stale = factories.RmaFactory(ticket=ticket, status=RmaStatus.AUTHORIZED, authorized_at=now - timedelta(days=15))
    fresh = factories.RmaFactory(ticket=ticket, status=RmaStatus.AUTHORIZED, authorized_at=now - timedelta(days=13))
    shipped = factories.RmaFactory(ticket=ticket, status=RmaStatus.IN_TRANSIT, authorized_at=now - timedelta(days=30))

    assert expire_unshipped(now=now) == 1
    assert expire_unshipped(now=now) == 0

    statuses = dict(type(stale).objects.filter(pk__in=[stale.pk, fresh.pk, shipped.pk]).values_list("pk", "status"))
    assert statuses == {stale.pk: RmaStatus.EXPIRED, fresh.pk: RmaStatus.AUTHORIZED, shipped.pk: RmaStatus.IN_TRANSIT}
    event = AuditEvent.objects.get(object_type="returnauthorization", object_id=stale.pk)
    assert (event.actor_kind, event.after["status"]) == (ActorKind.SYSTEM, RmaStatus.EXPIRED)


@pytest.mark.django_db
def test_the_ticket_pages_link_a_follow_up_and_its_closed_ticket(client, agent, shopify_store):
    closed = closed_ticket(shopify_store)
    message, _ = receive_message(closed, body_html="<p>again</p>", platform_message_id="f-9")
    client.force_login(agent)

    follow_up_page = client.get(f"/tickets/{message.ticket.number}/").content.decode()
    closed_page = client.get(f"/tickets/{closed.number}/").content.decode()

    assert f'href="/tickets/{closed.number}/"' in follow_up_page
    assert f"Follow-up of #{closed.number}" in follow_up_page
    assert f'href="/tickets/{message.ticket.number}/"' in closed_page


@pytest.mark.django_db
def test_beat_runs_the_return_expiry_task(shopify_store):
    from aftersales.celery import app
    from tickets.tasks import expire_unshipped_returns

    factories.RmaFactory(
        ticket=factories.TicketFactory(store=shopify_store),
        status=RmaStatus.AUTHORIZED,
        authorized_at=timezone.now() - timedelta(days=shopify_store.return_window_days + 1),
    )

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "tickets.expire_unshipped_returns" in scheduled
    assert expire_unshipped_returns.run() == 1


# --- on PostgreSQL: concurrent messages on a closed chain open one follow-up --------------------


def deliver_at_once(jobs: list[tuple[Ticket, str]]) -> list[tuple]:
    start = threading.Barrier(len(jobs))
    results: list[tuple] = []
    guard = threading.Lock()

    def deliver(ticket: Ticket, message_id: str) -> None:
        try:
            start.wait()
            message, created = receive_message(
                Ticket.objects.get(pk=ticket.pk), body_html="<p>still broken</p>", platform_message_id=message_id
            )
            result = ("ok", message.ticket_id, created)
        except BaseException as exc:  # reported by the caller's assertion
            result = ("error", repr(exc))
        finally:
            connection.close()
        with guard:
            results.append(result)

    threads = [threading.Thread(target=deliver, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_messages_at_once_on_a_closed_chain_open_one_follow_up(shopify_store):
    first = closed_ticket(shopify_store)
    second = closed_ticket(shopify_store, follow_up_of=first, customer=first.customer, order=first.order)

    results = deliver_at_once([(first if i % 2 else second, f"chain-{i}") for i in range(8)])

    assert all(result[0] == "ok" for result in results), results
    assert Ticket.objects.filter(follow_up_of=second).count() == 1
    assert not Ticket.objects.filter(follow_up_of=first).exclude(pk=second.pk).exists()
    assert len({ticket_id for _, ticket_id, _ in results}) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_message_delivered_at_once_is_stored_once_in_one_follow_up(shopify_store):
    first = closed_ticket(shopify_store)

    results = deliver_at_once([(first, "same-message") for _ in range(8)])

    assert all(result[0] == "ok" for result in results), results
    assert Message.objects.filter(platform_message_id="same-message").count() == 1
    assert Ticket.objects.filter(follow_up_of=first).count() == 1
