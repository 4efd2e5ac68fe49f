"""The one HTTP client every adapter uses: timeouts, retries with exponential backoff and full
jitter on 5xx/429/connection errors, ``Retry-After`` honoured, a per-store and per-operation quota
shared by all workers (the ``limits`` library on Redis; in-process on the embedded default), and
structured logs that never carry a token, a header or a body.

A wait longer than ``MAX_INLINE_WAIT`` is never slept inside a task: ``RateLimited`` carries it out
to the sync loop, which gives the stream's cursor a next run time and frees the worker.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone
from limits import RateLimitItemPerSecond, storage, strategies

from .base import PermanentError, RateLimited, RetryableError

logger = logging.getLogger("integrations.http")

MAX_INLINE_WAIT = 5.0  # seconds a call may sleep for a quota or a Retry-After; longer goes to the cursor
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Quota:
    """A platform's limit for one operation: ``rate`` calls (or cost points) per second with a
    ``burst``. Enforced as a moving window of ``burst`` per ``burst / rate`` seconds, which never
    lets more through than the platform's token bucket would."""

    rate: float
    burst: int

    def scaled(self, factor: int) -> Quota:
        return Quota(self.rate * factor, self.burst * factor) if factor > 1 else self

    def item(self) -> RateLimitItemPerSecond:
        window = max(1, round(self.burst / self.rate))
        return RateLimitItemPerSecond(self.burst, window)


@lru_cache(maxsize=1)
def _limiter() -> strategies.MovingWindowRateLimiter:
    url = getattr(settings, "REDIS_URL", None)
    backend = storage.storage_from_string(url) if url else storage.MemoryStorage()
    return strategies.MovingWindowRateLimiter(backend)


def backoff(attempt: int) -> float:
    """Full jitter: a random wait up to base × 2^attempt, capped."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - timezone.now()).total_seconds())
        except (TypeError, ValueError):
            return None


class HttpClient:
    """One store's calls to one platform host."""

    def __init__(
        self,
        *,
        platform: str,
        store_id: int,
        base_url: str,
        quota_scale: int = 1,
        timeout: tuple[float, float] = (5.0, 30.0),
        max_retries: int = 4,
        session: requests.Session | None = None,
    ) -> None:
        self.platform = platform
        self.store_id = store_id
        self.base_url = base_url.rstrip("/")
        self.quota_scale = max(1, int(quota_scale))
        self.timeout = timeout
        self.max_retries = max_retries
        self.session = session or requests.Session()
        self.calls = 0  # platform calls made (for "calls per 1,000 records")
        self.throttled = 0  # 429s and throttle answers received

    # --- quotas ----------------------------------------------------------------------------
    def acquire(self, operation: str, quota: Quota | None, cost: int = 1) -> None:
        """Take ``cost`` from the shared (platform, store, operation) window, sleeping a short
        wait and raising RateLimited for a long one."""
        if quota is None:
            return
        item = quota.scaled(self.quota_scale).item()
        limiter = _limiter()
        keys = (self.platform, str(self.store_id), operation)
        deadline = time.monotonic() + MAX_INLINE_WAIT
        while not limiter.hit(item, *keys, cost=cost):
            reset = limiter.get_window_stats(item, *keys).reset_time
            wait = max(0.05, reset - time.time())
            if time.monotonic() + wait > deadline:
                raise RateLimited(f"{self.platform} {operation}: our quota is used up", wait_seconds=wait)
            time.sleep(wait)

    def wait(self, seconds: float, *, why: str) -> None:
        """Sleep a platform-asked wait if it is short, else hand it to the cursor."""
        self.throttled += 1
        if seconds > MAX_INLINE_WAIT:
            raise RateLimited(why, wait_seconds=seconds)
        time.sleep(seconds)

    # --- calls -----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        quota: Quota | None = None,
        cost: int = 1,
        min_wait_on_429: float = 0.0,
        retry_statuses: frozenset[int] = RETRY_STATUSES,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request, retried on what is worth retrying. Returns a 2xx/3xx response;
        raises RetryableError (incl. RateLimited) or PermanentError with the platform's words.

        ``min_wait_on_429``: a platform that sends no Retry-After (Amazon) must not be asked
        again before 1/rate seconds."""
        url = self.url(path)
        kwargs.setdefault("timeout", self.timeout)
        for attempt in range(self.max_retries + 1):
            self.acquire(operation, quota, cost)
            started = time.monotonic()
            self.calls += 1
            try:
                response = self.session.request(method, url, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                self._log(operation, method, url, None, started, attempt, error=type(error).__name__)
                if attempt == self.max_retries:
                    raise RetryableError(f"{self.platform} {operation}: {type(error).__name__}") from error
                time.sleep(backoff(attempt))
                continue
            self._log(operation, method, url, response.status_code, started, attempt)
            if response.status_code < 400:
                return response
            said = platform_words(response)
            if response.status_code in retry_statuses:
                if response.status_code == 429:
                    self.throttled += 1
                asked = retry_after(response)
                wait = max(
                    asked if asked is not None else backoff(attempt),
                    min_wait_on_429 if response.status_code == 429 else 0,
                )
                if attempt == self.max_retries or wait > MAX_INLINE_WAIT:
                    error_class = RateLimited if response.status_code == 429 else RetryableError
                    extra = {"wait_seconds": wait} if error_class is RateLimited else {}
                    raise error_class(
                        f"{self.platform} {operation}: HTTP {response.status_code}",
                        platform_message=said,
                        status=response.status_code,
                        **extra,
                    )
                time.sleep(wait)
                continue
            raise PermanentError(
                f"{self.platform} {operation}: HTTP {response.status_code}",
                platform_message=said,
                status=response.status_code,
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def _log(self, operation, method, url, status, started, attempt, *, error: str = "") -> None:
        # The path only: query strings can carry tokens (eBay, pre-signed report URLs).
        path = requests.utils.urlparse(url).path
        elapsed = round((time.monotonic() - started) * 1000)
        logger.info(
            "%s %s %s %s → %s in %d ms (store %s, attempt %d)%s",
            self.platform,
            operation,
            method,
            path,
            status if status is not None else "no answer",
            elapsed,
            self.store_id,
            attempt,
            f" {error}" if error else "",
            extra={
                "platform": self.platform,
                "store": self.store_id,
                "operation": operation,
                "method": method,
                "path": path,
                "status": status,
                "attempt": attempt,
                "ms": elapsed,
                "error": error,
            },
        )


def platform_words(response: requests.Response, limit: int = 500) -> str:
    """What the platform said, shortened, for the cursor, the raw payload or the outbox row."""
    text = response.text or ""
    return text[:limit]
