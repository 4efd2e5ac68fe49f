"""A person's own settings: interface language, time zone, which notifications also come by e-mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import validate_time_zone


class UserProfile(models.Model):
    """One per user, made when they first save their settings; none means the defaults (the
    language the browser or the top bar's switch asks for, the server's time zone, no e-mail)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # Empty: whatever the browser asks for (LocaleMiddleware).
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    # Empty: the server's TIME_ZONE. Times are stored in UTC and shown in this zone.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, validators=[validate_time_zone])
    # Notification kinds (NotificationKind values) that are also sent by e-mail.
    email_kinds = models.JSONField(_("e-mail me about"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("user settings")
        verbose_name_plural = _("user settings")

    def __str__(self) -> str:
        return f"{self.user} · {self.language or '-'} · {self.time_zone or '-'}"
