"""Edits of a ticket's working fields: priority, type and reason, tags. Each audited; the SLA
clocks follow a change of priority or type (the policy may depend on them)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..locks import lock
from ..models import Tag, Ticket
from ..models.tickets import Priority, TicketReason, TicketType
from ..permissions import ensure_member, require
from . import audit, search_index, sla
from .tickets import CHANGE

MAX_TAGS = 20


def _editable(ticket: Ticket, actor) -> None:
    ensure_member(actor, ticket.store_id)
    require(actor, CHANGE)


def set_priority(ticket: Ticket, priority: str, *, actor) -> Ticket:
    _editable(ticket, actor)
    if priority not in Priority.values:
        raise DomainError(_("“%(value)s” is not a priority.") % {"value": priority})
    return _set(ticket, actor, "ticket.priority_changed", priority=priority)


def set_type(ticket: Ticket, type: str, reason: str = "", *, actor) -> Ticket:  # noqa: A002 - the domain's word
    _editable(ticket, actor)
    if type not in TicketType.values:
        raise DomainError(_("“%(value)s” is not a ticket type.") % {"value": type})
    if reason and reason not in TicketReason.values:
        raise DomainError(_("“%(value)s” is not a reason.") % {"value": reason})
    return _set(ticket, actor, "ticket.type_changed", type=type, reason=reason)


def _set(ticket: Ticket, actor, action: str, **values: str) -> Ticket:
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        before = {name: getattr(locked, name) for name in values}
        if before == values:
            return ticket
        for name, value in values.items():
            setattr(locked, name, value)
        locked.last_activity_at = timezone.now()
        locked.save(update_fields=[*values, "last_activity_at", "updated_at"])
        audit.record(actor=actor, action=action, obj=locked, before=before, after=values)
        sla.refresh_sla(locked)
    for name in (*values, "last_activity_at", *sla.SLA_FIELDS):
        setattr(ticket, name, getattr(locked, name))
    return ticket


def tag_name(text: str) -> str:
    """A tag as typed ("Damaged in transit", "破损") as its stored name ("damaged-in-transit", "破损")."""
    name = slugify(text.strip(), allow_unicode=True)[:50]
    if not name:
        raise DomainError(_("A tag needs letters or digits."))
    return name


def add_tags(ticket: Ticket, names: list[str], *, actor) -> list[str]:
    """Add tags (made when new); returns the names actually added."""
    _editable(ticket, actor)
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
        audit.record(actor=actor, action="ticket.tagged", obj=locked, after={"added": new})
        search_index.refresh_on_commit([locked.pk])
    return new


def remove_tags(ticket: Ticket, names: list[str], *, actor) -> list[str]:
    _editable(ticket, actor)
    with transaction.atomic():
        locked = lock(Ticket, ticket.pk)
        gone = list(locked.tags.filter(name__in=names).values_list("name", flat=True))
        if not gone:
            return []
        locked.tags.remove(*Tag.objects.filter(name__in=gone))
        Ticket.objects.filter(pk=locked.pk).update(last_activity_at=timezone.now())
        audit.record(actor=actor, action="ticket.untagged", obj=locked, after={"removed": gone})
        search_index.refresh_on_commit([locked.pk])
    return gone
