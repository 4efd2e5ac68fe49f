"""Ingest of buyers' messages: threading rules one by one, automated mail, blocked senders, files."""

import hashlib

import pytest

from tests import factories
from tests.ingest_records import at, message, order
from tickets.models import Attachment, AuditEvent, BlockedSender, Channel, Message, Ticket
from tickets.records import AttachmentRecord
from tickets.services.ingest import receive_platform_message, upsert_order
from tickets.services.ingest_messages import normalize_subject, order_number_candidates
from tickets.services.tickets import change_status, create_ticket
from tickets.states import ActorKind, TicketStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_new_message_opens_an_inquiry_ticket_on_its_channel(shopify_store):
    result = receive_platform_message(message(channel="ebay"), store=shopify_store)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert result.created
    assert (ticket.type, ticket.channel, ticket.subject) == ("inquiry", Channel.EBAY, "Where is my parcel")
    assert ticket.customer.email == "ana@example.com"


def test_message_keeps_sender_thread_and_reply_id(shopify_store):
    receive_platform_message(message(thread_key="conv-1", reply_to_id="X-9"), store=shopify_store)
    stored = Message.objects.get(platform_message_id="<m1@example.com>")
    assert (stored.sender_address, stored.thread_key, stored.reply_to_id) == ("ana@example.com", "conv-1", "X-9")


def test_same_message_twice_is_one_message_one_ticket_one_audit_event(shopify_store):
    receive_platform_message(message(), store=shopify_store)
    second = receive_platform_message(message(), store=shopify_store)
    assert not second.created
    assert Message.objects.filter(store=shopify_store).count() == 1
    assert Ticket.objects.filter(store=shopify_store).count() == 1
    assert AuditEvent.objects.filter(store_id=shopify_store.pk, action="ticket.created").count() == 1


def test_reply_threads_by_in_reply_to(shopify_store):
    first = receive_platform_message(message(), store=shopify_store)
    reply = receive_platform_message(
        message("<m2@example.com>", subject="Something else", in_reply_to="<m1@example.com>"), store=shopify_store
    )
    assert reply.ticket_id == first.ticket_id


def test_reply_threads_by_references_to_our_outbound_message(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=ticket, direction="outbound", platform_message_id="<ours@desk>")
    result = receive_platform_message(
        message(subject="Other words", references=("<x@y>", "<ours@desk>")), store=shopify_store
    )
    assert result.ticket_id == ticket.pk


def test_in_reply_to_of_another_store_does_not_thread(shopify_store, ebay_store):
    other = receive_platform_message(message(), store=ebay_store)
    mine = receive_platform_message(
        message("<m2@example.com>", sender_address="bo@example.com", in_reply_to="<m1@example.com>"),
        store=shopify_store,
    )
    assert mine.ticket_id != other.ticket_id
    assert Ticket.objects.get(pk=mine.ticket_id).store == shopify_store


def test_message_threads_by_conversation(shopify_store):
    first = receive_platform_message(message(thread_key="conv-7"), store=shopify_store)
    second = receive_platform_message(
        message("<m2>", thread_key="conv-7", subject="New words", sender_address="x@example.com"),
        store=shopify_store,
    )
    assert second.ticket_id == first.ticket_id


def test_message_threads_to_the_orders_newest_ticket_by_order_number_in_subject(shopify_store):
    upsert_order(order(), store=shopify_store)
    ticket = factories.TicketFactory(store=shopify_store, order=shopify_store.orders.get())
    result = receive_platform_message(
        message(subject="Question about order #1001", sender_address="new@example.com"), store=shopify_store
    )
    assert result.ticket_id == ticket.pk


def test_amazon_order_number_in_body_threads_to_the_order(shopify_store):
    upsert_order(order("A1", "114-1234567-1234567"), store=shopify_store)
    result = receive_platform_message(
        message(subject="Hi", body_html="<p>My order 114-1234567-1234567 is late</p>"), store=shopify_store
    )
    assert Ticket.objects.get(pk=result.ticket_id).order.external_id == "A1"


def test_order_external_id_in_record_sets_the_new_tickets_order(shopify_store):
    upsert_order(order(), store=shopify_store)
    result = receive_platform_message(message(order_external_id="O1", subject="Hi"), store=shopify_store)
    assert Ticket.objects.get(pk=result.ticket_id).order.external_id == "O1"


def test_another_stores_ticket_number_in_subject_never_joins_that_ticket(shopify_store, ebay_store):
    foreign = create_ticket(store=ebay_store, subject="Parcel", actor=None, actor_kind=ActorKind.BUYER)
    subject = f"About #{foreign.number} and [#{foreign.number}]"
    result = receive_platform_message(message(subject=subject), store=shopify_store)
    assert result.created and result.ticket_id != foreign.pk
    assert Ticket.objects.get(pk=result.ticket_id).store == shopify_store
    assert not foreign.messages.exists()


def test_ticket_number_of_this_store_in_subject_joins_it(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, number=4321)
    result = receive_platform_message(message(subject="Re: [#4321] parcel"), store=shopify_store)
    assert result.ticket_id == ticket.pk


