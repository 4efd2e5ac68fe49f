"""Store memberships: setting a member's refund approval limit, checked and written to the audit
trail (the limit decides who approves a refund alone, so every change of it is on record)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import MoneyError, PermissionDenied
from ..locks import lock
from ..models import Store, StoreMembership
from ..money import Money
from ..permissions import ensure_member, require
from . import audit

ADD = "tickets.add_storemembership"
CHANGE = "tickets.change_storemembership"


def approval_limit_money(limit: Decimal | None, currency: str) -> Money | None:
    """The limit as an amount of the store's currency (None: no limit). Refused when it has more
    decimals than the currency has, or is below zero."""
    if limit is None:
        return None
    money = Money.of(limit, currency)  # MoneyError: more decimals than the currency, or too large
    if money.amount < 0:
        raise MoneyError(_("An approval limit cannot be below zero."))
    return money


def check_approval_limit(*, store: Store, user_id: int | None, limit: Decimal | None, actor) -> Money | None:
    """Everything ``set_approval_limit`` refuses, without writing: for forms that show the reason
    beside the field before anything is saved."""
    require(actor, CHANGE)
    if user_id is not None and user_id == getattr(actor, "pk", None):
        # A limit one sets for oneself would make the four-eyes rule a formality.
        raise PermissionDenied(_("Nobody sets their own refund approval limit; ask another administrator."))
    return approval_limit_money(limit, store.currency)


def set_approval_limit(membership: StoreMembership, limit: Decimal | None, *, actor) -> StoreMembership:
    """Set the largest refund the member may approve alone (None: none), with an audit event
    holding the limit before and after. Setting the limit it already has writes nothing."""
    with transaction.atomic():
        ensure_member(actor, membership.store_id)  # another store's membership is as missing
        current = lock(StoreMembership, membership.pk)
        money = check_approval_limit(store=current.store, user_id=current.user_id, limit=limit, actor=actor)
        new = money.amount if money is not None else None
        old = current.refund_approval_limit
        if new == old:
            return current
        current.refund_approval_limit = new
        current.save(update_fields=["refund_approval_limit"])
        currency = current.store.currency
        audit.record(
            actor=actor,
            action="membership.approval_limit_changed",
            obj=current,
            before={"refund_approval_limit": _text(old, currency), "currency": currency},
            after={"refund_approval_limit": _text(new, currency), "currency": currency},
        )
    membership.refund_approval_limit = new
    return current


def save_membership(membership: StoreMembership, *, actor) -> StoreMembership:
    """Create a membership, or save one's limit, as a form left it: the limit goes through
    ``set_approval_limit`` (checked before anything is written, audited). A membership never
    changes user or store: moved to oneself it would hand one another's limit unchecked."""
    wanted = membership.refund_approval_limit
    with transaction.atomic():
        if membership._state.adding:
            ensure_member(actor, membership.store_id)  # another store is as missing
            require(actor, ADD)
            if wanted is not None:
                check_approval_limit(store=membership.store, user_id=membership.user_id, limit=wanted, actor=actor)
            membership.refund_approval_limit = None
            membership.save()
        else:
            current = lock(StoreMembership, membership.pk)
            if (current.user_id, current.store_id) != (membership.user_id, membership.store_id):
                raise PermissionDenied(
                    _("A membership stays with its user and store; remove it and add a new one instead.")
                )
        return set_approval_limit(membership, wanted, actor=actor)


def _text(limit: Decimal | None, currency: str) -> str | None:
    return None if limit is None else str(Money.stored(limit, currency).amount)
