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
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    # Time-based: the beat sweep (tickets/rules/clock.py) raises these; Rule.threshold says when.
    FIRST_RESPONSE_DUE = "first_response_due", _("First response due soon")
    BUYER_SILENT = "buyer_silent", _("No buyer reply for N days")
    NO_ACTIVITY = "no_activity", _("No activity for N days")
    CUSTOMS_HELD = "customs_held", _("Parcel in customs for N working days")
    APPROVAL_WAITING = "approval_waiting", _("Approval waiting for N hours")


# The unit of Rule.threshold for each time-based event.
TIME_EVENTS = {
    RuleEvent.FIRST_RESPONSE_DUE: "hours",
    RuleEvent.BUYER_SILENT: "days",
    RuleEvent.NO_ACTIVITY: "days",
    RuleEvent.CUSTOMS_HELD: "working_days",
    RuleEvent.APPROVAL_WAITING: "hours",
}


class MatchMode(models.TextChoices):
    WORD = "word", _("Whole word")
    PREFIX = "prefix", _("Word start (compounds)")
    SUBSTRING = "substring", _("Anywhere (Chinese, Japanese, Korean)")


class KeywordSet(models.Model):
    """A named, multilingual list of keywords the rules' text conditions match against.

    ``keywords``: ``[{"text": "refund", "lang": "en", "mode": "word"}, …]``; ``mode`` is a MatchMode.
    Validated by tickets/rules/keywords.py (``validate_keywords``), the only writer's check."""

    name = models.SlugField(_("name"), max_length=60, allow_unicode=False)
    label = models.CharField(_("label"), max_length=120, blank=True)
    store = models.ForeignKey(
        "tickets.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="keyword_sets",
        help_text=_("Empty: every store."),
    )
    description = models.TextField(_("description"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager(include_global=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("keyword set")
        verbose_name_plural = _("keyword sets")
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(store__isnull=True), name="keywordset_global_name_unique"
            ),
            models.UniqueConstraint(fields=["store", "name"], name="keywordset_store_name_unique"),
        ]

    def __str__(self) -> str:
        return self.label or self.name


class Rule(models.Model):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    store = models.ForeignKey(
        "tickets.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        help_text=_("Empty: every store."),
    )
    event = models.CharField(_("event"), max_length=24, choices=RuleEvent.choices)
    # Time-based events only: N hours / days / working days (TIME_EVENTS gives the unit).
    threshold = models.PositiveIntegerField(_("after"), null=True, blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    position = models.PositiveIntegerField(_("position"), default=0)
    stop_after_match = models.BooleanField(_("stop after match"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Shipped by a data migration (tickets/rules/defaults.py): editable and can be disabled.
    is_default = models.BooleanField(_("shipped default"), default=False)
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
    event = models.CharField(_("event"), max_length=24, blank=True)
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
