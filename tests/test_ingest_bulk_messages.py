"""The bulk message path files a page exactly as the per-record path files it message by message."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import transaction

from tests.ingest_records import at, buyer, message, order
from tickets import events
from tickets.models import AuditEvent, BlockedSender, Message, Ticket
from tickets.records import AttachmentRecord
from tickets.services.ingest import ingest_records, receive_platform_message, upsert_order
from tickets.services.tickets import change_status, create_ticket, receive_message
from tickets.states import ActorKind, TicketStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _setup(store) -> dict[str, int]:
    """The same history in each store: orders, a ticket we answered, a closed and a resolved one."""
    upsert_order(order("O1", "#1001"), store=store)
    upsert_order(order("O2", "#1002", buyer=buyer(2)), store=store)
    upsert_order(order("O3", "#1003", buyer=buyer(3)), store=store)
    BlockedSender.objects.create(store=store, address="Spam@Example.com")
    answered = create_ticket(store=store, subject="Old question", actor_kind=ActorKind.BUYER, created_at=at(-60))
    Message.objects.create(
        ticket=answered,
        store=store,
        direction="outbound",
        platform_message_id="<ours@desk>",
        body="x",
        created_at=at(-50),
    )
    closed = create_ticket(store=store, subject="Done", actor_kind=ActorKind.BUYER, created_at=at(-60))
    receive_message(
        closed, body_html="<p>a</p>", platform_message_id="<c1>", thread_key="conv-closed", received_at=at(-55)
    )
    resolved = create_ticket(store=store, subject="Fixed", actor_kind=ActorKind.BUYER, created_at=at(-60))
    receive_message(
        resolved, body_html="<p>b</p>", platform_message_id="<r1>", thread_key="conv-res", received_at=at(-55)
    )
    for status in (TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED):
        change_status(closed, status, actor=None, actor_kind=ActorKind.SYSTEM)
    for status in (TicketStatus.OPEN, TicketStatus.RESOLVED):
        change_status(resolved, status, actor=None, actor_kind=ActorKind.SYSTEM)
    # A ticket on order O3 already, so a message naming #1003 joins it.
    create_ticket(store=store, subject="About O3", actor_kind=ActorKind.BUYER, order=upsert_order_of(store, "O3"))
    return {"answered": answered.number}


def upsert_order_of(store, ext: str):
    from tickets.models import Order

    return Order.objects.get(store=store, external_id=ext)


def _corpus(answered_number: int) -> list:
    m = []
    add = m.append
    add(message("<a1>", sent_at=at(1)))  # new ticket
    add(message("<a2>", sent_at=at(2), subject="Other", sender_address="zed@example.com", in_reply_to="<a1>"))
    add(
        message(
            "<a3>", sent_at=at(3), subject="Hm", sender_address="kim@example.com", references=("<n>", "<ours@desk>")
        )
    )
    add(message("<a4>", sent_at=at(4), subject="Conv", thread_key="conv-9", sender_address="lee@example.com"))
    add(message("<a5>", sent_at=at(5), subject="Again", thread_key="conv-9", sender_address="max@example.com"))
    add(message("<a6>", sent_at=at(6), subject="Order #1001 question", sender_address="o1@example.com"))
    add(message("<a7>", sent_at=at(7), subject="More", body_html="<p>about 1001 please</p>", sender_address="q@x.io"))
    add(message("<a1>", sent_at=at(8)))  # a duplicate in the same page
    add(message("<a9>", sent_at=at(9), sender_address="spam@example.com"))  # blocked
    add(message("<a10>", sent_at=at(10), subject="Re: Where is my parcel", automated=True))
    add(message("<a11>", sent_at=at(11), subject="Back", thread_key="conv-closed", sender_address="c@example.com"))
    add(message("<a12>", sent_at=at(12), subject="Not fixed", thread_key="conv-res", sender_address="r@example.com"))
    add(message("<a13>", sent_at=at(13), subject="RE: where is  my parcel"))  # same conversation as <a1>
    add(message("<a14>", sent_at=at(14), subject=f"Re: [#{answered_number}] thanks", sender_address="t@example.com"))
    add(
        message(
            "<a15>",
            sent_at=at(15),
            subject="Photo",
            sender_address="p@example.com",
            attachments=(AttachmentRecord(filename="a.png", content_type="image/png", content=PNG),),
        )
    )
    add(message("<a16>", sent_at=at(16), subject="Hi", order_external_id="O2", sender_address="o2@example.com"))
    add(message("<a17>", sent_at=at(17), subject="Size", buyer=buyer(9, email="nine@example.com")))
    add(message("<a18>", sent_at=at(18), subject="Fw: size", sender_address="NINE@example.com"))
    add(message("<a19>", sent_at=at(19), subject="Order 1003 status", sender_address="o3@example.com"))
    add(message("", sent_at=at(20), subject="No id", sender_address="noid@example.com"))
    add(message("", sent_at=at(21), subject="No id", sender_address="noid@example.com"))
    add(message("<a22>", sent_at=at(22), subject="", sender_address="blank@example.com"))
    add(message("<a23>", sent_at=at(23), subject="", sender_address="blank@example.com"))
    add(message("<a24>", sent_at=at(24), subject="Late", channel="ebay", thread_key="conv-e", language="de"))
    add(message("<a25>", sent_at=at(2), subject="Earlier", thread_key="conv-e", sender_address="e2@example.com"))
    add(message("<a26>", sent_at=at(26), subject="x", in_reply_to="<a25>", sender_address="e3@example.com"))
    add(message("<ours@desk>", sent_at=at(27), subject="Same id as ours", sender_address="w@example.com"))
    for k in range(28, 52):  # a crowd: a few senders, a few subjects, some naming orders
        add(
            message(
                f"<b{k}>",
                sent_at=at(k),
                subject=f"Question {k % 4}" + (" #1002" if k % 7 == 0 else ""),
                sender_address=f"s{k % 5}@example.com",
                body_html=f"<p>Hello <b>{k}</b><script>x()</script></p>",
                sender_name=f"S {k % 5}",
            )
        )
    return m


def _t(value):
    """A time the test chose, or "now" for one the services stamp at the moment they run."""
    return value if value is None or value < at(60 * 24) else "now"


def _stamps(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        try:
            out[key] = _t(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            out[key] = value
    return out


def _snapshot(store, results) -> dict:
    tickets = list(Ticket.objects.filter(store=store).order_by("number"))
    index = {t.pk: n for n, t in enumerate(tickets)}
    by_number = {t.number: n for n, t in enumerate(tickets)}
    ticket_rows = [
        (
            t.subject,
            t.type,
            t.channel,
            t.status,
            t.customer.email if t.customer else None,
            t.customer.platform_customer_id if t.customer else None,
            t.order.external_id if t.order else None,
            t.language,
            _t(t.created_at),
            _t(t.last_message_at),
            t.last_message_preview,
            _t(t.last_activity_at),
            index.get(t.follow_up_of_id),
        )
        for t in tickets
    ]
    messages = [
        (index[m.ticket_id], m.direction, m.platform_message_id, m.body, m.author_name, m.sender_address, m.thread_key)
        + (m.reply_to_id, m.automated, m.original_language, m.created_at)
        for m in Message.objects.filter(store=store).order_by("pk")
    ]
    audits = sorted(
        (
            index.get(a.ticket_id),
            a.action,
            a.actor_kind,
            repr(_stamps(a.before)),
            repr(_stamps({k: by_number.get(v) if k == "follow_up_of" else v for k, v in a.after.items()})),
            a.note,
        )
        for a in AuditEvent.objects.filter(store_id=store.pk, object_type="ticket")
    )
    outcome = [(r.kind, r.external_id, r.created, r.updated, index.get(r.ticket_id), r.notes) for r in results]
    return {"tickets": ticket_rows, "messages": messages, "audit": audits, "results": outcome}


def test_a_page_through_the_bulk_path_equals_the_messages_one_by_one(shopify_store, ebay_store):
    one = _setup(shopify_store)
    corpus = _corpus(one["answered"])
    singles = [receive_platform_message(r, store=shopify_store) for r in corpus]
    two = _setup(ebay_store)
    corpus = _corpus(two["answered"])
    paged = []
    for start in range(0, len(corpus), 20):
        with transaction.atomic():
            paged.extend(ingest_records(ebay_store, corpus[start : start + 20]))
    mine, theirs = _snapshot(shopify_store, singles), _snapshot(ebay_store, paged)
    assert len(corpus) >= 50
    for part in ("tickets", "messages", "audit", "results"):
        assert theirs[part] == mine[part], part


def test_two_messages_of_one_new_conversation_in_one_page_make_one_ticket(shopify_store):
    with transaction.atomic():
        results = ingest_records(
            shopify_store, [message("<x1>"), message("<x2>", subject="Re: Where is my parcel", sent_at=at(9))]
        )
    assert results[0].ticket_id == results[1].ticket_id
    assert Ticket.objects.filter(store=shopify_store).count() == 1
    assert Ticket.objects.get(store=shopify_store).last_message_at == at(9)


def test_bulk_page_emits_one_event_per_new_message_after_commit(shopify_store, django_capture_on_commit_callbacks):
    seen = []
    events.listen(events.MESSAGE_RECEIVED, seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            ingest_records(shopify_store, [message("<y1>"), message("<y1>"), message("<y2>", subject="Other")])
    finally:
        events.unlisten(events.MESSAGE_RECEIVED, seen.append)
    assert [(e.data["new_ticket"], e.data["channel"]) for e in seen] == [(True, "email"), (True, "email")]


def test_bulk_page_writes_one_created_audit_row_per_new_ticket(shopify_store):
    with transaction.atomic():
        ingest_records(shopify_store, [message(f"<z{k}>", subject=f"S{k}") for k in range(5)])
    assert AuditEvent.objects.filter(store_id=shopify_store.pk, action="ticket.created").count() == 5
