"""Ingest of buyers' messages: threading into this store's tickets, attachments, the event.

Threading, in order: the message ids it answers (ours or the buyer's, either direction); the
platform conversation; our ticket number ``[#12345]`` or an order of THIS store named by the
record or found in the subject or body; the same sender with the same subject on a recent open
ticket. Every lookup is confined to the record's store, so an order number that happens to be
another store's ticket number never joins that ticket.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..locks import lock_key
from ..models import Attachment, AuditEvent, BlockedSender, Customer, Direction, Message, Order, Store, Ticket
from ..models.evidence import EvidenceKind
from ..models.tickets import Channel, TicketType
from ..records import AttachmentRecord, BuyerRecord, IngestResult, MessageRecord
from ..sanitize import clean_html, plain_text, truncate
from ..states import TICKET, ActorKind, TicketStatus
from . import sequences, sla
from .ingest_orders import _buyer_key, _customers_for, _find_customers, bulk_insert, bulk_update, customer_for, new_row
from .tickets import create_ticket, created_audit, insert_tickets, new_ticket, receive_message

logger = logging.getLogger(__name__)

MESSAGE = "message"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
RECENT = timedelta(days=30)
OCTET_STREAM = "application/octet-stream"

_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:re|fwd?|aw|wg|sv|vs|antw|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]\s*", re.IGNORECASE
)
_TICKET_REF = re.compile(r"\[#(\d{3,9})\]")
_ORDER_CANDIDATES = (
    re.compile(r"(?<![\d-])(\d{3}-\d{7}-\d{7})(?![\d-])"),  # Amazon
    re.compile(r"(?<![\d-])(\d{2}-\d{5}-\d{5})(?![\d-])"),  # eBay
    re.compile(r"#(\d{3,12})\b"),  # Shopify's "#1001"
    re.compile(r"(?<![\d#-])(\d{4,20})(?![\d-])"),  # a plain number
)


def normalize_subject(subject: str) -> str:
    """The subject without reply/forward prefixes (any number, any language) or extra spaces."""
    text = subject.strip()
    while True:
        stripped = _SUBJECT_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.split()).casefold()


def order_number_candidates(text: str) -> list[str]:
    """Numbers in a subject or body that may be an order number, in the order they appear."""
    found: list[tuple[int, str]] = []
    for pattern in _ORDER_CANDIDATES:
        found.extend((m.start(1), m.group(1)) for m in pattern.finditer(text))
    seen, out = set(), []
    for _pos, value in sorted(found):
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def blocked_senders(store: Store, addresses: set[str]) -> set[str]:
    """Which of these (lower-case) addresses the store blocked."""
    # Lower(): an address an admin typed in mixed case still blocks; a store blocks few senders.
    rows = (
        BlockedSender.objects.filter(store=store)
        .annotate(lower=Lower("address"))
        .filter(lower__in=addresses)
        .values_list("lower", flat=True)
    )
    return set(rows)


def receive_platform_message(record: MessageRecord, *, store: Store, blocked: set[str] | None = None) -> IngestResult:
    """File a buyer's message on the ticket it belongs to, or on a new one; once per message id.

    ``blocked``: the page's blocked addresses, when the caller already looked them up."""
    address = record.sender_address.strip().lower()
    if blocked is None:
        blocked = blocked_senders(store, {address}) if address else set()
    if address in blocked:
        return IngestResult(MESSAGE, record.external_id, notes=("blocked",))
    with transaction.atomic(savepoint=False):  # ingest_records holds a savepoint per record
        if record.external_id:
            # Two workers with the same message: the second waits here, then finds it stored.
            lock_key(f"message:{store.pk}:{record.external_id}")
            held = _stored(store, record.external_id)
            if held is not None:
                return IngestResult(MESSAGE, record.external_id, ticket_id=held)
        ticket, order, customer_id = _thread(record, store=store, address=address)
        if ticket is None and record.automated:
            return IngestResult(MESSAGE, record.external_id, notes=("automated, dropped",))
        created_ticket = ticket is None
        if ticket is None:
            ticket = create_ticket(
                store=store,
                subject=record.subject.strip() or _("(no subject)"),
                actor=None,
                actor_kind=ActorKind.BUYER,
                type=TicketType.INQUIRY,
                channel=record.channel if record.channel in Channel.values else Channel.EMAIL,
                # Only its id is written: no need to read the buyer's row.
                customer=Customer(pk=customer_id, store_id=store.pk) if customer_id else None,
                order=order,
                language=_language(record),
                created_at=record.sent_at,
            )
        message, new = receive_message(
            ticket,
            body_html=record.body_html,
            platform_message_id=record.external_id,
            author_name=(record.sender_name or (record.buyer.name if record.buyer else ""))[:200],
            language=_language(record),
            received_at=record.sent_at,
            sender_address=address,
            thread_key=record.thread_key,
            reply_to_id=record.reply_to_id,
            automated=record.automated,
            checked_duplicate=bool(record.external_id),
        )
        notes = []
        if new:
            notes.extend(save_attachments(message, record.attachments))
        if new and not record.automated:
            events.emit(
                events.MESSAGE_RECEIVED,
                store_id=store.pk,
                ticket_id=message.ticket_id,
                message_id=message.pk,
                new_ticket=created_ticket or message.ticket_id != ticket.pk,
                channel=record.channel if record.channel in Channel.values else Channel.EMAIL,
            )
        if record.automated:
            notes.append("automated")
    return IngestResult(MESSAGE, record.external_id, created=new, ticket_id=message.ticket_id, notes=tuple(notes))


