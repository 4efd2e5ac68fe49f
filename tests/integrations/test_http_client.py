"""integrations.http.HttpClient against a small real HTTP server on 127.0.0.1: retries, waits,
the errors it raises and the quota shared by every client of one store."""

from __future__ import annotations

import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations import http as http_module
from integrations.base import PermanentError, RateLimited, RetryableError
from integrations.http import HttpClient, Quota


class Script:
    """Answers to give in order (the last one repeats), and the requests received."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], str]] = [(200, {}, '{"ok": true}')]
        self.requests: list[str] = []

    def next(self) -> tuple[int, dict[str, str], str]:
        index = min(len(self.requests), len(self.answers)) - 1
        return self.answers[index]


@pytest.fixture
def server():
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            script.requests.append(self.path)
            status, headers, body = script.next()
            data = body.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    script.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield script
    httpd.shutdown()
    httpd.server_close()


def client(script: Script, **kwargs) -> HttpClient:
    kwargs.setdefault("max_retries", 2)
    return HttpClient(platform="testplatform", store_id=kwargs.pop("store_id", 1), base_url=script.base_url, **kwargs)


def test_a_429_with_retry_after_is_waited_out_and_the_call_succeeds(server):
    server.answers = [(429, {"Retry-After": "0.05"}, "slow down"), (200, {}, '{"ok": true}')]
    http = client(server)
    response = http.request("GET", "/orders", operation="orders")
    assert response.json() == {"ok": True}
    assert len(server.requests) == 2
    assert http.throttled == 1


def test_a_429_without_retry_after_waits_at_least_min_wait_on_429(server):
    server.answers = [(429, {}, "QuotaExceeded")]
    with pytest.raises(RateLimited) as caught:
        client(server).request("GET", "/orders", operation="orders", min_wait_on_429=30)
    assert caught.value.wait_seconds == 30
    assert len(server.requests) == 1  # a wait over the inline limit goes to the cursor at once


def test_a_429_without_retry_after_or_minimum_is_retried_after_a_backoff(server):
    server.answers = [(429, {}, "QuotaExceeded"), (200, {}, "{}")]
    client(server).request("GET", "/orders", operation="orders")
    assert len(server.requests) == 2


def test_a_5xx_is_retried_then_succeeds(server):
    server.answers = [(503, {}, "busy"), (502, {}, "bad gateway"), (200, {}, '{"n": 1}')]
    response = client(server).request("GET", "/orders", operation="orders")
    assert response.json() == {"n": 1}
    assert len(server.requests) == 3


def test_a_5xx_forever_raises_retryable_with_the_platforms_words_after_max_retries(server):
    server.answers = [(500, {}, "Internal trouble at the platform")]
    with pytest.raises(RetryableError) as caught:
        client(server, max_retries=2).request("GET", "/orders", operation="orders")
    assert not isinstance(caught.value, RateLimited)
    assert caught.value.status == 500
    assert "Internal trouble at the platform" in caught.value.platform_message
    assert len(server.requests) == 3


def test_a_long_retry_after_raises_rate_limited_without_sleeping_or_asking_again(server):
    server.answers = [(429, {"Retry-After": "120"}, "daily limit")]
    with pytest.raises(RateLimited) as caught:
        client(server).request("GET", "/orders", operation="orders")
    assert caught.value.wait_seconds == 120
    assert len(server.requests) == 1


def test_connection_refused_raises_retryable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    http = HttpClient(platform="testplatform", store_id=1, base_url=f"http://127.0.0.1:{port}", max_retries=1)
    with pytest.raises(RetryableError) as caught:
        http.request("GET", "/orders", operation="orders")
    assert "ConnectionError" in str(caught.value)
    assert http.calls == 2


def test_a_4xx_raises_permanent_with_the_platforms_words_and_is_not_retried(server):
    server.answers = [(401, {}, '{"errors": "[API] Invalid API key or access token"}')]
    with pytest.raises(PermanentError) as caught:
        client(server).request("GET", "/orders", operation="orders")
    assert caught.value.status == 401
    assert "Invalid API key" in caught.value.platform_message
    assert len(server.requests) == 1


def test_calls_are_counted_for_the_sync_loop(server):
    server.answers = [(503, {}, "busy"), (200, {}, "{}")]
    http = client(server)
    http.request("GET", "/a", operation="orders")
    http.request("GET", "/b", operation="orders")
    assert http.calls == 3


def _two_clients_share_one_window(server) -> None:
    store_id = uuid.uuid4().int % 10**9  # a window of its own on a shared Redis
    quota = Quota(rate=0.01, burst=2)  # two calls per 200 s
    first, second = client(server, store_id=store_id), client(server, store_id=store_id)
    first.request("GET", "/1", operation="orders", quota=quota)
    second.request("GET", "/2", operation="orders", quota=quota)
    with pytest.raises(RateLimited) as caught:
        first.request("GET", "/3", operation="orders", quota=quota)
    assert caught.value.wait_seconds > http_module.MAX_INLINE_WAIT
    assert len(server.requests) == 2
    # Another store has its own window.
    client(server, store_id=store_id + 1).request("GET", "/4", operation="orders", quota=quota)
    assert len(server.requests) == 3


def test_two_clients_of_one_store_share_the_quota_in_memory(server, settings):
    settings.REDIS_URL = None
    http_module._limiter.cache_clear()
    try:
        _two_clients_share_one_window(server)
    finally:
        http_module._limiter.cache_clear()


@pytest.mark.redis
def test_two_clients_of_one_store_share_the_quota_on_redis(server, settings):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    http_module._limiter.cache_clear()
    try:
        assert "Redis" in type(http_module._limiter().storage).__name__
        _two_clients_share_one_window(server)
    finally:
        http_module._limiter.cache_clear()


def test_quota_scale_multiplies_the_window(server, settings):
    settings.REDIS_URL = None
    http_module._limiter.cache_clear()
    quota = Quota(rate=0.01, burst=1)
    http = client(server, store_id=uuid.uuid4().int % 10**9, quota_scale=3)
    for index in range(3):
        http.request("GET", f"/{index}", operation="orders", quota=quota)
    with pytest.raises(RateLimited):
        http.request("GET", "/4", operation="orders", quota=quota)
    assert len(server.requests) == 3
    http_module._limiter.cache_clear()
