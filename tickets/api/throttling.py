"""Request throttles of the API, counting each client by the address django-axes locks out."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from aftersales.security import client_ip_address


class ClientAddressScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, with the client told apart as aftersales.security does.

    DRF's own ``get_ident`` trusts X-Forwarded-For whenever NUM_PROXIES is unset, so a client
    talking to us directly could write a fresh address per request and never be throttled. Reading
    it the way the login lock-out does keeps one definition of "this client" for both.
    """

    def get_ident(self, request: Request) -> str:
        return client_ip_address(request) or ""