def test_message_on_a_closed_ticket_opens_a_follow_up(shopify_store):
    first = receive_platform_message(message(), store=shopify_store)
    ticket = Ticket.objects.get(pk=first.ticket_id)
    change_status(ticket, TicketStatus.RESOLVED, actor=None, actor_kind=ActorKind.SYSTEM)
    change_status(ticket, TicketStatus.CLOSED, actor=None, actor_kind=ActorKind.SYSTEM)
    second = receive_platform_message(message("<m2>", in_reply_to="<m1@example.com>"), store=shopify_store)
    assert Ticket.objects.get(pk=second.ticket_id).follow_up_of_id == ticket.pk


def test_same_sender_and_subject_threads_despite_reply_prefixes(shopify_store):
    first = receive_platform_message(message(), store=shopify_store)
    second = receive_platform_message(message("<m2>", subject="AW: RE:  Where is my  parcel"), store=shopify_store)
    assert second.ticket_id == first.ticket_id


def test_same_subject_from_another_sender_opens_a_new_ticket(shopify_store):
    first = receive_platform_message(message(), store=shopify_store)
    second = receive_platform_message(message("<m2>", sender_address="bo@example.com"), store=shopify_store)
    assert second.ticket_id != first.ticket_id


def test_same_subject_after_thirty_quiet_days_opens_a_new_ticket(shopify_store):
    first = receive_platform_message(message(), store=shopify_store)
    second = receive_platform_message(
        message("<m2>", subject="Re: Where is my parcel", sent_at=at(60 * 24 * 31)), store=shopify_store
    )
    assert second.ticket_id != first.ticket_id


def test_automated_mail_threading_nowhere_opens_nothing(shopify_store):
    result = receive_platform_message(message(automated=True), store=shopify_store)
    assert result.notes == ("automated, dropped",)
    assert not Ticket.objects.filter(store=shopify_store).exists()
    assert not Message.objects.filter(store=shopify_store).exists()


def test_automated_reply_is_stored_without_reopening(shopify_store):
    first = receive_platform_message(message(), store=shopify_store)
    ticket = Ticket.objects.get(pk=first.ticket_id)
    change_status(ticket, TicketStatus.WAITING_CUSTOMER, actor=None, actor_kind=ActorKind.SYSTEM)
    result = receive_platform_message(
        message("<auto>", in_reply_to="<m1@example.com>", automated=True), store=shopify_store
    )
    ticket.refresh_from_db()
    assert result.ticket_id == ticket.pk and ticket.status == TicketStatus.WAITING_CUSTOMER
    assert Message.objects.get(platform_message_id="<auto>").automated


def test_blocked_sender_stores_nothing(shopify_store):
    BlockedSender.objects.create(store=shopify_store, address="spam@example.com")
    result = receive_platform_message(message(sender_address="SPAM@example.com"), store=shopify_store)
    assert result.notes == ("blocked",)
    assert not Message.objects.filter(store=shopify_store).exists()


def test_image_attachment_is_kept_with_its_hash(shopify_store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = message(attachments=(AttachmentRecord("photo.png", "image/png", PNG),))
    receive_platform_message(record, store=shopify_store)
    stored = Attachment.objects.get(store=shopify_store)
    assert (stored.content_type, stored.sha256, stored.size) == ("image/png", hashlib.sha256(PNG).hexdigest(), len(PNG))
    assert stored.file.read() == PNG


def test_attachment_claiming_to_be_an_image_is_typed_by_its_content(shopify_store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = message(attachments=(AttachmentRecord("evil.jpg", "image/jpeg", b"<script>alert(1)</script>"),))
    receive_platform_message(record, store=shopify_store)
    assert Attachment.objects.get(store=shopify_store).content_type == "application/octet-stream"


def test_same_file_twice_on_a_ticket_is_kept_once(shopify_store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    receive_platform_message(message(attachments=(AttachmentRecord("a.png", "image/png", PNG),)), store=shopify_store)
    receive_platform_message(
        message("<m2>", subject="Re: Where is my parcel", attachments=(AttachmentRecord("b.png", "image/png", PNG),)),
        store=shopify_store,
    )
    assert Attachment.objects.filter(store=shopify_store).count() == 1


def test_attachment_over_the_cap_is_skipped(shopify_store, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = b"%PDF-" + b"0" * (20 * 1024 * 1024)
    result = receive_platform_message(
        message(attachments=(AttachmentRecord("big.pdf", "application/pdf", big),)), store=shopify_store
    )
    assert not Attachment.objects.exists()
    assert any("big.pdf" in note for note in result.notes)


def test_subject_prefixes_in_several_languages_are_stripped():
    assert normalize_subject("回复: 转发：WG: Fwd: Re:  Hello   world") == "hello world"


def test_order_number_candidates_cover_each_platform():
    text = "Shopify #1001, Amazon 114-1234567-1234567, eBay 12-34567-89012, plain 55555"
    assert order_number_candidates(text) == ["1001", "114-1234567-1234567", "12-34567-89012", "55555"]
