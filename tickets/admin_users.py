"""The user admin, so that an Admin who is not a superuser manages the agents of their stores
without becoming one, and without reaching the users of stores they are not a member of."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import StoreMembership
from .models.scoping import member_store_ids
from .roles import ROLE_PERMISSIONS

PRIVILEGED_FIELDS = ("is_superuser", "user_permissions", "last_login", "date_joined")


def visible_users(user) -> QuerySet[User]:
    """The users an admin page may show to ``user``: everyone to a superuser; to anyone else the
    users who are not superusers and share one of their stores, or belong to no store yet
    (someone just added, waiting to be made a member)."""
    users = User.objects.all()
    if user.is_superuser:
        return users
    memberships = StoreMembership.objects.filter(user_id=OuterRef("pk"))
    shares_a_store = memberships.filter(store_id__in=member_store_ids(user))
    return users.filter(is_superuser=False).filter(Q(Exists(shares_a_store)) | ~Exists(memberships))


class AftersalesUserAdmin(UserAdmin):
    """Non-superusers cannot see or edit superusers, grant superuser or single permissions,
    or give a group other than the four roles. They see the users who share one of their stores,
    and users of no store yet (someone just added, waiting to be made a member); a user of other
    stores only is as missing to them as one that does not exist."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=visible_users(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *PRIVILEGED_FIELDS)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=list(ROLE_PERMISSIONS))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.register(User, AftersalesUserAdmin)
