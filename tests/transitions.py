"""Shared checks for the transition tests of the three state machines."""

from __future__ import annotations

from datetime import datetime

from tickets.models import AuditEvent
from tickets.states import Machine


def row(obj) -> dict:
    """The object's row as stored, to compare before and after a refused move."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def audit_events_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.model_name, object_id=obj.pk)


def assert_moved_and_recorded(
    obj, *, machine: Machine, source: str, target: str, actor, kind: str, store, started: datetime, events_before: int
) -> None:
    """The object moved, its entry time is stamped, and exactly one audit event tells it."""
    obj.refresh_from_db()
    assert obj.status == target
    assert obj.status_changed_at >= started
    if stamp := machine.stamps.get(target):
        assert getattr(obj, stamp) == obj.status_changed_at
    assert AuditEvent.objects.count() == events_before + 1
    event = audit_events_for(obj).get()
    assert event.action == f"{machine.name}.status_changed"
    assert event.actor == actor
    assert event.actor_kind == kind
    assert event.object_type == obj._meta.model_name
    assert event.ticket_id == (obj.pk if event.object_type == "ticket" else obj.ticket_id)
    assert event.store_id == store.pk
    assert event.before["status"] == source
    assert event.after["status"] == target
