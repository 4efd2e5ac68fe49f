"""Saved inbox views: a name for a query string of filters and sort, kept per user or shared."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SavedViewQuerySet":
        """The user's own views and every shared one (shared views are for everybody with access)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(models.Q(owner_id=user.pk) | models.Q(shared=True))


class SavedView(models.Model):
    """The query is normalised by tickets.selectors.saved_views before it is stored: known
    parameters only, in a fixed order, so it reads back as the inbox URL it was saved from."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared"), default=False, help_text=_("Shown to everybody who uses the inbox."))
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        permissions = [("share_savedview", _("Can share saved views and edit shared ones"))]
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", name="savedview_unique_name_per_owner"),
        ]
        indexes = [models.Index(fields=["shared", "position"], name="savedview_shared_idx")]

    def __str__(self) -> str:
        return self.name
