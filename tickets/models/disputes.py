"""Disputes: inquiries, cases, A-to-z claims and chargebacks a buyer opened on the platform."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..money import Money
from .scoping import scoped_manager


class DisputeKind(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry (item not received)")
    CASE = "case", _("Case")
    A_TO_Z = "a_to_z", _("A-to-z claim")
    CHARGEBACK = "chargeback", _("Chargeback")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WAITING_SELLER = "waiting_seller", _("Waiting for the seller")
    CLOSED = "closed", _("Closed")


class Dispute(models.Model):
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="disputes")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="disputes")
    order = models.ForeignKey("tickets.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    external_id = models.CharField(_("platform dispute id"), max_length=128)
    kind = models.CharField(_("kind"), max_length=12, choices=DisputeKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    platform_status = models.CharField(_("platform status"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=4, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    platform_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="dispute_unique_external_id"),
            models.CheckConstraint(condition=models.Q(kind__in=DisputeKind.values), name="dispute_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=DisputeStatus.values), name="dispute_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}"

    @property
    def money(self) -> Money | None:
        return Money.stored(self.amount, self.currency) if self.amount is not None and self.currency else None
