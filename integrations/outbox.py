"""The outbox drain: carry out queued actions (refunds, return decisions, replies) on the platforms,
at most once on the platform even when a worker dies mid-call or a task is delivered twice.

How: an action is claimed in a short transaction (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL,
then a compare-and-set on its status and attempts, which also holds on SQLite), marked in_progress
with a lease (``next_attempt_at`` = now + lease()) and COMMITTED before the platform is called; the
result is recorded in a second short transaction. An in_progress row whose lease ran out (its
worker died between the two) or that waits for an asynchronous result is taken again only through
``adapter.lookup`` first: the platform says whether the action already happened (found by our
idempotency key), and it is sent again, with the same key, only when nothing is known.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Message, OutboxAction, PlatformRefund, Refund, ReturnAuthorization
from tickets.models.messages import SendStatus
from tickets.models.outbox import OutboxKind, OutboxStatus
from tickets.services import refund_decisions
from tickets.services.refunds import transition_refund
from tickets.states import ActorKind, RefundStatus

from . import registry
from .base import IntegrationError, PermanentError, PushResult, RateLimited

logger = logging.getLogger("integrations.outbox")

MAX_ATTEMPTS = 8
BACKOFF_BASE = 30  # seconds; doubled per attempt, with jitter
BACKOFF_CAP = 6 * 3600


def lease() -> timedelta:
    """How long a claimed action is left to its worker. A drain runs inside a task that Celery
    kills at its hard time limit, so after that limit (and a margin) nobody is still working on
    the action: the claim may be taken again, through ``lookup`` first."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)


def poll_interval() -> timedelta:
    """How often an accepted asynchronous push (eBay refund PENDING, Amazon feed IN_QUEUE) is polled."""
    return timedelta(seconds=settings.OUTBOX_POLL_SECONDS)


@dataclass
class Claim:
    action: OutboxAction
    retry: bool  # an earlier attempt may have reached the platform: look up before sending
    skipped: bool = False  # taken by another drain, or refused before any call


def backoff(attempts: int) -> timedelta:
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


# --- claiming -------------------------------------------------------------------------------------
def _due(now) -> Q:
    return Q(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.IN_PROGRESS]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def claim_next(exclude: set[int] | None = None) -> Claim | None:
    """Take one due action and commit it as in_progress before anything is sent."""
    now = timezone.now()
    with transaction.atomic():
        queryset = OutboxAction.objects.select_for_update(skip_locked=True).filter(_due(now))
        if exclude:
            queryset = queryset.exclude(pk__in=exclude)
        action = queryset.order_by("next_attempt_at", "id").first()
        if action is None:
            return None
        retry = action.attempts > 0 or action.status == OutboxStatus.IN_PROGRESS
        # Compare-and-set: where row locks do nothing (SQLite), the row still goes to one drain only.
        taken = OutboxAction.objects.filter(pk=action.pk, status=action.status, attempts=action.attempts).update(
            status=OutboxStatus.IN_PROGRESS, attempts=action.attempts + 1, next_attempt_at=now + lease(), updated_at=now
        )
        if not taken:
            return Claim(action=action, retry=retry, skipped=True)
        action.refresh_from_db()
        if action.kind == OutboxKind.EXECUTE_REFUND:
            try:
                with transaction.atomic():
                    _refund_to_executing(action)
            except Exception as error:  # noqa: BLE001 - e.g. nothing left to refund: never sent
                message = _said(error)
                _record_dead(action, message)
                return Claim(action=action, retry=retry, skipped=True)
    return Claim(action=action, retry=retry)


def _refund_to_executing(action: OutboxAction) -> None:
    refund = Refund.objects.filter(pk=action.payload.get("refund_id")).first()
    if refund is None:
        return
    if refund.status in (RefundStatus.APPROVED, RefundStatus.FAILED):
        transition_refund(refund, RefundStatus.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)


# --- the drain ------------------------------------------------------------------------------------
def drain(limit: int = 50) -> int:
    """Carry out up to ``limit`` due actions; returns how many were handled."""
    handled = 0
    seen: set[int] = set()
    while handled < limit:
        try:
            claim = claim_next(seen)
        except Exception:  # noqa: BLE001 - a refund that can no longer move: recorded on its row
            logger.exception("claiming an outbox action failed")
            break
        if claim is None:
            break
        seen.add(claim.action.pk)
        if claim.skipped:
            continue
        try:
            execute(claim)
        except Exception as error:  # noqa: BLE001 - one broken action never stops the others
            logger.exception("outbox action %s failed unexpectedly", claim.action.pk)
            _record_retryable(claim.action, error)
        handled += 1
    return handled


