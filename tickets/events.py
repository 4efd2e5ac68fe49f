"""Domain events: what ingest (and later other services) announce, delivered after commit.

``emit`` queues an event on the current transaction; once it commits, every listener registered
for that name (or for ``"*"``) is called with the ``Event``. A listener's error is logged and
never reaches the caller, so triage can never break ingest. The rules engine registers itself
with ``listen``; nothing here knows about it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

MESSAGE_RECEIVED = "message_received"
RETURN_REQUESTED = "return_requested"
DISPUTE_OPENED = "dispute_opened"
ORDER_UPDATED = "order_updated"
SLA_AT_RISK = "sla_at_risk"
SLA_BREACHED = "sla_breached"
REFUND_REQUESTED = "refund_requested"
# A person changed a ticket's fields, status or assignee (never raised by a rule's own changes).
TICKET_UPDATED = "ticket_updated"
ANY = "*"


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    store_id: int
    ticket_id: int | None
    data: dict[str, Any] = field(default_factory=dict)
    # A rule fires at most once per event id (RuleRun is unique on it).
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


Listener = Callable[[Event], Any]
_listeners: dict[str, list[Listener]] = {}


def listen(name: str, fn: Listener) -> Listener:
    """Register ``fn`` for events named ``name`` (``"*"``: all of them). Registering twice is a no-op."""
    bucket = _listeners.setdefault(name, [])
    if fn not in bucket:
        bucket.append(fn)
    return fn


def unlisten(name: str, fn: Listener) -> None:
    bucket = _listeners.get(name, [])
    if fn in bucket:
        bucket.remove(fn)


def emit(name: str, *, store_id: int, ticket_id: int | None, **data: Any) -> Event:
    """Announce an event; listeners run after the current transaction commits (at once outside one)."""
    event = Event(name=name, store_id=store_id, ticket_id=ticket_id, data=data)
    transaction.on_commit(lambda: dispatch(event))
    return event


def dispatch(event: Event) -> None:
    for fn in (*_listeners.get(event.name, ()), *_listeners.get(ANY, ())):
        try:
            fn(event)
        except Exception:
            logger.exception("listener %r failed on %s for ticket %s", fn, event.name, event.ticket_id)
