"""Macros: canned replies in several languages, with placeholders and actions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import scoped_manager


class Macro(models.Model):
    name = models.CharField(_("name"), max_length=120)
    store = models.ForeignKey(
        "tickets.Store",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="macros",
        help_text=_("Empty: every store."),
    )
    actions = models.JSONField(_("actions"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager(include_global=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.name


class MacroVariant(models.Model):
    """One language of a macro. Placeholders: {{customer.name}}, {{order.number}}, {{rma.number}} …"""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=16)
    body = models.TextField(_("body"))

    objects = scoped_manager("macro__store", include_global=True)

    class Meta:
        ordering = ["language"]
        verbose_name = _("macro language")
        verbose_name_plural = _("macro languages")
        constraints = [models.UniqueConstraint(fields=["macro", "language"], name="macrovariant_unique_language")]

    def __str__(self) -> str:
        return f"{self.macro} [{self.language}]"
