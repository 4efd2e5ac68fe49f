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


class ReplacementKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange")
    RESHIP = "reship", _("Reship")


class ReplacementState(models.TextChoices):
    """Where a replacement order stands on the platform (blank for an order the platform sent us)."""

    QUEUED = "queued", _("Queued for the platform")
    CREATED = "created", _("Created on the platform")
    MANUAL = "manual", _("Create it on the platform by hand")


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
    # A replacement (exchange or reship) an agent made for a ticket: free of charge, sent again.
    replacement_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("replacement of"),
    )
    replacement_ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacement_orders",
        verbose_name=_("replacement for ticket"),
    )
    # An exchange's return: what was exchanged against it is not exchanged again.
    replacement_rma = models.ForeignKey(
        "tickets.ReturnAuthorization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchanges",
        verbose_name=_("exchange of return"),
    )
    replacement_kind = models.CharField(
        _("replacement kind"), max_length=10, choices=ReplacementKind.choices, blank=True
    )
    replacement_state = models.CharField(
        _("replacement state"), max_length=10, choices=ReplacementState.choices, blank=True
    )
    # What the platform said (the reference it created, or why it could not).
    replacement_note = models.TextField(_("replacement note"), blank=True)
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
            models.CheckConstraint(
                condition=models.Q(replacement_of__isnull=True, replacement_kind="")
                | models.Q(replacement_of__isnull=False, replacement_kind__in=["exchange", "reship"], total_amount=0),
                name="order_replacement_is_free_and_kinded",
            ),
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
    def is_replacement(self) -> bool:
        return self.replacement_of_id is not None

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
    # On a replacement order's line: the line of the original order it replaces.
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name=_("replaces")
    )
    # Pieces of this line that came back and went to stock again (a QC pass said so).
    restocked_quantity = models.PositiveIntegerField(_("restocked"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="orderline_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(restocked_quantity__lte=models.F("quantity")), name="orderline_restock_within_bought"
            ),
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
