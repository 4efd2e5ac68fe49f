"""Writing the audit trail. Every service that changes state calls ``record``."""

from __future__ import annotations

from typing import Any

from django.db import models

from ..models import AuditEvent, Ticket
from ..states import ActorKind


def actor_kind_of(actor, actor_kind: str | None) -> str:
    """A person always acts as a user; only actor=None may act as the buyer, a rule or the system,
    so nobody can pass their own change off as automation."""
    if actor is not None and actor_kind not in (None, "", ActorKind.USER):
        raise ValueError(f"A signed-in person acts as a user, not as {actor_kind!r}.")
    if actor_kind:
        return actor_kind
    return ActorKind.USER if actor is not None else ActorKind.SYSTEM


def record(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_kind: str | None = None,
    note: str = "",
) -> AuditEvent:
    event = build(actor=actor, action=action, obj=obj, before=before, after=after, actor_kind=actor_kind, note=note)
    event.save(force_insert=True)
    return event


def build(
    *,
    actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_kind: str | None = None,
    note: str = "",
) -> AuditEvent:
    """The audit row ``record`` writes, unsaved: bulk paths build theirs here and insert them at once."""
    ticket = obj if isinstance(obj, Ticket) else getattr(obj, "ticket", None)
    return AuditEvent(
        actor=actor,
        actor_kind=actor_kind_of(actor, actor_kind),
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        store_id=getattr(obj, "store_id", None),
        ticket=ticket,
        before=before or {},
        after=after or {},
        note=note[:300],
    )
