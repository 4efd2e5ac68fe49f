"""In-app notifications: who hears of what (the bell in the top bar lists them, newest first)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import Notification, StoreMembership, Ticket
from ..models.notifications import NotificationKind
from ..roles import SUPERVISOR


def notify(users: Iterable, kind: str, *, ticket: Ticket, detail: str = "") -> int:
    """One notification per user (members of the ticket's store only; a user named twice hears once)."""
    NotificationKind(kind)
    ids = {getattr(user, "pk", user) for user in users if user is not None}
    if not ids:
        return 0
    members = set(
        StoreMembership.objects.filter(store_id=ticket.store_id, user_id__in=ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        Notification(user_id=pk, kind=kind, ticket=ticket, store_id=ticket.store_id, detail=detail[:200])
        for pk in sorted(members)
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def supervisors_of(store_id: int) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(store_memberships__store_id=store_id, groups__name=SUPERVISOR, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def latest(user, *, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("ticket")[:limit])


def mark_read(user, *, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
