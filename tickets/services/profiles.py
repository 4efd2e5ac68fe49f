"""A person's own settings: language, time zone and which notifications also come by e-mail.

The middleware (tickets/middleware.py) reads them from the session on every request, so pages
ask the database nothing for them; they are copied there at sign-in and whenever they change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import DomainError, PermissionDenied
from ..models import UserProfile
from ..models.notifications import NotificationKind
from ..validators import validate_time_zone
from . import audit

SESSION_KEY = "aftersales_preferences"


@dataclass(frozen=True)
class Preferences:
    language: str = ""  # empty: as the browser asks
    time_zone: str = ""  # empty: the server's TIME_ZONE
    email_kinds: tuple[str, ...] = ()


def preferences_of(user) -> Preferences:
    profile = UserProfile.objects.filter(user_id=user.pk).first()
    if profile is None:
        return Preferences()
    return Preferences(profile.language, profile.time_zone, tuple(profile.email_kinds or ()))


def remember_in_session(session, preferences: Preferences) -> None:
    """What the middleware activates on the next requests of this session."""
    session[SESSION_KEY] = {"language": preferences.language, "time_zone": preferences.time_zone}


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def update_settings(
    *,
    user,
    actor,
    language: str | None = None,
    time_zone: str | None = None,
    email_kinds: Iterable[str] | None = None,
) -> Preferences:
    """Change a user's own settings (None keeps a setting as it is). A bad value changes nothing
    and names its field (``error.params["field"]``)."""
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied()
    if language is not None and language not in language_codes() | {""}:
        raise DomainError(_("Choose English or Simplified Chinese."), field="language")
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone:
            try:
                validate_time_zone(time_zone)
            except ValidationError:
                raise DomainError(
                    _("“%(value)s” is not a time zone name; write it like Europe/Berlin or Asia/Shanghai.")
                    % {"value": time_zone[:64]},
                    field="time_zone",
                ) from None
    if email_kinds is not None:
        email_kinds = list(dict.fromkeys(email_kinds))
        if any(kind not in NotificationKind.values for kind in email_kinds):
            raise DomainError(_("Choose notifications from the list."), field="email_kinds")
    with transaction.atomic():
        profile, _created = UserProfile.objects.select_for_update().get_or_create(user=user)
        before = {"language": profile.language, "time_zone": profile.time_zone, "email_kinds": profile.email_kinds}
        if language is not None:
            profile.language = language
        if time_zone is not None:
            profile.time_zone = time_zone
        if email_kinds is not None:
            profile.email_kinds = sorted(email_kinds)
        after = {"language": profile.language, "time_zone": profile.time_zone, "email_kinds": profile.email_kinds}
        if after != before:
            profile.save()
            audit.record(actor=actor, action="user.settings_changed", obj=profile, before=before, after=after)
    return Preferences(profile.language, profile.time_zone, tuple(profile.email_kinds))
