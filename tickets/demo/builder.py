"""Writing the demo plan to the database: only what is missing, through the services where they exist.

Stores, users, memberships, buyers, orders and tags are found by their natural keys and created in
bulk when missing. A ticket is found by its first inbound message's platform id; a ticket that is
already there is skipped whole, so a second run writes nothing. States are reached by the services'
legal transitions, so the audit trail is real; afterwards the ticket's, RMA's and refund's own
timestamps are set to the plan's story (the audit events keep the time of the run).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import (
    AuditEvent,
    Customer,
    CustomerTier,
    Direction,
    Message,
    Order,
    OrderLine,
    OutboxAction,
    OutboxStatus,
    Refund,
    RefundMethod,
    ReturnAuthorization,
    RmaLine,
    SendStatus,
    Store,
    StoreMembership,
    Tag,
    Ticket,
)
from ..money import Money
from ..sanitize import preview, text_to_html
from ..services import audit, sequences
from ..services.outbox import refund_action_key
from ..services.refund_decisions import approve_refund, reject_refund
from ..services.refunds import request_refund, transition_refund
from ..services.rma import transition_rma
from ..services.tickets import NOTE_SILENCE, add_internal_note, assign, change_status, create_ticket, receive_message
from ..states import ActorKind, RefundStatus, RmaStatus, TicketStatus
from .cast import PASSWORD, STAFF, STORES, TAGS
from .conversations import LanguagePack, packs
from .macros import demo_macros
from .people import Person
from .plan import NotePlan, Plan, RefundPlan, TicketPlan, build_plan
from .platforms import RETURN_ADDRESSES

T, R, F = TicketStatus, RmaStatus, RefundStatus
SYSTEM = {"actor": None, "actor_kind": ActorKind.SYSTEM}
REFUND_KEYS = uuid.UUID("5b0d6a4e-6f1c-4d52-9a59-3f1f3c2d8a11")  # namespace of the refunds' idempotency keys


@dataclass
class Summary:
    created: Counter[str] = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)


@dataclass
class _Context:
    stores: dict[str, Store]
    users: dict[str, User]
    customers: dict[tuple[int, str], int]
    orders: dict[tuple[int, str], int]
    tags: dict[str, Tag]
    packs: dict[str, LanguagePack]


def load_demo(*, now=None) -> Summary:
    """Load the demo data that is missing; return what was created and what is there now."""
    plan = build_plan(now or timezone.now())
    summary = Summary()
    created = summary.created
    with transaction.atomic():
        stores = _stores(created)
        users = _users(stores, created)
        _exchange_rates((now or timezone.now()).date(), created)
        customers = _customers(plan, stores, created)
        orders = _orders(plan, stores, customers, created)
        context = _Context(stores, users, customers, orders, _tags(created), packs())
        demo_macros(created)
        existing = set(
            Message.objects.filter(
                direction=Direction.INBOUND,
                store__in=stores.values(),
                platform_message_id__in=[t.message_id for t in plan.tickets],
            ).values_list("store_id", "platform_message_id")
        )
        todo = [t for t in plan.tickets if (stores[t.store.key].pk, t.message_id) not in existing]
        ticket_orders = Order.objects.in_bulk([orders[_order_key(t, stores)] for t in todo])
        ticket_customers = Customer.objects.in_bulk([customers[_customer_key(t, stores)] for t in todo])
        for plan_ticket in todo:
            order = ticket_orders[orders[_order_key(plan_ticket, stores)]]
            customer = ticket_customers[customers[_customer_key(plan_ticket, stores)]]
            _TicketWriter(plan_ticket, context, order, customer, created).write()
            created["tickets"] += 1
    summary.totals = _totals(stores)
    return summary


# --- stores, staff, buyers, orders, tags -----------------------------------------------------------


def _stores(created: Counter[str]) -> dict[str, Store]:
    stores = {}
    for spec in STORES:
        store, made = Store.objects.get_or_create(
            platform=spec.platform,
            marketplace=spec.marketplace,
            name=spec.name,
            defaults={
                "region": spec.region,
                "currency": spec.currency,
                "language": spec.language,
                "time_zone": spec.time_zone,
                "return_window_days": spec.return_window_days,
                "return_address": RETURN_ADDRESSES[spec.key],
            },
        )
        created["stores"] += made
        stores[spec.key] = store
    return stores


def _users(stores: dict[str, Store], created: Counter[str]) -> dict[str, User]:
    existing = {user.username: user for user in User.objects.filter(username__in=[s.username for s in STAFF])}
    in_group = set(User.groups.through.objects.filter(user__in=existing.values()).values_list("user_id", "group__name"))
    users = {}
    for staff in STAFF:
        user = existing.get(staff.username)
        if user is None:
            user = User.objects.create_user(
                username=staff.username,
                email=staff.email,
                password=PASSWORD,
                first_name=staff.first_name,
                last_name=staff.last_name,
                is_staff=staff.is_staff,
                is_superuser=staff.is_superuser,
            )
            created["users"] += 1
        if (user.pk, staff.role) not in in_group:
            user.groups.add(Group.objects.get(name=staff.role))  # the groups come from a data migration
        limit = Decimal(staff.approval_limit) if staff.approval_limit else None
        for key in staff.stores:
            _, made = StoreMembership.objects.get_or_create(
                store=stores[key], user=user, defaults={"refund_approval_limit": limit}
            )
            created["memberships"] += made
        users[staff.username] = User.objects.get(pk=user.pk)  # fresh: an empty permission cache
    return users


# Reference rates of the demo's day (1 base = rate quote), so a refund in another currency than
# its store's converts against the requester's limit (tickets/services/exchange_rates.py).
DEMO_RATES = [("EUR", "USD", "1.0512"), ("GBP", "EUR", "1.1893"), ("GBP", "USD", "1.2502"), ("USD", "JPY", "150.42")]


def _exchange_rates(day, created: Counter[str]) -> None:
    from ..models import ExchangeRate
    from ..services.exchange_rates import record_rate

    for base, quote, rate in DEMO_RATES:
        if not ExchangeRate.objects.filter(base=base, quote=quote, valid_on=day).exists():
            record_rate(base, quote, rate, day, actor=None, source="demo")
            created["exchange_rates"] += 1


def _customers(plan: Plan, stores: dict[str, Store], created: Counter[str]) -> dict[tuple[int, str], int]:
    store_ids = [store.pk for store in stores.values()]
    existing = set(Customer.objects.filter(store_id__in=store_ids).values_list("store_id", "platform_customer_id"))
    missing = []
    for customer in plan.customers:
        store = stores[customer.store.key]
        person = customer.person
        if (store.pk, person.platform_customer_id) in existing:
            continue
        missing.append(
            Customer(
                store=store,
                platform_customer_id=person.platform_customer_id,
                email=person.email,
                name=person.name,
                language=person.language,
                country=person.country,
                tier=CustomerTier.VIP if customer.vip else CustomerTier.REGULAR,
                lifetime_spend=customer.lifetime_spend.amount,
                currency=customer.store.currency,
                order_count=len(customer.orders),
                return_count=customer.returns,
            )
        )
    Customer.objects.bulk_create(missing, batch_size=500)
    created["customers"] += len(missing)
    rows = Customer.objects.filter(store_id__in=store_ids).values_list("store_id", "platform_customer_id", "pk")
    return {(store_id, platform_id): pk for store_id, platform_id, pk in rows}


def _orders(
    plan: Plan, stores: dict[str, Store], customers: dict[tuple[int, str], int], created: Counter[str]
) -> dict[tuple[int, str], int]:
    store_ids = [store.pk for store in stores.values()]
    existing = set(Order.objects.filter(store_id__in=store_ids).values_list("store_id", "external_id"))
    missing = [o for o in plan.orders if (stores[o.store.key].pk, o.external_id) not in existing]
    Order.objects.bulk_create(
        [
            Order(
                store=stores[o.store.key],
                customer_id=customers[(stores[o.store.key].pk, o.customer_id)],
                external_id=o.external_id,
                number=o.number,
                placed_at=o.placed_at,
                paid_at=o.paid_at,
                shipped_at=o.shipped_at,
                delivered_at=o.delivered_at,
                currency=o.store.currency,
                total_amount=o.total.amount,
                paid_amount=o.total.amount,
                fulfilment=o.fulfilment,
                carrier=o.carrier,
                tracking_number=o.tracking_number,
                tracking_status=o.tracking_status,
                platform_url=o.platform_url,
                platform_updated_at=o.updated_at,
            )
            for o in missing
        ],
        batch_size=500,
    )
    rows = Order.objects.filter(store_id__in=store_ids).values_list("store_id", "external_id", "pk")
    ids = {(store_id, external_id): pk for store_id, external_id, pk in rows}
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order_id=ids[(stores[o.store.key].pk, o.external_id)],
                external_id=line.external_id,
                sku=line.product.sku,
                title=line.product.title,
                category=line.product.category,
                quantity=line.quantity,
                unit_price=line.unit_price.amount,
            )
            for o in missing
            for line in o.lines
        ],
        batch_size=500,
    )
    created["orders"] += len(missing)
    created["order lines"] += sum(len(o.lines) for o in missing)
    return ids


def _tags(created: Counter[str]) -> dict[str, Tag]:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=TAGS)}
    missing = [Tag(name=name) for name in TAGS if name not in existing]
    Tag.objects.bulk_create(missing)
    created["tags"] += len(missing)
    return {tag.name: tag for tag in Tag.objects.filter(name__in=TAGS)} if missing else existing


def _sla_due(plan: TicketPlan) -> datetime | None:
    """The story's nearest due time still running, as services.sla keeps it (none while paused)."""
    if plan.status in (T.WAITING_CUSTOMER, T.RESOLVED, T.CLOSED):
        return None
    running = [plan.resolution_due_at, plan.next_response_due_at]
    if plan.reply_at is None:
        running.append(plan.first_response_due_at)
    return min(d for d in running if d is not None)


