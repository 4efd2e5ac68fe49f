"""Shopify webhook signatures: ``X-Shopify-Hmac-Sha256`` = base64(HMAC-SHA256(raw body, secret))."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def verify(body: bytes, header: str, secrets: Iterable[str]) -> bool:
    """True if ``header`` signs the exact ``body`` bytes with one of ``secrets`` (the current one
    and, during a rotation, the previous). Compared in constant time; never parses the body."""
    if not header:
        return False
    given = header.strip().encode()
    matched = False
    for secret in secrets:
        if secret:
            # No early exit: every secret is tried, so timing tells nothing about which matched.
            matched |= hmac.compare_digest(signature(body, secret).encode(), given)
    return matched
