"""RMA services: move a return authorization along its state machine."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..errors import DomainError
from ..locks import lock_if_free
from ..models import QcResult, ReturnAuthorization
from ..permissions import ensure_member, require
from ..states import RMA, ActorKind, RmaStatus
from . import audit
from .transitions import transition

CHANGE = "tickets.change_returnauthorization"
# Stored in English in the audit trail, shown translated.
NOTE_EXPIRED = gettext_noop("the parcel did not ship within the return window")


def transition_rma(
    rma: ReturnAuthorization,
    status: str,
    *,
    actor,
    actor_kind: str | None = None,
    qc_result: str = "",
    qc_note: str = "",
    restock: bool | None = None,
    note: str = "",
) -> ReturnAuthorization:
    """Move an RMA. Inspection needs a QC result (pass or fail)."""
    if actor is not None and audit.actor_kind_of(actor, actor_kind) == ActorKind.USER:
        ensure_member(actor, rma.store_id)  # membership first: another store's RMA is "not found"
        require(actor, CHANGE)
    changes: dict = {}
    if status == RmaStatus.INSPECTED:
        if qc_result not in (QcResult.PASS, QcResult.FAIL):
            raise DomainError(_("An inspection needs a QC result: pass or fail."))
        changes = {"qc_result": qc_result, "qc_note": qc_note, "restock": bool(restock) and qc_result == QcResult.PASS}
    return transition(rma, status, machine=RMA, actor=actor, actor_kind=actor_kind, changes=changes, note=note)


def expire_unshipped(*, now: datetime | None = None) -> int:
    """Expire authorized returns whose parcel never shipped within the store's return window,
    counted from the authorization. A return being worked on right now is left for the next run."""
    now = now or timezone.now()
    expired = 0
    due = (
        ReturnAuthorization.objects.filter(status=RmaStatus.AUTHORIZED, authorized_at__isnull=False)
        .select_related("store")
        .order_by("pk")
    )
    for rma in due.iterator(chunk_size=500):
        if rma.authorized_at + timedelta(days=rma.store.return_window_days) > now:
            continue
        with transaction.atomic():
            if lock_if_free(ReturnAuthorization, rma.pk, status=RmaStatus.AUTHORIZED) is None:
                continue
            transition_rma(rma, RmaStatus.EXPIRED, actor=None, actor_kind=ActorKind.SYSTEM, note=NOTE_EXPIRED)
        expired += 1
    return expired
