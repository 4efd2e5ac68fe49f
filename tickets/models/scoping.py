"""Querysets scoped to the stores a user is a member of: the one way reads reach user data."""

from __future__ import annotations

from django.db import models


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def member_store_ids(user) -> models.QuerySet:
    """A subquery of the ids of the stores the user is a member of."""
    from .stores import StoreMembership

    return StoreMembership.objects.filter(user_id=user.pk).values("store_id")


class StoreScopedQuerySet(models.QuerySet):
    """``visible_to(user)`` keeps the rows of the user's stores; superusers see every store.

    ``include_global``: rows with no store (rules, macros, SLA policies for every store) are
    visible to every signed-in user too.
    """

    store_path = "store"
    include_global = False

    def visible_to(self, user) -> StoreScopedQuerySet:
        if not signed_in(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        condition = models.Q(**{f"{self.store_path}_id__in": member_store_ids(user)})
        if self.include_global:
            condition |= models.Q(**{f"{self.store_path}__isnull": True})
        return self.filter(condition)


def scoped_manager(path: str = "store", *, include_global: bool = False) -> models.Manager:
    name = f"ScopedBy{path.title().replace('_', '')}QuerySet"
    attrs = {"store_path": path, "include_global": include_global}
    return type(name, (StoreScopedQuerySet,), attrs).as_manager()
