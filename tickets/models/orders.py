"""Orders and their lines, as the platform reported them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..money import Money
from .scoping import scoped_manager


class Fulfilment(models.TextChoices):
    MERCHANT = "merchant", _("Merchant")
    FBA = "fba", _("Fulfilled by Amazon")
    MFN = "mfn", _("Merchant fulfilled (Amazon)")


class TrackingStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    LABEL_CREATED = "label_created", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")
    RETURNED = "returned", _("Returned to sender")


class Order(models.Model):
    # No index of their own: order_unique_external_id leads with the store, the
    # (customer, -placed_at) index with the customer; one less index to write per new order.
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="orders", db_index=False)
    customer = models.ForeignKey(
        "tickets.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders", db_index=False
    )
    external_id = models.CharField(_("platform order id"), max_length=128)
    number = models.CharField(_("order number"), max_length=64)
    placed_at = models.DateTimeField(_("placed"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    total_amount = models.DecimalField(_("total"), max_digits=18, decimal_places=4)
    paid_amount = models.DecimalField(_("paid"), max_digits=18, decimal_places=4, default=0)
    platform_status = models.CharField(_("platform status"), max_length=40, blank=True)
    # The same total in the shop's own currency, when the buyer paid in another (presentment) one.
    shop_currency = models.CharField(_("shop currency"), max_length=3, blank=True)
    shop_total_amount = models.DecimalField(_("shop total"), max_digits=18, decimal_places=4, null=True, blank=True)
    # Amounts the platform sent with more decimals than the currency has: rounded half-even in the
    # columns, the text as sent kept here ({"total": "12.345", "lines.<id>.unit_price": …}).
    raw_amounts = models.JSONField(_("amounts as sent, where rounded"), default=dict, blank=True)
    fulfilment = models.CharField(
        _("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.MERCHANT
    )
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    tracking_status = models.CharField(
        _("tracking status"), max_length=20, choices=TrackingStatus.choices, default=TrackingStatus.UNKNOWN
    )
    platform_url = models.URLField(_("platform link"), blank=True)
    platform_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="order_unique_external_id"),
            models.CheckConstraint(condition=models.Q(total_amount__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0), name="order_paid_not_negative"),
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="order_currency_iso"),
        ]
        indexes = [
            models.Index(fields=["store", "number"]),
            models.Index(fields=["tracking_number"]),
            models.Index(fields=["customer", "-placed_at"]),
            models.Index(fields=["store", "-placed_at", "-id"], name="order_api_order"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Money:
        return Money.stored(self.total_amount, self.currency)

    @property
    def paid(self) -> Money:
        return Money.stored(self.paid_amount, self.currency)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    external_id = models.CharField(_("platform line id"), max_length=128, blank=True)
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=80, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)
    image_url = models.URLField(_("image"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="orderline_price_not_negative"),
            models.UniqueConstraint(
                fields=["order", "external_id"], condition=~models.Q(external_id=""), name="orderline_unique_external"
            ),
        ]
        indexes = [models.Index(fields=["sku"])]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def unit(self) -> Money:
        return Money.stored(self.unit_price, self.order.currency)
