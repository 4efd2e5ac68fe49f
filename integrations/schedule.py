"""Which (store, stream) pairs are due for a sync: what beat's ``schedule_syncs`` sends."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from tickets.models import Store

from . import registry
from .models import SyncCursor
from .sync import interval_for, lease_held


def due_streams(now: datetime | None = None) -> list[tuple[int, str]]:
    """Every stream of every enabled store whose cursor is due: never run, or next_run_at passed
    (with no next run recorded, due once the store's interval has passed since the last run).
    A stream whose run is under way is left alone, so a slow stream is not sent again and again."""
    now = now or timezone.now()
    due: list[tuple[int, str]] = []
    stores = Store.objects.filter(enabled=True).select_related("connection").order_by("pk")
    for store in stores:
        streams = registry.streams_for(store)
        if not streams:
            continue
        cursors = {cursor.stream: cursor for cursor in SyncCursor.objects.filter(store=store, stream__in=streams)}
        interval = timedelta(seconds=interval_for(store))
        for stream in streams:
            cursor = cursors.get(stream)
            if cursor is not None and not _is_due(cursor, now, interval):
                continue
            if cursor is not None and lease_held(cursor.pk):
                continue
            due.append((store.pk, stream))
    return due


def _is_due(cursor: SyncCursor, now: datetime, interval: timedelta) -> bool:
    if cursor.next_run_at is not None:
        return cursor.next_run_at <= now
    return cursor.last_run_at is None or cursor.last_run_at + interval <= now
