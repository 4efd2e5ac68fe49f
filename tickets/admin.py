"""Admin pages: settings (stores, members, rules, macros, SLA) are edited here; the work itself
(tickets, messages, RMAs, refunds, orders) is read-only, because its changes must go through the
services that check transitions and write the audit trail. Non-superusers see only their stores:
in lists, in the choices of forms and in the list filters' sidebar."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from . import admin_users  # (also registers the user admin)
from . import models as m
from .errors import DomainError
from .services import memberships


def is_scoped(model: type[Model]) -> bool:
    """Whether the rows of ``model`` belong to stores (users: through their memberships)."""
    return model is User or hasattr(model._default_manager.get_queryset(), "visible_to")


def visible_choices(model: type[Model], user) -> QuerySet | None:
    """The rows of ``model`` a form or filter may offer to ``user``; None when the model belongs
    to no store (tags, roles) and every row may be offered."""
    if not is_scoped(model):
        return None
    if model is User:
        return admin_users.visible_users(user)
    return model._default_manager.get_queryset().visible_to(user)


class VisibleRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """Filter by a related store, rule or user, offering only those the user may see: the plain
    filter lists every row of the related table, other stores' names included."""

    def field_choices(self, field, request, model_admin):
        related = visible_choices(field.related_model, request.user)
        if related is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            related = related.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in related]


class ScopedChoicesMixin:
    """Select boxes and autocompletes accept only rows the user may see: a hidden id posted by
    hand is refused like a missing one."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = visible_choices(db_field.related_model, request.user)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = visible_choices(db_field.related_model, request.user)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StoreScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Lists and forms of staff who are not superusers show only their stores' rows."""

    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    def get_queryset(self, request):
        return self.model._default_manager.get_queryset().visible_to(request.user)

    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        """A filter on a relation gets the scoped choices; a new ``list_filter`` entry needs no care."""
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except FieldDoesNotExist:
            return item
        if field.is_relation and is_scoped(field.related_model):
            return (item, VisibleRelatedFieldListFilter)
        return item


class NoEditing:
    """Shown, never added, changed or deleted from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoEditing, StoreScopedAdmin):
    pass


class ReadOnlyInline(NoEditing, ScopedChoicesMixin, admin.TabularInline):
    extra = 0


class StoreOrGlobalAdmin(StoreScopedAdmin):
    """Rules, macros and SLA policies: per store, or for every store (superusers only)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "store" in form.base_fields:
            form.base_fields["store"].required = True
        return form

    def _own(self, request, obj) -> bool:
        return obj is None or obj.store_id is not None or request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._own(request, obj) and super().has_delete_permission(request, obj)


# --- settings: editable ----------------------------------------------------------------------------


class MembershipForm(forms.ModelForm):
    """Refuses, beside the field, an approval limit the service would refuse (more decimals than
    the store's currency, below zero, one's own), a new member's included: nothing is saved then.
    An existing membership's user and store are fixed: moved to another user it would take its
    limit along, past the check that nobody sets their own."""

    actor = None  # the signed-in user; set per request by the admin below

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in FIXED_MEMBERSHIP_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True  # a posted value is ignored, the stored one kept

    def clean(self):
        cleaned = super().clean()
        limit = cleaned.get("refund_approval_limit")
        adding = self.instance.pk is None
        if "refund_approval_limit" not in self.changed_data and not (adding and limit is not None):
            return cleaned
        store = cleaned.get("store") or _related(self.instance, "store")
        user = cleaned.get("user") or _related(self.instance, "user")
        if store is None:
            return cleaned  # the store field shows its own error
        try:
            memberships.check_approval_limit(
                store=store, user_id=user.pk if user else None, limit=limit, actor=self.actor
            )
        except DomainError as exc:
            self.add_error("refund_approval_limit", exc.message)
        return cleaned


FIXED_MEMBERSHIP_FIELDS = ("user", "store")


def _related(instance: Model, name: str):
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _with_actor(form_class: type[forms.ModelForm], request) -> type[forms.ModelForm]:
    return type(form_class.__name__, (form_class,), {"actor": request.user})


