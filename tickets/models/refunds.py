"""Refunds: requested by agents, approved within limits or by a supervisor, executed once."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..money import Money
from ..states import RefundStatus
from .scoping import scoped_manager


class RefundKind(models.TextChoices):
    FULL = "full", _("Full")
    PARTIAL = "partial", _("Partial")
    WITHOUT_RETURN = "without_return", _("Without return")
    STORE_CREDIT = "store_credit", _("Store credit")


class RefundMethod(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment", _("Original payment")
    PAYPAL = "paypal", _("PayPal")
    STORE_CREDIT = "store_credit", _("Store credit")


class Refund(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey("tickets.Order", on_delete=models.PROTECT, related_name="refunds")
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    kind = models.CharField(_("kind"), max_length=16, choices=RefundKind.choices)
    method = models.CharField(_("method"), max_length=20, choices=RefundMethod.choices)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    attribution_month = models.DateField(_("attribution month"), help_text=_("First day of the month it counts in."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requested_refunds"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="approved_refunds"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Approved by the requester alone, within their own limit (which is kept as it stood then):
    # the refund says so itself, not only the audit trail.
    self_approved = models.BooleanField(_("self-approved within limit"), default=False)
    approval_limit = models.DecimalField(_("approver's limit"), max_digits=18, decimal_places=4, null=True, blank=True)
    # A manual refund (PayPal or store credit outside a platform): who carried it out, and the
    # reference of the payment they made.
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="executed_refunds"
    )
    manual_reference = models.CharField(_("payment reference"), max_length=128, blank=True)
    executing_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    platform_refund_id = models.CharField(_("platform refund id"), max_length=128, blank=True)
    platform_amount = models.DecimalField(
        _("platform-reported amount"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    # Created with the row, before any attempt, and sent with every attempt (RELIABILITY §1.1).
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        permissions = [("approve_refund", "Can approve refunds above the requester's limit")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=models.Q(status__in=RefundStatus.values), name="refund_status_valid"),
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="refund_currency_iso"),
            # Nobody approves their own request, except within their own limit, which is recorded.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("requested_by"))
                | models.Q(self_approved=True, approval_limit__isnull=False, approval_limit__gte=models.F("amount")),
                name="refund_self_approval_within_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(self_approved=False) | models.Q(approved_by=models.F("requested_by")),
                name="refund_self_approval_names_requester",
            ),
            models.UniqueConstraint(
                fields=["store", "platform_refund_id"],
                condition=~models.Q(platform_refund_id=""),
                name="refund_unique_platform_id",
            ),
        ]
        indexes = [
            models.Index(fields=["order", "currency", "status"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["store", "attribution_month"]),
            models.Index(fields=["store", "-created_at", "-id"], name="refund_api_order"),
        ]

    def __str__(self) -> str:
        return f"{self.money} ({self.get_status_display()})"

    @property
    def money(self) -> Money:
        return Money.stored(self.amount, self.currency)


class PlatformRefund(models.Model):
    """A refund as the platform recorded it (ours or made in its back office): pulled as its own
    stream and matched to our Refund when it names our reference; reconciliation reads these."""

    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="platform_refunds")
    order = models.ForeignKey("tickets.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    order_external_id = models.CharField(_("platform order id"), max_length=128)
    refund = models.ForeignKey(
        Refund, on_delete=models.SET_NULL, null=True, blank=True, related_name="platform_records"
    )
    external_id = models.CharField(_("platform refund id"), max_length=191)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4)
    currency = models.CharField(_("currency"), max_length=3)
    raw_amount = models.CharField(_("amount as sent, where rounded"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, default="succeeded")
    reference = models.CharField(_("reference"), max_length=191, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    refunded_at = models.DateTimeField(_("refunded"))
    platform_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-refunded_at"]
        verbose_name = _("platform refund")
        verbose_name_plural = _("platform refunds")
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="platformrefund_unique_external_id"),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="platformrefund_currency_iso"
            ),
        ]
        indexes = [models.Index(fields=["store", "refunded_at"]), models.Index(fields=["order_external_id"])]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.money}"

    @property
    def money(self) -> Money:
        return Money.stored(self.amount, self.currency)
