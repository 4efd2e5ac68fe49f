"""Serializers of the REST API. Money is a string at the currency's precision, never a float.

Reads describe rows; the few writes (refund requests and decisions) only check the shape of a
body, strictly (a number is not a string, a string is not a number): what it asks for is the
services' to decide."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Message, Order, OrderLine, Refund, RefundKind, RefundMethod, Store, Ticket
from ..money import Money
from ..services.refund_decisions import NOTE_MAX
from ..services.refund_policy import Reason
from ..services.refunds import REASON_MAX


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
        fields = ["id", "sku", "title", "quantity", "unit_price"]  # id: what a refund request's lines name


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


class RefundLineSerializer(serializers.Serializer):
    line = serializers.IntegerField(read_only=True, help_text=_("The order line's id."))
    sku = serializers.CharField(read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    amount = MoneySerializer(read_only=True)

    class Meta:
        ref_name = "RefundLine"


class RefundSerializer(ReadOnlyModelSerializer):
    store = StoreBriefSerializer(read_only=True)
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text="Ticket number.")
    order = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text="Order number.")
    amount = MoneySerializer(source="money", read_only=True)
    suggested_amount = serializers.SerializerMethodField(
        help_text=_(
            "What the request form suggested: the lines x quantities + their shipping share, at most what was left."
        )
    )
    approval_reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=Reason.choices),
        read_only=True,
        help_text=_("Why a supervisor must decide; empty when the requester approved it within their own limit."),
    )
    lines = serializers.SerializerMethodField(help_text=_("The order lines and quantities this refund pays back."))
    requested_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Username; null when a rule asked."
    )
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
            "suggested_amount",
            "kind",
            "method",
            "reason",
            "status",
            "approval_reasons",
            "decision_note",
            "lines",
            "attribution_month",
            "requested_by",
            "approved_by",
            "self_approved",
            "manual_reference",
            "platform_refund_id",
            "failure_reason",
            "created_at",
        ]

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_suggested_amount(self, refund: Refund) -> dict | None:
        if refund.suggested_amount is None:
            return None
        return MoneySerializer(Money.stored(refund.suggested_amount, refund.currency)).data

    @extend_schema_field(RefundLineSerializer(many=True))
    def get_lines(self, refund: Refund) -> list[dict]:
        return [
            RefundLineSerializer(
                {
                    "line": line.order_line_id,
                    "sku": line.order_line.sku,
                    "quantity": line.quantity,
                    "amount": Money.stored(line.amount, refund.currency),
                }
            ).data
            for line in refund.lines.all()  # .all() reads the prefetch cache
        ]


# --- writes: the bodies of refund requests and decisions -------------------------------------------
# A JSON body's types are taken as sent: DRF's own fields would read 12.5 as "12.5", "7" as 7 and
# "yes" as true, which the schema does not allow and a client did not mean.
NOT_BLANK = RegexValidator(r"^[^\x00]*[^\s\x00][^\x00]*$", message=_("Write something other than spaces."))
AMOUNT_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,4})?$"
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class RefundLineRequestSerializer(serializers.Serializer):
    line = StrictIntegerField(min_value=1, max_value=2**63 - 1, help_text=_("The id of a line of the ticket's order."))
    quantity = StrictIntegerField(min_value=1, max_value=1_000_000, help_text=_("How many of it are refunded."))

    class Meta:
        ref_name = "RefundLineRequest"


class RefundCreateSerializer(serializers.Serializer):
    """A refund request: the same one the ticket page sends."""

    ticket = StrictIntegerField(min_value=1, max_value=2**31 - 1, help_text=_("The ticket's number."))
    amount = StrictCharField(
        required=False,
        max_length=20,
        validators=[RegexValidator(AMOUNT_PATTERN, message=_("Write the amount as a plain decimal, e.g. 12.50."))],
        help_text=_(
            "A decimal string in the order's currency, at most its minor-unit digits ('12.50' USD, '1200' JPY); "
            "never a JSON number. Leave it out to ask for the suggested amount."
        ),
    )
    currency = StrictCharField(
        min_length=3,
        max_length=3,
        validators=[RegexValidator(r"^[A-Za-z]{3}$", message=_("A three-letter ISO 4217 code."))],
        help_text=_("ISO 4217 code: the order's currency (anything else is refused)."),
    )
    kind = StrictChoiceField(choices=RefundKind.choices)
    method = StrictChoiceField(choices=RefundMethod.choices)
    reason = StrictCharField(max_length=REASON_MAX, validators=[NOT_BLANK], help_text=_("Why the buyer gets it."))
    lines = RefundLineRequestSerializer(
        many=True, required=False, help_text=_("Order lines and quantities (a partial refund).")
    )
    include_shipping = StrictBooleanField(
        required=False, default=False, help_text=_("Add the lines' share of the order's shipping to the suggestion.")
    )
    attribution_month = StrictCharField(
        required=False,
        max_length=7,
        validators=[RegexValidator(MONTH_PATTERN, message=_("Write the month as YYYY-MM."))],
        help_text=_("YYYY-MM the refund counts in; by default the month it succeeds."),
    )

    class Meta:
        ref_name = "RefundCreate"


class RefundDecisionSerializer(serializers.Serializer):
    comment = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX,
        validators=[NO_NUL],
        help_text=_("Shown to the requester and on the ticket's timeline."),
    )

    class Meta:
        ref_name = "RefundDecision"


class RefundRejectionSerializer(serializers.Serializer):
    comment = StrictCharField(
        max_length=NOTE_MAX, validators=[NOT_BLANK], help_text=_("Why it is rejected: the requester reads it.")
    )

    class Meta:
        ref_name = "RefundRejection"
