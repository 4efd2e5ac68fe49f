"""Platform webhooks (Shopify's for now): verify, store the raw body once, answer at once, and leave
the processing to a task (``integrations.process_payload``), so Shopify gets its answer within 5 s
and no platform call ever happens inside the request."""

from __future__ import annotations

import hashlib
import json
import logging

from celery import current_app
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tickets.models import Store

from .models import PayloadStatus, RawPayload
from .shopify import webhooks as shopify_signature
from .shopify.adapter import WEBHOOK_TOPICS

logger = logging.getLogger("integrations.webhooks")

MAX_BODY_BYTES = 2 * 1024 * 1024  # Shopify's largest order bodies are far below this
PROCESS_TASK = "integrations.process_payload"


def _unauthorized() -> HttpResponse:
    # One answer for a bad signature and an unknown shop: it must not tell which shops exist.
    return HttpResponse(_("Unauthorized"), status=401, content_type="text/plain; charset=utf-8")


def _secrets(store: Store) -> list[str]:
    connection = getattr(store, "connection", None)
    credentials = (connection.credentials or {}) if connection else {}
    return [credentials.get("webhook_secret") or "", credentials.get("webhook_secret_previous") or ""]


def _send_process(payload_id: int) -> None:
    current_app.send_task(PROCESS_TASK, args=[payload_id])


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return HttpResponse(_("Payload too large"), status=413, content_type="text/plain; charset=utf-8")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse(_("Payload too large"), status=413, content_type="text/plain; charset=utf-8")

    domain = (request.headers.get("X-Shopify-Shop-Domain") or "").strip().lower()
    header = request.headers.get("X-Shopify-Hmac-Sha256") or ""
    stores = (
        list(Store.objects.filter(platform="shopify", marketplace__iexact=domain).select_related("connection"))
        if domain
        else []
    )
    store = next((s for s in stores if shopify_signature.verify(body, header, _secrets(s))), None)
    if store is None:
        logger.warning("shopify webhook refused", extra={"shop": domain[:100], "reason": "signature or shop"})
        return _unauthorized()

    # Signed by Shopify, yet short of what it declared, or not UTF-8: damaged on the way. A 400
    # makes Shopify deliver it again, which is what we want for a body we never got whole.
    if declared and len(body) < declared:
        return HttpResponse(_("Truncated body"), status=400, content_type="text/plain; charset=utf-8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return HttpResponse(_("Body is not UTF-8"), status=400, content_type="text/plain; charset=utf-8")

    topic = (request.headers.get("X-Shopify-Topic") or "").strip()
    delivery_id = (request.headers.get("X-Shopify-Webhook-Id") or "").strip()[:191]
    status, error = PayloadStatus.PENDING, ""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        payload, status = {"text": text}, PayloadStatus.FAILED
        error = f"malformed JSON: {exc}"
    if topic in WEBHOOK_TOPICS:
        stream = f"webhook:{topic}"
    else:
        # Kept (nothing a platform sent is lost) but not processed: a subscription we never made.
        stream, status = "webhook:unsupported", PayloadStatus.FAILED
        error = error or f"unsupported topic {topic[:100]!r}"
    if isinstance(payload, dict) and status == PayloadStatus.PENDING:
        # Some bodies carry no time at all (returns/request); the delivery's own time stands in.
        payload["_delivery"] = {
            "topic": topic,
            "triggered_at": request.headers.get("X-Shopify-Triggered-At") or "",
            "event_id": request.headers.get("X-Shopify-Event-Id") or "",
            "api_version": request.headers.get("X-Shopify-API-Version") or "",
        }
    connection = getattr(store, "connection", None)
    if status == PayloadStatus.PENDING and not (store.enabled and connection is not None and connection.enabled):
        # Sync is switched off for this store: kept (nothing is lost) but not processed; an admin
        # replays it from the store's page after switching sync back on.
        status, error = PayloadStatus.FAILED, "sync is disabled for this store; replay after enabling it"
    external_id = payload.get("admin_graphql_api_id") if isinstance(payload, dict) else ""
    duplicate = delivery_id and RawPayload.objects.filter(store=store, delivery_id=delivery_id).exists()
    if duplicate:
        return HttpResponse(status=200)
    try:
        with transaction.atomic():
            raw = RawPayload.objects.create(
                store=store,
                stream=stream,
                external_id=str(external_id or "")[:191],
                payload=payload,
                sha256=hashlib.sha256(body).hexdigest(),
                status=status,
                error=error,
                delivery_id=delivery_id,
            )
            if status == PayloadStatus.PENDING:
                transaction.on_commit(lambda: _send_process(raw.pk))
    except IntegrityError:
        # The same delivery (or the same bytes) raced in twice: stored once, answered alike.
        return HttpResponse(status=200)
    # A malformed body with a valid signature is stored as failed and answered 200: Shopify would
    # otherwise resend the same bytes for hours and then drop the subscription; the failed row is
    # shown to admins and can be replayed.
    return HttpResponse(status=200)