def save_membership(request, membership: m.StoreMembership) -> None:
    """Through the service, which checks the limit before writing and audits it. The form has
    checked the same, so a refusal here is a race: it raises, and the admin's transaction rolls
    the whole save back rather than keep half of it."""
    memberships.save_membership(membership, actor=request.user)


class MembershipInline(ScopedChoicesMixin, admin.TabularInline):
    model = m.StoreMembership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["user"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = _with_actor(formset.form, request)
        return formset


class StoreForm(forms.ModelForm):
    """A store's currency is the unit of its orders, refunds and approval limits, stored as bare
    amounts: changed under them, a 100000 JPY limit would read as 100000 USD. So it is fixed once
    the store holds any of them; before that a wrong choice may still be corrected."""

    def clean_currency(self):
        currency = self.cleaned_data.get("currency")
        store = self.instance
        if store.pk is None or currency == store.currency:
            return currency
        if money_in_currency(store):
            raise forms.ValidationError(
                _(
                    "The currency cannot change: this store already has orders, refunds or approval "
                    "limits in %(currency)s, and their amounts would be read in the new currency."
                ),
                code="currency_in_use",
                params={"currency": store.currency},
            )
        return currency


def money_in_currency(store: m.Store) -> bool:
    """Whether any amount is stored in the store's currency: an order, a refund, a member's limit."""
    return (
        m.Order.objects.filter(store=store).exists()
        or m.Refund.objects.filter(store=store).exists()
        or m.StoreMembership.objects.filter(store=store, refund_approval_limit__isnull=False).exists()
    )


@admin.register(m.Store)
class StoreAdmin(StoreScopedAdmin):
    form = StoreForm
    list_display = ["name", "platform", "marketplace", "region", "currency", "return_window_days", "enabled"]
    list_filter = ["platform", "enabled", "currency"]
    search_fields = ["name", "marketplace"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not m.StoreMembership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            save_membership(request, membership)
        for membership in formset.deleted_objects:
            membership.delete()
        formset.save_m2m()


@admin.register(m.StoreMembership)
class StoreMembershipAdmin(StoreScopedAdmin):
    list_display = ["user", "store", "refund_approval_limit", "created_at"]
    list_filter = ["store"]
    search_fields = ["user__username", "store__name"]
    autocomplete_fields = ["user"]
    form = MembershipForm

    def get_form(self, request, obj=None, **kwargs):
        return _with_actor(super().get_form(request, obj, **kwargs), request)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, *FIXED_MEMBERSHIP_FIELDS)

    def save_model(self, request, obj, form, change):
        save_membership(request, obj)


@admin.register(m.Team)
class TeamAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Teams are shared by every store; their member list offers only the users one may see."""

    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def save_related(self, request, form, formsets, change):
        # The form offers only the users the editor may see; members they cannot see stay.
        hidden = []
        if change:
            hidden = list(form.instance.members.exclude(pk__in=admin_users.visible_users(request.user).values("pk")))
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.members.add(*hidden)


@admin.register(m.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class MacroVariantInline(ScopedChoicesMixin, admin.StackedInline):
    model = m.MacroVariant
    extra = 1


@admin.register(m.Macro)
class MacroAdmin(StoreOrGlobalAdmin):
    list_display = ["name", "store", "enabled"]
    list_filter = ["enabled", "store"]
    search_fields = ["name"]
    inlines = [MacroVariantInline]


@admin.register(m.Rule)
class RuleAdmin(StoreOrGlobalAdmin):
    list_display = ["name", "event", "store", "position", "stop_after_match", "enabled"]
    list_filter = ["event", "enabled", "store"]
    search_fields = ["name"]
    # Conditions and actions are validated by the rule editor (/rules/) and the API, not as raw JSON here.
    readonly_fields = ["conditions", "actions"]


@admin.register(m.KeywordSet)
class KeywordSetAdmin(StoreOrGlobalAdmin):
    list_display = ["name", "label", "store", "enabled", "updated_at"]
    list_filter = ["enabled", "store"]
    search_fields = ["name", "label"]
    # Keywords are validated by the keyword-set editor (/rules/keywords/) and the API.
    readonly_fields = ["keywords"]


@admin.register(m.SlaPolicy)
class SlaPolicyAdmin(StoreOrGlobalAdmin):
    list_display = [
        "name",
        "store",
        "priority",
        "customer_tier",
        "ticket_type",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "qc_reply_minutes",
        "position",
        "enabled",
    ]
    list_filter = ["enabled", "priority", "customer_tier", "ticket_type"]


# --- the work: read-only ---------------------------------------------------------------------------


@admin.register(m.Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "email",
        "store",
        "tier",
        "language",
        "country",
        "lifetime_spend",
        "currency",
        "return_count",
    ]
    list_filter = ["tier", "store", "language", "country"]
    search_fields = ["name", "email", "platform_customer_id"]
    list_select_related = ["store"]


class OrderLineInline(ReadOnlyInline):
    model = m.OrderLine


@admin.register(m.Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "store",
        "customer",
        "placed_at",
        "total_amount",
        "paid_amount",
        "currency",
        "fulfilment",
        "carrier",
        "tracking_number",
        "tracking_status",
    ]
    list_filter = ["store", "fulfilment", "tracking_status", "currency"]
    search_fields = ["number", "external_id", "tracking_number", "customer__name", "customer__email"]
    date_hierarchy = "placed_at"
    list_select_related = ["store", "customer"]
    inlines = [OrderLineInline]


@admin.register(m.Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "subject",
        "store",
        "status",
        "priority",
        "type",
        "reason",
        "assignee",
        "language",
        "resolution_due_at",
        "last_activity_at",
    ]
    list_filter = ["status", "priority", "type", "reason", "store", "language", "tags"]
    search_fields = ["=number", "subject", "customer__name", "customer__email", "order__number"]
    list_select_related = ["store", "assignee"]


@admin.register(m.Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "direction", "author_name", "original_language", "send_status", "created_at"]
    list_filter = ["direction", "send_status", "original_language"]
    search_fields = ["platform_message_id", "ticket__number"]
    list_select_related = ["ticket"]


@admin.register(m.Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "ticket", "kind", "content_type", "size", "created_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "sha256", "ticket__number"]


class RmaLineInline(ReadOnlyInline):
    model = m.RmaLine


@admin.register(m.ReturnAuthorization)
class ReturnAuthorizationAdmin(ReadOnlyAdmin):
    list_display = ["number", "ticket", "status", "carrier", "tracking_number", "qc_result", "received_at"]
    list_filter = ["status", "qc_result", "store"]
    search_fields = ["number", "tracking_number", "ticket__number"]
    inlines = [RmaLineInline]


@admin.register(m.Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "ticket", "order", "amount", "currency", "kind", "status", "requested_by", "approved_by"]
    list_filter = ["status", "kind", "method", "currency", "store", "attribution_month"]
    search_fields = ["ticket__number", "order__number", "platform_refund_id"]
    list_select_related = ["ticket", "order", "requested_by", "approved_by"]


@admin.register(m.RuleRun)
class RuleRunAdmin(ReadOnlyAdmin):
    list_display = ["rule", "ticket", "event_id", "matched", "created_at"]
    list_filter = ["matched", "rule"]


@admin.register(m.AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "actor_kind", "action", "object_type", "object_id", "store"]
    list_filter = ["actor_kind", "object_type", "action"]
    search_fields = ["action", "=object_id", "actor__username"]
    list_select_related = ["actor", "store"]


@admin.register(m.OutboxAction)
class OutboxActionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "store", "status", "attempts", "next_attempt_at", "idempotency_key", "created_at"]
    list_filter = ["status", "kind", "store"]
    search_fields = ["idempotency_key"]


@admin.register(m.ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Dated reference rates the refund approval policy converts with (also: import_exchange_rates)."""

    list_display = ["valid_on", "base", "quote", "rate", "source"]
    list_filter = ["base", "quote", "source"]
    date_hierarchy = "valid_on"

    def save_model(self, request, obj, form, change):
        # Through the service: checked and audited like an import (a rate decides who self-approves).
        from .services.exchange_rates import record_rate

        saved = record_rate(obj.base, obj.quote, obj.rate, obj.valid_on, actor=request.user, source=obj.source)
        obj.pk = saved.pk


@admin.register(m.ClosedMonth)
class ClosedMonthAdmin(NoEditing, admin.ModelAdmin):
    list_display = ["month", "closed_by", "closed_at"]
