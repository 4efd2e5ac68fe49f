"""Stores (a seller's shop on one platform), their members and teams."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ..validators import validate_currency, validate_time_zone
from .scoping import StoreScopedQuerySet, member_store_ids, scoped_manager, signed_in


def default_business_hours() -> dict:
    from ..business_hours import DEFAULT_HOURS

    return {day: list(hours) for day, hours in DEFAULT_HOURS.items()}


def validate_business_hours(value) -> None:
    from django.core.exceptions import ValidationError

    from ..business_hours import CalendarError, parse_week

    try:
        parse_week(value)
    except CalendarError as error:
        raise ValidationError(str(error)) from error


class Platform(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    AMAZON = "amazon", "Amazon"
    EBAY = "ebay", "eBay"
    EMAIL = "email", _("Email")


class StoreQuerySet(StoreScopedQuerySet):
    def visible_to(self, user):
        if not signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=member_store_ids(user))


class Store(models.Model):
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=120)
    marketplace = models.CharField(
        _("marketplace"), max_length=64, blank=True, help_text=_("Shop domain, marketplace id or site, e.g. EBAY_DE.")
    )
    region = models.CharField(_("region"), max_length=8, blank=True, help_text=_("Country code, e.g. US, DE, JP."))
    currency = models.CharField(_("base currency"), max_length=3, validators=[validate_currency])
    language = models.CharField(
        _("default language"),
        max_length=16,
        default="en",
        help_text=_("Language of buyer-facing text when the buyer's is unknown, e.g. en, de, ja."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("IANA time zone of the store's business hours, e.g. Europe/Berlin."),
    )
    business_hours_only = models.BooleanField(
        _("SLA in business hours"),
        default=True,
        help_text=_("Count SLA targets in the opening hours below, without the region's public holidays. Off: 24/7."),
    )
    business_hours = models.JSONField(
        _("opening hours"),
        default=default_business_hours,
        blank=True,
        validators=[validate_business_hours],
        help_text=_(
            'Per weekday, opening and closing time in the store\'s time zone, e.g. {"mon": ["09:00", "18:00"]}; days left out are closed.'
        ),
    )
    return_window_days = models.PositiveSmallIntegerField(_("return window (days)"), default=30)
    return_address = models.TextField(
        _("return address"), blank=True, help_text=_("Where returned parcels go; new returns start with it.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # Refund approval policy: what needs a supervisor whatever the requester's limit.
    refund_without_return_limit = models.DecimalField(
        _("refund without return: approval above"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "A refund without a return above this amount (store currency) always needs a supervisor. Empty: no such rule."
        ),
    )
    high_value_categories = models.JSONField(
        _("high-value categories"),
        default=list,
        blank=True,
        help_text=_('Product categories whose refunds always need a supervisor, e.g. ["Electronics"].'),
    )
    return_risk_rate = models.DecimalField(
        _("return-risk rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.3000"),
        help_text=_(
            "A buyer whose returns ÷ orders in the period is above this (0.30 = 30%) is flagged as a return risk."
        ),
    )
    return_risk_min_returns = models.PositiveSmallIntegerField(
        _("return-risk minimum returns"), default=3, help_text=_("…and who returned at least this many times.")
    )
    return_risk_period_days = models.PositiveSmallIntegerField(_("return-risk period (days)"), default=180)
    reconcile_after_days = models.PositiveSmallIntegerField(
        _("reconcile after (days)"),
        default=7,
        help_text=_("A refund of ours the platform has not reported after this many days is listed as missing there."),
    )
    email_sender_name = models.CharField(
        _("email sender name"),
        max_length=120,
        blank=True,
        help_text=_("Name buyers see on replies, e.g. Acme Support."),
    )
    email_signature = models.TextField(_("email signature"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="StoreMembership", related_name="stores", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StoreQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        constraints = [
            models.UniqueConstraint(fields=["platform", "marketplace", "name"], name="store_unique_per_platform"),
            models.CheckConstraint(
                condition=models.Q(platform__in=[p.value for p in Platform]), name="store_platform_valid"
            ),
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="store_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def short_label(self) -> str:
        """Platform and country, e.g. "Amazon DE", "eBay UK": tells apart stores sharing one name."""
        country = {"GB": "UK"}.get(self.region.upper(), self.region.upper())
        return f"{self.get_platform_display()} {country}".strip()


class StoreMembership(models.Model):
    """A user may see and work the tickets of the stores they are a member of."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_memberships")
    refund_approval_limit = models.DecimalField(
        _("refund approval limit"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Largest refund, in the store's currency, this user may approve alone. Empty: none."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("store membership")
        verbose_name_plural = _("store memberships")
        constraints = [
            models.UniqueConstraint(fields=["store", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(refund_approval_limit__isnull=True) | models.Q(refund_approval_limit__gte=0),
                name="membership_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.store}"


class MailboxKind(models.TextChoices):
    SUPPORT = "support", _("Support address")
    AMAZON_RELAY = "amazon_relay", _("Amazon buyer-seller relay")


class Mailbox(models.Model):
    """An address buyers write to; mail to it belongs to its store (anything else waits in quarantine)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="mailboxes")
    address = models.EmailField(_("address"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MailboxKind.choices, default=MailboxKind.SUPPORT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=MailboxKind.values), name="mailbox_kind_valid"),
            models.CheckConstraint(condition=models.Q(address=Lower("address")), name="mailbox_lower"),
        ]

    def __str__(self) -> str:
        return self.address


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name
