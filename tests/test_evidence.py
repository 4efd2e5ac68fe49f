"""Evidence: uploads checked by content, capped, hashed and thumbnailed; downloads scoped and served
as attachments; the checklist per case; the dispute evidence pack."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests import factories
from tickets.errors import (
    EvidenceDuplicate,
    EvidenceImageTooLarge,
    EvidenceTooLarge,
    EvidenceTypeRefused,
    EvidenceUnreadable,
    NotFound,
    PermissionDenied,
)
from tickets.models import Attachment, AuditEvent, Dispute, EvidenceKind
from tickets.selectors import evidence as evidence_selector
from tickets.services.evidence import attach_evidence

pytestmark = pytest.mark.django_db


# --- Files made here, byte by byte -------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(64, 48), color="red", **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return out.getvalue()


def noisy_png(side: int = 120) -> bytes:
    """A PNG that does not compress: its size grows with its side."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def rotated_jpeg_with_gps() -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°", with a GPS position and a camera name."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 CW to view
    exif[0x0110] = "Buyer's phone"  # model
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0)}  # GPS
    return image_bytes("JPEG", size=(400, 200), exif=exif.tobytes())


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


MP4 = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41") + box(b"free") + box(b"mdat", b"\x00" * 256)
QUICKTIME = box(b"ftyp", b"qt  \x00\x00\x02\x00qt  ") + box(b"wide") + box(b"mdat", b"\x00" * 256)
WEBM = bytes.fromhex("1A45DFA39F4286810142F7810142F2810442F381084282847765626D4287810442858102") + b"\x00" * 256
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's calling card."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    # The browser's content type is whatever the client says; the service never reads it.
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, reason="damaged_in_transit", type="complaint")
    factories.OrderLineFactory(order=made.order, title="Teapot", quantity=1)
    return made


# --- The content check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("PNG"), "image/png"),
        (image_bytes("WEBP"), "image/webp"),
        (image_bytes("GIF"), "image/gif"),
        (MP4, "video/mp4"),
        (QUICKTIME, "video/quicktime"),
        (WEBM, "video/webm"),
        (PDF, "application/pdf"),
    ],
    ids=["jpeg", "png", "webp", "gif", "mp4", "mov", "webm", "pdf"],
)
def test_photos_videos_and_pdf_are_accepted_with_the_type_their_content_shows(ticket, agent, content, expected):
    # Every file claims to be "x.bin" of type text/plain: name and browser are not believed.
    done = attach_evidence(
        ticket=ticket, actor=agent, upload=upload(content, "x.bin", "text/plain"), kind=EvidenceKind.OTHER
    )
    assert done.content_type == expected and done.size == len(content)


@pytest.mark.parametrize(
    ("content", "name"),
    [(HTML, "photo.jpg"), (SVG, "drawing.svg"), (EXE, "invoice.pdf"), (b"just some words\n" * 10, "notes.png")],
    ids=["html-named-jpg", "svg", "exe-named-pdf", "text-named-png"],
)
def test_anything_but_photos_videos_and_pdf_is_refused_and_nothing_is_stored(ticket, agent, media, content, name):
    with pytest.raises(EvidenceTypeRefused):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(content, name), kind=EvidenceKind.PHOTO)
    assert not Attachment.objects.exists() and not AuditEvent.objects.exists()
    assert stored_files(media) == []


def test_an_svg_is_refused_with_a_message_naming_it(ticket, agent):
    with pytest.raises(EvidenceTypeRefused, match="SVG"):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(SVG, "x.svg", "image/svg+xml"), kind="photo")


def test_a_real_jpeg_carrying_html_in_its_first_bytes_is_refused_as_a_polyglot(ticket, agent):
    polyglot = image_bytes("JPEG", comment=b"<html><script>alert(1)</script></html>")
    assert Image.open(io.BytesIO(polyglot)).format == "JPEG"  # Pillow alone would take it
    with pytest.raises(EvidenceTypeRefused, match="markup"):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(polyglot), kind=EvidenceKind.PHOTO)
    assert not Attachment.objects.exists()


def test_a_file_over_the_cap_is_refused(ticket, agent, settings, media):
    settings.EVIDENCE_MAX_BYTES = 1000
    big = noisy_png()
    with pytest.raises(EvidenceTooLarge):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(big, "big.png"), kind=EvidenceKind.PHOTO)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(ticket, agent):
    with pytest.raises(EvidenceImageTooLarge):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(png_claiming(60_000, 60_000)), kind="photo")
    assert not Attachment.objects.exists()


