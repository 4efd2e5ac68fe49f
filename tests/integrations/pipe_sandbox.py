"""Helpers of the pipe's tests: an in-process sandbox with a quiet scenario, stores connected to it,
and an empty in-process quota window per test (the shared-quota tests live in test_http_client)."""

from __future__ import annotations

import pytest

from integrations import http as http_module
from integrations.models import StoreConnection
from integrations.sandbox.core import Rates, World
from integrations.sandbox.server import Sandbox
from tests import factories

QUIET = Rates(orders=0, messages=0, returns=0, disputes=0)
CURRENCY = {"shopify": "USD", "amazon": "USD", "ebay": "EUR"}


@pytest.fixture(name="fresh_quota")
def fresh_quota_fixture(settings):
    settings.REDIS_URL = None
    http_module._limiter.cache_clear()
    yield
    http_module._limiter.cache_clear()


@pytest.fixture(name="sandbox")
def sandbox_fixture(fresh_quota):
    box = Sandbox(World(speed=1.0, rates=QUIET, seed=7)).start()
    yield box
    box.stop()


def connect(sandbox: Sandbox, platform: str, tenant: str, *, store=None, quota_scale: int = 1, **credentials):
    """A store (made if not given) connected to the sandbox tenant ``tenant``."""
    world = sandbox.world
    world.tenant(platform, tenant)
    store = store or factories.StoreFactory(
        platform=platform, name=f"{platform} {tenant}", currency=CURRENCY[platform], marketplace=tenant
    )
    module = world.modules[platform]
    StoreConnection.objects.create(
        store=store,
        base_url=f"{sandbox.base_url}/{platform}/{tenant}",
        credentials={**module.credentials(tenant), **credentials},
        quota_scale=quota_scale,
        sync_interval_seconds=60,
    )
    return store


def rewrite_answers(box: Sandbox, platform: str, path_part: str, rewrite) -> None:
    """Make the sandbox platform send what a real one sometimes does: ``rewrite(body)`` edits each
    JSON answer to a request whose path contains ``path_part`` before it leaves."""
    module = box.world.modules[platform]

    class Rewriting:
        def __getattr__(self, name):
            return getattr(module, name)

        def handle(self, world, state, request):
            response = module.handle(world, state, request)
            if path_part in request.path and isinstance(response.body, dict | list):
                rewrite(response.body)
            return response

    box.world.modules = {**box.world.modules, platform: Rewriting()}


def count_requests(box: Sandbox, platform: str, needle: bytes) -> list:
    """Requests to the sandbox platform whose body contains ``needle`` (e.g. b"refundCreate"),
    appended as they arrive: how often an action really reached the platform."""
    module = box.world.modules[platform]
    seen: list = []

    class Counting:
        def __getattr__(self, name):
            return getattr(module, name)

        def handle(self, world, state, request):
            if needle in (request.body or b""):
                seen.append(request.path)
            return module.handle(world, state, request)

    box.world.modules = {**box.world.modules, platform: Counting()}
    return seen
