"""Who may see and do what. Lookups of user-supplied ids go through here: 404 for missing and
forbidden alike, so one store's ids tell nothing to members of another."""

from __future__ import annotations

from .errors import NotFound, PermissionDenied
from .models import Store, Ticket


def is_member(user, store_id: int) -> bool:
    return Store.objects.visible_to(user).filter(pk=store_id).exists()


def ensure_member(user, store_id: int) -> None:
    if not is_member(user, store_id):
        raise NotFound()


def ensure_allowed(actor, store_id: int, perm: str, *, actor_kind: str | None = None) -> None:
    """A person must be a member of the store holding ``perm``; only automation (actor=None acting
    as a rule) goes without, and a signed-in person can never claim to be a rule."""
    from .services.audit import actor_kind_of
    from .states import ActorKind

    if actor_kind_of(actor, actor_kind) == ActorKind.RULE:  # raises for a person claiming to be one
        return
    ensure_member(actor, store_id)
    require(actor, perm)


def require(user, perm: str) -> None:
    """Raise PermissionDenied unless the user holds the permission (``app.codename``)."""
    if user is None or not user.has_perm(perm):
        raise PermissionDenied()


def can(user, perm: str) -> bool:
    return user is not None and user.has_perm(perm)


def access_ticket(user, number: int) -> Ticket:
    """The ticket with this number, if the user may see it. Services lock it when they write."""
    try:
        return Ticket.objects.visible_to(user).get(number=number)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def may_change_global(user) -> bool:
    """What applies to every store (rules, keyword sets): a superuser's, or a member's of every
    store, so a supervisor of one store never changes what the others run."""
    from .models import Store

    if user.is_superuser:
        return True
    stores = set(Store.objects.values_list("pk", flat=True))
    return bool(stores) and stores <= set(user.store_memberships.values_list("store_id", flat=True))
