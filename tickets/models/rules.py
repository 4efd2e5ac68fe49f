"""Triage rules and the record of each run (a rule fires at most once per event)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import scoped_manager


class RuleEvent(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket created")
    MESSAGE_RECEIVED = "message_received", _("Message received")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    TICKET_UPDATED = "ticket_updated", _("Ticket updated")
    SLA_BREACHED = "sla_breached", _("SLA breached")


class Rule(models.Model):
    name = models.CharField(_("name"), max_length=120)
    store = models.ForeignKey(
        "tickets.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        help_text=_("Empty: every store."),
    )
    event = models.CharField(_("event"), max_length=24, choices=RuleEvent.choices)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    position = models.PositiveIntegerField(_("position"), default=0)
    stop_after_match = models.BooleanField(_("stop after match"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager(include_global=True)

    class Meta:
        ordering = ["event", "position", "id"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(event__in=RuleEvent.values), name="rule_event_valid"),
        ]
        indexes = [models.Index(fields=["event", "enabled", "position"])]

    def __str__(self) -> str:
        return self.name


class RuleRun(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="rule_runs")
    event_id = models.CharField(max_length=100)
    matched = models.BooleanField()
    actions_applied = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager("ticket__store")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        constraints = [models.UniqueConstraint(fields=["rule", "event_id"], name="rulerun_once_per_event")]

    def __str__(self) -> str:
        return f"{self.rule} on {self.event_id}"