def test_a_truncated_image_is_refused_as_unreadable(ticket, agent):
    whole = noisy_png()
    with pytest.raises(EvidenceUnreadable):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(whole[: len(whole) // 2], "cut.png"), kind="photo")


def test_the_same_file_twice_on_a_ticket_is_refused_clearly(ticket, agent, media):
    content = image_bytes("PNG")
    attach_evidence(ticket=ticket, actor=agent, upload=upload(content, "a.png"), kind=EvidenceKind.PHOTO)
    with pytest.raises(EvidenceDuplicate, match="a.png"):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(content, "again.png"), kind=EvidenceKind.PHOTO)
    assert Attachment.objects.count() == 1
    assert len(stored_files(media)) == 2  # the first file and its thumbnail, nothing of the second


def test_an_upload_is_hashed_stored_under_its_hash_and_audited(ticket, agent):
    import hashlib

    content = image_bytes("PNG")
    done = attach_evidence(ticket=ticket, actor=agent, upload=upload(content, "../../etc/passwd.png"), kind="photo")
    assert done.sha256 == hashlib.sha256(content).hexdigest()
    assert done.file.name.endswith(done.sha256) and done.original_name == "passwd.png"
    assert done.file.read() == content
    event = AuditEvent.objects.get(action="evidence.attached")
    assert event.ticket_id == ticket.pk and event.after["sha256"] == done.sha256 and event.actor == agent


def test_an_image_gets_an_upright_thumbnail_without_metadata(ticket, agent):
    done = attach_evidence(ticket=ticket, actor=agent, upload=upload(rotated_jpeg_with_gps()), kind="photo")
    thumb = Image.open(done.thumbnail)
    assert thumb.format == "JPEG"
    assert thumb.size == (160, 320)  # 400×200 turned upright, then fitted in 320 px
    assert not thumb.getexif() and "exif" not in thumb.info and "comment" not in thumb.info


def test_videos_and_pdf_get_no_thumbnail(ticket, agent):
    done = attach_evidence(ticket=ticket, actor=agent, upload=upload(MP4, "unboxing.mp4"), kind="unboxing_video")
    assert not done.thumbnail


def test_a_failure_after_the_files_were_written_leaves_no_file_behind(ticket, agent, media):
    def refuse(**kwargs):
        raise RuntimeError("the database went away")

    pre_save.connect(refuse, sender=Attachment, dispatch_uid="evidence-test-refuse")
    try:
        with pytest.raises(RuntimeError):
            attach_evidence(ticket=ticket, actor=agent, upload=upload(image_bytes("PNG")), kind="photo")
    finally:
        pre_save.disconnect(dispatch_uid="evidence-test-refuse", sender=Attachment)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_another_stores_agent_and_finance_cannot_upload(ticket, other_agent, finance, media):
    with pytest.raises(NotFound):
        attach_evidence(ticket=ticket, actor=other_agent, upload=upload(image_bytes()), kind="photo")
    with pytest.raises(PermissionDenied):
        attach_evidence(ticket=ticket, actor=finance, upload=upload(image_bytes()), kind="photo")
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_file_cannot_be_linked_to_another_tickets_message(ticket, agent, shopify_store):
    elsewhere = factories.MessageFactory(ticket=factories.TicketFactory(store=shopify_store))
    with pytest.raises(NotFound):
        attach_evidence(ticket=ticket, actor=agent, upload=upload(image_bytes()), kind="photo", message=elsewhere)


# --- Downloads ------------------------------------------------------------------------------------


@pytest.fixture
def photo(ticket, agent):
    return attach_evidence(ticket=ticket, actor=agent, upload=upload(image_bytes("PNG"), "crack.png"), kind="photo")


def file_url(ticket, attachment, name="ticket-evidence-file") -> str:
    return f"{reverse(name, args=[ticket.number])}?id={attachment.pk}"


def test_a_download_is_an_attachment_that_never_runs_as_a_page(client, agent, ticket, photo):
    client.force_login(agent)
    response = client.get(file_url(ticket, photo))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "crack.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == photo.file.open("rb").read()


def test_a_file_ingest_kept_of_another_type_is_served_as_plain_bytes(client, agent, ticket, media):
    from django.core.files.base import ContentFile

    kept = Attachment(
        ticket=ticket, store=ticket.store, original_name="x.svg", sha256="c" * 64, content_type="image/svg+xml", size=3
    )
    kept.file.save("x", ContentFile(SVG), save=True)
    client.force_login(agent)
    response = client.get(file_url(ticket, kept))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_thumbnail_is_our_jpeg_shown_inline_with_the_same_guards(client, agent, ticket, photo):
    client.force_login(agent)
    response = client.get(file_url(ticket, photo, "ticket-evidence-thumbnail"))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == "inline"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"].startswith("sandbox")


@pytest.mark.parametrize("name", ["ticket-evidence-file", "ticket-evidence-thumbnail"])
def test_another_stores_agent_gets_404_for_a_file(client, other_agent, ticket, photo, name):
    client.force_login(other_agent)
    assert client.get(file_url(ticket, photo, name)).status_code == 404


def test_another_stores_agent_gets_404_for_the_pack(client, other_agent, ticket, photo):
    client.force_login(other_agent)
    assert client.get(reverse("ticket-evidence-pack", args=[ticket.number])).status_code == 404
    assert not AuditEvent.objects.filter(action="evidence.pack_downloaded").exists()


def test_a_file_asked_for_through_another_ticket_is_404(client, agent, shopify_store, photo):
    other = factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    assert client.get(file_url(other, photo)).status_code == 404


def test_finance_downloads_but_cannot_upload(client, finance, ticket, photo, media):
    client.force_login(finance)
    assert client.get(file_url(ticket, photo)).status_code == 200
    before = len(stored_files(media))
    response = client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]),
        {"kind": "photo", "file": upload(image_bytes("PNG", color="blue"))},
    )
    assert response.status_code == 403
    assert Attachment.objects.count() == 1 and len(stored_files(media)) == before


