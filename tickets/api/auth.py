"""API token authentication: django-rest-knox tokens, stored as a SHA-512 digest and expiring after
``AFTERSALES_API_TOKEN_TTL_HOURS``; the token itself is shown once, when it is issued."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
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
