"""Admin pages for what platforms sent and worker liveness (read-only)."""

from django.contrib import admin

from tickets.admin import ReadOnlyAdmin

from .models import RawPayload, WorkerHeartbeat


@admin.register(RawPayload)
class RawPayloadAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "store", "stream", "external_id", "status", "processed_at"]
    list_filter = ["status", "stream", "store"]
    search_fields = ["external_id", "sha256"]
    list_select_related = ["store"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "pid", "started_at", "beat_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