def _language(record: MessageRecord) -> str:
    return (record.language or (record.buyer.language if record.buyer else ""))[:16]


def _stored(store: Store, external_id: str) -> int | None:
    return (
        Message.objects.filter(store=store, direction=Direction.INBOUND, platform_message_id=external_id)
        .values_list("ticket_id", flat=True)
        .first()
    )


def _thread(record: MessageRecord, *, store: Store, address: str) -> tuple[Ticket | None, Order | None, int | None]:
    """The ticket the message joins (None: a new one), the order it names and its buyer's id."""
    ids = [i for i in (record.in_reply_to, *record.references) if i]
    if ids:
        pk = (
            Message.objects.filter(store=store, platform_message_id__in=ids)
            .order_by("-created_at", "-pk")
            .values_list("ticket_id", flat=True)
            .first()
        )
        if pk:
            return Ticket.objects.get(pk=pk), None, None
    if record.thread_key:
        pk = (
            Message.objects.filter(store=store, thread_key=record.thread_key)
            .order_by("-created_at", "-pk")
            .values_list("ticket_id", flat=True)
            .first()
        )
        if pk:
            return Ticket.objects.get(pk=pk), None, None
    for number in _TICKET_REF.findall(record.subject):
        ticket = Ticket.objects.filter(store=store, number=int(number)).first()
        if ticket is not None:
            return ticket, None, None
    order = _named_order(record, store=store)
    if order is not None:
        ticket = Ticket.objects.filter(store=store, order=order).order_by("-created_at", "-pk").first()
        if ticket is not None:
            return ticket, order, None
    customer_id = None if record.automated else customer_for(store, record.buyer, email=address)
    if order is not None and customer_id is None:
        customer_id = order.customer_id
    if customer_id is not None and record.subject.strip():
        ticket = _same_conversation(store, customer_id, record)
        if ticket is not None:
            return ticket, order, customer_id
    if record.automated and address:
        # An auto-reply to our mail: the sender's open ticket on that subject, with no customer made.
        pk = (
            Customer.objects.filter(store=store, email=address).values_list("pk", flat=True).first()
            if address
            else None
        )
        ticket = _same_conversation(store, pk, record) if pk else None
        if ticket is not None:
            return ticket, order, pk
    return None, order, customer_id


