"""Buyers, one identity per store, and the senders a store blocked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..money import Money
from .scoping import scoped_manager


class CustomerTier(models.TextChoices):
    REGULAR = "regular", _("Regular")
    VIP = "vip", _("VIP")


class Customer(models.Model):
    # No index of its own: the (store, email) index leads with it.
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="customers", db_index=False)
    platform_customer_id = models.CharField(_("platform customer id"), max_length=128, blank=True)
    email = models.EmailField(_("email"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=CustomerTier.choices, default=CustomerTier.REGULAR)
    lifetime_spend = models.DecimalField(_("lifetime spend"), max_digits=18, decimal_places=4, default=0)
    currency = models.CharField(_("currency"), max_length=3)
    return_count = models.PositiveIntegerField(_("returns"), default=0)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    # The return-risk flag (tickets/services/return_risk.py keeps it; triage rules and the refund
    # approval policy read it): returns and orders in the store's period, and since when flagged.
    return_risk = models.BooleanField(_("return risk"), default=False)
    return_risk_since = models.DateTimeField(_("return risk since"), null=True, blank=True)
    period_returns = models.PositiveIntegerField(_("returns in period"), default=0)
    period_orders = models.PositiveIntegerField(_("orders in period"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "platform_customer_id"],
                condition=~models.Q(platform_customer_id=""),
                name="customer_unique_platform_id",
            ),
            models.CheckConstraint(condition=models.Q(lifetime_spend__gte=0), name="customer_spend_not_negative"),
            models.CheckConstraint(
                condition=models.Q(tier__in=[t.value for t in CustomerTier]), name="customer_tier_valid"
            ),
        ]
        indexes = [models.Index(fields=["store", "email"])]

    def __str__(self) -> str:
        return self.name or self.email or self.platform_customer_id or f"#{self.pk}"

    @property
    def lifetime_spend_money(self) -> Money:
        return Money.stored(self.lifetime_spend, self.currency)

    @property
    def is_vip(self) -> bool:
        return self.tier == CustomerTier.VIP


class BlockedSender(models.Model):
    """Mail from this address to this store is kept but opens no ticket (spam, a looping robot)."""

    store = models.ForeignKey("tickets.Store", on_delete=models.CASCADE, related_name="blocked_senders")
    address = models.CharField(_("address"), max_length=254)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["address"]
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        constraints = [models.UniqueConstraint(fields=["store", "address"], name="blockedsender_unique")]

    def __str__(self) -> str:
        return self.address
