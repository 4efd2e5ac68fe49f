"""SLA policies: response and resolution targets by priority, buyer tier and ticket type."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .customers import CustomerTier
from .scoping import scoped_manager
from .tickets import Priority, TicketType


class SlaPolicy(models.Model):
    name = models.CharField(_("name"), max_length=120)
    store = models.ForeignKey(
        "tickets.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
        help_text=_("Empty: every store."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    customer_tier = models.CharField(_("buyer tier"), max_length=16, choices=CustomerTier.choices, blank=True)
    ticket_type = models.CharField(_("ticket type"), max_length=20, choices=TicketType.choices, blank=True)
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    # After a failed QC the buyer is told what was found within this many business minutes.
    qc_reply_minutes = models.PositiveIntegerField(_("reply after a failed QC (minutes)"), default=48 * 60)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("The first matching policy applies."))
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = scoped_manager(include_global=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0, next_response_minutes__gt=0, resolution_minutes__gt=0),
                name="sla_targets_positive",
            ),
            models.CheckConstraint(condition=models.Q(qc_reply_minutes__gt=0), name="sla_qc_reply_positive"),
        ]

    def __str__(self) -> str:
        return self.name
