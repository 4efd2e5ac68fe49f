"""Querysets scoped to the stores a user is a member of: the one way reads reach user data."""

from __future__ import annotations

from django.db import models


class StoreScopedQuerySet(models.QuerySet):
    """``visible_to(user)`` keeps the rows of the user's stores; superusers see every store."""

    store_path = "store"

    def visible_to(self, user) -> StoreScopedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        from .stores import StoreMembership

        store_ids = StoreMembership.objects.filter(user_id=user.pk).values("store_id")
        return self.filter(**{f"{self.store_path}_id__in": store_ids})


def scoped_manager(path: str = "store") -> models.Manager:
    queryset = type(f"ScopedBy{path.title()}QuerySet", (StoreScopedQuerySet,), {"store_path": path})
    return queryset.as_manager()
