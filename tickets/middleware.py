"""Per-request activation of the signed-in user's language and time zone.

Times are stored in UTC; with the user's zone active, ``localtime`` and the date filters show them
in that zone. The settings travel in the session (copied at sign-in and when changed on the
settings page), so no request pays a query for them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone, translation

from .services import profiles


class UserPreferencesMiddleware:
    """After AuthenticationMiddleware (it needs request.user) and LocaleMiddleware (it overrides
    the browser's language with the user's own choice, when they made one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = self._preferences(request)
        language = chosen.get("language") or ""
        if language in profiles.language_codes():
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        zone = chosen.get("time_zone") or ""
        try:
            timezone.activate(ZoneInfo(zone)) if zone else timezone.deactivate()
        except (ValueError, KeyError):  # a zone this machine no longer knows: the server's
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    @staticmethod
    def _preferences(request) -> dict:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return {}
        chosen = request.session.get(profiles.SESSION_KEY)
        if not isinstance(chosen, dict):  # a session from before this setting existed: once
            profiles.remember_in_session(request.session, profiles.preferences_of(user))
            chosen = request.session[profiles.SESSION_KEY]
        return chosen


@receiver(user_logged_in, dispatch_uid="tickets.preferences_at_login")
def _preferences_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        profiles.remember_in_session(request.session, profiles.preferences_of(user))
