"""Authentication backend: Django's ModelBackend, with a user's permissions read in one query."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class Backend(ModelBackend):
    """ModelBackend asks for a user's own and their groups' permissions in two queries on every
    request that checks one; the pages check several, so here it is one query, cached on the user
    for the request as ModelBackend caches it."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                pairs = Permission.objects.values_list(*fields)
            else:
                # A UNION, not an OR of two joins: each half walks only this user's rows.
                own = Permission.objects.filter(user=user_obj).order_by().values_list(*fields)
                grouped = Permission.objects.filter(group__user=user_obj).order_by().values_list(*fields)
                pairs = own.union(grouped)
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in pairs}
        return user_obj._perm_cache
