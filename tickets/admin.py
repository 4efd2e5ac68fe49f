"""Admin pages for the domain, scoped to the stores of a non-superuser staff member."""

from django.contrib import admin

from . import models as m


class StoreScopedAdmin(admin.ModelAdmin):
    """Lists and forms of staff who are not superusers show only their stores' rows."""

    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    def get_queryset(self, request):
        return self.model._default_manager.get_queryset().visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        manager = related._default_manager
        if hasattr(manager.get_queryset(), "visible_to"):
            kwargs["queryset"] = manager.get_queryset().visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


@admin.register(m.Customer)
class CustomerAdmin(StoreScopedAdmin):
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


class OrderLineInline(admin.TabularInline):
    model = m.OrderLine
    extra = 0


@admin.register(m.Order)
class OrderAdmin(StoreScopedAdmin):
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
    raw_id_fields = ["customer"]
    inlines = [OrderLineInline]


class MessageInline(admin.StackedInline):
    model = m.Message
    extra = 0
    fields = ["direction", "author_name", "body", "original_language", "send_status", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(m.Ticket)
class TicketAdmin(StoreScopedAdmin):
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
    raw_id_fields = ["customer", "order"]
    filter_horizontal = ["tags"]
    # Status moves go through the transition service (audit trail), not a form field.
    readonly_fields = ["number", "status", "status_changed_at", "resolved_at", "closed_at", "created_at"]
    inlines = [MessageInline]


@admin.register(m.Message)
class MessageAdmin(StoreScopedAdmin):
    list_display = ["ticket", "direction", "author_name", "original_language", "send_status", "created_at"]
    list_filter = ["direction", "send_status", "original_language"]
    search_fields = ["platform_message_id", "ticket__number"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket", "author"]


@admin.register(m.Attachment)
class AttachmentAdmin(StoreScopedAdmin):
    list_display = ["original_name", "ticket", "kind", "content_type", "size", "created_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "sha256", "ticket__number"]
    raw_id_fields = ["ticket", "message", "uploaded_by"]


class RmaLineInline(admin.TabularInline):
    model = m.RmaLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(m.ReturnAuthorization)
class ReturnAuthorizationAdmin(StoreScopedAdmin):
    list_display = ["number", "ticket", "status", "carrier", "tracking_number", "qc_result", "received_at"]
    list_filter = ["status", "qc_result", "store"]
    search_fields = ["number", "tracking_number", "ticket__number"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["status", "authorized_at", "received_at", "inspected_at", "closed_at"]
    inlines = [RmaLineInline]


@admin.register(m.Refund)
class RefundAdmin(StoreScopedAdmin):
    list_display = ["id", "ticket", "order", "amount", "currency", "kind", "status", "requested_by", "approved_by"]
    list_filter = ["status", "kind", "method", "currency", "store", "attribution_month"]
    search_fields = ["ticket__number", "order__number", "platform_refund_id"]
    list_select_related = ["ticket", "order", "requested_by", "approved_by"]
    raw_id_fields = ["ticket", "order"]
    readonly_fields = [
        "status",
        "approved_by",
        "approved_at",
        "succeeded_at",
        "failed_at",
        "platform_refund_id",
        "idempotency_key",
    ]


class MacroVariantInline(admin.StackedInline):
    model = m.MacroVariant
    extra = 1


@admin.register(m.Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name", "store", "enabled"]
    list_filter = ["enabled", "store"]
    search_fields = ["name"]
    inlines = [MacroVariantInline]


@admin.register(m.Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "store", "position", "stop_after_match", "enabled"]
    list_filter = ["event", "enabled", "store"]
    search_fields = ["name"]


@admin.register(m.RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ["rule", "ticket", "event_id", "matched", "created_at"]
    list_filter = ["matched", "rule"]
    raw_id_fields = ["ticket"]


@admin.register(m.SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
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


@admin.register(m.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ReadOnlyAdmin(StoreScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
