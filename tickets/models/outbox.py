"""The outbox: actions for a platform or a buyer, written in the transaction that caused them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import scoped_manager


class OutboxKind(models.TextChoices):
    SEND_REPLY = "send_reply", _("Send reply")
    EXECUTE_REFUND = "execute_refund", _("Execute refund")
    APPROVE_RETURN = "approve_return", _("Approve return")
    CREATE_RETURN_LABEL = "create_return_label", _("Create return label")
    CREATE_REPLACEMENT = "create_replacement", _("Create replacement order")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Dead letter")


class OutboxAction(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=OutboxKind.choices)
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="outbox_actions")
    payload = models.JSONField(_("payload"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outbox action")
        verbose_name_plural = _("outbox actions")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=OutboxStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=OutboxKind.values), name="outbox_kind_valid"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"
