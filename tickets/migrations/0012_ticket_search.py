"""Search documents per ticket (a tsvector with a GIN index on PostgreSQL) and an index for the
created sort and the created-from/to filters.

Documents of existing tickets are not built here (that would hold the migration for minutes on a
large desk): the beat sweep ``tickets.reindex_search`` builds the recently active ones within a
minute and ``tickets.reindex_search_all`` the rest, batch by batch, within the hour.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GIN = "CREATE INDEX IF NOT EXISTS ticketsearch_document ON tickets_ticketsearch USING gin (document)"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # tsvector and GIN exist only there
        schema_editor.execute(GIN)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ticketsearch_document")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_saved_views"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TicketSearch",
            fields=[
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tickets.ticket",
                    ),
                ),
                ("activity_at", models.DateTimeField()),
                ("document", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "default_permissions": (),
            },
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["-created_at", "-id"], name="ticket_inbox_created"),
        ),
        migrations.RunPython(create_gin_index, drop_gin_index, elidable=False),
    ]
