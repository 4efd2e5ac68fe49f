"""The sync loop: pull a stream page by page, store what came, upsert its records and move the
cursor in one transaction; and the same path for one raw body (webhooks, saved files, replays).

Invariants:
- a stream's cursor advances in the same transaction as the page it covers: a page whose ingest
  fails rolls back with its cursor, so the next run fetches it again (a cursor never skips a record);
- an ingested platform record is stored once, however often it is fetched or re-delivered
  (RawPayload is unique on (store, stream, external id, sha256) and on a webhook's delivery id;
  ingest upserts on (store, external id));
- one failing store never blocks another: each (store, stream) runs as its own task, and errors
  end up on its cursor, never in an exception that stops other streams.

Who runs a stream: no network call ever happens inside a transaction, so the cursor's row lock
cannot be held for a whole run. A run takes the row with SELECT … FOR UPDATE SKIP LOCKED in a short
transaction that stamps ``last_run_at`` and pushes ``next_run_at`` one interval ahead (so beat does
not send it again while it runs), and holds a run lock for its duration: a PostgreSQL session
advisory lock keyed by the cursor's id (freed by PostgreSQL when a killed worker's connection
drops: the lease expires with the worker), or a process-local lock on other databases (SQLite runs
one process). Needs a direct PostgreSQL session (not PgBouncer in transaction mode).

A failed page: when ingest raises (a record the database refuses), the page's transaction rolls
back, the cursor stays, and the raw page is kept in a separate transaction as a failed RawPayload
with the error, for the admin to see and replay. Elements the parser could not read are kept as
failed RawPayloads of their own (payload = the element, external id ``page:<id of the page row>``);
replaying one re-processes its page, as stored, and settles every element row of that page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Store

from . import registry
from .base import IntegrationError, Page, PermanentError, RateLimited
from .models import PayloadStatus, RawPayload, SyncCursor

logger = logging.getLogger("integrations.sync")

MAX_PAGES_PER_RUN = 20  # then the task gives the worker back and is sent again
DEFAULT_INTERVAL = 300
MAX_BACKOFF = 3600
ERROR_LIMIT = 2000
ADVISORY_NAMESPACE = 0x5E1C  # first key of pg_advisory_lock(int, int): "sync cursors"
PAGE_PREFIX = "page:"

_local_locks: set[int] = set()
_local_guard = threading.Lock()


@dataclass
class SyncOutcome:
    store_id: int
    stream: str
    status: str = "ok"  # ok | busy | rate_limited | error
    pages: int = 0
    records: int = 0
    failed: int = 0
    calls: int = 0
    has_more: bool = False
    error: str = ""
    next_run_at: datetime | None = None


# --- hashing and storing raw bodies --------------------------------------------------------------
def canonical(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(body: Any) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def _truncate(text: str) -> str:
    return text if len(text) <= ERROR_LIMIT else text[: ERROR_LIMIT - 1] + "…"


def describe(error: BaseException) -> str:
    said = getattr(error, "platform_message", "")
    text = str(error) or type(error).__name__
    return _truncate(f"{text}: {said}" if said and said not in text else text)


def _get_or_create_raw(
    store: Store, stream: str, body: Any, *, external_id: str = "", delivery_id: str = "", **fields: Any
) -> tuple[RawPayload, bool]:
    """One row per (store, stream, external id, body) and per delivery id; safe against a racing
    worker storing the same body (the unique constraints decide, the loser reads the winner's row)."""
    sha = digest(body)
    stream = stream[:32]
    external_id = external_id[:191]
    if delivery_id:
        existing = RawPayload.objects.filter(store=store, delivery_id=delivery_id).first()
        if existing is not None:
            return existing, False
    existing = RawPayload.objects.filter(store=store, stream=stream, external_id=external_id, sha256=sha).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = RawPayload.objects.create(
                store=store,
                stream=stream,
                external_id=external_id,
                sha256=sha,
                payload=body,
                delivery_id=delivery_id[:191],
                **fields,
            )
        return row, True
    except IntegrityError:
        lookup = {"delivery_id": delivery_id} if delivery_id else {"stream": stream, "external_id": external_id}
        row = (
            RawPayload.objects.filter(store=store, **lookup).filter(**({} if delivery_id else {"sha256": sha})).first()
        )
        if row is None:
            raise
        return row, False


def _digests(page: Page) -> list[tuple[bytes, str]]:
    """Each raw answer's canonical text and its digest, in page order."""
    texts = [canonical(raw.body) for raw in page.raw]
    return [(text, hashlib.sha256(text).hexdigest()) for text in texts]


def _store_page_raw(
    store: Store,
    stream: str,
    page: Page,
    *,
    records: int,
    moment: datetime,
    digests: list[tuple[bytes, str]] | None = None,
) -> int | None:
    """Keep a page's raw answers, already processed (the caller's transaction ingested their records),
    in three statements whatever their number: read which are stored already (an overlap fetched
    again: the same bytes), mark those processed again, insert the rest. The first answer's row
    carries the page's record count. Returns the id of that row (failed elements point at it)."""
    stream = stream[:32]
    bodies: dict[tuple[str, str], tuple[Any, bytes]] = {}
    for raw, (text, sha) in zip(page.raw, digests or _digests(page), strict=True):
        # The same answer twice in a page is one row, as get-or-create made it.
        bodies.setdefault((raw.external_id[:191], sha), (raw.body, text))
    if not bodies:
        return None
    keys = list(bodies)
    first = keys[0]
    if _is_postgres():
        return _store_page_raw_postgres(store, stream, bodies, records=records, moment=moment)
    held = _reprocess_held(store, stream, keys, first=first, records=records, moment=moment)
    new = [key for key in keys if key not in held]
    if new:
        # A plain insert: SQLite's INSERT OR IGNORE would also drop a row a NOT NULL or CHECK
        # refuses without a word (and SQLite runs one process: no race to lose).
        RawPayload.objects.bulk_create(
            [
                RawPayload(
                    store=store,
                    stream=stream,
                    external_id=external_id,
                    sha256=sha,
                    payload=bodies[(external_id, sha)][0],
                    status=PayloadStatus.PROCESSED,
                    records=records if (external_id, sha) == first else 0,
                    attempts=1,
                    processed_at=moment,
                )
                for external_id, sha in new
            ],
            batch_size=500,
        )
    if first in held:
        return held[first]
    if not page.failures:
        return None  # nobody needs the id: spare the query
    return (
        RawPayload.objects.filter(store=store, stream=stream, external_id=first[0], sha256=first[1])
        .values_list("pk", flat=True)
        .first()
    )


def _reprocess_held(
    store: Store, stream: str, keys: list[tuple[str, str]], *, first: tuple[str, str], records: int, moment: datetime
) -> dict[tuple[str, str], int]:
    """The rows among ``keys`` (external id, sha256) stored already, marked processed again (the
    first answer's row with the page's record count); returns their ids by key."""
    match = Q()
    for external_id, sha in keys:
        match |= Q(external_id=external_id, sha256=sha)
    held = {
        (external_id, sha): pk
        for pk, external_id, sha in RawPayload.objects.filter(match, store=store, stream=stream).values_list(
            "pk", "external_id", "sha256"
        )
    }
    if held:
        RawPayload.objects.filter(pk__in=list(held.values())).update(
            status=PayloadStatus.PROCESSED,
            error="",
            records=Case(When(pk=held[first], then=Value(records)), default=Value(0)) if first in held else 0,
            attempts=F("attempts") + 1,
            processed_at=moment,
        )
    return held


def _store_page_raw_postgres(
    store: Store, stream: str, bodies: dict[tuple[str, str], tuple[Any, bytes]], *, records: int, moment: datetime
) -> int | None:
    """``_store_page_raw`` on PostgreSQL, where a page's answers are almost always new: insert them
    all at once (ON CONFLICT DO NOTHING: an answer fetched again, or a racing worker's row, is
    skipped), then mark processed again only the rows the insert skipped. The body goes as the
    canonical JSON text already made for its digest (jsonb reads it), not encoded a second time."""
    keys = list(bodies)
    first = keys[0]
    params: list[Any] = []
    for external_id, sha in keys:
        params += [
            store.pk,
            stream,
            external_id,
            moment,
            bodies[(external_id, sha)][1].decode(),
            sha,
            PayloadStatus.PROCESSED,
            "",
            "",
            records if (external_id, sha) == first else 0,
            1,
            moment,
        ]
    row = "(%s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s, %s, %s)"
    with connection.cursor() as db:
        db.execute(
            f"INSERT INTO {RawPayload._meta.db_table} (store_id, stream, external_id, received_at, payload, sha256,"  # noqa: S608
            " status, error, delivery_id, records, attempts, processed_at)"
            f" VALUES {', '.join([row] * len(keys))} ON CONFLICT DO NOTHING RETURNING id, external_id, sha256",
            params,
        )
        ids = {(external_id, sha): pk for pk, external_id, sha in db.fetchall()}
    skipped = [key for key in keys if key not in ids]
    if skipped:
        ids.update(_reprocess_held(store, stream, skipped, first=first, records=records, moment=moment))
    return ids.get(first)


def _ingest(store: Store, records: tuple) -> int:
    if not records:
        return 0
    from tickets.services.ingest import ingest_records

    ingest_records(store, list(records))
    return len(records)


# --- the run lock ---------------------------------------------------------------------------------
def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def run_lock(cursor_id: int) -> Iterator[bool]:
    """Yield True when this process now runs the cursor, False when another run holds it."""
    if _is_postgres():
        with connection.cursor() as db:
            db.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, cursor_id])
            held = bool(db.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as db:
                    db.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_NAMESPACE, cursor_id])
        return
    with _local_guard:
        held = cursor_id not in _local_locks
        if held:
            _local_locks.add(cursor_id)
    try:
        yield held
    finally:
        if held:
            with _local_guard:
                _local_locks.discard(cursor_id)


