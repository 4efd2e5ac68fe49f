"""Tickets: the unit an agent works, with its type, reason, tags and SLA clock."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..states import TicketStatus
from .scoping import scoped_manager


class TicketType(models.TextChoices):
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    RESHIP = "reship", _("Reship")
    REFUND = "refund", _("Refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund without return")
    INQUIRY = "inquiry", _("Inquiry")
    COMPLAINT = "complaint", _("Complaint")
    DISPUTE = "dispute", _("Dispute")


class TicketReason(models.TextChoices):
    SIZE = "size", _("Size")
    QUALITY_DEFECT = "quality_defect", _("Quality defect")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGED_IN_TRANSIT = "damaged_in_transit", _("Damaged in transit")
    LOST = "lost", _("Lost")
    LATE = "late", _("Late")
    CUSTOMS = "customs", _("Customs")
    CHANGED_MIND = "changed_mind", _("Changed mind")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    """How the buyer reached us, so a reply goes back the same way."""

    EMAIL = "email", _("Email")
    EBAY = "ebay", _("eBay messages")
    MARKETPLACE = "marketplace", _("Marketplace (return or dispute)")
    PORTAL = "portal", _("Buyer portal")
    WEB = "web", _("Created by an agent")
    # Tickets an agent opens by hand for a conversation held elsewhere (nothing is sent back).
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=50, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="tickets")
    customer = models.ForeignKey(
        "tickets.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    order = models.ForeignKey("tickets.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets")
    # A buyer's message on a closed ticket opens a follow-up linked to it (closed stays closed).
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("follow-up of"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    # A return or dispute that arrived before its order: the platform's order id, so the order
    # adopts the ticket when it is synced (empty once linked).
    awaiting_order_external_id = models.CharField(max_length=128, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices, default=TicketType.INQUIRY)
    reason = models.CharField(_("reason"), max_length=24, choices=TicketReason.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    team = models.ForeignKey("tickets.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    language = models.CharField(_("language"), max_length=16, blank=True)
    # Set by triage rules: the macro the reply box offers first, and an SLA policy chosen over the
    # first matching one.
    suggested_macro = models.ForeignKey(
        "tickets.Macro",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested macro"),
    )
    sla_policy = models.ForeignKey(
        "tickets.SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    # Set while a failed QC waits for the buyer to be told (met by the first reply after it).
    qc_reply_due_at = models.DateTimeField(_("reply after failed QC due"), null=True, blank=True)
    # The nearest due time still running (None while paused or stopped): what the inbox sorts by.
    sla_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("SLA paused"), null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(_("SLA paused (business seconds)"), default=0)
    sla_state = models.CharField(
        _("SLA state"), max_length=10, blank=True, help_text=_("at_risk or breached: set by the SLA sweep")
    )
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    last_message_preview = models.CharField(max_length=200, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    csat_score = models.PositiveSmallIntegerField(_("CSAT"), null=True, blank=True)
    csat_comment = models.TextField(_("CSAT comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=TicketStatus.values), name="ticket_status_valid"),
            models.CheckConstraint(condition=models.Q(type__in=TicketType.values), name="ticket_type_valid"),
            models.CheckConstraint(
                condition=models.Q(reason__in=[*TicketReason.values, ""]), name="ticket_reason_valid"
            ),
            models.CheckConstraint(condition=models.Q(priority__in=Priority.values), name="ticket_priority_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="ticket_channel_valid"),
            models.CheckConstraint(
                condition=models.Q(csat_score__isnull=True) | models.Q(csat_score__gte=1, csat_score__lte=5),
                name="ticket_csat_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=TicketStatus.CLOSED) | models.Q(closed_at__isnull=False),
                name="ticket_closed_has_time",
            ),
        ]
        # The inbox sorts by last activity (keyset on it and id) within status, store or assignee.
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="ticket_inbox_all"),
            models.Index(fields=["status", "-last_activity_at", "-id"], name="ticket_inbox_status"),
            models.Index(fields=["store", "status", "-last_activity_at", "-id"], name="ticket_inbox_store"),
            models.Index(fields=["assignee", "status", "-last_activity_at", "-id"], name="ticket_inbox_assignee"),
            models.Index(fields=["type", "status", "-last_activity_at"], name="ticket_inbox_type"),
            # Sorted by creation, and the created-from/to filters (a range of it).
            models.Index(fields=["-created_at", "-id"], name="ticket_inbox_created"),
            models.Index(fields=["status", "resolution_due_at"], name="ticket_sla_due"),
            # Sorted by SLA: nearest due first, paused ones (NULL) last, as ASC sorts them.
            models.Index(fields=["sla_due_at", "id"], name="ticket_inbox_sla"),
            models.Index(
                fields=["store", "awaiting_order_external_id"],
                condition=~models.Q(awaiting_order_external_id=""),
                name="ticket_awaiting_order",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"
