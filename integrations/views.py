"""Operational endpoints (/healthz) and the admins' store connection pages: the list of stores,
a store's connection form, test / enable / sync now, the status panel per stream, failed payloads
with replay, and the quarantine of mail no store claimed."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

from celery import current_app
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tickets.models import Mailbox, Store
from tickets.services import audit

from . import selectors
from .base import IntegrationError
from .forms import MASK, MailboxForm, connection_form_for
from .health import database_health, health, is_healthy
from .models import MailboxConnection, StoreConnection
from .registry import adapter_for

log = logging.getLogger(__name__)
SYNC_TASK = "integrations.sync_stream"
TEST_RESULT_MAX = 300


@never_cache
@require_GET
def healthz(request):
    # ``?scope=web`` is the web process's own probe (container healthchecks, load balancers): a
    # stalled queue must not take the web nodes out of rotation. Monitors read the full report.
    report = {"database": database_health()} if request.GET.get("scope") == "web" else health()
    return JsonResponse(report, status=200 if is_healthy(report) else 503)


def _toast(response: HttpResponse, text: str) -> HttpResponse:
    response["HX-Trigger"] = json.dumps({"toast": text})  # ASCII-escaped: headers are Latin-1
    return response


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# --- the list -----------------------------------------------------------------------------------


@login_required
@require_GET
def store_list(request):
    stores = list(selectors.managed_stores(request.user))
    for store in stores:
        store.state = selectors.connection_state(store)
        store.conn = selectors.connection_of(store)
    return render(request, "integrations/store_list.html", {"stores": stores, "tab": "stores"})


# --- the connection page ------------------------------------------------------------------------


def _mailbox_forms(store: Store, data=None) -> list[MailboxForm]:
    boxes = Mailbox.objects.filter(store=store).select_related("imap").order_by("address")
    forms = [MailboxForm(data, mailbox=box, prefix=f"mb-{box.pk}") for box in boxes]
    forms.append(MailboxForm(data, prefix="mb-new"))
    return forms


def _page_context(request, store: Store, form, mailbox_forms) -> dict[str, Any]:
    rows = selectors.cursors(store)
    return {
        "store": store,
        "form": form,
        "mailbox_forms": mailbox_forms,
        "connection": selectors.connection_of(store),
        "state": selectors.connection_state(store),
        "cursors": rows,
        "backfill_running": selectors.backfill_running(rows),
        "failed": selectors.failed_payloads(store),
        "now": timezone.now(),
        "tab": "stores",
    }


def _masked(connection: StoreConnection, secrets: tuple[str, ...], changed: list[str]) -> dict[str, Any]:
    """What the audit trail keeps: every setting, secrets only as a mask (and whether they changed)."""
    credentials = {}
    for key, value in sorted((connection.credentials or {}).items()):
        if key in secrets or "secret" in key or "token" in key or "password" in key:
            credentials[key] = f"{MASK} ({_('changed')})" if key in changed else MASK
        else:
            credentials[key] = value
    return {
        "base_url": connection.base_url,
        "enabled": connection.enabled,
        "sync_interval_seconds": connection.sync_interval_seconds,
        "credentials": credentials,
    }


def _save_mailboxes(store: Store, forms: list[MailboxForm]) -> list[str]:
    """Apply the mailbox forms; return the addresses touched (for the audit note)."""
    touched = []
    for form in forms:
        data = form.cleaned_data
        if form.mailbox is not None and data.get("delete"):
            touched.append(f"-{form.mailbox.address}")
            form.mailbox.delete()
            continue
        if form.is_blank_new:
            continue
        mailbox = form.mailbox or Mailbox(store=store)
        mailbox.address, mailbox.kind = data["address"], data["kind"]
        mailbox.save()
        touched.append(mailbox.address)
        imap = form.imap
        if not data["host"]:
            if imap is not None:
                imap.delete()
            continue
        imap = imap or MailboxConnection(mailbox=mailbox)
        imap.host, imap.port, imap.use_ssl = data["host"], data["port"], data["use_ssl"]
        imap.username, imap.folder, imap.enabled = data["username"], data["folder"], data["imap_enabled"]
        if data.get("password"):
            imap.credentials = {**(imap.credentials or {}), "password": data["password"]}
        imap.save()
    return touched


@login_required
@require_http_methods(["GET", "POST"])
def store_connection(request, store_id: int):
    store = selectors.managed_store(request.user, store_id)
    connection = selectors.connection_of(store)
    if request.method == "GET":
        form = connection_form_for(store, connection)
        return render(
            request, "integrations/store_connection.html", _page_context(request, store, form, _mailbox_forms(store))
        )
    form = connection_form_for(store, connection, request.POST)
    mailbox_forms = _mailbox_forms(store, request.POST)
    results = [form.is_valid()] + [box.is_valid() for box in mailbox_forms]  # every form validated: all errors shown
    valid = all(results)
    if not valid:
        context = _page_context(request, selectors.managed_store(request.user, store_id), form, mailbox_forms)
        context["form_error"] = _("Nothing was saved: please correct the fields marked below.")
        return render(request, "integrations/store_connection.html", context, status=400)
    with transaction.atomic():
        is_new = connection.pk is None
        before = {} if is_new else _masked(StoreConnection.objects.get(pk=connection.pk), form.SECRETS, [])
        connection.base_url = form.cleaned_data["base_url"] or ""
        connection.sync_interval_seconds = form.cleaned_data["sync_interval_seconds"]
        connection.enabled = form.cleaned_data["enabled"]
        connection.credentials = form.credentials()
        connection.save()
        if "shop_domain" in form.cleaned_data and store.marketplace != form.cleaned_data["shop_domain"]:
            store.marketplace = form.cleaned_data["shop_domain"]
            store.save(update_fields=["marketplace"])
        touched = _save_mailboxes(store, mailbox_forms)
        audit.record(
            actor=request.user,
            action="store.connection_created" if is_new else "store.connection_changed",
            obj=connection,
            before=before,
            after=_masked(connection, form.SECRETS, form.changed_secrets()),
            note=", ".join(touched),
        )
    messages.success(request, _("Connection of %(store)s saved.") % {"store": store.name})
    return redirect("store-connection", store_id=store.pk)


# --- actions ------------------------------------------------------------------------------------


def _scrub(text: str, connection: StoreConnection) -> str:
    """A platform's answer may echo what we sent: never show a stored secret."""
    for value in (connection.credentials or {}).values():
        if isinstance(value, str) and len(value) >= 6:
            text = text.replace(value, MASK)
    return " ".join(text.split())[:TEST_RESULT_MAX]


