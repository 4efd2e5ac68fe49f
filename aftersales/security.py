"""Security plumbing the settings point at: the Content-Security-Policy middleware, the client address
django-axes counts failed logins by, and the filter that keeps secrets off error reports."""

from __future__ import annotations

import ipaddress
import re

from django.conf import settings
from django.views.debug import SafeExceptionReporterFilter

# Our pages load scripts and styles only from us. Images may come from https: hosts for the order
# panel's product pictures (platform CDNs); buyer HTML carries none (the sanitizer drops <img>).
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Django's admin runs only script files (its data rides on data- attributes and JSON script tags), but
# its templates and widgets still set inline style attributes.
ADMIN = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# drf-spectacular's Swagger UI page starts itself with an inline script and styles itself inline.
DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
POLICIES = (("/admin/", ADMIN), ("/api/docs/", DOCS))


def policy_for(path: str) -> str:
    for prefix, policy in POLICIES:
        if path.startswith(prefix):
            return policy
    return STRICT


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_for(request.path)
        return response


def client_ip_address(request) -> str | None:
    """The address django-axes locks out (AXES_CLIENT_IP_CALLABLE).

    Behind the TLS proxy (DJANGO_BEHIND_TLS_PROXY=1) REMOTE_ADDR is the proxy's, the same for every
    client, so one attacker's wrong passwords would lock the user out for all. Each proxy appends
    the address it saw to X-Forwarded-For, so with TLS_PROXY_COUNT proxies in front the client is
    that many entries from the right; whatever a client wrote there itself sits further left and is
    never read. Without the switch the header is ignored: anyone can send it.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_TLS_PROXY:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < settings.TLS_PROXY_COUNT:
        return remote
    candidate = entries[-settings.TLS_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# user:password@ in any URL (postgres://, redis://, amqp://, https:// …).
URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/@\s:]*:)[^/@\s]*@", re.I)


class SecretsHidingFilter(SafeExceptionReporterFilter):
    """Django's filter hides settings and META keys whose names look secret (KEY, PASS, TOKEN …);
    service URLs such as DATABASE_URL, REDIS_URL or CELERY_BROKER_URL, and a cache's LOCATION, carry
    their password inside the value under a harmless name. Hide those names and cut the password out
    of every URL-shaped value, so a debug page or an error mail never shows one."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DSN|DATABASE_URL|REDIS_URL|BROKER_URL|RESULT_BACKEND",
        flags=re.I,
    )

    def cleanse_setting(self, key, value):
        value = super().cleanse_setting(key, value)
        # type(), not isinstance(): a lazy object passes isinstance(…, str) without being one.
        if issubclass(type(value), str):
            return URL_PASSWORD.sub(rf"\g<head>{self.cleansed_substitute}@", value)
        return value
