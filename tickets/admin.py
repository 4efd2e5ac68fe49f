"""Admin pages: settings (stores, members, rules, macros, SLA) are edited here; the work itself
(tickets, messages, RMAs, refunds, orders) is read-only, because its changes must go through the
services that check transitions and write the audit trail. Non-superusers see only their stores."""

from django.contrib import admin

from . import admin_users  # noqa: F401  (registers the user admin)
from . import models as m


class StoreScopedAdmin(admin.ModelAdmin):
    """Lists and forms of staff who are not superusers show only their stores' rows."""

    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    def get_queryset(self, request):
        return self.model._default_manager.get_queryset().visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = db_field.related_model._default_manager.get_queryset()
        if hasattr(queryset, "visible_to"):
            kwargs["queryset"] = queryset.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


class ReadOnlyInline(NoEditing, admin.TabularInline):
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


class MembershipInline(admin.TabularInline):
    model = m.StoreMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(m.Store)
class StoreAdmin(StoreScopedAdmin):
    list_display = ["name", "platform", "marketplace", "region", "currency", "return_window_days", "enabled"]
    list_filter = ["platform", "enabled", "currency"]
    search_fields = ["name", "marketplace"]
    inlines = [MembershipInline]


@admin.register(m.StoreMembership)
class StoreMembershipAdmin(StoreScopedAdmin):
    list_display = ["user", "store", "refund_approval_limit", "created_at"]
    list_filter = ["store"]
    search_fields = ["user__username", "store__name"]
    autocomplete_fields = ["user"]


@admin.register(m.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(m.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class MacroVariantInline(admin.StackedInline):
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
