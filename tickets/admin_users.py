"""The user admin, so that an Admin who is not a superuser manages the agents of their stores
without becoming one, and without reaching the users of stores they are not a member of."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import StoreMembership
from .models.scoping import member_store_ids
from .roles import ROLE_PERMISSIONS

PRIVILEGED_FIELDS = ("is_superuser", "user_permissions", "last_login", "date_joined")
OWN_ACCESS_FIELDS = ("groups", "user_permissions", "is_staff", "is_active")


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


def editable_users(user) -> QuerySet[User]:
    """The users ``user`` may change (password included): everyone to a superuser; to anyone else
    the visible users none of whose memberships is in a store they are not a member of. Whoever
    also works for another store answers to that store's admins too: one store's Admin resetting
    their password would take over their access to the other store."""
    users = visible_users(user)
    if user.is_superuser:
        return users
    elsewhere = StoreMembership.objects.filter(user_id=OuterRef("pk")).exclude(store_id__in=member_store_ids(user))
    return users.filter(~Exists(elsewhere))


def may_change(editor, user: User | None) -> bool:
    return user is None or editor.is_superuser or editable_users(editor).filter(pk=user.pk).exists()


class AftersalesUserAdmin(UserAdmin):
    """Non-superusers cannot see or edit superusers, grant superuser or single permissions,
    or give a group other than the four roles. They see the users who share one of their stores,
    and users of no store yet (someone just added, waiting to be made a member); a user of other
    stores only is as missing to them as one that does not exist. A colleague who also works for
    a store they are not in stays visible (they are on the store's member list and its teams
    anyway) but read-only, and their password page is as missing. Nobody but a superuser changes
    their own groups or access: an Admin making themselves a Supervisor would approve refunds."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=visible_users(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        own = obj is not None and obj.pk == request.user.pk
        extra = (*PRIVILEGED_FIELDS, *(OWN_ACCESS_FIELDS if own else ()))
        return (*fields, *dict.fromkeys(extra))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change(request.user, obj)

    def user_change_password(self, request, id, form_url=""):
        # 404, not 403: whether such a user exists is not the editor's to learn from here.
        if not may_change(request.user, self.get_object(request, unquote(id))):
            raise Http404
        return super().user_change_password(request, id, form_url)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=list(ROLE_PERMISSIONS))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.register(User, AftersalesUserAdmin)
