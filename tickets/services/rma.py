"""RMA services: move a return authorization along its state machine."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import QcResult, ReturnAuthorization
from ..permissions import require
from ..states import RMA, ActorKind, RmaStatus
from . import audit
from .transitions import transition

CHANGE = "tickets.change_returnauthorization"


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
        require(actor, CHANGE)
    changes: dict = {}
    if status == RmaStatus.INSPECTED:
        if qc_result not in (QcResult.PASS, QcResult.FAIL):
            raise DomainError(_("An inspection needs a QC result: pass or fail."))
        changes = {"qc_result": qc_result, "qc_note": qc_note, "restock": bool(restock) and qc_result == QcResult.PASS}
    return transition(rma, status, machine=RMA, actor=actor, actor_kind=actor_kind, changes=changes, note=note)
