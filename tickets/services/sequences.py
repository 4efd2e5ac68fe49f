"""Allocating human-facing numbers from named counters, safely under concurrency."""

from __future__ import annotations

from django.db import connection

from ..models import Sequence


def next_value(name: str, *, start: int = 1000) -> int:
    """The next number of the named counter; the first is ``start + 1``."""
    return next_values(name, 1, start=start)[0]


def next_values(name: str, count: int, *, start: int = 1000) -> list[int]:
    """``count`` consecutive numbers of the named counter, in one statement under its row lock."""
    if count <= 0:
        return []
    table = connection.ops.quote_name(Sequence._meta.db_table)
    bigger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    # The UPDATE takes the row's lock until the transaction ends, as SELECT … FOR UPDATE did.
    sql = f"UPDATE {table} SET value = {bigger}(value, %s) + %s WHERE name = %s RETURNING value"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, count, name])
        row = cursor.fetchone()
        if row is None:  # a new counter: create it (a concurrent creator's row wins), then take
            Sequence.objects.bulk_create([Sequence(name=name, value=0)], ignore_conflicts=True)
            cursor.execute(sql, [start, count, name])
            row = cursor.fetchone()
    last = int(row[0])
    return list(range(last - count + 1, last + 1))
