"""Keeps each ticket's search document (``TicketSearch``) in step with its searchable text.

``refresh_documents`` rebuilds the documents of a set of tickets in one SQL statement: subject,
buyer name, tags, return comments and every message (HTML dropped), stemmed in the ticket's
language where PostgreSQL has a configuration for it, plus the same text unstemmed ('simple') so
a word matches whatever the language, plus the overlapping pairs of CJK characters as lexemes of
their own (PostgreSQL has no parser for Chinese, Japanese or Korean).

The write paths that change searchable text (ingest pages, replies, notes, tags, new returns)
call ``refresh_on_commit``; the beat task ``reindex_stale`` rebuilds any document older than its
ticket's last activity, which catches a refresh that failed or a path that does not call it.
On SQLite nothing is indexed: search reads the ticket's own columns there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Message, ReturnAuthorization, Tag, Ticket, TicketSearch
from ..models.customers import Customer
from ..models.stores import Store
from ..selectors.search import CJK_CLASS, STEMMED

logger = logging.getLogger(__name__)

# A thread longer than this is indexed by its first part: tsvector holds at most 1 MB.
MAX_DOCUMENT_CHARS = 200_000
BATCH = 1_000
RECENT = timedelta(days=2)  # what the every-minute sweep looks at; the hourly one looks at all
WINDOW = 5_000  # ids per step of the hourly sweep
SWEEP_POSITION_KEY = "search-index:sweep-position"


def enabled() -> bool:
    return connection.vendor == "postgresql"


def _language_case(column: str) -> str:
    """SQL: the configuration name for an ISO code in ``column`` (constants only, no input)."""
    whens = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in sorted(STEMMED.items()))
    return f"(CASE lower(split_part(replace({column}, '_', '-'), '-', 1)) {whens} ELSE 'simple' END)::regconfig"


def _build_sql() -> str:
    ticket, customer, store = Ticket._meta.db_table, Customer._meta.db_table, Store._meta.db_table
    message, rma, tag = Message._meta.db_table, ReturnAuthorization._meta.db_table, Tag._meta.db_table
    tagged = Ticket.tags.through._meta.db_table
    search = TicketSearch._meta.db_table
    language = _language_case("coalesce(nullif(t.language, ''), nullif(c.language, ''), s.language, '')")
    return f"""
WITH source AS (
    SELECT t.id, t.last_activity_at, {language} AS config,
        left(concat_ws(' ', t.subject, c.name,
            (SELECT string_agg(g.name, ' ') FROM {tagged} tt JOIN {tag} g ON g.id = tt.tag_id
              WHERE tt.ticket_id = t.id),
            (SELECT string_agg(r.buyer_comment, ' ') FROM {rma} r WHERE r.ticket_id = t.id),
            (SELECT string_agg(regexp_replace(m.body, '<[^>]*>', ' ', 'g'), ' ' ORDER BY m.created_at, m.id)
               FROM {message} m WHERE m.ticket_id = t.id)
        ), {MAX_DOCUMENT_CHARS}) AS body
    FROM {ticket} t
    JOIN {store} s ON s.id = t.store_id
    LEFT JOIN {customer} c ON c.id = t.customer_id
    WHERE t.id = ANY(%(ids)s)
)
INSERT INTO {search} (ticket_id, activity_at, document)
SELECT source.id, source.last_activity_at,
    to_tsvector(source.config, source.body)
    || to_tsvector('simple'::regconfig, source.body)
    || array_to_tsvector(coalesce((
        SELECT array_agg(DISTINCT substr(run.text, step.i, 2))
        FROM regexp_matches(source.body, %(cjk)s, 'g') AS found(match)
        CROSS JOIN LATERAL (SELECT found.match[1] AS text) AS run
        CROSS JOIN LATERAL generate_series(1, char_length(run.text) - 1) AS step(i)
    ), '{{}}'::text[]))
FROM source
ON CONFLICT (ticket_id) DO UPDATE SET activity_at = EXCLUDED.activity_at, document = EXCLUDED.document
    WHERE {search}.activity_at <= EXCLUDED.activity_at
