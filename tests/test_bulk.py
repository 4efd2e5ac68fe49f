"""Bulk actions: each ticket through its own service call and audit row; refusals named, the rest done."""

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import AuditEvent, Macro, MacroVariant, Message, OutboxAction, Ticket
from tickets.models.tickets import Channel
from tickets.services import bulk
from tickets.states import TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def twenty(shopify_store):
    return [factories.TicketFactory(store=shopify_store, channel=Channel.EMAIL) for _ in range(20)]


def test_assign_twenty_tickets_audits_each(agent, twenty):
    result = bulk.run(agent, [t.number for t in twenty], "assign", "me")
    assert result.done == [t.number for t in twenty] and not result.refused
    assert Ticket.objects.filter(assignee=agent).count() == 20
    assert AuditEvent.objects.filter(action="ticket.assigned").count() == 20
    assert result.summary == "20 done"


def test_refusals_are_named_and_the_rest_is_done(agent, twenty, ebay_store):
    foreign = factories.TicketFactory(store=ebay_store)
    Ticket.objects.filter(pk=twenty[0].pk).update(status=TicketStatus.RESOLVED)
    numbers = [t.number for t in twenty] + [foreign.number, 99_999_999]
    result = bulk.run(agent, numbers, "status", TicketStatus.WAITING_CUSTOMER)
    assert len(result.done) == 19
    refused = dict(result.refused)
    assert set(refused) == {twenty[0].number, foreign.number, 99_999_999}
    assert refused[foreign.number] == "not found"  # another store's ticket is not even named as such
    assert result.summary == "19 done, 3 refused"
    assert Ticket.objects.get(pk=foreign.pk).status == TicketStatus.NEW


def test_assigning_to_someone_outside_the_store_is_refused_per_ticket(supervisor, shopify_store, ebay_store):
    mine = factories.TicketFactory(store=shopify_store)
    theirs = factories.TicketFactory(store=ebay_store)
    ebay_only = factories.user_with_role("ebay-only", factories.AGENT, stores=[ebay_store])
    result = bulk.run(supervisor, [mine.number, theirs.number], "assign", str(ebay_only.pk))
    assert result.done == [theirs.number]
    assert result.refused[0][0] == mine.number and "does not work in" in result.refused[0][1]


def test_tags_and_priority(agent, twenty):
    numbers = [t.number for t in twenty[:3]]
    assert bulk.run(agent, numbers, "tag", "Damaged in transit, 破损").done == numbers
    assert sorted(twenty[0].tags.values_list("name", flat=True)) == ["damaged-in-transit", "破损"]
    assert bulk.run(agent, numbers, "priority", "urgent").done == numbers
    assert set(Ticket.objects.filter(number__in=numbers).values_list("priority", flat=True)) == {"urgent"}
    assert bulk.run(agent, numbers, "priority", "bogus").refused


def test_a_macro_reply_to_many_refuses_the_tickets_missing_its_data(agent, shopify_store):
    with_order = factories.TicketFactory(store=shopify_store, channel=Channel.EMAIL)
    without = factories.TicketFactory(store=shopify_store, channel=Channel.EMAIL, order=None)
    macro = Macro.objects.create(name="Order", store=None)
    MacroVariant.objects.create(macro=macro, language="en", body="Your order {{order.number}} is on its way.")
    result = bulk.run(agent, [with_order.number, without.number], "macro", str(macro.pk))
    assert result.done == [with_order.number]
    assert result.refused[0][0] == without.number and "{{order.number}}" in result.refused[0][1]
    assert Message.objects.filter(direction="outbound").count() == 1
    assert OutboxAction.objects.filter(kind="send_reply").count() == 1


@pytest.mark.parametrize(("action", "value"), [("explode", ""), ("assign", "x"), ("macro", "0"), ("tag", " , ")])
def test_a_bad_action_changes_nothing(agent, twenty, action, value):
    with pytest.raises(Exception):  # noqa: B017, PT011 - DomainError of any kind
        bulk.run(agent, [t.number for t in twenty], action, value)
    assert not AuditEvent.objects.exists()


def test_finance_is_refused_on_every_ticket(finance, twenty):
    result = bulk.run(finance, [t.number for t in twenty], "assign", "me")
    assert not result.done and len(result.refused) == 20


def test_the_inbox_form_reports_the_outcome(client, agent, twenty, ebay_store):
    client.force_login(agent)
    foreign = factories.TicketFactory(store=ebay_store)
    response = client.post(
        reverse("inbox-bulk"),
        {"ticket": [t.number for t in twenty] + [foreign.number], "action": "assign:me", "next": "?view=unassigned"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/inbox/?view=unassigned"
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [f"20 done, 1 refused (#{foreign.number}: not found)"]
    assert client.post(reverse("inbox-bulk"), {"action": "assign:me", "next": "//evil.example"}).url == "/inbox/"


def test_assigning_to_a_stranger_says_nothing_about_them(agent, twenty, ebay_store):
    stranger = factories.user_with_role("secret-person", factories.AGENT, stores=[ebay_store])
    stranger.first_name, stranger.last_name = "Secret", "Person"
    stranger.save()
    with pytest.raises(Exception) as refused:  # noqa: PT011 - a DomainError
        bulk.run(agent, [twenty[0].number], "assign", str(stranger.pk))
    assert "Secret" not in str(refused.value) and "secret" not in str(refused.value)
    finance_colleague = factories.user_with_role("fin-colleague", factories.FINANCE, stores=[twenty[0].store])
    with pytest.raises(Exception):  # noqa: B017, PT011 - finance works no tickets
        bulk.run(agent, [twenty[0].number], "assign", str(finance_colleague.pk))
