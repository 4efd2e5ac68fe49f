"""FilterSets for tickets, orders and refunds: one class each for the web pages and the REST API.

Bad values become form errors (``filterset.errors``), never exceptions: the inbox shows them
beside the form; the API has refused malformed values already (400, by the ``query_schema`` of
each filter, tickets/api/contract.py) and answers what is left (a store that is not yours, a
currency that is not a tender, a date range that ends before it starts) with 422. Multi-valued
filters use ``IN`` rather than ORed equalities and no ``DISTINCT``, so the inbox indexes stay
usable. Date ranges are whole days in the user's current time zone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from ..errors import MoneyError
from ..models import (
    Customer,
    CustomerTier,
    Order,
    OrderLine,
    Platform,
    Priority,
    Refund,
    Store,
    Team,
    Ticket,
    TicketReason,
    TicketType,
)
from ..money import normalize_currency
from ..states import RefundStatus, TicketStatus
from ..validators import MAX_ID, parse_integer
from . import search

ME, NONE = "me", "none"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$"
FIRST_YEAR, LAST_YEAR = 1970, 2999  # dates outside cannot be a ticket's and would overflow in UTC


def query_schema(schema: dict[str, Any]):
    """Give a filter the JSON Schema of one value: the API checks requests and documents it by it."""

    def decorate(cls: type) -> type:
        cls.query_schema = schema
        return extend_schema_field(schema)(cls)

    return decorate


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


class LocalDateField(forms.DateField):
    """A calendar day as YYYY-MM-DD (what ``<input type=date>`` sends), within a sane range of years."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {
        "invalid": _("Enter a date as YYYY-MM-DD."),
        "range": _("Enter a date between %(first)s and %(last)s."),
    }

    def clean(self, value: Any) -> date | None:
        day = super().clean(value)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                self.error_messages["range"], code="range", params={"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the user's current time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@query_schema({"type": "string", "pattern": DATE_PATTERN})
class DayFromFilter(df.Filter):
    """Rows whose ``field_name`` is on or after this day (the user's time zone)."""

    field_class = LocalDateField

    def filter(self, qs: QuerySet, value: date | None) -> QuerySet:
        return qs if value is None else qs.filter(**{f"{self.field_name}__gte": start_of(value)})


@query_schema({"type": "string", "pattern": DATE_PATTERN})
class DayToFilter(df.Filter):
    """Rows whose ``field_name`` is on or before this day, the whole day included."""

    field_class = LocalDateField

    def filter(self, qs: QuerySet, value: date | None) -> QuerySet:
        return qs if value is None else qs.filter(**{f"{self.field_name}__lt": start_of(value + timedelta(days=1))})


class LanguageField(forms.CharField):
    default_error_messages = {"invalid": _("Enter a language code such as en, de or zh-Hans.")}

    def clean(self, value: Any) -> str | None:
        value = super().clean(value)
        if not value:
            return None
        value = value.strip()
        if not re.fullmatch(LANGUAGE_PATTERN, value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


@query_schema({"type": "string", "pattern": LANGUAGE_PATTERN})
class LanguageFilter(df.Filter):
    """A language code; ``zh`` also keeps ``zh-Hans`` and ``zh-CN``, as a buyer may write either."""

    field_class = LanguageField

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        if not value:
            return qs
        # Codes are stored as platforms send them ("de", "zh-Hans"): the value as typed or in lower
        # case, and its regional forms; plain comparisons, no UPPER() over every row.
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        exact = sorted({value, value.lower(), value.replace("_", "-")})
        if "-" in value or "_" in value:
            return qs.filter(language__in=exact)
        return qs.filter(Q(language__in=exact) | Q(language__startswith=f"{primary}-"))


@query_schema({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class TeamFilter(df.ModelChoiceFilter):
    """A team id (teams are shared by all stores)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Team.objects.order_by("name"))
        super().__init__(**kwargs)


class TicketFilterForm(forms.Form):
    """The inbox's and the API's ticket filters: a date range must not end before it starts."""

    RANGES = (("created_from", "created_to"), ("updated_from", "updated_to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for start, end in self.RANGES:
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, forms.ValidationError(_("The end date is before the start date."), code="range"))
        return data


# The inbox folds these away under "More filters" (the rest are always shown).
MORE_FILTERS = ("sku", "tier", "language", "tag", "team", "created_from", "created_to", "updated_from", "updated_to")


def more_filters(ticket_filter: TicketFilter) -> dict[str, Any]:
    """What the inbox's "More filters" needs: whether it starts open, how many are set, the teams."""
    active = [name for name in MORE_FILTERS if ticket_filter.data.get(name)]
    invalid = set(ticket_filter.errors) & set(MORE_FILTERS)
    return {
        "open": bool(active or invalid),
        "active": len(active),
        "teams": list(Team.objects.order_by("name").values("pk", "name")[:200]),
        "zone": timezone.get_current_timezone_name(),
    }


class TicketFilter(df.FilterSet):
    q = df.CharFilter(
        method="search_text",
        label=_("Search"),
        help_text=_("An order, ticket, RMA or tracking number, an email address, or words."),
        max_length=search.MAX_QUERY_CHARS,
    )
    store = StoreFilter()
    platform = df.ChoiceFilter(field_name="store__platform", choices=Platform.choices, label=_("Platform"))
    status = MultipleChoiceInFilter(
        choices=TicketStatus.choices, label=_("Status"), help_text=_("Repeat for several statuses.")
    )
    type = df.ChoiceFilter(choices=TicketType.choices, label=_("Type"))
    reason = df.ChoiceFilter(choices=TicketReason.choices, label=_("Reason"))
    assignee = AssigneeFilter(label=_("Assignee"), help_text=_('A user id, "me" or "none" (unassigned).'))
    tag = df.CharFilter(field_name="tags__name", label=_("Tag"), help_text=_("A tag name."), max_length=50)
    language = LanguageFilter(label=_("Language"), help_text=_("A language code, e.g. en."))
    priority = df.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    sku = df.CharFilter(
        method="with_sku", label=_("SKU"), help_text=_("A SKU on the ticket's order, exactly."), max_length=64
    )
    tier = df.ChoiceFilter(method="with_tier", choices=CustomerTier.choices, label=_("Buyer tier"))
    team = TeamFilter(label=_("Team"), help_text=_("A team id."))
    created_from = DayFromFilter(
        field_name="created_at", label=_("Created from"), help_text=_("YYYY-MM-DD, in your time zone.")
    )
    created_to = DayToFilter(
        field_name="created_at", label=_("Created until"), help_text=_("YYYY-MM-DD, the whole day included.")
    )
    updated_from = DayFromFilter(
        field_name="last_activity_at", label=_("Updated from"), help_text=_("Last activity, YYYY-MM-DD.")
    )
    updated_to = DayToFilter(
        field_name="last_activity_at", label=_("Updated until"), help_text=_("Last activity, YYYY-MM-DD.")
    )

    class Meta:
        model = Ticket
        form = TicketFilterForm
        fields = [
            "q",
            "store",
            "platform",
            "status",
            "type",
            "reason",
            "assignee",
            "tag",
            "language",
            "priority",
            "sku",
            "tier",
            "team",
            "created_from",
            "created_to",
            "updated_from",
            "updated_to",
        ]

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # A form sends every control, the unset ones empty ("store=&status="): those are no filter,
        # where a multiple-choice field would refuse "" as a value.
        if data is not None and hasattr(data, "getlist"):
            data = data.copy()
            for name in list(data):
                values = [value for value in data.getlist(name) if value != ""]
                if values:
                    data.setlist(name, values)
                else:
                    del data[name]
        super().__init__(data, *args, **kwargs)

    def search_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        user = getattr(getattr(self, "request", None), "user", None)
        return search.search(queryset, value, user=user) if value else queryset

    def with_tier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The buyers of that tier first (a scan of the smaller table), then their tickets by the
        # customer index; a join would walk the whole inbox when the tier is rare (VIP).
        return queryset.filter(customer_id__in=Customer.objects.filter(tier=value).values("pk")) if value else queryset

    def with_sku(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # The SKU index gives the orders; the tickets follow by their order (an indexed column).
        return queryset.filter(order_id__in=OrderLine.objects.filter(sku=value).values("order_id"))


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