def _order_key(ticket: TicketPlan, stores: dict[str, Store]) -> tuple[int, str]:
    return stores[ticket.store.key].pk, ticket.order.external_id


def _customer_key(ticket: TicketPlan, stores: dict[str, Store]) -> tuple[int, str]:
    return stores[ticket.store.key].pk, ticket.customer.person.platform_customer_id


def _totals(stores: dict[str, Store]) -> dict[str, int]:
    in_demo = {"store__in": list(stores.values())}
    tickets = Ticket.objects.filter(**in_demo)
    return {
        "stores": len(stores),
        "users": User.objects.filter(username__in=[s.username for s in STAFF]).count(),
        "customers": Customer.objects.filter(**in_demo).count(),
        "orders": Order.objects.filter(**in_demo).count(),
        "order lines": OrderLine.objects.filter(order__store__in=list(stores.values())).count(),
        "tickets": tickets.count(),
        "messages": Message.objects.filter(**in_demo).count(),
        "RMAs": ReturnAuthorization.objects.filter(**in_demo).count(),
        "refunds": Refund.objects.filter(**in_demo).count(),
        "audit events": AuditEvent.objects.filter(ticket__in=tickets).count(),
    }


# --- one ticket -------------------------------------------------------------------------------------


def _salutation(pack: LanguagePack, person: Person) -> str:
    return {"given": person.given, "family": person.family, "full": person.name}[pack.name_style]