def _named_order(record: MessageRecord, *, store: Store) -> Order | None:
    orders = Order.objects.filter(store=store)
    if record.order_external_id:
        order = orders.filter(external_id=record.order_external_id).first()
        if order is not None:
            return order
    named = [record.order_number] if record.order_number else []
    body = truncate(plain_text(clean_html(record.body_html)))
    candidates = [*named, *order_number_candidates(record.subject), *order_number_candidates(body)]
    if not candidates:
        return None
    variants: dict[str, int] = {}
    for rank, value in enumerate(candidates):
        bare = value.lstrip("#")
        for form in (value, bare, f"#{bare}"):
            variants.setdefault(form, rank)
    found = list(orders.filter(number__in=list(variants))[:20])
    return min(found, key=lambda o: (variants[o.number], -o.pk), default=None)


def _same_conversation(store: Store, customer_id: int, record: MessageRecord) -> Ticket | None:
    # "Recent" is counted back from when the message was sent, so a replayed backlog threads alike.
    wanted = normalize_subject(record.subject)
    if not wanted:
        return None
    recent = (
        Ticket.objects.filter(
            store=store, customer_id=customer_id, last_activity_at__gte=min(record.sent_at, timezone.now()) - RECENT
        )
        .exclude(status=TicketStatus.CLOSED)
        .order_by("-last_activity_at", "-pk")
        .values_list("pk", "subject")[:50]
    )
    pk = next((pk for pk, subject in recent if normalize_subject(subject) == wanted), None)
    return Ticket.objects.get(pk=pk) if pk else None


# --- attachments --------------------------------------------------------------------------------
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(content: bytes) -> str:
    """The content type the bytes prove (an allowed image or a PDF), else octet-stream."""
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return OCTET_STREAM


def save_attachments(message: Message, attachments: tuple[AttachmentRecord, ...]) -> list[str]:
    """Keep a message's files as Attachment rows, typed by their content; returns notes."""
    notes = []
    for item in attachments:
        size = len(item.content)
        if size > MAX_ATTACHMENT_BYTES:
            notes.append(f"attachment {item.filename!r} skipped: {size} bytes is over the cap")
            continue
        digest = hashlib.sha256(item.content).hexdigest()
        if Attachment.objects.filter(ticket_id=message.ticket_id, sha256=digest).exists():
            continue
        content_type = sniff(item.content)
        if content_type != (item.content_type or "").split(";")[0].strip().lower():
            logger.info("attachment %r typed %s by its content, not %r", item.filename, content_type, item.content_type)
        attachment = Attachment(
            ticket_id=message.ticket_id,
            message=message,
            store_id=message.store_id,
            original_name=(item.filename or digest)[:255],
            kind=EvidenceKind.PHOTO if content_type.startswith("image/") else EvidenceKind.OTHER,
            sha256=digest,
            content_type=content_type,
            size=size,
        )
        attachment.file.save(digest, ContentFile(item.content), save=False)
        attachment.save()
    return notes


# --- the bulk path ------------------------------------------------------------------------------
# A page of messages in a handful of queries, threaded by the same rules in the same order as
# ``receive_platform_message`` (and giving the same tickets, messages and audit rows): every lookup
# of _thread is made once for the whole page, and what the page itself creates (tickets, messages,
# customers) is remembered in memory. A message the bulk path does not handle (automated mail,
# attachments, a closed ticket, a ticket to reopen) ends the run: what was planned is written,
# then the caller takes that one record by the per-record path and starts a new run after it.
def bulk_eligible(record: MessageRecord) -> bool:
    """Whether the bulk path may take this message at all (the rest go record by record)."""
    return not record.automated and not record.attachments


@dataclass(eq=False)
class _Thread:
    """A ticket as threading sees it: a stored one (rank (0, pk)) or one this run creates (rank (1, n))."""

    rank: tuple[int, int]
    status: str
    customer: object  # a customer pk, a _NewCustomer, or None
    subject: str
    created_at: datetime
    last_activity_at: datetime
    order_id: int | None = None
    pk: int | None = None
    new: Ticket | None = None
    touched: bool = False
    last: tuple | None = None  # (received_at, preview) of the run's last message on it


@dataclass(eq=False)
class _NewCustomer:
    buyer: BuyerRecord
    pk: int | None = None


@dataclass(eq=False)
class _Planned:
    index: int
    record: MessageRecord
    thread: _Thread | None = None
    created_ticket: bool = False
    duplicate_of: _Planned | None = None
    held_ticket: int | None = None
    blocked: bool = False
    message: Message | None = None
    address: str = ""
    rank: tuple[int, int] = (0, 0)
    n: int = -1  # its place in the run's _Lookups