def lease_held(cursor_id: int) -> bool:
    """Is a run of this cursor under way (in any process)?"""
    if _is_postgres():
        with connection.cursor() as db:
            db.execute(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = %s AND objid = %s"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                [ADVISORY_NAMESPACE, cursor_id],
            )
            return db.fetchone() is not None
    with _local_guard:
        return cursor_id in _local_locks


# --- the loop -------------------------------------------------------------------------------------
def interval_for(store: Store) -> int:
    try:
        return max(10, int(store.connection.sync_interval_seconds))
    except Exception:  # noqa: BLE001 - no connection: a mailbox-only store
        return DEFAULT_INTERVAL


def sync_stream(store_id: int, stream: str, *, now: datetime | None = None) -> SyncOutcome:
    """Pull ``stream`` of the store until it has no more pages (at most MAX_PAGES_PER_RUN)."""
    outcome = SyncOutcome(store_id=store_id, stream=stream)
    store = Store.objects.select_related("connection").get(pk=store_id)
    cursor_row, _created = SyncCursor.objects.get_or_create(store=store, stream=stream)
    with run_lock(cursor_row.pk) as held:
        if not held:
            outcome.status = "busy"
            return outcome
        interval = interval_for(store)
        with transaction.atomic():
            cursor = SyncCursor.objects.select_for_update(skip_locked=True).filter(pk=cursor_row.pk).first()
            if cursor is None:  # another worker is in its short transaction on this row
                outcome.status = "busy"
                return outcome
            started = now or timezone.now()
            cursor.last_run_at = started
            cursor.next_run_at = started + timedelta(seconds=interval)
            cursor.save(update_fields=["last_run_at", "next_run_at", "updated_at"])
        try:
            adapter = registry.adapter_for_stream(store, stream)
        except IntegrationError as error:
            return _record_error(cursor, outcome, error, interval, calls=0)
        _run_pages(store, stream, cursor, adapter, outcome, interval, now)
    return outcome


