"""send_reply: the message, the outbox action and the audit row in one transaction; status moves."""

import pytest

from tests import factories
from tickets.errors import DomainError, NotFound, PermissionDenied
from tickets.models import AuditEvent, Message, OutboxAction
from tickets.models.messages import SendStatus
from tickets.models.tickets import Channel
from tickets.services.replies import needs_resolve_confirmation, retry_reply, send_reply
from tickets.states import TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, channel=Channel.EMAIL)
    factories.MessageFactory(ticket=made, platform_message_id="<buyer-1@example.com>", thread_key="conv-1")
    return made


def test_a_reply_is_stored_queued_and_audited_in_one_go(ticket, agent):
    message = send_reply(ticket, "Hello <b>there</b>\n\nSecond line", actor=agent)
    assert message.direction == "outbound" and message.send_status == SendStatus.QUEUED
    assert "&lt;b&gt;there&lt;/b&gt;" in message.body  # typed text is text, never markup
    assert message.reply_to_id == "<buyer-1@example.com>" and message.thread_key == "conv-1"
    action = OutboxAction.objects.get(kind="send_reply")
    assert action.payload == {"message_id": message.pk} and action.store_id == ticket.store_id
    assert AuditEvent.objects.filter(action="ticket.replied", object_id=ticket.pk).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN  # a new ticket an agent answered is open
    assert ticket.first_response_at == message.created_at
    assert ticket.last_message_preview.startswith("Hello <b>there</b>")


def test_send_and_set_status_moves_the_ticket(ticket, agent):
    send_reply(ticket, "We wait for your photos.", actor=agent, then_status=TicketStatus.WAITING_CUSTOMER)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_CUSTOMER


@pytest.mark.parametrize(
    ("text", "then"),
    [
        ("", ""),
        ("   \n ", ""),
        ("Your order {{order.number}} left", ""),
        ("Fine", "no-such-status"),
        ("Fine", TicketStatus.CLOSED),  # an agent never closes: the state machine refuses
    ],
)
def test_a_refused_reply_writes_nothing(ticket, agent, text, then):
    before = (Message.objects.count(), OutboxAction.objects.count(), AuditEvent.objects.count())
    with pytest.raises((DomainError, ValueError)):
        send_reply(ticket, text, actor=agent, then_status=then)
    assert (Message.objects.count(), OutboxAction.objects.count(), AuditEvent.objects.count()) == before
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and ticket.first_response_at is None


def test_a_member_of_another_store_cannot_reply(ticket, other_agent):
    with pytest.raises(NotFound):
        send_reply(ticket, "Hi", actor=other_agent)
    assert not Message.objects.filter(direction="outbound").exists()


def test_finance_cannot_reply(ticket, finance):
    with pytest.raises(PermissionDenied):
        send_reply(ticket, "Hi", actor=finance)


def test_a_portal_reply_is_not_queued(shopify_store, agent):
    portal = factories.TicketFactory(store=shopify_store, channel=Channel.PORTAL)
    message = send_reply(portal, "See you", actor=agent)
    assert message.send_status == SendStatus.NOT_APPLICABLE
    assert not OutboxAction.objects.exists()


def test_a_closed_ticket_takes_no_reply(ticket, agent):
    from django.utils import timezone

    type(ticket).objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED, closed_at=timezone.now())
    with pytest.raises(DomainError):
        send_reply(ticket, "Late", actor=agent)


def test_a_failed_reply_is_queued_again_once(ticket, agent):
    message = send_reply(ticket, "Hi", actor=agent)
    Message.objects.filter(pk=message.pk).update(send_status=SendStatus.FAILED, send_error="550 mailbox unknown")
    retry_reply(Message.objects.get(pk=message.pk), actor=agent)
    assert Message.objects.get(pk=message.pk).send_status == SendStatus.QUEUED
    assert OutboxAction.objects.filter(kind="send_reply").count() == 2
    with pytest.raises(DomainError):
        retry_reply(Message.objects.get(pk=message.pk), actor=agent)  # queued, not failed


def test_resolving_after_the_buyers_message_asks_first(ticket, agent):
    assert needs_resolve_confirmation(ticket)
    send_reply(ticket, "Done", actor=agent)
    assert not needs_resolve_confirmation(ticket)


@pytest.mark.parametrize(
    "text",
    [
        "Hello {{order-number}}",
        "Hi {{ customer name }}",
        "{{customer.name|upper}}",
        "{{1}}",
        "{{}}",
        "Order {{ order.number }",
        "Order {{\u200border.number}}",
        "{% if x %}yes{% endif %}",
        "closing }} only",
    ],
)
def test_no_template_syntax_ever_reaches_a_buyer(ticket, agent, text):
    with pytest.raises(DomainError):
        send_reply(ticket, text, actor=agent)
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_buyer_named_like_a_placeholder_does_not_block_the_macro(ticket, agent):
    from tickets.models import Macro, MacroVariant
    from tickets.services.macros import render_macro

    ticket.customer.name = "Bob {{order.number}}"
    ticket.customer.save()
    macro = Macro.objects.create(name="Hi", store=None)
    MacroVariant.objects.create(macro=macro, language="en", body="Hi {{customer.name}}, order {{order.number}}")
    rendered = render_macro(macro, ticket)
    assert rendered.complete
    message = send_reply(ticket, rendered.text, actor=agent)
    assert "{{" not in message.body and "Bob { {order.number} }" in message.body


@pytest.mark.parametrize("then", [TicketStatus.NEW, TicketStatus.WAITING_APPROVAL, "bogus"])
def test_send_and_set_takes_only_the_statuses_it_offers(ticket, agent, then):
    with pytest.raises(DomainError):
        send_reply(ticket, "Hi", actor=agent, then_status=then)
    assert not Message.objects.filter(direction="outbound").exists()


def test_a_failed_reply_can_be_retried_more_than_once_in_a_second(ticket, agent):
    message = send_reply(ticket, "Hi", actor=agent)
    for _ in range(2):
        Message.objects.filter(pk=message.pk).update(send_status=SendStatus.FAILED, send_error="deferred")
        retry_reply(Message.objects.get(pk=message.pk), actor=agent)
    assert OutboxAction.objects.filter(kind="send_reply", status="pending").count() == 3


def test_a_reply_on_a_closed_ticket_is_not_retried(ticket, agent):
    from django.utils import timezone

    message = send_reply(ticket, "Hi", actor=agent)
    Message.objects.filter(pk=message.pk).update(send_status=SendStatus.FAILED)
    type(ticket).objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED, closed_at=timezone.now())
    with pytest.raises(DomainError):
        retry_reply(Message.objects.get(pk=message.pk), actor=agent)
