"""The outbox drain: carry out queued actions (refunds, return decisions, replies) on the platforms,
at most once on the platform even when a worker dies mid-call or a task is delivered twice.

How: an action is claimed in a short transaction (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL,
then a compare-and-set on its status and attempts, which also holds on SQLite), marked in_progress
with a lease (``next_attempt_at`` = now + LEASE) and COMMITTED before the platform is called; the
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

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets.models import Message, OutboxAction, Refund, ReturnAuthorization
from tickets.models.messages import SendStatus
from tickets.models.outbox import OutboxKind, OutboxStatus
from tickets.services.refunds import transition_refund
from tickets.states import ActorKind, RefundStatus

from . import registry
from .base import IntegrationError, PermanentError, PushResult, RateLimited
from .http import MAX_INLINE_WAIT, HttpClient

logger = logging.getLogger("integrations.outbox")

MAX_ATTEMPTS = 8
BACKOFF_BASE = 30  # seconds; doubled per attempt, with jitter
BACKOFF_CAP = 6 * 3600
POLL_SECONDS = 60  # an accepted asynchronous push (eBay refund PENDING, Amazon feed IN_QUEUE) is polled this often


def _call_budget() -> float:
    probe = HttpClient(platform="-", store_id=0, base_url="")
    per_try = sum(probe.timeout) + MAX_INLINE_WAIT
    return per_try * (probe.max_retries + 1)


# A worker that has not recorded a result within twice the longest a call can take is dead.
LEASE = timedelta(seconds=2 * _call_budget())


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
            status=OutboxStatus.IN_PROGRESS, attempts=action.attempts + 1, next_attempt_at=now + LEASE, updated_at=now
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


def _refund_failed(refund: Refund, message: str) -> None:
    refund.refresh_from_db()
    if refund.status == RefundStatus.EXECUTING:
        transition_refund(
            refund, RefundStatus.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason=message[:2000]
        )


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
    action = claim.action
    try:
        adapter = registry.adapter_for(action.store)
        result = adapter.lookup(kind, payload, idempotency_key=key) if claim.retry else None
        if result is None:
            result = adapter.push(kind, payload, idempotency_key=key)
    except PermanentError as error:
        if on_dead:
            on_dead(_said(error))
        _record_dead(action, _said(error))
        return
    except IntegrationError as error:
        _record_retryable(action, error, on_dead=on_dead)
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
        next_attempt_at=timezone.now() + timedelta(seconds=POLL_SECONDS),
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
    if action.attempts >= MAX_ATTEMPTS:
        if on_dead:
            on_dead(message)
        elif action.kind == OutboxKind.EXECUTE_REFUND:
            refund = Refund.objects.filter(pk=action.payload.get("refund_id")).first()
            if refund is not None:
                _refund_failed(refund, message)
        _record_dead(action, message)
        return
    wait = timedelta(seconds=error.wait_seconds) if isinstance(error, RateLimited) else backoff(action.attempts)
    OutboxAction.objects.filter(pk=action.pk).update(
        status=OutboxStatus.FAILED, next_attempt_at=timezone.now() + wait, last_error=message[:4000]
    )


HANDLERS = {
    OutboxKind.EXECUTE_REFUND: _execute_refund,
    OutboxKind.APPROVE_RETURN: _approve_return,
    OutboxKind.SEND_REPLY: _send_reply,
}