def execute(claim: Claim) -> None:
    action = claim.action
    try:
        handler = HANDLERS[action.kind]
    except KeyError:
        _record_dead(action, _("No handler for %(kind)s.") % {"kind": action.kind})
        return
    handler(claim)


# --- execute_refund -------------------------------------------------------------------------------
def refund_payload(refund: Refund, action: OutboxAction) -> dict[str, Any]:
    """The platform_common.md shape, built from the rows at send time."""
    from tickets.money import currency_exponent

    exponent = currency_exponent(refund.currency)
    amount = refund.amount.quantize(Decimal(1).scaleb(-exponent))
    rma = ReturnAuthorization.objects.filter(ticket_id=refund.ticket_id).exclude(external_id="").first()
    payload = {
        "refund_id": refund.pk,
        "order_external_id": refund.order.external_id,
        "amount": f"{amount:f}",
        "currency": refund.currency,
        "reason": refund.reason,
        "lines": list(action.payload.get("lines") or []),
        "return_external_id": rma.external_id if rma else "",
    }
    if action.payload.get("reference"):
        payload["reference"] = action.payload["reference"]
    # For a platform that echoes nothing of ours (eBay): only a refund made after ours started, and
    # not one already known as another refund's, may be taken for ours by ``lookup``.
    if refund.executing_at:
        payload["not_before"] = refund.executing_at.isoformat()
    known = set(
        Refund.objects.filter(order_id=refund.order_id)
        .exclude(pk=refund.pk)
        .exclude(platform_refund_id="")
        .values_list("platform_refund_id", flat=True)
    ) | set(
        # Only a platform refund linked to another of our refunds is someone else's: one a sync
        # stored linked to nothing may well be this one, made before its answer was recorded.
        PlatformRefund.objects.filter(
            store_id=refund.store_id, order_external_id=refund.order.external_id, refund__isnull=False
        )
        .exclude(refund_id=refund.pk)
        .values_list("external_id", flat=True)
    )
    # A retried refund's earlier, failed attempt is on the platform too, but it is not this send.
    known |= set(action.payload.get("failed_references") or [])
    payload["known_references"] = sorted(known)
    return payload


def _execute_refund(claim: Claim) -> None:
    action = claim.action
    refund = Refund.objects.select_related("order", "store").filter(pk=action.payload.get("refund_id")).first()
    if refund is None:
        _record_dead(action, _("The refund is gone."))
        return
    if refund.status == RefundStatus.SUCCEEDED:
        _record_done(action, {})
        return
    if refund.status != RefundStatus.EXECUTING:
        _record_dead(action, _("The refund is %(status)s; nothing was sent.") % {"status": refund.status})
        return
    key = str(refund.idempotency_key)
    payload = refund_payload(refund, action)

    def finish(result: PushResult) -> None:
        if result.pending:
            _record_waiting(action, result)
        elif result.done:
            _refund_succeeded(refund, result)
            _record_done(action, {"reference": result.reference})
        else:
            _refund_failed(refund, result.platform_message or _("The platform refused the refund."))
            _record_dead(action, result.platform_message or _("The platform refused the refund."))

    _push_with_lookup(claim, action.kind, payload, key, finish, on_dead=lambda message: _refund_failed(refund, message))


def _refund_succeeded(refund: Refund, result: PushResult) -> None:
    with transaction.atomic():
        transition_refund(
            refund,
            RefundStatus.SUCCEEDED,
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            platform_refund_id=(result.reference or "")[:128],
        )
        amount = getattr(result.amount, "amount", None)
        if amount is not None:
            Refund.objects.filter(pk=refund.pk).update(platform_amount=amount)
        refund.refresh_from_db()
        refund_decisions.after_platform_answer(refund)


def _refund_failed(refund: Refund, message: str) -> None:
    refund.refresh_from_db()
    if refund.status == RefundStatus.EXECUTING:
        with transaction.atomic():
            transition_refund(
                refund, RefundStatus.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason=message[:2000]
            )
            refund.refresh_from_db()
            refund_decisions.after_platform_answer(refund)


