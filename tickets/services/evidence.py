"""Evidence: an upload checked by its content, stored under its hash with a thumbnail, audited; the
dispute evidence pack (a ZIP of a summary page and the files) built for a download.

What a file is comes from its bytes, never from its name or the browser's Content-Type: Pillow
opens and decodes images (JPEG, PNG, WebP, GIF, HEIC through pi-heif), puremagic tells videos
(MP4, QuickTime, WebM) and PDF by their signatures. Anything else is refused, and so is an
allowed file whose first bytes also read as HTML (a polyglot a browser could be talked into
rendering). Files are written only after every check passed, and deleted again if the row
cannot be saved, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import struct
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import (
    EvidenceDuplicate,
    EvidenceImageTooLarge,
    EvidenceKindInvalid,
    EvidenceMissing,
    EvidenceTooLarge,
    EvidenceTypeRefused,
    EvidenceUnreadable,
    NotFound,
)
from ..models import Attachment, EvidenceKind, Message, Ticket
from ..permissions import ensure_member, require
from ..selectors import evidence as evidence_selector
from . import audit

try:  # HEIC photos (iPhones): decoding only, registered as a Pillow plugin.
    from pi_heif import register_heif_opener
except ImportError:  # pragma: no cover - the wheel is pinned in requirements.txt
    register_heif_opener = None
if register_heif_opener is not None:
    register_heif_opener()

ADD = "tickets.add_attachment"
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif", "HEIF": "image/heic"}
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm"})
PDF = "application/pdf"
# The types we detect and store; anything else (an e-mailed attachment ingest kept) is served as
# application/octet-stream.
SAFE_TYPES = frozenset(IMAGE_TYPES.values()) | VIDEO_TYPES | {PDF}
THUMBNAIL_PX = 320
CHUNK = 64 * 1024
HEAD = 4096
# Markup a browser's sniffer would take for a page; never in the first bytes of a real photo, video or PDF.
MARKUP = re.compile(
    rb"<\s*(?:script|html|body|head|iframe|svg|object|embed|meta|style|!doctype\s+html)|javascript:", re.IGNORECASE
)
# Named on the refusal when we can tell, so the agent knows why.
REFUSED_NAMES = {
    "image/svg+xml": gettext_noop("an SVG image (it can carry scripts)"),
    "text/html": gettext_noop("a web page (HTML)"),
    "application/xml": gettext_noop("an XML document"),
    "application/x-msdownload": gettext_noop("a program"),
    "application/x-dosexec": gettext_noop("a program"),
    "application/x-executable": gettext_noop("a program"),
    "application/zip": gettext_noop("a ZIP archive"),
}


@dataclass(frozen=True)
class Checked:
    """What the content check found."""

    content_type: str
    size: int
    sha256: str
    thumbnail: bytes | None = None


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def too_large(size: int | None = None) -> EvidenceTooLarge:
    limit = filesizeformat(max_bytes())
    return EvidenceTooLarge(_("This file is too large: at most %(limit)s.") % {"limit": limit}, size=size)


def check_upload(upload: File) -> Checked:
    """Hash and size the file while reading it (stopping past the cap), then tell what it is."""
    if upload is None:
        raise EvidenceMissing()
    digest, size, head = hashlib.sha256(), 0, b""
    cap = max_bytes()
    for chunk in upload.chunks(CHUNK):
        size += len(chunk)
        if size > cap:
            raise too_large(size)
        digest.update(chunk)
        if len(head) < HEAD:
            head += chunk[: HEAD - len(head)]
    if size == 0:
        raise EvidenceUnreadable(_("This file is empty."))
    image = _check_image(upload)
    content_type, thumbnail = image if image is not None else (_media_type(head), None)
    if MARKUP.search(head):  # a polyglot: a real image, video or PDF that also reads as a page
        raise EvidenceTypeRefused(
            _("This file carries web-page markup in its first bytes and is refused, whatever its name says.")
        )
    return Checked(content_type, size, digest.hexdigest(), thumbnail)


def _check_image(upload: File) -> tuple[str, bytes] | None:
    """(content type, thumbnail JPEG) if Pillow reads the file as one of the allowed image formats."""
    limit = settings.EVIDENCE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=list(IMAGE_TYPES)) as probe:
                fmt = probe.format
                if probe.width * probe.height > limit:
                    raise EvidenceImageTooLarge(pixels=probe.width * probe.height)
                probe.verify()  # structure and checksums, without decoding
            upload.seek(0)
            with Image.open(upload, formats=[fmt]) as img:
                img.load()  # a truncated or corrupt image fails here, before anything is stored
                return IMAGE_TYPES[fmt], thumbnail_of(img)
    except UnidentifiedImageError:
        return None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise EvidenceImageTooLarge() from exc
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, MemoryError) as exc:
        raise EvidenceUnreadable() from exc


def thumbnail_of(img: Image.Image) -> bytes:
    """At most 320 px, turned upright by its EXIF orientation, re-encoded as a JPEG with no metadata."""
    img.seek(0)  # an animation's first frame
    upright = ImageOps.exif_transpose(img)
    upright.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    if upright.mode in ("RGBA", "LA", "P", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    clean = Image.frombytes("RGB", flat.size, flat.tobytes())  # pixels only: no EXIF, GPS, ICC or comments
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def _media_type(head: bytes) -> str:
    """The video or PDF type the file's signature shows, else a refusal naming what it looks like."""
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    best = matches[0] if matches else None
    mime = best.mime_type if best else ""
    if mime in ("video/mp4", "video/quicktime"):
        return mime
    if mime in ("video/webm", "application/x-matroska") and b"\x42\x82\x84webm" in head[:64]:
        return "video/webm"
    if mime == PDF and head.startswith(b"%PDF-"):
        return PDF
    what = REFUSED_NAMES.get(mime)
    if what:
        raise EvidenceTypeRefused(
            _(
                "%(what)s cannot be attached. Accepted: JPEG, PNG, WebP, GIF and HEIC photos; MP4, MOV and WebM videos; PDF documents."
            )
            % {"what": _capital(_(what))}
        )
    raise EvidenceTypeRefused()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def clean_name(name: str) -> str:
    """The name as the buyer or agent gave it, for display and the download only: no path, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return base[:200] or "evidence"


def attach_evidence(
    *,
    ticket: Ticket,
    actor,
    upload: File | None,
    kind: str,
    message: Message | None = None,
) -> Attachment:
    """Check the upload by its content and attach it to the ticket (and one of its messages)."""
    ensure_member(actor, ticket.store_id)
    require(actor, ADD)
    if kind not in EvidenceKind.values:
        raise EvidenceKindInvalid()
    if message is not None and message.ticket_id != ticket.pk:
        raise NotFound()
    if upload is None:
        raise EvidenceMissing()
    checked = check_upload(upload)
    existing = Attachment.objects.filter(ticket=ticket, sha256=checked.sha256).first()
    if existing is not None:
        raise _duplicate(existing)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        store_id=ticket.store_id,
        original_name=clean_name(getattr(upload, "name", "")),
        kind=kind,
        sha256=checked.sha256,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    written: list = []
    try:
        with transaction.atomic():
            upload.seek(0)
            attachment.file.save("file", upload, save=False)
            written.append(attachment.file)
            if checked.thumbnail is not None:
                attachment.thumbnail.save("thumb.jpg", ContentFile(checked.thumbnail), save=False)
                written.append(attachment.thumbnail)
            attachment.save(force_insert=True)
            audit.record(
                actor=actor,
                action="evidence.attached",
                obj=attachment,
                after={
                    "name": attachment.original_name,
                    "kind": kind,
                    "sha256": checked.sha256,
                    "size": checked.size,
                    "content_type": checked.content_type,
                    "message": message.pk if message else None,
                },
            )
    except IntegrityError as exc:  # the same file, attached by someone else a moment ago
        _delete(written)
        raise EvidenceDuplicate() from exc
    except BaseException:
        _delete(written)
        raise
    return attachment


def _duplicate(existing: Attachment) -> EvidenceDuplicate:
    return EvidenceDuplicate(
        _("This file is already attached to this ticket (“%(name)s”, %(kind)s).")
        % {"name": existing.original_name, "kind": existing.get_kind_display()}
    )


def _delete(files) -> None:
    for field in files:
        if field and field.name:
            field.storage.delete(field.name)


# --- The dispute evidence pack ----------------------------------------------------------------


def pack_name(ticket: Ticket) -> str:
    return f"evidence-{ticket.number}.zip"


def evidence_pack(*, ticket: Ticket, actor) -> IO[bytes]:
    """A ZIP of summary.html (order, lines, amounts, tracking, the conversation, the file list with
    hashes) and the files, in a temporary file the caller streams and closes. Audited."""
    ensure_member(actor, ticket.store_id)
    data = evidence_selector.pack_data(ticket)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for entry in data.files:
                if not entry.present:
                    continue
                member = zipfile.ZipInfo(entry.path, date_time=entry.attachment.created_at.timetuple()[:6])
                member.compress_type = zipfile.ZIP_STORED  # photos, videos and PDF are compressed already
                with entry.attachment.file.open("rb") as source, archive.open(member, "w") as target:
                    shutil.copyfileobj(source, target, CHUNK)
            summary = render_to_string("evidence/pack_summary.html", {"pack": data, "generated_at": timezone.now()})
            archive.writestr("summary.html", summary)
        audit.record(
            actor=actor,
            action="evidence.pack_downloaded",
            obj=ticket,
            after={"files": [entry.attachment.sha256 for entry in data.files if entry.present]},
        )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
