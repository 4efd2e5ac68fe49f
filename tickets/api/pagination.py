"""Keyset (cursor) pagination of every API list: ordered by one column then the id, and a page
continues strictly after the (column, id) of the row before it, so its cost does not grow with
depth, rows added meanwhile never shift a page, and rows sharing the column value are never
skipped or repeated (a position plus an offset, as DRF's own cursor keeps, breaks past 1,000 ties).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .contract import MAX_ID, QueryContract, pagination_contract, parse_integer

FORWARD, BACKWARD = "n", "p"


class KeysetPagination(BasePagination):
    """``ordering`` is (column, id), both ascending or both descending (a ``-`` prefix)."""

    ordering: tuple[str, str] = ("-id", "-id")
    page_size = 50
    max_page_size = 200
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    # DRF's wording, so its catalogues translate it.
    invalid_cursor_message = CursorPagination.invalid_cursor_message

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        column, tie = cls.ordering
        if tie.lstrip("-") != "id" or column.startswith("-") != tie.startswith("-"):
            raise TypeError(f"{cls.__name__}.ordering must be (column, id) in one direction.")

    @classmethod
    def contract(cls) -> QueryContract:
        return pagination_contract(cls.max_page_size)

    # --- reading a page -------------------------------------------------------------------------
    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list:
        self.request = request
        self.model = queryset.model
        # The view has checked the query against the contract: page_size is an int in range.
        raw_size = request.query_params.get(self.page_size_query_param)
        size = self.page_size if raw_size is None else parse_integer(raw_size)
        raw = request.query_params.get(self.cursor_query_param)
        direction, position = self.decode_cursor(raw) if raw else (FORWARD, None)
        ordering = self.ordering if direction == FORWARD else tuple(_flip(name) for name in self.ordering)
        queryset = queryset.order_by(*ordering)
        if position is not None:
            queryset = queryset.filter(_after(ordering, position))
        rows = list(queryset[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        if direction == BACKWARD:
            rows.reverse()
            self.has_previous, self.has_next = more, position is not None
        else:
            self.has_previous, self.has_next = position is not None, more
        self.rows = rows
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_next_link(self) -> str | None:
        if not (self.has_next and self.rows):
            return None
        return self._link(FORWARD, self.rows[-1])

    def get_previous_link(self) -> str | None:
        if not (self.has_previous and self.rows):
            return None
        return self._link(BACKWARD, self.rows[0])

    def _link(self, direction: str, row: models.Model) -> str:
        column = self.ordering[0].lstrip("-")
        value = getattr(row, column)
        value = value.isoformat() if isinstance(value, datetime) else value
        raw = json.dumps([direction, value, row.pk], separators=(",", ":"))
        cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, self.cursor_query_param), self.cursor_query_param, cursor)

    # --- cursors --------------------------------------------------------------------------------
    def decode_cursor(self, cursor: str) -> tuple[str, tuple[Any, int]]:
        """Direction and (column value, id), or 404 for anything that is not a cursor of ours."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            direction, value, pk = json.loads(raw.decode())
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise NotFound(self.invalid_cursor_message) from None
        valid_pk = type(pk) is int and 1 <= pk <= MAX_ID
        value = self._column_value(value)
        if direction not in (FORWARD, BACKWARD) or not valid_pk or value is None:
            raise NotFound(self.invalid_cursor_message)
        return direction, (value, pk)

    def _column_value(self, value: Any) -> Any:
        """The column value a cursor holds, as the column's type; None if it cannot be one."""
        field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        if isinstance(field, models.DateTimeField):
            return _aware_datetime(value)
        if isinstance(field, models.IntegerField):
            return value if type(value) is int and 1 <= value <= MAX_ID else None
        if isinstance(field, models.CharField):
            fits = isinstance(value, str) and len(value) <= field.max_length and "\x00" not in value
            return value if fits and _is_encodable(value) else None
        raise TypeError(f"{type(self).__name__}: no cursor for a {type(field).__name__}")

    # --- schema ---------------------------------------------------------------------------------
    def get_schema_operation_parameters(self, view: Any) -> list:
        return []  # the view's QueryContract documents cursor and page_size, with their ranges

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }


def _aware_datetime(value: Any) -> datetime | None:
    """The time a cursor's string names, in UTC; None if it names none the database can take."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        # Well-formed but impossible (month 13, hour 25, an offset of a day or more) is a ValueError.
        when = parse_datetime(value)
        if when is None or when.tzinfo is None:
            return None
        # The database adapter converts to UTC and would overflow past 9999-12-31 or before year 1.
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _is_encodable(text: str) -> bool:
    """False for a lone surrogate (JSON's "\\ud800"), which no database driver can encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


def _after(ordering: tuple[str, ...], position: tuple[Any, int]) -> Q:
    """Rows strictly after ``position`` in ``ordering``: (column, id) compared as a pair."""
    column, (value, pk) = ordering[0], position
    name = column.lstrip("-")
    op = "lt" if column.startswith("-") else "gt"
    return Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"id__{op}": pk})


class StoreCursor(KeysetPagination):
    ordering = ("name", "id")


class TicketCursor(KeysetPagination):
    ordering = ("-last_activity_at", "-id")


class OrderCursor(KeysetPagination):
    ordering = ("-placed_at", "-id")


class RefundCursor(KeysetPagination):
    ordering = ("-created_at", "-id")


class IdCursor(KeysetPagination):
    """The default for a list that names no ordering of its own: newest id first."""

    ordering = ("-id", "-id")