# --- approve_return -------------------------------------------------------------------------------
def _approve_return(claim: Claim) -> None:
    action = claim.action
    rma = ReturnAuthorization.objects.select_related("ticket__order").filter(pk=action.payload.get("rma_id")).first()
    if rma is None or not rma.external_id:
        _record_dead(action, _("The return has no platform id."))
        return
    order = rma.ticket.order
    payload = {
        "return_external_id": rma.external_id,
        "order_external_id": order.external_id if order else "",
        "decision": action.payload.get("decision", "approve"),
        "reason": action.payload.get("reason", ""),
    }
    if action.payload.get("reference"):
        payload["reference"] = action.payload["reference"]

    def finish(result: PushResult) -> None:
        if result.pending:
            _record_waiting(action, result)
        elif result.done:
            _record_done(action, {"reference": result.reference})
        else:
            _record_dead(action, result.platform_message or _("The platform refused the decision."))

    _push_with_lookup(claim, action.kind, payload, action.idempotency_key, finish)


# --- create_replacement ---------------------------------------------------------------------------
def replacement_payload(order) -> dict[str, Any]:
    """The replacement as a platform adapter reads it: the original order, the lines at no charge."""
    original = order.replacement_of
    return {
        "order_id": order.pk,
        "number": order.number,
        "kind": order.replacement_kind,
        "original_order_external_id": original.external_id if original else "",
        "original_order_number": original.number if original else "",
        "currency": order.currency,
        "note": order.replacement_note,
        "ticket_number": order.replacement_ticket.number if order.replacement_ticket_id else None,
        "lines": [
            {
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "original_line_external_id": line.replaces.external_id if line.replaces_id else "",
            }
            for line in order.lines.select_related("replaces").order_by("pk")
        ],
    }


def _create_replacement(claim: Claim) -> None:
    """Create the replacement on the platform where the adapter can. Where it cannot (no adapter
    offers order creation yet) the order is marked for a person to create by hand, with the
    platform's words: never a success that did not happen."""
    from tickets.models import Order
    from tickets.services.replacements import record_platform_answer

    action = claim.action
    order = (
        Order.objects.select_related("replacement_of", "replacement_ticket", "store")
        .filter(pk=action.payload.get("order_id"))
        .first()
    )
    if order is None or order.replacement_of_id is None:
        _record_dead(action, _("The replacement order is gone."))
        return
    if order.replacement_state == "created":
        _record_done(action, {})
        return

    def by_hand(message: str) -> None:
        record_platform_answer(order, created=False, note=message)

    def finish(result: PushResult) -> None:
        if result.done:
            record_platform_answer(order, created=True, note=result.reference or "")
            _record_done(action, {"reference": result.reference})
        else:
            message = result.platform_message or _("The platform refused the replacement.")
            by_hand(message)
            _record_dead(action, message)

    _push_with_lookup(claim, action.kind, replacement_payload(order), action.idempotency_key, finish, on_dead=by_hand)


# --- send_reply -----------------------------------------------------------------------------------
def _send_reply(claim: Claim) -> None:
    action = claim.action
    message = (
        Message.objects.select_related("ticket__order", "store").filter(pk=action.payload.get("message_id")).first()
    )
    if message is None:
        _record_dead(action, _("The message is gone."))
        return
    if message.send_status == SendStatus.SENT:
        _record_done(action, {})
        return

    def finish(result: PushResult) -> None:
        if result.done:
            Message.objects.filter(pk=message.pk).update(send_status=SendStatus.SENT, send_error="")
            _record_done(action, {"reference": result.reference})
        else:
            _message_failed(message, result.platform_message)
            _record_dead(action, result.platform_message or _("The platform refused the reply."))

    channel = message.ticket.channel
    if channel == "email":
        from .email.outbound import send_reply

        try:
            result = send_reply(message)
        except PermanentError as error:
            _message_failed(message, _said(error))
            _record_dead(action, _said(error))
            return
        except IntegrationError as error:
            _record_retryable(action, error, on_dead=lambda text: _message_failed(message, text))
            return
        finish(result)
        return
    order = message.ticket.order
    payload = {
        "body_text": _plain(message.body),
        "body_html": message.body,
        "subject": message.ticket.subject,
        "order_external_id": order.external_id if order else "",
        "thread_key": message.thread_key,
        "reply_to_id": message.reply_to_id,
        "buyer_id": getattr(message.ticket, "buyer_id", "") or "",
        "item_id": action.payload.get("item_id", ""),
        "ticket_number": message.ticket.number,
    }
    _push_with_lookup(
        claim, action.kind, payload, action.idempotency_key, finish, on_dead=lambda t: _message_failed(message, t)
    )


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html)


