"""The one function that moves a Ticket, RMA or Refund along its state machine."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import IllegalTransition
from ..locks import lock
from ..permissions import ensure_member
from ..states import ActorKind, Machine
from . import audit


def _label(model: type[models.Model], value: str) -> str:
    field = model._meta.get_field("status")
    return str(dict(field.flatchoices).get(value, value))


def transition(
    obj: models.Model,
    target: str,
    *,
    machine: Machine,
    actor,
    actor_kind: str | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> models.Model:
    """Move ``obj`` to ``target`` if the table allows it for this kind of actor.

    Locks the row, checks the move, stamps the entry time, applies ``changes`` (other fields
    that go with the move), saves and writes one AuditEvent with before/after. ``obj`` is
    refreshed in place. Raises IllegalTransition and changes nothing otherwise.
    """
    kind = audit.actor_kind_of(actor, actor_kind)
    model = type(obj)
    changes = dict(changes or {})
    with transaction.atomic():
        locked = lock(model, obj.pk)
        if kind == ActorKind.USER:  # a user's move needs a user, and one of this store
            ensure_member(actor, locked.store_id)
        source = locked.status
        if not machine.allows(source, target, kind):
            if target in machine.targets(source):
                message = _("Moving this %(object)s from “%(source)s” to “%(target)s” is not yours to do.")
            else:
                message = _("This %(object)s cannot move from “%(source)s” to “%(target)s”.")
            raise IllegalTransition(
                message
                % {
                    "object": model._meta.verbose_name,
                    "source": _label(model, source),
                    "target": _label(model, target),
                },
                source=source,
                target=target,
            )
        now = timezone.now()
        fields = ["status", "status_changed_at", *changes]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            fields.append("updated_at")  # auto_now fields are written only when named
        before = {"status": source, **{name: _plain(getattr(locked, name)) for name in changes}}
        locked.status = target
        locked.status_changed_at = now
        stamp = machine.stamps.get(target)
        if stamp:
            fields.append(stamp)
            before[stamp] = _plain(getattr(locked, stamp))
            setattr(locked, stamp, now)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(dict.fromkeys(fields)))
        after = {name: _plain(getattr(locked, name)) for name in before}
        audit.record(
            actor=actor,
            actor_kind=kind,
            action=f"{machine.name}.status_changed",
            obj=locked,
            before=before,
            after=after,
            note=note,
        )
    for field in locked._meta.concrete_fields:
        setattr(obj, field.attname, getattr(locked, field.attname))
    return obj


def _plain(value: Any) -> Any:
    """A JSON-safe copy of a field value for the audit trail."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
