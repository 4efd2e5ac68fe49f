"""Blocking a sender: mail from a blocked address to a store opens nothing (spam, a looping robot)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import BlockedSender, Store
from ..permissions import ensure_member, require
from . import audit

CHANGE = "tickets.change_ticket"


def _normalized(address: str) -> str:
    address = address.strip().lower()
    if not address or "@" not in address or len(address) > 254:
        raise DomainError(_("Enter an email address to block."))
    return address


def block_sender(*, store: Store, address: str, actor) -> BlockedSender:
    """Block mail from ``address`` to the store; blocking it again changes nothing."""
    ensure_member(actor, store.pk)  # membership first: another store is "not found"
    require(actor, CHANGE)
    address = _normalized(address)
    with transaction.atomic():
        blocked, created = BlockedSender.objects.get_or_create(
            store=store, address=address, defaults={"blocked_by": actor}
        )
        if created:
            audit.record(actor=actor, action="sender.blocked", obj=blocked, after={"address": address})
    return blocked


def unblock_sender(*, store: Store, address: str, actor) -> bool:
    """Lift a block; returns whether there was one."""
    ensure_member(actor, store.pk)
    require(actor, CHANGE)
    address = _normalized(address)
    with transaction.atomic():
        blocked = BlockedSender.objects.select_for_update().filter(store=store, address=address).first()
        if blocked is None:
            return False
        audit.record(actor=actor, action="sender.unblocked", obj=blocked, before={"address": address})
        blocked.delete()
    return True