def _message_failed(message: Message, text: str) -> None:
    Message.objects.filter(pk=message.pk).update(send_status=SendStatus.FAILED, send_error=text[:2000])


# --- shared: lookup first on a retry, then push ---------------------------------------------------
def _said(error: BaseException) -> str:
    said = getattr(error, "platform_message", "") or ""
    return (f"{error}: {said}" if said and said not in str(error) else str(error) or type(error).__name__)[:2000]


def _push_with_lookup(claim: Claim, kind, payload, key, finish, on_dead=None) -> None:
    """Look up (on a retry), else push; record the outcome.

    ``on_dead`` (the refund fails, the reply shows failed) runs only when the platform cannot have
    acted: the first attempt, refused outright. After an attempt that may have reached the platform
    (a retry, an accepted asynchronous push) an error dead-letters the action for a person to
    reconcile and leaves the refund executing: it still counts against what is left to refund, so
    nobody pays it a second time while its fate is unknown.
    """
    action = claim.action
    may_have_acted = claim.retry or bool(action.payload.get("reference"))
    try:
        adapter = registry.adapter_for(action.store)
        result = adapter.lookup(kind, payload, idempotency_key=key) if claim.retry else None
        if result is None:
            result = adapter.push(kind, payload, idempotency_key=key)
    except PermanentError as error:
        if may_have_acted:
            _record_dead(action, _("Needs reconciliation on the platform: %(error)s") % {"error": _said(error)})
            return
        if on_dead:
            on_dead(_said(error))
        _record_dead(action, _said(error))
        return
    except IntegrationError as error:
        _record_retryable(action, error, on_dead=None if kind == OutboxKind.EXECUTE_REFUND else on_dead)
        return
    finish(result)


# --- recording results ----------------------------------------------------------------------------
def _record_done(action: OutboxAction, extra: dict[str, Any]) -> None:
    payload = {**action.payload, **{k: v for k, v in extra.items() if v}}
    OutboxAction.objects.filter(pk=action.pk).update(
        status=OutboxStatus.DONE, done_at=timezone.now(), next_attempt_at=None, last_error="", payload=payload
    )


def _record_waiting(action: OutboxAction, result: PushResult) -> None:
    # Accepted, final state later: poll through lookup, with the reference the platform gave.
    payload = {**action.payload, "reference": result.reference or action.payload.get("reference", "")}
    OutboxAction.objects.filter(pk=action.pk).update(
        status=OutboxStatus.IN_PROGRESS,
        next_attempt_at=timezone.now() + poll_interval(),
        payload=payload,
        last_error="",
    )


def _record_dead(action: OutboxAction, message: str) -> None:
    OutboxAction.objects.filter(pk=action.pk).update(
        status=OutboxStatus.DEAD, next_attempt_at=None, last_error=message[:4000]
    )


def _record_retryable(action: OutboxAction, error: BaseException, on_dead=None) -> None:
    action.refresh_from_db()
    message = _said(error)
    accepted = bool(action.payload.get("reference"))  # the platform took it; we are polling its result
    if action.attempts >= MAX_ATTEMPTS and not accepted:
        if on_dead:
            on_dead(message)
        elif action.kind == OutboxKind.EXECUTE_REFUND:
            # A refund whose last attempts failed in transit may still have been paid: it stays
            # executing (counted against the order) until a person reconciles it.
            message = _("Needs reconciliation on the platform: %(error)s") % {"error": message}
        _record_dead(action, message)
        return
    wait = timedelta(seconds=error.wait_seconds) if isinstance(error, RateLimited) else backoff(action.attempts)
    if accepted:
        wait = min(wait, max(poll_interval(), timedelta(hours=1)))  # keep polling an accepted push
    OutboxAction.objects.filter(pk=action.pk).update(
        status=OutboxStatus.FAILED, next_attempt_at=timezone.now() + wait, last_error=message[:4000]
    )


HANDLERS = {
    OutboxKind.EXECUTE_REFUND: _execute_refund,
    OutboxKind.APPROVE_RETURN: _approve_return,
    OutboxKind.SEND_REPLY: _send_reply,
    OutboxKind.CREATE_REPLACEMENT: _create_replacement,
}