def test_a_page_upload_with_htmx_returns_the_panel_with_the_thumbnail(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]),
        {"slot": "panel", "kind": "photo", "file": upload(image_bytes("PNG"), "dent.png")},
        HTTP_HX_REQUEST="true",
    )
    done = Attachment.objects.get()
    body = response.content.decode()
    assert response.status_code == 200 and 'id="evidence"' in body
    assert file_url(ticket, done, "ticket-evidence-thumbnail") in body
    assert "dent.png" in response["HX-Trigger"]


def test_a_page_upload_without_javascript_redirects_to_the_ticket(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]), {"kind": "photo", "file": upload(image_bytes())}
    )
    assert response.status_code == 302 and Attachment.objects.count() == 1


def test_a_refused_upload_shows_the_reason_inline(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]),
        {"slot": "panel", "kind": "photo", "file": upload(SVG, "x.svg", "image/svg+xml")},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'role="alert"' in body and "SVG" in body
    assert not Attachment.objects.exists()


def test_an_upload_over_the_cap_is_dropped_while_it_streams_in(client, agent, ticket, settings, media):
    settings.EVIDENCE_MAX_BYTES = 2000
    response = client_post_large(client, agent, ticket, 50_000)
    assert response.status_code == 413 and "too large" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


def client_post_large(client, agent, ticket, size: int):
    client.force_login(agent)
    return client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]),
        {"kind": "photo", "file": upload(b"\xff\xd8\xff" + b"\x00" * size, "huge.jpg")},
    )


def test_a_qc_form_upload_comes_back_as_the_form_and_the_panel_out_of_band(client, agent, ticket):
    rma = factories.RmaFactory(ticket=ticket, status="received")
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert f'id="evidence-form-qc-{rma.pk}"' in page
    response = client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]),
        {"slot": f"qc-{rma.pk}", "kind": "qc_photo", "file": upload(image_bytes())},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert f'id="evidence-form-qc-{rma.pk}"' in body and 'hx-swap-oob="true"' in body
    assert Attachment.objects.get().kind == "qc_photo"


# --- The checklist --------------------------------------------------------------------------------


def checklist(ticket) -> dict[str, bool]:
    panel = evidence_selector.panel(ticket)
    return {req.key: req.done for case in panel.cases for req in case.requirements}


def test_damaged_needs_photos_and_an_unboxing_video(ticket, agent):
    assert checklist(ticket) == {"photos": False, "unboxing_video": False}
    attach_evidence(ticket=ticket, actor=agent, upload=upload(image_bytes()), kind="photo")
    assert checklist(ticket) == {"photos": True, "unboxing_video": False}
    attach_evidence(ticket=ticket, actor=agent, upload=upload(MP4, "open.mp4"), kind="unboxing_video")
    assert checklist(ticket) == {"photos": True, "unboxing_video": True}


def test_not_received_needs_tracking_proof_of_delivery_and_the_conversation(shopify_store, agent):
    lost = factories.TicketFactory(store=shopify_store, reason="lost")
    assert checklist(lost) == {"tracking": False, "proof_of_delivery": False, "conversation": False}
    lost.order.tracking_number = "1Z999"
    lost.order.save()
    factories.MessageFactory(ticket=lost)
    attach_evidence(ticket=lost, actor=agent, upload=upload(PDF, "pod.pdf"), kind="delivery_signature")
    lost.refresh_from_db()
    assert checklist(lost) == {"tracking": True, "proof_of_delivery": True, "conversation": True}


