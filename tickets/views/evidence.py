"""Evidence on the ticket page: upload a file, download one, see a thumbnail, download the dispute pack.

Files are only ever served to those who see the ticket (404 for everyone else, as for a missing
file), always as a download, with nosniff and a sandboxing Content-Security-Policy, so even a
file that ingest kept from an e-mail (an SVG, an HTML page) never runs as a page of ours.
Thumbnails are our own re-encoded JPEGs and the only bytes shown inline.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError
from ..models import Attachment, EvidenceKind, Message
from ..permissions import can
from ..selectors import evidence as evidence_selector
from ..selectors import ticket_page
from ..services import evidence as evidence_service
from ..validators import small_int
from .ticket import _context, _ticket, ticket_page_response

SANDBOX = "sandbox; default-src 'none'"
PANEL_SLOT = "panel"


class CappedUploadHandler(FileUploadHandler):
    """Counts an upload's bytes as they arrive and drops the file past the cap, whatever the
    request's Content-Length claimed: nothing past the cap is kept in memory or on disk."""

    def __init__(self, request=None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def _slot(raw: str) -> str:
    """Which form on the page posted: the evidence panel's, or a QC form's ("qc-<rma id>")."""
    if raw.startswith("qc-") and small_int(raw[3:]) is not None:
        return raw
    return PANEL_SLOT


@csrf_exempt  # the token is checked below, once the capped handler is in place (Django's documented order)
@login_required
@require_POST
def upload(request, number: int):
    handler = CappedUploadHandler(request, evidence_service.max_bytes())
    request.upload_handlers.insert(0, handler)
    return _upload(request, number, handler)


@csrf_protect
def _upload(request, number: int, handler: CappedUploadHandler):
    ticket = _ticket(request, number)
    slot = _slot(request.POST.get("slot", ""))
    kind = request.POST.get("kind", "")
    message = None
    message_id = small_int(request.POST.get("message", ""))
    if message_id is not None:
        message = Message.objects.visible_to(request.user).filter(pk=message_id, ticket=ticket).first()
        if message is None:
            raise Http404
    try:
        if handler.too_large:
            raise evidence_service.too_large()
        done = evidence_service.attach_evidence(
            ticket=ticket, actor=request.user, upload=request.FILES.get("file"), kind=kind, message=message
        )
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        # Nothing was stored: the form comes back with the reason beside it. HTMX swaps 400 and 409.
        status = 409 if exc.http_status == 409 else 400
        context = {"evidence_error": exc.message, "evidence_slot": slot, "evidence_kind": kind}
        if request.headers.get("HX-Request"):
            return _answer(request, number, slot=slot, status=status, **context)
        return ticket_page_response(request, number, status=413 if exc.http_status == 413 else status, **context)
    ok = _("%(name)s attached.") % {"name": done.original_name}
    if request.headers.get("HX-Request"):
        response = _answer(request, number, slot=slot, uploaded=True)
        response["HX-Trigger"] = json.dumps({"toast": ok})  # ASCII-escaped: headers are Latin-1
        return response
    messages.success(request, ok)
    return redirect(reverse("ticket", args=[number]) + "#evidence")


def _answer(request, number: int, *, slot: str, status: int = 200, uploaded: bool = False, **extra):
    """The panel's form posts into the panel: the whole panel comes back. A QC form gets itself
    back, and after an upload the panel too, out of band."""
    ticket = _ticket(request, number, find=ticket_page.load)
    context = _context(
        request,
        ticket,
        evidence=evidence_selector.panel(ticket),
        evidence_kinds=EvidenceKind.choices,
        form_slot=slot,
        **extra,
    )
    if slot == PANEL_SLOT:
        return render(request, "components/evidence_panel.html", context, status=status)
    context |= {"preset_kind": EvidenceKind.QC_PHOTO, "oob_panel": uploaded}
    return render(request, "components/evidence_qc_answer.html", context, status=status)


def _attachment(request, number: int) -> Attachment:
    """The file ``?id=`` of this ticket, if the user sees the ticket; 404 for missing and forbidden alike."""
    ticket = _ticket(request, number)
    pk = small_int(request.GET.get("id", ""))
    found = Attachment.objects.visible_to(request.user).filter(pk=pk, ticket=ticket).first() if pk else None
    if found is None or not can(request.user, "tickets.view_attachment"):
        raise Http404
    return found


def _guarded(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _open(field):
    try:
        return field.open("rb")
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_GET
@never_cache
def download(request, number: int):
    attachment = _attachment(request, number)
    content_type = (
        attachment.content_type
        if attachment.content_type in evidence_service.SAFE_TYPES
        else "application/octet-stream"
    )
    response = FileResponse(
        _open(attachment.file), as_attachment=True, filename=attachment.original_name, content_type=content_type
    )
    return _guarded(response)


@login_required
@require_GET
def thumbnail(request, number: int):
    attachment = _attachment(request, number)
    if not attachment.thumbnail:
        raise Http404
    response = FileResponse(_open(attachment.thumbnail), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    return _guarded(response)


@login_required
@require_GET
@never_cache
def pack(request, number: int):
    ticket = _ticket(request, number)
    if not can(request.user, "tickets.view_attachment"):
        raise Http404
    try:
        archive = evidence_service.evidence_pack(ticket=ticket, actor=request.user)
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
        return redirect("ticket", number=ticket.number)
    response = FileResponse(
        archive, as_attachment=True, filename=evidence_service.pack_name(ticket), content_type="application/zip"
    )
    return _guarded(response)