def receive_platform_messages(
    store: Store, records: Sequence[MessageRecord], *, blocked: set[str]
) -> list[IngestResult]:
    """File a run of messages set-wise; returns the results of the first ``n`` records it handled.

    ``n < len(records)`` means ``records[n]`` needs the per-record path (the caller then goes on
    with a new run after it). Call inside a transaction."""
    plans = [_Planned(i, r, address=r.sender_address.strip().lower()) for i, r in enumerate(records)]
    end = len(plans)
    live = []
    for plan in plans:
        if plan.address in blocked:
            plan.blocked = True
        elif not bulk_eligible(plan.record):
            end = plan.index
            break
        else:
            live.append(plan)
    held = _held(store, live)
    fresh, seen = [], {}
    for plan in live:
        ext = plan.record.external_id
        if ext and ext in held:
            plan.held_ticket = held[ext]
        elif ext and ext in seen:
            plan.duplicate_of = seen[ext]
        else:
            if ext:
                seen[ext] = plan
            fresh.append(plan)
    if fresh:
        page = _Lookups(store, [p.record for p in fresh], [p.address for p in fresh])
        planned: list[_Planned] = []
        for n, plan in enumerate(fresh):
            if not page.thread(plan, n):
                end = plan.index
                break
            planned.append(plan)
        if not _flush(store, page, planned):
            return []
    return [_result(p) for p in plans[:end]]


def _result(plan: _Planned) -> IngestResult:
    ext = plan.record.external_id
    if plan.blocked:
        return IngestResult(MESSAGE, ext, notes=("blocked",))
    if plan.held_ticket is not None:
        return IngestResult(MESSAGE, ext, ticket_id=plan.held_ticket)
    if plan.duplicate_of is not None:
        return IngestResult(MESSAGE, ext, ticket_id=plan.duplicate_of.message.ticket_id)
    return IngestResult(MESSAGE, ext, created=True, ticket_id=plan.message.ticket_id)


def _held(store: Store, plans: list[_Planned]) -> dict[str, int]:
    """The run's message ids already stored (inbound), each under the same lock as the per-record path."""
    ids = sorted({p.record.external_id for p in plans if p.record.external_id})
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(%s::text[]) AS k",
                [[f"message:{store.pk}:{i}" for i in ids]],
            )
    rows = Message.objects.filter(store=store, direction=Direction.INBOUND, platform_message_id__in=ids)
    return dict(rows.values_list("platform_message_id", "ticket_id"))


