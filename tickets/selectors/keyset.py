"""Keyset pagination over a few sort orders: a page continues after the last row's sort values,
so page 50 costs what page 1 costs (no OFFSET). A cursor is opaque to the client and only ever
read back as data: anything that is not one of ours is ignored (the first page is served)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.dateparse import parse_datetime


@dataclass(frozen=True)
class Key:
    field: str  # a model field, or an annotation the Sort adds
    descending: bool = False
    nullable: bool = False  # NULLs come last, whatever the direction
    kind: str = "datetime"  # "datetime" or "int"


@dataclass(frozen=True)
class Sort:
    name: str
    keys: tuple[Key, ...]  # the pk (same direction as the last key) breaks ties
    annotate: dict | None = None

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.annotate:
            queryset = queryset.annotate(**self.annotate)
        order = []
        for key in self.keys:
            # Only a nullable key names NULLS LAST: on the others it would keep PostgreSQL off the
            # plain DESC index (which sorts NULLs first).
            nulls = {"nulls_last": True} if key.nullable else {}
            order.append(F(key.field).desc(**nulls) if key.descending else F(key.field).asc(**nulls))
        order.append(F("id").desc() if self.keys[-1].descending else F("id").asc())
        return queryset.order_by(*order)

    def values_of(self, row) -> list:
        out = []
        for key in self.keys:
            value = getattr(row, key.field)
            out.append(value.isoformat() if isinstance(value, datetime) else value)
        return out

    def after(self, queryset: QuerySet, values: list, pk: int) -> QuerySet:
        """Rows strictly after (values, pk) in this order."""
        condition = Q()
        equal = Q()
        for key, value in zip(self.keys, values, strict=True):
            condition |= equal & _beyond(key, value)
            equal &= Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})
        last_desc = self.keys[-1].descending
        condition |= equal & Q(**{"id__lt" if last_desc else "id__gt": pk})
        return queryset.filter(condition)

    def before(self, queryset: QuerySet, values: list, pk: int) -> QuerySet:
        """Rows strictly before (values, pk) in this order, nearest first (the order reversed)."""
        if self.annotate:
            queryset = queryset.annotate(**self.annotate)
        condition = Q()
        equal = Q()
        for key, value in zip(self.keys, values, strict=True):
            condition |= equal & _short_of(key, value)
            equal &= Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})
        last_desc = self.keys[-1].descending
        condition |= equal & Q(**{"id__gt" if last_desc else "id__lt": pk})
        order = []
        for key in self.keys:  # reversed: NULLs, last going forward, come first going back
            nulls = {"nulls_first": True} if key.nullable else {}
            order.append(F(key.field).asc(**nulls) if key.descending else F(key.field).desc(**nulls))
        order.append(F("id").asc() if last_desc else F("id").desc())
        return queryset.filter(condition).order_by(*order)

    def position_of(self, row) -> list:
        """The sort values of a row loaded without this sort's annotations (a ticket page's ticket)."""
        values = []
        for key in self.keys:
            if key.field == "priority_rank" and not hasattr(row, key.field):
                values.append(PRIORITY_RANK.get(row.priority, 9))
            else:
                values.append(getattr(row, key.field))
        return values


def _beyond(key: Key, value) -> Q:
    if value is None:  # NULLs are last: nothing comes after them on this key
        return Q(pk__in=[])
    strict = Q(**{f"{key.field}__lt" if key.descending else f"{key.field}__gt": value})
    return strict | Q(**{f"{key.field}__isnull": True}) if key.nullable else strict


def _short_of(key: Key, value) -> Q:
    if value is None:  # NULLs are last: every row with a value comes before
        return Q(**{f"{key.field}__isnull": False})
    return Q(**{f"{key.field}__gt" if key.descending else f"{key.field}__lt": value})


PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

SORTS = {
    "activity": Sort("activity", (Key("last_activity_at", descending=True),)),
    "sla": Sort("sla", (Key("sla_due_at", nullable=True),)),
    "created": Sort("created", (Key("created_at", descending=True),)),
    "priority": Sort(
        "priority",
        (Key("priority_rank", kind="int"), Key("last_activity_at", descending=True)),
        annotate={
            "priority_rank": Case(
                *[When(priority=name, then=Value(rank)) for name, rank in PRIORITY_RANK.items()],
                default=Value(9),
                output_field=IntegerField(),
            )
        },
    ),
}


def encode(sort: Sort, row) -> str:
    raw = json.dumps([sort.name, sort.values_of(row), row.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(sort: Sort, cursor: str) -> tuple[list, int] | None:
    """The position a cursor of this sort names, or None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        name, values, pk = json.loads(raw)
    except (ValueError, UnicodeDecodeError, TypeError):
        return None
    if name != sort.name or not isinstance(values, list) or len(values) != len(sort.keys):
        return None
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
        return None
    parsed = []
    for key, value in zip(sort.keys, values, strict=True):
        if value is None:
            if not key.nullable:
                return None
            parsed.append(None)
        elif key.kind == "int":
            if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 2**31:
                return None
            parsed.append(value)
        else:
            try:  # well formed is not enough: month 13, an offset of +99:00, year 1 in UTC-1
                ok = isinstance(value, str) and re.fullmatch(r"[0-9T:.+\-Z ]{10,40}", value)
                when = parse_datetime(value) if ok else None
                if when is None or when.tzinfo is None:
                    return None
                parsed.append(when.astimezone(UTC))
            except (ValueError, OverflowError):
                return None
    return parsed, pk
