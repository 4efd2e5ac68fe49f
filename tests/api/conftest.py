"""Fixtures of the API tests: clients logged in as each role, and a private throttle cache."""

from __future__ import annotations

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture(autouse=True)
def throttle_cache(monkeypatch):
    """Each test starts with no throttle history (the default cache is a file shared by runs)."""
    cache = LocMemCache("api-throttle", {})
    cache.clear()  # LocMemCache instances of one name share their storage
    monkeypatch.setattr(SimpleRateThrottle, "cache", cache)
    return cache


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def anon() -> APIClient:
    return APIClient()