class _Lookups:
    """Every lookup _thread makes, made once for a run, plus what the run itself creates."""

    def __init__(self, store: Store, records: list[MessageRecord], addresses: list[str]) -> None:
        self.store = store
        self.new_tickets: list[_Thread] = []
        self.new_customers: dict[str, _NewCustomer] = {}
        self.planned: list[_Planned] = []
        refs = {i for r in records for i in (r.in_reply_to, *r.references) if i}
        keys = {r.thread_key for r in records if r.thread_key}
        # message id / conversation → [(created_at, rank, ticket pk)]
        self.by_ref: dict[str, list] = {}
        self.by_key: dict[str, list] = {}
        if refs:
            for ext, at, pk, ticket in Message.objects.filter(store=store, platform_message_id__in=refs).values_list(
                "platform_message_id", "created_at", "pk", "ticket_id"
            ):
                self.by_ref.setdefault(ext, []).append((at, (0, pk), ticket))
        if keys:
            for key, at, pk, ticket in Message.objects.filter(store=store, thread_key__in=keys).values_list(
                "thread_key", "created_at", "pk", "ticket_id"
            ):
                self.by_key.setdefault(key, []).append((at, (0, pk), ticket))
        numbers = {int(n) for r in records for n in _TICKET_REF.findall(r.subject)}
        self.candidates: dict[int, list[str]] = {}
        self.order_by_ext: dict[str, tuple[int, int | None]] = {}
        self.orders_by_number: dict[str, list[tuple[int, int | None]]] = {}
        exts, variants = set(), set()
        # Each body cleaned once: what is stored, and its text for order numbers and the preview.
        self.bodies = [clean_html(r.body_html) for r in records]
        self.texts = [plain_text(body) for body in self.bodies]
        for n, record in enumerate(records):
            if record.order_external_id:
                exts.add(record.order_external_id)
            named = [record.order_number] if record.order_number else []
            found = [
                *named,
                *order_number_candidates(record.subject),
                *order_number_candidates(truncate(self.texts[n])),
            ]
            self.candidates[n] = found
            for value in found:
                bare = value.lstrip("#")
                variants.update((value, bare, f"#{bare}"))
        if exts or variants:
            orders = Order.objects.filter(store=store).filter(Q(external_id__in=exts) | Q(number__in=variants))
            for pk, ext, number, customer in orders.values_list("pk", "external_id", "number", "customer_id"):
                if ext in exts:
                    self.order_by_ext.setdefault(ext, (pk, customer))
                if number in variants:
                    self.orders_by_number.setdefault(number, []).append((pk, customer))
        order_pks = {pk for pk, _c in self.order_by_ext.values()} | {
            pk for rows in self.orders_by_number.values() for pk, _c in rows
        }
        # The buyers the per-record path would look up (customer_for), found now, created at flush.
        self.buyers = {n: _buyer_of(r, addresses[n]) for n, r in enumerate(records)}
        wanted = {_buyer_key(b): b for b in self.buyers.values() if b is not None}
        self.customers = _find_customers(store, wanted) if wanted else {}
        ticket_pks = {t for rows in (*self.by_ref.values(), *self.by_key.values()) for _a, _r, t in rows}
        self.tickets: dict[int, _Thread] = {}
        condition = Q(pk__in=ticket_pks) | Q(number__in=numbers) | Q(order_id__in=order_pks)
        customer_pks = set(self.customers.values()) | {
            c
            for c in (
                *[c for _p, c in self.order_by_ext.values()],
                *[c for r in self.orders_by_number.values() for _p, c in r],
            )
            if c
        }
        self.by_number: dict[int, _Thread] = {}
        self.by_order: dict[int, list[_Thread]] = {}
        self.by_customer: dict[object, list[_Thread]] = {}
        if ticket_pks or numbers or order_pks:
            self._load(Ticket.objects.filter(condition, store=store))
        if customer_pks:
            cutoff = min(min(r.sent_at for r in records), timezone.now()) - RECENT
            self._load(
                Ticket.objects.filter(store=store, customer_id__in=customer_pks, last_activity_at__gte=cutoff).exclude(
                    status=TicketStatus.CLOSED
                )
            )

    def _load(self, rows) -> None:
        fields = ("pk", "number", "status", "customer_id", "subject", "created_at", "last_activity_at", "order_id")
        for pk, number, status, customer, subject, created, activity, order in rows.values_list(*fields):
            if pk in self.tickets:
                continue
            thread = _Thread((0, pk), status, customer, subject, created, activity, order_id=order, pk=pk)
            self._index(thread, number)

    def _index(self, thread: _Thread, number: int | None = None) -> None:
        if thread.pk is not None:
            self.tickets[thread.pk] = thread
        if number is not None:
            self.by_number[number] = thread
        if thread.order_id is not None:
            self.by_order.setdefault(thread.order_id, []).append(thread)
        if thread.customer is not None:
            self.by_customer.setdefault(thread.customer, []).append(thread)

    # The rules of _thread, in its order.
    def thread(self, plan: _Planned, n: int) -> bool:
        """Plan where the message goes; False: it needs the per-record path."""
        record = plan.record
        plan.n = n
        plan.rank = (1, len(self.planned))
        found = self._find(record, n)
        if found is False:
            return False
        ticket, order, customer = found
        if ticket is not None:
            if ticket.status == TicketStatus.CLOSED:
                return False  # a follow-up: receive_message decides it under the chain's lock
            if TICKET.allows(ticket.status, TicketStatus.OPEN, ActorKind.BUYER) and ticket.status != TicketStatus.NEW:
                return False  # a reopen goes through the state machine
        else:
            subject = (record.subject.strip() or _("(no subject)")).strip()[:300]
            ticket = _Thread(
                (1, len(self.new_tickets)),
                TicketStatus.NEW,
                customer,
                subject,
                record.sent_at,
                record.sent_at,
                order_id=order[0] if order else None,
            )
            ticket.new = Ticket()  # a marker until flush builds it
            self.new_tickets.append(ticket)
            self._index(ticket)
            plan.created_ticket = True
        plan.thread = ticket
        ticket.touched = True
        ticket.last_activity_at = record.sent_at
        ticket.last = (record.sent_at, truncate(self.texts[n], 200))
        self.planned.append(plan)
        if record.external_id:
            self.by_ref.setdefault(record.external_id, []).append((record.sent_at, plan.rank, ticket))
        if record.thread_key:
            self.by_key.setdefault(record.thread_key[:191], []).append((record.sent_at, plan.rank, ticket))
        return True

    def _ticket(self, ref) -> _Thread:
        return ref if isinstance(ref, _Thread) else self.tickets[ref]

    def _find(self, record: MessageRecord, n: int):
        ids = [i for i in (record.in_reply_to, *record.references) if i]
        rows = [row for i in set(ids) for row in self.by_ref.get(i, ())]
        if rows:
            return self._ticket(max(rows, key=lambda row: (row[0], row[1]))[2]), None, None
        if record.thread_key:
            rows = self.by_key.get(record.thread_key, ())
            if rows:
                return self._ticket(max(rows, key=lambda row: (row[0], row[1]))[2]), None, None
        for number in _TICKET_REF.findall(record.subject):
            ticket = self.by_number.get(int(number))
            if ticket is not None:
                return ticket, None, None
            if self.new_tickets:
                return False  # it might name a ticket this run creates, numbered only at flush
        order = self._named_order(record, n)
        if order is not None:
            tickets = self.by_order.get(order[0], ())
            if tickets:
                return max(tickets, key=lambda t: (t.created_at, t.rank)), order, None
        customer = self._customer(n)
        if order is not None and customer is None:
            customer = order[1]
        if customer is not None and record.subject.strip():
            ticket = self._same_conversation(customer, record)
            if ticket is not None:
                return ticket, order, customer
        return None, order, customer

    def _named_order(self, record: MessageRecord, n: int) -> tuple[int, int | None] | None:
        if record.order_external_id and record.order_external_id in self.order_by_ext:
            return self.order_by_ext[record.order_external_id]
        variants: dict[str, int] = {}
        for rank, value in enumerate(self.candidates[n]):
            bare = value.lstrip("#")
            for form in (value, bare, f"#{bare}"):
                variants.setdefault(form, rank)
        found = [(variants[form], -pk, (pk, c)) for form in variants for pk, c in self.orders_by_number.get(form, ())]
        return min(found)[2] if found else None

    def _customer(self, n: int):
        buyer = self.buyers[n]
        if buyer is None:
            return None
        key = _buyer_key(buyer)
        if key in self.customers:
            return self.customers[key]
        if key in self.new_customers:
            return self.new_customers[key]
        new = _NewCustomer(buyer)
        self.new_customers[key] = new
        # The row it becomes is found by its email too, as _find_customers would find it.
        if buyer.platform_customer_id and buyer.email:
            self.new_customers.setdefault(f"email:{buyer.email.strip().lower()}", new)
        return new

    def _same_conversation(self, customer, record: MessageRecord) -> _Thread | None:
        wanted = normalize_subject(record.subject)
        if not wanted:
            return None
        cutoff = min(record.sent_at, timezone.now()) - RECENT
        recent = sorted(
            (
                t
                for t in self.by_customer.get(customer, ())
                if t.status != TicketStatus.CLOSED and t.last_activity_at >= cutoff
            ),
            key=lambda t: (t.last_activity_at, t.rank),
            reverse=True,
        )[:50]
        return next((t for t in recent if normalize_subject(t.subject) == wanted), None)


