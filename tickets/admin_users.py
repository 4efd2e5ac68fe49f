"""The user admin, so that an Admin who is not a superuser manages agents without becoming one."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User

from .roles import ROLE_PERMISSIONS

PRIVILEGED_FIELDS = ("is_superuser", "user_permissions", "last_login", "date_joined")


class AftersalesUserAdmin(UserAdmin):
    """Non-superusers cannot see or edit superusers, grant superuser or single permissions,
    or give a group other than the four roles."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, *PRIVILEGED_FIELDS)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=list(ROLE_PERMISSIONS))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.register(User, AftersalesUserAdmin)
