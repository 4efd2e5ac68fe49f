"""Moving through the list an agent came from, ticket by ticket (j / k on the ticket page).

The inbox's links carry the list's query (view, filters, search, sort) and the row's keyset
position (``at``), so the ticket page finds the next and the previous ticket of that list with
one keyset query each, whatever its size. The position is the row's as it was listed: a ticket
the agent has just worked (its activity now the newest) still leads to the one listed after it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import QueryDict

from ..models import Ticket
from . import keyset

# Query keys of the inbox that are not part of the list itself.
NOT_LIST_KEYS = ("after", "since", "after_id", "since_id", "shown", "at")


def list_query(params: QueryDict, *, view: str, sort: str) -> str:
    """The query string that names a list: its view, filters, search and sort."""
    kept = params.copy()
    for name in NOT_LIST_KEYS:
        kept.pop(name, None)
    kept["view"], kept["sort"] = view, sort
    return kept.urlencode()


def cursor_of(sort: keyset.Sort, row) -> str:
    """The row's position in ``sort`` (as keyset.encode writes it; annotations not needed)."""
    values = [v.isoformat() if isinstance(v, datetime) else v for v in sort.position_of(row)]
    raw = json.dumps([sort.name, values, row.pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Neighbour:
    number: int
    subject: str
    cursor: str


@dataclass(frozen=True)
class Neighbours:
    previous: Neighbour | None
    next: Neighbour | None
    query: str  # the list's query, to carry on to the neighbours


def around(listed: QuerySet, sort: keyset.Sort, ticket: Ticket, *, at: str) -> tuple[QuerySet, QuerySet]:
    """The pk subqueries of the tickets just before and just after ``ticket`` in the list: each
    an index range read for one row, so the ticket page reads both within a query it makes anyway
    (selectors.ticket_page.related_tickets)."""
    position = keyset.decode(sort, at) if at else None
    if position is None or position[1] != ticket.pk:  # no position, or another ticket's: its own
        values, pk = sort.position_of(ticket), ticket.pk
    else:
        values, pk = position
    listed = listed.exclude(pk=ticket.pk)
    after = sort.after(sort.apply(listed), values, pk).values("pk")[:1]
    before = sort.before(listed, values, pk).values("pk")[:1]
    return before, after


def neighbours(sort: keyset.Sort, back, ahead, *, query: str) -> Neighbours:
    return Neighbours(previous=_neighbour(sort, back), next=_neighbour(sort, ahead), query=query)


def _neighbour(sort: keyset.Sort, row) -> Neighbour | None:
    return None if row is None else Neighbour(row.number, row.subject, cursor_of(sort, row))