def _pull(adapter: Any, stream: str, position: dict, moment: datetime) -> tuple[Any, BaseException | None, int]:
    """One pull, its error (raised in the caller, in page order) and the platform calls it made;
    the page comes with its raw answers' canonical texts and digests. Runs on the prefetch thread
    too: adapters never touch the database (and the texts are made while the page before commits)."""
    http = getattr(adapter, "http", None)
    calls_before = getattr(http, "calls", 0)
    try:
        page = adapter.pull(stream, position, now=moment)
    except Exception as error:  # noqa: BLE001 - handed to the loop, which records it
        return None, error, getattr(http, "calls", 0) - calls_before
    calls = (http.calls - calls_before) if http is not None else page.calls
    try:
        digests = _digests(page)
    except Exception:  # noqa: BLE001 - made again in the page's commit, which fails and keeps it as before
        digests = None
    return (page, digests), None, calls


def _run_pages(store, stream, cursor, adapter, outcome, interval, now) -> None:
    # The next pull needs only the page's cursor, known before its commit: it runs on a thread
    # (one page ahead) while this one commits, so the platform's answer time and the database's
    # overlap. The cursor still moves only in its page's transaction: a prefetched page whose
    # predecessor failed to commit is dropped unsaved, and the next run fetches it again.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-prefetch") as pool:
        ahead: Future | None = None
        try:
            for page_number in range(MAX_PAGES_PER_RUN):
                if ahead is None:
                    pulled, error, calls = _pull(adapter, stream, dict(cursor.position or {}), now or timezone.now())
                else:
                    pulled, error, calls = ahead.result()
                    ahead = None
                if error is not None:
                    if isinstance(error, RateLimited):
                        _record_rate_limit(cursor, outcome, error, calls)
                    elif isinstance(error, IntegrationError):
                        _record_error(cursor, outcome, error, interval, calls=calls)
                    else:
                        # An adapter bug or an answer it cannot read: recorded on the cursor (the
                        # status page shows it) and retried at the next interval, never a crash that
                        # leaves the stream stuck with nobody told.
                        logger.error("pulling %s/%s failed", store.pk, stream, exc_info=error)
                        _record_error(cursor, outcome, error, interval, calls=calls)
                    return
                page, digests = pulled
                wait = (page.cursor or {}).get("next_run_in_seconds")
                if page.has_more and not wait and page_number + 1 < MAX_PAGES_PER_RUN:
                    ahead = pool.submit(_pull, adapter, stream, dict(page.cursor or {}), now or timezone.now())
                try:
                    _commit_page(store, stream, cursor, page, calls, interval, digests=digests)
                except Exception as error:  # noqa: BLE001 - any refusal of the page rolls it back and is kept
                    logger.exception("page of %s/%s failed to ingest", store.pk, stream)
                    _keep_failed_page(store, stream, page, error)
                    if ahead is not None:  # its calls were made; the page itself is not kept
                        calls += ahead.result()[2]
                        ahead = None
                    _record_error(cursor, outcome, error, interval, calls=calls)
                    return
                outcome.pages += 1
                outcome.calls += calls
                outcome.records += len(page.records)
                outcome.failed += len(page.failures)
                outcome.has_more = page.has_more
                if not page.has_more or wait:
                    break
        finally:
            if ahead is not None:  # not reached (an exception): wait for it, keep nothing
                ahead.result()
    outcome.next_run_at = cursor.next_run_at
    if outcome.has_more and outcome.pages >= MAX_PAGES_PER_RUN:
        # More right now: beat (or the task itself) picks it up again at once.
        SyncCursor.objects.filter(pk=cursor.pk).update(next_run_at=now or timezone.now())
        outcome.next_run_at = now or timezone.now()


