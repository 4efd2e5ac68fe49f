"""Admin pages for what platforms sent and the heartbeats of workers, beat and queues (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tickets.admin import ReadOnlyAdmin

from .models import BeatHeartbeat, QueueHeartbeat, RawPayload, WorkerHeartbeat


@admin.register(RawPayload)
class RawPayloadAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "store", "stream", "external_id", "status", "processed_at"]
    list_filter = ["status", "stream", "store"]
    search_fields = ["external_id", "sha256"]
    list_select_related = ["store"]


class HeartbeatAdmin(admin.ModelAdmin):
    """Processes write these rows; nobody edits them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(HeartbeatAdmin):
    list_display = ["hostname", "pid", "started_at", "beat_at"]


@admin.register(BeatHeartbeat)
class BeatHeartbeatAdmin(HeartbeatAdmin):
    list_display = ["hostname", "pid", "started_at", "beat_at"]


@admin.register(QueueHeartbeat)
class QueueHeartbeatAdmin(HeartbeatAdmin):
    list_display = ["queue", "sent_at", "ran_at", "lag", "worker"]

    @admin.display(description=_("lag (s)"))
    def lag(self, obj: QueueHeartbeat) -> str:
        return f"{obj.lag_seconds:.1f}"