class _TicketWriter:
    """Plays one planned ticket through the services, in the order it happened."""

    def __init__(
        self, plan: TicketPlan, context: _Context, order: Order, customer: Customer, created: Counter[str]
    ) -> None:
        self.plan = plan
        self.context = context
        self.order = order
        self.customer = customer
        self.created = created
        self.store = context.stores[plan.store.key]
        self.handler = context.users[plan.handler]
        self.supervisor = context.users["supervisor"]
        self.pack = context.packs[plan.language]
        self.conversation = self.pack.texts[plan.scenario.key]
        self.rma: ReturnAuthorization | None = None
        self.last_html = ""
        self.dated = 0  # audit events up to this id already carry their story time

    def text(self, template: str, amount: Money | None = None) -> str:
        plan = self.plan
        amount = amount or plan.refund_amount or plan.order.total
        return template.format(
            name=_salutation(self.pack, plan.customer.person),
            agent=self.handler.first_name,
            order=plan.order.number,
            item=plan.item.product.title.split(" – ")[0],
            carrier=plan.order.carrier,
            tracking=plan.order.tracking_number,
            rma=self.rma.number if self.rma else "",
            days=plan.store.return_window_days,
            amount=amount.format(plan.language),
        )

    def write(self) -> None:
        plan, handler = self.plan, self.handler
        ticket = create_ticket(
            store=self.store,
            subject=self.text(self.conversation.subject),
            type=plan.scenario.type,
            reason=plan.scenario.reason,
            priority=plan.priority,
            customer=self.customer,
            order=self.order,
            language=plan.language,
            created_at=plan.created_at,
            **SYSTEM,
        )
        self.inbound(ticket, self.conversation.message, plan.message_id, plan.created_at)
        if plan.assigned:
            assign(ticket, handler, actor=self.supervisor if handler != self.supervisor else handler)
        if plan.status != T.NEW:
            change_status(ticket, T.OPEN, actor=handler)
        self.date_events(ticket, plan.created_at)
        # Notes from before the first answer now; the approval requests once their refund exists.
        late = [n for n in plan.notes if plan.reply_at is not None and n.at > plan.reply_at]
        notes = []
        for planned_note in (n for n in plan.notes if n not in late):
            notes.append(self.note(ticket, planned_note))
            self.date_events(ticket, planned_note.at)
        if plan.rma:
            self.rma = self.open_rma(ticket)
            self.date_events(ticket, plan.rma.authorized_at or plan.rma.created_at)
        if plan.reply_at:
            self.outbound(ticket, self.conversation.reply, plan.reply_at)
        if plan.followup_at:
            change_status(ticket, T.WAITING_CUSTOMER, actor=handler)
            self.date_events(ticket, plan.reply_at)
            self.inbound(ticket, self.conversation.followup, plan.followup_id, plan.followup_at)  # reopens
            self.date_events(ticket, plan.followup_at)
            if plan.closing_at:
                self.outbound(ticket, self.pack.closing, plan.closing_at)
        if self.rma:
            self.progress_rma(self.rma)
        for position, refund in enumerate(plan.refunds):
            self.refund(ticket, refund, position)
        for planned_note in late:
            notes.append(self.note(ticket, planned_note))
            self.date_events(ticket, planned_note.at)
        self.finish(ticket)
        self.date_events(ticket, plan.resolved_at or plan.last_activity_at)
        if plan.closed_at:
            AuditEvent.objects.filter(
                ticket_id=ticket.pk, action="ticket.status_changed", after__status=T.CLOSED
            ).update(created_at=plan.closed_at)
        ticket.tags.add(*(self.context.tags[name] for name in plan.tags))
        for message, at in notes:
            Message.objects.filter(pk=message.pk).update(created_at=at)
        Ticket.objects.filter(pk=ticket.pk).update(
            first_response_at=plan.reply_at,
            last_message_at=plan.last_message_at,
            last_message_preview=preview(self.last_html, 200),
            last_activity_at=plan.last_activity_at,
            status_changed_at=plan.closed_at or plan.resolved_at or plan.last_activity_at,
            resolved_at=plan.resolved_at,
            closed_at=plan.closed_at,
            first_response_due_at=plan.first_response_due_at,
            next_response_due_at=plan.next_response_due_at,
            resolution_due_at=plan.resolution_due_at,
            sla_due_at=_sla_due(plan),
        )

    def date_events(self, ticket: Ticket, at: datetime | None) -> None:
        """Give the audit events written since the last call the time they happen in the story
        (the services stamp the moment the demo runs)."""
        if at is None:
            return
        fresh = AuditEvent.objects.filter(ticket_id=ticket.pk, pk__gt=self.dated)
        newest = fresh.aggregate(newest=Max("pk"))["newest"]
        if newest:
            fresh.update(created_at=at)
            self.dated = newest

    # --- messages ---------------------------------------------------------------------------------
    def note(self, ticket: Ticket, planned: NotePlan) -> tuple[Message, datetime]:
        author = self.context.users[planned.author]
        return add_internal_note(ticket, self.text(planned.text, planned.amount), actor=author), planned.at

    def inbound(self, ticket: Ticket, template: str, platform_message_id: str, at: datetime) -> None:
        html = text_to_html(self.text(template))
        receive_message(
            ticket,
            body_html=html,
            platform_message_id=platform_message_id,
            author_name=self.plan.customer.person.name,
            language=self.plan.language,
            received_at=at,
        )
        self.last_html = html

    def outbound(self, ticket: Ticket, template: str, at: datetime) -> None:
        html = text_to_html(self.text(template))
        Message.objects.create(
            ticket=ticket,
            store=self.store,
            direction=Direction.OUTBOUND,
            author=self.handler,
            author_name=self.handler.get_full_name(),
            body=html,
            original_language=self.plan.language,
            send_status=SendStatus.SENT,
            created_at=at,
        )
        self.last_html = html

    # --- status -----------------------------------------------------------------------------------
    def finish(self, ticket: Ticket) -> None:
        status = self.plan.status
        ticket.refresh_from_db(fields=["status"])  # a pending refund already made it wait for approval
        if status in (T.WAITING_CUSTOMER, T.WAITING_WAREHOUSE, T.WAITING_APPROVAL) and ticket.status != status:
            change_status(ticket, status, actor=self.handler)
        elif status in (T.RESOLVED, T.CLOSED):
            change_status(ticket, T.RESOLVED, actor=self.handler)
            if status == T.CLOSED:
                change_status(ticket, T.CLOSED, note=NOTE_SILENCE, **SYSTEM)

    # --- RMA --------------------------------------------------------------------------------------
    def open_rma(self, ticket: Ticket) -> ReturnAuthorization:
        planned = self.plan.rma
        assert planned is not None
        rma = ReturnAuthorization.objects.create(
            ticket=ticket,
            store=self.store,
            number=f"RMA-{sequences.next_value('rma'):05d}",
            return_address=RETURN_ADDRESSES[self.plan.store.key],
            carrier=planned.carrier,
            tracking_number=planned.tracking_number,
        )
        line = self.order.lines.get(external_id=self.plan.item.external_id)
        RmaLine.objects.create(rma=rma, order_line=line, quantity=self.plan.item.quantity)
        audit.record(
            actor=self.handler, action="rma.created", obj=rma, after={"status": rma.status, "number": rma.number}
        )
        if planned.authorized_at:
            rma.label_url = f"https://returns.acme-outdoor.example/labels/{rma.number}.pdf"
            rma.save(update_fields=["label_url"])
            transition_rma(rma, R.AUTHORIZED, actor=self.handler)
        return rma

    def progress_rma(self, rma: ReturnAuthorization) -> None:
        planned = self.plan.rma
        assert planned is not None
        steps = {
            R.IN_TRANSIT: [R.IN_TRANSIT],
            R.RECEIVED: [R.IN_TRANSIT, R.RECEIVED],
            R.INSPECTED: [R.IN_TRANSIT, R.RECEIVED, R.INSPECTED],
            R.CLOSED: [R.IN_TRANSIT, R.RECEIVED, R.INSPECTED, R.CLOSED],
        }.get(planned.final, [])
        when = {
            R.IN_TRANSIT: planned.authorized_at,
            R.RECEIVED: planned.received_at,
            R.INSPECTED: planned.inspected_at,
            R.CLOSED: planned.closed_at,
        }
        for status in steps:
            if status in (R.IN_TRANSIT, R.RECEIVED):  # carrier and warehouse scans
                transition_rma(rma, status, **SYSTEM)
            elif status == R.INSPECTED:
                transition_rma(
                    rma, status, actor=self.handler, qc_result=planned.qc_result, qc_note=planned.qc_note, restock=True
                )
            else:
                transition_rma(rma, status, actor=self.handler)
            self.date_events(rma.ticket, when[status])
        stamps = [
            planned.created_at,
            planned.authorized_at,
            planned.received_at,
            planned.inspected_at,
            planned.closed_at,
        ]
        changed = max(s for s in stamps if s)
        if planned.final == R.IN_TRANSIT and self.plan.followup_at:
            changed = self.plan.followup_at
        ReturnAuthorization.objects.filter(pk=rma.pk).update(
            created_at=planned.created_at,
            authorized_at=planned.authorized_at,
            received_at=planned.received_at,
            inspected_at=planned.inspected_at,
            closed_at=planned.closed_at,
            status_changed_at=changed,
        )

    # --- refunds ----------------------------------------------------------------------------------
    def refund(self, ticket: Ticket, planned: RefundPlan, position: int) -> None:
        """Asked for through request_refund, as an agent would: the store's policy decides whether
        the handler approves it alone; a supervisor decides the rest as planned."""
        handler, supervisor = self.handler, self.supervisor
        refund = request_refund(
            ticket,
            actor=handler,
            amount=planned.amount.amount,
            currency=planned.amount.currency,
            kind=planned.kind,
            method=RefundMethod.ORIGINAL_PAYMENT,
            reason=planned.reason,
            idempotency_key=uuid.uuid5(REFUND_KEYS, f"{self.plan.store.key}:{self.plan.message_id}:{position}"),
        )
        self.date_events(ticket, planned.requested_at)
        final = planned.final
        if refund.status == F.PENDING_APPROVAL:
            if final == F.REJECTED:
                reject_refund(refund, actor=supervisor, note="offer a smaller partial refund")
            elif final in (F.APPROVED, F.SUCCEEDED):
                approve_refund(refund, actor=supervisor)
        self.date_events(ticket, planned.decided_at or planned.requested_at)
        if final == F.SUCCEEDED:
            transition_refund(refund, F.EXECUTING, **SYSTEM)
            transition_refund(refund, F.SUCCEEDED, platform_refund_id=planned.platform_refund_id, **SYSTEM)
            # Went through before the demo began: its queued action has nothing left to do.
            OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).update(
                status=OutboxStatus.DONE, done_at=planned.done_at
            )
            self.date_events(ticket, planned.done_at)
        refund.refresh_from_db()
        final = refund.status
        decided = planned.decided_at if final != F.PENDING_APPROVAL else planned.requested_at
        approved = final in (F.APPROVED, F.SUCCEEDED)
        Refund.objects.filter(pk=refund.pk).update(
            attribution_month=planned.done_at.date().replace(day=1) if final == F.SUCCEEDED else None,
            created_at=planned.requested_at,
            approved_at=planned.decided_at if approved else None,
            executing_at=planned.done_at if final == F.SUCCEEDED else None,
            succeeded_at=planned.done_at if final == F.SUCCEEDED else None,
            closed_at=planned.decided_at if final == F.REJECTED else None,
            platform_amount=planned.amount.amount if final == F.SUCCEEDED else None,
            status_changed_at=planned.done_at if final == F.SUCCEEDED else decided,
        )
        self.created["refunds"] += 1