def _high_water(records: tuple) -> datetime | None:
    moments = [
        getattr(record, name, None)
        for record in records
        for name in ("updated_at", "sent_at", "created_at")
        if isinstance(getattr(record, name, None), datetime)
    ]
    return max(moments) if moments else None


def _commit_page(
    store: Store,
    stream: str,
    cursor: SyncCursor,
    page: Page,
    calls: int,
    interval: int,
    *,
    digests: list[tuple[bytes, str]] | None = None,
) -> None:
    """Store the page's raw answers and failed elements, upsert its records, move the cursor: all or nothing."""
    moment = timezone.now()
    with transaction.atomic():
        if _is_postgres():
            # A crash that loses this commit loses the cursor's move with it: the page is asked
            # for again. So its commit need not wait for the disk (the platform keeps the data).
            with connection.cursor() as db:
                db.execute("SET LOCAL synchronous_commit = off")
        ingested = _ingest(store, page.records)
        anchor = _store_page_raw(store, stream, page, records=ingested, moment=moment, digests=digests)
        for element, error in page.failures:
            _store_failed_element(store, stream, element, error, anchor)
        position = dict(page.cursor or {})
        wait = position.get("next_run_in_seconds")
        if page.has_more and not wait:
            next_run = moment
        else:
            next_run = moment + timedelta(seconds=float(wait) if wait else interval)
        mark = _high_water(page.records)
        cursor.position = position
        if mark and (cursor.high_water_mark is None or mark > cursor.high_water_mark):
            cursor.high_water_mark = mark
        cursor.next_run_at = next_run
        cursor.last_success_at = moment
        cursor.last_error = ""
        cursor.consecutive_failures = 0
        cursor.records_total = F("records_total") + len(page.records)
        cursor.failed_total = F("failed_total") + len(page.failures)
        cursor.calls_total = F("calls_total") + calls
        fields = [
            "position",
            "high_water_mark",
            "next_run_at",
            "last_success_at",
            "last_error",
            "consecutive_failures",
            "records_total",
            "failed_total",
            "calls_total",
            "updated_at",
        ]
        if page.backfill is not None:
            cursor.backfill_done, cursor.backfill_total = page.backfill
            fields += ["backfill_done", "backfill_total"]
        cursor.save(update_fields=fields)
    cursor.refresh_from_db()