def _run_test(store: Store, connection: StoreConnection) -> tuple[bool, str]:
    try:
        description = adapter_for(store).test_connection()
    except IntegrationError as exc:
        said = exc.platform_message or str(exc)
        return False, _scrub(_("The platform refused: %(message)s") % {"message": said}, connection)
    except Exception as exc:  # noqa: BLE001 - an admin needs a line, never a traceback
        log.warning("test_connection of store %s failed: %s", store.pk, type(exc).__name__)
        return False, _scrub(
            _("The test could not run (%(kind)s): %(message)s") % {"kind": type(exc).__name__, "message": exc},
            connection,
        )
    return True, _scrub(str(description or _("Connected.")), connection)


@login_required
@require_POST
def store_test(request, store_id: int):
    store = selectors.managed_store(request.user, store_id)
    connection = selectors.connection_of(store)
    if connection.pk is None:
        ok, text = False, _("Save the connection first.")
    else:
        ok, text = _run_test(store, connection)
        connection.last_test_ok, connection.last_test_result, connection.last_tested_at = ok, text, timezone.now()
        connection.save(update_fields=["last_test_ok", "last_test_result", "last_tested_at", "updated_at"])
    if _is_htmx(request):
        return render(request, "integrations/_test_result.html", {"connection": connection, "ok": ok, "text": text})
    (messages.success if ok else messages.error)(request, text)
    return redirect("store-connection", store_id=store.pk)


