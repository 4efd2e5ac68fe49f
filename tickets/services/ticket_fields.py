"""Edits of a ticket's working fields: priority, type and reason, tags. Each audited; the SLA
clocks follow a change of priority or type (the policy may depend on them)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .. import events
from ..errors import DomainError
from ..locks import lock
from ..models import AuditEvent, Macro, SlaPolicy, Tag, Ticket
from ..models.tickets import Priority, TicketReason, TicketType
from ..permissions import ensure_allowed
from ..states import ActorKind
from . import audit, search_index, sla
from .tickets import CHANGE

MAX_TAGS = 20


def _editable(ticket: Ticket, actor, actor_kind: str | None = None) -> None:
    """A member with the change permission, or a triage rule (actor=None, actor_kind=RULE)."""
    ensure_allowed(actor, ticket.store_id, CHANGE, actor_kind=actor_kind)


def announce_update(ticket: Ticket, event: AuditEvent, *, actor_kind: str | None, changed: list[str]) -> None:
    """A person's edit raises ``ticket_updated`` for the rules (after commit); a rule's own edits
    raise nothing, so rules never trigger each other in a loop."""
    if actor_kind not in (None, "", ActorKind.USER) or event.actor_id is None:
        return
    from ..rules.runner import rules_for

    if not rules_for(events.TICKET_UPDATED, ticket.store_id):  # no task per edit while no rule listens
        return
    events.emit(
        events.TICKET_UPDATED, store_id=ticket.store_id, ticket_id=ticket.pk, audit_id=event.pk, changed=changed
    )


def set_priority(ticket: Ticket, priority: str, *, actor, actor_kind: str | None = None, note: str = "") -> Ticket:
    _editable(ticket, actor, actor_kind)
    if priority not in Priority.values:
        raise DomainError(_("“%(value)s” is not a priority.") % {"value": priority})
    return _set(ticket, actor, "ticket.priority_changed", actor_kind=actor_kind, note=note, priority=priority)


def set_type(
    ticket: Ticket,
    type: str,  # noqa: A002 - the domain's word
    reason: str = "",
    *,
    actor,
    actor_kind: str | None = None,
    note: str = "",
) -> Ticket:
    _editable(ticket, actor, actor_kind)
    if type not in TicketType.values:
        raise DomainError(_("“%(value)s” is not a ticket type.") % {"value": type})
    if reason and reason not in TicketReason.values:
        raise DomainError(_("“%(value)s” is not a reason.") % {"value": reason})
    return _set(ticket, actor, "ticket.type_changed", actor_kind=actor_kind, note=note, type=type, reason=reason)


def _set(ticket: Ticket, actor, action: str, *, actor_kind: str | None = None, note: str = "", **values) -> Ticket:
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        before = {name: _plain(getattr(locked, name)) for name in values}
        after = {name: _plain(value) for name, value in values.items()}
        if before == after:
            return ticket
        for name, value in values.items():
            setattr(locked, name, value)
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=[*values, "last_activity_at", "updated_at"])
        event = audit.record(
            actor=actor, actor_kind=actor_kind, action=action, obj=locked, before=before, after=after, note=note
        )
        sla.refresh_sla(locked)
        announce_update(locked, event, actor_kind=actor_kind, changed=list(values))
    for name in (*values, "last_activity_at", *sla.SLA_FIELDS):
        setattr(ticket, name, getattr(locked, name))
    return ticket


def _plain(value):
    """A field's value as the audit trail stores it (a related object by its pk)."""
    return getattr(value, "pk", value)


def set_suggested_macro(
    ticket: Ticket, macro: Macro | None, *, actor, actor_kind: str | None = None, note: str = ""
) -> Ticket:
    """The macro the reply box offers first (triage suggests one; a person may too)."""
    _editable(ticket, actor, actor_kind)
    if macro is not None and macro.store_id not in (None, ticket.store_id):
        raise DomainError(_("That macro belongs to another store."))
    return _set(ticket, actor, "ticket.macro_suggested", actor_kind=actor_kind, note=note, suggested_macro=macro)


def set_sla_policy(
    ticket: Ticket, policy: SlaPolicy | None, *, actor, actor_kind: str | None = None, note: str = ""
) -> Ticket:
    """The SLA policy this ticket follows over the first matching one (None: the first matching
    one again); its clocks are recomputed at once."""
    _editable(ticket, actor, actor_kind)
    if policy is not None and policy.store_id not in (None, ticket.store_id):
        raise DomainError(_("That SLA policy belongs to another store."))
    return _set(ticket, actor, "ticket.sla_policy_set", actor_kind=actor_kind, note=note, sla_policy=policy)


def tag_name(text: str) -> str:
    """A tag as typed ("Damaged in transit", "破损") as its stored name ("damaged-in-transit", "破损")."""
    name = slugify(text.strip(), allow_unicode=True)[:50]
    if not name:
        raise DomainError(_("A tag needs letters or digits."))
    return name


def add_tags(ticket: Ticket, names: list[str], *, actor, actor_kind: str | None = None, note: str = "") -> list[str]:
    """Add tags (made when new); returns the names actually added."""
    _editable(ticket, actor, actor_kind)
    wanted = list(dict.fromkeys(tag_name(n) for n in names))
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        have = set(locked.tags.values_list("name", flat=True))
        new = [n for n in wanted if n not in have]
        if not new:
            return []
        if len(have) + len(new) > MAX_TAGS:
            raise DomainError(_("A ticket holds at most %(count)d tags.") % {"count": MAX_TAGS})
        for name in new:
            Tag.objects.get_or_create(name=name)
        locked.tags.add(*Tag.objects.filter(name__in=new))
        Ticket.objects.filter(pk=locked.pk).update(last_activity_at=timezone.now())
        event = audit.record(
            actor=actor, actor_kind=actor_kind, action="ticket.tagged", obj=locked, after={"added": new}, note=note
        )
        search_index.refresh_on_commit([locked.pk])
        announce_update(locked, event, actor_kind=actor_kind, changed=["tags"])
    return new


def remove_tags(ticket: Ticket, names: list[str], *, actor, actor_kind: str | None = None, note: str = "") -> list[str]:
    _editable(ticket, actor, actor_kind)
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        gone = list(locked.tags.filter(name__in=names).values_list("name", flat=True))
        if not gone:
            return []
        locked.tags.remove(*Tag.objects.filter(name__in=gone))
        Ticket.objects.filter(pk=locked.pk).update(last_activity_at=timezone.now())
        event = audit.record(
            actor=actor, actor_kind=actor_kind, action="ticket.untagged", obj=locked, after={"removed": gone}, note=note
        )
        search_index.refresh_on_commit([locked.pk])
        announce_update(locked, event, actor_kind=actor_kind, changed=["tags"])
    return gone
