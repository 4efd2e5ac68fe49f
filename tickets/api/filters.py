"""FilterSets for tickets, orders and refunds, shared by the REST API and the web inbox.

Bad values become form errors (``filterset.errors``), never exceptions: the inbox shows them
beside the form; the API has refused malformed values already (400, by the ``query_schema`` of
each filter, tickets/api/contract.py) and answers what is left (a store that is not yours, a
currency that is not a tender) with 422. Multi-valued filters use ``IN`` rather than ORed
equalities and no ``DISTINCT``, so the inbox indexes stay usable.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import django_filters as df
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from ..errors import MoneyError
from ..models import Order, Platform, Priority, Refund, Store, Ticket, TicketReason, TicketType
from ..money import normalize_currency
from ..states import RefundStatus, TicketStatus
from .contract import MAX_ID, parse_integer
from .errors import UnprocessableQuery

ME, NONE = "me", "none"


def query_schema(schema: dict[str, Any]):
    """Give a filter the JSON Schema of one value: the API checks requests and documents it by it."""

    def decorate(cls: type) -> type:
        cls.query_schema = schema
        return extend_schema_field(schema)(cls)

    return decorate


class ContractFilterBackend(DjangoFilterBackend):
    """Filters whose values passed the contract but that the FilterSet refuses: 422, not 400."""

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise UnprocessableQuery(filterset.errors)
        return filterset.qs


def visible_stores(request: Any) -> QuerySet[Store]:
    """The stores a filter may name: those of the requesting user (none without a request)."""
    return Store.objects.visible_to(getattr(request, "user", None))


class InFilterMixin:
    """Filter with one ``field__in`` lookup instead of ORed equalities plus DISTINCT."""

    field_name: str

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": list(value)})


class StoreIdsField(forms.ModelMultipleChoiceField):
    """Store ids: anything but a plain id in the column's range is refused before the database."""

    def _check_values(self, value):
        numbers = [parse_integer(str(pk)) for pk in value]
        for pk, number in zip(value, numbers, strict=True):
            if number is None or not 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        # As numbers: Django's own int() of a padded string would refuse past 4,300 digits.
        return super()._check_values(numbers)


class StoreFilter(InFilterMixin, df.ModelMultipleChoiceFilter):
    """One or more store ids (``?store=1&store=2``), limited to the caller's stores."""

    field_class = StoreIdsField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("field_name", "store")
        kwargs.setdefault("queryset", visible_stores)
        kwargs.setdefault("label", _("Store"))
        kwargs.setdefault("help_text", _("A store id; repeat for several stores."))
        super().__init__(**kwargs)


class MultipleChoiceInFilter(InFilterMixin, df.MultipleChoiceFilter):
    """One or more choices (``?status=new&status=open``)."""


class AssigneeField(forms.CharField):
    """A user id, ``me`` or ``none``."""

    default_error_messages = {"invalid": _('Enter a user id, "me" or "none".')}

    def clean(self, value: Any) -> str | int | None:
        value = super().clean(value)
        if value in ("", None):
            return None
        text = str(value).strip().lower()
        if text in (ME, NONE):
            return text
        if re.fullmatch(r"[0-9]{1,18}", text):
            return int(text)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@query_schema({"type": "string", "pattern": r"^([0-9]{1,18}|me|none)$"})
class AssigneeFilter(df.Filter):
    """Tickets assigned to a user id, to the caller (``me``) or to nobody (``none``)."""

    field_class = AssigneeField

    def filter(self, qs: QuerySet, value: str | int | None) -> QuerySet:
        if value is None:
            return qs
        if value == NONE:
            return qs.filter(assignee__isnull=True)
        if value == ME:
            user = getattr(getattr(self.parent, "request", None), "user", None)
            if user is None or not user.is_authenticated:
                return qs.none()
            return qs.filter(assignee_id=user.pk)
        return qs.filter(assignee_id=value)


class CurrencyField(forms.CharField):
    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return normalize_currency(value)
        except MoneyError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None


@query_schema({"type": "string", "pattern": "^[A-Za-z]{3}$"})
class CurrencyFilter(df.CharFilter):
    field_class = CurrencyField


class MonthField(forms.DateField):
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def clean(self, value: Any) -> date | None:
        day = super().clean(value)
        return day.replace(day=1) if day else None


@query_schema({"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"})
class MonthFilter(df.DateFilter):
    field_class = MonthField


class TicketFilter(df.FilterSet):
    store = StoreFilter()
    platform = df.ChoiceFilter(field_name="store__platform", choices=Platform.choices, label=_("Platform"))
    status = MultipleChoiceInFilter(
        choices=TicketStatus.choices, label=_("Status"), help_text=_("Repeat for several statuses.")
    )
    type = df.ChoiceFilter(choices=TicketType.choices, label=_("Type"))
    reason = df.ChoiceFilter(choices=TicketReason.choices, label=_("Reason"))
    assignee = AssigneeFilter(label=_("Assignee"), help_text=_('A user id, "me" or "none" (unassigned).'))
    tag = df.CharFilter(field_name="tags__name", label=_("Tag"), help_text=_("A tag name."), max_length=50)
    language = df.CharFilter(label=_("Language"), help_text=_("A language code, e.g. en."), max_length=16)
    priority = df.ChoiceFilter(choices=Priority.choices, label=_("Priority"))

    class Meta:
        model = Ticket
        fields = ["store", "platform", "status", "type", "reason", "assignee", "tag", "language", "priority"]


class OrderFilter(df.FilterSet):
    store = StoreFilter()
    number = df.CharFilter(label=_("Order number"), help_text=_("Exactly as the platform shows it."), max_length=64)
    tracking_number = df.CharFilter(label=_("Tracking number"), max_length=64)

    class Meta:
        model = Order
        fields = ["store", "number", "tracking_number"]


class RefundFilter(df.FilterSet):
    store = StoreFilter()
    status = MultipleChoiceInFilter(
        choices=RefundStatus.choices, label=_("Status"), help_text=_("Repeat for several statuses.")
    )
    currency = CurrencyFilter(label=_("Currency"), help_text=_("An ISO 4217 code, e.g. USD."))
    attribution_month = MonthFilter(label=_("Attribution month"), help_text=_("YYYY-MM."))

    class Meta:
        model = Refund
        fields = ["store", "status", "currency", "attribution_month"]
