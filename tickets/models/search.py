"""The search document of each ticket: what full-text search reads instead of the thread itself."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class TicketSearch(models.Model):
    """One row per ticket, rebuilt from its subject, thread, tags, return comments and buyer name
    by tickets/services/search_index.py. ``activity_at`` is the ticket's last activity when the
    document was built: a ticket whose last activity is later has a stale document.

    On PostgreSQL ``document`` is a tsvector with a GIN index (made by the migration, as the index
    exists only there); on SQLite the column stays empty and search falls back to plain matching.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    activity_at = models.DateTimeField()
    document = SearchVectorField(null=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"search document of ticket {self.ticket_id}"
