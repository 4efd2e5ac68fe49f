"""The one protocol every platform adapter follows, and the errors they raise.

An adapter pulls a page of one stream since a cursor and pushes one outbox action. It builds
``tickets.records`` (the domain's boundary) and never writes to the database itself: the sync
loop (``integrations.sync``) stores the raw page, upserts the records and moves the cursor in one
transaction; the outbox drain (``integrations.outbox``) records what a push did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tickets.records import Record


class IntegrationError(Exception):
    """Base of what talking to a platform can go wrong with. ``platform_message`` is what the
    platform said (kept on the cursor, the raw payload or the outbox row)."""

    def __init__(self, message: str, *, platform_message: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.platform_message = platform_message
        self.status = status


class RetryableError(IntegrationError):
    """Try again later: a network error, a timeout, 5xx, 429."""


class RateLimited(RetryableError):
    """The platform or our own shared quota says wait ``wait_seconds``. Short waits are slept in
    the HTTP client; a long one surfaces here so the cursor gets a next run time instead of a
    task sleeping on the sync queue."""

    def __init__(self, message: str, *, wait_seconds: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.wait_seconds = wait_seconds


class PermanentError(IntegrationError):
    """Trying again will not help: bad credentials, a refusal (userErrors), a payload we cannot
    read. Pushes dead-letter at once; pulls record the error and go on."""


class UnknownOutcome(RetryableError):
    """A call that moves money timed out after sending: ask the platform before sending again."""


@dataclass(frozen=True)
class RawPage:
    """One platform answer, as received, before parsing: what RawPayload stores."""

    body: Any  # parsed JSON (dict/list) or, for XML/TSV/email, {"text": "..."} / {"base64": "..."}
    external_id: str = ""  # a stable name for the page (report id, page token hash, webhook id)


@dataclass(frozen=True)
class Page:
    """What one pull returns: the raw answers fetched, the records parsed from them, records
    that failed to parse (with their error), the cursor to store once the page is committed,
    and whether more pages follow at once."""

    raw: tuple[RawPage, ...]
    records: tuple[Record, ...]
    cursor: dict[str, Any]
    has_more: bool = False
    failures: tuple[tuple[Any, str], ...] = ()  # (the element that failed, the error)
    calls: int = 0  # platform calls this page took
    backfill: tuple[int, int] | None = None  # (done, total) while a first sync walks history


@dataclass(frozen=True)
class PushResult:
    """What pushing an outbox action did.

    ``done``: the platform accepted it (for an asynchronous refund: it was accepted, and
    ``pending`` says the final state comes later). ``reference`` is the platform's id of what it
    created (refund id, feed id, message id).
    """

    done: bool
    reference: str = ""
    pending: bool = False
    platform_message: str = ""
    amount: Any = None  # PlatformAmount the platform reports for a refund, when it says
    details: dict[str, Any] = field(default_factory=dict)


class Adapter(Protocol):
    """One store's connection to its platform. Built by ``registry.adapter_for(store)``."""

    platform: str
    streams: tuple[str, ...]  # e.g. ("orders", "returns", "messages", "disputes", "refunds")

    def pull(self, stream: str, cursor: dict[str, Any], *, now: datetime) -> Page:
        """Fetch the next page of ``stream`` after ``cursor`` ({} on the first run)."""
        ...

    def parse(self, stream: str, body: Any) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
        """Turn one stored answer (a RawPage body or a webhook body) of ``stream`` into records,
        with the elements that failed and why. Pure: the sync loop, webhooks, replays and
        ``ingest_payload`` all go through it."""
        ...

    def push(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult:
        """Carry out one outbox action (tickets.models.OutboxKind) on the platform."""
        ...

    def lookup(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult | None:
        """Before a retry: did this action already happen? A result if it did, None if not."""
        ...

    def test_connection(self) -> str:
        """Call the cheapest authenticated endpoint; return a short description of the account,
        or raise IntegrationError with what the platform said."""
        ...
