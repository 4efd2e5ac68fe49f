"""Messages of a ticket's thread: inbound, outbound and internal notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import scoped_manager


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    NOTE = "note", _("Internal note")


class SendStatus(models.TextChoices):
    NOT_APPLICABLE = "", _("Not applicable")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="messages")
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    body = models.TextField(_("body"), help_text=_("Sanitized HTML."))
    original_language = models.CharField(_("language"), max_length=16, blank=True)
    platform_message_id = models.CharField(_("platform message id"), max_length=191, blank=True)
    # Email threading and replies: the sender's address, the platform conversation the message
    # belongs to (an eBay conversation), and the id a reply must quote (eBay's ExternalMessageID).
    sender_address = models.CharField(_("sender address"), max_length=254, blank=True)
    thread_key = models.CharField(_("conversation"), max_length=191, blank=True)
    reply_to_id = models.CharField(max_length=191, blank=True)
    automated = models.BooleanField(
        _("automated"), default=False, help_text=_("An auto-reply or bounce: opens nothing, never answered.")
    )
    # An automatic reply: the rule that sent it (the timeline says "Rule ‹name› replied").
    sent_by_rule = models.ForeignKey("tickets.Rule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    send_error = models.TextField(_("send error"), blank=True)
    send_status = models.CharField(
        _("send status"), max_length=10, choices=SendStatus.choices, blank=True, default=SendStatus.NOT_APPLICABLE
    )
    created_at = models.DateTimeField(_("time"))

    objects = scoped_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "platform_message_id"],
                condition=models.Q(direction="inbound") & ~models.Q(platform_message_id=""),
                name="message_inbound_unique",
            ),
            models.CheckConstraint(condition=models.Q(direction__in=Direction.values), name="message_direction_valid"),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"]),
            # Threading looks up a Message-ID / In-Reply-To in either direction, and conversations.
            models.Index(fields=["store", "platform_message_id"], name="message_platform_id"),
            models.Index(fields=["store", "thread_key"], condition=~models.Q(thread_key=""), name="message_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on #{self.ticket_id}"