@login_required
@require_POST
def store_toggle(request, store_id: int):
    store = selectors.managed_store(request.user, store_id)
    connection = selectors.connection_of(store)
    if connection.pk is None:
        messages.error(request, _("Save the connection first."))
        return redirect("store-connection", store_id=store.pk)
    with transaction.atomic():
        connection.enabled = not connection.enabled
        connection.save(update_fields=["enabled", "updated_at"])
        audit.record(
            actor=request.user,
            action="store.sync_enabled" if connection.enabled else "store.sync_disabled",
            obj=connection,
            before={"enabled": not connection.enabled},
            after={"enabled": connection.enabled},
        )
    messages.success(request, _("Sync enabled.") if connection.enabled else _("Sync disabled."))
    return redirect("store-connection", store_id=store.pk)


def _streams(store: Store) -> list[str]:
    streams = {cursor.stream for cursor in selectors.cursors(store)}
    try:
        streams.update(adapter_for(store).streams)
    except Exception as exc:  # noqa: BLE001 - no adapter yet: the cursors we have are still synced
        log.info("no adapter streams for store %s: %s", store.pk, type(exc).__name__)
    return sorted(streams)


@login_required
@require_POST
def store_sync_now(request, store_id: int):
    store = selectors.managed_store(request.user, store_id)
    connection = selectors.connection_of(store)
    streams = _streams(store) if connection.pk is not None and connection.enabled else []
    if not streams:
        messages.error(request, _("Nothing to sync: connect the store and enable sync first."))
        return redirect("store-connection", store_id=store.pk)
    for stream in streams:
        current_app.send_task(SYNC_TASK, args=[store.pk, stream])
    messages.success(request, _("Sync started for %(n)s streams.") % {"n": len(streams)})
    return redirect("store-connection", store_id=store.pk)


@login_required
@require_GET
def store_status(request, store_id: int):
    store = selectors.managed_store(request.user, store_id)
    rows = selectors.cursors(store)
    context = {
        "store": store,
        "cursors": rows,
        "backfill_running": selectors.backfill_running(rows),
        "now": timezone.now(),
    }
    return render(request, "integrations/_status_panel.html", context)


@login_required
@require_POST
def payload_replay(request, payload_id: int):
    raw = selectors.failed_payload(request.user, payload_id)
    from .sync import replay

    try:
        replay(raw)
    except IntegrationError as exc:
        messages.error(request, _("Replay failed: %(message)s") % {"message": exc.platform_message or exc})
    else:
        raw.refresh_from_db()
        if raw.status == "failed":
            messages.error(request, _("Replay failed again: %(error)s") % {"error": raw.error[:200]})
        else:
            messages.success(request, _("Payload replayed."))
    return redirect("store-connection", store_id=raw.store_id)


# --- quarantine ---------------------------------------------------------------------------------


@login_required
@require_GET
def quarantine_list(request):
    emails = list(selectors.quarantined(request.user)[:200])
    stores = Store.objects.visible_to(request.user).order_by("name")
    return render(request, "integrations/quarantine.html", {"emails": emails, "stores": stores, "tab": "quarantine"})


@login_required
@require_POST
def quarantine_assign(request, email_id: int):
    email = selectors.quarantined_email(request.user, email_id)
    choice = str(request.POST.get("store", ""))
    store = Store.objects.visible_to(request.user).filter(pk=int(choice)).first() if choice.isdigit() else None
    if store is None:
        messages.error(request, _("Choose a store."))
        return redirect("quarantine")
    from .sync import ingest_raw

    with transaction.atomic():
        ingest_raw(
            store,
            "email",
            {"base64": base64.b64encode(bytes(email.raw)).decode("ascii")},
            external_id=email.message_id,
        )
        email.released_to, email.released_at = store, timezone.now()
        email.save(update_fields=["released_to", "released_at"])
    messages.success(request, _("Mail assigned to %(store)s.") % {"store": store.name})
    return redirect("quarantine")


@login_required
@require_POST
def quarantine_drop(request, email_id: int):
    email = selectors.quarantined_email(request.user, email_id)
    email.delete()
    messages.success(request, _("Mail dropped."))
    return redirect("quarantine")
