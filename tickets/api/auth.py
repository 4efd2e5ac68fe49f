"""API token authentication: django-rest-knox tokens, stored as a SHA-512 digest and expiring after
``AFTERSALES_API_TOKEN_TTL_HOURS``; the token itself is shown once, when it is issued. A password
change revokes all of that user's tokens (registered in TicketsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth as knox_auth
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.request import Request


class TokenAuthentication(knox_auth.TokenAuthentication):
    """Knox's ``Authorization: Token <token>``, refusing a header that is not text with a 401.

    Knox decodes the header as UTF-8 and would raise (a 500) on any other byte.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(_('An API token from POST /api/auth/token/, sent as "Token <token>".')),
        }


class LockedOut(exceptions.Throttled):
    default_detail = _("Too many failed logins for this username; try again later.")
    default_code = "locked_out"


def issue_token(request: Request, *, username: str, password: str) -> tuple[AuthToken, str]:
    """Check the credentials and issue a new token; the clear token is returned, never stored."""
    # The DRF request, not the Django one: a lock-out stays a JSON answer instead of axes' page.
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        raise exceptions.AuthenticationFailed(_("Unable to log in with the provided credentials."))
    if not user.is_active:  # ModelBackend refuses inactive users already; a custom backend might not
        raise exceptions.AuthenticationFailed(_("Unable to log in with the provided credentials."))
    return AuthToken.objects.create(user=user)


def revoke_token(token: AuthToken) -> None:
    token.delete()


# Not the password_changed hook or a view: a password written any way a model save takes (set_password,
# the admin, a form, a fixture) must end the tokens issued under the old one, as it ends sessions.
@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-token-password-check")
def _note_password_change(sender: type, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return  # a new user has no tokens; a last_login update leaves the hash alone
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        instance._revoke_api_tokens = True


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api-token-password-revoke")
def _revoke_tokens_after_password_change(sender: type, instance: Any, **kwargs: Any) -> None:
    if instance.__dict__.pop("_revoke_api_tokens", False):
        AuthToken.objects.filter(user=instance).delete()
