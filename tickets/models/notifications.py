"""In-app notifications: the bell's list (assigned to you, mentioned, refund decided, SLA at risk)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    MENTIONED = "mentioned", _("Mentioned in a note")
    REFUND_DECIDED = "refund_decided", _("Your refund was decided")
    APPROVAL_REQUESTED = "approval_requested", _("A refund waits for your approval")
    SLA_AT_RISK = "sla_at_risk", _("SLA at risk")
    SLA_BREACHED = "sla_breached", _("SLA breached")
    QC_FAILED = "qc_failed", _("A returned item failed QC")
    ESCALATED = "escalated", _("A ticket was escalated to you")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    store = models.ForeignKey("tickets.Store", on_delete=models.CASCADE, related_name="+")
    # Shown under the kind, e.g. the refund's amount or the note's first words (never translated).
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The user asked for this kind by e-mail too (their settings when it was made); emailed_at is
    # set once the mail went out, so a task run twice sends it once.
    email_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["created_at"],
                name="notification_email_pending",
                condition=models.Q(email_due=True, emailed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in NotificationKind]), name="notification_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
