"""Saved inbox views per user, shared ones, and the permission to share them (supervisors, admins)."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Frozen here, as a migration must be (tickets/roles.py says what the roles hold now).
SHARE = "share_savedview"
SHARING_ROLES = ["Supervisor", "Admin"]


def grant_sharing(apps, schema_editor):
    # Permissions are normally made after all migrations; make this one now so the groups can hold it.
    app_config = apps.get_app_config("tickets")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="tickets", codename=SHARE)
    for group in Group.objects.filter(name__in=SHARING_ROLES):
        group.permissions.add(permission)


def revoke_sharing(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="tickets", codename=SHARE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_ticket_merge"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedView",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=60, verbose_name="name")),
                ("query", models.CharField(blank=True, max_length=1000, verbose_name="query")),
                (
                    "shared",
                    models.BooleanField(
                        default=False, help_text="Shown to everybody who uses the inbox.", verbose_name="shared"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_views",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "saved view",
                "verbose_name_plural": "saved views",
                "ordering": ["position", "id"],
                "permissions": [("share_savedview", "Can share saved views and edit shared ones")],
                "indexes": [models.Index(fields=["shared", "position"], name="savedview_shared_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("name"),
                        models.F("owner"),
                        name="savedview_unique_name_per_owner",
                    )
                ],
            },
        ),
        migrations.RunPython(grant_sharing, revoke_sharing),
    ]