"""  # noqa: S608 - table names and the language map are constants; ids and the pattern are params


def refresh_documents(ticket_ids: Iterable[int]) -> int:
    """Rebuild the documents of these tickets (one statement per BATCH ids); returns how many."""
    ids = sorted({int(pk) for pk in ticket_ids if pk})
    if not ids or not enabled():
        return 0
    sql = _build_sql()
    done = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            cursor.execute(sql, {"ids": ids[start : start + BATCH], "cjk": f"[{CJK_CLASS}]{{2,}}"})
            done += cursor.rowcount
    return done


def rebuild_all(*, batch: int = 5_000) -> int:
    """Build every ticket's document, walking the tickets by id range (linear at any size: an
    import, a restore, a benchmark's fill). Returns how many documents were written."""
    if not enabled():
        return 0
    done, last = 0, 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        done += refresh_documents(ids)
        last = ids[-1]


def _sweep_key() -> str:
    """The sweep's position is of one database: the cache may serve several (staging, a bench)."""
    settings_dict = connection.settings_dict
    return f"{SWEEP_POSITION_KEY}:{settings_dict.get('HOST') or ''}:{settings_dict.get('PORT') or ''}:{settings_dict['NAME']}"


def refresh_on_commit(ticket_ids: Iterable[int]) -> None:
    """Rebuild these tickets' documents once the current transaction commits. A failure is only
    logged: the change itself is committed, and the beat sweep rebuilds the document later."""
    ids = sorted({int(pk) for pk in ticket_ids if pk})
    if ids and enabled():
        transaction.on_commit(lambda: _refresh_logged(ids), robust=True)


def _refresh_logged(ids: list[int]) -> None:
    try:
        refresh_documents(ids)
    except Exception:  # the beat sweep retries; a failed index must not fail the caller's request
        logger.exception("search documents of %d tickets not refreshed; the sweep will", len(ids))


def stale_ticket_ids(*, since=None, limit: int = BATCH) -> list[int]:
    """Tickets without a document or whose document is older than their last activity, newest
    first; only those active since ``since`` when given (a range of the inbox's activity index)."""
    tickets = Ticket.objects.all()
    if since is not None:
        tickets = tickets.filter(last_activity_at__gte=since)
    stale = tickets.filter(
        Q(search_document__isnull=True) | Q(search_document__activity_at__lt=F("last_activity_at"))
    ).order_by("-last_activity_at", "-id")
    return list(stale.values_list("id", flat=True)[:limit])


def reindex_stale(*, recent_only: bool = True, budget_seconds: float = 0, now=None) -> int:
    """The safety net: rebuild stale documents; returns how many.

    ``recent_only``: tickets active in the last RECENT, newest first (a range of the activity
    index, cheap enough for every minute). Otherwise every ticket, walked by id window (each
    window one indexed range, so a million tickets cost a linear pass, not a rescan per batch),
    until the end or ``budget_seconds``; the next run goes on where this one stopped."""
    if not enabled():
        return 0
    started, done = time.monotonic(), 0
    if recent_only:
        since = (now or timezone.now()) - RECENT
        while True:
            ids = stale_ticket_ids(since=since, limit=BATCH)
            if not ids:
                return done
            done += refresh_documents(ids)
            if len(ids) < BATCH or time.monotonic() - started >= budget_seconds:
                return done
    key = _sweep_key()
    position = cache.get(key, 0)
    wrapped = position == 0  # started at the beginning: the end of the table ends the run
    while True:
        # The next window starts at the first ticket past the position: gaps in the ids cost nothing.
        first = Ticket.objects.filter(pk__gt=position).order_by("pk").values_list("pk", flat=True).first()
        if first is None and not wrapped:
            position, wrapped = 0, True  # past the end (or a position of before a restore): start over now
            continue
        if first is None:
            cache.set(key, 0, None)  # the whole table seen: the next run starts over
            return done
        window = Ticket.objects.filter(pk__gte=first, pk__lt=first + WINDOW)
        stale = window.filter(
            Q(search_document__isnull=True) | Q(search_document__activity_at__lt=F("last_activity_at"))
        )
        done += refresh_documents(stale.values_list("pk", flat=True))
        position = first + WINDOW - 1
        if time.monotonic() - started >= budget_seconds:
            cache.set(key, position, None)
            return done
