"""Notifications: who hears of what (assignments, @mentions in notes, refund decisions), the bell's
capped count, its list with links to the tickets, marking read, and the e-mail copy of the kinds a
user chose (sent after commit, once)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from tickets import tasks
from tickets.models import Notification
from tickets.services import bulk, profiles
from tickets.services import notifications as service
from tickets.services.tickets import add_internal_note, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(shopify_store):
    user = factories.user_with_role("li.wei", factories.AGENT, stores=[shopify_store])
    user.first_name, user.last_name = "Li", "Wei"
    user.save()
    return user


@pytest.fixture
def ticket(shopify_store):
    return factories.TicketFactory(store=shopify_store, subject="Zipper broke")


def signed_in(client, user):
    client.force_login(user)
    return client


# --- Who hears of what -----------------------------------------------------------------------------


def test_assigning_a_colleague_notifies_them(ticket, agent, colleague):
    assign(ticket, colleague, actor=agent)
    row = Notification.objects.get()
    assert (row.user, row.kind, row.ticket) == (colleague, "assigned", ticket)


def test_assigning_oneself_notifies_nobody(ticket, agent):
    assign(ticket, agent, actor=agent)
    assert not Notification.objects.exists()


def test_a_bulk_assignment_notifies_the_assignee_once_per_ticket(shopify_store, agent, colleague):
    made = [factories.TicketFactory(store=shopify_store) for _ in range(3)]
    result = bulk.run(agent, [t.number for t in made], "assign", str(colleague.pk))
    assert len(result.done) == 3
    assert sorted(Notification.objects.filter(user=colleague).values_list("ticket__number", flat=True)) == sorted(
        t.number for t in made
    )


def test_a_mention_in_a_note_notifies_only_members_of_the_store(ticket, agent, colleague, other_agent):
    add_internal_note(
        ticket, f"@{colleague.username} and @{other_agent.username}, please check the zipper.", actor=agent
    )
    assert list(Notification.objects.values_list("user__username", "kind")) == [("li.wei", "mentioned")]
    assert "please check the zipper" in Notification.objects.get().detail


def test_mentioning_oneself_or_nobody_notifies_nobody(ticket, agent):
    add_internal_note(ticket, f"note to self @{agent.username}; mail buyer@example.com", actor=agent)
    assert not Notification.objects.exists()


def test_an_email_address_is_not_a_mention():
    assert service.mentioned_usernames("write to bob@example.com or @Anna.") == ["Anna"]


def test_a_refund_decision_notifies_its_requester(ticket, agent, supervisor):
    refund = factories.RefundFactory(ticket=ticket, requested_by=agent, status="approved")
    assert service.notify_refund_decided(refund, actor=supervisor) == 1
    row = Notification.objects.get()
    assert (row.user, row.kind) == (agent, "refund_decided") and "30.00" in row.detail


# --- The bell and its list -------------------------------------------------------------------------


def test_the_bell_counts_only_the_users_own_unread(client, ticket, agent, colleague):
    service.notify([agent], "assigned", ticket=ticket)
    service.notify([agent, colleague], "mentioned", ticket=ticket)
    service.mark_read(agent, ids=[Notification.objects.filter(user=agent).first().pk])
    response = signed_in(client, agent).get(reverse("notifications-bell"))
    assert response.context["count"] == 1


def test_the_bell_count_is_capped(client, ticket, agent):
    Notification.objects.bulk_create(
        Notification(user=agent, kind="assigned", ticket=ticket, store=ticket.store) for _ in range(120)
    )
    response = signed_in(client, agent).get(reverse("notifications-bell"))
    assert ">99+<" in response.content.decode()
    assert response.context["count"] == 100  # counted up to the cap, not all 120


def test_the_list_links_each_notification_to_its_ticket(client, ticket, agent, colleague):
    assign(ticket, agent, actor=colleague)
    page = signed_in(client, agent).get(reverse("notifications-latest")).content.decode()
    row = Notification.objects.get()
    assert f"{reverse('notification-open')}?id={row.pk}" in page
    assert f"#{ticket.number}" in page and "Assigned to you" in page


def test_opening_a_notification_marks_it_read_and_goes_to_the_ticket(client, ticket, agent):
    service.notify([agent], "mentioned", ticket=ticket)
    row = Notification.objects.get()
    response = signed_in(client, agent).get(reverse("notification-open"), {"id": row.pk})
    assert response.status_code == 302 and response.url == reverse("ticket", args=[ticket.number])
    row.refresh_from_db()
    assert row.read_at is not None


def test_another_users_notification_is_not_found_and_stays_unread(client, ticket, agent, colleague):
    service.notify([colleague], "mentioned", ticket=ticket)
    row = Notification.objects.get()
    assert signed_in(client, agent).get(reverse("notification-open"), {"id": row.pk}).status_code == 404
    client.post(reverse("notifications"), {"id": row.pk})
    client.post(reverse("notifications"), {"all": "1"})
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_one_read_leaves_the_others(client, ticket, agent):
    service.notify([agent], "assigned", ticket=ticket)
    service.notify([agent], "mentioned", ticket=ticket)
    first = Notification.objects.get(kind="assigned")
    signed_in(client, agent).post(reverse("notifications"), {"id": first.pk})
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("kind", flat=True)) == ["mentioned"]


def test_mark_all_read_from_the_dropdown_clears_the_count(client, ticket, agent):
    service.notify([agent], "assigned", ticket=ticket)
    service.notify([agent], "mentioned", ticket=ticket)
    response = signed_in(client, agent).post(reverse("notifications"), {"all": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.context["count"] == 0
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_top_bar_has_the_bell(client, agent):
    page = signed_in(client, agent).get(reverse("inbox")).content.decode()
    assert reverse("notifications-bell") in page and reverse("notifications-latest") in page


def test_the_notifications_page_lists_the_latest_newest_first(client, ticket, agent):
    service.notify([agent], "assigned", ticket=ticket)
    service.notify([agent], "qc_failed", ticket=ticket, detail="RMA-000001: torn seam")
    rows = signed_in(client, agent).get(reverse("notifications")).context["rows"]
    assert [r.kind for r in rows] == ["qc_failed", "assigned"]


# --- E-mail where the user chose it ------------------------------------------------------------------


def test_a_chosen_kind_is_emailed_after_commit_and_only_once(
    ticket, agent, colleague, django_capture_on_commit_callbacks
):
    profiles.update_settings(user=colleague, actor=colleague, email_kinds=["assigned"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assign(ticket, colleague, actor=agent)
    assert len(callbacks) == 1 and not mail.outbox  # queued for the worker, nothing sent inside the transaction
    assert service.send_emails() == 1
    assert service.send_emails() == 0  # once
    sent = mail.outbox[0]
    assert sent.to == [colleague.email]
    assert f"#{ticket.number}" in sent.subject and reverse("ticket", args=[ticket.number]) in sent.body


def test_a_kind_not_chosen_is_not_emailed(ticket, agent, colleague, django_capture_on_commit_callbacks):
    profiles.update_settings(user=colleague, actor=colleague, email_kinds=["mentioned"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assign(ticket, colleague, actor=agent)
    assert callbacks == []
    assert service.send_emails() == 0 and not mail.outbox
    assert Notification.objects.get().email_due is False


def test_the_task_sends_what_a_lost_wake_up_left(ticket, agent, colleague):
    profiles.update_settings(user=colleague, actor=colleague, email_kinds=["mentioned"])
    add_internal_note(ticket, "@li.wei can you call the courier?", actor=agent)
    assert tasks.email_notifications() == 1
    assert mail.outbox[0].to == [colleague.email]


def test_the_email_is_in_the_users_language(ticket, agent, colleague):
    profiles.update_settings(user=colleague, actor=colleague, language="zh-hans", email_kinds=["assigned"])
    assign(ticket, colleague, actor=agent)
    service.send_emails()
    assert mail.outbox[0].subject.startswith("分配给你")


def test_a_user_removed_from_the_store_no_longer_reads_or_gets_its_notifications(client, ticket, agent, colleague):
    from tickets.models import StoreMembership

    profiles.update_settings(user=colleague, actor=colleague, email_kinds=["assigned"])
    assign(ticket, colleague, actor=agent)
    StoreMembership.objects.filter(user=colleague, store=ticket.store).delete()
    assert service.send_emails() == 0 and not mail.outbox
    assert service.unread_count(colleague) == 0 and service.latest(colleague) == []
    signed_in(client, colleague)
    assert ticket.subject not in client.get(reverse("notifications")).content.decode()