def _store_failed_element(store: Store, stream: str, element: Any, error: str, anchor: int | None) -> None:
    external_id = f"{PAGE_PREFIX}{anchor}" if anchor is not None else ""
    row, created = _get_or_create_raw(
        store, stream, element, external_id=external_id, status=PayloadStatus.FAILED, error=_truncate(str(error))
    )
    if not created and row.status != PayloadStatus.PROCESSED:
        RawPayload.objects.filter(pk=row.pk).update(error=_truncate(str(error)), status=PayloadStatus.FAILED)


def _keep_failed_page(store: Store, stream: str, page: Page, error: BaseException) -> None:
    # Outside the rolled-back transaction: what the platform sent is never lost.
    for raw in page.raw:
        try:
            row, _created = _get_or_create_raw(store, stream, raw.body, external_id=raw.external_id)
            RawPayload.objects.filter(pk=row.pk).exclude(status=PayloadStatus.PROCESSED).update(
                status=PayloadStatus.FAILED, error=describe(error), attempts=F("attempts") + 1
            )
        except Exception:  # noqa: BLE001 - keeping it is best effort; the cursor did not move anyway
            logger.exception("could not keep the failed page of %s/%s", store.pk, stream)


def _record_rate_limit(cursor: SyncCursor, outcome: SyncOutcome, error: RateLimited, calls: int) -> None:
    moment = timezone.now()
    next_run = moment + timedelta(seconds=max(1.0, float(error.wait_seconds)))
    SyncCursor.objects.filter(pk=cursor.pk).update(
        next_run_at=next_run, calls_total=F("calls_total") + calls, updated_at=moment
    )
    outcome.status = "rate_limited"
    outcome.calls += calls
    outcome.error = describe(error)
    outcome.next_run_at = next_run


