"""Read side of the store connection pages: which stores an admin may manage, each store's
connection state, the per-stream status panel and the failed payloads."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from tickets.models import Store

from .models import PayloadStatus, QuarantinedEmail, RawPayload, StoreConnection, SyncCursor

MANAGE_PERMISSION = "tickets.change_store"
FAILED_PAYLOADS_SHOWN = 50


def can_manage(user) -> bool:
    """Admins (who may change stores) and superusers; everyone else is answered 404."""
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_superuser or user.has_perm(MANAGE_PERMISSION))
    )


def require_manager(user) -> None:
    if not can_manage(user):
        raise Http404()


def managed_stores(user) -> QuerySet[Store]:
    """The stores the user may manage, with what the list shows, in a fixed number of queries."""
    require_manager(user)
    failed = (
        RawPayload.objects.filter(store=OuterRef("pk"), status=PayloadStatus.FAILED)
        .order_by()
        .values("store")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cursors = SyncCursor.objects.filter(store=OuterRef("pk")).order_by().values("store")
    erroring = cursors.filter(~Q(last_error="")).annotate(n=Count("pk")).values("n")
    last_sync = cursors.annotate(at=Max("last_success_at")).values("at")
    return (
        Store.objects.visible_to(user)
        .select_related("connection")
        .annotate(
            failed_payloads=Coalesce(Subquery(failed, output_field=IntegerField()), Value(0)),
            erroring_streams=Coalesce(Subquery(erroring, output_field=IntegerField()), Value(0)),
            last_sync_at=Subquery(last_sync),
        )
        .order_by("name", "pk")
    )


def managed_store(user, store_id: int) -> Store:
    """The store, if the user may manage it; 404 for missing and forbidden alike."""
    require_manager(user)
    try:
        return Store.objects.visible_to(user).select_related("connection").get(pk=store_id)
    except (Store.DoesNotExist, ValueError, TypeError):
        raise Http404() from None


def connection_of(store: Store) -> StoreConnection:
    """The store's connection, or an unsaved one with the defaults when it has none yet."""
    try:
        return store.connection
    except StoreConnection.DoesNotExist:
        return StoreConnection(store=store)


@dataclass(frozen=True)
class ConnectionState:
    key: str  # connected | not_connected | disabled | test_failed
    label: str


def connection_state(store: Store) -> ConnectionState:
    connection = connection_of(store)
    if connection.pk is None or (not connection.credentials and store.platform != "email"):
        return ConnectionState("not_connected", str(_("Not connected")))
    if not connection.enabled or not store.enabled:
        return ConnectionState("disabled", str(_("Disabled")))
    if connection.last_test_ok is False:
        return ConnectionState("test_failed", str(_("Last test failed")))
    return ConnectionState("connected", str(_("Connected")))


def cursors(store: Store) -> list[SyncCursor]:
    return list(SyncCursor.objects.filter(store=store).order_by("stream"))


def backfill_running(rows: list[SyncCursor]) -> bool:
    return any(row.backfill_total and row.backfill_done < row.backfill_total for row in rows)


def failed_payloads(store: Store) -> list[RawPayload]:
    rows = list(
        RawPayload.objects.filter(store=store, status=PayloadStatus.FAILED).order_by("-received_at", "-id")[
            :FAILED_PAYLOADS_SHOWN
        ]
    )
    for row in rows:
        row.pretty = json.dumps(row.payload, indent=2, ensure_ascii=False, sort_keys=True)
    return rows


def failed_payload(user, payload_id: int) -> RawPayload:
    """A failed payload of a store the user manages; 404 otherwise."""
    require_manager(user)
    try:
        return RawPayload.objects.visible_to(user).select_related("store").get(pk=payload_id)
    except (RawPayload.DoesNotExist, ValueError, TypeError):
        raise Http404() from None


def quarantined(user) -> QuerySet[QuarantinedEmail]:
    require_manager(user)
    return QuarantinedEmail.objects.filter(released_at__isnull=True).order_by("-received_at", "-id")


def quarantined_email(user, email_id: int) -> QuarantinedEmail:
    try:
        return quarantined(user).get(pk=email_id)
    except (QuarantinedEmail.DoesNotExist, ValueError, TypeError):
        raise Http404() from None
