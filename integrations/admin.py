"""Admin pages: store and mailbox connections (credentials write-only), sync cursors, what
platforms sent (with a replay action), quarantined mail, and the heartbeats (read-only)."""

import json

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tickets.admin import NoEditing, ReadOnlyAdmin, StoreScopedAdmin

from .models import (
    BeatHeartbeat,
    MailboxConnection,
    PayloadStatus,
    QuarantinedEmail,
    QueueHeartbeat,
    RawPayload,
    StoreConnection,
    SyncCursor,
    WorkerHeartbeat,
)


@admin.register(RawPayload)
class RawPayloadAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "store", "stream", "external_id", "status", "records", "attempts", "processed_at"]
    list_filter = ["status", "stream", "store"]
    search_fields = ["external_id", "sha256", "delivery_id"]
    list_select_related = ["store"]
    actions = ["replay"]

    @admin.action(description=_("Replay: process the selected payloads again"))
    def replay(self, request, queryset) -> None:
        from .sync import replay

        done = failed = 0
        for row in queryset.order_by("pk"):
            result = replay(row)
            if result.status == PayloadStatus.PROCESSED:
                done += 1
            else:
                failed += 1
        self.message_user(
            request,
            _("Payloads processed: %(done)d.") % {"done": done},
            messages.SUCCESS,
        )
        if failed:
            self.message_user(
                request,
                _("Payloads still failing: %(failed)d.") % {"failed": failed},
                messages.WARNING,
            )


class CredentialsForm(forms.ModelForm):
    """Credentials are typed in, never shown back: an empty field keeps what is stored."""

    new_credentials = forms.CharField(
        label=_("credentials (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text=_('Write-only. A JSON object, e.g. {"access_token": "…"}. Leave empty to keep the stored ones.'),
    )

    def clean_new_credentials(self) -> dict | None:
        text = self.cleaned_data.get("new_credentials", "").strip()
        if not text:
            return None
        try:
            value = json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(_("Not JSON: %(error)s") % {"error": error}) from error
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give a JSON object."))
        return value

    def save(self, commit: bool = True):
        credentials = self.cleaned_data.get("new_credentials")
        if credentials is not None:
            self.instance.credentials = credentials
        return super().save(commit=commit)


class StoreConnectionForm(CredentialsForm):
    base_url = forms.URLField(label=_("API base URL"), required=False, assume_scheme="https")

    class Meta:
        model = StoreConnection
        fields = ["store", "base_url", "enabled", "sync_interval_seconds", "quota_scale"]


class MailboxConnectionForm(CredentialsForm):
    new_credentials = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Write-only. Leave empty to keep the stored password."),
    )

    class Meta:
        model = MailboxConnection
        fields = ["mailbox", "host", "port", "use_ssl", "username", "folder", "enabled"]

    def clean_new_credentials(self) -> dict | None:
        text = self.cleaned_data.get("new_credentials", "")
        return {"password": text} if text else None


@admin.register(StoreConnection)
class StoreConnectionAdmin(StoreScopedAdmin):
    form = StoreConnectionForm
    list_display = ["store", "base_url", "enabled", "sync_interval_seconds", "quota_scale", "last_test_ok"]
    list_filter = ["enabled"]
    readonly_fields = ["last_tested_at", "last_test_result", "last_test_ok"]


@admin.register(MailboxConnection)
class MailboxConnectionAdmin(StoreScopedAdmin):
    form = MailboxConnectionForm
    list_display = ["mailbox", "host", "port", "username", "folder", "enabled"]
    list_filter = ["enabled"]


@admin.register(SyncCursor)
class SyncCursorAdmin(ReadOnlyAdmin):
    list_display = [
        "store",
        "stream",
        "high_water_mark",
        "next_run_at",
        "last_success_at",
        "records_total",
        "failed_total",
        "calls_total",
        "consecutive_failures",
    ]
    list_filter = ["stream", "store"]
    list_select_related = ["store"]


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(NoEditing, admin.ModelAdmin):
    """Mail that matched no store may belong to any store: superusers only."""

    list_display = ["received_at", "sender", "recipients", "subject", "reason", "released_to"]
    search_fields = ["sender", "recipients", "subject", "message_id"]
    exclude = ["raw"]
    readonly_fields = ["size"]

    @admin.display(description=_("size (bytes)"))
    def size(self, obj: QuarantinedEmail) -> int:
        return len(obj.raw or b"")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser


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
