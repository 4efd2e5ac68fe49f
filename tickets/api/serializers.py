"""Read-only serializers of the REST API. Money is a string at the currency's precision, never a float."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Message, Order, OrderLine, Refund, Store, Ticket
from ..money import Money


class MoneySerializer(serializers.Serializer):
    """An amount of money: a decimal string at the currency's precision, and the currency."""

    amount = serializers.SerializerMethodField(
        help_text="Decimal string with exactly the currency's minor-unit digits: '12.50' USD, '1200' JPY, '1.250' KWD."
    )
    currency = serializers.CharField(read_only=True, help_text="ISO 4217 code.")

    class Meta:
        ref_name = "Money"

    def get_amount(self, money: Money) -> str:
        return format(money.amount, "f")


# Every field read-only: the API reads, services write. (A comment, not a docstring, so that
# it does not become the description of every schema component.)
class ReadOnlyModelSerializer(serializers.ModelSerializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class ErrorSerializer(serializers.Serializer):
    """Every refusal of the API has this shape."""

    code = serializers.CharField(
        help_text=_("Stable machine-readable reason: invalid, not_authenticated, not_found, throttled …")
    )
    detail = serializers.CharField(help_text=_("What went wrong, in the caller's language."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("With code invalid or unprocessable: the messages for each parameter or field."),
    )

    class Meta:
        ref_name = "Error"


# Text without NUL (PostgreSQL refuses it), so the schema says what the server accepts.
NO_NUL = RegexValidator(r"^[^\x00]*$", message=_("Null characters are not allowed."))


class TokenRequestSerializer(serializers.Serializer):
    # Django's limit for usernames; a bound on passwords keeps a slow hash from being fed megabytes.
    # Checked as sent: trimming would turn " " (which the schema allows) into a blank-field 400.
    username = serializers.CharField(min_length=1, max_length=150, trim_whitespace=False, validators=[NO_NUL])
    password = serializers.CharField(
        min_length=1, max_length=4096, style={"input_type": "password"}, trim_whitespace=False, validators=[NO_NUL]
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("Send as `Authorization: Token <token>`."))
    expiry = serializers.DateTimeField(read_only=True, help_text=_("When the token stops working."))


class StoreBriefSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Store
        fields = ["id", "name", "platform"]


class StoreSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Store
        fields = [
            "id",
            "platform",
            "name",
            "marketplace",
            "region",
            "currency",
            "language",
            "time_zone",
            "return_window_days",
            "enabled",
        ]


class CustomerBriefSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    tier = serializers.CharField(read_only=True)


class OrderBriefSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "number"]


class MessageSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "direction", "author_name", "body", "original_language", "created_at"]


class TicketSerializer(ReadOnlyModelSerializer):
    """A ticket as the inbox lists it."""

    store = StoreBriefSerializer(read_only=True)
    customer = CustomerBriefSerializer(read_only=True, allow_null=True)
    order = OrderBriefSerializer(read_only=True, allow_null=True)
    assignee = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Username; null when unassigned."
    )
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "number",
            "store",
            "customer",
            "order",
            "subject",
            "type",
            "reason",
            "status",
            "priority",
            "assignee",
            "tags",
            "language",
            "first_response_due_at",
            "next_response_due_at",
            "resolution_due_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "last_activity_at",
            "created_at",
        ]

    def get_tags(self, ticket: Ticket) -> list[str]:
        return [tag.name for tag in ticket.tags.all()]  # .all() reads the prefetch cache


class TicketDetailSerializer(TicketSerializer):
    """A ticket with its thread; internal notes only for users allowed to view messages."""

    messages = MessageSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "messages"]


class OrderLineSerializer(ReadOnlyModelSerializer):
    unit_price = MoneySerializer(source="unit", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["sku", "title", "quantity", "unit_price"]


class OrderSerializer(ReadOnlyModelSerializer):
    store = StoreBriefSerializer(read_only=True)
    total = MoneySerializer(read_only=True)
    paid = MoneySerializer(read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "external_id",
            "number",
            "store",
            "placed_at",
            "currency",
            "total",
            "paid",
            "fulfilment",
            "carrier",
            "tracking_number",
            "tracking_status",
            "lines",
        ]


class RefundSerializer(ReadOnlyModelSerializer):
    store = StoreBriefSerializer(read_only=True)
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text="Ticket number.")
    order = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text="Order number.")
    amount = MoneySerializer(source="money", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="Username.")
    approved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Username; null until approved."
    )

    class Meta:
        model = Refund
        fields = [
            "id",
            "store",
            "ticket",
            "order",
            "amount",
            "kind",
            "method",
            "reason",
            "status",
            "attribution_month",
            "requested_by",
            "approved_by",
            "self_approved",
            "manual_reference",
            "platform_refund_id",
            "created_at",
        ]
