"""Routing mail to a store by its recipients, the quarantine, and ``manage.py ingest_email``."""

from __future__ import annotations

import base64
import io
import sys
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from integrations.email.routing import quarantine, store_for_recipients
from integrations.models import QuarantinedEmail, RawPayload
from tests import factories
from tickets.models import BlockedSender, Mailbox, MailboxKind, Message, Ticket

pytestmark = pytest.mark.django_db


def mail(to: str = "support@acme.test", *, extra: str = "", message_id: str = "<q1@example.com>") -> bytes:
    return (
        f"From: Erika Buyer <erika@example.com>\r\nTo: {to}\r\n{extra}Subject: Wrong size\r\n"
        f"Message-ID: {message_id}\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe shoes are too small.\r\n"
    ).encode()


@pytest.fixture
def acme():
    store = factories.StoreFactory(name="Acme", platform="email")
    Mailbox.objects.create(store=store, address="support@acme.test", kind=MailboxKind.SUPPORT)
    return store


@pytest.fixture
def globex():
    store = factories.StoreFactory(name="Globex", platform="amazon")
    Mailbox.objects.create(store=store, address="relay@globex.test", kind=MailboxKind.AMAZON_RELAY)
    return store


def run(raw: bytes, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = SimpleNamespace(buffer=io.BytesIO(raw))
    original = sys.stdin
    sys.stdin = stdin
    try:
        call_command("ingest_email", *args, stdout=out, stderr=err)
    finally:
        sys.stdin = original
    return out.getvalue(), err.getvalue()


# --- routing ------------------------------------------------------------------------------------


def test_store_is_found_by_exact_lower_case_address(acme, globex):
    assert store_for_recipients(["Relay@Globex.test"]) == globex


def test_plus_addressing_routes_to_the_base_mailbox(acme):
    assert store_for_recipients(["support+returns@acme.test"]) == acme


def test_first_known_recipient_wins(acme, globex):
    assert store_for_recipients(["nobody@x.test", "relay@globex.test", "support@acme.test"]) == globex


def test_unknown_recipients_match_no_store(acme):
    assert store_for_recipients(["support@other-shop.test", "support@acme.test.evil.test"]) is None


def test_quarantine_keeps_the_raw_mail_and_its_headers():
    raw = mail("lost@nowhere.test")
    kept = quarantine(raw, "no store")
    kept.refresh_from_db()
    assert bytes(kept.raw) == raw
    assert (kept.sender, kept.recipients, kept.subject, kept.message_id) == (
        "Erika Buyer <erika@example.com>",
        "lost@nowhere.test",
        "Wrong size",
        "<q1@example.com>",
    )


# --- the command ---------------------------------------------------------------------------------


def test_mail_to_no_known_mailbox_is_quarantined_and_exits_zero(acme, globex):
    _out, err = run(mail("support@unknown-shop.test"))
    assert QuarantinedEmail.objects.get().recipients == "support@unknown-shop.test"
    assert "Quarantined" in err and err.count("\n") <= 1
    assert not Ticket.objects.exists() and not Message.objects.exists() and not RawPayload.objects.exists()


def test_unreadable_input_exits_65():
    with pytest.raises(CommandError) as raised:
        run(b"")
    assert raised.value.returncode == 65
    assert not QuarantinedEmail.objects.exists()


def test_unknown_store_id_exits_75_so_the_mail_server_retries():
    with pytest.raises(CommandError) as raised:
        run(mail(), "--store", "999999")
    assert raised.value.returncode == 75


def test_store_option_stores_the_mail_as_an_email_payload(acme, globex):
    run(mail("someone-else@elsewhere.test"), "--store", str(globex.pk))
    row = RawPayload.objects.get()
    assert (row.store, row.stream, row.external_id) == (globex, "email", "<q1@example.com>")
    assert base64.b64decode(row.payload["base64"]) == mail("someone-else@elsewhere.test")
    assert not QuarantinedEmail.objects.exists()


def test_recipient_routes_the_mail_to_its_store(acme, globex):
    run(mail("Acme Support <support+rma@acme.test>"))
    assert RawPayload.objects.get().store == acme


def test_ingested_mail_opens_a_ticket_in_its_store_only(acme, globex):
    pytest.importorskip("tickets.services.ingest")
    run(mail())
    message = Message.objects.get()
    assert message.store == acme and message.ticket.store == acme
    assert message.platform_message_id == "<q1@example.com>"
    assert not Ticket.objects.filter(store=globex).exists()


def test_the_same_mail_piped_twice_is_stored_once(acme):
    pytest.importorskip("tickets.services.ingest")
    run(mail())
    run(mail())
    assert Message.objects.count() == 1 and RawPayload.objects.count() == 1


def test_automated_mail_opens_no_ticket(acme):
    pytest.importorskip("tickets.services.ingest")
    run(mail(extra="Auto-Submitted: auto-replied\r\n"))
    assert not Ticket.objects.exists()
    assert RawPayload.objects.count() == 1


def test_mail_from_a_blocked_sender_opens_no_ticket(acme):
    pytest.importorskip("tickets.services.ingest")
    BlockedSender.objects.create(store=acme, address="erika@example.com")
    run(mail())
    assert not Ticket.objects.exists() and RawPayload.objects.count() == 1


def test_a_reply_with_in_reply_to_joins_the_first_ticket(acme):
    pytest.importorskip("tickets.services.ingest")
    run(mail())
    run(mail(extra="In-Reply-To: <q1@example.com>\r\n", message_id="<q2@example.com>"))
    assert Ticket.objects.count() == 1 and Message.objects.count() == 2
