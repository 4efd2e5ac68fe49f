"""Replies by SMTP to the sandbox mail server over a real socket: thread headers, sender name,
signature, attachments, and a retry that sends nothing twice."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from integrations.base import PermanentError
from integrations.email.outbound import send_reply
from integrations.sandbox.core import World
from integrations.sandbox.mail import MailServer
from tests import factories
from tickets.models import Attachment, Direction, Mailbox, MailboxKind, Message, SendStatus

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% a label\n%%EOF\n"


@pytest.fixture
def smtp(settings, tmp_path):
    world = World()
    server = MailServer(world).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.smtp_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.MEDIA_ROOT = str(tmp_path)
    yield world
    server.stop()


@pytest.fixture
def ticket():
    store = factories.StoreFactory(
        name="Acme", platform="email", email_sender_name="Acme Support", email_signature="Acme Outdoor\nBerlin"
    )
    Mailbox.objects.create(store=store, address="support@acme.test", kind=MailboxKind.SUPPORT)
    customer = factories.CustomerFactory(store=store, email="erika@example.com", name="Erika")
    ticket = factories.TicketFactory(store=store, customer=customer, subject="Wrong size", number=4711)
    start = timezone.now() - timedelta(hours=2)
    for n, message_id in enumerate(["<first@example.com>", "<second@example.com>"]):
        factories.MessageFactory(
            ticket=ticket,
            platform_message_id=message_id,
            sender_address="erika@example.com",
            created_at=start + timedelta(minutes=n),
        )
    return ticket


def reply(ticket, body: str = "<p>We are sorry &amp; will help.</p>") -> Message:
    return factories.MessageFactory(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        body=body,
        platform_message_id="",
        send_status=SendStatus.QUEUED,
        created_at=timezone.now(),
    )


def sent(world) -> list:
    return [BytesParser(policy=policy.default).parsebytes(raw) for raw in world.sent_mail]


def test_reply_carries_its_message_id_and_the_thread_headers(smtp, ticket):
    message = reply(ticket)
    result = send_reply(message)
    [email] = sent(smtp)
    message.refresh_from_db()
    assert result.done and result.reference == email["Message-ID"] == message.platform_message_id
    assert message.platform_message_id.startswith(f"<aftersales.{message.pk}.")
    assert message.platform_message_id.endswith("@acme.test>")
    assert email["In-Reply-To"] == "<second@example.com>"
    assert str(email["References"]).split() == ["<first@example.com>", "<second@example.com>"]


def test_reply_comes_from_the_store_sender_name_and_support_address_to_the_buyer(smtp, ticket):
    send_reply(reply(ticket))
    [email] = sent(smtp)
    assert email["From"].addresses[0].display_name == "Acme Support"
    assert email["From"].addresses[0].addr_spec == "support@acme.test"
    assert [a.addr_spec for a in email["To"].addresses] == ["erika@example.com"]
    assert email["Subject"] == "Re: Wrong size [#4711]"


def test_reply_has_html_and_text_with_the_signature(smtp, ticket):
    send_reply(reply(ticket))
    [email] = sent(smtp)
    html = email.get_body(preferencelist=("html",)).get_content()
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "<p>We are sorry &amp; will help.</p>" in html and "Acme Outdoor<br>Berlin" in html
    assert "We are sorry & will help." in text and "-- \nAcme Outdoor\nBerlin" in text.replace("\r\n", "\n")


def test_reply_carries_the_message_attachments(smtp, ticket):
    message = reply(ticket)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        store=ticket.store,
        original_name="return-label.pdf",
        sha256=hashlib.sha256(PDF).hexdigest(),
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("x", ContentFile(PDF), save=True)
    send_reply(message)
    [email] = sent(smtp)
    [part] = list(email.iter_attachments())
    assert (part.get_filename(), part.get_content_type(), part.get_content()) == (
        "return-label.pdf",
        "application/pdf",
        PDF,
    )


def test_agent_reply_is_not_marked_auto_submitted(smtp, ticket):
    send_reply(reply(ticket))
    assert sent(smtp)[0]["Auto-Submitted"] is None


def test_automatic_acknowledgement_is_marked_auto_replied(smtp, ticket):
    send_reply(reply(ticket), auto_acknowledgement=True)
    assert sent(smtp)[0]["Auto-Submitted"] == "auto-replied"


def test_a_retry_of_a_sent_message_sends_nothing_twice(smtp, ticket):
    message = reply(ticket)
    first = send_reply(message)
    again = send_reply(Message.objects.get(pk=message.pk))
    assert len(smtp.sent_mail) == 1 and again.reference == first.reference


def test_a_retry_after_a_failed_send_reuses_the_message_id(smtp, ticket, settings):
    message = reply(ticket)
    settings.EMAIL_PORT = 1  # nothing listens: the send fails after the id was stored
    with pytest.raises(Exception):  # noqa: B017 - RetryableError; what matters is the id kept
        send_reply(message)
    stored = Message.objects.get(pk=message.pk).platform_message_id
    settings.EMAIL_PORT = smtp.mail.smtp_port
    send_reply(Message.objects.get(pk=message.pk))
    assert stored and sent(smtp)[0]["Message-ID"] == stored


def test_no_reply_to_a_mailer_daemon(smtp, ticket):
    ticket.customer.email = "MAILER-DAEMON@mx.example.com"
    ticket.customer.save()
    with pytest.raises(PermanentError):
        send_reply(reply(ticket))
    assert smtp.sent_mail == []


def test_no_reply_when_the_last_message_came_from_a_robot(smtp, ticket):
    ticket.customer = None
    ticket.save()
    factories.MessageFactory(
        ticket=ticket, sender_address="erika@example.com", automated=True, created_at=timezone.now()
    )
    with pytest.raises(PermanentError):
        send_reply(reply(ticket))
    assert smtp.sent_mail == []


def test_without_a_customer_email_the_reply_goes_to_the_last_sender(smtp, ticket):
    ticket.customer = None
    ticket.save()
    send_reply(reply(ticket))
    assert [a.addr_spec for a in sent(smtp)[0]["To"].addresses] == ["erika@example.com"]
