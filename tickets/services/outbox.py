"""Queue work for the platforms: an OutboxAction written in the caller's transaction, and the drain
woken by task name once it commits (tickets never imports integrations)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import OutboxAction, Refund, Store
from ..models.outbox import OutboxKind
from ..models.refunds import RefundMethod
from ..states import RefundStatus

DRAIN_TASK = "integrations.drain_outbox"


class NotExecutable(ValueError):
    """The refund is not one the outbox carries out on the platform."""


def wake_drain() -> None:
    from celery import current_app

    try:
        current_app.send_task(DRAIN_TASK)
    except Exception:  # noqa: BLE001 - a lost wake-up is caught by beat's periodic drain
        import logging

        logging.getLogger("tickets.outbox").warning("could not wake the outbox drain", exc_info=True)


def enqueue(*, kind: str, store: Store, payload: dict[str, Any], idempotency_key: str) -> OutboxAction:
    """One action per idempotency key: a second call with the same key returns the first row."""
    existing = OutboxAction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            action = OutboxAction.objects.create(
                kind=kind, store=store, payload=payload, idempotency_key=idempotency_key
            )
    except IntegrityError:
        return OutboxAction.objects.get(idempotency_key=idempotency_key)
    transaction.on_commit(wake_drain)
    return action


def refund_action_key(refund: Refund) -> str:
    # Derived from the refund's own key: one refund is one action, whoever asks.
    return f"refund:{refund.idempotency_key}"


def enqueue_refund_execution(refund: Refund, *, lines: list[dict[str, Any]] | None = None) -> OutboxAction:
    """The execute_refund action of an approved refund paid back to the original payment."""
    if refund.method != RefundMethod.ORIGINAL_PAYMENT:
        raise NotExecutable(
            _("A %(method)s refund is carried out by a person, not the platform.") % {"method": refund.method}
        )
    existing = OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).first()
    if existing is not None:
        return existing
    if refund.status != RefundStatus.APPROVED:
        raise NotExecutable(
            _("Only an approved refund is executed (this one is %(status)s).") % {"status": refund.status}
        )
    return enqueue(
        kind=OutboxKind.EXECUTE_REFUND,
        store=refund.store,
        payload={"refund_id": refund.pk, "lines": list(lines or [])},
        idempotency_key=refund_action_key(refund),
    )


def enqueue_refund_execution_again(refund: Refund, *, lines: list[dict[str, Any]] | None = None) -> OutboxAction:
    """The refund's one action, for a retry of a failed refund (now executing again): the row
    the first attempt used, or a new one with the same key if it is gone."""
    existing = OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).first()
    if existing is not None:
        return existing
    return enqueue(
        kind=OutboxKind.EXECUTE_REFUND,
        store=refund.store,
        payload={"refund_id": refund.pk, "lines": list(lines or [])},
        idempotency_key=refund_action_key(refund),
    )
