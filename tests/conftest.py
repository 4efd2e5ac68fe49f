"""Shared fixtures: users of each role, stores with members, and service markers that skip
tests needing PostgreSQL, Redis or Chromium where those are absent (the embedded run)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings

from tests import factories

# The refund tests' order (two lines and shipping) and its open ticket, as ``order`` and ``ticket``.
pytest_plugins = ["tests.refund_setup"]

IS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
# Each test starts with no triage rules: the shipped defaults (data migration 0017) are installed by
# the tests that measure them (tests/rules/test_triage_corpus.py), not in the test database.
settings.AFTERSALES_TRIAGE_DEFAULTS = False
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    skip_browser = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}")
    for item in items:
        if "postgres" in item.keywords and not IS_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not HAS_REDIS:
            item.add_marker(skip_redis)
        if "browser" in item.keywords and not shutil.which(CHROMIUM):
            item.add_marker(skip_browser)


@pytest.fixture
def shopify_store(db):
    return factories.StoreFactory(platform="shopify", name="Acme Shopify", currency="USD")


@pytest.fixture
def ebay_store(db):
    return factories.StoreFactory(platform="ebay", name="Acme eBay DE", currency="EUR", marketplace="EBAY_DE")


@pytest.fixture
def agent(shopify_store):
    return factories.user_with_role("agent_a", factories.AGENT, stores=[shopify_store])


@pytest.fixture
def other_agent(ebay_store):
    return factories.user_with_role("agent_b", factories.AGENT, stores=[ebay_store])


@pytest.fixture
def supervisor(shopify_store, ebay_store):
    return factories.user_with_role(
        "super", factories.SUPERVISOR, stores=[shopify_store, ebay_store], approval_limit="1000"
    )


@pytest.fixture
def finance(shopify_store, ebay_store):
    return factories.user_with_role("fin", factories.FINANCE, stores=[shopify_store, ebay_store])


@pytest.fixture(autouse=True)
def counts_counted_each_time(settings):
    # Ids repeat from test to test and the cache outlives each one: kept counts are tested apart.
    settings.INBOX_COUNTS_SECONDS = 0


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Tests create many users with passwords; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def triage_caches_cleared():
    # Rules and keyword sets are cached per process; a test's rows are rolled back without a save
    # signal, so each test starts from what it makes.
    from tickets.rules import cache, facts

    cache.clear_local()
    facts.clear_rates()
    yield
    cache.clear_local()
