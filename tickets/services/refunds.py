"""Refund services: move a refund along its state machine with the four-eyes rule."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import PermissionDenied, SelfApprovalForbidden
from ..locks import lock
from ..models import Refund, StoreMembership
from ..permissions import can, require
from ..states import REFUND, ActorKind, RefundStatus
from . import audit
from .transitions import transition

APPROVE = "tickets.approve_refund"


def transition_refund(
    refund: Refund,
    status: str,
    *,
    actor,
    actor_kind: str | None = None,
    note: str = "",
    failure_reason: str = "",
    platform_refund_id: str = "",
) -> Refund:
    """Move a refund. A person approving or rejecting a pending refund needs the approve
    permission and may not be the requester; cancelling is the requester's or an approver's."""
    kind = audit.actor_kind_of(actor, actor_kind)
    changes: dict = {}
    with transaction.atomic():
        # Decide on the stored row, locked, not on the caller's copy: a stale copy would pick the
        # wrong rule below (e.g. the within-limit self-approval for a refund that is now pending).
        current = lock(Refund, refund.pk)
        if kind == ActorKind.USER:
            if (
                status in (RefundStatus.APPROVED, RefundStatus.REJECTED)
                and current.status == RefundStatus.PENDING_APPROVAL
            ):
                require(actor, APPROVE)
                if actor.pk == current.requested_by_id:
                    raise SelfApprovalForbidden()
                if status == RefundStatus.APPROVED:
                    changes["approved_by"] = actor
            elif current.status == RefundStatus.REQUESTED and status == RefundStatus.APPROVED:
                if actor.pk == current.requested_by_id:
                    if not within_approval_limit(actor, current):
                        raise PermissionDenied(_("This refund is above your approval limit; ask a supervisor."))
                else:
                    require(actor, APPROVE)
                    changes["approved_by"] = actor
            elif current.status == RefundStatus.REQUESTED and status == RefundStatus.PENDING_APPROVAL:
                require(actor, "tickets.add_refund")
            elif status == RefundStatus.CANCELLED:
                if actor.pk != current.requested_by_id and not can(actor, APPROVE):
                    raise PermissionDenied()
            else:
                require(actor, "tickets.change_refund")
        elif (
            current.status == RefundStatus.REQUESTED
            and status == RefundStatus.APPROVED
            # Automation approves only what the requester could have approved alone (four-eyes rule).
            and not within_approval_limit(current.requested_by, current)
        ):
            raise PermissionDenied(_("This refund is above the requester's approval limit; ask a supervisor."))
        if status == RefundStatus.FAILED:
            changes["failure_reason"] = failure_reason
        if status == RefundStatus.SUCCEEDED and platform_refund_id:
            changes["platform_refund_id"] = platform_refund_id
        return transition(refund, status, machine=REFUND, actor=actor, actor_kind=kind, changes=changes, note=note)


def within_approval_limit(user, refund: Refund) -> bool:
    """Whether the user may approve this refund alone (their limit in the store's currency)."""
    if user.is_superuser:
        return True
    limit = (
        StoreMembership.objects.filter(user_id=user.pk, store_id=refund.store_id)
        .values_list("refund_approval_limit", flat=True)
        .first()
    )
    if limit is None or refund.currency != refund.store.currency:
        return False
    return refund.amount <= limit