def _record_error(
    cursor: SyncCursor, outcome: SyncOutcome, error: BaseException, interval: int, *, calls: int
) -> SyncOutcome:
    moment = timezone.now()
    failures = cursor.consecutive_failures + 1
    # Back off per failure, capped; a permanent error (a revoked token) waits at least the interval too.
    delay = min(MAX_BACKOFF, max(30, interval // 4) * 2 ** min(failures - 1, 10))
    if isinstance(error, PermanentError):
        delay = max(delay, interval)
    next_run = moment + timedelta(seconds=delay)
    SyncCursor.objects.filter(pk=cursor.pk).update(
        last_error=describe(error),
        last_error_at=moment,
        consecutive_failures=F("consecutive_failures") + 1,
        next_run_at=next_run,
        calls_total=F("calls_total") + calls,
        updated_at=moment,
    )
    cursor.refresh_from_db()
    outcome.status = "error"
    outcome.error = describe(error)
    outcome.calls += calls
    outcome.next_run_at = next_run
    return outcome


# --- one raw body: webhooks, saved files, replays -------------------------------------------------
def store_raw(store: Store, stream: str, body: Any, *, external_id: str = "", delivery_id: str = "") -> RawPayload:
    """Keep one body (status pending) and nothing else: quick enough for a webhook's 5 seconds."""
    row, _created = _get_or_create_raw(store, stream, body, external_id=external_id, delivery_id=delivery_id)
    return row


def ingest_raw(store: Store, stream: str, body: Any, *, external_id: str = "", delivery_id: str = "") -> RawPayload:
    """Keep one body and process it now. A body already processed is not processed again."""
    row = store_raw(store, stream, body, external_id=external_id, delivery_id=delivery_id)
    if row.status == PayloadStatus.PROCESSED:
        return row
    return process_payload(row.pk)


def process_payload(raw_id: int, *, force: bool = False) -> RawPayload:
    """Parse and ingest one stored body in one transaction; a failure leaves it failed with the error."""
    row = RawPayload.objects.select_related("store").get(pk=raw_id)
    if row.external_id.startswith(PAGE_PREFIX) and row.status != PayloadStatus.PROCESSED:
        return _replay_element(row)
    if row.status == PayloadStatus.PROCESSED and not force:
        return row
    store = row.store
    try:
        with transaction.atomic():
            locked = RawPayload.objects.select_for_update().get(pk=raw_id)
            if locked.status == PayloadStatus.PROCESSED and not force:
                return locked
            records, failures = registry.parser_for(store, locked.stream)(locked.payload)
            count = _ingest(store, tuple(records))
            locked.records = count
            locked.attempts += 1
            locked.processed_at = timezone.now()
            if failures:
                locked.status = PayloadStatus.FAILED
                locked.error = _truncate("\n".join(str(error) for _element, error in failures))
            else:
                locked.status = PayloadStatus.PROCESSED
                locked.error = ""
            locked.save(update_fields=["records", "attempts", "processed_at", "status", "error"])
            return locked
    except Exception as error:  # noqa: BLE001 - unreadable or refused: kept failed with the reason
        if not isinstance(error, IntegrationError | ValueError):
            logger.exception("raw payload %s failed to process", raw_id)
        RawPayload.objects.filter(pk=raw_id).update(
            status=PayloadStatus.FAILED, error=describe(error), attempts=F("attempts") + 1
        )
        row.refresh_from_db()
        return row


def _replay_element(row: RawPayload) -> RawPayload:
    """Re-process the page an element came from; settle every element row of that page."""
    try:
        page_id = int(row.external_id[len(PAGE_PREFIX) :])
        page_row = RawPayload.objects.get(pk=page_id, store_id=row.store_id)
    except (ValueError, RawPayload.DoesNotExist):
        RawPayload.objects.filter(pk=row.pk).update(error=_("The page this element came from is gone."))
        row.refresh_from_db()
        return row
    store = row.store
    try:
        with transaction.atomic():
            records, failures = registry.parser_for(store, page_row.stream)(page_row.payload)
            _ingest(store, tuple(records))
            still_failing = {digest(element): str(error) for element, error in failures}
            siblings = RawPayload.objects.select_for_update().filter(store=store, external_id=row.external_id)
            moment = timezone.now()
            for sibling in siblings:
                sibling.attempts += 1
                if sibling.sha256 in still_failing:
                    sibling.status, sibling.error = PayloadStatus.FAILED, _truncate(still_failing[sibling.sha256])
                else:
                    sibling.status, sibling.error, sibling.processed_at = PayloadStatus.PROCESSED, "", moment
                sibling.save(update_fields=["attempts", "status", "error", "processed_at"])
            for element, error in failures:
                _store_failed_element(store, page_row.stream, element, error, page_row.pk)
    except Exception as error:  # noqa: BLE001
        if not isinstance(error, IntegrationError | ValueError):
            logger.exception("replay of element %s failed", row.pk)
        RawPayload.objects.filter(pk=row.pk).update(error=describe(error), attempts=F("attempts") + 1)
    row.refresh_from_db()
    return row


def replay(raw_payload: RawPayload) -> RawPayload:
    """Process a failed (or any) stored body again: the admin's and the status page's button."""
    return process_payload(raw_payload.pk, force=True)