def test_an_internal_note_is_not_a_conversation_log(shopify_store, agent):
    from tickets.services.tickets import add_internal_note

    lost = factories.TicketFactory(store=shopify_store, reason="lost")
    add_internal_note(lost, "called the carrier", actor=agent)
    assert checklist(lost)["conversation"] is False


def test_a_dispute_asks_for_the_not_received_evidence_and_shows_its_deadline(shopify_store):
    inquiry = factories.TicketFactory(store=shopify_store, type="inquiry")
    assert checklist(inquiry) == {}
    due = timezone.now() + timedelta(days=3)
    make_dispute(inquiry, respond_by=due)
    panel = evidence_selector.panel(inquiry)
    assert set(checklist(inquiry)) == {"tracking", "proof_of_delivery", "conversation"}
    assert panel.dispute.respond_by == due and not panel.dispute.overdue and panel.offers_pack


def test_a_failed_qc_asks_for_qc_photos(shopify_store):
    returned = factories.TicketFactory(store=shopify_store, type="return", reason="size")
    factories.RmaFactory(ticket=returned, status="inspected", qc_result="fail", qc_note="stained")
    assert checklist(returned) == {"qc_photos": False}


def make_dispute(ticket, **fields) -> Dispute:
    return Dispute.objects.create(
        store=ticket.store,
        ticket=ticket,
        order=ticket.order,
        external_id=f"case-{ticket.pk}",
        kind="inquiry",
        opened_at=timezone.now(),
        **fields,
    )


# --- The ticket page --------------------------------------------------------------------------------


def test_the_ticket_page_shows_the_panel_checklist_and_files_under_their_message(client, agent, ticket):
    message = factories.MessageFactory(ticket=ticket, body="<p>See the photo</p>")
    attach_evidence(ticket=ticket, actor=agent, upload=upload(image_bytes(), "dent.png"), kind="photo", message=message)
    attach_evidence(ticket=ticket, actor=agent, upload=upload(PDF, "label.pdf"), kind="shipping_proof", message=message)
    client.force_login(agent)
    body = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    files = body.split('class="msg-files"', 1)[1].split("</ul>", 1)[0]
    assert "thumbnail" in files and "label.pdf" in files  # a thumbnail for the photo, a link for the PDF
    assert 'data-requirement="unboxing_video"' in body and "1 missing" in body


def test_the_ticket_page_asks_a_fixed_number_of_times_with_evidence(client, agent, ticket):
    client.force_login(agent)
    url = reverse("ticket", args=[ticket.number])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(4):
        message = factories.MessageFactory(ticket=ticket)
        attach_evidence(
            ticket=ticket, actor=agent, upload=upload(image_bytes(color=(i, 0, 0))), kind="photo", message=message
        )
    make_dispute(ticket, respond_by=timezone.now())
    factories.RmaFactory(ticket=ticket, status="inspected", qc_result="fail")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


# --- The dispute evidence pack -----------------------------------------------------------------------


def test_the_pack_holds_a_summary_and_the_files(client, agent, ticket):
    ticket.order.tracking_number = "1Z999AA1"
    ticket.order.carrier = "UPS"
    ticket.order.save()
    factories.MessageFactory(ticket=ticket, body="<p>It arrived broken &lt;script&gt;alert(1)&lt;/script&gt;</p>")
    from tickets.services.tickets import add_internal_note

    add_internal_note(ticket, "internal: buyer has a history", actor=agent)
    make_dispute(ticket, respond_by=timezone.now() + timedelta(days=2), amount="100.00", currency="USD")
    photo = attach_evidence(ticket=ticket, actor=agent, upload=upload(image_bytes(), "crack.png"), kind="photo")
    client.force_login(agent)
    response = client.get(reverse("ticket-evidence-pack", args=[ticket.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["files/01-crack.png", "summary.html"]
    assert archive.read("files/01-crack.png") == photo.file.open("rb").read()
    summary = archive.read("summary.html").decode()
    assert ticket.order.number in summary and "1Z999AA1" in summary and "$100.00" in summary
    assert photo.sha256 in summary and "Teapot" in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary and "<script>" not in summary
    assert "internal: buyer has a history" not in summary
    assert AuditEvent.objects.filter(action="evidence.pack_downloaded", ticket=ticket, actor=agent).exists()


def test_an_upload_without_the_csrf_token_is_refused(agent, ticket):
    # The view sets its size-capping handler before Django reads the body, then checks the token itself.
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(
        reverse("ticket-evidence-upload", args=[ticket.number]), {"kind": "photo", "file": upload(image_bytes())}
    )
    assert response.status_code == 403 and not Attachment.objects.exists()
