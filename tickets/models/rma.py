"""Return authorizations (RMAs): what the buyer sends back, how, and what QC found."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..states import RmaStatus
from .scoping import scoped_manager


class QcResult(models.TextChoices):
    NONE = "", _("Not inspected")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class ReturnAuthorization(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="rmas")
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("RMA number"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=RmaStatus.choices, default=RmaStatus.REQUESTED)
    # A return the buyer opened on the platform: its id there, its state in the platform's words,
    # the marketplace's reason code and the date the platform wants an answer by.
    external_id = models.CharField(_("platform return id"), max_length=128, blank=True)
    platform_status = models.CharField(_("platform status"), max_length=40, blank=True)
    reason_code = models.CharField(_("platform reason code"), max_length=80, blank=True)
    buyer_comment = models.TextField(_("buyer comment"), blank=True)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    platform_updated_at = models.DateTimeField(null=True, blank=True)
    return_address = models.TextField(_("return address"), blank=True)
    label_url = models.URLField(_("return label"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    qc_result = models.CharField(_("QC result"), max_length=4, choices=QcResult.choices, blank=True, default="")
    qc_note = models.TextField(_("QC note"), blank=True)
    restock = models.BooleanField(_("restock"), default=False)
    authorized_at = models.DateTimeField(_("authorized"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("RMA")
        verbose_name_plural = _("RMAs")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=RmaStatus.values), name="rma_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=RmaStatus.INSPECTED) | models.Q(qc_result__in=["pass", "fail"]),
                name="rma_inspected_has_qc_result",
            ),
            models.UniqueConstraint(
                fields=["store", "external_id"], condition=~models.Q(external_id=""), name="rma_unique_external_id"
            ),
        ]
        indexes = [models.Index(fields=["tracking_number"]), models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return self.number


class RmaLine(models.Model):
    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("tickets.OrderLine", on_delete=models.PROTECT, related_name="rma_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("RMA line")
        verbose_name_plural = _("RMA lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="rmaline_quantity_positive"),
            models.UniqueConstraint(fields=["rma", "order_line"], name="rmaline_unique_line"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.sku}"