def _buyer_of(record: MessageRecord, address: str) -> BuyerRecord | None:
    """The buyer customer_for would look up for this message (None: no customer)."""
    buyer = record.buyer
    if buyer is None or not _buyer_key(buyer):
        if not address:
            return None
        return BuyerRecord(email=address, name=buyer.name if buyer else "", language=buyer.language if buyer else "")
    return buyer


def _flush(store: Store, page: _Lookups, planned: list[_Planned]) -> bool:
    """Write what the run planned; False (nothing written) when a ticket moved since it was read."""
    if not planned:
        return True
    existing = sorted({p.thread.pk for p in planned if p.thread.pk is not None})
    if existing:
        # The per-record path locks each ticket it writes to; lowest pk first, as locks.py orders them.
        statuses = dict(
            Ticket.objects.select_for_update().filter(pk__in=existing).order_by("pk").values_list("pk", "status")
        )
        if any(statuses.get(pk) != page.tickets[pk].status for pk in existing):
            return False
    if page.new_customers:
        news = list({id(c): c for c in page.new_customers.values()}.values())
        ids = _customers_for(store, [c.buyer for c in news], currency=store.currency)
        for customer in news:
            customer.pk = ids.get(_buyer_key(customer.buyer))
    numbers = iter(sequences.next_values("ticket", len(page.new_tickets)))
    tickets = []
    for thread in page.new_tickets:
        first = next(p for p in planned if p.thread is thread)
        record = first.record
        customer = thread.customer.pk if isinstance(thread.customer, _NewCustomer) else thread.customer
        ticket = new_ticket(
            number=next(numbers),
            store=store,
            subject=thread.subject,
            type=TicketType.INQUIRY,
            channel=_channel(record),
            customer=Customer(pk=customer, store_id=store.pk) if customer else None,
            order=Order(pk=thread.order_id, store_id=store.pk) if thread.order_id else None,
            language=_language(record),
            created_at=record.sent_at,
        )
        ticket.last_message_at, ticket.last_message_preview = thread.last
        ticket.last_activity_at = thread.last[0]
        thread.new = ticket
        tickets.append(ticket)
    sla.stamp_new(tickets)
    insert_tickets(tickets)
    for thread in page.new_tickets:
        thread.pk = thread.new.pk
    AuditEvent.objects.bulk_create([created_audit(t, actor_kind=ActorKind.BUYER) for t in tickets])
    messages = []
    for plan in planned:
        record = plan.record
        if plan.n < 0:  # its body is page.bodies[n]: a plan that skipped thread() has none
            raise RuntimeError("a planned message that _Lookups.thread never placed")
        plan.message = new_row(
            Message,
            ticket_id=plan.thread.pk,
            store_id=store.pk,
            direction=Direction.INBOUND,
            author_name=(record.sender_name or (record.buyer.name if record.buyer else ""))[:200],
            body=page.bodies[plan.n],
            original_language=_language(record),
            platform_message_id=record.external_id,
            sender_address=plan.address[:254],
            thread_key=record.thread_key[:191],
            reply_to_id=record.reply_to_id[:191],
            automated=False,
            created_at=record.sent_at,
        )
        messages.append(plan.message)
    bulk_insert(Message, messages, conflict=None)  # _held locked and looked: none is there
    joined = [t for t in page.tickets.values() if t.touched and t.new is None]
    if joined:
        rows = []
        for thread in joined:
            row = Ticket(pk=thread.pk)
            row.last_message_at, row.last_message_preview = thread.last
            row.last_activity_at = thread.last[0]
            rows.append(row)
        bulk_update(Ticket, rows, ["last_message_at", "last_activity_at", "last_message_preview"])
        sla.refresh_many([thread.pk for thread in joined])  # a buyer waiting again: next response due
    for plan in planned:
        events.emit(
            events.MESSAGE_RECEIVED,
            store_id=store.pk,
            ticket_id=plan.thread.pk,
            message_id=plan.message.pk,
            new_ticket=plan.created_ticket,
            channel=_channel(plan.record),
        )
    return True


_CHANNELS = frozenset(Channel.values)


def _channel(record: MessageRecord) -> str:
    return record.channel if record.channel in _CHANNELS else Channel.EMAIL
