"""factory_boy factories for our own data, and a helper to make a user of a role."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from tickets import models as m
from tickets.roles import ADMIN, AGENT, FINANCE, ROLE_PERMISSIONS, SUPERVISOR

__all__ = ["ADMIN", "AGENT", "FINANCE", "SUPERVISOR"]
PASSWORD = "correct-horse-battery-staple"


def user_with_role(username: str, role: str, *, stores=(), approval_limit: str | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.com")
    user.groups.add(role_group(role))
    for store in stores:
        m.StoreMembership.objects.create(
            store=store, user=user, refund_approval_limit=Decimal(approval_limit) if approval_limit else None
        )
    return User.objects.get(pk=user.pk)  # fresh, so the permission cache is empty


def role_group(role: str) -> Group:
    """The role's group; re-made from tickets.roles when a transactional test flushed it."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        for perm in ROLE_PERMISSIONS[role]:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return group


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Store

    platform = "shopify"
    name = factory.Sequence(lambda n: f"Store {n}")
    marketplace = factory.Sequence(lambda n: f"store-{n}.myshopify.com")
    region = "US"
    currency = "USD"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Customer

    store = factory.SubFactory(StoreFactory)
    platform_customer_id = factory.Sequence(lambda n: f"cust-{n}")
    email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    name = factory.Sequence(lambda n: f"Buyer {n}")
    language = "en"
    country = "US"
    currency = factory.LazyAttribute(lambda o: o.store.currency)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Order

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    external_id = factory.Sequence(lambda n: f"gid://shopify/Order/{5000 + n}")
    number = factory.Sequence(lambda n: f"#{1000 + n}")
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    paid_at = factory.LazyAttribute(lambda o: o.placed_at)
    currency = factory.LazyAttribute(lambda o: o.store.currency)
    total_amount = Decimal("100.00")
    paid_amount = Decimal("100.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.OrderLine

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:03d}")
    title = "Linen shirt"
    quantity = 1
    unit_price = Decimal("50.00")


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Ticket

    number = factory.Sequence(lambda n: 50_000 + n)
    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    order = factory.SubFactory(
        OrderFactory, store=factory.SelfAttribute("..store"), customer=factory.SelfAttribute("..customer")
    )
    subject = factory.Sequence(lambda n: f"Where is my parcel? ({n})")
    type = m.TicketType.INQUIRY
    language = "en"
    last_activity_at = factory.LazyFunction(timezone.now)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Message

    ticket = factory.SubFactory(TicketFactory)
    store = factory.SelfAttribute("ticket.store")
    direction = m.Direction.INBOUND
    author_name = "Buyer"
    body = "<p>Hello, my parcel has not arrived.</p>"
    platform_message_id = factory.Sequence(lambda n: f"msg-{n}")
    created_at = factory.LazyFunction(timezone.now)


class RmaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ReturnAuthorization

    ticket = factory.SubFactory(TicketFactory)
    store = factory.SelfAttribute("ticket.store")
    number = factory.Sequence(lambda n: f"RMA-{n:06d}")


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Refund

    ticket = factory.SubFactory(TicketFactory)
    order = factory.SelfAttribute("ticket.order")
    store = factory.SelfAttribute("ticket.store")
    amount = Decimal("30.00")
    currency = factory.LazyAttribute(lambda o: o.order.currency)
    kind = m.RefundKind.PARTIAL
    method = m.RefundMethod.ORIGINAL_PAYMENT
    reason = "Item arrived damaged"
    attribution_month = factory.LazyFunction(lambda: timezone.now().date().replace(day=1))
    requested_by = factory.LazyFunction(lambda: User.objects.create_user(username=f"req{User.objects.count()}"))
