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
    # Chosen at the request, or else set to the month the refund succeeds (empty until then).
    attribution_month = models.DateField(
        _("attribution month"), null=True, blank=True, help_text=_("First day of the month it counts in.")
    )
    # Empty for a refund automation (a rule) asked for: it has no limit of its own to approve on.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="requested_refunds"
    )
    # What the request form suggested (lines x quantity + shipping share - already committed), in
    # the refund's currency, and why a supervisor must decide (codes of tickets/services/refund_policy.py).
    suggested_amount = models.DecimalField(
        _("suggested amount"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    shipping_amount = models.DecimalField(_("shipping refunded"), max_digits=18, decimal_places=4, default=0)
    approval_reasons = models.JSONField(_("why it needs approval"), default=list, blank=True)
    decision_note = models.TextField(_("decision comment"), blank=True)
    # A correction of a refund whose month is closed: it counts in the open month and names the original.
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
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
        permissions = [
            ("approve_refund", "Can approve refunds above the requester's limit"),
            ("view_refund_report", "Can see refund reports and reconciliation"),
            ("close_refund_month", "Can close a month of the refund report"),
        ]
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
            models.Index(fields=["attribution_month", "status"], name="refund_report_month"),
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
    # How the link to our refund was made: our reference or its platform id ("id"), or order +
    # amount + time ("order"); empty while unmatched.
    matched_by = models.CharField(_("matched by"), max_length=8, blank=True)
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


class RefundLine(models.Model):
    """An order line (and how many of it) a partial refund pays back, with the amount for it."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("tickets.OrderLine", on_delete=models.PROTECT, related_name="refund_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")
        constraints = [
            models.UniqueConstraint(fields=["refund", "order_line"], name="refundline_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="refundline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="refundline_amount_not_negative"),
        ]


class ExchangeRate(models.Model):
    """One unit of ``base`` is worth ``rate`` units of ``quote`` on ``valid_on`` (e.g. ECB reference rates)."""

    base = models.CharField(_("from"), max_length=3)
    quote = models.CharField(_("to"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    valid_on = models.DateField(_("valid on"))
    source = models.CharField(_("source"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_on", "base", "quote"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "valid_on"], name="exchangerate_unique_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchangerate_positive"),
            models.CheckConstraint(condition=~models.Q(base=models.F("quote")), name="exchangerate_two_currencies"),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.valid_on})"


class ClosedMonth(models.Model):
    """A month of the refund report that finance closed: its refunds no longer change; a later
    correction counts in the open month and names the refund it corrects."""

    month = models.DateField(_("month"), unique=True, help_text=_("First day of the month."))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RefundExport(models.Model):
    """A refund report file built by a ``reports`` task, with its progress, for one user."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    format = models.CharField(_("format"), max_length=4)
    store_ids = models.JSONField(_("stores"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_done = models.PositiveBigIntegerField(default=0)
    file = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund export")
        verbose_name_plural = _("refund exports")
        constraints = [
            models.CheckConstraint(condition=models.Q(format__in=["csv", "xlsx"]), name="refundexport_format_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values), name="refundexport_status_valid"
            ),
        ]
